"""Tasks mode (``TeamMode.tasks``): the leader plans a task list and has members execute it.

The leader gets task tools instead of delegation: ``create_task``, ``execute_task``,
``execute_tasks_parallel``, ``list_tasks``, ``update_task_status``, ``add_task_note`` and
``mark_all_complete``. Its run loops: whenever the leader answers without calling a tool, the run
ends if the goal was marked complete, or every task completed (none failed), or a run that
needed no task answered twice; otherwise the leader is shown the task list and continues, for
at most ``max_iterations`` turns. The task list belongs to the run.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from agno_core.run._output import RunOutput, ToolExecution
from agno_core.run._tools import EVENT_STREAM_ATTR
from agno_core.run.base import RunStatus
from agno_core.team._delegation import answer, failure, run_member, run_members
from agno_core.team._task_list import Task, TaskList, TaskStatus
from agno_core.tools import Function

if TYPE_CHECKING:
    from agno_core._runner import RunnerBase
    from agno_core.run._context import RunContext
    from agno_core.run._events import BaseRunEvent
    from agno_core.team._view import TeamView as Team

__all__ = ["next_turn", "task_functions", "task_list"]

log = logging.getLogger("agno_core")

_LIST = "task_list"
_TURNS = "task_turns"


def task_list(ctx: RunContext) -> TaskList:
    """The run's task list (created on first use)."""
    tasks: TaskList | None = ctx.extra.get(_LIST)
    if tasks is None:
        tasks = ctx.extra[_LIST] = TaskList()
    return tasks


# -- the leader's bookkeeping tools ------------------------------------------------------------


async def create_task(
    title: str,
    run_context: RunContext,
    description: str = "",
    assignee: str = "",
    depends_on: list[str] | None = None,
) -> str:
    """Create a task for the team. A title already used returns that task instead.

    Args:
        title: A short, actionable title.
        description: What has to be done, with everything the member needs.
        assignee: The id of the member who should do it.
        depends_on: Ids of tasks that must complete before this one can start.
    """
    tasks = task_list(run_context)
    for existing in tasks.tasks:
        if existing.title.strip().lower() == title.strip().lower():
            return (
                f"Task already exists: [{existing.id}] {existing.title} "
                f"(status: {existing.status.value}). Use this task instead of creating a duplicate."
            )
    task = Task(
        # Agno's ids are 8 random hex digits; predictable ones let a scripted test (and a
        # cassette) name the task its leader executes next.
        id=f"t{len(tasks.tasks) + 1}",
        title=title,
        description=description,
        assignee=assignee or None,
        dependencies=list(depends_on or ()),
    )
    tasks.tasks.append(task)
    tasks.refresh()
    return f"Task created: [{task.id}] {task.title} (status: {task.status.value})"


async def update_task_status(
    task_id: str, status: str, run_context: RunContext, result: str | None = None
) -> str:
    """Set a task's status, e.g. to record work you did yourself.

    Args:
        task_id: The task's id.
        status: One of pending, in_progress, completed, failed.
        result: The outcome, when completing or failing it.
    """
    try:
        new = TaskStatus(status)
    except ValueError:
        return (
            f"Invalid status '{status}'. Must be one of: pending, in_progress, completed, failed."
        )
    if new is TaskStatus.blocked:
        return (
            "Cannot manually set status to 'blocked'. Blocked status is managed automatically "
            "based on task dependencies."
        )
    tasks = task_list(run_context)
    task = tasks.get(task_id)
    if task is None:
        return f"Task with ID '{task_id}' not found."
    task.status = new
    if result is not None:
        task.result = result
    tasks.refresh()
    return f"Task [{task.id}] '{task.title}' updated to {task.status.value}."


async def list_tasks(run_context: RunContext) -> str:
    """List every task with its status, assignee, dependencies and result."""
    return task_list(run_context).summary()


async def add_task_note(task_id: str, note: str, run_context: RunContext) -> str:
    """Add a note to a task (context a later task will need).

    Args:
        task_id: The task's id.
        note: The note.
    """
    task = task_list(run_context).get(task_id)
    if task is None:
        return f"Task with ID '{task_id}' not found."
    task.notes.append(note)
    return f"Note added to task [{task.id}]."


