"""The settings of the agent or team running, as the run's helpers read them.

`agno_core._runner.RunnerBase` (so `Agent` and `Team`) has all of them: its own attributes and
the Agno options of `agno_core._options.AgnoOptions`. The context, history, session-state and
tool helpers name this protocol (through `run._context.RunOwner`) instead of the runner, so they
stay below the runner that calls them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from agno_core.memory._manager import MemoryManager
    from agno_core.models.base import Model

__all__ = ["RunSettings"]


class RunSettings(Protocol):
    """A runner's settings (see `Agent.__init__` for what each one means)."""

    id: str
    kind: str
    name: str | None
    model: Model | None
    # What the system message is built from.
    system_message: Any
    description: str | None
    role: str | None
    instructions: str | list[str] | Callable[..., Any] | None
    expected_output: str | None
    additional_context: str | None
    markdown: bool
    tools: list[Any] | Callable[..., Any] | None
    tool_call_limit: int | None
    # Stream ToolCallArgsDelta events (with stream_events); not an Agno 3.1.10 event.
    stream_tool_call_args: bool
    # History and memory.
    add_history_to_context: bool
    num_history_runs: int | None
    update_memory_on_run: bool
    add_memories_to_context: bool | None
    memory_model: Model | None
    # The Agno options (`agno_core._options.OPTION_DEFAULTS`).
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
    output_model: Any
    output_model_prompt: str | None
    enable_session_summaries: bool
    add_session_summary_to_context: bool | None
    session_summary_manager: Any
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
