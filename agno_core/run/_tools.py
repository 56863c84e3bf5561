"""Executing one tool call inside a run."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import time
from collections.abc import AsyncGenerator, Callable
from typing import TYPE_CHECKING, Any

from agno_core.exceptions import AgentRunException, RunCancelledException
from agno_core.metrics import ToolCallMetrics
from agno_core.models.message import Message, ToolCall
from agno_core.run import _tool_cache as _cache
from agno_core.run._context import public_context
from agno_core.run._extra_events import CustomEvent
from agno_core.run._input import text_of
from agno_core.run._output import ToolExecution
from agno_core.run._tool_middleware import hook_chain, runs_in_thread
from agno_core.tools import Function, FunctionCall
from agno_core.tools._function import ToolResult

if TYPE_CHECKING:
    from agno_core.run._context import RunContext

__all__ = [
    "CONCURRENT_ATTR",
    "EVENT_STREAM_ATTR",
    "apply_steering",
    "execute_tool",
    "in_call_order",
    "merge_steps",
    "result_text",
    "runs_concurrently",
    "start_phase",
    "steer",
]

log = logging.getLogger("agno_core")

# A tool whose entrypoint carries this attribute runs as an async generator of run events (a
# team's delegation to a member streams the member's events).
EVENT_STREAM_ATTR = "__agno_event_stream__"
# A tool whose entrypoint carries this attribute set to False never runs concurrently with the
# other calls of its model response (a route-mode team's delegations: each answer is the run's).
CONCURRENT_ATTR = "__agno_concurrent__"
_DONE = object()


def steer(ctx: RunContext, exc: AgentRunException) -> None:
    """Note what a tool's `AgentRunException` asks of its run, for `apply_steering` once the
    round of tool calls is done: messages to add, and whether the run stops there."""
    added: list[Message] = ctx.extra.setdefault("added_messages", [])
    for role, given in (("user", exc.user_message), ("assistant", exc.agent_message)):
        if given is not None:
            added.append(given if isinstance(given, Message) else Message(role=role, content=given))
    for item in exc.messages or ():
        if isinstance(item, Message):
            added.append(item)
        elif isinstance(item, dict):
            try:
                added.append(Message(**item))
            except TypeError as error:
                log.warning("a message given with %s is not a Message: %s", exc, error)
    if exc.stop_execution:
        agent_message = exc.agent_message
        if isinstance(agent_message, Message):
            agent_message = agent_message.content
        ctx.extra.setdefault("stop_content", agent_message if agent_message else str(exc))


def apply_steering(ctx: RunContext) -> None:
    """After a round of tool calls: add the messages tools asked for, and stop the run when one
    raised `StopAgentRun` (its content: the agent message, else the exception's text)."""
    added = ctx.extra.pop("added_messages", None)
    if added:
        ctx.output.messages.extend(added)
    if "stop_content" in ctx.extra:
        ctx.extra["stop_after"] = True
        ctx.extra["direct_content"] = ctx.extra.pop("stop_content")


class _Chunks(list[Any]):
    """What a sync generator tool yielded (drained in the worker thread)."""


def _call_sync(entry: Callable[..., Any], args: dict[str, Any]) -> Any:
    """A sync tool's result; a generator tool's chunks (run in the worker thread)."""
    result = entry(**args)
    if inspect.isgenerator(result):
        return _Chunks(result)
    return result


def _custom_event(ctx: RunContext, item: Any, call: ToolCall) -> CustomEvent | None:
    """``item`` when a tool yielded a `CustomEvent`, stamped with the run's ids and the call's."""
    if not isinstance(item, CustomEvent):
        return None
    o = ctx.output
    item.tool_call_id = call.id
    item.event = item.event or "CustomEvent"
    item.run_id = item.run_id or o.run_id
    item.session_id = item.session_id or o.session_id
    item.parent_run_id = item.parent_run_id or o.parent_run_id
    item.agent_id = item.agent_id or o.agent_id
    item.agent_name = item.agent_name or o.agent_name
    item.team_id = item.team_id or o.team_id
    item.team_name = item.team_name or getattr(o, "team_name", None)
    return item


async def _items(chunks: Any) -> AsyncGenerator[Any, None]:
    """The items of a drained sync generator, or of an async generator as they come."""
    if isinstance(chunks, _Chunks):
        for item in chunks:
            yield item
    else:
        async for item in chunks:
            yield item


def _chunk_text(item: Any) -> str:
    """A generator tool's chunk as text, as Agno joins them (a run event gives its content)."""
    if isinstance(item, str):
        return item
    content = getattr(item, "content", item) if hasattr(item, "event") else item
    return "" if content is None else text_of(content)


def result_text(result: Any) -> str:
    """What the model sees of a tool's return value (nothing for None; a `ToolResult`'s
    ``content``)."""
    if isinstance(result, ToolResult):
        return result.content
    return "" if result is None else text_of(result)


def _injected_value(ctx: RunContext, name: str) -> Any:
    """The runtime's value for an injected tool parameter (see `INJECTED_PARAMS`)."""
    if name == "run_context":
        return public_context(ctx)
    if name == "team":
        return ctx.owner if ctx.owner.kind == "team" else None
    return ctx.owner


async def _tool_hook(ctx: RunContext, hook: Any, fc: FunctionCall) -> None:
    """A tool's pre/post-hook, with the arguments it declares; its failure is logged only."""
    params = inspect.signature(hook).parameters
    available = {
        "fc": fc,
        "function_call": fc,
        "agent": ctx.owner if ctx.owner.kind == "agent" else None,
        "team": ctx.owner if ctx.owner.kind == "team" else None,
        "run_context": public_context(ctx),
        "messages": ctx.output.messages,
    }
    kwargs = {name: value for name, value in available.items() if name in params}
    try:
        if inspect.iscoroutinefunction(hook):
            await hook(**kwargs)
        else:
            await asyncio.to_thread(hook, **kwargs)
    except (AgentRunException, RunCancelledException):
        raise  # a hook may stop, retry or cancel the run, as the tool itself may
    except Exception as exc:
        log.warning("tool hook %s of %s failed: %s", hook, fc.function.name, exc)


def _tool_hooks(ctx: RunContext, function: Function) -> list[Callable[..., Any]]:
    """The tool hooks wrapping ``function``: the agent's (or team's) ``tool_hooks`` when set,
    else the tool's own, as Agno gives them."""
    owner_hooks = getattr(ctx.owner, "tool_hooks", None)
    hooks = owner_hooks if owner_hooks is not None else function.tool_hooks
    return list(hooks or ())


def _cached_entry(value: str) -> Callable[..., str]:
    """An entry point answering with a cached result (so a cache hit still runs the hooks)."""

    def cached(**_: Any) -> str:
        return value

    return cached


async def _call_through_hooks(
    ctx: RunContext,
    function: Function,
    hooks: list[Callable[..., Any]],
    args: dict[str, Any],
    entry: Callable[..., Any] | None = None,
) -> Any:
    """Call the tool through its ``tool_hooks`` chain (see `agno_core.run._tool_middleware`);
    ``entry`` stands for the tool's entry point (a cached result's)."""
    entry = function.entrypoint if entry is None else entry
    injected = {name: args[name] for name in function.injected_params if name in args}
    arguments = {name: value for name, value in args.items() if name not in injected}
    context = {
        "agent": ctx.owner if ctx.owner.kind == "agent" else None,
        "team": ctx.owner if ctx.owner.kind == "team" else None,
        "run_context": public_context(ctx),
    }
    chain = hook_chain(function.name, entry, hooks, injected, context)
    if runs_in_thread(entry, hooks):
        return await asyncio.to_thread(_call_sync, chain, arguments)
    result = await chain(**arguments)
    if inspect.isgenerator(result):
        result = await asyncio.to_thread(_Chunks, result)
    return result


async def execute_tool(
    ctx: RunContext, function: Function, call: ToolCall, execution: ToolExecution
) -> AsyncGenerator[Any, None]:
    """Run one tool call; its result (or error) goes into ``execution``.

    A tool that raises does not end the run: the error becomes the tool's result, so the model
    can react to it. `RetryAgentRun` and `StopAgentRun` steer the run (see `steer`). Sync
    tools run in a worker thread so the event loop (heartbeats, cancels, other runs) keeps
    going while they work.
    """
    start = time.perf_counter()
    error: str | None = None
    try:
        args = function.parse_arguments(call.arguments)
        # ``execution.tool_args`` stays as the model sent them (as in Agno); the tool and its
        # hooks get the validated ones, defaults filled in.
        fc = FunctionCall(function=function, arguments=dict(args), call_id=call.id)
        if function.pre_hook is not None:
            await _tool_hook(ctx, function.pre_hook, fc)
        for name in function.injected_params:
            args[name] = _injected_value(ctx, name)
        streamer = getattr(function.entrypoint, EVENT_STREAM_ATTR, None)
        if streamer is not None:
            async with contextlib.aclosing(streamer(ctx, execution, **args)) as events:
                async for event in events:
                    yield event
            return
        cached = (
            await asyncio.to_thread(_cache.read, function, args) if function.cache_results else None
        )
        entry = function.entrypoint
        hooks = _tool_hooks(ctx, function)
        if cached is not None:
            # As in Agno, a cache hit still runs the tool hooks and the post-hook, so an audit
            # hook sees every call; only the tool itself is not called.
            result = cached
            if hooks:
                result = await _call_through_hooks(
                    ctx, function, hooks, args, _cached_entry(cached)
                )
            execution.result = result_text(result)
            if function.post_hook is not None:
                fc.result = result
                await _tool_hook(ctx, function.post_hook, fc)
            return
        if hooks:
            result = await _call_through_hooks(ctx, function, hooks, args)
        elif inspect.iscoroutinefunction(entry) or inspect.iscoroutinefunction(
            getattr(entry, "__call__", None)  # noqa: B004
        ):
            result = await entry(**args)
        else:
            result = await asyncio.to_thread(_call_sync, entry, args)
            if inspect.isawaitable(result):
                result = await result
        if isinstance(result, _Chunks) or inspect.isasyncgen(result):
            # A generator tool: its chunks joined are the result; its CustomEvents are
            # streamed (and their text is part of the result, as in Agno).
            pieces: list[str] = []
            async for item in _items(result):
                custom = _custom_event(ctx, item, call)
                if custom is not None:
                    pieces.append(str(custom))
                    if ctx.stream_events:
                        yield custom
                else:
                    pieces.append(_chunk_text(item))
            result = "".join(pieces)
        execution.result = result_text(result)
        if function.cache_results:
            await asyncio.to_thread(_cache.write, function, args, execution.result)
        if function.post_hook is not None:
            fc.result = result
            await _tool_hook(ctx, function.post_hook, fc)
    except (asyncio.CancelledError, RunCancelledException):
        # RunCancelledException: the tool cancelled its own run (`raise_if_cancelled`).
        error = "cancelled"
        execution.result = "Error: the tool call was cancelled"
        execution.tool_call_error = True
        raise
    except AgentRunException as exc:
        error = f"{type(exc).__name__}: {exc}"
        execution.result = str(exc)
        execution.tool_call_error = True
        steer(ctx, exc)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        # As in Agno (sync and async): the model, the tool message, the execution's result and
        # ToolCallError's error all get the exception's own message, nothing added.
        execution.result = str(exc)
        execution.tool_call_error = True
    finally:
        execution.metrics = ToolCallMetrics(
            tool_name=function.name,
            tool_call_id=call.id,
            duration=time.perf_counter() - start,
            error=error,
        )


def runs_concurrently(
    ctx: RunContext, functions: dict[str, Function], calls: list[ToolCall]
) -> bool:
    """Whether one response's tool calls run concurrently, as Agno runs them.

    Agno's async runs (``arun``) gather a response's tool calls (sync tools each in a worker
    thread); its sync runs (``run``) call them one after another. So: several calls, a run
    started by the async API, and no call to a tool marked not concurrent (`CONCURRENT_ATTR`).
    """
    if len(calls) < 2 or ctx.options.sync_api:
        return False
    for call in calls:
        function = functions.get(call.name)
        if function is not None and not getattr(function.entrypoint, CONCURRENT_ATTR, True):
            return False
    return True


def start_phase(function: Function | None) -> int:
    """When a call starts among the concurrent calls of one response, as Agno's ``arun`` does.

    0: plain tools (sync or async), gathered first; 1: async generator tools and event streams
    (a team's delegations), iterated concurrently once those are done; 2: sync generator
    tools, iterated one after another at the end. Unknown tools: 0 (nothing runs).
    """
    if function is None:
        return 0
    entry = function.entrypoint
    if getattr(entry, EVENT_STREAM_ATTR, None) is not None or inspect.isasyncgenfunction(entry):
        return 1
    if inspect.isgeneratorfunction(entry):
        return 2
    return 0


async def merge_steps(steps: list[AsyncGenerator[Any, None]]) -> AsyncGenerator[Any, None]:
    """Run ``steps`` concurrently, yielding their events as they come.

    The steps are async generators: the tool calls of one model response, or the member runs
    of a team's broadcast (`agno_core.team._delegation.run_members`).

    When the consumer stops early (a cancel, an error), every step still running is cancelled
    and awaited before this ends; a step's error is raised once every step is done.
    """
    queue: asyncio.Queue[Any] = asyncio.Queue()

    async def pump(step: AsyncGenerator[Any, None]) -> None:
        try:
            async with contextlib.aclosing(step) as events:
                async for event in events:
                    queue.put_nowait(event)
        finally:
            queue.put_nowait(_DONE)

    tasks = [asyncio.create_task(pump(step), name="agno-tool-call") for step in steps]
    try:
        running = len(tasks)
        while running:
            item = await queue.get()
            if item is _DONE:
                running -= 1
            else:
                yield item
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]


def in_call_order(items: list[Any], start: int, calls: list[ToolCall], id_of: Any) -> None:
    """Put ``items[start:]`` (tool executions or tool messages of concurrent calls, in the
    order they finished) back into the order of ``calls``."""
    order = {call.id: index for index, call in enumerate(calls)}
    tail = items[start:]
    tail.sort(key=lambda item: order.get(id_of(item), len(order)))
    items[start:] = tail
