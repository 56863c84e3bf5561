"""Run outputs: what a run returns and what is stored for it."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from agno_core.metrics import RunMetrics
from agno_core.models.finish_reason import FinishReason
from agno_core.models.message import Message
from agno_core.run._input import RunInput
from agno_core.run._requirement import RunRequirement, link_requirements
from agno_core.run._tool_execution import ToolExecution, jsonable
from agno_core.run.base import RunStatus

__all__ = ["RunOutput", "TeamRunOutput", "ToolExecution", "agno_input", "output_from_dict"]

# The keys of Agno's ``RunInput.to_dict()`` (agno_core runs have no media).
_INPUT_KEYS = frozenset({"input_content", "images", "videos", "audios", "files"})


def _is_input_dict(value: Any) -> bool:
    return isinstance(value, dict) and "input_content" in value and value.keys() <= _INPUT_KEYS


def agno_input(value: Any) -> Any:
    """A run dict's ``input`` in Agno's form, ``{"input_content": ...}`` (None stays None).

    Runs stored by earlier agno_core versions kept the input itself there; it is wrapped.
    """
    if value is None or _is_input_dict(value):
        return value
    return {"input_content": value}


def _input_content(value: Any) -> Any:
    """The input itself, from a run dict's ``input`` in Agno's form or the older raw one."""
    return value["input_content"] if _is_input_dict(value) else value


def _finish_reason(value: Any) -> FinishReason | None:
    if value is None:
        return None
    try:
        return FinishReason(value)
    except ValueError:
        return FinishReason.UNKNOWN


@dataclass(kw_only=True, slots=True)
class RunOutput:
    """The result of an agent run, as returned by ``arun()`` and read back from the db.

    Attributes:
        run_id: The run's id.
        session_id: Its session.
        status: Where the run is (`RunStatus`).
        content: The answer: a string, or a validated `output_schema` instance (a dict when
            read back from the db; ``Schema.model_validate(content)`` accepts it).
        content_type: ``"str"`` or the output schema's class name.
        input: The user's input, as a `RunInput` (``run.input.input_content``), as in Agno; a
            raw value given here is wrapped in one.
        messages: The conversation sent to and received from the model.
        metrics: What the run cost (`RunMetrics`).
        tools: The tool calls made.
        error: Why the run ended with status error (or cancelled), else None.
        agent_id, agent_name, user_id: Who ran it.
        parent_run_id: For a team member's run, the team run.
        model, model_provider: The model used.
        created_at, started_at, finished_at: Unix times.
        session_state: The session state at the end of the run (when the run used one).
        metadata: The run's metadata (the agent's, updated by ``arun(metadata=)``).
        followups: Follow-up prompts suggested after the answer (``Agent(followups=True)``).
        finish_reason: Why the model stopped on the run's last model call (`FinishReason`:
            ``LENGTH`` when the answer was cut at the output token limit).
        model_provider_data: Provider details of the run's last model call:
            ``"native_finish_reason"``, the provider's own finish reason.
        events: The run's error event when it ended in error (``RunErrorEvent``, with its
            ``error_type``); not stored.
        requirements: What a paused run waits for (`RunRequirement`, one per paused tool
            call; resolved ones stay listed). ``active_requirements`` are the unresolved ones.
    """

    run_id: str
    session_id: str
    status: RunStatus = RunStatus.pending
    content: Any = None
    content_type: str = "str"
    input: RunInput | None = None
    messages: list[Message] = field(default_factory=list)
    metrics: RunMetrics = field(default_factory=RunMetrics)
    tools: list[ToolExecution] = field(default_factory=list)
    error: str | None = None
    agent_id: str | None = None
    agent_name: str | None = None
    user_id: str | None = None
    parent_run_id: str | None = None
    team_id: str | None = None
    model: str | None = None
    model_provider: str | None = None
    created_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    session_state: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    followups: list[str] | None = None
    finish_reason: FinishReason | None = None
    model_provider_data: dict[str, Any] | None = None
    events: list[Any] | None = None
    requirements: list[RunRequirement] | None = None

    def __post_init__(self) -> None:
        if self.input is not None and not isinstance(self.input, RunInput):
            self.input = RunInput(input_content=self.input)

    # Agno's fields for media, citations and reasoning, which agno_core runs never produce
    # (text in, text or structured output out): always None, so code that checks them works.
    images = property(lambda self: None, doc="Always None (no media in agno_core runs).")
    videos = property(lambda self: None, doc="Always None (no media in agno_core runs).")
    audio = property(lambda self: None, doc="Always None (no media in agno_core runs).")
    response_audio = property(lambda self: None, doc="Always None (no media).")
    files = property(lambda self: None, doc="Always None (no media in agno_core runs).")
    citations = property(lambda self: None, doc="Always None (no citations).")
    references = property(lambda self: None, doc="Always None (no knowledge base).")
    reasoning_content = property(lambda self: None, doc="Always None (no reasoning).")
    reasoning_steps = property(lambda self: None, doc="Always None (no reasoning).")
    reasoning_messages = property(lambda self: None, doc="Always None (no reasoning).")
    workflow_id = property(lambda self: None, doc="Always None (no workflows).")

    @property
    def input_content(self) -> Any:
        """The user's input itself (``input.input_content``; None without input)."""
        return self.input.input_content if self.input is not None else None

    @property
    def is_team(self) -> bool:
        return False

    @property
    def is_paused(self) -> bool:
        """True while the run waits for the user (human in the loop)."""
        return self.status is RunStatus.paused

    @property
    def is_cancelled(self) -> bool:
        """Whether the run ended CANCELLED."""
        return self.status is RunStatus.cancelled

    @property
    def active_requirements(self) -> list[RunRequirement]:
        """The requirements not resolved yet."""
        return [r for r in self.requirements or () if not r.is_resolved()]

    @property
    def tools_requiring_confirmation(self) -> list[ToolExecution]:
        return [t for t in self.tools if t.requires_confirmation]

    @property
    def tools_requiring_user_input(self) -> list[ToolExecution]:
        return [t for t in self.tools if t.requires_user_input]

    @property
    def tools_awaiting_external_execution(self) -> list[ToolExecution]:
        return [t for t in self.tools if t.external_execution_required]

    def to_json(self, separators: tuple[str, str] = (", ", ": "), indent: int | None = 2) -> str:
        """`to_dict` as a JSON string (``indent=None``: on one line)."""
        return json.dumps(self.to_dict(), indent=indent, separators=separators)

    def get_content_as_string(self, **kwargs: Any) -> str:
        """The content as text (structured content as JSON, the same live and read back from
        the db); ``kwargs`` go to ``json.dumps`` (``indent=2``, ...), as Agno's do."""
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return json.dumps(jsonable(self.content), **kwargs)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the whole output (what the db stores)."""
        return {
            "kind": "team" if self.is_team else "agent",
            "run_id": self.run_id,
            "session_id": self.session_id,
            "status": self.status.value,
            "content": jsonable(self.content),
            "content_type": self.content_type,
            # Agno's ``RunInput.to_dict()``: ``run_dict["input"]["input_content"]``.
            "input": (
                {"input_content": jsonable(self.input.input_content)}
                if self.input is not None
                else None
            ),
            "messages": [m.to_dict() for m in self.messages],
            "metrics": self.metrics.to_dict(),
            "tools": [t.to_dict() for t in self.tools],
            "error": self.error,
            "agent_id": self.agent_id,
            "agent_name": self.agent_name,
            "user_id": self.user_id,
            "parent_run_id": self.parent_run_id,
            "team_id": self.team_id,
            "model": self.model,
            "model_provider": self.model_provider,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "session_state": self.session_state,
            "metadata": jsonable(self.metadata),
            "followups": self.followups,
            "finish_reason": self.finish_reason.value if self.finish_reason else None,
            "model_provider_data": self.model_provider_data,
            **(
                {"requirements": [r.to_dict() for r in self.requirements]}
                if self.requirements
                else {}
            ),
        }

    def own_dict(self) -> dict[str, Any]:
        """`to_dict` without the member runs (stored as rows of their own, if at all)."""
        return self.to_dict()

    @classmethod
    def _kwargs_from_dict(cls, data: dict[str, Any]) -> dict[str, Any]:
        tools = [ToolExecution.from_dict(t) for t in data.get("tools") or ()]
        stored = data.get("requirements")
        requirements = (
            link_requirements((RunRequirement.from_dict(r) for r in stored), tools)
            if stored
            else None
        )
        return {
            "run_id": data["run_id"],
            "session_id": data.get("session_id") or "",
            "status": RunStatus(data.get("status") or RunStatus.running),
            "content": data.get("content"),
            "content_type": data.get("content_type") or "str",
            "input": _input_content(data.get("input")),
            "messages": [Message.from_dict(m) for m in data.get("messages") or ()],
            "metrics": RunMetrics.from_dict(data.get("metrics")),
            "tools": tools,
            "requirements": requirements,
            "error": data.get("error"),
            "agent_id": data.get("agent_id"),
            "agent_name": data.get("agent_name"),
            "user_id": data.get("user_id"),
            "parent_run_id": data.get("parent_run_id"),
            "team_id": data.get("team_id"),
            "model": data.get("model"),
            "model_provider": data.get("model_provider"),
            "created_at": data.get("created_at") or 0.0,
            "started_at": data.get("started_at"),
            "finished_at": data.get("finished_at"),
            "session_state": data.get("session_state"),
            "metadata": data.get("metadata"),
            "followups": data.get("followups"),
            "finish_reason": _finish_reason(data.get("finish_reason")),
            "model_provider_data": data.get("model_provider_data"),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunOutput:
        return cls(**cls._kwargs_from_dict(data))


@dataclass(kw_only=True, slots=True)
class TeamRunOutput(RunOutput):
    """The result of a team run.

    Attributes:
        team_name: The team's name.
        member_responses: The members' runs (each with its own metrics), in the order they ran.
            Read back from the db only when the team has ``store_member_responses=True``.
    """

    team_name: str | None = None
    member_responses: list[RunOutput] = field(default_factory=list)

    @property
    def is_team(self) -> bool:
        return True

    def to_dict(self) -> dict[str, Any]:
        data = self.own_dict()
        data["member_responses"] = [m.to_dict() for m in self.member_responses]
        return data

    def own_dict(self) -> dict[str, Any]:
        data = RunOutput.to_dict(self)
        data["team_name"] = self.team_name
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TeamRunOutput:
        kwargs = cls._kwargs_from_dict(data)
        return cls(
            **kwargs,
            team_name=data.get("team_name"),
            member_responses=[output_from_dict(m) for m in data.get("member_responses") or ()],
        )


def output_from_dict(data: dict[str, Any]) -> RunOutput:
    """Rebuild a `RunOutput` or `TeamRunOutput` from `to_dict()` data."""
    if data.get("kind") == "team":
        return TeamRunOutput.from_dict(data)
    return RunOutput.from_dict(data)
