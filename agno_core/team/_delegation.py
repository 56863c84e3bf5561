"""Running members for the leader: one member, or every member at once (broadcast).

Each delegation is a real run of the member on the one engine, with this team run as its parent
(so a cancel of the team reaches it), its metrics merged into the team run's, and its output in
``member_responses``. What the member receives is the leader's task, or the user's own input
(``determine_input_for_members=False``), after the shared context the team forwards: the
earlier members' results of this run (``share_member_interactions``) and the team's earlier
runs of the session (``add_team_history_to_members``).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from agno_core.run import _events as ev
from agno_core.run._context import public_context
from agno_core.run._engine import HELD_EVENTS, drive, make_event
from agno_core.run._options import RunOptions
from agno_core.run._output import RunOutput, TeamRunOutput, ToolExecution
from agno_core.run._tools import merge_steps
from agno_core.run.base import RunStatus
from agno_core.team._modes import TeamMode

if TYPE_CHECKING:
    from agno_core._runner import RunnerBase
    from agno_core.run._context import RunContext
    from agno_core.team._view import TeamView as Team

__all__ = [
    "DIRECT_CONTENT",
    "answer",
    "failure",
    "run_all_members",
    "run_member",
    "run_members",
    "run_one_member",
]

log = logging.getLogger("agno_core")

# ctx.extra key: the content a route-mode run ends with (the member's own, possibly structured).
DIRECT_CONTENT = "direct_content"
_INTERACTIONS = "member_interactions"
_HISTORY = "team_history"
_DIRECT_ANSWERS = "direct_answers"


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    return json.dumps(value, default=str)


def _shown(content: Any) -> str:
    """A member's non-empty content as the leader reads it: text as written, structured content
    as Agno gives it (``model_dump_json(indent=2)``, or ``json.dumps(indent=2)``)."""
    if isinstance(content, str):
        return content
    if isinstance(content, BaseModel):
        return content.model_dump_json(indent=2)
    return json.dumps(content, indent=2, ensure_ascii=False, default=str)


def _said(result: RunOutput) -> str | None:
    """The member's content as the leader reads it, or None when it wrote nothing."""
    content = result.content
    if content is None or (isinstance(content, str) and not content.strip()):
        return None
    return _shown(content)


def _streamed(result: RunOutput) -> str:
    """What Agno's streamed delegation tool returns for a member: the text of the member's
    content events run together (its content unstripped; structured content compact)."""
    content = result.content
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, BaseModel):
        return content.model_dump_json()
    return json.dumps(content, ensure_ascii=False, default=str)


def answer(result: RunOutput) -> str:
    """What the leader reads of a member's run (its text stripped, as Agno's tool gives it)."""
    said = _said(result)
    if said is None:
        outputs = [t.result for t in result.tools if t.result]
        return ",".join(outputs) if outputs else "The member returned no response."
    return said.strip() if isinstance(result.content, str) else said


def _interactions_text(ctx: RunContext) -> str | None:
    done: list[tuple[str, str, str]] = ctx.extra.get(_INTERACTIONS) or []
    if not done:
        return None
    lines = ["<member_interaction_context>", "See below interactions with other team members."]
    for name, task, response in done:
        lines += [f"Member: {name}", f"Task: {task}", f"Response: {response}", ""]
    # Agno's block ends with a newline, and the parts are then joined by a blank line.
    lines += ["</member_interaction_context>", ""]
    return "\n".join(lines)


async def _team_history_text(team: Team, ctx: RunContext, member: RunnerBase) -> str | None:
    """The team's last ``num_team_history_runs`` completed runs of the session, for a member.

    An agent member gets the session's top-level team runs; a nested team gets its own runs.
    """
    if ctx.db is None or team.num_team_history_runs <= 0:
        return None
    key = member.id if member.kind == "team" else ""
    cache: dict[str, str | None] = ctx.extra.setdefault(_HISTORY, {})
    if key in cache:
        return cache[key]
    limit = team.num_team_history_runs
    session_id = ctx.output.session_id
    completed = (RunStatus.completed,)
    if member.kind == "team":
        found = await ctx.db.aget_session_runs(session_id, statuses=completed, top_level_only=False)
        runs = [r for r in found if r.is_team and r.team_id == member.id][-limit:]
    else:
        runs = await ctx.db.aget_session_runs(session_id, limit=limit, statuses=completed)
    text: str | None = None
    if runs:
        lines = ["<team_history_context>"]
        for number, run in enumerate(runs, 1):
            lines.append(f"[run-{number}]")
            if run.input is not None:
                lines.append(f"input: {_text(run.input_content)}")
            if run.content is not None:
                lines.append(f"response: {run.get_content_as_string()}")
            lines.append("")
        lines += ["</team_history_context>", ""]  # ends with a newline, as Agno's
        text = "\n".join(lines)
    cache[key] = text
    return text


