"""``agent.continue_run`` / ``acontinue_run``: going on with a paused run (human in the loop).

The paused run is given back either as the `RunOutput` the run returned (``run_response=``;
it is completed in place, as in Agno) or by id (``run_id=``, read from the db, so another
process or a new `Agent` may continue it), with the user's answers on its requirements
(``requirements=``, e.g. rebuilt from a request). The engine does the rest (see
`agno_core.run._pause`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

from agno_core._sync import iterate_sync, run_sync
from agno_core._unsupported import check_arguments
from agno_core.exceptions import RunNotContinuableError, RunNotFoundError
from agno_core.run._context import RunContext
from agno_core.run._engine import consume, stream_run
from agno_core.run._ids import check_id
from agno_core.run._options import SYNC_API, RunOptions
from agno_core.run._output import RunOutput
from agno_core.run._pause import mark_resume
from agno_core.run._registry import ActiveRun, local_runs
from agno_core.run._requirement import RunRequirement, link_requirements
from agno_core.run._tool_execution import ToolExecution
from agno_core.run.base import RunStatus

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb
    from agno_core.models.base import Model

__all__ = ["ContinueApi"]


def adopt_answers(
    output: RunOutput,
    requirements: Sequence[RunRequirement] | None,
    updated_tools: Sequence[ToolExecution] | None,
) -> None:
    """Take the user's answers: the answered tool calls (of the requirements, or Agno 2.x's
    ``updated_tools``) replace the run's records of the calls not executed yet (matched by call
    id), as in Agno."""
    answered = {t.tool_call_id: t for t in updated_tools or ()}
    answered.update({r.tool_execution.tool_call_id: r.tool_execution for r in requirements or ()})
    output.tools = [
        answered.get(tool.tool_call_id, tool) if tool.result is None else tool
        for tool in output.tools
    ]
    if requirements is not None:
        output.requirements = list(requirements)
    else:
        link_requirements(output.requirements or (), output.tools)


def check_continuable(output: RunOutput) -> None:
    """Raise `RunNotContinuableError` unless ``output`` is a paused run ready to go on."""
    if output.status is not RunStatus.paused:
        raise RunNotContinuableError(
            f"run {output.run_id} is {output.status.value}: only a paused run can be continued "
            "in agno_core"
        )
    for requirement in output.requirements or ():
        requirement.apply_answer()
    for tool in output.tools:
        if tool.external_execution_required and tool.result is None:
            raise RunNotContinuableError(
                f"tool {tool.tool_name!r} of run {output.run_id} is executed outside the agent: "
                "give its result (requirement.set_external_execution_result(...)) before "
                "continuing the run"
            )


class ContinueApi:
    """Mixed into `Agent`: ``continue_run`` and ``acontinue_run``."""

    __slots__ = ()

    db: SqlDb | None
    stream: bool | None
    stream_events: bool | None
    output_schema: Any

    if TYPE_CHECKING:

        def _resolved_model(self) -> Model: ...
        def _ran_in(self, session_id: str) -> None: ...

    def acontinue_run(
        self,
        run_response: RunOutput | None = None,
        *,
        run_id: str | None = None,
        requirements: Sequence[RunRequirement] | None = None,
        stream: bool | None = None,
        stream_events: bool | None = None,
        user_id: str | None = None,
        session_id: str | None = None,
        dependencies: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        debug_mode: bool | None = None,
        yield_run_output: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Continue a paused run once the user has answered its requirements.

        Confirmed calls are executed, rejected ones are reported to the model as rejected
        (with the note given to ``reject``), calls needing user input run with the values
        filled in, and calls executed outside get their given result; then the model goes on.
        Pre-hooks marked ``@hook(run_on_continue=True)`` run again first. The run may pause
        again (check ``is_paused``).

        Args:
            run_response: The paused run, as returned (completed in place).
            run_id: Or its id: the run is read from the agent's db (another process may have
                paused it).
            requirements: With ``run_id``, the answered requirements (their tool calls replace
                the stored ones that have not run).
            stream: Return an async iterator of events instead of a coroutine.
            stream_events: Also emit intermediate events (RunContinued, tool calls).
            user_id: The user continuing: must be the run's user when the run has one.
            session_id: The run's session (checked; narrows the lookup by ``run_id``).
            dependencies, metadata: Added to the agent's for this part of the run.
            debug_mode: Log at debug level during this part of the run.
            yield_run_output: With ``stream=True``, yield the `RunOutput` after the events.
            **kwargs: ``updated_tools`` (Agno 2.x: the run's tools, answered: ``confirmed``,
                ``result``, ``user_input_schema`` values), or Agno's other arguments
                (``fork``, ``input``, ...): accepted at Agno's default only, otherwise
                `NotSupportedError` names them.

        Returns:
            A coroutine giving the `RunOutput` (status completed, paused again, or error), or
            with ``stream=True`` an async iterator of events.

        Raises:
            RunNotFoundError: ``run_id`` is not in the db (in ``session_id``), or the agent has
                no db to read it from.
            RunNotContinuableError: the run is not paused, or an external result is missing.
        """
        updated_tools = kwargs.pop("updated_tools", None)
        sync_api = bool(kwargs.pop(SYNC_API, False))
        if kwargs:
            check_arguments("Agent.continue_run", kwargs)
        if run_response is None and run_id is None:
            raise ValueError("continue_run needs the paused run: run_response= or run_id=")
        check_id("run_id", run_id, optional=True)
        check_id("session_id", session_id, optional=True)
        check_id("user_id", user_id, optional=True)
        stream = self.stream if stream is None else stream
        stream_events = bool(self.stream_events if stream_events is None else stream_events)
        target = {
            "run_response": run_response,
            "run_id": run_id,
            "requirements": requirements,
            "updated_tools": updated_tools,
            "user_id": user_id,
            "session_id": session_id,
            "options": RunOptions(
                dependencies=dependencies,
                metadata=metadata,
                debug_mode=debug_mode,
                sync_api=sync_api,
            ),
        }
        if stream:
            return self._acontinue_stream(target, stream_events, yield_run_output)
        return self._acontinue_once(target)

    def continue_run(
        self, run_response: RunOutput | None = None, *, stream: bool | None = None, **kwargs: Any
    ) -> Any:
        """Synchronous `acontinue_run` (same arguments); with ``stream=True`` an iterator."""
        stream = self.stream if stream is None else stream
        kwargs[SYNC_API] = True  # the tool calls run one after another, as in Agno's sync API
        if stream:
            return iterate_sync(self.acontinue_run(run_response, stream=True, **kwargs))
        return run_sync(self.acontinue_run(run_response, stream=False, **kwargs))

    async def _acontinue_once(self, target: dict[str, Any]) -> RunOutput:
        ctx = await self._resume_ctx(target, stream=False, stream_events=False)
        await consume(ctx)
        return ctx.output

    async def _acontinue_stream(
        self, target: dict[str, Any], stream_events: bool, yield_output: bool
    ) -> AsyncIterator[Any]:
        ctx = await self._resume_ctx(target, stream=True, stream_events=stream_events)
        # Closed in order when the caller stops iterating (see RunnerBase._arun_stream).
        async with contextlib.aclosing(stream_run(ctx, yield_output)) as items:
            async for item in items:
                yield item

    async def _paused_output(self, target: dict[str, Any]) -> RunOutput:
        output: RunOutput | None = target["run_response"]
        run_id, session_id = target["run_id"], target["session_id"]
        if output is not None:
            if run_id is not None and run_id != output.run_id:
                raise ValueError(f"run_id {run_id!r} is not the run_response's ({output.run_id})")
            if session_id is not None and session_id != output.session_id:
                raise ValueError(f"run {output.run_id} is not in session {session_id!r}")
        else:
            if self.db is None:
                # Agno raises RunNotFoundError here too: the run cannot be found.
                raise RunNotFoundError(
                    f"no run {run_id!r} found: continue_run(run_id=...) reads the paused run "
                    "from the db, and this agent has none (pass db=... or run_response=)"
                )
            output = await self.db.aget_run(run_id, session_id)
            if output is None:
                where = f" in session {session_id!r}" if session_id else ""
                raise RunNotFoundError(f"no run {run_id!r} found{where}")
        if output.is_team:
            raise NotImplementedError(
                "continuing a paused team run is not supported by agno_core (team runs do not "
                "pause)"
            )
        user_id = target["user_id"]
        if user_id is not None:
            if output.user_id is not None and output.user_id != user_id:
                raise ValueError(f"run {output.run_id} belongs to another user")
            output.user_id = user_id
        if target["requirements"] is not None or target["updated_tools"] is not None:
            adopt_answers(output, target["requirements"], target["updated_tools"])
        check_continuable(output)
        return output

    async def _resume_ctx(
        self, target: dict[str, Any], *, stream: bool, stream_events: bool
    ) -> RunContext:
        output = await self._paused_output(target)
        model = self._resolved_model()
        db = self.db
        active = ActiveRun(run_id=output.run_id, db=db, loop=asyncio.get_running_loop())
        local_runs.register(active)
        ctx = RunContext(
            owner=self,  # type: ignore[arg-type]
            output=output,
            active=active,
            model=model,
            db=db,
            stream=stream,
            stream_events=stream_events,
            output_schema=self.output_schema,
            store=db is not None,
            options=target["options"],
        )
        mark_resume(ctx)
        self._ran_in(output.session_id)
        return ctx
