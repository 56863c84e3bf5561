"""Making, storing and reading session summaries (``enable_session_summaries``,
``add_session_summary_to_context``, ``get_session_summary``); the manager and the summary
call are `agno_core.session.summary`'s."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from agno_core._history import session_messages
from agno_core.models._complete import count_call
from agno_core.session.summary import SessionSummary, SessionSummaryManager

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb
    from agno_core.run._context import RunContext

__all__ = [
    "read_summary",
    "store_summary",
    "summary_section",
    "update_session_summary",
    "uses_summary",
]

log = logging.getLogger("agno_core")

_KEY = "session_summary"


def _manager(owner: Any) -> SessionSummaryManager:
    manager = getattr(owner, "session_summary_manager", None)
    return manager if manager is not None else SessionSummaryManager()


async def update_session_summary(ctx: RunContext) -> SessionSummary | None:
    """Summarise the run's session, this run included, and store the summary with it; returns
    the new summary.

    A failed summary call is logged and leaves the stored summary as it was (None is
    returned); the run stands.
    """
    db = ctx.db
    if db is None:
        return None
    o = ctx.output
    manager = _manager(ctx.owner)
    model = manager.resolved_model() or ctx.model
    try:
        earlier = await session_messages(
            db,
            o.session_id,
            last_n_runs=manager.last_n_runs - 1 if manager.last_n_runs else None,
            skip_roles=("system",),
        )
        own = [m for m in o.messages if not m.from_history and m.role != "system"]
        conversation = earlier + own
        if manager.conversation_limit is not None:
            conversation = conversation[-manager.conversation_limit :]
        summary, result = await manager.asummarize(conversation, model)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # the answer stands
        log.warning("run %s: the session summary failed: %s", o.run_id, exc)
        return None
    if result is not None:
        count_call(o.metrics, model, result, "session_summary_model")
    if summary is not None:
        # Stored by `store_summary` once the run's row (and so its session's) is written.
        ctx.extra[_KEY] = summary.to_dict()
    return summary


async def store_summary(ctx: RunContext, db: SqlDb) -> None:
    """Store the summary the run made, if any, with its session."""
    summary = ctx.extra.pop(_KEY, None)
    if summary is None:
        return
    try:
        await db.aupdate_session_data(ctx.output.session_id, **{_KEY: summary})
    except Exception as exc:  # the answer stands
        log.warning("run %s: the session summary could not be stored: %s", ctx.output.run_id, exc)


async def read_summary(db: SqlDb, session_id: str) -> SessionSummary | None:
    """The session's stored summary (None: none yet)."""
    data = await db.aget_session_data(session_id)
    stored = data.get(_KEY) if data else None
    return SessionSummary.from_dict(stored) if isinstance(stored, dict) else None


def uses_summary(owner: Any) -> bool:
    """Whether the system message carries the session summary (Agno's default: when
    summaries are made or a manager is given)."""
    wanted = getattr(owner, "add_session_summary_to_context", None)
    if wanted is None:
        return bool(
            getattr(owner, "enable_session_summaries", False)
            or getattr(owner, "session_summary_manager", None) is not None
        )
    return bool(wanted)


async def summary_section(ctx: RunContext) -> str | None:
    """The system message's block with the session's summary (None: no summary)."""
    if ctx.db is None:
        return None
    summary = await read_summary(ctx.db, ctx.output.session_id)
    if summary is None:
        return None
    return (  # Agno's words
        "Here is a brief summary of your previous interactions:\n\n"
        f"<summary_of_previous_interactions>\n{summary.summary}\n"
        "</summary_of_previous_interactions>\n\n"
        "Note: this information is from previous interactions and may be outdated. You should "
        "ALWAYS prefer information from this conversation over the past summary.\n\n"
    )
