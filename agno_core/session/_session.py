"""`AgentSession` and `TeamSession`: a session's stored runs and state, read from the db."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields
from typing import Any

from agno_core.models.message import Message
from agno_core.run._output import RunOutput, TeamRunOutput, output_from_dict
from agno_core.run.base import RunStatus
from agno_core.session._messages import HISTORY_SKIP_STATUSES, select_messages, tool_call_dicts
from agno_core.session._summary import SessionSummary

__all__ = ["AgentSession", "TeamSession"]

log = logging.getLogger("agno_core")


class _SessionReads:
    """What both session kinds answer from their runs, as Agno's session objects do."""

    __slots__ = ()
    runs: list[RunOutput]

    def get_messages(
        self,
        agent_id: str | None = None,
        team_id: str | None = None,
        last_n_runs: int | None = None,
        limit: int | None = None,
        skip_roles: list[str] | None = None,
        skip_statuses: list[RunStatus] | None = None,
        skip_history_messages: bool = True,
    ) -> list[Message]:
        """The session's messages, chosen as Agno's ``session.get_messages`` chooses them.

        Args:
            agent_id, team_id: Only runs of this agent / team.
            last_n_runs: Only the latest runs (after the filters).
            limit: At most this many messages: the system message and the latest others.
            skip_roles: Leave out messages of these roles.
            skip_statuses: Leave out runs of these statuses (default: paused, cancelled,
                error).
            skip_history_messages: Leave out the history replayed into each run.
        """
        skip = HISTORY_SKIP_STATUSES if skip_statuses is None else tuple(skip_statuses)
        runs = [
            run
            for run in self.runs
            if run.parent_run_id is None
            and run.status not in skip
            and (agent_id is None or run.agent_id == agent_id)
            and (team_id is None or run.team_id == team_id)
        ]
        if last_n_runs is not None:
            if last_n_runs <= 0:
                return []
            runs = runs[-last_n_runs:]
        return select_messages(
            runs, limit=limit, skip_roles=skip_roles, skip_history_messages=skip_history_messages
        )

    def get_chat_history(self, last_n_runs: int | None = None) -> list[Message]:
        """The user and assistant messages of the session's runs (any status), oldest first."""
        return self.get_messages(
            skip_roles=["system", "tool"], skip_statuses=[], last_n_runs=last_n_runs
        )

    def get_tool_calls(self, num_calls: int | None = None) -> list[dict[str, Any]]:
        """The tool calls the model asked for, latest run first (OpenAI's shape)."""
        return tool_call_dicts(self.runs, num_calls)

    def to_dict(self, include_runs: bool = True) -> dict[str, Any]:
        """The session as a JSON-ready dict (its runs as run dicts, unless left out)."""
        names = [f.name for f in fields(self) if f.name != "runs"]  # type: ignore[arg-type]
        data: dict[str, Any] = {name: getattr(self, name) for name in names}
        if isinstance(data.get("summary"), SessionSummary):
            data["summary"] = data["summary"].to_dict()
        if include_runs:
            data["runs"] = [run.to_dict() for run in self.runs]
        return data


def _common(data: dict[str, Any], kind: str) -> dict[str, Any] | None:
    """The fields both kinds read from Agno's session dict; None without a ``session_id``."""
    if not data.get("session_id"):
        log.warning("%s.from_dict: the dict has no session_id: no session made", kind)
        return None
    summary = data.get("summary")
    session_data = data.get("session_data")
    return {
        "session_id": data["session_id"],
        "user_id": data.get("user_id"),
        "session_data": dict(session_data) if isinstance(session_data, dict) else {},
        "metadata": data.get("metadata"),
        "summary": SessionSummary.from_dict(summary) if isinstance(summary, dict) else summary,
        "created_at": _epoch(data.get("created_at")),
        "updated_at": _epoch(data.get("updated_at")),
    }


def _epoch(value: Any) -> int | None:
    """A stored time as whole Unix seconds (Agno's session times are ints)."""
    return None if value is None else int(value)


def _runs(data: dict[str, Any]) -> list[RunOutput]:
    """The run objects of the dict's ``runs`` (run dicts or run objects), oldest first."""
    return [
        run if isinstance(run, RunOutput) else output_from_dict(run)
        for run in data.get("runs") or ()
    ]


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


