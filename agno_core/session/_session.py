"""`AgentSession`: a session's stored runs and state, read from the db."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agno_core.run._output import RunOutput

__all__ = ["AgentSession"]


@dataclass(kw_only=True, slots=True)
class AgentSession:
    """One session of an agent, as stored (a copy: changing it changes nothing stored).

    Attributes:
        session_id: The session's id.
        user_id: The user of its runs (the first run's).
        agent_id: The agent of its runs (the first run's).
        session_state: The stored session state.
        session_data: Everything stored with the session: ``session_state``, and
            ``session_name`` once named (`set_session_name`).
        runs: Its top-level runs, oldest first, whatever their status.
    """

    session_id: str
    user_id: str | None = None
    agent_id: str | None = None
    session_state: dict[str, Any] = field(default_factory=dict)
    session_data: dict[str, Any] = field(default_factory=dict)
    runs: list[RunOutput] = field(default_factory=list)

    def get_run(self, run_id: str) -> RunOutput | None:
        """The session's run with that id, or None."""
        return next((r for r in self.runs if r.run_id == run_id), None)