async def _member_input(team: Team, ctx: RunContext, member: RunnerBase, task: str) -> str:
    parts: list[str | None] = []
    if team.share_member_interactions:
        parts.append(_interactions_text(ctx))
    if team.add_team_history_to_members:
        parts.append(await _team_history_text(team, ctx, member))
    # A task of tasks mode is always the leader's own text.
    verbatim = not team.determine_input_for_members and team.mode is not TeamMode.tasks
    parts.append(_text(ctx.output.input_content) if verbatim else task)
    return "\n\n".join(p for p in parts if p)


def _forwards(team: Team, ctx: RunContext) -> bool:
    """Whether the members' events go into the team's event stream: in a streamed run, unless
    ``stream_member_events=False`` (then none do, not even with ``stream_events``, as in Agno)."""
    return ctx.stream and team.stream_member_events


async def _start(team: Team, ctx: RunContext, member: RunnerBase, task: str) -> RunContext:
    text = await _member_input(team, ctx, member, task)
    forward = _forwards(team, ctx)
    # A routed member's answer is the team's answer, so it must meet the team's output schema.
    schema = ctx.output_schema if team.respond_directly and member.output_schema is None else None
    member_ctx = member._make_ctx(
        input=text,
        session_id=ctx.output.session_id,
        user_id=ctx.output.user_id,
        run_id=None,
        output_schema=schema,
        stream=ctx.stream,
        stream_events=forward,
        parent=ctx,
        # Each member run is its own stored run (linked by parent_run_id), as in Agno;
        # store_member_responses only decides whether a team run read back embeds them.
        store=True,
        db=team.db or member.db,
        options=_member_options(ctx),
    )
    if not member_ctx.output.is_team:
        # An agent's run belongs to this team; a nested team's run keeps its own team id.
        member_ctx.output.team_id = team.id
    # Agno's sync team run runs its members with their sync ``run``, its ``arun`` with ``arun``.
    member_ctx.options.sync_api = ctx.options.sync_api
    return member_ctx


def _member_options(ctx: RunContext) -> RunOptions | None:
    """The team run's dependencies and metadata, for a member run (as Agno shares them), and
    its ``add_session_state_to_context`` (a team that shows its state shows it to its members
    too, as Agno passes it on); an incognito team run (``use_user_context=False``) has
    incognito member runs."""
    owner, options = ctx.owner, ctx.options
    shows_state = options.add_session_state_to_context
    if shows_state is None:
        shows_state = owner.add_session_state_to_context
    state_option = True if shows_state else None
    if (
        owner.dependencies is None
        and options.dependencies is None
        and owner.metadata is None
        and options.metadata is None
    ):
        if options.use_user_context and state_option is None:
            return None
        return RunOptions(
            use_user_context=options.use_user_context, add_session_state_to_context=state_option
        )
    run = public_context(ctx)
    return RunOptions(
        dependencies=run.dependencies,
        metadata=run.metadata,
        use_user_context=options.use_user_context,
        add_session_state_to_context=state_option,
    )


def _record(ctx: RunContext, member: RunnerBase, task: str, result: RunOutput) -> None:
    output = ctx.output
    assert isinstance(output, TeamRunOutput)
    output.member_responses.append(result)
    output.metrics.merge(result.metrics)
    if result.status is RunStatus.completed:
        ctx.extra.setdefault(_INTERACTIONS, []).append(
            (member.name or member.id, task, answer(result))
        )


def failure(member: RunnerBase, result: RunOutput) -> str:
    return f"Error: member {member.id} ended {result.status.value}: {result.error}"


