"""The Team: a leader model that delegates to member agents through a tool."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from agno_core._runner import RunnerBase
from agno_core.run._context import RunContext
from agno_core.run._engine import drive
from agno_core.run._output import RunOutput, TeamRunOutput, ToolExecution
from agno_core.run._tools import EVENT_STREAM_ATTR
from agno_core.run.base import RunStatus
from agno_core.tools import Function

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb
    from agno_core.models.base import Model

__all__ = ["Team"]

DELEGATE_TOOL = "delegate_task_to_member"


class Team(RunnerBase):
    """A team of agents led by a model that delegates tasks to its members.

    The leader calls the ``delegate_task_to_member`` tool (its schema lists the members' ids and
    roles). Each delegation is a real agent run of that member, with its own `RunOutput`,
    ``run_id`` and ``parent_run_id`` (the team run). The team run's metrics are the leader's own
    model calls plus every member run's totals; ``details["model"]`` holds the leader's calls
    and ``details["member_model"]`` the members'.

    Args:
        members: The member agents (or nested teams), with distinct ids (from their names
            unless given); a duplicate raises ``ValueError``.
        model: The leader's model (default ``OpenAIChat(id="gpt-4o")``).
        name, id, db, description, role, instructions, ...: As for `Agent`.
        store_member_responses: Store the member runs, so that a team run read back from the
            db (``aget_run_output``) carries ``member_responses``.
        tools: Extra tools for the leader.
        Other arguments: as for `Agent`.
    """

    kind = "team"
    __slots__ = ("_delegate", "members", "store_member_responses")

    members: list[RunnerBase]
    store_member_responses: bool
    _delegate: tuple[tuple[str, ...], Function] | None

    def __init__(
        self,
        *,
        members: Sequence[RunnerBase],
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
        store_member_responses: bool = False,
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
        self.members = _checked_members(members)
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
        self.store_member_responses = store_member_responses
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
        self._delegate = None
        if debug_mode:
            from agno_core._logging import enable_debug

            enable_debug()

    # -- hooks into the shared machinery ----------------------------------------------------
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
        if self.members:
            functions[DELEGATE_TOOL] = self._delegate_function()
        return functions

    def _system_parts(self) -> list[str]:
        parts = super()._system_parts()
        if self.members:
            roster = "\n".join(
                f"- {m.id}: {m.name or m.id}" + (f" ({m.role})" if m.role else "")
                for m in self.members
            )
            parts.insert(
                0,
                "You lead a team. Delegate tasks to the member best suited with the "
                f"{DELEGATE_TOOL} tool, then answer the user using their results.\n"
                f"Members:\n{roster}",
            )
        return parts

    # -- delegation --------------------------------------------------------------------------------
    def _member(self, member_id: str) -> RunnerBase | None:
        wanted = member_id.strip().lower()
        for member in self.members:
            if member.id.lower() == wanted or (member.name or "").lower() == wanted:
                return member
        return None

    def _delegate_function(self) -> Function:
        ids = tuple(m.id for m in self.members)
        if self._delegate is not None and self._delegate[0] == ids:
            return self._delegate[1]
        roster = "; ".join(
            f"{m.id}" + (f" ({m.role})" if m.role else (f" ({m.name})" if m.name else ""))
            for m in self.members
        )

        def delegate_task_to_member(member_id: str, task: str) -> str:  # pragma: no cover
            raise RuntimeError("delegation runs through the engine")

        setattr(delegate_task_to_member, EVENT_STREAM_ATTR, self._run_member)
        function = Function(
            name=DELEGATE_TOOL,
            description=(
                f"Give a task to one member of the team and get back its answer. Members: {roster}."
            ),
            parameters={
                "type": "object",
                "properties": {
                    "member_id": {
                        "type": "string",
                        "enum": list(ids),
                        "description": "The id of the member to delegate to.",
                    },
                    "task": {
                        "type": "string",
                        "description": "The task, with all the context the member needs.",
                    },
                },
                "required": ["member_id", "task"],
                "additionalProperties": False,
            },
            entrypoint=delegate_task_to_member,
        )
        self._delegate = (ids, function)
        return function

    async def _run_member(
        self, ctx: RunContext, execution: ToolExecution, member_id: Any = None, task: Any = None
    ) -> AsyncIterator[Any]:
        """Run a member on the task; stream its events when the team streams events."""
        member = self._member(str(member_id)) if member_id is not None else None
        if member is None or not isinstance(task, str) or not task.strip():
            execution.tool_call_error = True
            known = ", ".join(m.id for m in self.members)
            execution.result = (
                f"Error: unknown member {member_id!r} (members: {known})"
                if member is None
                else "Error: the task must be a non-empty string"
            )
            return
        member_ctx = member._make_ctx(
            input=task,
            session_id=ctx.output.session_id,
            user_id=ctx.output.user_id,
            run_id=None,
            output_schema=None,
            stream=ctx.stream,
            stream_events=ctx.stream_events,
            parent=ctx,
            store=self.store_member_responses,
            db=self.db or member.db,
        )
        if not member_ctx.output.is_team:
            # An agent's run belongs to this team; a nested team's run keeps its own team id.
            member_ctx.output.team_id = self.id
        events = drive(member_ctx)
        try:
            async for event in events:
                if ctx.stream_events:
                    yield event
        finally:
            await events.aclose()  # type: ignore[attr-defined]
            output = ctx.output
            assert isinstance(output, TeamRunOutput)
            result = member_ctx.output
            output.member_responses.append(result)
            output.metrics.merge(result.metrics)
        if result.status is RunStatus.completed:
            execution.result = result.get_content_as_string()
        else:
            execution.tool_call_error = True
            execution.result = (
                f"Error: member {member.id} ended {result.status.value}: {result.error}"
            )


def _checked_members(members: Sequence[RunnerBase]) -> list[RunnerBase]:
    """The members as a list; two members with one id could never both be delegated to."""
    checked = list(members)
    seen: set[str] = set()
    for member in checked:
        if not isinstance(member, RunnerBase):
            raise TypeError(
                f"a team's members must be Agents or Teams, not {type(member).__name__}"
            )
        key = member.id.lower()
        if key in seen:
            raise ValueError(
                f"two members of the team have the id {member.id!r}: give them distinct "
                "names or ids, so the leader can tell them apart"
            )
        seen.add(key)
    return checked
