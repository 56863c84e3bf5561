"""Pre-, model and post-hooks of a run (Agno's ``pre_hooks=``, ``model_hooks=``, ``post_hooks=``).

A hook is a function (sync or async) called with the arguments it declares by name, out of:
``run_input`` (pre-hooks), ``run_messages`` (model hooks) or ``run_output`` (post-hooks),
``run_context``, ``agent`` (or ``team``), ``session`` (the run's `AgentSession` /
`TeamSession`: the stored one, else a new one, read only for a hook that declares it),
``user_id``, ``metadata`` and ``debug_mode``; a ``**kwargs`` hook gets them all. Pre-hooks run
before the context is built, so a change to ``run_input.input_content`` or to
``run_context.session_state`` is what the model sees; model
hooks run once the context is built, before the first model call, and what they leave in
``run_messages.messages`` is what the model is sent; post-hooks run once the answer is final,
before the run is stored. A hook raising `InputCheckError` or `OutputCheckError` stops the run
(it ends ERROR with the message as its content); any other exception is logged and the run goes
on, as in Agno. With ``stream_events`` each pre- and post-hook is framed by its started and
completed events (``PreHookStarted``, ``PreHookCompleted``, ...), as in Agno; a hook that failed
has no completed event.

A guardrail (`agno_core.guardrails.BaseGuardrail`) in a hook list stands for its ``check``
method in a run started by the sync API (``run``) and its ``async_check`` in one started by
``arun``; the events name the method, as Agno's do. (Agno picks the method on an agent's first
run and keeps it for later runs of either kind; here each run picks its own.)
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import AsyncGenerator, Callable, Sequence
from typing import Any

from agno_core._session_state import load_session_state, stored_session
from agno_core.exceptions import InputCheckError, OutputCheckError, RunCancelledException
from agno_core.guardrails._base import BaseGuardrail
from agno_core.models.message import Message
from agno_core.run import _events as ev
from agno_core.run._context import RunContext, public_context
from agno_core.run._event_factory import make_event
from agno_core.run._input import RunInput
from agno_core.run.messages import RunMessages

__all__ = ["call_hook", "run_model_hooks", "run_post_hooks", "run_pre_hooks"]

log = logging.getLogger("agno_core")


def _hook_name(hook: Callable[..., Any]) -> str:
    return getattr(hook, "__name__", type(hook).__name__)


def _callable_of(hook: Any, sync_api: bool) -> Callable[..., Any]:
    """What to call for ``hook``: a guardrail's check for this kind of run, else the hook."""
    if isinstance(hook, BaseGuardrail):
        return hook.check if sync_api else hook.async_check
    return hook  # type: ignore[no-any-return]  # anything else fails (logged) when called


def _declares(target: Callable[..., Any], name: str) -> bool:
    try:
        params = inspect.signature(target).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


async def _session_of(ctx: RunContext) -> Any:
    """The run's session as Agno gives it to hooks: the stored one (with the run's current
    state), else a new one carrying the run's ids."""
    from agno_core.session import AgentSession, TeamSession

    o = ctx.output
    owner = ctx.owner
    session: Any = await stored_session(ctx)
    if session is None:
        owner_id = getattr(owner, "id", None)
        if owner.kind == "team":
            session = TeamSession(session_id=o.session_id, team_id=owner_id, user_id=o.user_id)
        else:
            session = AgentSession(session_id=o.session_id, agent_id=owner_id, user_id=o.user_id)
    state = public_context(ctx).session_state
    if state is not None:
        session.session_data["session_state"] = state
        if isinstance(session, AgentSession):
            session.session_state = state
    return session


async def call_hook(target: Callable[..., Any], available: dict[str, Any]) -> Any:
    """Call ``target`` with the arguments of ``available`` it declares (all for ``**kwargs``)."""
    params = inspect.signature(target).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        kwargs = dict(available)
    else:
        kwargs = {name: value for name, value in available.items() if name in params}
    if inspect.iscoroutinefunction(target):
        return await target(**kwargs)
    # A sync hook runs in a worker thread, so it may call the sync API (``agent.run()``) of
    # another agent, as Agno's examples do.
    result = await asyncio.to_thread(target, **kwargs)
    if inspect.isawaitable(result):
        result = await result
    return result


def _common_args(ctx: RunContext) -> dict[str, Any]:
    owner = ctx.owner
    public = public_context(ctx)
    return {
        "run_context": public,
        owner.kind: owner,
        "user_id": ctx.output.user_id,
        "metadata": public.metadata,
        "debug_mode": bool(getattr(owner, "debug_mode", False)),
    }


