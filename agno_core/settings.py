"""Grouped constructor settings, as Agno's ``agno.settings``: an alternative to flat parameters.

``Agent(history_settings=HistorySettings(num_history_runs=5))`` is the same agent as
``Agent(num_history_runs=5)``: each settings object is unpacked onto the flat parameters before
the constructor runs, so ``agent.num_history_runs`` reads 5 and everything downstream sees only
flat parameters (a parameter agno_core does not implement is refused exactly as when given flat).
A field left at None is not set. When a parameter is given both ways with different values, the
settings object wins and a warning is logged (unless the flat value is the parameter's default).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar, cast

__all__ = [
    "CacheSettings",
    "CompressionSettings",
    "ContextSettings",
    "CultureSettings",
    "DebugSettings",
    "DelegationSettings",
    "EventSettings",
    "FollowupSettings",
    "HistorySettings",
    "KnowledgeSettings",
    "LearningSettings",
    "MemorySettings",
    "ModelSettings",
    "OutputSettings",
    "ReasoningSettings",
    "RetrySettings",
    "SessionSettings",
    "StorageSettings",
    "ToolSettings",
    "accepts_settings",
]

log = logging.getLogger("agno_core")


def _opt(flat_default: Any) -> Any:
    """A field that is unset (None) by default, whose flat parameter defaults to
    ``flat_default`` (used to tell a flat value the user chose from the default)."""
    return field(default=None, metadata={"flat_default": flat_default})


@dataclass
class ModelSettings:
    """The model and its fallbacks."""

    model: Any = None
    fallback_models: Any = None
    fallback_config: Any = None


@dataclass
class SessionSettings:
    """Session id, session state, past-session search and session summaries."""

    session_id: str | None = None
    session_state: dict[str, Any] | None = None
    add_session_state_to_context: bool | None = _opt(False)
    enable_agentic_state: bool | None = _opt(False)
    overwrite_db_session_state: bool | None = _opt(False)
    cache_session: bool | None = _opt(False)
    search_past_sessions: bool | None = _opt(False)
    num_past_sessions_to_search: int | None = None
    num_past_session_runs_in_search: int | None = None
    enable_session_summaries: bool | None = _opt(False)
    add_session_summary_to_context: bool | None = None
    session_summary_manager: Any = None


@dataclass
class ContextSettings:
    """What goes into the system message, and the message roles."""

    markdown: bool | None = _opt(False)
    add_name_to_context: bool | None = _opt(False)
    add_datetime_to_context: bool | None = _opt(False)
    add_location_to_context: bool | None = _opt(False)
    datetime_format: str | None = None
    timezone_identifier: str | None = None
    resolve_in_context: bool | None = _opt(True)
    additional_context: str | None = None
    additional_input: list[Any] | None = None
    dependencies: dict[str, Any] | None = None
    add_dependencies_to_context: bool | None = _opt(False)
    use_instruction_tags: bool | None = _opt(False)
    system_message_role: str | None = _opt("system")
    user_message_role: str | None = _opt("user")
    build_context: bool | None = _opt(True)
    build_user_context: bool | None = _opt(True)


@dataclass
class KnowledgeSettings:
    """Knowledge bases (not part of agno_core: setting any field is refused)."""

    knowledge: Any = None
    knowledge_filters: Any = None
    enable_agentic_knowledge_filters: bool | None = None
    add_knowledge_to_context: bool | None = _opt(False)
    knowledge_retriever: Any = None
    references_format: str | None = _opt("json")
    search_knowledge: bool | None = _opt(True)
    add_search_knowledge_instructions: bool | None = _opt(True)
    update_knowledge: bool | None = _opt(False)


@dataclass
class MemorySettings:
    """User memories."""

    memory_manager: Any = None
    enable_agentic_memory: bool | None = _opt(False)
    update_memory_on_run: bool | None = _opt(False)
    add_memories_to_context: bool | None = None


@dataclass
class HistorySettings:
    """The conversation history sent to the model."""

    add_history_to_context: bool | None = _opt(False)
    num_history_runs: int | None = None
    num_history_messages: int | None = None
    max_tool_calls_from_history: int | None = None
    read_chat_history: bool | None = _opt(False)
    read_tool_call_history: bool | None = _opt(False)


@dataclass
class OutputSettings:
    """Structured input and output."""

    input_schema: Any = None
    output_schema: Any = None
    parser_model: Any = None
    parser_model_prompt: str | None = None
    output_model: Any = None
    output_model_prompt: str | None = None
    parse_response: bool | None = _opt(True)
    structured_outputs: bool | None = None
    use_json_mode: bool | None = _opt(False)
    save_response_to_file: str | None = None


@dataclass
class ToolSettings:
    """Tool call limits and choice."""

    tool_call_limit: int | None = None
    tool_choice: str | dict[str, Any] | None = None
    tool_hooks: list[Callable[..., Any]] | None = None
    send_media_to_model: bool | None = _opt(True)


@dataclass
class ReasoningSettings:
    """Reasoning agents (not part of agno_core: setting any field is refused)."""

    reasoning: bool | None = _opt(False)
    reasoning_model: Any = None
    reasoning_agent: Any = None
    reasoning_min_steps: int | None = _opt(1)
    reasoning_max_steps: int | None = _opt(10)


@dataclass
class StorageSettings:
    """What is stored with each run."""

    store_media: bool | None = _opt(True)
    store_tool_messages: bool | None = _opt(True)
    store_history_messages: bool | None = _opt(False)


@dataclass
class EventSettings:
    """Streaming defaults and stored events."""

    stream: bool | None = None
    stream_events: bool | None = None
    stream_executor_events: bool | None = _opt(True)
    store_events: bool | None = _opt(False)
    events_to_skip: list[Any] | None = None


@dataclass
class FollowupSettings:
    """Follow-up suggestions after each answer."""

    followups: bool | None = _opt(False)
    num_followups: int | None = _opt(3)
    followup_model: Any = None


@dataclass
class RetrySettings:
    """Retrying a failed run."""

    retries: int | None = _opt(0)
    delay_between_retries: int | None = _opt(1)
    exponential_backoff: bool | None = _opt(False)


@dataclass
class DebugSettings:
    """Debug logs and telemetry."""

    debug_mode: bool | None = _opt(False)
    debug_level: int | None = _opt(1)
    telemetry: bool | None = _opt(True)


@dataclass
class CompressionSettings:
    """Tool result compression (not part of agno_core: setting any field is refused)."""

    compress_tool_results: bool | None = _opt(False)
    compression_manager: Any = None


@dataclass
class CacheSettings:
    """Caching what tool (and member) factories return."""

    cache_callables: bool | None = _opt(True)
    callable_tools_cache_key: Callable[..., Any] | None = None
    callable_knowledge_cache_key: Callable[..., Any] | None = None
    callable_members_cache_key: Callable[..., Any] | None = None


@dataclass
class LearningSettings:
    """Learning (not part of agno_core: setting any field is refused)."""

    learning: Any = None
    add_learnings_to_context: bool | None = _opt(True)


@dataclass
class CultureSettings:
    """Cultural knowledge (not part of agno_core: setting any field is refused)."""

    culture_manager: Any = None
    enable_agentic_culture: bool | None = _opt(False)
    update_cultural_knowledge: bool | None = _opt(False)
    add_culture_to_context: bool | None = None


@dataclass
class DelegationSettings:
    """How a team leader works with its members (Team only)."""

    mode: Any = None
    respond_directly: bool | None = _opt(False)
    determine_input_for_members: bool | None = _opt(True)
    delegate_to_all_members: bool | None = _opt(False)
    max_iterations: int | None = _opt(10)
    add_team_history_to_members: bool | None = _opt(False)
    num_team_history_runs: int | None = _opt(3)
    share_member_interactions: bool | None = _opt(False)
    add_member_tools_to_context: bool | None = _opt(False)
    get_member_information_tool: bool | None = _opt(False)
    store_member_responses: bool | None = _opt(False)
    stream_member_events: bool | None = _opt(True)
    show_members_responses: bool | None = _opt(False)


_GROUPS: tuple[type[Any], ...] = (
    ModelSettings,
    SessionSettings,
    ContextSettings,
    KnowledgeSettings,
    MemorySettings,
    HistorySettings,
    OutputSettings,
    ToolSettings,
    ReasoningSettings,
    StorageSettings,
    EventSettings,
    FollowupSettings,
    RetrySettings,
    DebugSettings,
    CompressionSettings,
    CacheSettings,
    LearningSettings,
    CultureSettings,
    DelegationSettings,
)
# The constructor parameter of each group: SessionSettings -> session_settings.
_PARAMETERS = {re.sub(r"(?<!^)(?=[A-Z])", "_", g.__name__).lower(): g for g in _GROUPS}

_Init = TypeVar("_Init", bound=Callable[..., None])


def _unpack(owner: str, groups: dict[str, Any], kwargs: dict[str, Any]) -> None:
    for parameter, settings in groups.items():
        expected = _PARAMETERS[parameter]
        if settings is None:
            continue
        if not isinstance(settings, expected):
            raise TypeError(
                f"{owner}({parameter}=...) takes a {expected.__name__}, "
                f"not {type(settings).__name__}"
            )
        for f in fields(expected):
            value = getattr(settings, f.name)
            if value is None:
                continue
            if f.name in kwargs:
                flat = kwargs[f.name]
                if flat != value and flat != f.metadata.get("flat_default"):
                    log.warning(
                        "Both `%s` and `%s.%s` given: using the value from `%s`",
                        f.name,
                        expected.__name__,
                        f.name,
                        expected.__name__,
                    )
            kwargs[f.name] = value


def accepts_settings(init: _Init) -> _Init:
    """Let a constructor take the ``*_settings`` groups: they are unpacked onto its flat
    keyword parameters before it runs.

    Raises:
        TypeError: a settings parameter given an object of another settings class.
    """

    @functools.wraps(init)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> None:
        groups = {name: kwargs.pop(name) for name in list(kwargs) if name in _PARAMETERS}
        if groups:
            _unpack(type(self).__name__, groups, kwargs)
        init(self, *args, **kwargs)

    return cast("_Init", wrapper)
