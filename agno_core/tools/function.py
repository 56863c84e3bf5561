"""``from agno_core.tools.function import Function``, the module path Agno code also uses."""

from __future__ import annotations

from agno_core.tools._function import Function, ToolError
from agno_core.tools._user_input import UserInputField

__all__ = ["Function", "ToolError", "UserInputField"]
