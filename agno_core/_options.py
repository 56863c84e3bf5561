"""The Agno options agents (and teams) share beyond the core ones, with their defaults."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agno_core.memory._manager import MemoryManager
    from agno_core.models.base import Model
    from agno_core.session.summary import SessionSummaryManager

__all__ = ["OPTION_DEFAULTS", "AgnoOptions"]

# name -> default (Agno's). A runner whose constructor does not take one reads the default.
OPTION_DEFAULTS: dict[str, Any] = {
    "add_datetime_to_context": False,
    "add_location_to_context": False,
    "add_name_to_context": False,
    "datetime_format": None,
    "timezone_identifier": None,
    "system_message_role": "system",
    "user_message_role": "user",
    "build_context": True,
    "resolve_in_context": True,
    "dependencies": None,
    "add_dependencies_to_context": False,
    "metadata": None,
    "num_history_messages": None,
    "max_tool_calls_from_history": None,
    "add_cancelled_runs_to_context": False,
    "retries": 0,
    "output_model": None,
    "output_model_prompt": None,
    "enable_session_summaries": False,
    "add_session_summary_to_context": None,
    "session_summary_manager": None,
    "delay_between_retries": 1,
    "exponential_backoff": False,
    "search_past_sessions": False,
    "num_past_sessions_to_search": None,
    "num_past_session_runs_in_search": None,
    "tool_choice": None,
    "use_json_mode": False,
    "cache_callables": True,
    "callable_tools_cache_key": None,
    "store_tool_messages": True,
    "store_history_messages": False,
    "enable_agentic_memory": False,
    "memory_manager": None,
    "session_state": None,
    "add_session_state_to_context": False,
    "overwrite_db_session_state": False,
    "enable_agentic_state": False,
}


class AgnoOptions:
    """The options of `OPTION_DEFAULTS` as attributes (a base of `RunnerBase`)."""

    __slots__ = tuple(OPTION_DEFAULTS)

    add_datetime_to_context: bool
    add_location_to_context: bool
    add_name_to_context: bool
    datetime_format: str | None
    timezone_identifier: str | None
    system_message_role: str
    user_message_role: str
    build_context: bool
    resolve_in_context: bool
    dependencies: dict[str, Any] | None
    add_dependencies_to_context: bool
    metadata: dict[str, Any] | None
    num_history_messages: int | None
    max_tool_calls_from_history: int | None
    add_cancelled_runs_to_context: bool
    retries: int
    output_model: Model | None
    output_model_prompt: str | None
    enable_session_summaries: bool
    add_session_summary_to_context: bool | None
    session_summary_manager: SessionSummaryManager | None
    delay_between_retries: float
    exponential_backoff: bool
    search_past_sessions: bool
    num_past_sessions_to_search: int | None
    num_past_session_runs_in_search: int | None
    tool_choice: str | dict[str, Any] | None
    use_json_mode: bool
    cache_callables: bool
    callable_tools_cache_key: Callable[..., Any] | None
    store_tool_messages: bool
    store_history_messages: bool
    enable_agentic_memory: bool
    memory_manager: MemoryManager | None
    session_state: dict[str, Any] | None
    add_session_state_to_context: bool
    overwrite_db_session_state: bool
    enable_agentic_state: bool

    if not TYPE_CHECKING:  # for mypy, a runner has only the attributes it declares

        def __getattr__(self, name: str) -> Any:
            # Reached only for a slot that was never set: an option this runner's constructor
            # does not take reads as its default.
            try:
                return OPTION_DEFAULTS[name]
            except KeyError:
                raise AttributeError(
                    f"{type(self).__name__!r} object has no attribute {name!r}"
                ) from None
