"""The task list of a team in tasks mode: tasks, their statuses and dependencies."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import Enum

__all__ = ["Task", "TaskList", "TaskStatus", "new_task_id"]


class TaskStatus(str, Enum):
    """Where a task is (Agno's values)."""

    pending = "pending"
    in_progress = "in_progress"
    completed = "completed"
    failed = "failed"
    blocked = "blocked"


_TERMINAL = (TaskStatus.completed, TaskStatus.failed)


def new_task_id() -> str:
    """A new task's id: the first 8 hex digits of a uuid4, as Agno's."""
    return str(uuid.uuid4())[:8]


@dataclass(kw_only=True, slots=True)
class Task:
    """One task of a team's task list (``create_task`` numbers them ``t1``, ``t2``, ...; one
    made directly gets 8 hex digits, as Agno's)."""

    id: str = field(default_factory=lambda: new_task_id())
    title: str
    description: str = ""
    status: TaskStatus = TaskStatus.pending
    assignee: str | None = None
    dependencies: list[str] = field(default_factory=list)
    result: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(kw_only=True, slots=True)
class TaskList:
    """A run's task list: tasks, their dependencies, and whether the goal is complete."""

    tasks: list[Task] = field(default_factory=list)
    goal_complete: bool = False
    completion_summary: str | None = None

    def get(self, task_id: str) -> Task | None:
        return next((t for t in self.tasks if t.id == task_id), None)

    def blocked(self, task: Task) -> bool:
        """A dependency is unknown or not completed yet."""
        for dep_id in task.dependencies:
            dep = self.get(dep_id)
            if dep is None or dep.status is not TaskStatus.completed:
                return True
        return False

    def refresh(self) -> None:
        """Recompute blocked tasks, as Agno does: a pending task waiting for a dependency is
        blocked; a blocked one whose dependency failed fails too (no deadlock), one whose
        dependencies completed is pending again."""
        for task in self.tasks:
            if task.status is TaskStatus.blocked:
                failed_dep = any(
                    (dep := self.get(d)) is not None and dep.status is TaskStatus.failed
                    for d in task.dependencies
                )
                if failed_dep:
                    task.status = TaskStatus.failed
                    task.result = "Automatically failed: a dependency failed."
                elif not self.blocked(task):
                    task.status = TaskStatus.pending
            elif task.status is TaskStatus.pending and self.blocked(task):
                task.status = TaskStatus.blocked

    def all_terminal(self) -> bool:
        return bool(self.tasks) and all(t.status in _TERMINAL for t in self.tasks)

    def summary(self) -> str:
        """The task list as Agno's ``list_tasks`` shows it."""
        if not self.tasks:
            return "No tasks created yet."
        counts: dict[str, int] = {}
        for t in self.tasks:
            counts[t.status.value] = counts.get(t.status.value, 0) + 1
        tally = ", ".join(f"{n} {status}" for status, n in counts.items())
        lines = [f"Tasks ({len(self.tasks)} total: {tally}):"]
        for t in self.tasks:
            who = f" (assigned: {t.assignee})" if t.assignee else " (unassigned)"
            lines.append(f"  [{t.id}] {t.title} - {t.status.value.upper()}{who}")
            if t.dependencies:
                lines.append(f"      Depends on: {t.dependencies}")
            if t.result:
                preview = t.result[:200] + "..." if len(t.result) > 200 else t.result
                lines.append(f"      Result: {preview}")
            lines.extend(f"      Note: {note}" for note in t.notes[-3:])
        if self.goal_complete and self.completion_summary:
            lines.append(f"\nGoal marked complete: {self.completion_summary}")
        return "\n".join(lines)
