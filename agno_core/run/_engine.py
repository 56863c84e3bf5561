"""The one run engine: an async generator of events that every entry point drives.

``await agent.arun()`` consumes it and returns the output; ``arun(stream=True)`` hands it to the
caller; ``run()`` drives it on the sync bridge; background runs consume it in a scheduler task.
Agent and team runs go through the same code; a team differs only in its tools (delegation to
members) and its system message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

from pydantic import BaseModel, ValidationError

from agno_core._logging import debug_logs
from agno_core._session_state import final_state, save_session_state
from agno_core._session_summary import store_summary, update_session_summary
from agno_core.db._errors import StorageError
from agno_core.exceptions import InputCheckError, OutputCheckError
from agno_core.metrics import MessageMetrics
from agno_core.models.base import (
    ContentDelta,
    ModelProviderError,
    ModelRequest,
    ModelResult,
    ToolCallArgsDelta,
)
from agno_core.models.finish_reason import FinishReason
from agno_core.models.message import Message, ToolCall
from agno_core.run import _events as ev
from agno_core.run import hooks
from agno_core.run._context import RunContext
from agno_core.run._event_factory import make_event
from agno_core.run._followups import followup_events
from agno_core.run._output import ToolExecution
from agno_core.run._output_model import output_model_answer, output_model_of
from agno_core.run._pause import (
    continued_event,
    hold_call,
    pause_pending,
    paused_event,
    pre_hooks_for,
    resume_calls,
    resuming,
    settle_pause,
    start_resumed,
)
from agno_core.run._persist import persist_final
from agno_core.run._registry import local_runs
from agno_core.run._retry import with_retries
from agno_core.run._run_hooks import run_model_hooks, run_post_hooks, run_pre_hooks
from agno_core.run._tools import execute_tool, in_call_order, merge_steps, runs_concurrently
from agno_core.run.base import RunStatus
from agno_core.tools import ToolRegistry

__all__ = ["OutputValidationError", "consume", "drive", "make_event"]

log = logging.getLogger("agno_core")

# A run that keeps asking for tools stops after this many model calls.
MAX_MODEL_CALLS = 50
# Seconds after its start at which a foreground run's RUNNING row is written (see _start).
RUNNING_ROW_DELAY = 0.05


class OutputValidationError(ValueError):
    """The model's output does not validate against the run's ``output_schema``."""


class _DbUnusable(Exception):
    """The run's db cannot be opened: the run stops before calling the model."""

    def __init__(self, error: StorageError) -> None:
        super().__init__(str(error))
        self.error = error


