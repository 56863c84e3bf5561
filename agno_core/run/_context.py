"""The state of one run while the engine executes it."""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel

from agno_core.run._options import RunContext as PublicContext
from agno_core.run._options import RunOptions
from agno_core.run._output import RunOutput
from agno_core.run._registry import ActiveRun
from agno_core.run._settings import RunSettings

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb
    from agno_core.models.base import Model
    from agno_core.models.message import Message
    from agno_core.run._events import BaseRunEvent
    from agno_core.run._scheduler import RunSlot
    from agno_core.tools import Function

__all__ = ["RunContext", "RunOwner", "public_context"]


class RunOwner(RunSettings, Protocol):
    """What the engine, the prompt and the memory update use of the agent or team running.

    `agno_core._runner.RunnerBase` (so `Agent` and `Team`) is one; naming this instead of it keeps
    the run engine below the runner that drives it. Its settings are `RunSettings`.
    """

    def _system_parts(self, instructions: str | list[str] | None = None) -> list[str]: ...
    def _functions(self) -> dict[str, Function]: ...
    async def _build_messages(self, ctx: RunContext) -> list[Message]: ...
    async def _tools_for_run(self, ctx: RunContext) -> dict[str, Function]: ...
    def _update_memories(self, ctx: RunContext) -> AsyncGenerator[BaseRunEvent, None]: ...
    def _keep_unsaved(self, output: RunOutput) -> None: ...


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

    owner: RunOwner
    output: RunOutput
    active: ActiveRun
    model: Model
    db: SqlDb | None
    stream: bool = False
    stream_events: bool = False
    background: bool = False
    output_schema: type[BaseModel] | dict[str, Any] | None = None
    user_supplied_id: bool = False
    store: bool = True
    parent: RunContext | None = None
    submitted_at: float = field(default_factory=time.perf_counter)
    started_at: float = 0.0
    first_token_at: float | None = None
    slot: RunSlot | None = None
    stored: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    options: RunOptions = field(default_factory=RunOptions)

    def mark_first_token(self, at: float | None = None) -> None:
        if self.first_token_at is None:
            self.first_token_at = at if at is not None else time.perf_counter()


def _merged(base: dict[str, Any] | None, extra: dict[str, Any] | None) -> dict[str, Any] | None:
    if base is None:
        return dict(extra) if extra is not None else None
    return {**base, **(extra or {})}


def public_context(ctx: RunContext) -> PublicContext:
    """The run's public `RunContext` (made on first use, then shared by every tool of the run)."""
    options = ctx.options
    if options.public is None:
        owner = ctx.owner
        o = ctx.output
        options.public = PublicContext(
            run_id=o.run_id,
            session_id=o.session_id,
            user_id=o.user_id,
            dependencies=_merged(owner.dependencies, options.dependencies),
            metadata=_merged(owner.metadata, options.metadata),
            output_schema=ctx.output_schema,
        )
    # The engine replaces the message list once it has built the first one: keep it live.
    options.public.messages = ctx.output.messages
    return options.public
