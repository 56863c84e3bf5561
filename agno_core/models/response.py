"""``from agno_core.models.response import ToolExecution``, the module path Agno code also uses
(a run's record of one tool call)."""

from __future__ import annotations

from agno_core.run._tool_execution import ToolExecution

__all__ = ["ToolExecution"]
