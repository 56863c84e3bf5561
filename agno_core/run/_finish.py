"""Ending a run: its final status, duration and time to first token, its row and session state
stored, the run-end listeners told, its cancel intent cleared; and the partial answer a run
that stops early keeps."""

from __future__ import annotations

import logging
import time

from agno_core._session_state import final_state, save_session_state
from agno_core._session_summary import store_summary
from agno_core.models.message import Message
from agno_core.run import hooks
from agno_core.run._context import RunContext
from agno_core.run._persist import persist_final
from agno_core.run._registry import local_runs
from agno_core.run.base import RunStatus

__all__ = ["finish", "keep_partial_content"]

log = logging.getLogger("agno_core")


async def finish(
    ctx: RunContext, status: RunStatus, error: str | None, *, persist: bool = True
) -> None:
    """Give the run its final ``status`` (once: a run already ended is left alone) and store
    it, unless ``persist`` is False or its row is already final."""
    o = ctx.output
    if o.status.is_terminal or ctx.active.finished:
        return
    ctx.active.finished = True
    o.status = status
    o.error = error
    if status in (RunStatus.cancelled, RunStatus.error) and o.content is None and error:
        # As in Agno: a cancelled or failed run with nothing said yet carries the reason as its
        # content (partial content, when there is some, is kept instead: see
        # keep_partial_content); ``error`` has it too.
        o.content = error
    o.finished_at = time.time()
    if ctx.started_at:
        now = time.perf_counter()
        o.metrics.duration = now - ctx.started_at
        if ctx.first_token_at is not None:
            o.metrics.time_to_first_token = ctx.first_token_at - ctx.started_at
    db = ctx.db if ctx.store else None
    state = final_state(ctx) if ctx.options.public is not None else None
    if state is not None:
        o.session_state = state
    elif o.session_state is None and o.parent_run_id is None:
        o.session_state = {}  # as Agno: a run of a session without state has an empty one
    if db is not None and persist and not ctx.extra.get("row_final"):
        await persist_final(ctx, db)
        if state is not None:
            await save_session_state(ctx, db, state)
        await store_summary(ctx, db)
    if hooks._listeners and status is not RunStatus.paused:  # a paused run has not ended
        hooks.notify_run_end(o)
    if ctx.user_supplied_id or ctx.active.cancel_requested:
        local_runs.clear_intent(o.run_id)
        # Only an intent that was stored in the db is deleted from it.
        if db is not None and (ctx.extra.get("intent") or ctx.active.cancel_from_db):
            try:
                await db.aclear_cancel_intent(o.run_id)
            except Exception as exc:  # expired intents are purged later anyway
                log.warning("could not clear the cancel intent of run %s: %s", o.run_id, exc)


def keep_partial_content(ctx: RunContext) -> None:
    """A run that stops early keeps the text the model had produced so far, as its content
    and as the assistant message of the interrupted model call (so that history, with
    ``add_cancelled_runs_to_context``, shows what the model was saying)."""
    partial = ctx.extra.get("partial")
    if not partial:
        return
    text = "".join(partial)
    if ctx.output.content is None:
        ctx.output.content = text
    if not ctx.extra.get("partial_in_messages"):
        # The interrupted model call's answer was never appended to the messages.
        ctx.output.messages.append(Message(role="assistant", content=text))