@dataclass(kw_only=True, slots=True)
class AgentSession(_SessionReads):
    """One session of an agent, as stored (a copy: changing it changes nothing stored).

    Attributes:
        session_id: The session's id.
        user_id: The user of its runs (the first run's).
        agent_id: The agent of its runs (the first run's).
        session_state: The stored session state.
        session_data: Everything stored with the session: ``session_state``, and
            ``session_name`` once named (`set_session_name`).
        runs: Its top-level runs, oldest first, whatever their status.
        team_id, workflow_id: None (Agno's fields: an agent's session).
        metadata, agent_data: Agno's fields; None unless the session was read with them.
        summary: The session's summary (`SessionSummary`), when it has one.
        created_at, updated_at: Unix times (seconds) of its first and last runs.
    """

    session_id: str
    user_id: str | None = None
    agent_id: str | None = None
    session_state: dict[str, Any] = field(default_factory=dict)
    session_data: dict[str, Any] = field(default_factory=dict)
    runs: list[RunOutput] = field(default_factory=list)
    team_id: str | None = None
    workflow_id: str | None = None
    # Descriptive (where the session was read from can fill them differently): not compared.
    metadata: dict[str, Any] | None = field(default=None, compare=False)
    agent_data: dict[str, Any] | None = field(default=None, compare=False)
    summary: Any = field(default=None, compare=False)
    created_at: int | None = field(default=None, compare=False)
    updated_at: int | None = field(default=None, compare=False)

    def get_run(self, run_id: str) -> RunOutput | None:
        """The session's run with that id, or None."""
        return next((r for r in self.runs if r.run_id == run_id), None)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AgentSession | None:
        """The session of Agno's session dict (``db.get_session(..., deserialize=False)``,
        `to_dict`), as Agno's ``AgentSession.from_dict``.

        ``runs`` may hold run dicts or run objects; member runs (``parent_run_id`` set) are
        left out. The session state is read from ``session_data["session_state"]``.

        Returns:
            The session, or None (with a warning) when the dict has no ``session_id``.
        """
        common = _common(data, cls.__name__)
        if common is None:
            return None
        state = common["session_data"].get("session_state")
        state = dict(state) if isinstance(state, dict) else {}
        common["session_data"]["session_state"] = state
        return cls(
            **common,
            agent_id=data.get("agent_id"),
            team_id=data.get("team_id"),
            workflow_id=data.get("workflow_id"),
            session_state=state,
            agent_data=data.get("agent_data"),
            runs=[run for run in _runs(data) if run.parent_run_id is None],
        )


@dataclass(kw_only=True)
class TeamSession(_SessionReads):
    """One session of a team, read back from its db (``team.get_session()``,
    ``db.get_session(session_id, SessionType.TEAM)``).

    Attributes:
        session_id: The session.
        team_id: The team whose session it is.
        user_id: The user of its first run.
        session_data: What is stored with the session: ``session_state`` when it has state,
            ``session_name`` once named.
        runs: The session's team runs, oldest first, each with its stored member runs in
            ``member_responses`` (``store_member_responses=True``).
        workflow_id: None (Agno's field: a team's session).
        team_data, metadata: Agno's fields: what `upsert_session` stored with the session
            (None otherwise).
        summary: The session's summary (`SessionSummary`), when it has one.
        created_at, updated_at: Unix times (whole seconds) of its creation and last change
            (its last run, or a later rename, new state or upsert).
    """

    session_id: str
    team_id: str | None = None
    user_id: str | None = None
    session_data: dict[str, Any] = field(default_factory=dict)
    runs: list[RunOutput] = field(default_factory=list)
    workflow_id: str | None = None
    team_data: dict[str, Any] | None = field(default=None, compare=False)
    metadata: dict[str, Any] | None = field(default=None, compare=False)
    summary: Any = field(default=None, compare=False)
    created_at: int | None = None
    updated_at: int | None = None

    @property
    def session_state(self) -> dict[str, Any] | None:
        """The session's stored state (None: it has none)."""
        state = self.session_data.get("session_state")
        return state if isinstance(state, dict) else None

    def get_run(self, run_id: str) -> RunOutput | None:
        """The session's team run with that id, or None."""
        return next((r for r in self.runs if r.run_id == run_id), None)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TeamSession | None:
        """The session of Agno's session dict (``db.get_session(..., deserialize=False)``,
        `to_dict`), as Agno's ``TeamSession.from_dict``.

        ``runs`` may hold run dicts or run objects; member runs (``parent_run_id`` set) are
        attached to their team run's ``member_responses``.

        Returns:
            The session, or None (with a warning) when the dict has no ``session_id``.
        """
        common = _common(data, cls.__name__)
        if common is None:
            return None
        return cls(
            **common,
            team_id=data.get("team_id"),
            workflow_id=data.get("workflow_id"),
            team_data=data.get("team_data"),
            runs=_with_members(_runs(data)),
        )
