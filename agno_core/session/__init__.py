"""Sessions as Agno returns them from ``agent.get_session()``: `AgentSession`."""

from __future__ import annotations

from agno_core.session._session import AgentSession

__all__ = ["AgentSession"]
