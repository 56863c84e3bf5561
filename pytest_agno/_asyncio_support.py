"""Async tests that use the plugin's fixtures run with no asyncio configuration at all.

A user's first test is ``async def test_x(agent): ...``. Without help, pytest fails it ("async def
functions are not natively supported") unless pytest-asyncio runs in auto mode or the test is
marked. So, for a coroutine test whose fixture closure holds one of the plugin's fixtures, and only
for such a test:

- pytest-asyncio active, strict mode (its default): the test gets ``@pytest.mark.asyncio`` at
  collection (before pytest-asyncio turns marked coroutines into its own items), and the async
  fixtures it requests are handed to pytest-asyncio as ``pytest_asyncio.fixture`` would; auto
  mode needs nothing;
- pytest-asyncio absent or disabled (``-p no:asyncio``): the plugin runs the test, and its
  function-scoped async fixtures, on a fresh event loop of its own (one `asyncio.Runner` per
  test), so it does not depend on pytest-asyncio. (An async fixture of a wider scope needs a loop
  that outlives the test: pytest reports it as unhandled, and pytest-asyncio provides it.)

What the user chose always wins: a test marked ``asyncio`` (any ``loop_scope``), ``anyio`` or
``trio``, or one that requests ``anyio_backend``, is left to that plugin. Tests that use none of
the plugin's fixtures are never touched.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from asyncio import Runner

__all__ = [
    "OWN_LOOP",
    "RUNNER_FIXTURE",
    "fixture_setup",
    "make_items_async",
    "run_test",
]

RUNNER_FIXTURE = "_agno_event_loop_runner"
"""The fixture (defined in ``plugin``) holding the `asyncio.Runner` of such a test."""
OWN_LOOP = pytest.StashKey[bool]()
"""Set on the tests whose event loop pytest_agno runs itself."""
_OTHER_RUNNERS = ("asyncio", "anyio", "trio")


def _is_async(func: object) -> bool:
    return inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func)


def _uses_plugin(item: pytest.Function) -> bool:
    name2defs = item._fixtureinfo.name2fixturedefs
    for name in item.fixturenames:
        for fixturedef in name2defs.get(name, ()):
            if getattr(fixturedef.func, "__module__", "").startswith("pytest_agno."):
                return True
    return False


def _asyncio_mode(config: pytest.Config) -> str:
    mode = config.getoption("asyncio_mode", None) or config.getini("asyncio_mode")
    return str(mode or "strict")


def _async_fixture_funcs(item: pytest.Function) -> Iterator[Callable[..., Any]]:
    name2defs = item._fixtureinfo.name2fixturedefs
    for name in item.fixturenames:
        defs = name2defs.get(name)
        if defs and _is_async(defs[-1].func):
            yield defs[-1].func


def make_items_async(items: list[Any], config: pytest.Config) -> None:
    """Hand each coroutine test that uses the plugin's fixtures to an event loop (see above)."""
    for item in items:
        if not isinstance(item, pytest.Function) or not inspect.iscoroutinefunction(item.obj):
            continue
        if any(item.get_closest_marker(name) for name in _OTHER_RUNNERS):
            continue
        if "anyio_backend" in item.fixturenames or not _uses_plugin(item):
            continue
        if not config.pluginmanager.has_plugin("asyncio"):
            item.stash[OWN_LOOP] = True
            item.fixturenames.insert(0, RUNNER_FIXTURE)
            continue
        if _asyncio_mode(config) == "auto":
            continue
        import pytest_asyncio

        item.add_marker(pytest.mark.asyncio)
        for func in _async_fixture_funcs(item):
            if not getattr(func, "_force_asyncio_fixture", False):
                # pytest_asyncio.fixture() marks the function for pytest-asyncio and returns a
                # fixture definition that is not needed here: the fixture is already registered.
                pytest_asyncio.fixture(func)


def run_test(item: pytest.Function) -> bool | None:
    """Run a test pytest_agno took charge of on its runner (None: not one of those)."""
    if not item.stash.get(OWN_LOOP, False):
        return None
    runner: Runner = item.funcargs[RUNNER_FIXTURE]  # type: ignore[assignment]
    funcargs = item.funcargs
    kwargs = {name: funcargs[name] for name in item._fixtureinfo.argnames}
    runner.run(item.obj(**kwargs))
    return True


def fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Callable[..., Any] | None:
    """A sync stand-in for an async fixture of a test pytest_agno runs (None: leave it)."""
    func: Callable[..., Any] = fixturedef.func
    node = request.node
    if not _is_async(func) or not isinstance(node, pytest.Function):
        return None
    if not node.stash.get(OWN_LOOP, False):
        return None
    runner: Runner = request.getfixturevalue(RUNNER_FIXTURE)
    if inspect.isasyncgenfunction(func):

        @functools.wraps(func)
        def generator(*args: Any, **kwargs: Any) -> Generator[Any]:
            agen = func(*args, **kwargs)
            value = runner.run(agen.__anext__())
            yield value
            try:
                runner.run(agen.__anext__())
            except StopAsyncIteration:
                return
            raise RuntimeError(f"the async fixture {fixturedef.argname!r} yielded twice")

        return generator

    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        return runner.run(func(*args, **kwargs))

    return call
