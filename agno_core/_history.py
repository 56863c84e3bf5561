"""Conversation history: what earlier runs of the session give a new run, and the chat
history users read back (``get_chat_history``)."""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from agno_core.models.message import Message
from agno_core.run.base import RunStatus
from agno_core.session._messages import HISTORY_SKIP_STATUSES, select_messages

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb
    from agno_core.run._context import RunContext, RunOwner

__all__ = [
    "HISTORY_SKIP_STATUSES",
    "chat_history",
    "close_tool_calls",
    "filter_tool_calls",
    "history",
    "messages_limit",
    "session_messages",
]

log = logging.getLogger("agno_core")

DEFAULT_HISTORY_RUNS = 3


def messages_limit(num_history_runs: int | None, num_history_messages: int | None) -> int | None:
    """The ``num_history_messages`` a runner keeps: none when ``num_history_runs`` is set too
    (Agno's rule: the runs limit wins, with a warning)."""
    if num_history_runs is not None and num_history_messages is not None:
        log.warning(
            "num_history_messages and num_history_runs cannot both be set: using num_history_runs"
        )
        return None
    return num_history_messages


def _uses_history(owner: RunOwner, ctx: RunContext) -> bool:
    wanted = ctx.options.add_history_to_context
    return owner.add_history_to_context if wanted is None else wanted


async def history(owner: RunOwner, ctx: RunContext) -> list[Message]:
    """The messages of earlier completed runs of the session, when history is on (and of
    cancelled runs with ``add_cancelled_runs_to_context``, their open tool calls closed).

    ``num_history_runs`` bounds the runs (3 when neither limit is set);
    ``num_history_messages`` bounds the messages instead (a tool result is never left without
    the call it answers); ``max_tool_calls_from_history`` keeps only the latest tool calls.
    """
    if ctx.db is None or not _uses_history(owner, ctx):
        return []
    max_messages = owner.num_history_messages
    max_runs = owner.num_history_runs
    if max_runs is None and max_messages is None:
        max_runs = DEFAULT_HISTORY_RUNS
    if max_runs is not None and max_runs <= 0:
        return []
    if max_messages is not None and max_runs is None and max_messages <= 0:
        return []
    member = ctx.parent is not None
    statuses: tuple[RunStatus, ...] = (RunStatus.completed,)
    if owner.add_cancelled_runs_to_context:
        statuses += (RunStatus.cancelled,)
    runs = await ctx.db.aget_session_runs(
        ctx.output.session_id,
        # Every run gives at least one message, so that many runs hold enough messages.
        limit=max_runs if max_runs is not None else max_messages,
        statuses=statuses,
        top_level_only=not member,
        agent_id=owner.id if member else None,
    )
    skip = {"system", owner.system_message_role}
    messages: list[Message] = []
    for run in runs:
        if run.run_id in ctx.options.exclude_history_runs:
            continue
        replayed = [m for m in run.messages if m.role not in skip and not m.from_history]
        if run.status is RunStatus.cancelled:
            replayed = close_tool_calls(replayed)
        for message in replayed:
            message.from_history = True
            messages.append(message)
    if max_messages is not None and max_runs is None:
        messages = messages[-max_messages:] if max_messages > 0 else []
        while messages and messages[0].role == "tool":
            messages.pop(0)
    if owner.max_tool_calls_from_history is not None:
        messages = filter_tool_calls(messages, owner.max_tool_calls_from_history)
    return messages


CANCELLED_TOOL_RESULT = '{"status": "cancelled"}'


def close_tool_calls(messages: list[Message]) -> list[Message]:
    """The messages with a ``{"status": "cancelled"}`` result after each tool call that has
    none (a run cancelled while its tools ran), so a provider accepts them as history."""
    answered = {m.tool_call_id for m in messages if m.role == "tool"}
    closed: list[Message] = []
    pending: list[Message] = []

    def flush() -> None:
        for call_message in pending:
            closed.extend(
                Message(role="tool", content=CANCELLED_TOOL_RESULT, tool_call_id=c.id, name=c.name)
                for c in call_message.tool_calls
                if c.id not in answered
            )
        pending.clear()

    for message in messages:
        if message.role != "tool":
            flush()
        closed.append(message)
        if message.role == "assistant" and message.tool_calls:
            pending.append(message)
    flush()
    return closed


def filter_tool_calls(messages: list[Message], keep: int) -> list[Message]:
    """The messages with only the latest ``keep`` tool calls (their calls and their results).

    An assistant message left with neither tool calls nor text is dropped.
    """
    results = [m for m in messages if m.role == "tool"]
    if len(results) <= keep:
        return messages
    kept_ids = {m.tool_call_id for m in results[len(results) - keep :]} if keep > 0 else set()
    filtered: list[Message] = []
    for message in messages:
        if message.role == "tool":
            if message.tool_call_id in kept_ids:
                filtered.append(message)
        elif message.role == "assistant" and message.tool_calls:
            calls = [c for c in message.tool_calls if c.id in kept_ids]
            if calls or message.content:
                trimmed = copy.copy(message)
                trimmed.tool_calls = calls
                filtered.append(trimmed)
        else:
            filtered.append(message)
    return filtered


async def chat_history(
    db: SqlDb, session_id: str, *, last_n_runs: int | None = None, agent_id: str | None = None
) -> list[Message]:
    """The user and assistant messages of a session's runs (any status), oldest first."""
    runs = await db.aget_session_runs(session_id, limit=last_n_runs, agent_id=agent_id)
    return [
        message
        for run in runs
        for message in run.messages
        if message.role in ("user", "assistant") and not message.from_history
    ]


async def session_messages(
    db: SqlDb,
    session_id: str,
    *,
    last_n_runs: int | None = None,
    limit: int | None = None,
    skip_roles: Sequence[str] | None = None,
    skip_statuses: Sequence[RunStatus] | None = None,
    skip_history_messages: bool = True,
) -> list[Message]:
    """A session's messages, as Agno's ``get_session_messages`` selects them.

    The system message comes once, first; ``limit`` keeps it and the latest ``limit - 1``
    other messages (never starting with a tool result); ``last_n_runs`` counts the latest runs.
    """
    if last_n_runs is not None and last_n_runs <= 0:
        return []
    skip = HISTORY_SKIP_STATUSES if skip_statuses is None else tuple(skip_statuses)
    runs = await db.aget_session_runs(
        session_id, limit=last_n_runs, statuses=[s for s in RunStatus if s not in skip]
    )
    return select_messages(
        runs, limit=limit, skip_roles=skip_roles, skip_history_messages=skip_history_messages
    )