async def mark_all_complete(summary: str, run_context: RunContext) -> str:
    """Mark the goal as achieved; write your answer to the user in the same turn.

    Args:
        summary: What was done and the outcome.
    """
    tasks = task_list(run_context)
    tasks.goal_complete = True
    tasks.completion_summary = summary
    return f"Goal marked as complete. Summary: {summary}"


# -- executing tasks with members ----------------------------------------------------------------


def _runnable(
    team: Team, tasks: TaskList, task_id: str, member_id: str | None, *, parallel: bool = False
) -> Any:
    """``(task, member)`` for a task that can run now, or the reason it cannot (a string, in
    the words of Agno's ``execute_task``, or of its ``execute_tasks_parallel``)."""
    from agno_core.team._roster import find_member, members_text

    task = tasks.get(task_id)
    if task is None:
        return (
            f"Task '{task_id}' not found." if parallel else f"Task with ID '{task_id}' not found."
        )
    if task.status not in (TaskStatus.pending, TaskStatus.in_progress):
        if parallel:
            return f"Task [{task_id}] is {task.status.value}, cannot execute."
        return f"Task [{task_id}] is {task.status.value} and cannot be executed."
    wanted = member_id or task.assignee
    if not wanted:
        return f"Task [{task_id}] has no assignee. Assign a member_id first."
    member = find_member(team, wanted)
    if member is None:
        if parallel:
            return f"Member '{wanted}' not found for task [{task_id}]."
        return f"Member with ID {wanted} not found. Available members:\n{members_text(team)}"
    return task, member


def _settle(task: Task, result: RunOutput, member: RunnerBase) -> str:
    """Record a member's run on its task; the tool's result, as Agno words it."""
    if result.status is not RunStatus.completed:
        task.status = TaskStatus.failed
        task.result = failure(member, result)
        return f"Task [{task.id}] failed: {task.result}"
    task.status = TaskStatus.completed
    content = result.content
    if content is None or content == "":
        task.result = "No content returned"
        return f"Task [{task.id}] completed with no content."
    task.result = content if isinstance(content, str) else answer(result)
    return f"Task [{task.id}] completed. Result: {task.result}"


async def _execute_task(
    ctx: RunContext, execution: ToolExecution, task_id: Any = None, member_id: Any = None
) -> AsyncGenerator[BaseRunEvent, None]:
    team: Team = ctx.owner  # type: ignore[assignment]
    tasks = task_list(ctx)
    found = _runnable(team, tasks, str(task_id), str(member_id) if member_id else None)
    if isinstance(found, str):
        execution.tool_call_error = True
        execution.result = found
        return
    task, member = found
    task.status = TaskStatus.in_progress
    task.assignee = member.id
    runs: list[RunOutput] = []
    text = task.description or task.title
    try:
        async with contextlib.aclosing(run_member(team, ctx, member, text, runs)) as events:
            async for event in events:
                yield event
    finally:
        if runs:
            execution.result = _settle(task, runs[0], member)
        else:
            task.status = TaskStatus.failed
        tasks.refresh()


async def _execute_tasks_parallel(
    ctx: RunContext, execution: ToolExecution, task_ids: Any = None
) -> AsyncGenerator[BaseRunEvent, None]:
    team: Team = ctx.owner  # type: ignore[assignment]
    tasks = task_list(ctx)
    chosen: list[tuple[Task, RunnerBase]] = []
    problems: list[str] = []
    for task_id in task_ids or ():
        found = _runnable(team, tasks, str(task_id), None, parallel=True)
        if isinstance(found, str):
            problems.append(found)
        else:
            chosen.append(found)
    if problems or not chosen:
        execution.tool_call_error = True
        # Agno's tool stops at the first task it cannot run.
        execution.result = problems[0] if problems else "No valid tasks to execute."
        return
    for task, member in chosen:
        task.status = TaskStatus.in_progress
        task.assignee = member.id
    runs: list[RunOutput | None] = []
    jobs = [(member, task.description or task.title) for task, member in chosen]
    try:
        async with contextlib.aclosing(run_members(team, ctx, jobs, runs)) as events:
            async for event in events:
                yield event
    finally:
        lines = []
        for (task, member), result in zip(chosen, runs or [None] * len(chosen), strict=True):
            if result is None:
                task.status = TaskStatus.failed
                lines.append(f"Task [{task.id}] failed: the member could not start.")
            else:
                lines.append(_settle(task, result, member))
        execution.result = "\n".join(lines)
        tasks.refresh()


