"""`ToolRegistry`: tools that may grow during a run (Agno's ``agno.tools.ToolRegistry``)."""

from __future__ import annotations

from typing import Any

__all__ = ["ToolRegistry"]


class ToolRegistry:
    """Tools given as ``Agent(tools=registry)``: the agent reads the registry again before each
    model call, so a tool registered during a run (even by another tool) is offered to the
    model from its next step on.

    Example:
        >>> registry = ToolRegistry()
        >>> def ping() -> str:
        ...     return "pong"
        >>> registry.register(ping)
        >>> len(registry)
        1
    """

    __slots__ = ("_tools",)

    def __init__(self, tools: list[Any] | None = None) -> None:
        self._tools: list[Any] = list(tools or ())

    def register(self, tool: Any) -> None:
        """Add a tool (a function, `Function` or `Toolkit`); registering it again does nothing."""
        if not any(existing is tool for existing in self._tools):
            self._tools.append(tool)

    def unregister(self, tool: Any) -> None:
        """Remove a tool."""
        self._tools = [existing for existing in self._tools if existing is not tool]

    def __call__(self) -> list[Any]:
        """The tools registered now (the agent calls this per model step)."""
        return list(self._tools)

    def __len__(self) -> int:
        return len(self._tools)
