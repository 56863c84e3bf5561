"""Typed run events, shared by agent and team runs."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from agno_core.metrics import RunMetrics

if TYPE_CHECKING:
    from agno_core.run._input import RunInput
    from agno_core.run._output import RunOutput, ToolExecution
    from agno_core.run._requirement import RunRequirement

__all__ = [
    "BaseRunEvent",
    "FollowupsCompletedEvent",
    "FollowupsStartedEvent",
    "MemoryUpdateCompletedEvent",
    "MemoryUpdateStartedEvent",
    "ModelRequestCompletedEvent",
    "ModelRequestStartedEvent",
    "PostHookCompletedEvent",
    "PostHookStartedEvent",
    "PreHookCompletedEvent",
    "PreHookStartedEvent",
    "RunCancelledEvent",
    "RunCompletedEvent",
    "RunContentCompletedEvent",
    "RunContentEvent",
    "RunContinuedEvent",
    "RunErrorEvent",
    "RunEvent",
    "RunPausedEvent",
    "RunStartedEvent",
    "SessionSummaryCompletedEvent",
    "SessionSummaryStartedEvent",
    "TeamRunEvent",
    "ToolCallArgsDeltaEvent",
    "ToolCallCompletedEvent",
    "ToolCallErrorEvent",
    "ToolCallStartedEvent",
]


class RunEvent(str, Enum):
    """Names of the events an agent run emits."""

    run_started = "RunStarted"
    run_content = "RunContent"
    run_content_completed = "RunContentCompleted"
    run_completed = "RunCompleted"
    run_error = "RunError"
    run_cancelled = "RunCancelled"
    run_paused = "RunPaused"
    run_continued = "RunContinued"
    pre_hook_started = "PreHookStarted"
    pre_hook_completed = "PreHookCompleted"
    post_hook_started = "PostHookStarted"
    post_hook_completed = "PostHookCompleted"
    tool_call_started = "ToolCallStarted"
    tool_call_completed = "ToolCallCompleted"
    tool_call_error = "ToolCallError"
    tool_call_args_delta = "ToolCallArgsDelta"
    memory_update_started = "MemoryUpdateStarted"
    memory_update_completed = "MemoryUpdateCompleted"
    followups_started = "FollowupsStarted"
    followups_completed = "FollowupsCompleted"
    model_request_started = "ModelRequestStarted"
    model_request_completed = "ModelRequestCompleted"
    session_summary_started = "SessionSummaryStarted"
    session_summary_completed = "SessionSummaryCompleted"
    # Agno's other event names (see `agno_core.run._extra_events`).
    run_intermediate_content = "RunIntermediateContent"
    output_model_response_started = "OutputModelResponseStarted"
    output_model_response_completed = "OutputModelResponseCompleted"
    parser_model_response_started = "ParserModelResponseStarted"
    parser_model_response_completed = "ParserModelResponseCompleted"
    reasoning_started = "ReasoningStarted"
    reasoning_step = "ReasoningStep"
    reasoning_content_delta = "ReasoningContentDelta"
    reasoning_completed = "ReasoningCompleted"
    compression_started = "CompressionStarted"
    compression_completed = "CompressionCompleted"
    custom_event = "CustomEvent"


class TeamRunEvent(str, Enum):
    """Names of the events a team run emits (member events keep their `RunEvent` names)."""

    run_started = "TeamRunStarted"
    run_content = "TeamRunContent"
    run_content_completed = "TeamRunContentCompleted"
    run_completed = "TeamRunCompleted"
    run_error = "TeamRunError"
    run_cancelled = "TeamRunCancelled"
    run_paused = "TeamRunPaused"
    run_continued = "TeamRunContinued"
    pre_hook_started = "TeamPreHookStarted"
    pre_hook_completed = "TeamPreHookCompleted"
    post_hook_started = "TeamPostHookStarted"
    post_hook_completed = "TeamPostHookCompleted"
    tool_call_started = "TeamToolCallStarted"
    tool_call_completed = "TeamToolCallCompleted"
    tool_call_error = "TeamToolCallError"
    tool_call_args_delta = "TeamToolCallArgsDelta"
    memory_update_started = "TeamMemoryUpdateStarted"
    memory_update_completed = "TeamMemoryUpdateCompleted"
    followups_started = "TeamFollowupsStarted"
    followups_completed = "TeamFollowupsCompleted"
    model_request_started = "TeamModelRequestStarted"
    model_request_completed = "TeamModelRequestCompleted"
    session_summary_started = "TeamSessionSummaryStarted"
    session_summary_completed = "TeamSessionSummaryCompleted"
    run_intermediate_content = "TeamRunIntermediateContent"
    output_model_response_started = "TeamOutputModelResponseStarted"
    output_model_response_completed = "TeamOutputModelResponseCompleted"
    parser_model_response_started = "TeamParserModelResponseStarted"
    parser_model_response_completed = "TeamParserModelResponseCompleted"
    reasoning_started = "TeamReasoningStarted"
    reasoning_step = "TeamReasoningStep"
    reasoning_content_delta = "TeamReasoningContentDelta"
    reasoning_completed = "TeamReasoningCompleted"
    compression_started = "TeamCompressionStarted"
    compression_completed = "TeamCompressionCompleted"
    custom_event = "CustomEvent"


@dataclass(kw_only=True, slots=True)
class BaseRunEvent:
    """Fields every event carries.

    Attributes:
        event: The event's name (a `RunEvent` or `TeamRunEvent` value).
        run_id: The run that emitted it.
        session_id: That run's session.
        parent_run_id: For a team member's event, the team run.
        agent_id, agent_name: The emitting agent (or team id/name for team events).
        created_at: Unix time of the event.
        content: What the event carries as text or structured output; None on events that
            carry none (every event has it, as in Agno, so ``print(event.content)`` works on
            any of them).
        tools: The run's tool calls, on the events that carry them (``RunPaused``).
    """

    event: str = ""
    run_id: str
    session_id: str
    parent_run_id: str | None = None
    agent_id: str | None = None
    agent_name: str | None = None
    team_id: str | None = None
    team_name: str | None = None
    created_at: float = field(default_factory=time.time)
    content: Any = None
    tools: list[ToolExecution] | None = None

    @property
    def tools_requiring_confirmation(self) -> list[ToolExecution]:
        """The event's tool calls that wait for the user's confirmation."""
        return [t for t in self.tools or () if t.requires_confirmation]

    @property
    def tools_requiring_user_input(self) -> list[ToolExecution]:
        """The event's tool calls that wait for values from the user."""
        return [t for t in self.tools or () if t.requires_user_input]

    @property
    def tools_awaiting_external_execution(self) -> list[ToolExecution]:
        """The event's tool calls that the caller is to execute."""
        return [t for t in self.tools or () if t.external_execution_required]

    def to_dict(self) -> dict[str, Any]:
        """The event's fields that are set (None left out, as Agno's), nested objects as dicts
        (a structured ``content`` as its ``model_dump()``)."""
        data: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if value is None:
                continue
            if hasattr(value, "to_dict"):
                value = value.to_dict()
            elif hasattr(value, "model_dump"):
                value = value.model_dump()
            elif isinstance(value, list):
                value = [v.to_dict() if hasattr(v, "to_dict") else v for v in value]
            data[name] = value
        return data

    def to_json(self, separators: tuple[str, str] = (", ", ": "), indent: int | None = 2) -> str:
        """`to_dict` as JSON, as Agno's ``event.to_json()`` (e.g. for server-sent events);
        values JSON does not know (enums, datetimes, objects) as text."""
        return json.dumps(
            self.to_dict(),
            separators=separators,
            indent=indent,
            default=_json_default,
            ensure_ascii=False,
        )


