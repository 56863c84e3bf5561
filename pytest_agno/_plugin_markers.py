"""What the plugin's markers do at run time, beyond the fixtures they configure.

At collection, `check_markers` validates the arguments of every ``agno_*`` marker (the parsers
load only for a test that has one) and `fail_on_marker_errors` fails such a test at setup with
one line. The scenario markers (``agno_background``, ``agno_cancel``) become the test's
`RunPlan` (`run_plan`), which the agent/team fixtures build their runners with (`build`); after
the call, `check_cancelled` fails an ``agno_cancel`` test whose scenario never ran.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_agno.mock._openai import MockOpenAI
    from pytest_agno.scenarios._runs import RunPlan

__all__ = [
    "CANCEL_MARKED",
    "build",
    "check_cancelled",
    "check_markers",
    "fail_on_marker_errors",
    "run_plan",
]

_MARKER_ERRORS = pytest.StashKey[list[str]]()
CANCEL_MARKED = pytest.StashKey[bool]()
"""Set on a test marked ``agno_cancel``: `check_cancelled` runs after its call."""
_RUN_PLAN = pytest.StashKey["RunPlan | None"]()


def check_markers(items: list[pytest.Item]) -> None:
    """Validate the plugin's markers of each item (``pytest_collection_modifyitems``)."""
    for item in items:
        if not any(mark.name.startswith("agno_") for mark in item.iter_markers()):
            continue  # nothing of the plugin's to check (and its parsers stay unimported)
        from pytest_agno.perf._markers import marker_errors

        if item.get_closest_marker("agno_cancel") is not None:
            item.stash[CANCEL_MARKED] = True
        errors = marker_errors(item)
        cassette = item.get_closest_marker("agno_cassette")
        if cassette is not None:
            from pytest_agno.mock._cassette_options import cassette_marker_kwargs

            try:
                cassette_marker_kwargs(cassette)
            except ValueError as error:
                errors.append(f"{item.nodeid}: @pytest.mark.agno_cassette: {error}")
        if errors:
            item.stash[_MARKER_ERRORS] = errors


def fail_on_marker_errors(item: pytest.Item) -> None:
    """Fail a test whose markers had invalid arguments, in one line (``pytest_runtest_setup``)."""
    errors = item.stash.get(_MARKER_ERRORS, None)
    if errors:
        pytest.fail("pytest_agno: invalid marker arguments: " + "; ".join(errors), pytrace=False)


def check_cancelled(item: pytest.Item) -> None:
    """Fail a test marked ``agno_cancel`` whose scenario never ran (it would pass untested)."""
    plan = item.stash.get(_RUN_PLAN, None)
    if plan is not None and plan.cancel is not None and plan.cancel.done:
        return
    mark = item.get_closest_marker("agno_cancel")
    when = (mark.kwargs.get("when") or (mark.args or (None,))[0]) if mark is not None else None
    pytest.fail(
        f"@pytest.mark.agno_cancel(when={when!r}) never cancelled anything: the test made no run "
        "it applies to, i.e. a first `await x.arun(...)` or `x.run(...)` (not streamed, without "
        "background=) of the agent/team fixtures or of what agent_factory/team_factory built",
        pytrace=False,
    )


def run_plan(request: pytest.FixtureRequest, mock: MockOpenAI) -> RunPlan | None:
    """The test's `RunPlan` from its ``agno_background``/``agno_cancel`` markers (None: none)."""
    node = request.node
    if _RUN_PLAN in node.stash:
        cached: RunPlan | None = node.stash[_RUN_PLAN]
        return cached
    background = node.get_closest_marker("agno_background")
    cancel = node.get_closest_marker("agno_cancel")
    plan = None
    if background is not None or cancel is not None:
        from pytest_agno.perf._markers import background_options, cancel_options
        from pytest_agno.scenarios._runs import RunPlan

        plan = RunPlan.from_markers(
            background_options(background) if background is not None else None,
            cancel_options(cancel) if cancel is not None else None,
            mock,
        )
    node.stash[_RUN_PLAN] = plan
    return plan


def build(base: type[Any], plan: RunPlan | None, kwargs: dict[str, Any]) -> Any:
    """``base(**kwargs)``, or its scenario subclass carrying out ``plan`` when there is one."""
    if plan is None:
        return base(**kwargs)
    from pytest_agno.scenarios._runs import scenario_class

    runner = scenario_class(base)(**kwargs)
    runner._agno_plan = plan
    return runner
