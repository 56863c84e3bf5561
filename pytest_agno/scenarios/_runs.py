"""Run scenarios the markers set up: background execution with polling, and the cancel moments.

A marked test's ``agent``/``team`` fixtures (and the runners their factories build) are instances
of a subclass of `Agent`/`Team` whose ``arun()`` carries the scenario out; everything else about
them is unchanged, and ``isinstance(agent, Agent)`` still holds. Only ``await runner.arun(...)``
(not streaming, no explicit ``background=``) is redirected, and so is the synchronous ``run()``
built on it.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import pytest

from pytest_agno.perf._markers import BackgroundOptions, CancelOptions

if TYPE_CHECKING:
    from agno_core.agent import Agent
    from agno_core.run.agent import RunOutput
    from agno_core.run.base import RunStatus
    from agno_core.team import Team
    from pytest_agno.mock import MockOpenAI

    Runner: TypeAlias = Agent | Team

__all__ = ["CancelScenario", "RunPlan", "arun_background", "scenario_class"]

# Long enough that a cancelled request is never answered, short enough not to hang a broken test.
_SLOW_DEFAULT_REPLY = 60.0


async def arun_background(
    runner: Runner,
    input: Any,
    *,
    timeout: float = 30.0,
    poll_interval: float = 0.01,
    **kwargs: Any,
) -> RunOutput:
    """Submit a background run and poll ``aget_run_output()`` until it ends.

    What a user of background runs writes by hand: ``arun(background=True)``, then poll.

    Args:
        runner: An `Agent` or `Team` with a db.
        input: The run's input.
        timeout: Seconds the run may take before the poll gives up.
        poll_interval: Seconds between two polls.
        **kwargs: Further ``arun()`` arguments (``session_id``, ``run_id``, ``output_schema``).

    Returns:
        The run as read back from the db once its status is terminal.

    Raises:
        AssertionError: when the run is not found, or has not ended within ``timeout``.
    """
    __tracebackhide__ = True
    snapshot = await runner.arun(input, background=True, **kwargs)
    deadline = time.monotonic() + timeout
    status: RunStatus | None = snapshot.status
    while True:
        output = await runner.aget_run_output(
            run_id=snapshot.run_id, session_id=snapshot.session_id
        )
        status = output.status if output is not None else None
        if output is not None and output.status.is_terminal:
            return output
        if time.monotonic() >= deadline:
            state = "was never stored" if status is None else f"is still {status.value}"
            raise AssertionError(
                f"background run {snapshot.run_id} {state} after {timeout:g} s of polling"
            )
        await asyncio.sleep(poll_interval)


@dataclass(kw_only=True, eq=False)
class CancelScenario:
    """What ``@pytest.mark.agno_cancel`` did (the ``cancel_scenario`` fixture).

    Attributes:
        when: ``"before_start"``, ``"during"`` or ``"after_completion"``.
        timeout: Seconds to wait for the model request (``"during"``).
        run_id: The cancelled run's id, once it was started.
        cancel_result: What the cancel call returned: ``cancel_run()`` before the start (False:
            the run did not exist yet), ``acancel_run()`` during (True) or after it (False).
        output: The run's output (as returned, or polled under ``agno_background``).
        done: The scenario has run (it applies to the first run only).
    """

    when: str
    timeout: float = 10.0
    run_id: str | None = None
    cancel_result: bool | None = None
    output: RunOutput | None = None
    done: bool = False

    @property
    def status(self) -> RunStatus | None:
        """The run's final status (None before it ran)."""
        return self.output.status if self.output is not None else None


