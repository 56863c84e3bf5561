"""Human in the loop, engine side: pausing a run at a tool call that waits for the user, and
going on with it once the user has answered (``agent.continue_run``).

A call of a tool marked ``requires_confirmation``, ``requires_user_input`` or
``external_execution`` is not executed: it is recorded on the run (``RunOutput.tools``, with a
`RunRequirement`), the other calls of the same model response run as usual, and the run ends
its model loop and is stored PAUSED (no lease: a paused run waits for a person, possibly in
another process, and must not expire). Continuing it is the same run, resumed: its row goes
PAUSED -> RUNNING (one conditional update, so two continues of one run cannot both proceed),
the answered calls are executed, rejected or given their external result, and the model loop
goes on from the stored messages. Metrics keep adding up on the run's own `RunMetrics`;
``duration`` counts the time the run executed, not the time it waited.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncGenerator, Callable, Sequence
from typing import TYPE_CHECKING, Any

from agno_core.hooks._decorator import runs_on_continue
from agno_core.models.message import Message, ToolCall
from agno_core.run import _events as ev
from agno_core.run._event_factory import make_event, tool_completed_event, tool_started_event
from agno_core.run._requirement import RunRequirement
from agno_core.run._tool_execution import ToolExecution
from agno_core.run._tools import execute_tool
from agno_core.run.base import RunStatus
from agno_core.tools import Function, ToolError

if TYPE_CHECKING:
    from agno_core.run._context import RunContext

__all__ = [
    "REJECTED",
    "continued_event",
    "hold_call",
    "pause_pending",
    "paused_event",
    "pre_hooks_for",
    "refuse_team_hitl",
    "resume_calls",
    "resuming",
    "settle_pause",
    "start_resumed",
]

# What the model is told of a rejected call without a note (Agno's words).
REJECTED = "Function call was rejected by the user"
_RESUME = "resume"
_RESUME_CALLS = "resume_calls"
_PAUSED = "paused"


def resuming(ctx: RunContext) -> bool:
    """True for a run that continues a paused one."""
    return bool(ctx.extra.get(_RESUME))


def mark_resume(ctx: RunContext) -> None:
    """Make ``ctx`` (built around a paused output) continue that run."""
    ctx.extra[_RESUME] = True
    ctx.extra[_RESUME_CALLS] = True


def _team_refusal(function: Function) -> NotImplementedError:
    return NotImplementedError(
        f"human in the loop in team runs is not supported by agno_core: tool "
        f"{function.name!r} asks for the user (requires_confirmation, requires_user_input or "
        "external_execution), and a team run cannot pause; run that agent on its own"
    )


def refuse_team_hitl(team: Any) -> None:
    """Raise `NotImplementedError` when the team or one of its members (nested teams too) has
    a static tool that would pause the run; a tool a factory gives is refused when called."""
    pending = [team]
    while pending:
        runner = pending.pop()
        if isinstance(runner.tools, list):
            for function in runner._functions().values():
                if function.pauses_run:
                    raise _team_refusal(function)
        pending.extend(getattr(runner, "members", None) or ())


def _refuse_in_team(ctx: RunContext, function: Function) -> None:
    if ctx.parent is not None or ctx.output.is_team:
        raise _team_refusal(function)


def _arguments(function: Function, call: ToolCall) -> dict[str, Any]:
    """The call's arguments as far as they can be read (the user may still supply some)."""
    try:
        return function.parse_arguments(call.arguments)
    except ToolError:
        try:
            return function.decode_arguments(call.arguments)
        except ToolError:
            return {}


def hold_call(ctx: RunContext, function: Function | None, call: ToolCall) -> bool:
    """If ``function`` waits for the user, record the call as paused instead of executing it
    (with its `RunRequirement`) and return True; the run pauses after this model response."""
    if function is None or not function.pauses_run:
        return False
    _refuse_in_team(ctx, function)
    args = _arguments(function, call)
    execution = ToolExecution(tool_call_id=call.id, tool_name=call.name, tool_args=args)
    if function.requires_confirmation:
        execution.requires_confirmation = True
    elif function.requires_user_input:
        execution.requires_user_input = True
        execution.user_input_schema = function.user_input_schema(args)
    else:
        execution.external_execution_required = True
        execution.external_execution_silent = function.external_execution_silent or None
    o = ctx.output
    o.tools.append(execution)
    o.requirements = [*(o.requirements or ()), RunRequirement(execution)]
    ctx.extra[_PAUSED] = True
    return True


def pause_pending(ctx: RunContext) -> bool:
    """True once a call of this model response was held for the user."""
    return bool(ctx.extra.get(_PAUSED))


def paused_content(tools: Sequence[ToolExecution]) -> str:
    """What a paused run says, by what its calls wait for."""
    kinds = set()
    for tool in tools:
        if tool.external_execution_silent:
            continue
        if tool.requires_confirmation and not tool.confirmed:
            kinds.add("confirmation")
        if tool.requires_user_input:
            kinds.add("user input")
        if tool.external_execution_required:
            kinds.add("external execution")
    if kinds == {"external execution"}:
        return "I have tools to execute, but it needs external execution."
    if not kinds:
        return ""
    order = [k for k in ("confirmation", "user input", "external execution") if k in kinds]
    return f"I have tools to execute, but I need {' or '.join(order)}."