def _streaming(name: str, description: str, parameters: dict[str, Any], streamer: Any) -> Function:
    def entry(**_: Any) -> str:  # pragma: no cover - the engine calls the streamer instead
        raise RuntimeError("task execution runs through the run engine")

    setattr(entry, EVENT_STREAM_ATTR, streamer)
    return Function(name=name, description=description, parameters=parameters, entrypoint=entry)


_EXECUTE = _streaming(
    "execute_task",
    "Have a member execute one task (its description is the member's input) and get the result.",
    {
        "type": "object",
        "properties": {
            "task_id": {"type": "string", "description": "The task's id."},
            "member_id": {
                "type": "string",
                "description": "The member who executes it (default: the task's assignee).",
            },
        },
        "required": ["task_id"],
        "additionalProperties": False,
    },
    _execute_task,
)
_EXECUTE_PARALLEL = _streaming(
    "execute_tasks_parallel",
    "Execute several independent pending tasks at once, each by its assignee.",
    {
        "type": "object",
        "properties": {
            "task_ids": {
                "type": "array",
                "items": {"type": "string"},
                "description": "The ids of the tasks to run concurrently.",
            },
        },
        "required": ["task_ids"],
        "additionalProperties": False,
    },
    _execute_tasks_parallel,
)


def _bookkeeping(fn: Any) -> Function:
    """A bookkeeping tool whose ``run_context`` is the team run's engine context (where the task
    list lives), not the public `RunContext` a user's tool receives."""
    schema = Function.from_callable(fn)

    async def on_engine(
        ctx: RunContext, execution: ToolExecution, **args: Any
    ) -> AsyncGenerator[BaseRunEvent, None]:
        execution.result = await fn(run_context=ctx, **args)
        return
        yield  # an event stream without events

    return _streaming(schema.name, schema.description, schema.parameters, on_engine)


_BOOKKEEPING = [
    _bookkeeping(fn)
    for fn in (create_task, update_task_status, list_tasks, add_task_note, mark_all_complete)
]


def task_functions() -> list[Function]:
    """The tools of a leader in tasks mode (shared by every team: their state is the run's)."""
    return [_BOOKKEEPING[0], _EXECUTE, _EXECUTE_PARALLEL, *_BOOKKEEPING[1:]]


def next_turn(team: Team, ctx: RunContext) -> str | None:
    """Called when the leader answered without a tool call: None ends the run, else the
    message that shows the leader the task list and sends it back to work."""
    tasks = task_list(ctx)
    turns: dict[str, int] = ctx.extra.setdefault(_TURNS, {"done": 0, "idle": 0, "tools": 0})
    turns["done"] += 1
    called = len(ctx.output.tools) - turns["tools"]
    turns["tools"] = len(ctx.output.tools)
    if tasks.goal_complete:
        return None
    if tasks.all_terminal() and not any(t.status is TaskStatus.failed for t in tasks.tasks):
        return None
    if not tasks.tasks:
        turns["idle"] = turns["idle"] + 1 if called == 0 else 0
        if turns["idle"] >= 2:
            return None
    if turns["done"] >= team.max_iterations:
        log.warning("team %s stopped after max_iterations=%d turns", team.id, team.max_iterations)
        return None
    return (
        f"<current_task_state>\n{tasks.summary()}\n</current_task_state>\n\n"
        "Continue: create, execute or update tasks as needed. When the goal is met, write your "
        "answer and call mark_all_complete."
    )
