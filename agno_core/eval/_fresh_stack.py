"""Running the measurement on a fresh Python stack: a greenlet of its own.

``tracemalloc`` walks the whole Python stack on every traced allocation (to count the frames,
even when it stores one), so every frame under the measured function makes each of its traced
allocations dearer: an allocation-heavy loop traced at depth 1 ran 60 % slower under the 40-odd
frames of pytest, pluggy and a test than at the top of a script. The eval cannot remove its
caller's frames, but it can leave them: a greenlet starts with an empty Python stack, in the same
thread, so the measurement and the measured function run with only their own frames under them.

A greenlet is the same thread and, here, the same ``contextvars`` context (the caller's own
context object, not a copy), so thread-bound objects (an ``sqlite3`` connection), thread-locals,
the running event loop, ``asyncio.current_task()`` and context variables set by the measured
function behave as if it had been called directly. Without ``greenlet`` (it comes with
SQLAlchemy's asyncio extra, a dependency of this package) everything runs on the caller's stack.

Only the measurement's own steps move: tasks the measured function spawns run where the event
loop runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Generator
from typing import Any, Generic, TypeVar

try:
    from greenlet import getcurrent, greenlet
except ImportError:  # pragma: no cover - greenlet ships with sqlalchemy[asyncio]
    greenlet = None

__all__ = ["FreshStack", "call_on_fresh_stack"]

T = TypeVar("T")
A = TypeVar("A")

_SEND = 0
_THROW = 1


def call_on_fresh_stack(func: Callable[[A], T], arg: A) -> T:
    """``func(arg)`` on a fresh stack; its result or exception comes back as from a plain call."""
    if greenlet is None:
        return func(arg)
    runner = greenlet(func)
    runner.gr_context = getcurrent().gr_context
    result: T = runner.switch(arg)
    return result


def _stepper(coro: Coroutine[Any, Any, Any], kind: int, value: Any) -> tuple[bool, Any]:
    """Step ``coro`` as told by the parent, one switch per step; return how it ended."""
    parent = getcurrent().parent
    while True:
        try:
            yielded = coro.send(value) if kind == _SEND else coro.throw(value)
        except BaseException as exc:  # StopIteration included: the coroutine's result
            return False, exc
        kind, value = parent.switch((True, yielded))


class FreshStack(Generic[T]):
    """Awaitable that runs a coroutine with each of its steps on a fresh stack.

    What the coroutine yields to the event loop (futures, bare yields) goes to the awaiting task
    unchanged, and what the task sends or throws in (results, cancellation, ``GeneratorExit``)
    goes back to the coroutine, so awaiting ``FreshStack(coro)`` behaves as awaiting ``coro``.
    """

    __slots__ = ("_coro",)

    def __init__(self, coro: Coroutine[Any, Any, T]) -> None:
        self._coro = coro

    def __await__(self) -> Generator[Any, Any, T]:
        if greenlet is None:
            return (yield from self._coro.__await__())
        runner = greenlet(_stepper)
        runner.gr_context = getcurrent().gr_context
        running, out = runner.switch(self._coro, _SEND, None)
        while running:
            try:
                value = yield out
            except BaseException as exc:
                running, out = runner.switch((_THROW, exc))
            else:
                running, out = runner.switch((_SEND, value))
        if isinstance(out, StopIteration):
            result: T = out.value
            return result
        raise out