def settle_pause(ctx: RunContext) -> bool:
    """True when the run stops to wait for the user; its content then says what for."""
    if not ctx.extra.pop(_PAUSED, False):
        return False
    o = ctx.output
    if not o.content:
        o.content = paused_content([t for t in o.tools if t.is_paused])
    return True


def paused_event(ctx: RunContext) -> ev.RunPausedEvent:
    o = ctx.output
    event: ev.RunPausedEvent = make_event(
        ctx,
        ev.RunPausedEvent,
        "run_paused",
        tools=o.tools,
        requirements=o.requirements,
        run_output=o,
        content=o.content,  # "I have tools to execute, ...", as Agno's event carries
    )
    return event


def continued_event(ctx: RunContext) -> ev.RunContinuedEvent:
    event: ev.RunContinuedEvent = make_event(ctx, ev.RunContinuedEvent, "run_continued")
    return event


def pre_hooks_for(
    ctx: RunContext, hooks: Sequence[Callable[..., Any]] | None
) -> list[Callable[..., Any]]:
    """The pre-hooks of this run: all of them, or on a continued run only those marked
    ``@hook(run_on_continue=True)`` (the input was checked when the run started)."""
    if not hooks:
        return []
    if not resuming(ctx):
        return list(hooks)
    return [h for h in hooks if runs_on_continue(h)]


async def start_resumed(ctx: RunContext, db: Any) -> str | None:
    """Move the paused run to RUNNING; a reason when it may not go on (else None).

    The clock goes on from the run's stored ``duration``, and ``time_to_first_token`` stays the
    first segment's.
    """
    o = ctx.output
    metrics = o.metrics
    ctx.started_at = time.perf_counter() - (metrics.duration or 0.0)
    if metrics.time_to_first_token is not None:
        ctx.first_token_at = ctx.started_at + metrics.time_to_first_token
    o.status = RunStatus.running
    o.finished_at = None
    if db is None:
        return None
    if await db.aupdate_run(o, status=RunStatus.running):
        ctx.stored = True
        return None
    row = await db.aget_run_row(o.run_id)
    if row is None:  # paused without a db row (e.g. by an agent without a db): store it now
        await db.ainsert_run(o, status=RunStatus.running, session_type=ctx.owner.kind)
        ctx.stored = True
        return None
    ctx.extra["row_final"] = True
    return f"the stored run is {row[0]}; only a paused run can be continued"


async def resume_calls(
    ctx: RunContext, functions: dict[str, Function]
) -> AsyncGenerator[ev.BaseRunEvent, None]:
    """Carry out what the user answered for each paused call, once per continue: run the
    confirmed calls and those given user input, tell the model of rejected ones, and hand it
    the results of calls executed outside."""
    if not ctx.extra.pop(_RESUME_CALLS, False):
        return
    for tool in list(ctx.output.tools):
        if not tool.is_paused:
            continue
        if tool.requires_confirmation:
            tool.requires_confirmation = False
            if tool.confirmed is True and tool.result is None:
                async with contextlib.aclosing(_run_call(ctx, functions, tool)) as events:
                    async for event in events:
                        yield event
            else:
                tool.confirmed = False
                tool.tool_call_error = True
                _add_result(ctx, tool, tool.confirmation_note or REJECTED)
                tool.confirmation_note = tool.confirmation_note or "Tool call was rejected"
        elif tool.external_execution_required:
            tool.external_execution_required = False
            _add_result(ctx, tool, tool.result or "")
        elif tool.requires_user_input:
            for input_field in tool.user_input_schema or ():
                tool.tool_args[input_field.name] = input_field.value
            tool.requires_user_input = False
            tool.answered = True
            async with contextlib.aclosing(_run_call(ctx, functions, tool)) as events:
                async for event in events:
                    yield event


def _add_result(ctx: RunContext, tool: ToolExecution, content: str) -> None:
    ctx.output.messages.append(
        Message(role="tool", content=content, tool_call_id=tool.tool_call_id, name=tool.tool_name)
    )


async def _run_call(
    ctx: RunContext, functions: dict[str, Function], tool: ToolExecution
) -> AsyncGenerator[ev.BaseRunEvent, None]:
    """Execute an answered call, as the model asked for it (with the user's values)."""
    if ctx.stream_events:
        yield tool_started_event(ctx, tool)
    function = functions.get(tool.tool_name)
    if function is None:
        tool.result = f"Error: unknown tool {tool.tool_name!r}; answer without calling it."
        tool.tool_call_error = True
    else:
        call = ToolCall(
            id=tool.tool_call_id or "",
            name=tool.tool_name,
            arguments=json.dumps(tool.tool_args, default=str),
        )
        async with contextlib.aclosing(execute_tool(ctx, function, call, tool)) as steps:
            async for event in steps:
                yield event
    if tool.metrics is not None:
        ctx.output.metrics.add_tool_call(tool.metrics)
    _add_result(ctx, tool, tool.result or "")
    if ctx.stream_events:
        yield tool_completed_event(ctx, tool)
