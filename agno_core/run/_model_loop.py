"""The model loop of a run: build the messages, call the model (its deltas streamed as events),
record its answer and usage, run the tool calls it asks for, and call it again until it
answers; that answer (or the output model's) becomes the run's content."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncGenerator

from agno_core.metrics import MessageMetrics
from agno_core.models.base import (
    ContentDelta,
    ModelProviderError,
    ModelRequest,
    ModelResult,
    ToolCallArgsDelta,
)
from agno_core.models.finish_reason import FinishReason
from agno_core.models.message import Message
from agno_core.run import _events as ev
from agno_core.run._context import RunContext
from agno_core.run._event_factory import make_event
from agno_core.run._extra_events import IntermediateRunContentEvent
from agno_core.run._output_model import output_model_answer, output_model_of
from agno_core.run._pause import pause_pending, resume_calls, resuming
from agno_core.run._run_hooks import run_model_hooks
from agno_core.run._structured_output import final_content
from agno_core.run._tool_steps import refreshes_tools, tool_steps

__all__ = ["MAX_MODEL_CALLS", "model_loop"]

log = logging.getLogger("agno_core")

# A run that keeps asking for tools stops after this many model calls.
MAX_MODEL_CALLS = 50


async def model_loop(ctx: RunContext) -> AsyncGenerator[ev.BaseRunEvent, None]:
    """Call the model until it answers without tool calls; its answer is the run's content.

    The text streamed so far is kept in ``ctx.extra["partial"]`` (see
    `agno_core.run._finish.keep_partial_content`) for a run that stops mid-call.
    """
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
    # As in Agno, a structured answer is not streamed: the model is called without streaming and
    # the stream gets one RunContent holding the validated object (not pieces of its JSON).
    structured = ctx.output_schema is not None and output_model is None
    for _ in range(MAX_MODEL_CALLS):
        tools_allowed = limit is None or tool_calls_made < limit
        request = ModelRequest(
            messages=messages,
            tools=list(functions.values()) if tools_allowed else [],
            # With an output model, that model gives the structured answer (see _output_model).
            output_schema=ctx.output_schema if output_model is None else None,
            stream=ctx.stream and not structured,
            tool_choice=tool_choice,
            json_mode=structured and ctx.owner.use_json_mode,
        )
        call_start = time.perf_counter()
        partial: list[str] = []
        ctx.extra["partial"] = partial
        ctx.extra["partial_in_messages"] = False
        result: ModelResult | None = None
        if ctx.stream_events:
            yield make_event(
                ctx,
                ev.ModelRequestStartedEvent,
                "model_request_started",
                model=model.id,
                model_provider=model.provider,
            )
        async with contextlib.aclosing(model.ainvoke(request)) as stream:
            async for item in stream:
                if isinstance(item, ContentDelta):
                    if item.content:
                        ctx.mark_first_token()
                        partial.append(item.content)
                    if ctx.stream and output_model is None:
                        yield _content_event(ctx, item)
                    elif item.content and ctx.stream_events and output_model is not None:
                        # The output model writes the answer: this text is not it (as Agno).
                        yield make_event(
                            ctx,
                            IntermediateRunContentEvent,
                            "run_intermediate_content",
                            content=item.content,
                        )
                elif isinstance(item, ToolCallArgsDelta):
                    # Not in Agno 3.1.10's stream: only when the owner asks for it.
                    if ctx.stream_events and ctx.owner.stream_tool_call_args:
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
            provider=model.get_provider(),
            duration=result.duration,
            time_to_first_token=result.time_to_first_token,
        )
        _note_finish(ctx, result)
        completed = _request_completed(ctx, result) if ctx.stream_events else None
        # A structured answer's RunContent comes before its call's ModelRequestCompleted, as
        # in Agno (which parses the answer while it handles the model's response).
        held = completed if structured and not result.tool_calls else None
        if completed is not None and held is None:
            yield completed
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
                if held is not None:
                    yield held
                messages.append(Message(role="user", content=prompt))
                continue
            ctx.extra["partial"] = None
            if output_model is not None:
                async with contextlib.aclosing(
                    output_model_answer(ctx, output_model, messages)
                ) as events:
                    async for event in events:
                        yield event
            try:
                o.content = final_content(ctx, messages[-1].content)
            except Exception:
                if held is not None:  # the answer failed validation: the run ends in error
                    yield held
                raise
            shown = ctx.extra.pop("shown_results", None)
            if shown and not structured and output_model is None:
                o.content = "".join(shown) + (o.content or "")
            if ctx.stream and structured:
                yield make_event(
                    ctx,
                    ev.RunContentEvent,
                    "run_content",
                    content=o.content,
                    content_type=o.content_type,
                )
            if held is not None:
                yield held
            return
        if not ctx.stream and result.content:
            ctx.extra["partial"] = [result.content]
        calls = result.tool_calls
        async with contextlib.aclosing(
            tool_steps(ctx, functions, calls, limit, tool_calls_made)
        ) as steps:
            async for event in steps:
                yield event
        tool_calls_made += len(calls)
        if pause_pending(ctx):
            return
        if refreshes_tools(ctx.owner):
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


def _content_event(ctx: RunContext, item: ContentDelta) -> ev.RunContentEvent:
    """The ``RunContent`` event of a streamed piece of the answer."""
    event: ev.RunContentEvent = make_event(
        ctx,
        ev.RunContentEvent,
        "run_content",
        content=item.content,
        model_provider_data=item.provider_data,
    )
    return event


def _request_completed(ctx: RunContext, result: ModelResult) -> ev.ModelRequestCompletedEvent:
    usage = result.usage
    event: ev.ModelRequestCompletedEvent = make_event(
        ctx,
        ev.ModelRequestCompletedEvent,
        "model_request_completed",
        model=ctx.model.id,
        model_provider=ctx.model.provider,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        total_tokens=usage.total_tokens,
        time_to_first_token=result.time_to_first_token,
        reasoning_tokens=usage.reasoning_tokens,
        cache_read_tokens=usage.cache_read_tokens,
        cache_write_tokens=usage.cache_write_tokens,
    )
    return event


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
