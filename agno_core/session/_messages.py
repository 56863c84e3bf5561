"""Choosing a session's messages from its runs, as Agno's ``session.get_messages`` does: shared
by the session objects and by the agent's ``get_session_messages`` (which reads the runs from
the db)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from agno_core.models.message import Message
from agno_core.run._output import RunOutput
from agno_core.run.base import RunStatus

__all__ = ["HISTORY_SKIP_STATUSES", "select_messages", "tool_call_dicts"]

# Runs whose messages are no history by default: paused, cancelled, failed (Agno's).
HISTORY_SKIP_STATUSES = (RunStatus.paused, RunStatus.cancelled, RunStatus.error)


def select_messages(
    runs: Iterable[RunOutput],
    *,
    limit: int | None = None,
    skip_roles: Sequence[str] | None = None,
    skip_history_messages: bool = True,
) -> list[Message]:
    """The messages of ``runs`` (already filtered and cut to the latest runs wanted).

    The system message comes once, first; ``limit`` keeps it and the latest ``limit - 1``
    other messages (never starting with a tool result).
    """
    system: Message | None = None
    others: list[Message] = []
    for run in runs:
        for message in run.messages:
            if (skip_history_messages and message.from_history) or (
                skip_roles and message.role in skip_roles
            ):
                continue
            if message.role == "system":
                system = system or message
            else:
                others.append(message)
    if limit is not None:
        keep = limit - 1 if system is not None else limit
        others = others[-keep:] if keep > 0 else []
        while others and others[0].role == "tool":
            others.pop(0)
    return ([system] if system is not None and (limit is None or limit > 0) else []) + others


def tool_call_dicts(runs: Sequence[RunOutput], num_calls: int | None) -> list[dict[str, Any]]:
    """The tool calls the model asked for in ``runs``, latest run first, in OpenAI's shape."""
    calls: list[dict[str, Any]] = []
    for run in reversed(runs):
        for message in run.messages:
            for call in message.tool_calls:
                calls.append(
                    {
                        "id": call.id,
                        "type": "function",
                        "function": {"name": call.name, "arguments": call.arguments},
                    }
                )
                if num_calls and len(calls) >= num_calls:
                    return calls
    return calls
