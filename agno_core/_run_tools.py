"""The tools of one run: the runner's static tools, a callable tool factory's tools (cached per
user or session with ``cache_callables``), and the built-in tools its options switch on
(``enable_agentic_memory``, ``search_past_sessions``, ``read_chat_history``, ...)."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from agno_core._context_parts import acall_with_injection, factory_cache_key
from agno_core.run._context import public_context
from agno_core.tools import Function, ToolRegistry
from agno_core.tools._toolkit import resolve_tools

if TYPE_CHECKING:
    from agno_core.run._context import RunContext, RunOwner

__all__ = ["ToolsApi", "clear_factory_cache", "is_tool_factory", "tools_for_run"]

# Resolved factory tools per runner, by cache key (user id, session id or a custom key).
_caches: weakref.WeakKeyDictionary[RunOwner, dict[str, dict[str, Function]]] = (
    weakref.WeakKeyDictionary()
)


def is_tool_factory(tools: Any) -> bool:
    """True for ``tools=callable`` (a function returning the run's tools), as Agno has it."""
    return (
        callable(tools)
        and not isinstance(tools, type | Function)
        and not hasattr(tools, "functions")
    )


async def _factory_tools(owner: RunOwner, ctx: RunContext) -> dict[str, Function]:
    # A ToolRegistry is read afresh each step, and so is a factory when the run refreshes its
    # tools after a tool batch (``refresh_tools_per_step``).
    fresh = isinstance(owner.tools, ToolRegistry) or ctx.extra.get("refreshing_tools", False)
    key = None
    if owner.cache_callables and not fresh:
        key = await factory_cache_key(owner.callable_tools_cache_key, owner, ctx)
    cache = _caches.setdefault(owner, {}) if key is not None else None
    if cache is not None and key in cache:
        return cache[key]
    factory = owner.tools
    assert callable(factory)
    produced = await acall_with_injection(factory, owner, ctx)
    tools = list(produced or ())
    public_context(ctx).tools = tools
    functions = resolve_tools(tools)
    if cache is not None and key is not None:
        cache[key] = functions
    return functions


def clear_factory_cache(owner: RunOwner, cache_key: str | None = None) -> None:
    """Forget the cached factory tools (of one cache key, or all of them)."""
    cache = _caches.get(owner)
    if cache is None:
        return
    if cache_key is None:
        cache.clear()
    else:
        cache.pop(cache_key, None)


async def tools_for_run(owner: RunOwner, ctx: RunContext) -> dict[str, Function]:
    """Every tool the model may call in this run, by name."""
    functions = owner._functions()
    factory = is_tool_factory(owner.tools)
    user_context = ctx.options.use_user_context
    memory = owner.enable_agentic_memory and ctx.db is not None and user_context
    past = owner.search_past_sessions and ctx.db is not None and user_context
    state = owner.enable_agentic_state
    chats = getattr(owner, "read_chat_history", False)
    calls = getattr(owner, "read_tool_call_history", False)
    if not (factory or memory or past or state or chats or calls):
        return functions
    functions = dict(functions)
    extra: dict[str, Function] = {}
    if factory:
        extra.update(await _factory_tools(owner, ctx))
    if memory:
        from agno_core._agentic_memory import memory_tool

        extra[memory_tool().name] = memory_tool()
    if past:
        from agno_core._past_sessions import past_session_tools

        for function in past_session_tools():
            extra[function.name] = function
    if state:
        from agno_core._session_state import state_tool

        extra[state_tool().name] = state_tool()
    if chats or calls:
        from agno_core._history_tools import (
            chat_history_tool,
            team_chat_history_tool,
            tool_call_history_tool,
        )

        chat = team_chat_history_tool() if owner.kind == "team" else chat_history_tool()
        for wanted, function in ((chats, chat), (calls, tool_call_history_tool())):
            if wanted:
                extra[function.name] = function
    for name, function in extra.items():
        if name in functions:
            raise ValueError(f"two tools are named {name!r}; tool names must be unique")
        functions[name] = function
    return functions


class ToolsApi:
    """Mixed into `RunOwner`: the run's tools and Agno's tool-management methods."""

    __slots__ = ()

    tools: Any
    enable_agentic_memory: bool
    search_past_sessions: bool
    enable_agentic_state: bool

    async def _tools_for_run(self, ctx: RunContext) -> dict[str, Function]:
        if not (
            self.enable_agentic_memory
            or self.search_past_sessions
            or self.enable_agentic_state
            or getattr(self, "read_chat_history", False)
            or getattr(self, "read_tool_call_history", False)
            or (self.tools is not None and not isinstance(self.tools, list))
        ):
            return self._functions()  # type: ignore[attr-defined,no-any-return]
        return await tools_for_run(self, ctx)  # type: ignore[arg-type]

    def add_tool(self, tool: Any) -> None:
        """Add a tool (function, `Function` or `Toolkit`) to the agent's tools."""
        if not isinstance(self.tools, list):
            if self.tools is not None:
                raise ValueError("add_tool() needs a list of tools, not a tool factory")
            self.tools = []
        self.tools.append(tool)

    def set_tools(self, tools: Any) -> None:
        """Replace the agent's tools (a list, or a callable tool factory)."""
        self.tools = tools if callable(tools) else list(tools)
