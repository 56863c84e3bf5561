"""The tool steps of a run: each tool call a model response asks for, checked against the
run's limits, executed, and recorded on the output (its execution, metrics and tool message),
with its events."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncGenerator
from typing import Any

from agno_core.metrics import TOOL_CALL_KEY
from agno_core.models.message import Message, ToolCall
from agno_core.run import _events as ev
from agno_core.run._context import RunContext
from agno_core.run._event_factory import make_event, tool_completed_event, tool_started_event
from agno_core.run._output import ToolExecution
from agno_core.run._pause import hold_call
from agno_core.run._tools import (
    apply_steering,
    execute_tool,
    in_call_order,
    merge_steps,
    runs_concurrently,
    start_phase,
)
from agno_core.tools import ToolRegistry

__all__ = ["refreshes_tools", "tool_steps"]

# The `start_phase` whose calls run one after another even in a concurrent batch.
_ONE_BY_ONE = 2
# ctx.extra key: the results of ``show_result`` tools, put before the model's final answer.
_SHOWN = "shown_results"


async def tool_steps(
    ctx: RunContext, functions: dict[str, Any], calls: list[ToolCall], limit: int | None, made: int
) -> AsyncGenerator[ev.BaseRunEvent, None]:
    """The tool calls of one model response, ``made`` calls into the run.

    ``limit`` (the owner's ``tool_call_limit``) counts calls, including several asked for in
    one response: the calls past it are answered with an error instead of running.
    """
    if runs_concurrently(ctx, functions, calls):
        steps = _together(ctx, functions, calls, limit, made)
        async with contextlib.aclosing(steps) as events:
            async for event in events:
                yield event
    else:
        for index, call in enumerate(calls):
            step = _tool_step(ctx, functions, call, limit is None or made + index < limit)
            async with contextlib.aclosing(step) as events:
                async for event in events:
                    yield event
    apply_steering(ctx)


def refreshes_tools(owner: Any) -> bool:
    """Whether the tools are read again after each batch of tool calls."""
    return bool(getattr(owner, "refresh_tools_per_step", False)) or isinstance(
        owner.tools, ToolRegistry
    )


async def _together(
    ctx: RunContext, functions: dict[str, Any], calls: list[ToolCall], limit: int | None, made: int
) -> AsyncGenerator[ev.BaseRunEvent, None]:
    """The tool calls of one response, run concurrently as in Agno's ``arun``; recorded (tool
    executions, tool messages, tool metrics, shown results) in the order of ``calls``.

    Agno starts them in phases (`start_phase`): the plain tools together, then the generator
    tools and delegations together (their events streamed as they come), then, in call order,
    each call's closing events (``ToolCallCompleted``, ``ToolCallError``, a shown result),
    a sync generator tool being run at its place in that order. So, as in Agno, the calls
    complete in the order the model asked for them, not in the order they finish.
    """
    o = ctx.output
    tools_at, messages_at = len(o.tools), len(o.messages)
    timings_at = len(o.metrics.details.get(TOOL_CALL_KEY, ()))
    shown_at = len(ctx.extra.get(_SHOWN, ()))
    phases: dict[int, list[AsyncGenerator[ev.BaseRunEvent, None]]] = {}
    # Per call, in call order: its closing events (held back), or its step when it runs last.
    closing: list[list[ev.BaseRunEvent] | AsyncGenerator[ev.BaseRunEvent, None]] = []
    for index, call in enumerate(calls):
        allowed = limit is None or made + index < limit
        phase = start_phase(functions.get(call.name) if allowed else None)
        if phase == _ONE_BY_ONE:
            step = _tool_step(ctx, functions, call, allowed)
            closing.append(step)
        else:
            held: list[ev.BaseRunEvent] = []
            step = _tool_step(ctx, functions, call, allowed, held)
            closing.append(held)
        phases.setdefault(phase, []).append(step)
    try:
        for phase in sorted(phases):
            if phase == _ONE_BY_ONE:
                continue
            async with contextlib.aclosing(merge_steps(phases[phase])) as events:
                async for event in events:
                    yield event
        for item in closing:
            if isinstance(item, list):
                for event in item:
                    yield event
            else:
                async with contextlib.aclosing(item) as events:
                    async for event in events:
                        yield event
    finally:
        for later in phases.values():
            for step in later:
                await step.aclose()  # the phases a cancel or an error did not reach
        in_call_order(o.tools, tools_at, calls, _call_id)
        in_call_order(o.messages, messages_at, calls, _call_id)
        in_call_order(o.metrics.details.get(TOOL_CALL_KEY, []), timings_at, calls, _call_id)
        if shown := ctx.extra.get(_SHOWN):
            # Shown results are the results themselves: found again by identity.
            at = {id(t.result): i for i, t in enumerate(o.tools[tools_at:])}
            shown[shown_at:] = sorted(shown[shown_at:], key=lambda r: at.get(id(r), len(at)))


async def _tool_step(
    ctx: RunContext,
    functions: dict[str, Any],
    call: ToolCall,
    allowed: bool,
    held: list[ev.BaseRunEvent] | None = None,
) -> AsyncGenerator[ev.BaseRunEvent, None]:
    """One tool call; its closing events go to ``held`` when given (see `_together`)."""
    o = ctx.output
    ending: list[ev.BaseRunEvent] = []
    if allowed and hold_call(ctx, functions.get(call.name), call):
        return
    # The arguments as the model sent them, for ToolCallStarted (Agno's event carries them);
    # the tool's validated arguments replace them when it runs.
    execution = ToolExecution(tool_call_id=call.id, tool_name=call.name, tool_args=_sent(call))
    o.tools.append(execution)
    if ctx.stream_events:
        yield tool_started_event(ctx, execution)
    function = functions.get(call.name) if allowed else None
    over_tool_limit = False
    if function is not None and function.max_calls is not None:
        counts = ctx.extra.setdefault("tool_calls_by_name", {})
        counts[call.name] = counts.get(call.name, 0) + 1
        over_tool_limit = counts[call.name] > function.max_calls
        if over_tool_limit:
            function = None
    if function is None:
        if not allowed:  # past the run's tool_call_limit: Agno's words
            execution.result = (
                f"Tool call limit reached. Tool call {call.name} not executed. "
                "Don't try to execute it again."
            )
        else:
            reason = "tool call limit reached for" if over_tool_limit else "unknown tool"
            execution.result = f"Error: {reason} {call.name!r}; answer without calling it."
        execution.tool_call_error = True
    else:
        async with contextlib.aclosing(execute_tool(ctx, function, call, execution)) as steps:
            async for event in steps:
                yield event
        if function.stop_after_tool_call and not execution.tool_call_error:
            execution.stop_after_tool_call = True
            ctx.extra["stop_after"] = True
        elif (
            function.show_result and not execution.tool_call_error and execution.result is not None
        ):
            # As in Agno: the result is part of the answer, before the model's final words.
            ctx.extra.setdefault(_SHOWN, []).append(execution.result)
            if ctx.stream:
                ending.append(
                    make_event(ctx, ev.RunContentEvent, "run_content", content=execution.result)
                )
    if execution.metrics is not None:
        o.metrics.add_tool_call(execution.metrics)
    o.messages.append(
        Message(role="tool", content=execution.result, tool_call_id=call.id, name=call.name)
    )
    if ctx.stream_events:
        ending.append(tool_completed_event(ctx, execution))
        if execution.tool_call_error:
            ending.append(
                make_event(
                    ctx,
                    ev.ToolCallErrorEvent,
                    "tool_call_error",
                    tool=execution,
                    error=str(execution.result),
                )
            )
    if held is not None:
        held.extend(ending)
        return
    for event in ending:
        yield event


def _call_id(item: Any) -> Any:
    return item.tool_call_id


def _sent(call: ToolCall) -> dict[str, Any]:
    """The call's arguments decoded as sent, or {} when they are not a JSON object."""
    try:
        value = json.loads(call.arguments or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
