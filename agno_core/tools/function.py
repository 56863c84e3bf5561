"""``from agno_core.tools.function import Function``, the module path Agno code also uses."""

from __future__ import annotations

from agno_core.tools._function import Function, ToolError

__all__ = ["Function", "ToolError"]
