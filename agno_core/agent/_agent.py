"""The Agent."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from agno_core._history import messages_limit
from agno_core._run_extras import set_run_extras
from agno_core._run_tools import is_tool_factory
from agno_core._runner import RunnerBase
from agno_core._session_ops import SessionOps
from agno_core._unsupported import check_arguments
from agno_core.agent._continue import ContinueApi
from agno_core.exceptions import NotSupportedError
from agno_core.models.utils import get_model
from agno_core.run._followups import FollowupConfig
from agno_core.settings import accepts_settings

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb
    from agno_core.guardrails import BaseGuardrail
    from agno_core.memory._manager import MemoryManager
    from agno_core.models.base import Model
    from agno_core.models.message import Message
    from agno_core.run._context import RunContext
    from agno_core.session import AgentSession
    from agno_core.session.summary import SessionSummaryManager

__all__ = ["Agent"]


class Agent(SessionOps, RunnerBase, ContinueApi):
    """An LLM agent: a model, optional tools, optional storage.

    The API follows Agno's: code written for ``agno.agent.Agent`` runs with the import changed to
    ``agno_core.agent``.

    Args:
        model: The model (default ``OpenAIChat(id="gpt-4o")``), or ``"openai:<id>"``.
        name: A display name (also stored with each run).
        id: A stable id (default: derived from the name).
        tools: Functions, `Function`s (``@tool``) and `Toolkit`s the model may call.
        db: Storage (`SqliteDb`, `PostgresDb`); needed for background runs, history, memory
            and session metrics.
        description, role, instructions, expected_output, additional_context, markdown:
            What goes into the system message. ``instructions`` may be a callable (sync or
            async) returning a string or a list of strings, called at each run with the
            ``agent``, ``run_context`` and ``session_state`` it declares, as in Agno.
        additional_input: Messages sent after the system message and before the history in
            every run (e.g. few-shot examples): `Message`s, ``{"role", "content"}`` dicts, or
            text (a user message).
        system_message: Use this system message instead of building one: a string, a
            `Message`, or a callable (taking ``agent``/``run_context`` if it declares them)
            returning a string. ``{name}`` placeholders are resolved (``resolve_in_context``).
        system_message_role: Role of the system message (``"system"``; e.g. ``"developer"``).
        user_message_role: Role of the user's message (``"user"``).
        build_context: Build a system message from the settings (False: none is sent).
        add_datetime_to_context: Add the current time to the system message, in
            ``timezone_identifier`` (IANA name, e.g. ``"Etc/UTC"``) and ``datetime_format``
            (strftime) when given.
        add_location_to_context: Add the machine's approximate location (IP geolocation;
            nothing is added when it cannot be looked up).
        add_name_to_context: Add the agent's name.
        dependencies: Values for ``{name}`` placeholders and tools (``run_context.dependencies``);
            callables are called at the start of each run (``agent``/``run_context`` injected).
        add_dependencies_to_context: Add the dependencies to the system message as JSON.
        resolve_in_context: Resolve ``{name}`` placeholders in the system message from the
            dependencies, the metadata and ``user_id``.
        metadata: Free-form data given to tools as ``run_context.metadata``.
        session_state: The state a new session starts with: a dict given to tools as
            ``run_context.session_state``, resolved into ``{name}`` placeholders, stored with
            the session after each run (``get_session_state()`` reads it).
        add_session_state_to_context: Put the session state into the system message.
        overwrite_db_session_state: Start every run from ``session_state`` (and the call's),
            ignoring the stored state.
        enable_agentic_state: Give the model an ``update_session_state`` tool.
        output_schema: A pydantic model every answer must validate against.
        use_json_mode: Ask for the ``output_schema`` answer in JSON mode (``json_object``) with
            the fields described in the system message, instead of a strict ``json_schema``;
            the answer is validated all the same (for models or gateways without structured
            outputs).
        fail_on_output_parse_error: True (or unset): an answer that does not validate ends
            the run ERROR, its `RunErrorEvent` (``error_type="output_parse_error"``) in
            ``RunOutput.events``. False (Agno's warning-only mode) is not supported.
        session_id: Default session for runs (created once when not given).
        user_id: Default user for runs.
        add_history_to_context: Replay the last ``num_history_runs`` completed runs of the
            session to the model.
        num_history_runs: How many runs of history (3 when neither this nor
            ``num_history_messages`` is given).
        num_history_messages: Replay the last N messages instead of the last runs.
        max_tool_calls_from_history: Keep only the latest N tool calls in the replayed history.
        add_cancelled_runs_to_context: Replay cancelled runs too (their partial answer; a
            tool call they left unanswered gets a ``{"status": "cancelled"}`` result), so the
            model knows what it was doing when it was stopped.
        search_past_sessions: Give the model ``search_past_sessions`` and
            ``read_past_session`` tools over the user's other sessions.
        num_past_sessions_to_search: Sessions the search lists (20).
        num_past_session_runs_in_search: Runs previewed per session (3).
        search_session_history, num_history_sessions: Earlier Agno names of the two above.
        read_chat_history: Give the model ``get_chat_history(num_chats)``: the session's
            stored messages, as JSON.
        read_tool_call_history: Give the model ``get_tool_call_history(num_calls)``: the
            session's latest tool calls, as JSON.
        update_memory_on_run: After each run, extract user memories with a model call.
        enable_user_memories: Agno 2.x's name of ``update_memory_on_run`` (either turns it on).
        add_memories_to_context: Put the user's memories into the system message (default:
            when ``update_memory_on_run``).
        memory_model: Model for memory extraction (default: ``model``).
        memory_manager: A `MemoryManager`: its model, prompt and permissions drive the memory
            extraction and the agentic memory tool (its db defaults to ``db``).
        enable_agentic_memory: Give the model an ``update_user_memory`` tool: a task given to it
            is carried out by the memory model, which adds, updates and deletes memories.
        tool_call_limit: Maximum tool calls per run.
        tool_choice: ``"none"``, ``"auto"``, ``"required"`` or a function
            (``{"type": "function", "function": {"name": ...}}``), sent with every model call.
        tool_hooks: Middleware around every tool call, ``hook(function_name, function_call,
            arguments)`` returning ``function_call(**arguments)`` (see
            `agno_core.run._tool_middleware`); replaces the tools' own ``tool_hooks``.
        cache_callables: With ``tools=callable`` (a factory returning the run's tools), reuse
            the tools per ``callable_tools_cache_key`` (default: user id, else session id).
        callable_tools_cache_key: A callable returning the cache key.
        refresh_tools_per_step: Read the tools again after each batch of tool calls (a tool
            factory is called again, uncached), so a tool's effect on the toolset shows on the
            model's next step. A `ToolRegistry` given as ``tools`` always is.
        store_tool_messages: False: tool calls and results are left out of the stored run (the
            returned output keeps them).
        retries: Start a failed run over up to this many times (a model error, a run away
            tool loop, an answer that does not validate); cancellation is never retried.
        delay_between_retries: Seconds to wait before a retry (1).
        exponential_backoff: Double the wait after each failed attempt.
        enable_session_summaries: After each run, summarise the session with a model call
            (``session_summary_manager``'s model, else ``model``) and store the summary with
            the session (``get_session_summary()``).
        add_session_summary_to_context: Put the stored summary into the system message
            (default: when summaries are made or a manager is given).
        session_summary_manager: A `SessionSummaryManager` (model, prompt, runs and messages
            summarised).
        output_model: A second model that writes the final answer from the conversation (the
            main model's answer left out); with ``output_schema`` it is the one asked for the
            structured output. Streamed runs stream its text.
        output_model_prompt: The output model's system message (default: the agent's).
        cache_session: ``get_session()`` keeps the session it read in memory and answers from
            it, until this agent runs in that session again (the next call reads it afresh).
        store_history_messages: True: store the replayed history with the run too (by default
            only the run's own messages are stored).
        stream, stream_events: Defaults for `arun`/`run`.
        stream_tool_call_args: With ``stream_events``, also stream each tool call's arguments as
            the model writes them (``ToolCallArgsDelta`` events, as later Agno versions do).
            Off by default: Agno 3.1.10 has no such event.
        background_concurrency: Background runs of this agent executing at once per event loop;
            more wait in the queue as PENDING. The process-wide cap shared by all agents and
            teams (`agno_core.run.concurrency`) applies as well.
        followups: After each answer, ask the model (one more call) for follow-up prompts the
            user could send next: ``RunOutput.followups`` (a list of strings), and a
            ``FollowupsCompleted`` event when streaming events. A `FollowupConfig` sets the
            model, count range and extra instructions.
        num_followups: How many suggestions (3).
        followup_model: The model for the suggestions (default: ``model``).
        pre_hooks: Functions called before each run, with the arguments they declare among
            ``run_input``, ``run_context``, ``agent``, ``session``, ``user_id``, ``metadata``,
            ``debug_mode``; raising `InputCheckError` ends the run ERROR before the model is
            called (see `agno_core.run._run_hooks`).
        model_hooks: Functions called once the context is built, before the model is called,
            with ``run_messages`` (`agno_core.run.messages.RunMessages`) instead of
            ``run_input``: what they leave in ``run_messages.messages`` is what the model gets;
            raising `InputCheckError` ends the run ERROR before the model is called.
        post_hooks: Functions called after each answer (``run_output`` instead of
            ``run_input``); raising `OutputCheckError` ends the run ERROR.
        debug_mode: Log at debug level (logger ``agno_core``).
        telemetry: Accepted for compatibility; nothing is ever sent anywhere.
        **agno_options: Other Agno parameters: accepted at Agno's default value, otherwise
            `NotSupportedError` names the parameter (see docs/COMPATIBILITY.md).

    Example:
        >>> from agno_core.agent import Agent
        >>> from agno_core.models.openai import OpenAIChat
        >>> agent = Agent(model=OpenAIChat(id="gpt-4o-mini"), instructions="Be brief.")
    """

    kind = "agent"
    __slots__ = (
        "_cached_sessions",
        "_last_session_id",
        "additional_input",
        "cache_session",
        "followup_model",
        "followups",
        "model_hooks",
        "num_followups",
        "post_hooks",
        "pre_hooks",
        "read_chat_history",
        "read_tool_call_history",
        "refresh_tools_per_step",
        "tool_hooks",
    )

    @accepts_settings
    def __init__(
        self,
        *,
        model: Model | str | None = None,
        name: str | None = None,
        id: str | None = None,
        tools: Sequence[Any] | Callable[..., Any] | None = None,
        db: SqlDb | None = None,
        description: str | None = None,
        role: str | None = None,
        instructions: str | list[str] | Callable[..., Any] | None = None,
        expected_output: str | None = None,
        additional_context: str | None = None,
        additional_input: Sequence[Message | dict[str, Any] | str] | None = None,
        markdown: bool = False,
        system_message: str | Message | Callable[..., Any] | None = None,
        system_message_role: str = "system",
        user_message_role: str = "user",
        build_context: bool = True,
        add_datetime_to_context: bool = False,
        add_location_to_context: bool = False,
        add_name_to_context: bool = False,
        datetime_format: str | None = None,
        timezone_identifier: str | None = None,
        dependencies: dict[str, Any] | None = None,
        add_dependencies_to_context: bool = False,
        resolve_in_context: bool = True,
        metadata: dict[str, Any] | None = None,
        session_state: dict[str, Any] | None = None,
        add_session_state_to_context: bool = False,
        overwrite_db_session_state: bool = False,
        enable_agentic_state: bool = False,
        output_schema: type[BaseModel] | dict[str, Any] | None = None,
        use_json_mode: bool = False,
        fail_on_output_parse_error: bool | None = None,
        session_id: str | None = None,
        user_id: str | None = None,
        add_history_to_context: bool = False,
        num_history_runs: int | None = None,
        num_history_messages: int | None = None,
        max_tool_calls_from_history: int | None = None,
        add_cancelled_runs_to_context: bool = False,
        search_past_sessions: bool = False,
        read_chat_history: bool = False,
        read_tool_call_history: bool = False,
        num_past_sessions_to_search: int | None = None,
        num_past_session_runs_in_search: int | None = None,
        search_session_history: bool | None = None,
        num_history_sessions: int | None = None,
        update_memory_on_run: bool = False,
        enable_user_memories: bool | None = None,
        add_memories_to_context: bool | None = None,
        memory_model: Model | None = None,
        memory_manager: MemoryManager | None = None,
        enable_agentic_memory: bool = False,
        tool_call_limit: int | None = None,
        tool_choice: str | dict[str, Any] | None = None,
        tool_hooks: Sequence[Callable[..., Any]] | None = None,
        cache_callables: bool = True,
        callable_tools_cache_key: Callable[..., Any] | None = None,
        refresh_tools_per_step: bool = False,
        store_tool_messages: bool = True,
        store_history_messages: bool = False,
        cache_session: bool = False,
        output_model: Model | str | None = None,
        output_model_prompt: str | None = None,
        enable_session_summaries: bool = False,
        add_session_summary_to_context: bool | None = None,
        session_summary_manager: SessionSummaryManager | None = None,
        retries: int = 0,
        delay_between_retries: float = 1,
        exponential_backoff: bool = False,
        stream: bool | None = None,
        stream_events: bool | None = None,
        stream_tool_call_args: bool = False,
        background_concurrency: int = 100,
        followups: bool | FollowupConfig = False,
        num_followups: int | None = None,
        followup_model: Model | None = None,
        pre_hooks: Sequence[Callable[..., Any] | BaseGuardrail] | None = None,
        model_hooks: Sequence[Callable[..., Any]] | None = None,
        post_hooks: Sequence[Callable[..., Any] | BaseGuardrail] | None = None,
        debug_mode: bool = False,
        telemetry: bool = True,
        **agno_options: Any,
    ) -> None:
        if agno_options:
            check_arguments("Agent", agno_options)
        self.model = get_model(model)
        self.name = name
        self._id = id
        if is_tool_factory(tools):
            self.tools = tools  # type: ignore[assignment]
        else:
            self.tools = list(tools) if tools else None  # type: ignore[arg-type]
        self.db = db
        self.description = description
        self.role = role
        self.instructions = instructions
        self.expected_output = expected_output
        self.additional_context = additional_context
        self.additional_input = list(additional_input) if additional_input else None
        self.markdown = markdown
        self.system_message = system_message
        if fail_on_output_parse_error is False:
            raise NotSupportedError(
                "Agent(fail_on_output_parse_error=False) is not supported by agno_core: an "
                "answer that does not validate against output_schema always ends the run ERROR "
                "(error_type 'output_parse_error'); it is never returned as a completed run"
            )
        self.output_schema = output_schema
        self.session_id = session_id
        self.user_id = user_id
        self.add_history_to_context = add_history_to_context
        self.num_history_runs = num_history_runs
        self.num_history_messages = messages_limit(num_history_runs, num_history_messages)
        self.max_tool_calls_from_history = max_tool_calls_from_history
        self.add_cancelled_runs_to_context = add_cancelled_runs_to_context
        self.search_past_sessions = bool(search_past_sessions or search_session_history)
        self.num_past_sessions_to_search = (
            num_past_sessions_to_search
            if num_past_sessions_to_search is not None
            else num_history_sessions
        )
        self.num_past_session_runs_in_search = num_past_session_runs_in_search
        self.read_chat_history = read_chat_history
        self.read_tool_call_history = read_tool_call_history
        self.system_message_role = system_message_role
        self.user_message_role = user_message_role
        self.build_context = build_context
        self.add_datetime_to_context = add_datetime_to_context
        self.add_location_to_context = add_location_to_context
        self.add_name_to_context = add_name_to_context
        self.datetime_format = datetime_format
        self.timezone_identifier = timezone_identifier
        self.dependencies = dependencies
        self.add_dependencies_to_context = add_dependencies_to_context
        self.resolve_in_context = resolve_in_context
        self.metadata = metadata
        self.session_state = session_state
        self.add_session_state_to_context = add_session_state_to_context
        self.overwrite_db_session_state = overwrite_db_session_state
        self.enable_agentic_state = enable_agentic_state
        self.enable_agentic_memory = enable_agentic_memory
        self.tool_choice = tool_choice
        self.tool_hooks = list(tool_hooks) if tool_hooks is not None else None
        self.use_json_mode = use_json_mode
        self.cache_callables = cache_callables
        self.callable_tools_cache_key = callable_tools_cache_key
        self.refresh_tools_per_step = refresh_tools_per_step
        self.store_tool_messages = store_tool_messages
        self.store_history_messages = store_history_messages
        # Agno 2.x's name of update_memory_on_run.
        self.update_memory_on_run = update_memory_on_run or bool(enable_user_memories)
        self.memory_manager = memory_manager
        if memory_manager is not None:
            # As in Agno: the manager stores in the agent's db unless given its own, and an
            # agent with a manager shows the memories to its model unless told otherwise.
            memory_manager.db = memory_manager.db or db
            if add_memories_to_context is None:
                add_memories_to_context = True
        self.add_memories_to_context = add_memories_to_context
        self.memory_model = memory_model
        self.tool_call_limit = tool_call_limit
        self.stream = stream
        self.stream_events = stream_events
        self.stream_tool_call_args = stream_tool_call_args
        self.background_concurrency = background_concurrency
        self._last_session_id: str | None = None
        self.cache_session = cache_session
        set_run_extras(
            self,
            output_model=output_model,
            output_model_prompt=output_model_prompt,
            enable_session_summaries=enable_session_summaries,
            add_session_summary_to_context=add_session_summary_to_context,
            session_summary_manager=session_summary_manager,
            retries=retries,
            delay_between_retries=delay_between_retries,
            exponential_backoff=exponential_backoff,
            followups=followups,
            num_followups=num_followups,
            followup_model=followup_model,
            pre_hooks=pre_hooks,
            post_hooks=post_hooks,
        )
        self._cached_sessions: dict[str, AgentSession] = {}
        self.model_hooks = list(model_hooks) if model_hooks else None
        self.debug_mode = debug_mode
        self.telemetry = telemetry
        self._init_run_state(debug_mode)

    def _make_ctx(self, **kwargs: Any) -> RunContext:
        ctx = super()._make_ctx(**kwargs)
        self._ran_in(ctx.output.session_id)
        return ctx

    def _ran_in(self, session_id: str) -> None:
        self._last_session_id = session_id
        if self._cached_sessions:
            # This run changes the session: the next get_session() reads it afresh.
            self._cached_sessions.pop(session_id, None)
