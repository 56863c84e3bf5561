"""Forking a session (Agno's ``fork_session`` of an agent or a team): a new session with a copy
of every run of the source, so the two conversations can diverge."""

from __future__ import annotations

import copy
import uuid
from typing import TYPE_CHECKING, Any, Protocol

from agno_core.run._output import TeamRunOutput

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb

__all__ = ["Forkable", "fork_session"]


class Forkable(Protocol):
    """What a fork reads of an agent or a team."""

    db: SqlDb | None
    session_id: str | None
    kind: str

    async def aget_session(
        self, session_id: str | None = None, user_id: str | None = None
    ) -> Any: ...


async def fork_session(
    owner: Forkable, *, source_session_id: str | None, user_id: str | None
) -> str:
    """Copy session ``source_session_id`` (default: the owner's) into a new session and return
    the new session's id.

    Every stored run is copied (a team's member runs too), with new run ids; a member run's
    ``parent_run_id`` names the copy of its team run, so the fork's team runs have their own
    member runs. The session's data (state, name, summary) is copied, with
    ``forked_from_session_id`` naming the source, as in Agno. With ``user_id``, the source must
    be that user's and the copy is theirs.

    Raises:
        ValueError: no session id given or set ("source_session_id is required to fork a
            session."), or no stored runs to copy: no db, no such session, or another user's
            ("Source session has no runs to fork."), Agno's messages.
    """
    sid = source_session_id or owner.session_id
    if sid is None:
        raise ValueError("source_session_id is required to fork a session.")
    db = owner.db
    source = await owner.aget_session(sid, user_id) if db is not None else None
    if db is None or source is None or not source.runs:
        raise ValueError("Source session has no runs to fork.")
    runs = await db.aget_session_runs(sid, top_level_only=False)
    new_session_id = str(uuid.uuid4())
    new_run_ids = {run.run_id: str(uuid.uuid4()) for run in runs}
    # Top-level runs first: the first one writes the new session's row (a member run never does).
    for run in sorted(runs, key=lambda r: r.parent_run_id is not None):
        copied = copy.deepcopy(run)
        copied.run_id = new_run_ids[run.run_id]
        copied.session_id = new_session_id
        if run.parent_run_id is not None:
            copied.parent_run_id = new_run_ids.get(run.parent_run_id, run.parent_run_id)
        if user_id is not None:
            copied.user_id = user_id
        if isinstance(copied, TeamRunOutput):
            copied.member_responses = []  # stored as runs of their own, copied above
        await db.ainsert_run(copied, status=copied.status, session_type=owner.kind, lease=False)
    data = copy.deepcopy(await db.aget_session_data(sid) or {})
    data["forked_from_session_id"] = sid
    await db.aupdate_session_data(new_session_id, **data)
    return new_session_id
