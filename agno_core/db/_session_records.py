"""The shapes a stored session is handed out in: Agno's session dict, or a session object.

Agno's ``db.get_session(..., deserialize=False)`` returns the session's row as a dict (with its
runs as a list of run dicts); with ``deserialize=True`` an ``AgentSession`` or ``TeamSession``
built from that dict. Both are made here, once, for every session read of the db.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, TypeAlias

from agno_core.exceptions import NotSupportedError
from agno_core.run._output import RunOutput, TeamRunOutput, output_from_dict
from agno_core.session import AgentSession, TeamSession
from agno_core.session.summary import SessionSummary

__all__ = [
    "Session",
    "SessionType",
    "TeamSession",
    "as_session_type",
    "deserialize_session",
    "session_record",
]

# Where agno_core keeps a session's summary in its ``session_data`` (Agno: a column).
_SUMMARY_KEY = "session_summary"


class SessionType(str, Enum):
    """The kind of a stored session, as Agno's ``agno.db.base.SessionType``."""

    AGENT = "agent"
    TEAM = "team"
    WORKFLOW = "workflow"


Session: TypeAlias = AgentSession | TeamSession


def as_session_type(value: SessionType | str | None) -> SessionType | None:
    """``value`` as a `SessionType` (``"agent"`` is accepted for ``SessionType.AGENT``).

    Raises:
        ValueError: not a session type.
    """
    if value is None or isinstance(value, SessionType):
        return value
    try:
        return SessionType(value)
    except ValueError:
        known = ", ".join(repr(kind.value) for kind in SessionType)
        raise ValueError(f"session_type must be one of {known}, not {value!r}") from None


def session_record(row: Any, runs: list[dict[str, Any]] | None) -> dict[str, Any]:
    """A session row (with its ``updated_at``) and its run dicts as Agno's session dict."""
    data = dict(row.session_data) if isinstance(row.session_data, dict) else {}
    summary = data.get(_SUMMARY_KEY)
    return {
        "session_id": row.session_id,
        "session_type": row.session_type,
        "agent_id": row.agent_id,
        "team_id": row.team_id,
        "workflow_id": None,
        "user_id": row.user_id,
        "session_data": data,
        "agent_data": None,
        "team_data": None,
        "workflow_data": None,
        "metadata": None,
        "runs": runs,
        "summary": summary if isinstance(summary, dict) else None,
        "created_at": int(row.created_at),
        "updated_at": int(row.updated_at),
    }


def deserialize_session(kind: SessionType | None, record: dict[str, Any]) -> Session:
    """The session object of an Agno session dict: ``kind``'s, or the stored kind's.

    Raises:
        NotSupportedError: a workflow session (agno_core has no workflows).
    """
    kind = kind or SessionType(record["session_type"])
    runs = [output_from_dict(run) for run in record["runs"] or ()]
    data = record["session_data"]
    if kind is SessionType.AGENT:
        state = data.get("session_state")
        state = dict(state) if isinstance(state, dict) else {}
        return AgentSession(
            session_id=record["session_id"],
            user_id=record["user_id"],
            agent_id=record["agent_id"],
            session_state=state,
            session_data={**data, "session_state": state},
            runs=[run for run in runs if run.parent_run_id is None],
            summary=_summary(record.get("summary")),
            created_at=int(record["created_at"]),
            updated_at=int(record["updated_at"]),
        )
    if kind is SessionType.TEAM:
        top = _with_members(runs)
        first = top[0] if top else None
        return TeamSession(
            session_id=record["session_id"],
            team_id=record["team_id"],
            user_id=record["user_id"],
            session_data=data,
            runs=top,
            created_at=first.created_at if first else float(record["created_at"]),
            updated_at=max(
                (r.finished_at or r.created_at for r in runs),
                default=float(record["updated_at"]),
            ),
        )
    raise NotSupportedError(
        f"session {record['session_id']!r} cannot be read as a {kind.value} session: agno_core "
        "has no workflows (pass deserialize=False for the stored dict)"
    )


def _summary(value: Any) -> SessionSummary | None:
    return SessionSummary.from_dict(value) if isinstance(value, dict) else None


def _with_members(runs: list[RunOutput]) -> list[RunOutput]:
    """The top-level runs, each team run with its member runs (nested teams' too) attached."""
    children: dict[str, list[RunOutput]] = {}
    for run in runs:
        if run.parent_run_id is not None:
            children.setdefault(run.parent_run_id, []).append(run)
    for run in runs:
        if isinstance(run, TeamRunOutput) and not run.member_responses:
            run.member_responses = children.get(run.run_id, [])
    return [run for run in runs if run.parent_run_id is None]
