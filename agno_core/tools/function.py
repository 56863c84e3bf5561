"""``from agno_core.tools.function import Function, FunctionCall, ToolResult``, the module path
Agno code also uses."""

from __future__ import annotations

from agno_core.tools._call import FunctionCall
from agno_core.tools._function import Function, ToolError, ToolResult
from agno_core.tools._user_input import UserInputField

__all__ = ["Function", "FunctionCall", "ToolError", "ToolResult", "UserInputField"]