class _StartRefused(Exception):
    """The run may not start (cancelled before start, or its row moved on)."""

    def __init__(self, status: RunStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def drive(ctx: RunContext) -> AsyncIterator[ev.BaseRunEvent]:
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
                    # A cancel that came before the first step is seen by _start itself
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


async def _lifecycle(ctx: RunContext) -> AsyncGenerator[ev.BaseRunEvent, None]:
    o = ctx.output
    restore_logs = debug_logs(ctx.options.debug_mode)
    try:
        try:
            await _start(ctx)
        except _StartRefused as refused:
            await _finish(ctx, refused.status, refused.reason, persist=not ctx.background)
            if refused.status is RunStatus.cancelled:
                yield make_event(
                    ctx, ev.RunCancelledEvent, "run_cancelled", reason=refused.reason, run_output=o
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
        pre_hooks = pre_hooks_for(ctx, getattr(ctx.owner, "pre_hooks", None))
        if pre_hooks:
            await run_pre_hooks(ctx, pre_hooks)
        # Nested generators are closed explicitly (aclosing): a cancel thrown in at a yield
        # must reach the innermost work (a member's run, the HTTP stream) before this run ends.
        async with contextlib.aclosing(with_retries(ctx, _model_loop)) as events:
            async for event in events:
                yield event
        if settle_pause(ctx):  # a tool call waits for the user (see _pause)
            await _finish(ctx, RunStatus.paused, None)
            if ctx.stream:
                yield paused_event(ctx)
            return
        async with contextlib.aclosing(followup_events(ctx)) as events:
            async for event in events:
                yield event
        post_hooks = getattr(ctx.owner, "post_hooks", None)
        if post_hooks:
            await run_post_hooks(ctx, post_hooks)
        if ctx.owner.update_memory_on_run and ctx.db is not None and ctx.options.use_user_context:
            async with contextlib.aclosing(ctx.owner._update_memories(ctx)) as events:
                async for event in events:
                    if ctx.stream_events:
                        yield event
        if ctx.owner.enable_session_summaries and ctx.db is not None and ctx.store:
            await update_session_summary(ctx)
        await _finish(ctx, RunStatus.completed, None)
        if ctx.stream:  # a run that is not streamed is consumed: nobody would see the event
            yield make_event(
                ctx,
                ev.RunCompletedEvent,
                "run_completed",
                content=o.content,
                metrics=o.metrics,
                run_output=o,
            )
    except asyncio.CancelledError:
        propagate = await _on_cancelled(ctx)
        if propagate:
            raise
        yield make_event(ctx, ev.RunCancelledEvent, "run_cancelled", reason=o.error, run_output=o)
    except GeneratorExit:
        # The consumer stopped iterating (closed the stream, or the generator was collected).
        if not o.status.is_terminal and not ctx.active.finished:
            _keep_partial_content(ctx)
            if ctx.active.cancel_requested:
                await _finish(ctx, RunStatus.cancelled, ctx.active.cancel_reason)
            else:
                await _finish(
                    ctx, RunStatus.cancelled, "the event stream was closed before the run finished"
                )
        raise
    except _DbUnusable as unusable:
        # Nothing was stored and the model was not called: the caller gets the error itself,
        # not an output that could pass for a result.
        await _finish(ctx, RunStatus.error, str(unusable.error), persist=False)
        raise unusable.error from None
    except Exception as exc:
        message = _error_message(exc)
        log.info("run %s failed: %s", o.run_id, message)
        await _finish(ctx, RunStatus.error, message)
        error_event = make_event(
            ctx,
            ev.RunErrorEvent,
            "run_error",
            content=message,
            error_type=_error_type(exc),
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
    if isinstance(exc, ModelProviderError | OutputValidationError | InputCheckError):
        return str(exc)
    if isinstance(exc, OutputCheckError):
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
        reason = active.cancel_reason or "cancelled by request"
        status = RunStatus.cancelled
    else:
        propagate = True
        if ctx.background:
            status = RunStatus.error
            reason = "interrupted: the event loop shut down before the run finished"
        else:
            status = RunStatus.cancelled
            reason = "interrupted: the task awaiting the run was cancelled"
    _keep_partial_content(ctx)
    await _finish(ctx, status, reason)
    return propagate


def _keep_partial_content(ctx: RunContext) -> None:
    """A run that stops early keeps the text the model had produced so far, as its content
    and as the assistant message of the interrupted model call (so that history, with
    ``add_cancelled_runs_to_context``, shows what the model was saying)."""
    partial = ctx.extra.get("partial")
    if not partial:
        return
    text = "".join(partial)
    if ctx.output.content is None:
        ctx.output.content = text
    if not ctx.extra.get("partial_in_messages"):
        # The interrupted model call's answer was never appended to the messages.
        ctx.output.messages.append(Message(role="assistant", content=text))


async def _prepare_models(runner: Any) -> None:
    """Each model the run may call pays its one-time setup before the clock starts."""
    for model in (getattr(runner, "model", None), getattr(runner, "memory_model", None)):
        if model is not None:
            await model.prepare()
    for member in getattr(runner, "members", None) or ():
        await _prepare_models(member)


async def _start(ctx: RunContext) -> None:
    o = ctx.output
    db = ctx.db if ctx.store else None
    if db is not None and not db._schema_ready:
        # The first use of this db: fail now, before the model is called, if it is unusable.
        try:
            await db.aready()
        except StorageError as exc:
            raise _DbUnusable(exc) from exc
    await _prepare_models(ctx.owner)
    if ctx.active.cancel_requested:
        raise asyncio.CancelledError
    if resuming(ctx):
        refusal = await start_resumed(ctx, db)
        if refusal is not None:
            raise _StartRefused(RunStatus.error, refusal)
        return
    if ctx.background:
        assert ctx.slot is not None
        await ctx.slot.acquire()
        ctx.extra["slot_held"] = True
        ctx.started_at = time.perf_counter()
        o.metrics.queue_wait = ctx.started_at - ctx.submitted_at
        if ctx.active.cancel_requested:
            raise asyncio.CancelledError
        o.status = RunStatus.running
        o.started_at = time.time()
        if db is not None and not await db.aupdate_run(o, status=RunStatus.running):
            row = await db.aget_run_row(o.run_id)
            status = RunStatus(row[0]) if row else RunStatus.error
            ctx.extra["row_final"] = True
            raise _StartRefused(
                status if status.is_terminal else RunStatus.error,
                f"the stored run is {status.value}; it was not started",
            )
        return
    ctx.started_at = time.perf_counter()
    if ctx.user_supplied_id and (
        local_runs.has_intent(o.run_id)
        or (db is not None and o.run_id in await db.acancel_intents([o.run_id]))
    ):
        ctx.extra["intent"] = True
        raise _StartRefused(RunStatus.cancelled, "cancelled before it started")
    o.status = RunStatus.running
    o.started_at = time.time()
    if db is not None:
        if ctx.user_supplied_id:
            # A chosen id may already exist: find out before calling the model.
            await db.ainsert_run(o, status=RunStatus.running, session_type=ctx.owner.kind)
            ctx.stored = True
        else:
            # A fresh uuid cannot clash, so the RUNNING row need not be written before the
            # model is called. It is written once the run has lasted RUNNING_ROW_DELAY (every
            # real model call takes longer), while the model works; a run that ends sooner
            # (a mocked model in a test suite) is written once, at its end.
            loop = asyncio.get_running_loop()

            def write_running_row() -> None:
                ctx.extra["insert"] = loop.create_task(
                    db.ainsert_run(o, status=RunStatus.running, session_type=ctx.owner.kind)
                )

            ctx.extra["insert_timer"] = loop.call_later(RUNNING_ROW_DELAY, write_running_row)


async def _finish(
    ctx: RunContext, status: RunStatus, error: str | None, *, persist: bool = True
) -> None:
    o = ctx.output
    if o.status.is_terminal or ctx.active.finished:
        return
    ctx.active.finished = True
    o.status = status
    o.error = error
    o.finished_at = time.time()
    if ctx.started_at:
        now = time.perf_counter()
        o.metrics.duration = now - ctx.started_at
        if ctx.first_token_at is not None:
            o.metrics.time_to_first_token = ctx.first_token_at - ctx.started_at
    db = ctx.db if ctx.store else None
    state = final_state(ctx) if ctx.options.public is not None else None
    if state is not None:
        o.session_state = state
    if db is not None and persist and not ctx.extra.get("row_final"):
        await persist_final(ctx, db)
        if state is not None:
            await save_session_state(ctx, db, state)
        await store_summary(ctx, db)
    if hooks._listeners and status is not RunStatus.paused:  # a paused run has not ended
        hooks.notify_run_end(o)
    if ctx.user_supplied_id or ctx.active.cancel_requested:
        local_runs.clear_intent(o.run_id)
        # Only an intent that was stored in the db is deleted from it.
        if db is not None and (ctx.extra.get("intent") or ctx.active.cancel_from_db):
            try:
                await db.aclear_cancel_intent(o.run_id)
            except Exception as exc:  # expired intents are purged later anyway
                log.warning("could not clear the cancel intent of run %s: %s", o.run_id, exc)


async def _model_loop(ctx: RunContext) -> AsyncGenerator[ev.BaseRunEvent, None]:
    o = ctx.output
    model = ctx.model
    if resuming(ctx):  # a continued run goes on from its own messages
        messages = o.messages
    else:
        messages = await ctx.owner._build_messages(ctx)
        model_hooks = getattr(ctx.owner, "model_hooks", None)
        if model_hooks:
            messages = await run_model_hooks(ctx, model_hooks, messages)
        o.messages = messages
    functions = await ctx.owner._tools_for_run(ctx)
    async with contextlib.aclosing(resume_calls(ctx, functions)) as steps:
        async for event in steps:
            yield event
    limit = ctx.owner.tool_call_limit
    tool_choice = ctx.owner.tool_choice
    tool_calls_made = 0
    output_model = output_model_of(ctx.owner)
    for _ in range(MAX_MODEL_CALLS):
        tools_allowed = limit is None or tool_calls_made < limit
        request = ModelRequest(
            messages=messages,
            tools=list(functions.values()) if tools_allowed else [],
            # With an output model, that model gives the structured answer (see _output_model).
            output_schema=ctx.output_schema if output_model is None else None,
            stream=ctx.stream,
            tool_choice=tool_choice,
        )
        call_start = time.perf_counter()
        partial: list[str] = []
        ctx.extra["partial"] = partial
        ctx.extra["partial_in_messages"] = False
        result: ModelResult | None = None
        async with contextlib.aclosing(model.ainvoke(request)) as stream:
            async for item in stream:
                if isinstance(item, ContentDelta):
                    ctx.mark_first_token()
                    partial.append(item.content)
                    if ctx.stream and output_model is None:
                        yield make_event(
                            ctx, ev.RunContentEvent, "run_content", content=item.content
                        )
                elif isinstance(item, ToolCallArgsDelta):
                    if ctx.stream_events:
                        yield make_event(
                            ctx,
                            ev.ToolCallArgsDeltaEvent,
                            "tool_call_args_delta",
                            tool_call_index=item.index,
                            tool_call_id=item.call_id,
                            tool_call_name=item.name,
                            arguments_delta=item.delta,
                        )
                else:
                    result = item
        if result is None:
            raise ModelProviderError("the model returned no result", model_id=model.id)
        if result.time_to_first_token is not None:
            ctx.mark_first_token(call_start + result.time_to_first_token)
        o.metrics.add_model_usage(
            result.usage,
            model_id=model.id,
            provider=model.provider,
            duration=result.duration,
            time_to_first_token=result.time_to_first_token,
        )
        _note_finish(ctx, result)
        messages.append(
            Message(
                role="assistant",
                content=result.content,
                tool_calls=result.tool_calls,
                metrics=MessageMetrics.from_usage(
                    result.usage, result.duration, result.time_to_first_token
                ),
            )
        )
        ctx.extra["partial_in_messages"] = True
        if not result.tool_calls:
            # A team in tasks mode may send its leader back to work (see team/_tasks.py).
            next_turn = ctx.extra.get("next_turn")
            prompt = next_turn(ctx) if next_turn is not None else None
            if prompt is not None:
                messages.append(Message(role="user", content=prompt))
                continue
            ctx.extra["partial"] = None
            if output_model is not None:
                async with contextlib.aclosing(
                    output_model_answer(ctx, output_model, messages)
                ) as events:
                    async for event in events:
                        yield event
            o.content = _final_content(ctx, messages[-1].content)
            return
        if not ctx.stream and result.content:
            ctx.extra["partial"] = [result.content]
        calls = result.tool_calls
        if len(calls) > 1 and runs_concurrently(functions, calls):
            # A team's delegations of one response run concurrently, as Agno runs them.
            async with contextlib.aclosing(
                _tool_steps_together(ctx, functions, calls, limit, tool_calls_made)
            ) as steps:
                async for event in steps:
                    yield event
            tool_calls_made += len(calls)
            calls = []
        for call in calls:
            # The limit counts calls, including several asked for in one response.
            allowed = limit is None or tool_calls_made < limit
            async with contextlib.aclosing(_tool_step(ctx, functions, call, allowed)) as steps:
                async for event in steps:
                    yield event
            tool_calls_made += 1
        if pause_pending(ctx):
            return
        if _refreshes_tools(ctx.owner):
            ctx.extra["refreshing_tools"] = True
            functions = await ctx.owner._tools_for_run(ctx)
        if ctx.extra.get("stop_after"):
            # A team in route mode ends with its member's own (possibly structured) content.
            o.content = ctx.extra.pop("direct_content", o.tools[-1].result)
            return
    raise ModelProviderError(
        f"the model kept calling tools: stopped after {MAX_MODEL_CALLS} model calls",
        model_id=model.id,
    )


def _note_finish(ctx: RunContext, result: ModelResult) -> None:
    """Record why the model call ended; warn (once per run) when the answer was cut short."""
    if result.finish_reason is None:
        return
    o = ctx.output
    o.finish_reason = result.finish_reason
    o.model_provider_data = {
        **(o.model_provider_data or {}),
        "native_finish_reason": result.native_finish_reason,
    }
    if result.finish_reason is FinishReason.LENGTH and not ctx.extra.get("length_warned"):
        ctx.extra["length_warned"] = True
        log.warning(
            "run %s: the model stopped at its output token limit (finish_reason=length): "
            "the answer is likely truncated",
            o.run_id,
        )


async def _tool_steps_together(
    ctx: RunContext, functions: dict[str, Any], calls: list[ToolCall], limit: int | None, made: int
) -> AsyncGenerator[ev.BaseRunEvent, None]:
    """The tool calls of one response, run concurrently; recorded in the order of ``calls``."""
    o = ctx.output
    tools_at, messages_at = len(o.tools), len(o.messages)
    steps = [
        _tool_step(ctx, functions, call, limit is None or made + index < limit)
        for index, call in enumerate(calls)
    ]
    try:
        async with contextlib.aclosing(merge_steps(steps)) as events:
            async for event in events:
                yield event
    finally:
        in_call_order(o.tools, tools_at, calls, lambda t: t.tool_call_id)
        in_call_order(o.messages, messages_at, calls, lambda m: m.tool_call_id)


def _refreshes_tools(owner: Any) -> bool:
    """Whether the tools are read again after each batch of tool calls."""
    return bool(getattr(owner, "refresh_tools_per_step", False)) or isinstance(
        owner.tools, ToolRegistry
    )


async def _tool_step(
    ctx: RunContext, functions: dict[str, Any], call: ToolCall, allowed: bool
) -> AsyncGenerator[ev.BaseRunEvent, None]:
    o = ctx.output
    if allowed and hold_call(ctx, functions.get(call.name), call):
        return
    execution = ToolExecution(tool_call_id=call.id, tool_name=call.name)
    o.tools.append(execution)
    if ctx.stream_events:
        yield make_event(ctx, ev.ToolCallStartedEvent, "tool_call_started", tool=execution)
    function = functions.get(call.name) if allowed else None
    if function is not None and function.max_calls is not None:
        counts = ctx.extra.setdefault("tool_calls_by_name", {})
        counts[call.name] = counts.get(call.name, 0) + 1
        if counts[call.name] > function.max_calls:
            function, allowed = None, False
    if function is None:
        reason = "unknown tool" if allowed else "tool call limit reached for"
        execution.result = f"Error: {reason} {call.name!r}; answer without calling it."
        execution.tool_call_error = True
    else:
        async with contextlib.aclosing(execute_tool(ctx, function, call, execution)) as steps:
            async for event in steps:
                yield event
        if function.stop_after_tool_call and not execution.tool_call_error:
            ctx.extra["stop_after"] = True
    if execution.metrics is not None:
        o.metrics.add_tool_call(execution.metrics)
    o.messages.append(
        Message(role="tool", content=execution.result, tool_call_id=call.id, name=call.name)
    )
    if ctx.stream_events:
        yield make_event(
            ctx,
            ev.ToolCallCompletedEvent,
            "tool_call_completed",
            tool=execution,
            content=execution.result,
        )


def _final_content(ctx: RunContext, content: str | None) -> Any:
    schema = ctx.output_schema
    if schema is None:
        return content
    ctx.output.content_type = schema.__name__
    return parse_structured(schema, content)


def parse_structured(schema: type[BaseModel], content: str | None) -> BaseModel:
    """Validate the model's text against ``schema``; `OutputValidationError` if it fails."""
    if content is None or not content.strip():
        raise OutputValidationError(
            f"the model returned no content for output_schema {schema.__name__}"
        )
    try:
        return schema.model_validate_json(content)
    except ValidationError as exc:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}"
            for err in exc.errors()
        )
        raise OutputValidationError(
            f"the model's output does not match output_schema {schema.__name__}: {detail}"
        ) from None
