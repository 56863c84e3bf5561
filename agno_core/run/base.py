"""Run status, shared by agent and team runs (and `RunContext`, which Agno also exports here)."""

from __future__ import annotations

from enum import Enum

from agno_core.run._options import RunContext

__all__ = ["TERMINAL_STATUSES", "RunContext", "RunStatus"]


class RunStatus(str, Enum):
    """Where a run is in its lifecycle.

    Transitions only go forward: ``pending -> running -> completed | error | cancelled`` (a running
    run may also pause). Stored values are upper-case, as in Agno. A ``str`` that equals its value
    (``RunStatus.completed == "COMPLETED"``) and prints as Agno's does (``RunStatus.completed``);
    ``.value`` is the stored text.
    """

    pending = "PENDING"
    running = "RUNNING"
    completed = "COMPLETED"
    paused = "PAUSED"
    cancelled = "CANCELLED"
    error = "ERROR"

    @property
    def is_terminal(self) -> bool:
        """True for completed, cancelled and error: the run will not change again."""
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset({RunStatus.completed, RunStatus.cancelled, RunStatus.error})
