"""``from agno_core.tools.decorator import tool``, the module path Agno code also uses."""

from __future__ import annotations

from agno_core.tools._function import tool

__all__ = ["tool"]