async def _run_all(
    ctx: RunContext, hooks: Sequence[Callable[..., Any]], available: dict[str, Any], stage: str
) -> AsyncGenerator[ev.BaseRunEvent, None]:
    """Call each hook in turn: a failed check stops the run, any other error is logged.

    Yields each pre- or post-hook's started and completed events when the run streams events.
    """
    announce = ctx.stream_events and stage in _STAGE_EVENTS
    for number, hook in enumerate(hooks, 1):
        target = _callable_of(hook, ctx.options.sync_api)
        name = _hook_name(target)
        if announce:
            yield _hook_event(ctx, stage, "started", name, available)
        try:
            if "session" not in available and _declares(target, "session"):
                available["session"] = await _session_of(ctx)
            await call_hook(target, available)
        except (InputCheckError, OutputCheckError) as exc:
            _refused(ctx, exc)
            raise
        except RunCancelledException:
            raise  # the run ends CANCELLED (see `agno_core.run.cancel.raise_if_cancelled`)
        except Exception as exc:
            log.warning("%s-hook #%d (%s) failed: %s", stage, number, name, exc)
            continue  # as in Agno: a failed hook has no completed event
        if announce:
            yield _hook_event(ctx, stage, "completed", name, available)


_STAGE_EVENTS: dict[str, tuple[type[ev.BaseRunEvent], type[ev.BaseRunEvent]]] = {
    "pre": (ev.PreHookStartedEvent, ev.PreHookCompletedEvent),
    "post": (ev.PostHookStartedEvent, ev.PostHookCompletedEvent),
}


def _hook_event(
    ctx: RunContext, stage: str, moment: str, name: str, available: dict[str, Any]
) -> ev.BaseRunEvent:
    started, completed = _STAGE_EVENTS[stage]
    cls = started if moment == "started" else completed
    fields: dict[str, Any] = {f"{stage}_hook_name": name}
    if stage == "pre":
        fields["run_input"] = available["run_input"]
    event: ev.BaseRunEvent = make_event(ctx, cls, f"{stage}_hook_{moment}", **fields)
    return event


async def run_pre_hooks(
    ctx: RunContext, hooks: Sequence[Callable[..., Any]]
) -> AsyncGenerator[ev.BaseRunEvent, None]:
    """Run the pre-hooks; a replaced ``run_input.input_content`` becomes the run's input."""
    await load_session_state(ctx.owner, ctx)  # hooks see the run's state
    run_input = RunInput(input_content=ctx.output.input_content)
    available = {"run_input": run_input, **_common_args(ctx)}
    async with contextlib.aclosing(_run_all(ctx, hooks, available, "pre")) as events:
        async for event in events:
            yield event
    ctx.output.input = RunInput(input_content=run_input.input_content)


async def run_model_hooks(
    ctx: RunContext, hooks: Sequence[Callable[..., Any]], messages: list[Message]
) -> list[Message]:
    """Run the model hooks on the built context; returns the messages the model is to get."""
    extras = len(getattr(ctx.owner, "additional_input", None) or ())
    first = messages[0] if messages else None
    system = first if first is not None and first.role in ("system", "developer") else None
    start = 1 if system is not None else 0
    run_messages = RunMessages(
        messages=messages,
        system_message=system,
        user_message=messages[-1] if messages and messages[-1].role == "user" else None,
        extra_messages=messages[start : start + extras] if extras else None,
    )
    available = {"run_messages": run_messages, **_common_args(ctx)}
    async for _ in _run_all(ctx, hooks, available, "model"):  # model hooks have no events
        pass
    return list(run_messages.messages)


async def run_post_hooks(
    ctx: RunContext, hooks: Sequence[Callable[..., Any]]
) -> AsyncGenerator[ev.BaseRunEvent, None]:
    """Run the post-hooks on the run's final output."""
    available = {"run_output": ctx.output, **_common_args(ctx)}
    async with contextlib.aclosing(_run_all(ctx, hooks, available, "post")) as events:
        async for event in events:
            yield event


def _refused(ctx: RunContext, exc: InputCheckError | OutputCheckError) -> None:
    log.info("run %s refused by a hook (%s): %s", ctx.output.run_id, exc.check_trigger, exc)
    if ctx.output.content is None:
        ctx.output.content = str(exc)
