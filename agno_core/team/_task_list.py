"""The task list of a team in tasks mode: tasks, their statuses and dependencies."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

__all__ = ["Task", "TaskList", "TaskStatus"]


class TaskStatus(str, Enum):
    """Where a task is (Agno's values)."""

    pending = "pending"
    in_progress = "in_progress"
    completed = "completed"
    failed = "failed"
    blocked = "blocked"


_TERMINAL = (TaskStatus.completed, TaskStatus.failed)


@dataclass(kw_only=True, slots=True)
class Task:
    """One task of a team's task list (ids are ``t1``, ``t2``, ... in the order created)."""

    id: str
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
        """Recompute blocked tasks; a task whose dependency failed fails too (no deadlock)."""
        for task in self.tasks:
            if task.status not in (TaskStatus.pending, TaskStatus.blocked):
                continue
            failed_dep = any(
                (dep := self.get(d)) is not None and dep.status is TaskStatus.failed
                for d in task.dependencies
            )
            if failed_dep:
                task.status = TaskStatus.failed
                task.result = "Failed: a task it depends on failed."
            else:
                task.status = TaskStatus.blocked if self.blocked(task) else TaskStatus.pending

    def all_terminal(self) -> bool:
        return bool(self.tasks) and all(t.status in _TERMINAL for t in self.tasks)

    def summary(self) -> str:
        if not self.tasks:
            return "No tasks yet."
        lines = [f"Tasks ({len(self.tasks)}):"]
        for t in self.tasks:
            who = f"assigned to {t.assignee}" if t.assignee else "unassigned"
            lines.append(f"- [{t.id}] {t.title}: {t.status.value} ({who})")
            if t.dependencies:
                lines.append(f"  depends on: {', '.join(t.dependencies)}")
            if t.result:
                lines.append(f"  result: {t.result[:200]}")
            lines.extend(f"  note: {note}" for note in t.notes[-3:])
        if self.goal_complete:
            lines.append(f"Goal complete: {self.completion_summary}")
        return "\n".join(lines)