def _echo(ctx: RunContext, member_ctx: RunContext, event: ev.BaseRunEvent) -> Any:
    """Route mode: a piece of the member's own answer, as a piece of the team's answer (None
    for any other event), so the team's stream shows the answer as the member writes it (see
    `run_member` for whether the member's own event is passed on as well)."""
    if (
        not isinstance(event, ev.RunContentEvent)
        or event.run_id != member_ctx.output.run_id
        or event.content is None
    ):
        return None
    return make_event(
        ctx,
        ev.RunContentEvent,
        "run_content",
        content=event.content,
        content_type=event.content_type,
    )


def _hold_cancelled(ctx: RunContext, contexts: list[RunContext | None]) -> None:
    """The members' own ``RunCancelled`` events, when the team run was cancelled while they
    ran: the cancel ends them by closing them, so they cannot yield it themselves; the team run
    yields them just before its own (`HELD_EVENTS`), as Agno's stream shows them."""
    if not ctx.active.cancel_requested:
        return  # a member cancelled alone yields its own RunCancelled, and the team goes on
    held = ctx.extra.setdefault(HELD_EVENTS, [])
    for m in contexts:
        if m is not None and m.output.status is RunStatus.cancelled:
            o = m.output
            held.append(
                make_event(
                    m,
                    ev.RunCancelledEvent,
                    "run_cancelled",
                    reason=o.error,
                    run_output=o,
                    content=o.content or o.error,
                )
            )


async def run_member(
    team: Team, ctx: RunContext, member: RunnerBase, task: str, runs: list[RunOutput]
) -> AsyncGenerator[ev.BaseRunEvent, None]:
    """Run ``member`` on ``task`` as a member run of ``ctx``, passing its events through.

    Its output is appended to ``runs`` as soon as it exists (so a caller sees a cancelled run's
    partial output too), and to the team run's ``member_responses`` when it ends. In route mode
    (``respond_directly``) each piece of its answer is also a piece of the team's answer.
    """
    member_ctx = await _start(team, ctx, member, task)
    runs.append(member_ctx.output)
    forward = _forwards(team, ctx)
    echo = team.respond_directly and ctx.stream
    events = drive(member_ctx)
    try:
        async for event in events:
            piece = _echo(ctx, member_ctx, event) if echo else None
            if piece is not None:
                yield piece
            # As in Agno, the piece replaces the member's own event under arun(); run() passes
            # on both (Agno's sync tool loop does not skip it).
            if forward and (piece is None or ctx.options.sync_api):
                yield event
    finally:
        await events.aclose()
        _record(ctx, member, task, member_ctx.output)
        if forward:
            _hold_cancelled(ctx, [member_ctx])


async def run_members(
    team: Team,
    ctx: RunContext,
    jobs: list[tuple[RunnerBase, str]],
    runs: list[RunOutput | None],
) -> AsyncGenerator[ev.BaseRunEvent, None]:
    """Run each ``(member, task)`` of ``jobs`` concurrently, merging their events as they come.

    ``runs[i]`` is set to job ``i``'s output (None if it could not start); the outputs join
    ``member_responses`` in the order of ``jobs``, whatever order they finish in. A cancel of the
    team run cancels every job still running.
    """
    forward = _forwards(team, ctx)
    contexts: list[RunContext | None] = [None] * len(jobs)
    runs[:] = [None] * len(jobs)

    async def run(index: int, member: RunnerBase, task: str) -> AsyncGenerator[Any, None]:
        try:
            member_ctx = await _start(team, ctx, member, task)
            contexts[index] = member_ctx
            runs[index] = member_ctx.output
            events = drive(member_ctx)
            try:
                async for event in events:
                    if forward:
                        yield event
            finally:
                await events.aclose()
        except Exception as exc:  # one member's failure does not end the others
            log.warning("member %s failed outside its run: %s", member.id, exc)

    steps = [run(i, member, task) for i, (member, task) in enumerate(jobs)]
    try:
        async with contextlib.aclosing(merge_steps(steps)) as events:
            async for event in events:
                yield event
    finally:
        for (member, task), member_ctx in zip(jobs, contexts, strict=True):
            if member_ctx is not None:
                _record(ctx, member, task, member_ctx.output)
        if forward:
            _hold_cancelled(ctx, contexts)


async def _one_by_one(
    team: Team, ctx: RunContext, members: list[RunnerBase], task: str, runs: list[RunOutput | None]
) -> AsyncGenerator[ev.BaseRunEvent, None]:
    """Run each member on ``task`` after the one before; ``runs[i]``: member ``i``'s output
    (None if it could not start)."""
    for member in members:
        started: list[RunOutput] = []
        try:
            async with contextlib.aclosing(run_member(team, ctx, member, task, started)) as events:
                async for event in events:
                    yield event
        except Exception as exc:  # one member's failure does not end the others
            log.warning("member %s failed outside its run: %s", member.id, exc)
        runs.append(started[0] if started else None)


