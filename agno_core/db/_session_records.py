"""The shapes a stored session is handed out in: Agno's session dict, or a session object.

Agno's ``db.get_session(..., deserialize=False)`` returns the session's row as a dict (with its
runs as a list of run dicts); with ``deserialize=True`` an ``AgentSession`` or ``TeamSession``
built from that dict. Both are made here, once, for every session read of the db.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, TypeAlias

from agno_core.exceptions import NotSupportedError
from agno_core.metrics import RunMetrics, SessionMetrics
from agno_core.session import AgentSession, TeamSession

__all__ = [
    "SUMMARY_KEY",
    "Session",
    "SessionType",
    "TeamSession",
    "as_session_type",
    "deserialize_session",
    "session_record",
]

# Where agno_core keeps a session's summary in its ``session_data`` (Agno: a column).
SUMMARY_KEY = "session_summary"


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


def _session_metrics(session_id: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Agno's ``session_data["session_metrics"]``: the usage summed over the session's top-level
    runs (computed from them when read, never stored: it cannot drift from the runs)."""
    metrics = SessionMetrics(session_id=session_id)
    for run in runs:
        if run.get("parent_run_id") is None and isinstance(run.get("metrics"), dict):
            metrics.add_run(RunMetrics.from_dict(run["metrics"]))
    return metrics.to_dict()


def session_record(row: Any, runs: list[dict[str, Any]] | None) -> dict[str, Any]:
    """A session row (with its ``updated_at``) and its run dicts as Agno's session dict."""
    data = dict(row.session_data) if isinstance(row.session_data, dict) else {}
    if runs is not None and "session_metrics" not in data:
        data["session_metrics"] = _session_metrics(row.session_id, runs)
    extra = row.extra if isinstance(row.extra, dict) else {}
    summary = data.get(SUMMARY_KEY)
    return {
        "session_id": row.session_id,
        "session_type": row.session_type,
        "agent_id": row.agent_id,
        "team_id": row.team_id,
        "workflow_id": None,
        "user_id": row.user_id,
        "session_data": data,
        "agent_data": extra.get("agent_data"),
        "team_data": extra.get("team_data"),
        "workflow_data": None,
        "metadata": extra.get("metadata"),
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
    session: Session | None = None
    if kind is SessionType.AGENT:
        session = AgentSession.from_dict(record)
    elif kind is SessionType.TEAM:
        session = TeamSession.from_dict(record)
    else:
        raise NotSupportedError(
            f"session {record['session_id']!r} cannot be read as a {kind.value} session: "
            "agno_core has no workflows (pass deserialize=False for the stored dict)"
        )
    assert session is not None  # a stored session always has its id
    return session
