"""The Agno options agents (and teams) share beyond the core ones, with their defaults."""

from __future__ import annotations

from typing import Any

__all__ = ["OPTION_DEFAULTS"]

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
    "search_past_sessions": False,
    "num_past_sessions_to_search": None,
    "num_past_session_runs_in_search": None,
    "tool_choice": None,
    "cache_callables": True,
    "callable_tools_cache_key": None,
    "store_tool_messages": True,
    "enable_agentic_memory": False,
}
