"""The Team: a leader model that works with member agents (or teams) through tools."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from agno_core._history import messages_limit
from agno_core._options import OPTION_DEFAULTS
from agno_core._run_extras import set_run_extras
from agno_core._run_tools import is_tool_factory
from agno_core._runner import RunnerBase
from agno_core._session_state import load_session_state
from agno_core.models.utils import get_model
from agno_core.run._output import RunOutput, TeamRunOutput
from agno_core.run._pause import refuse_team_hitl
from agno_core.settings import accepts_settings
from agno_core.team._member_factory import is_member_factory, resolve_members
from agno_core.team._member_tools import member_functions
from agno_core.team._modes import TeamMode, resolve_mode
from agno_core.team._roster import checked_members, team_block
from agno_core.team._session import TeamSession
from agno_core.team._tasks import next_turn
from agno_core.team._team_api import TeamSessionApi
from agno_core.team._team_methods import TeamMethods
from agno_core.team._unsupported import (
    UNSUPPORTED_METHODS,
    UnsupportedMethodError,
    reject_parameters,
)
from agno_core.tools import Function

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb
    from agno_core.guardrails import BaseGuardrail
    from agno_core.memory._manager import MemoryManager
    from agno_core.models.base import Model
    from agno_core.models.message import Message
    from agno_core.run._context import RunContext
    from agno_core.run._followups import FollowupConfig
    from agno_core.session.summary import SessionSummaryManager

__all__ = ["Team"]


# Agno's team get_session_messages takes member_ids second: not the agent's signature.
class Team(TeamSessionApi, TeamMethods, RunnerBase):  # type: ignore[misc]
    """A team of agents (or nested teams) led by a model that works with them through tools.

    How the leader uses its members is the ``mode`` (`TeamMode`): ``coordinate`` (default:
    the leader delegates sub-tasks with ``delegate_task_to_member`` and writes the answer),
    ``route`` (one member's answer is the team's answer), ``broadcast`` (one
    ``delegate_task_to_members`` call runs every member on the same task, concurrently) or
    ``tasks`` (the leader plans a task list that members execute, looping until it is done). Each
    delegation is a real run of that member, with its own `RunOutput`, ``run_id`` and
    ``parent_run_id`` (the team run). The team run's metrics are the leader's own model calls
    plus every member run's totals; ``details["model"]`` holds the leader's calls and
    ``details["member_model"]`` the members'.

    Args:
        members: The member agents (or nested teams), with distinct ids (from their names
            unless given); a duplicate raises ``ValueError``. Or a member factory: a callable
            (maybe async) declaring any of ``team``, ``run_context``, ``session_state``, called
            at the start of each run for that run's members, which ``members`` then holds
            (kept in ``members_factory``). Concurrent runs of one team share ``members``: give
            each user or session its own team when the factory's answer differs between them.
        tools: The leader's tools, or a tool factory (a callable returning them per run).
        cache_callables: Keep what the tool and member factories return per cache key
            (default on), instead of calling them each run.
        callable_tools_cache_key, callable_members_cache_key: Callables (taking ``team``,
            ``run_context``, ``session_state`` as they declare) returning the cache key; the
            default key is the run's user id, else its session id.
        model: The leader's model (default ``OpenAIChat(id="gpt-4o")``), or ``"openai:<id>"``;
            a member agent without a model of its own uses it.
        mode: A `TeamMode` (or its value). Sets ``respond_directly`` and
            ``delegate_to_all_members``; without it they choose the mode.
        respond_directly: Route mode: the member's answer ends the run as the team's answer
            (the member gets the team's ``output_schema`` when it has none).
        delegate_to_all_members: Broadcast mode.
        max_iterations: Tasks mode: the most turns the leader gets to finish the task list.
        determine_input_for_members: False: members receive the user's input verbatim instead
            of the leader's task text.
        share_member_interactions: Each member also receives the earlier members' tasks and
            answers of this run.
        add_team_history_to_members: Each member also receives the team's last
            ``num_team_history_runs`` completed runs of the session (input and answer).
        get_member_information_tool: Give the leader a ``get_member_information`` tool.
        add_member_tools_to_context: List each member's tools in the leader's roster.
        store_member_responses: A team run read back from the db (``aget_run_output``,
            ``get_session``) carries its ``member_responses``. Member runs are stored either
            way, as in Agno: each is a run of its own (``parent_run_id``: the team run), read
            back by its run id through the team or the member, and in the member's history.
        stream_member_events: In a streamed team run, pass the members' events through
            (default); False hides every member event, even with ``stream_events=True``. In
            route mode the member's answer streams as the team's own content either way.
        show_members_responses: ``print_response`` also prints each member's answer.
        use_instruction_tags: Put the leader's instructions in ``<instructions>`` tags in its
            system message.
        cache_session: ``get_session()`` keeps the session it read in memory and answers from
            it, until this team runs in that session again (the next call reads it afresh).
        name, id, db, description, role, instructions, ...: As for `Agent`; so are the
            context options (``add_datetime_to_context``, ``system_message_role``,
            ``dependencies``, ``metadata``, ``resolve_in_context``, ...), the history limits
            (``num_history_messages``, ``max_tool_calls_from_history``,
            ``add_cancelled_runs_to_context``), ``tool_choice``,
            ``enable_agentic_memory``, ``memory_manager``, ``enable_user_memories``,
            ``search_past_sessions``, ``read_chat_history``, ``tool_hooks`` (wrapping the
            team's own tools, not the delegation to members) and ``store_tool_messages``/
            ``store_history_messages``: they apply to the leader's own run. Members receive
            the team run's ``dependencies`` and ``metadata`` (merged over their own).
        session_state, add_session_state_to_context, overwrite_db_session_state,
            enable_agentic_state: As for `Agent`, for the team's session. The state is shared:
            each member run (nested teams' members too) works on the team run's state dict,
            so a member's tools (``run_context.session_state``), its ``{name}`` placeholders
            and its ``update_session_state`` tool see and change the one state, which the team
            stores with its session at the end of the run.
        retries, delay_between_retries, exponential_backoff: As for `Agent`: a failed team
            run starts over. The member runs of a failed attempt stay in
            ``member_responses`` and in the metrics (they ran and were paid for).
        output_model, output_model_prompt: As for `Agent`: a second model writes the team's
            final answer from the leader's conversation.
        enable_session_summaries, add_session_summary_to_context, session_summary_manager:
            As for `Agent`, for the team's session (the leader's conversation is summarised).
        followups, num_followups, followup_model: As for `Agent`: suggestions after the
            team's answer.
        pre_hooks, post_hooks: As for `Agent`; a hook declaring ``team`` gets the team.
        stream_tool_call_args: As for `Agent`, for the leader's tool calls (off by default).

    Raises:
        UnsupportedParameterError: An Agno parameter agno_core does not implement (named in
            the message).
    """

    kind = "team"
    __slots__ = (
        "_cached_sessions",
        "_member_tools",
        "add_member_tools_to_context",
        "add_team_history_to_members",
        "cache_session",
        "callable_members_cache_key",
        "delegate_to_all_members",
        "determine_input_for_members",
        "followup_model",
        "followups",
        "get_member_information_tool",
        "max_iterations",
        "members",
        "members_factory",
        "mode",
        "num_followups",
        "num_team_history_runs",
        "post_hooks",
        "pre_hooks",
        "read_chat_history",
        "respond_directly",
        "share_member_interactions",
        "show_members_responses",
        "store_member_responses",
        "stream_member_events",
        "tool_hooks",
        "use_instruction_tags",
    )

    members: list[RunnerBase]
    members_factory: Callable[..., Any] | None
    callable_members_cache_key: Callable[..., Any] | None
    mode: TeamMode
    respond_directly: bool
    delegate_to_all_members: bool
    max_iterations: int
    determine_input_for_members: bool
    share_member_interactions: bool
    add_team_history_to_members: bool
    num_team_history_runs: int
    get_member_information_tool: bool
    add_member_tools_to_context: bool
    store_member_responses: bool
    stream_member_events: bool
    show_members_responses: bool
    use_instruction_tags: bool
    cache_session: bool
    _cached_sessions: dict[str, TeamSession]
    _member_tools: tuple[tuple[Any, ...], list[Function]] | None

    @accepts_settings
    def __init__(
        self,
        members: Sequence[RunnerBase] | Callable[..., Any],
        *,
        model: Model | str | None = None,
        name: str | None = None,
        id: str | None = None,
        mode: TeamMode | str | None = None,
        respond_directly: bool = False,
        delegate_to_all_members: bool = False,
        max_iterations: int = 10,
        determine_input_for_members: bool = True,
        share_member_interactions: bool = False,
        add_team_history_to_members: bool = False,
        num_team_history_runs: int = 3,
        get_member_information_tool: bool = False,
        add_member_tools_to_context: bool = False,
        tools: Sequence[Any] | Callable[..., Any] | None = None,
        db: SqlDb | None = None,
        description: str | None = None,
        role: str | None = None,
        instructions: str | list[str] | Callable[..., Any] | None = None,
        use_instruction_tags: bool = False,
        expected_output: str | None = None,
        additional_context: str | None = None,
        markdown: bool = False,
        system_message: str | Message | Callable[..., Any] | None = None,
        system_message_role: str = "system",
        add_datetime_to_context: bool = False,
        add_location_to_context: bool = False,
        add_name_to_context: bool = False,
        datetime_format: str | None = None,
        timezone_identifier: str | None = None,
        dependencies: dict[str, Any] | None = None,
        add_dependencies_to_context: bool = False,
        resolve_in_context: bool = True,
        metadata: dict[str, Any] | None = None,
        output_schema: type[BaseModel] | dict[str, Any] | None = None,
        session_id: str | None = None,
        user_id: str | None = None,
        store_member_responses: bool = False,
        stream_member_events: bool = True,
        show_members_responses: bool = False,
        add_history_to_context: bool = False,
        num_history_runs: int | None = None,
        num_history_messages: int | None = None,
        max_tool_calls_from_history: int | None = None,
        add_cancelled_runs_to_context: bool = False,
        search_past_sessions: bool = False,
        read_chat_history: bool = False,
        num_past_sessions_to_search: int | None = None,
        num_past_session_runs_in_search: int | None = None,
        update_memory_on_run: bool = False,
        enable_user_memories: bool | None = None,
        add_memories_to_context: bool | None = None,
        memory_model: Model | None = None,
        memory_manager: MemoryManager | None = None,
        enable_agentic_memory: bool = False,
        tool_call_limit: int | None = None,
        tool_choice: str | dict[str, Any] | None = None,
        tool_hooks: Sequence[Callable[..., Any]] | None = None,
        session_state: dict[str, Any] | None = None,
        add_session_state_to_context: bool = False,
        overwrite_db_session_state: bool = False,
        enable_agentic_state: bool = False,
        cache_callables: bool = True,
        callable_tools_cache_key: Callable[..., Any] | None = None,
        callable_members_cache_key: Callable[..., Any] | None = None,
        cache_session: bool = False,
        store_tool_messages: bool = True,
        store_history_messages: bool = False,
        output_model: Model | str | None = None,
        output_model_prompt: str | None = None,
        enable_session_summaries: bool = False,
        add_session_summary_to_context: bool | None = None,
        session_summary_manager: SessionSummaryManager | None = None,
        retries: int = 0,
        delay_between_retries: float = 1,
        exponential_backoff: bool = False,
        followups: bool | FollowupConfig = False,
        num_followups: int | None = None,
        followup_model: Model | None = None,
        pre_hooks: Sequence[Callable[..., Any] | BaseGuardrail] | None = None,
        post_hooks: Sequence[Callable[..., Any] | BaseGuardrail] | None = None,
        stream: bool | None = None,
        stream_events: bool | None = None,
        stream_tool_call_args: bool = False,
        background_concurrency: int = 100,
        debug_mode: bool = False,
        telemetry: bool = True,
        **unsupported: Any,
    ) -> None:
        if unsupported:
            reject_parameters("Team", unsupported)
        if is_member_factory(members):
            self.members_factory = members  # type: ignore[assignment]
            self.members = []
        else:
            self.members_factory = None
            self.members = checked_members(members)  # type: ignore[arg-type]
        self.mode, self.respond_directly, self.delegate_to_all_members = resolve_mode(
            mode, respond_directly, delegate_to_all_members
        )
        self.max_iterations = max_iterations
        self.determine_input_for_members = determine_input_for_members
        self.share_member_interactions = share_member_interactions
        self.add_team_history_to_members = add_team_history_to_members
        self.num_team_history_runs = num_team_history_runs
        self.get_member_information_tool = get_member_information_tool
        self.add_member_tools_to_context = add_member_tools_to_context
        self.store_member_responses = store_member_responses
        self.stream_member_events = stream_member_events
        self.show_members_responses = show_members_responses
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
        self.use_instruction_tags = use_instruction_tags
        self.expected_output = expected_output
        self.additional_context = additional_context
        self.markdown = markdown
        self.system_message = system_message
        self.output_schema = output_schema
        self.session_id = session_id
        self.user_id = user_id
        self.system_message_role = system_message_role
        self.add_datetime_to_context = add_datetime_to_context
        self.add_location_to_context = add_location_to_context
        self.add_name_to_context = add_name_to_context
        self.datetime_format = datetime_format
        self.timezone_identifier = timezone_identifier
        self.dependencies = dependencies
        self.add_dependencies_to_context = add_dependencies_to_context
        self.resolve_in_context = resolve_in_context
        self.metadata = metadata
        self.add_history_to_context = add_history_to_context
        self.num_history_runs = num_history_runs
        self.num_history_messages = messages_limit(num_history_runs, num_history_messages)
        self.max_tool_calls_from_history = max_tool_calls_from_history
        self.add_cancelled_runs_to_context = add_cancelled_runs_to_context
        self.search_past_sessions = search_past_sessions
        self.read_chat_history = read_chat_history
        self.num_past_sessions_to_search = num_past_sessions_to_search
        self.num_past_session_runs_in_search = num_past_session_runs_in_search
        # Agno 2.x's name of update_memory_on_run.
        self.update_memory_on_run = update_memory_on_run or bool(enable_user_memories)
        self.memory_manager = memory_manager
        if memory_manager is not None:  # as for Agent: the team's db, memories in context
            memory_manager.db = memory_manager.db or db
            if add_memories_to_context is None:
                add_memories_to_context = True
        self.add_memories_to_context = add_memories_to_context
        self.memory_model = memory_model
        self.enable_agentic_memory = enable_agentic_memory
        self.tool_call_limit = tool_call_limit
        self.tool_choice = tool_choice
        self.tool_hooks = list(tool_hooks) if tool_hooks is not None else None
        self.session_state = session_state
        self.add_session_state_to_context = add_session_state_to_context
        self.overwrite_db_session_state = overwrite_db_session_state
        self.enable_agentic_state = enable_agentic_state
        self.cache_callables = cache_callables
        self.callable_tools_cache_key = callable_tools_cache_key
        self.callable_members_cache_key = callable_members_cache_key
        self.cache_session = cache_session
        self._cached_sessions = {}
        self.store_tool_messages = store_tool_messages
        self.store_history_messages = store_history_messages
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
        self.stream = stream
        self.stream_events = stream_events
        self.stream_tool_call_args = stream_tool_call_args
        self.background_concurrency = background_concurrency
        self.debug_mode = debug_mode
        self.telemetry = telemetry
        self._member_tools = None
        self._init_run_state(debug_mode)

    if not TYPE_CHECKING:  # for mypy, a Team keeps only the attributes it declares

        def __getattr__(self, name: str) -> Any:
            if name in UNSUPPORTED_METHODS:
                raise UnsupportedMethodError(f"Team.{name}() is not supported by agno_core")
            if name in OPTION_DEFAULTS:  # an Agno option Team does not take: its default
                return OPTION_DEFAULTS[name]
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # -- hooks into the shared machinery ----------------------------------------------------
    def _make_ctx(self, **kwargs: Any) -> RunContext:
        self.initialize_team()
        if kwargs.get("parent") is None:
            refuse_team_hitl(self)  # a team run cannot pause for a person
        ctx = super()._make_ctx(**kwargs)
        if self._cached_sessions:
            # This run changes the session: the next get_session() reads it afresh.
            self._cached_sessions.pop(ctx.output.session_id, None)
        if self.mode is TeamMode.tasks:
            ctx.extra["next_turn"] = partial(next_turn, self)
        return ctx

    async def _build_messages(self, ctx: RunContext) -> list[Message]:
        if self.members_factory is not None:
            # The factory may read the run's session state: load it first.
            await load_session_state(self, ctx)
            self.members = await resolve_members(self, ctx)
            self.initialize_team()
        return await super()._build_messages(ctx)

    def _new_output(self, **kwargs: Any) -> RunOutput:
        return TeamRunOutput(team_id=self.id, team_name=self.name, **kwargs)

    def _snapshot(self, output: RunOutput) -> RunOutput:
        snapshot = super()._snapshot(output)
        if isinstance(snapshot, TeamRunOutput):
            snapshot.team_name = self.name
        return snapshot

    def _reads_members(self) -> bool:
        return self.store_member_responses

    def _functions(self) -> dict[str, Function]:
        functions = dict(super()._functions())
        key = (
            tuple(self.members),
            self.mode,
            self.respond_directly,
            self.delegate_to_all_members,
            self.get_member_information_tool,
        )
        cached = self._member_tools
        if cached is None or cached[0] != key:
            cached = (key, member_functions(self))
            self._member_tools = cached
        for function in cached[1]:
            functions[function.name] = function
        return functions

    def _system_parts(self, instructions: str | list[str] | None = None) -> list[str]:
        # As in Agno: the leader's identity first, then its team.
        parts = super()._system_parts(instructions)
        if self.members:
            parts.append(team_block(self) + "\n\n")
        return parts
