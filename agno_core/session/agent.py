"""``from agno_core.session.agent import AgentSession``, the module path Agno code also uses."""

from __future__ import annotations

from agno_core.session._session import AgentSession

__all__ = ["AgentSession"]
