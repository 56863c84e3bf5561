"""Searching past sessions (``search_past_sessions=True``), as Agno does it: the model gets
``search_past_sessions()`` (previews of the user's recent other sessions) and
``read_past_session(session_id)`` (one session's conversation)."""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from agno_core.models.message import Message
from agno_core.run._tools import EVENT_STREAM_ATTR
from agno_core.tools import Function

if TYPE_CHECKING:
    from agno_core.run._context import RunContext
    from agno_core.run._output import RunOutput, ToolExecution

__all__ = ["past_session_tools"]

DEFAULT_SESSIONS = 20
DEFAULT_RUNS_IN_PREVIEW = 3
PREVIEW_CHARS = 200


def search_past_sessions() -> str:  # pragma: no cover - runs through the engine
    """List the user's previous chat sessions with short previews. Use read_past_session to
    read the whole conversation of one of them.
    """
    raise RuntimeError("search_past_sessions runs through the engine")


def read_past_session(session_id: str, num_runs: int | None = None) -> str:  # pragma: no cover
    """Read the conversation of a previous session (find it with search_past_sessions first).

    Args:
        session_id: The session's id, from the search results.
        num_runs: Read at most this many runs (default: all).
    """
    raise RuntimeError("read_past_session runs through the engine")


@functools.cache
def past_session_tools() -> tuple[Function, Function]:
    """The two tools (one instance each per process)."""
    setattr(search_past_sessions, EVENT_STREAM_ATTR, _search)
    setattr(read_past_session, EVENT_STREAM_ATTR, _read)
    return Function.from_callable(search_past_sessions), Function.from_callable(read_past_session)


def _clip(text: str) -> str:
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "..."


def _first(messages: list[Message], role: str) -> str:
    return next((m.content for m in messages if m.role == role and m.content), "")


def _preview(runs: list[RunOutput]) -> list[dict[str, str]]:
    pairs = []
    for run in runs:
        user, assistant = _first(run.messages, "user"), _first(run.messages, "assistant")
        if user or assistant:
            pairs.append({"user": _clip(user), "assistant": _clip(assistant)})
    return pairs


async def _search(ctx: RunContext, execution: ToolExecution) -> AsyncIterator[Any]:
    db = ctx.db
    assert db is not None
    owner = ctx.owner
    limit = owner.num_past_sessions_to_search
    per_session = owner.num_past_session_runs_in_search
    sessions = await db.aget_sessions(
        session_type=owner.kind,
        user_id=ctx.output.user_id,
        limit=DEFAULT_SESSIONS if limit is None else limit,
        include_runs=False,  # each session's runs are read below, as many as shown
        exclude=ctx.output.session_id,
    )
    found = []
    for session in sessions:
        runs = await db.aget_session_runs(session.session_id)
        runs = runs[: DEFAULT_RUNS_IN_PREVIEW if per_session is None else per_session]
        if runs:
            found.append({"session_id": session.session_id, "runs": _preview(runs)})
    execution.result = json.dumps(found, ensure_ascii=False)
    return
    yield  # an async generator (the engine streams tool events from it)


async def _read(
    ctx: RunContext, execution: ToolExecution, session_id: Any = None, num_runs: Any = None
) -> AsyncIterator[Any]:
    db = ctx.db
    assert db is not None
    wanted = str(session_id)
    mine = await db.aget_sessions(
        session_type=ctx.owner.kind, user_id=ctx.output.user_id, include_runs=False
    )
    if wanted not in {s.session_id for s in mine}:
        execution.result = "Session not found."
        return
    runs = await db.aget_session_runs(wanted)
    if isinstance(num_runs, int):
        runs = runs[:num_runs]
    lines = [f"Session: {wanted}", ""]
    for run in runs:
        for message in run.messages:
            if (
                message.role in ("user", "assistant")
                and message.content
                and not message.from_history
            ):
                label = "User" if message.role == "user" else "Assistant"
                lines += [f"{label}: {message.content}", ""]
    execution.result = "\n".join(lines)
    return
    yield  # an async generator (the engine streams tool events from it)
