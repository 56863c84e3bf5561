"""``from agno_core.run.requirement import RunRequirement``, the module path Agno code also uses."""

from __future__ import annotations

from agno_core.run._requirement import RunRequirement

__all__ = ["RunRequirement"]
