"""The Agent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from agno_core._runner import RunnerBase

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb
    from agno_core.models.base import Model

__all__ = ["Agent"]


class Agent(RunnerBase):
    """An LLM agent: a model, optional tools, optional storage.

    The API follows Agno's: code written for ``agno.agent.Agent`` runs with the import changed to
    ``agno_core.agent``.

    Args:
        model: The model (default ``OpenAIChat(id="gpt-4o")``).
        name: A display name (also stored with each run).
        id: A stable id (default: derived from the name).
        tools: Functions, `Function`s (``@tool``) and `Toolkit`s the model may call.
        db: Storage (`SqliteDb`, `PostgresDb`); needed for background runs, history, memory
            and session metrics.
        description, role, instructions, expected_output, additional_context, markdown:
            What goes into the system message.
        system_message: Use this system message verbatim instead of building one.
        output_schema: A pydantic model every answer must validate against.
        session_id: Default session for runs (created once when not given).
        user_id: Default user for runs.
        add_history_to_context: Replay the last ``num_history_runs`` completed runs of the
            session to the model.
        num_history_runs: How many runs of history.
        update_memory_on_run: After each run, extract user memories with a model call.
        add_memories_to_context: Put the user's memories into the system message (default:
            when ``update_memory_on_run``).
        memory_model: Model for memory extraction (default: ``model``).
        tool_call_limit: Maximum tool calls per run.
        stream, stream_events: Defaults for `arun`/`run`.
        background_concurrency: Background runs of this agent executing at once per event loop;
            more wait in the queue as PENDING.
        debug_mode: Log at debug level (logger ``agno_core``).
        telemetry: Accepted for compatibility; nothing is ever sent anywhere.

    Example:
        >>> from agno_core.agent import Agent
        >>> from agno_core.models.openai import OpenAIChat
        >>> agent = Agent(model=OpenAIChat(id="gpt-4o-mini"), instructions="Be brief.")
    """

    kind = "agent"
    __slots__ = ()

    def __init__(
        self,
        *,
        model: Model | None = None,
        name: str | None = None,
        id: str | None = None,
        tools: Sequence[Any] | None = None,
        db: SqlDb | None = None,
        description: str | None = None,
        role: str | None = None,
        instructions: str | list[str] | None = None,
        expected_output: str | None = None,
        additional_context: str | None = None,
        markdown: bool = False,
        system_message: str | None = None,
        output_schema: type[BaseModel] | None = None,
        session_id: str | None = None,
        user_id: str | None = None,
        add_history_to_context: bool = False,
        num_history_runs: int = 3,
        update_memory_on_run: bool = False,
        add_memories_to_context: bool | None = None,
        memory_model: Model | None = None,
        tool_call_limit: int | None = None,
        stream: bool | None = None,
        stream_events: bool | None = None,
        background_concurrency: int = 100,
        debug_mode: bool = False,
        telemetry: bool = True,
    ) -> None:
        self.model = model
        self.name = name
        self._id = id
        self.tools = list(tools) if tools else None
        self.db = db
        self.description = description
        self.role = role
        self.instructions = instructions
        self.expected_output = expected_output
        self.additional_context = additional_context
        self.markdown = markdown
        self.system_message = system_message
        self.output_schema = output_schema
        self.session_id = session_id
        self.user_id = user_id
        self.add_history_to_context = add_history_to_context
        self.num_history_runs = num_history_runs
        self.update_memory_on_run = update_memory_on_run
        self.add_memories_to_context = add_memories_to_context
        self.memory_model = memory_model
        self.tool_call_limit = tool_call_limit
        self.stream = stream
        self.stream_events = stream_events
        self.background_concurrency = background_concurrency
        self.debug_mode = debug_mode
        self.telemetry = telemetry
        self._resolved_tools = None
        self._scheduler = None
        self._unsaved = None
        if debug_mode:
            from agno_core._logging import enable_debug

            enable_debug()
