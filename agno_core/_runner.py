"""What agents and teams share: the run entry points around the one engine, background runs,
polling, cancellation, session metrics, context building and memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from agno_core._memory import update_memories
from agno_core._options import AgnoOptions
from agno_core._prompt import build_messages, static_parts
from agno_core._run_tools import ToolsApi
from agno_core._session_api import SessionApi
from agno_core._session_state import FRESH_SESSION
from agno_core._sync import iterate_sync, run_sync
from agno_core._unsupported import check_arguments
from agno_core.models.base import Model
from agno_core.models.message import Message
from agno_core.run import _events as ev
from agno_core.run._context import RunContext
from agno_core.run._engine import consume, stream_run
from agno_core.run._ids import check_id
from agno_core.run._options import SYNC_API, RunOptions
from agno_core.run._output import RunOutput
from agno_core.run._registry import ActiveRun, local_runs
from agno_core.run._scheduler import BackgroundScheduler
from agno_core.run.base import RunStatus
from agno_core.run.cancel import acancel_run
from agno_core.run.hooks import notify_run_end
from agno_core.tools import Function
from agno_core.tools._toolkit import resolve_tools

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb

__all__ = ["RunnerBase"]

log = logging.getLogger("agno_core")


class RunnerBase(SessionApi, ToolsApi, AgnoOptions):
    """Shared machinery of `Agent` and `Team`. Not used directly."""

    kind = "agent"
    __slots__ = (
        "__weakref__",
        "_id",
        "_resolved_tools",
        "_scheduler",
        "_unsaved",
        "add_history_to_context",
        "add_memories_to_context",
        "additional_context",
        "background_concurrency",
        "db",
        "debug_mode",
        "description",
        "expected_output",
        "instructions",
        "markdown",
        "memory_model",
        "model",
        "name",
        "num_history_runs",
        "output_schema",
        "role",
        "session_id",
        "stream",
        "stream_events",
        "stream_tool_call_args",
        "system_message",
        "telemetry",
        "tool_call_limit",
        "tools",
        "update_memory_on_run",
        "user_id",
    )

    model: Model | None
    name: str | None
    _id: str | None
    tools: list[Any] | Callable[..., Any] | None
    db: SqlDb | None
    description: str | None
    role: str | None
    instructions: str | list[str] | Callable[..., Any] | None
    expected_output: str | None
    additional_context: str | None
    markdown: bool
    system_message: Any
    output_schema: type[BaseModel] | dict[str, Any] | None
    session_id: str | None
    user_id: str | None
    add_history_to_context: bool
    num_history_runs: int | None
    update_memory_on_run: bool
    add_memories_to_context: bool | None
    memory_model: Model | None
    tool_call_limit: int | None
    stream: bool | None
    stream_events: bool | None
    stream_tool_call_args: bool
    background_concurrency: int
    debug_mode: bool
    telemetry: bool
    _resolved_tools: tuple[tuple[Any, ...], dict[str, Function]] | None
    _scheduler: BackgroundScheduler | None
    _unsaved: dict[str, RunOutput] | None

    def _init_run_state(self, debug_mode: bool) -> None:
        """The per-instance run machinery, empty until first used (and debug logs if asked)."""
        self._resolved_tools = None
        self._scheduler = None
        self._unsaved = None
        if debug_mode:
            from agno_core._logging import enable_debug

            enable_debug()

    # -- identity ---------------------------------------------------------------------------
    @property
    def id(self) -> str:
        """A stable id: the one given, else derived from the name, else a random one."""
        if self._id is None:
            self._id = self.name.lower().replace(" ", "-") if self.name else uuid.uuid4().hex
        return self._id

    @id.setter
    def id(self, value: str | None) -> None:
        self._id = value

    def _resolved_model(self) -> Model:
        if self.model is None:
            from agno_core.models.openai import OpenAIChat

            self.model = OpenAIChat(id="gpt-4o")
        return self.model

    def _functions(self) -> dict[str, Function]:
        """The static tools (a tool factory's come per run, from `_tools_for_run`)."""
        tools = tuple(self.tools) if isinstance(self.tools, list) else ()
        cached = self._resolved_tools
        if cached is None or cached[0] != tools:
            cached = (tools, resolve_tools(tools))
            self._resolved_tools = cached
        return cached[1]

    # -- entry points -------------------------------------------------------------------------
    def arun(
        self,
        input: Any,
        *,
        stream: bool | None = None,
        stream_events: bool | None = None,
        session_id: str | None = None,
        user_id: str | None = None,
        run_id: str | None = None,
        output_schema: type[BaseModel] | dict[str, Any] | None = None,
        background: bool = False,
        dependencies: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        add_history_to_context: bool | None = None,
        add_dependencies_to_context: bool | None = None,
        yield_run_output: bool | None = None,
        session_state: dict[str, Any] | None = None,
        add_session_state_to_context: bool | None = None,
        use_user_context: bool = True,
        debug_mode: bool | None = None,
        **kwargs: Any,
    ) -> Any:
        """Run asynchronously.

        Returns a coroutine (``await agent.arun(...)`` gives the `RunOutput`), or with
        ``stream=True`` an async iterator of events (``async for event in agent.arun(...)``).

        Args:
            input: The user's message (text, or JSON-serialisable data).
            stream: Stream the answer as events.
            stream_events: Also emit intermediate events (run started, tool calls, memory).
            session_id: The session (default: the agent's ``session_id``, created once).
            user_id: The user (memories are per user).
            run_id: Choose the run's id (e.g. after ``cancel_run(run_id)``).
            output_schema: A pydantic model the answer must validate against.
            background: Return at once with a PENDING snapshot and run in the background
                (needs a db; poll with ``aget_run_output``).
            dependencies: Added to the agent's dependencies for this run (callables are called).
            metadata: Added to the agent's metadata for this run.
            add_history_to_context: Override the agent's setting for this run.
            add_dependencies_to_context: Override the agent's setting for this run.
            yield_run_output: With ``stream=True``, yield the final `RunOutput` after the events.
            session_state: Merged over the session's stored state for this run (and stored).
            add_session_state_to_context: Override the agent's setting for this run.
            use_user_context: False runs incognito: the user's memories are neither shown to
                the model nor updated, and the memory and past-session tools are left out;
                the run itself is stored.
            debug_mode: Log at debug level (logger ``agno_core``) during this run.
        """
        sync_api = bool(kwargs.pop(SYNC_API, False))
        if kwargs:
            check_arguments(f"{type(self).__name__}.run", kwargs)
        check_id("run_id", run_id, optional=True)
        check_id("session_id", session_id, optional=True)
        check_id("user_id", user_id, optional=True)
        stream = self.stream if stream is None else stream
        stream_events = self.stream_events if stream_events is None else stream_events
        opts = {
            "input": input,
            "session_id": session_id,
            "user_id": user_id,
            "run_id": run_id,
            "output_schema": output_schema,
            "options": RunOptions(
                dependencies=dependencies,
                metadata=metadata,
                add_history_to_context=add_history_to_context,
                add_dependencies_to_context=add_dependencies_to_context,
                session_state=session_state,
                add_session_state_to_context=add_session_state_to_context,
                use_user_context=use_user_context,
                debug_mode=debug_mode,
                sync_api=sync_api,
            ),
        }
        if background:
            if stream:
                raise ValueError(
                    "background=True cannot stream: poll aget_run_output() for the result"
                )
            return self._arun_background(**opts)
        if stream:
            return self._arun_stream(
                stream_events=bool(stream_events), yield_output=bool(yield_run_output), **opts
            )
        return self._arun_once(stream_events=bool(stream_events), **opts)

    def run(self, input: Any, *, stream: bool | None = None, **kwargs: Any) -> Any:
        """Run synchronously; same arguments as `arun`.

        Returns the `RunOutput`, or with ``stream=True`` an iterator of events. Safe to call
        from inside a running event loop (it runs on a private loop thread).
        """
        stream = self.stream if stream is None else stream
        kwargs[SYNC_API] = True  # tool calls run one after another, as in Agno's sync run
        if stream:
            return iterate_sync(self.arun(input, stream=True, **kwargs))
        return run_sync(self.arun(input, stream=False, **kwargs))

    def _make_ctx(
        self,
        *,
        input: Any,
        session_id: str | None,
        user_id: str | None,
        run_id: str | None,
        output_schema: type[BaseModel] | dict[str, Any] | None,
        stream: bool = False,
        stream_events: bool = False,
        background: bool = False,
        parent: RunContext | None = None,
        store: bool = True,
        db: SqlDb | None = None,
        options: RunOptions | None = None,
    ) -> RunContext:
        model = self._resolved_model()
        db = db if db is not None else self.db
        fresh_session = False
        if session_id is None:
            if self.session_id is None:
                self.session_id = str(uuid.uuid4())
                fresh_session = True  # an id made just now: nothing is stored under it
            session_id = self.session_id
        output = self._new_output(
            run_id=run_id or str(uuid.uuid4()),
            session_id=session_id,
            user_id=user_id or self.user_id,
            input=input,
            model=model.id,
            model_provider=model.provider,
            parent_run_id=parent.output.run_id if parent else None,
        )
        active = ActiveRun(
            run_id=output.run_id,
            db=db if store else None,
            loop=asyncio.get_running_loop(),
            parent=parent.active if parent else None,
        )
        local_runs.register(active)
        ctx = RunContext(
            owner=self,
            output=output,
            active=active,
            model=model,
            db=db,
            stream=stream,
            stream_events=stream_events,
            background=background,
            output_schema=output_schema or self.output_schema,
            user_supplied_id=run_id is not None,
            store=store and db is not None,
            parent=parent,
            options=options or RunOptions(),
        )
        if fresh_session:
            ctx.extra[FRESH_SESSION] = True
        return ctx

    def _new_output(self, **kwargs: Any) -> RunOutput:
        return RunOutput(agent_id=self.id, agent_name=self.name, **kwargs)

    async def _arun_once(self, *, stream_events: bool, **opts: Any) -> RunOutput:
        ctx = self._make_ctx(stream_events=False, **opts)
        await consume(ctx)
        return ctx.output

    async def _arun_stream(
        self, *, stream_events: bool, yield_output: bool = False, **opts: Any
    ) -> AsyncIterator[Any]:
        ctx = self._make_ctx(stream=True, stream_events=stream_events, **opts)
        # Closed here, in order, when the caller stops iterating: left to the garbage
        # collector, the run's own close (which stores it CANCELLED) would be scheduled as a
        # task of its own and end some time after the caller's close returned.
        async with contextlib.aclosing(stream_run(ctx, yield_output)) as items:
            async for item in items:
                yield item

    async def _arun_background(self, **opts: Any) -> RunOutput:
        db = self.db
        if db is None:
            raise ValueError(
                "background runs are stored while they execute, so they need a db: pass "
                "db=SqliteDb(db_file='agno.db') (or a PostgresDb) to the "
                f"{type(self).__name__}"
            )
        ctx = self._make_ctx(background=True, **opts)
        output = ctx.output
        try:
            if ctx.user_supplied_id and (
                local_runs.has_intent(output.run_id)
                or output.run_id in await db.acancel_intents([output.run_id])
            ):
                output.status = RunStatus.cancelled
                output.error = "cancelled before it started"
                output.finished_at = time.time()
                await db.ainsert_run(output, status=RunStatus.cancelled, session_type=self.kind)
                local_runs.clear_intent(output.run_id)
                await db.aclear_cancel_intent(output.run_id)
                local_runs.unregister(ctx.active)
                notify_run_end(output)
                return self._snapshot(output)
            await db.ainsert_run(output, status=RunStatus.pending, session_type=self.kind)
        except BaseException:
            local_runs.unregister(ctx.active)
            raise
        scheduler = self._background_scheduler()
        ctx.slot = scheduler.slot()
        task = scheduler.submit(consume(ctx), name=f"agno-run-{output.run_id}")
        ctx.active.task = task
        task.add_done_callback(lambda _t: local_runs.unregister(ctx.active))
        return self._snapshot(output)

    def _snapshot(self, output: RunOutput) -> RunOutput:
        return type(output)(
            run_id=output.run_id,
            session_id=output.session_id,
            status=output.status,
            error=output.error,
            input=output.input,
            agent_id=output.agent_id,
            agent_name=output.agent_name,
            team_id=output.team_id,
            user_id=output.user_id,
            model=output.model,
            model_provider=output.model_provider,
            created_at=output.created_at,
        )

    def _background_scheduler(self) -> BackgroundScheduler:
        if self._scheduler is None:
            self._scheduler = BackgroundScheduler(self.background_concurrency)
        return self._scheduler

    async def adrain(self, timeout: float | None = None) -> None:
        """Wait until this agent's background runs on the running loop have all ended.

        Raises:
            TimeoutError: when ``timeout`` seconds pass first.
        """
        if self._scheduler is not None:
            await self._scheduler.drain(timeout)

    async def ashutdown(self, *, cancel: bool = True, timeout: float | None = None) -> None:
        """Stop background work: cancel live background runs (stored CANCELLED) and wait."""
        if self._scheduler is None:
            return
        if cancel:
            for task in self._scheduler.pending_tasks():
                run_id = task.get_name().removeprefix("agno-run-")
                local_runs.cancel(run_id, "cancelled: the agent shut down")
        await self._scheduler.drain(timeout)

    # -- polling and cancellation ---------------------------------------------------------------
    async def aget_run_output(
        self, run_id: str, session_id: str | None = None, user_id: str | None = None
    ) -> RunOutput | None:
        """A fresh copy of a stored run, or None if no such run exists (in that session, of
        that user). A team's member runs are stored runs too (read through the team or the
        member).

        A run whose process died is reported as ERROR (its lease expired), never as forever
        RUNNING.
        """
        check_id("run_id", run_id)
        check_id("session_id", session_id, optional=True)
        found: RunOutput | None = None
        if self.db is not None:
            found = await self.db.aget_run(run_id, session_id, with_members=self._reads_members())
        if found is None and self._unsaved:
            kept = self._unsaved.get(run_id)
            if kept is not None and (session_id is None or kept.session_id == session_id):
                found = kept
        if found is not None and user_id is not None and found.user_id not in (None, user_id):
            return None  # as Agno scopes the session it reads to the user
        return found

    def get_run_output(
        self, run_id: str, session_id: str | None = None, user_id: str | None = None
    ) -> RunOutput | None:
        """Synchronous `aget_run_output`."""
        return run_sync(self.aget_run_output(run_id, session_id, user_id))

    def _reads_members(self) -> bool:
        return False

    def _keep_unsaved(self, output: RunOutput) -> None:
        if self._unsaved is None:
            self._unsaved = {}
        self._unsaved[output.run_id] = output
        if len(self._unsaved) > 1000:
            self._unsaved.pop(next(iter(self._unsaved)))

    async def acancel_run(self, run_id: str) -> bool:
        """Cancel a run (see `agno_core.run.cancel.acancel_run`); True if it was live."""
        check_id("run_id", run_id)
        return await acancel_run(run_id, self.db)

    def cancel_run(self, run_id: str) -> bool:
        """Synchronous `acancel_run` (safe inside a running event loop too)."""
        from agno_core.run.cancel import cancel_run

        return cancel_run(run_id, self.db)

    # -- context ------------------------------------------------------------------------------
    def _system_parts(self, instructions: str | list[str] | None = None) -> list[str]:
        return static_parts(self, instructions)

    async def _build_messages(self, ctx: RunContext) -> list[Message]:
        return await build_messages(self, ctx)

    def _update_memories(self, ctx: RunContext) -> AsyncGenerator[ev.BaseRunEvent, None]:
        return update_memories(self, ctx)

    def __repr__(self) -> str:
        model = self.model.id if self.model is not None else None
        return f"{type(self).__name__}(name={self.name!r}, model={model!r}, db={self.db!r})"
