"""Session state, as Agno has it: a dict kept with the session, given to tools as
``run_context.session_state``, resolved into ``{name}`` placeholders, stored back after each run.

Every run has a state (as in Agno): the session's stored state (a new session starts from the
agent's ``session_state``, or ``{}``) with the call's ``session_state=`` merged over it
(``overwrite_db_session_state``: the call's ``session_state=`` alone, as Agno's run-time state
replaces the stored one). So a tool can always write to
``run_context.session_state``, and a later run of the session sees what it wrote without passing
``session_state`` again. The keys ``current_user_id``, ``current_session_id`` and
``current_run_id`` are there during the run and never stored. The state is written back only
when it differs from what was read (a run that leaves it alone costs no write).

A member run of a team that has session state works on the team run's own state dict (shared, as
Agno shares it): it reads nothing from the db and stores nothing; the team run stores the state.
"""

from __future__ import annotations

import copy
import functools
import logging
from typing import TYPE_CHECKING, Any

from agno_core.run._context import public_context
from agno_core.run._options import RunContext as PublicContext
from agno_core.tools import Function

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb
    from agno_core.run._context import RunContext, RunOwner

__all__ = [
    "FRESH_SESSION",
    "final_state",
    "load_session_state",
    "save_session_state",
    "state_tool",
    "stored_session",
]

log = logging.getLogger("agno_core")

_TRANSIENT = ("current_user_id", "current_session_id", "current_run_id")
# ctx.extra key: the team run's state a member run works on.
_SHARED = "team_session_state"
_LOADED = "session_state_loaded"
# ctx.extra key: the stored form of the state as read at the start of the run.
_READ = "session_state_read"
# ctx.extra key: the run's session id was generated for it (nothing can be stored under it yet).
FRESH_SESSION = "fresh_session"


def _team_state(ctx: RunContext) -> dict[str, Any] | None:
    """The state of the team run a member run belongs to (None: no parent, or no state)."""
    parent = ctx.parent
    if parent is None or parent.options.public is None:
        return None
    return parent.options.public.session_state


def merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    """Merge ``other`` into ``into``, nested dicts key by key (``other`` wins)."""
    for key, value in other.items():
        if isinstance(into.get(key), dict) and isinstance(value, dict):
            merge(into[key], value)
        else:
            into[key] = value


async def load_session_state(owner: RunOwner, ctx: RunContext) -> None:
    """Put the run's session state into its `RunContext` (once per run)."""
    if ctx.extra.get(_LOADED):
        return
    ctx.extra[_LOADED] = True
    shared = _team_state(ctx)
    if shared is not None:
        # A member run: the team's state itself (the call's session_state= merged into it).
        merge(shared, copy.deepcopy(ctx.options.session_state or {}))
        public_context(ctx).session_state = shared
        ctx.extra[_SHARED] = shared
        return
    o = ctx.output
    stored = None
    if ctx.db is not None and not ctx.extra.get(FRESH_SESSION):
        stored = await ctx.db.aget_session_state(o.session_id)
    ctx.extra[_READ] = copy.deepcopy(stored) if stored is not None else None
    if owner.overwrite_db_session_state:
        # Agno: the call's session_state replaces the stored one (the defaults are not used).
        state = {}
    elif stored:
        state = stored
    else:
        state = copy.deepcopy(owner.session_state or {})
    merge(state, copy.deepcopy(ctx.options.session_state or {}))
    if o.user_id:
        state["current_user_id"] = o.user_id
    state["current_session_id"] = o.session_id
    state["current_run_id"] = o.run_id
    public_context(ctx).session_state = state


def stored_form(state: dict[str, Any]) -> dict[str, Any]:
    """The state without its run-time keys."""
    return {k: v for k, v in state.items() if k not in _TRANSIENT}


def final_state(ctx: RunContext) -> dict[str, Any] | None:
    """The run's session state as it is stored (None: the run has none, or it is a member run
    on its team's state, which the team run stores)."""
    public = ctx.options.public
    if public is None or public.session_state is None:
        return None
    shared = ctx.extra.get(_SHARED)
    if shared is not None:
        if public.session_state is not shared:
            # A member tool replaced the dict: its content becomes the team's state.
            replaced = public.session_state
            shared.clear()
            shared.update(replaced)
            public.session_state = shared
        return None
    return stored_form(public.session_state)


async def save_session_state(ctx: RunContext, db: SqlDb, state: dict[str, Any]) -> None:
    """Store the run's session state with its session (after the run's row is stored), unless
    it is what the run read (an empty state of a session that has none counts as unchanged)."""
    read = ctx.extra.get(_READ)
    if state == (read if read is not None else {}):
        return
    try:
        await db.aset_session_state(ctx.output.session_id, state)
    except Exception as exc:  # the answer stands; the state change is reported
        log.error("run %s: the session state could not be stored: %s", ctx.output.run_id, exc)


def update_session_state(run_context: PublicContext, session_state_updates: dict[str, Any]) -> str:
    """Update the shared session state. Give the updates as key-value pairs, e.g.
    {"shopping_list": ["milk", "eggs"]}.

    Args:
        session_state_updates: The keys to set and their new values.
    """
    if run_context.session_state is None:
        run_context.session_state = {}
    run_context.session_state.update(session_state_updates)
    return f"Updated session state: {stored_form(run_context.session_state)}"


@functools.cache
def state_tool() -> Function:
    """The ``update_session_state`` tool of ``enable_agentic_state`` (one per process)."""
    return Function.from_callable(update_session_state)


async def stored_session(ctx: RunContext) -> Any:
    """The run's session as stored before the run (None: no db, or not stored yet).

    The run's own row is left out of its runs: it may already be written (RUNNING; on
    PostgreSQL the insert runs concurrently with the run's first steps).
    """
    o = ctx.output
    if ctx.db is None or not o.session_id:
        return None
    session = await ctx.db.aget_session(o.session_id, ctx.owner.kind)
    if session is not None:
        session.runs = [run for run in session.runs or () if run.run_id != o.run_id]
    return session
