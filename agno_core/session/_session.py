"""`AgentSession` and `TeamSession`: a session's stored runs and state, read from the db."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agno_core.run._output import RunOutput

__all__ = ["AgentSession", "TeamSession"]


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


@dataclass(kw_only=True)
class TeamSession:
    """One session of a team, read back from its db (``team.get_session()``,
    ``db.get_session(session_id, SessionType.TEAM)``).

    Attributes:
        session_id: The session.
        team_id: The team whose session it is.
        user_id: The user of its first run.
        session_data: What is stored with the session: ``session_state`` when it has state,
            ``session_name`` once named.
        runs: The session's team runs, oldest first, each with its stored member runs in
            ``member_responses`` (``store_member_responses=True``).
        created_at, updated_at: Unix times of its first and last runs.
    """

    session_id: str
    team_id: str | None = None
    user_id: str | None = None
    session_data: dict[str, Any] = field(default_factory=dict)
    runs: list[RunOutput] = field(default_factory=list)
    created_at: float | None = None
    updated_at: float | None = None

    @property
    def session_state(self) -> dict[str, Any] | None:
        """The session's stored state (None: it has none)."""
        state = self.session_data.get("session_state")
        return state if isinstance(state, dict) else None

    def get_run(self, run_id: str) -> RunOutput | None:
        """The session's team run with that id, or None."""
        return next((r for r in self.runs if r.run_id == run_id), None)
