"""Sessions as Agno returns them from ``agent.get_session()`` / ``team.get_session()``."""

from __future__ import annotations

from agno_core.session._session import AgentSession, TeamSession

__all__ = ["AgentSession", "TeamSession"]
