"""``from agno_core.agent.agent import Agent``, the module path Agno code also uses."""

from __future__ import annotations

from agno_core.agent._agent import Agent
from agno_core.run.agent import RunOutput

__all__ = ["Agent", "RunOutput"]
