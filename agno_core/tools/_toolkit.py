"""Toolkits: named groups of tools."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from agno_core.tools._function import Function

__all__ = ["Toolkit", "resolve_tools"]


class Toolkit:
    """A named group of tools, usually methods of a subclass.

    Args:
        name: The toolkit's name.
        tools: Callables (or `Function`s) to expose.
        instructions: Extra instructions added to the system message when the toolkit is used.
        add_instructions: Whether to add ``instructions``.
        include_tools: Only expose these tool names.
        exclude_tools: Hide these tool names.
        requires_confirmation_tools: These tools pause the run for the user's confirmation
            (as ``@tool(requires_confirmation=True)``).
        external_execution_required_tools: These tools pause the run for the caller to
            execute them (as ``@tool(external_execution=True)``).
        stop_after_tool_call_tools: These tools end the run with their result (as
            ``@tool(stop_after_tool_call=True)``).
        show_result_tools: These tools' results are part of the answer (as
            ``@tool(show_result=True)``).
        cache_results, cache_ttl, cache_dir: Cache every tool's results (as ``@tool``'s
            options of these names).
    """

    def __init__(
        self,
        name: str = "toolkit",
        tools: Sequence[Callable[..., Any] | Function] = (),
        *,
        instructions: str | None = None,
        add_instructions: bool = False,
        include_tools: Iterable[str] | None = None,
        exclude_tools: Iterable[str] | None = None,
        requires_confirmation_tools: Iterable[str] | None = None,
        external_execution_required_tools: Iterable[str] | None = None,
        stop_after_tool_call_tools: Iterable[str] | None = None,
        show_result_tools: Iterable[str] | None = None,
        cache_results: bool = False,
        cache_ttl: int = 3600,
        cache_dir: str | None = None,
    ) -> None:
        self.name = name
        self.tools = list(tools)
        self.stop_after_tool_call_tools = list(stop_after_tool_call_tools or ())
        self.show_result_tools = list(show_result_tools or ())
        self.cache_results = cache_results
        self.cache_ttl = cache_ttl
        self.cache_dir = cache_dir
        self.requires_confirmation_tools = list(requires_confirmation_tools or ())
        self.external_execution_required_tools = list(external_execution_required_tools or ())
        self.instructions = instructions
        self.add_instructions = add_instructions
        self._include = set(include_tools) if include_tools is not None else None
        self._exclude = set(exclude_tools or ())
        self.functions: dict[str, Function] = {}
        given = [item.name if isinstance(item, Function) else _name_of(item) for item in tools]
        for option, names in (("include_tools", self._include), ("exclude_tools", self._exclude)):
            missing = sorted(set(names or ()) - set(given))
            if missing:  # as in Agno: a name that is no tool of the toolkit is a mistake
                raise ValueError(
                    f"{option} names tool(s) not present in the toolkit {name!r}: "
                    f"{', '.join(missing)} (it has: {', '.join(given) or 'none'})"
                )
        for item in tools:
            self.register(item)

    def register(self, fn: Callable[..., Any] | Function, name: str | None = None) -> None:
        """Add a tool to the toolkit (honouring ``include_tools``/``exclude_tools``)."""
        function = fn if isinstance(fn, Function) else Function.from_callable(fn, name=name)
        if self._include is not None and function.name not in self._include:
            return
        if function.name in self._exclude:
            return
        if function.name in self.requires_confirmation_tools:
            function = dataclasses.replace(function, requires_confirmation=True)
        if function.name in self.external_execution_required_tools:
            function = dataclasses.replace(function, external_execution=True)
        flags: dict[str, Any] = {}
        if function.name in getattr(self, "stop_after_tool_call_tools", ()):
            flags["stop_after_tool_call"] = True
        if function.name in getattr(self, "show_result_tools", ()):
            flags["show_result"] = True
        if getattr(self, "cache_results", False):
            flags.update(cache_results=True, cache_ttl=self.cache_ttl, cache_dir=self.cache_dir)
        # Agno sends every toolkit tool's confirmation and external-execution flags, and uses a
        # @tool method's schema as the decorator built it.
        kind = "toolkit_decorated" if function._schema_kind == "decorated" else "toolkit"
        flags.update(_schema_kind=kind, _wire_flags=("requires_confirmation", "external_execution"))
        function = dataclasses.replace(function, **flags)
        self.functions[function.name] = function

    def get_functions(self) -> dict[str, Function]:
        """The toolkit's tools by name (Agno's method)."""
        return dict(self.functions)

    def get_async_functions(self) -> dict[str, Function]:
        """The same tools: agno_core calls sync and async tools alike (Agno's method)."""
        return dict(self.functions)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, tools={sorted(self.functions)!r})"


def _name_of(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__name__", None) or type(fn).__name__


def resolve_tools(tools: Iterable[Any] | None) -> dict[str, Function]:
    """Flatten an agent's ``tools`` list (functions, `Function`s, `Toolkit`s) into name -> tool."""
    resolved: dict[str, Function] = {}
    for item in tools or ():
        if isinstance(item, Toolkit):
            functions: Iterable[Function] = item.functions.values()
        elif isinstance(item, Function):
            functions = (item,)
        elif callable(item):
            functions = (Function.from_callable(item),)
        else:
            raise TypeError(f"tools must be functions, Function or Toolkit objects, got {item!r}")
        for function in functions:
            if function.name in resolved:
                raise ValueError(
                    f"two tools are named {function.name!r}; tool names must be unique"
                )
            resolved[function.name] = function
    return resolved