@dataclass(kw_only=True, eq=False)
class RunPlan:
    """How a marked test's runners run: in the background or not, and a cancel scenario."""

    background: BackgroundOptions | None = None
    cancel: CancelScenario | None = None
    mock: MockOpenAI | None = None

    @classmethod
    def from_markers(
        cls,
        background: BackgroundOptions | None,
        cancel: CancelOptions | None,
        mock: MockOpenAI | None,
    ) -> RunPlan:
        scenario = (
            CancelScenario(when=cancel.when, timeout=cancel.timeout) if cancel is not None else None
        )
        return cls(background=background, cancel=scenario, mock=mock)

    async def execute(self, runner: Runner, input: Any, kwargs: dict[str, Any]) -> RunOutput:
        scenario = self.cancel
        if scenario is None or scenario.done:
            result: RunOutput = await self._run(runner, input, kwargs)
            return result
        scenario.done = True
        run_id = kwargs.setdefault("run_id", str(uuid.uuid4()))
        scenario.run_id = run_id
        if scenario.when == "before_start":
            from agno_core.run.cancel import acancel_run

            scenario.cancel_result = await acancel_run(run_id, runner.db)
            output: RunOutput = await self._run(runner, input, kwargs)
        elif scenario.when == "during":
            output = await self._cancel_during(runner, input, kwargs, scenario)
        else:
            output = await self._run(runner, input, kwargs)
            scenario.cancel_result = await runner.acancel_run(run_id)
        scenario.output = output
        return output

    def _run(self, runner: Runner, input: Any, kwargs: dict[str, Any]) -> Awaitable[Any]:
        base_arun: Callable[..., Awaitable[Any]] = super(_ScenarioRunner, runner).arun  # type: ignore[misc]
        if self.background is None:
            return base_arun(input, stream=False, **kwargs)
        return arun_background(
            runner,
            input,
            timeout=self.background.timeout,
            poll_interval=self.background.poll_interval,
            **kwargs,
        )

    async def _cancel_during(
        self, runner: Runner, input: Any, kwargs: dict[str, Any], scenario: CancelScenario
    ) -> RunOutput:
        mock = self.mock
        assert mock is not None
        seen = len(mock.requests)
        saved_latency = mock.default_latency
        if not mock.pending:  # the default reply answers: make it slow enough to cancel
            mock.default_latency = _SLOW_DEFAULT_REPLY
        task = asyncio.ensure_future(self._run(runner, input, kwargs))
        try:
            deadline = time.monotonic() + scenario.timeout
            while len(mock.requests) == seen and not task.done():
                if time.monotonic() >= deadline:
                    pytest.fail(
                        f"agno_cancel(when='during'): no model request arrived within "
                        f"{scenario.timeout:g} s of starting run {scenario.run_id}",
                        pytrace=False,
                    )
                await asyncio.sleep(0.001)
        except BaseException:
            task.cancel()
            raise
        finally:
            mock.default_latency = saved_latency
        scenario.cancel_result = await runner.acancel_run(str(scenario.run_id))
        output: RunOutput = await task
        if output.status.value == "COMPLETED":
            pytest.fail(
                f"agno_cancel(when='during'): run {scenario.run_id} completed before the cancel "
                "landed; give the scripted reply a latency, e.g. "
                "mock_model.add_text('...', latency=5)",
                pytrace=False,
            )
        return output


class _ScenarioRunner:
    """Mixin: ``arun()`` without ``background=``/``stream`` goes through the test's `RunPlan`."""

    __slots__ = ()
    _agno_plan: RunPlan

    def arun(
        self,
        input: Any,
        *,
        stream: bool | None = None,
        background: bool = False,
        **kwargs: Any,
    ) -> Any:
        base = super().arun  # type: ignore[misc]
        streaming = getattr(self, "stream", None) if stream is None else stream
        if background or streaming:
            return base(input, stream=stream, background=background, **kwargs)
        return self._agno_plan.execute(self, input, kwargs)  # type: ignore[arg-type]


_CLASSES: dict[type[Any], type[Any]] = {}


def scenario_class(base: type[Any]) -> type[Any]:
    """``base`` (`Agent` or `Team`) with the scenario ``arun()``; same name, cached."""
    cls = _CLASSES.get(base)
    if cls is None:
        cls = type(base.__name__, (_ScenarioRunner, base), {"__module__": base.__module__})
        cls.__qualname__ = base.__qualname__
        _CLASSES[base] = cls
    return cls
