"""Tools an agent's model can call: plain functions, `tool`-decorated ones, and `Toolkit`s."""

from __future__ import annotations

from agno_core.tools._call import FunctionCall
from agno_core.tools._function import Function, ToolError, tool
from agno_core.tools._registry import ToolRegistry
from agno_core.tools._toolkit import Toolkit

__all__ = ["Function", "FunctionCall", "ToolError", "ToolRegistry", "Toolkit", "tool"]