def _json_default(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "model_dump"):
        return value.model_dump()
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return str(value)


@dataclass(kw_only=True, slots=True)
class RunStartedEvent(BaseRunEvent):
    model: str | None = None
    model_provider: str | None = None


@dataclass(kw_only=True, slots=True)
class RunContentEvent(BaseRunEvent):
    """A piece of the answer (text), or the whole structured answer when the run has an
    ``output_schema`` (then ``content_type`` is the schema's class name).

    As in Agno, each model call's stream starts with one whose ``content`` is ``""`` (Chat
    Completions) or None with the response id in ``model_provider_data`` (Responses API)."""

    content_type: str = "str"
    model_provider_data: dict[str, Any] | None = None


@dataclass(kw_only=True, slots=True)
class RunContentCompletedEvent(BaseRunEvent):
    """The model's answer is complete (``stream_events``); hooks, memory and the final write
    may still follow before ``RunCompleted``."""


@dataclass(kw_only=True, slots=True)
class ModelRequestStartedEvent(BaseRunEvent):
    """A model request is about to be sent (``stream_events``), one per model call."""

    model: str | None = None
    model_provider: str | None = None


@dataclass(kw_only=True, slots=True)
class ModelRequestCompletedEvent(BaseRunEvent):
    """A model request has completed (``stream_events``), with that one call's usage.

    Attributes:
        model: The model id.
        model_provider: The provider ("OpenAI").
        input_tokens, output_tokens, total_tokens, reasoning_tokens, cache_read_tokens,
        cache_write_tokens: The call's tokens, from the provider's usage object.
        time_to_first_token: Seconds from the request to its first token.
    """

    model: str | None = None
    model_provider: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    time_to_first_token: float | None = None
    reasoning_tokens: int | None = None
    cache_read_tokens: int | None = None
    cache_write_tokens: int | None = None


@dataclass(kw_only=True, slots=True)
class PreHookStartedEvent(BaseRunEvent):
    """A pre-hook is called (``stream_events``): its name and the run's input it gets."""

    pre_hook_name: str | None = None
    run_input: RunInput | None = None


