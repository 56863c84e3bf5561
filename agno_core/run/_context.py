"""The state of one run while the engine executes it."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from agno_core.run._options import RunOptions
from agno_core.run._output import RunOutput
from agno_core.run._registry import ActiveRun

if TYPE_CHECKING:
    from agno_core._runner import RunnerBase
    from agno_core.db._sql import SqlDb
    from agno_core.models.base import Model

__all__ = ["RunContext"]


@dataclass(kw_only=True, slots=True, eq=False)
class RunContext:
    """Everything the engine needs about one run.

    Attributes:
        owner: The agent or team running it.
        output: The output being built (returned to the caller at the end).
        active: This run's entry in the process registry (task, cancel flag).
        model: The resolved model.
        db: Where the run is stored (None: not stored).
        stream: Call the model in streaming mode.
        stream_events: Emit intermediate events (started, tool calls, memory).
        background: Queued on the owner's scheduler; the row already exists as PENDING.
        output_schema: Structured output model.
        user_supplied_id: The caller chose the run id (a cancel intent may exist for it).
        store: Persist this run (member runs are stored only with store_member_responses).
        parent: The team run's context for a member run.
        options: What the call added (``arun(dependencies=..., metadata=...)``).
    """

    owner: RunnerBase
    output: RunOutput
    active: ActiveRun
    model: Model
    db: SqlDb | None
    stream: bool = False
    stream_events: bool = False
    background: bool = False
    output_schema: type[BaseModel] | None = None
    user_supplied_id: bool = False
    store: bool = True
    parent: RunContext | None = None
    submitted_at: float = field(default_factory=time.perf_counter)
    started_at: float = 0.0
    first_token_at: float | None = None
    slot: asyncio.Semaphore | None = None
    stored: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    options: RunOptions = field(default_factory=RunOptions)

    def mark_first_token(self, at: float | None = None) -> None:
        if self.first_token_at is None:
            self.first_token_at = at if at is not None else time.perf_counter()
