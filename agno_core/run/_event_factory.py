"""`make_event`: an event of a run, named for an agent or a team run, with the run's ids."""

from __future__ import annotations

from typing import Any

from agno_core.run import _events as ev
from agno_core.run._context import RunContext

__all__ = ["make_event"]


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