@dataclass(kw_only=True, slots=True)
class PreHookCompletedEvent(BaseRunEvent):
    """A pre-hook returned (``stream_events``); ``run_input`` as it left it."""

    pre_hook_name: str | None = None
    run_input: RunInput | None = None


@dataclass(kw_only=True, slots=True)
class PostHookStartedEvent(BaseRunEvent):
    """A post-hook is called (``stream_events``)."""

    post_hook_name: str | None = None


@dataclass(kw_only=True, slots=True)
class PostHookCompletedEvent(BaseRunEvent):
    """A post-hook returned (``stream_events``)."""

    post_hook_name: str | None = None


@dataclass(kw_only=True, slots=True)
class ToolCallStartedEvent(BaseRunEvent):
    tool: ToolExecution | None = None


@dataclass(kw_only=True, slots=True)
class ToolCallCompletedEvent(BaseRunEvent):
    tool: ToolExecution | None = None


@dataclass(kw_only=True, slots=True)
class ToolCallErrorEvent(BaseRunEvent):
    """A tool call failed (``stream_events``), right after its ``ToolCallCompleted``, as in Agno.

    Attributes:
        tool: The call, with ``tool_call_error`` set and the error as its ``result``.
        error: The error text the model receives.
    """

    tool: ToolExecution | None = None
    error: str | None = None


@dataclass(kw_only=True, slots=True)
class ToolCallArgsDeltaEvent(BaseRunEvent):
    """A fragment of a tool call's arguments, emitted as the model streams it (``stream_events``).

    Attributes:
        tool_call_index: The call's position among the tool calls of its model response.
        tool_call_id: The call's id, once the provider has sent it.
        tool_call_name: The function's name, once the provider has sent it.
        arguments_delta: The new fragment; a call's fragments joined in order are its JSON
            arguments.
    """

    tool_call_index: int | None = None
    tool_call_id: str | None = None
    tool_call_name: str | None = None
    arguments_delta: str = ""


@dataclass(kw_only=True, slots=True)
class MemoryUpdateStartedEvent(BaseRunEvent):
    pass


@dataclass(kw_only=True, slots=True)
class MemoryUpdateCompletedEvent(BaseRunEvent):
    memories: list[str] = field(default_factory=list)


@dataclass(kw_only=True, slots=True)
class SessionSummaryStartedEvent(BaseRunEvent):
    """The session's summary is being updated (``enable_session_summaries``, ``stream_events``)."""


@dataclass(kw_only=True, slots=True)
class SessionSummaryCompletedEvent(BaseRunEvent):
    """The session's summary was updated: ``session_summary`` is the new one (None when the
    summary call failed; the stored one is then unchanged)."""

    session_summary: Any = None


@dataclass(kw_only=True, slots=True)
class RunCompletedEvent(BaseRunEvent):
    content_type: str = "str"
    metadata: dict[str, Any] | None = None
    metrics: RunMetrics | None = None
    run_output: RunOutput | None = None

    @property
    def session_state(self) -> dict[str, Any] | None:
        """The session state at the end of the run (Agno's event field), from the run output."""
        return self.run_output.session_state if self.run_output is not None else None


@dataclass(kw_only=True, slots=True)
class RunErrorEvent(BaseRunEvent):
    """The run ended ERROR: ``content`` is the reason; a refusing check's ``error_type``,
    ``error_id`` (its trigger) and ``additional_data`` come from its exception, as in Agno."""

    error_type: str | None = None
    error_id: str | None = None
    additional_data: dict[str, Any] | None = None
    run_output: RunOutput | None = None


@dataclass(kw_only=True, slots=True)
class RunCancelledEvent(BaseRunEvent):
    reason: str | None = None
    run_output: RunOutput | None = None


@dataclass(kw_only=True, slots=True)
class RunPausedEvent(BaseRunEvent):
    """The run paused: tool calls wait for the user (``requirements``); continue it with
    ``agent.continue_run``.

    Attributes:
        tools: The run's tool calls (the paused ones have ``is_paused``).
        requirements: What the run waits for.
        run_output: The paused run.
    """

    requirements: list[RunRequirement] | None = None
    run_output: RunOutput | None = None

    @property
    def is_paused(self) -> bool:
        return True

    @property
    def active_requirements(self) -> list[RunRequirement]:
        """The requirements not resolved yet."""
        return [r for r in self.requirements or () if not r.is_resolved()]


@dataclass(kw_only=True, slots=True)
class RunContinuedEvent(BaseRunEvent):
    """A paused run goes on (``continue_run`` with ``stream_events``), in place of RunStarted."""


@dataclass(kw_only=True, slots=True)
class FollowupsStartedEvent(BaseRunEvent):
    """Follow-up suggestions are being generated (``followups=True``)."""


@dataclass(kw_only=True, slots=True)
class FollowupsCompletedEvent(BaseRunEvent):
    """The follow-up suggestions: ``followups.suggestions`` (None when none could be made)."""

    followups: Any = None
