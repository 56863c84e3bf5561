"""The one run engine: an async generator of events that every entry point drives.

``await agent.arun()`` consumes it and returns the output; ``arun(stream=True)`` hands it to the
caller; ``run()`` drives it on the sync bridge; background runs consume it in a scheduler task.
Agent and team runs go through the same code; a team differs only in its tools (delegation to
members) and its system message.

A run's phases have their own modules: `_start` (the checks and the RUNNING row), `_model_loop`
(model calls, with the tool steps of `_tool_steps` and the validation of `_structured_output`)
and `_finish` (the final state stored). This module drives them in order, with what comes
after the answer (follow-ups, post-hooks, memories, the session summary), and turns the way a
run ends (an answer, an error, a cancel, a closed stream) into its final status and event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator
from typing import Any

from agno_core._logging import debug_logs
from agno_core._session_summary import update_session_summary
from agno_core.exceptions import InputCheckError, OutputCheckError, RunCancelledException
from agno_core.models.base import ModelProviderError
from agno_core.run import _events as ev
from agno_core.run._context import RunContext
from agno_core.run._event_factory import make_event
from agno_core.run._finish import finish, keep_partial_content
from agno_core.run._followups import followup_events
from agno_core.run._model_loop import model_loop
from agno_core.run._pause import (
    continued_event,
    paused_event,
    pre_hooks_for,
    resuming,
    settle_pause,
)
from agno_core.run._registry import local_runs
from agno_core.run._retry import with_retries
from agno_core.run._run_hooks import run_post_hooks, run_pre_hooks
from agno_core.run._start import DbUnusable, StartRefused, start
from agno_core.run._structured_output import OutputValidationError
from agno_core.run.base import RunStatus

__all__ = ["HELD_EVENTS", "OutputValidationError", "consume", "drive", "make_event", "stream_run"]

# ctx.extra key: events the run's parts could not yield as they ended (a team's members'
# RunCancelled, when the team's cancel closed them), yielded just before RunCancelled.
HELD_EVENTS = "held_events"

log = logging.getLogger("agno_core")


async def drive(ctx: RunContext) -> AsyncGenerator[ev.BaseRunEvent, None]:
    """Execute a run, yielding its events; keeps the registry's ``stepping`` flag accurate.

    A cancel that arrives while the consumer holds an event (the run is suspended at a yield)
    is delivered here, by throwing ``CancelledError`` into the run when it is resumed.
    """
    active = ctx.active
    agen = _lifecycle(ctx)
    started = False
    try:
        while True:
            active.task = asyncio.current_task()
            active.stepping = True
            try:
                if not started:
                    # A cancel that came before the first step is seen by `start` itself
                    # (throwing into a generator that never ran would skip its handlers).
                    started = True
                    event = await agen.__anext__()
                elif (
                    active.cancel_requested
                    and not active.finished
                    and not ctx.extra.get("cancel_delivered")
                ):
                    ctx.extra["cancel_delivered"] = "thrown"
                    event = await agen.athrow(asyncio.CancelledError())
                else:
                    event = await agen.__anext__()
            except StopAsyncIteration:
                return
            finally:
                active.stepping = False
            yield event
    finally:
        await agen.aclose()


async def consume(ctx: RunContext) -> None:
    """Drive a run to its end without handing events to anyone."""
    async for _ in drive(ctx):
        pass


async def stream_run(ctx: RunContext, yield_output: bool) -> AsyncGenerator[Any, None]:
    """A streamed run's events for its caller, then its output when ``yield_output``.

    The run is closed when the caller stops iterating (see `drive`).
    """
    events = drive(ctx)
    try:
        async for event in events:
            yield event
    finally:
        await events.aclose()
    if yield_output:
        yield ctx.output


async def _lifecycle(ctx: RunContext) -> AsyncGenerator[ev.BaseRunEvent, None]:
    o = ctx.output
    restore_logs = debug_logs(ctx.options.debug_mode)
    try:
        try:
            await start(ctx)
        except StartRefused as refused:
            await finish(ctx, refused.status, refused.reason, persist=not ctx.background)
            if refused.status is RunStatus.cancelled:
                yield make_event(
                    ctx,
                    ev.RunCancelledEvent,
                    "run_cancelled",
                    reason=refused.reason,
                    run_output=o,
                    content=o.content or refused.reason,
                )
            else:
                yield make_event(
                    ctx,
                    ev.RunErrorEvent,
                    "run_error",
                    content=refused.reason,
                    error_type="StartRefused",
                    run_output=o,
                )
            return
        # As in Agno, the pre-hooks' events come first: RunStarted opens the run proper.
        pre_hooks = pre_hooks_for(ctx, getattr(ctx.owner, "pre_hooks", None))
        if pre_hooks:
            async with contextlib.aclosing(run_pre_hooks(ctx, pre_hooks)) as events:
                async for event in events:
                    yield event
        if ctx.stream_events:
            yield (
                continued_event(ctx)
                if resuming(ctx)
                else make_event(
                    ctx,
                    ev.RunStartedEvent,
                    "run_started",
                    model=ctx.model.id,
                    model_provider=ctx.model.provider,
                )
            )
        # Nested generators are closed explicitly (aclosing): a cancel thrown in at a yield
        # must reach the innermost work (a member's run, the HTTP stream) before this run ends.
        async with contextlib.aclosing(with_retries(ctx, model_loop)) as events:
            async for event in events:
                yield event
        if settle_pause(ctx):  # a tool call waits for the user (see _pause)
            await finish(ctx, RunStatus.paused, None)
            if ctx.stream_events and _content_completed_before_pause(ctx):
                yield make_event(ctx, ev.RunContentCompletedEvent, "run_content_completed")
            if ctx.stream:
                yield paused_event(ctx)
            return
        if ctx.stream_events:
            yield make_event(ctx, ev.RunContentCompletedEvent, "run_content_completed")
        async with contextlib.aclosing(followup_events(ctx)) as events:
            async for event in events:
                yield event
        post_hooks = getattr(ctx.owner, "post_hooks", None)
        if post_hooks:
            async with contextlib.aclosing(run_post_hooks(ctx, post_hooks)) as events:
                async for event in events:
                    yield event
        if ctx.owner.update_memory_on_run and ctx.db is not None and ctx.options.use_user_context:
            async with contextlib.aclosing(ctx.owner._update_memories(ctx)) as events:
                async for event in events:
                    if ctx.stream_events:
                        yield event
        if ctx.owner.enable_session_summaries and ctx.db is not None and ctx.store:
            if ctx.stream_events:
                yield make_event(ctx, ev.SessionSummaryStartedEvent, "session_summary_started")
            summary = await update_session_summary(ctx)
            if ctx.stream_events:
                yield make_event(
                    ctx,
                    ev.SessionSummaryCompletedEvent,
                    "session_summary_completed",
                    session_summary=summary,
                )
        await finish(ctx, RunStatus.completed, None)
        # As in Agno, the completion event is part of the event stream (``stream_events``);
        # a plain ``stream=True`` yields the content only, so its consumer sees the answer once.
        if ctx.stream_events:
            yield make_event(
                ctx,
                ev.RunCompletedEvent,
                "run_completed",
                content=o.content,
                content_type=o.content_type,
                metadata=o.metadata,
                metrics=o.metrics,
                run_output=o,
            )
    except (asyncio.CancelledError, RunCancelledException) as exc:
        if isinstance(exc, RunCancelledException):
            # Raised by the run's own code (a tool, a hook): a cancel of this run, already
            # delivered (nothing to interrupt, and the task itself was not cancelled).
            ctx.active.flag_cancel(str(exc))
            ctx.extra["cancel_delivered"] = "thrown"
        propagate = await _on_cancelled(ctx)
        if propagate:
            raise
        for held in ctx.extra.pop(HELD_EVENTS, ()):
            yield held
        yield make_event(
            ctx,
            ev.RunCancelledEvent,
            "run_cancelled",
            reason=o.error,
            run_output=o,
            content=o.content or o.error,  # as in Agno: the partial answer, else the reason
        )
    except GeneratorExit:
        # The consumer stopped iterating (closed the stream, or the generator was collected).
        if not o.status.is_terminal and not ctx.active.finished:
            keep_partial_content(ctx)
            if ctx.active.cancel_requested:
                await finish(ctx, RunStatus.cancelled, ctx.active.cancel_reason)
            else:
                await finish(
                    ctx, RunStatus.cancelled, "the event stream was closed before the run finished"
                )
        raise
    except DbUnusable as unusable:
        # Nothing was stored and the model was not called: the caller gets the error itself,
        # not an output that could pass for a result.
        await finish(ctx, RunStatus.error, str(unusable.error), persist=False)
        raise unusable.error from None
    except Exception as exc:
        message = _error_message(exc)
        log.info("run %s failed: %s", o.run_id, message)
        await finish(ctx, RunStatus.error, message)
        error_event = make_event(
            ctx,
            ev.RunErrorEvent,
            "run_error",
            content=message,
            error_type=_error_type(exc),
            error_id=getattr(exc, "error_id", None),
            additional_data=getattr(exc, "additional_data", None),
            run_output=o,
        )
        o.events = [*(o.events or ()), error_event]
        yield error_event
    finally:
        restore_logs()
        # The slot is freed only now, after the final write: a queued run must not show
        # RUNNING while this one still does.
        if ctx.extra.pop("slot_held", False) and ctx.slot is not None:
            ctx.slot.release()
        local_runs.unregister(ctx.active)
        await local_runs.settle(ctx.active)


def _error_message(exc: BaseException) -> str:
    if isinstance(
        exc, ModelProviderError | OutputValidationError | InputCheckError | OutputCheckError
    ):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _error_type(exc: BaseException) -> str:
    if isinstance(exc, InputCheckError | OutputCheckError):
        return exc.type
    if isinstance(exc, OutputValidationError):
        return "output_parse_error"
    return type(exc).__name__


async def _on_cancelled(ctx: RunContext) -> bool:
    """Store a cancelled run; True when the CancelledError must propagate to the caller."""
    active = ctx.active
    task = asyncio.current_task()
    if active.cancel_requested:
        delivered_by_drive = ctx.extra.get("cancel_delivered") == "thrown"
        parent_cancelled = active.parent is not None and active.parent.cancel_requested
        if not delivered_by_drive and not parent_cancelled and task is not None:
            task.uncancel()
        propagate = parent_cancelled or (task is not None and task.cancelling() > 0)
        reason = active.cancel_reason or f"Run {ctx.output.run_id} was cancelled"
        status = RunStatus.cancelled
    else:
        propagate = True
        if ctx.background:
            status = RunStatus.error
            reason = "interrupted: the event loop shut down before the run finished"
        else:
            status = RunStatus.cancelled
            reason = "interrupted: the task awaiting the run was cancelled"
    keep_partial_content(ctx)
    await finish(ctx, status, reason)
    return propagate


def _content_completed_before_pause(ctx: RunContext) -> bool:
    """Whether a paused run's stream has ``RunContentCompleted`` before ``RunPaused``, as in
    Agno: an agent's async run and any continued agent run do; an agent's first sync run
    (``run``) and every team run do not."""
    return not ctx.output.is_team and (not ctx.options.sync_api or resuming(ctx))
