"""``from agno_core.team.mode import TeamMode``, the module path Agno code also uses."""

from __future__ import annotations

from agno_core.team._modes import TeamMode

__all__ = ["TeamMode"]
