"""`make_event`: an event of a run, named for an agent or a team run, with the run's ids; the
tool-call events, shaped as Agno's."""

from __future__ import annotations

import dataclasses
import shutil
from typing import Any

from agno_core.run import _events as ev
from agno_core.run._context import RunContext
from agno_core.run._tool_execution import ToolExecution

__all__ = ["call_str", "make_event", "tool_completed_event", "tool_started_event"]


def make_event(ctx: RunContext, cls: type[ev.BaseRunEvent], name: str, **kw: Any) -> Any:
    names = ev.TeamRunEvent if ctx.output.is_team else ev.RunEvent
    o = ctx.output
    return cls(
        event=getattr(names, name).value,
        run_id=o.run_id,
        session_id=o.session_id,
        parent_run_id=o.parent_run_id,
        agent_id=o.agent_id,
        agent_name=o.agent_name,
        team_id=o.team_id,
        team_name=getattr(o, "team_name", None),
        **kw,
    )


def tool_started_event(ctx: RunContext, execution: ToolExecution) -> ev.ToolCallStartedEvent:
    """``ToolCallStarted`` holding a copy of ``execution`` as it is now: as in Agno, the started
    event's tool still has no result once the call is done."""
    event: ev.ToolCallStartedEvent = make_event(
        ctx, ev.ToolCallStartedEvent, "tool_call_started", tool=dataclasses.replace(execution)
    )
    return event


def tool_completed_event(ctx: RunContext, execution: ToolExecution) -> ev.ToolCallCompletedEvent:
    """``ToolCallCompleted``; as in Agno its content is the call and its time, e.g.
    ``"get_weather(city=Paris) completed in 0.0012s. "`` (the result is on ``tool``)."""
    elapsed = execution.metrics.duration if execution.metrics is not None else 0.0
    event: ev.ToolCallCompletedEvent = make_event(
        ctx,
        ev.ToolCallCompletedEvent,
        "tool_call_completed",
        tool=execution,
        content=f"{call_str(execution.tool_name, execution.tool_args)} "
        f"completed in {elapsed:.4f}s. ",
    )
    return event


def call_str(name: str, args: dict[str, Any]) -> str:
    """A call as Agno's ``FunctionCall.get_call_str()`` writes it: ``name(k=v, ...)``, long text
    values as ``...``, and ``name(...)`` when that is wider than the terminal."""
    width = shutil.get_terminal_size().columns or 80
    longest = max(20, (width - len(name) - 4) // 2)
    shown = {
        key: "..." if isinstance(value, str) and len(value) > longest else value
        for key, value in args.items()
    }
    text = f"{name}({', '.join(f'{key}={value}' for key, value in shown.items())})"
    return f"{name}(...)" if len(text) > width else text
