"""Agno's ``tool_hooks``: middleware wrapped around every call of a tool.

A tool hook is called instead of the tool, with the arguments it declares by name out of
``function_name`` (or ``name``), ``function_call`` (or ``function``, ``func``: the next step of
the chain, to call with the tool's arguments as keywords), ``arguments`` (or ``args``: the
arguments the model gave, validated), ``agent``, ``team`` and ``run_context``. What it returns
is the call's result; what it raises is the call's error, as if the tool had raised. The first
hook is the outermost one. ``Agent(tool_hooks=[...])`` (and ``Team``) wraps every tool of the
agent and takes the place of a tool's own ``@tool(tool_hooks=[...])``, as in Agno.

When the tool and every hook are sync, the whole chain runs in one worker thread, as a sync
tool does (Agno: ``asyncio.to_thread(function_call.execute)``), so ``function_call(**arguments)``
returns the tool's result to a sync hook. Otherwise the chain is async: ``function_call`` is a
coroutine function (a sync hook may return its coroutine: it is awaited), an async tool is
awaited and a sync one runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["hook_chain", "runs_in_thread"]

_ALIASES: dict[str, str] = {
    "name": "name",
    "function_name": "name",
    "function": "next",
    "func": "next",
    "function_call": "next",
    "args": "arguments",
    "arguments": "arguments",
}


def _hook_kwargs(hook: Callable[..., Any], values: dict[str, Any]) -> dict[str, Any]:
    """The arguments ``hook`` declares, as Agno's ``FunctionCall._build_hook_args`` gives them."""
    params = inspect.signature(hook).parameters
    kwargs: dict[str, Any] = {}
    for param in params:
        if param in _ALIASES:
            kwargs[param] = values[_ALIASES[param]]
        elif param in ("agent", "team", "run_context"):
            kwargs[param] = values[param]
    return kwargs


def runs_in_thread(entry: Callable[..., Any], hooks: Sequence[Callable[..., Any]]) -> bool:
    """True when the tool and all its hooks are sync: the chain then runs in a worker thread."""
    if inspect.iscoroutinefunction(entry) or inspect.isasyncgenfunction(entry):
        return False
    if inspect.iscoroutinefunction(getattr(entry, "__call__", None)):  # noqa: B004
        return False
    return not any(inspect.iscoroutinefunction(hook) for hook in hooks)


def hook_chain(
    name: str,
    entry: Callable[..., Any],
    hooks: Sequence[Callable[..., Any]],
    injected: dict[str, Any],
    context: dict[str, Any],
) -> Callable[..., Any]:
    """The tool ``entry`` wrapped by ``hooks`` (first = outermost): call it with the tool's
    arguments as keywords. ``injected``: the runtime's parameters of the tool (``agent``,
    ``run_context``, ...), added to the arguments the hooks pass on; ``context``: the
    ``agent``, ``team`` and ``run_context`` the hooks may declare."""
    sync = runs_in_thread(entry, hooks)
    chain = _sync_entry(entry, injected) if sync else _async_entry(entry, injected)
    layer = _sync_layer if sync else _async_layer
    for hook in reversed(hooks):
        chain = layer(name, hook, chain, context)
    return chain


def _call_hook(
    name: str,
    hook: Callable[..., Any],
    inner: Callable[..., Any],
    context: dict[str, Any],
    arguments: dict[str, Any],
) -> Any:
    values = {**context, "name": name, "next": inner, "arguments": arguments}
    return hook(**_hook_kwargs(hook, values))


def _sync_entry(entry: Callable[..., Any], injected: dict[str, Any]) -> Callable[..., Any]:
    def innermost(**arguments: Any) -> Any:
        return entry(**{**arguments, **injected})

    return innermost


def _sync_layer(
    name: str, hook: Callable[..., Any], inner: Callable[..., Any], context: dict[str, Any]
) -> Callable[..., Any]:
    def layer(**arguments: Any) -> Any:
        return _call_hook(name, hook, inner, context, arguments)

    return layer


def _async_entry(entry: Callable[..., Any], injected: dict[str, Any]) -> Callable[..., Any]:
    async def innermost(**arguments: Any) -> Any:
        kwargs = {**arguments, **injected}
        if inspect.isasyncgenfunction(entry):
            return entry(**kwargs)
        if inspect.iscoroutinefunction(entry) or inspect.iscoroutinefunction(
            getattr(entry, "__call__", None)  # noqa: B004
        ):
            return await entry(**kwargs)
        result = await asyncio.to_thread(entry, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result

    return innermost


def _async_layer(
    name: str, hook: Callable[..., Any], inner: Callable[..., Any], context: dict[str, Any]
) -> Callable[..., Any]:
    async def layer(**arguments: Any) -> Any:
        result = _call_hook(name, hook, inner, context, arguments)
        # A sync hook commonly returns ``function_call(...)``: a coroutine here, awaited.
        while inspect.isawaitable(result):
            result = await result
        return result

    return layer