async def run_one_member(
    team: Team, ctx: RunContext, execution: ToolExecution, member_id: Any = None, task: Any = None
) -> AsyncIterator[ev.BaseRunEvent]:
    """The ``delegate_task_to_member`` tool: run one member on the task."""
    from agno_core.team._roster import find_member, members_text

    member = find_member(team, str(member_id)) if member_id is not None else None
    if member is None or not isinstance(task, str) or not task.strip():
        execution.tool_call_error = True
        execution.result = (
            f"Error: unknown member {member_id!r}. The members are:\n{members_text(team)}"
            if member is None
            else "Error: the task must be a non-empty string"
        )
        return
    runs: list[RunOutput] = []
    # Closed explicitly: a cancel thrown in at our yield must end the member run now.
    async with contextlib.aclosing(run_member(team, ctx, member, task, runs)) as events:
        async for event in events:
            yield event
    [result] = runs
    if result.status is not RunStatus.completed:
        execution.tool_call_error = True
        execution.result = failure(member, result)
        return
    execution.result = (_streamed(result) or answer(result)) if ctx.stream else answer(result)
    if team.respond_directly:
        # The answer was streamed piece by piece as the member wrote it (see `run_member`).
        _answer_directly(ctx, result)


def _answer_directly(ctx: RunContext, result: RunOutput) -> None:
    """Route mode: the member's content becomes the run's content. When the leader delegated
    to several members in one response, Agno's run ends with their answers run together in
    the order they finished (one member's content stays as it is, structured or not)."""
    answers: list[RunOutput] = ctx.extra.setdefault(_DIRECT_ANSWERS, [])
    answers.append(result)
    if len(answers) == 1:
        ctx.extra[DIRECT_CONTENT] = result.content
        ctx.output.content_type = result.content_type
    else:
        ctx.extra[DIRECT_CONTENT] = "".join(r.get_content_as_string() for r in answers)
        ctx.output.content_type = "str"


async def run_all_members(
    team: Team, ctx: RunContext, execution: ToolExecution, task: Any = None
) -> AsyncIterator[ev.BaseRunEvent]:
    """The ``delegate_task_to_members`` tool: every member on the same task.

    As in Agno, a run started by ``arun`` runs the members concurrently (their events merged
    into the team's stream as they come), one started by ``run`` one after another (so with
    ``share_member_interactions`` each member sees the answers of those before it). Their
    outputs join ``member_responses`` in the order of ``members``.
    """
    if not isinstance(task, str) or not task.strip():
        execution.tool_call_error = True
        execution.result = "Error: the task must be a non-empty string"
        return
    members = list(team.members)
    runs: list[RunOutput | None] = []
    if ctx.options.sync_api:
        steps = _one_by_one(team, ctx, members, task, runs)
    else:
        steps = run_members(team, ctx, [(m, task) for m in members], runs)
    async with contextlib.aclosing(steps) as events:
        async for event in events:
            yield event
    pieces: list[str] = []
    failed = 0
    for index, (member, result) in enumerate(zip(members, runs, strict=True)):
        # Agno's sync tool names a member by its name (even None), its async one falls back
        # to ``agent_<index>``.
        name = member.name or ("None" if ctx.options.sync_api else f"agent_{index}")
        if result is None:
            failed += 1
            pieces.append(f"Agent {name}: Error - the member could not start")
        elif result.status is not RunStatus.completed:
            failed += 1
            pieces.append(f"Agent {name}: {failure(member, result)}")
        elif ctx.stream:
            pieces.append(_streamed(result))
        else:
            pieces.append(f"Agent {name}: {_broadcast_answer(result)}")
    # Agno's tool yields one string per member, and the strings run together.
    execution.result = "".join(pieces)
    execution.tool_call_error = bool(members) and failed == len(members)


def _broadcast_answer(result: RunOutput) -> str:
    """A member's part of the broadcast result: its text as written (not stripped)."""
    said = _said(result)
    if said is not None:
        return said
    if result.content is None and not result.tools:
        return "No response from the member agent."
    return ",".join(t.result or "" for t in result.tools)
