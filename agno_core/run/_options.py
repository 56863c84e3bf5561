"""What one call of ``arun``/``run`` adds to the agent's settings, and the `RunContext` that
tools, tool factories and callable system messages receive (`run._context.public_context`
makes a run's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from agno_core.models.message import Message

__all__ = ["SYNC_API", "RunContext", "RunOptions"]

#: The private ``arun`` keyword the synchronous entry points (``run``) pass: it sets
#: `RunOptions.sync_api`.
SYNC_API = "_sync_api"


@dataclass(kw_only=True, slots=True)
class RunContext:
    """The run a tool is called in, as Agno passes it: declare a ``run_context`` parameter.

    Example:
        >>> def whoami(run_context: RunContext) -> str:
        ...     return f"{run_context.user_id} in {run_context.session_id}"

    Attributes:
        run_id, session_id, user_id: The run's identity.
        dependencies: The run's dependencies (the agent's, updated by ``arun(dependencies=)``).
        metadata: The run's metadata (the agent's, updated by ``arun(metadata=)``).
        output_schema: The run's structured-output model.
        messages: The run's live message list (read it, do not change it).
        tools: The tools a callable tool factory returned for this run.
        session_state: The session's state (a dict, when the agent uses session state; a tool
            may also set one): changes are stored with the session at the end of the run.
    """

    run_id: str
    session_id: str
    user_id: str | None = None
    dependencies: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    output_schema: type[BaseModel] | dict[str, Any] | None = None
    messages: list[Message] | None = None
    tools: list[Any] | None = None
    session_state: dict[str, Any] | None = None


@dataclass(kw_only=True, slots=True)
class RunOptions:
    """Per-call settings (``arun(dependencies=..., metadata=..., add_history_to_context=...)``).

    None means "the agent's setting".
    """

    dependencies: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    add_history_to_context: bool | None = None
    add_dependencies_to_context: bool | None = None
    session_state: dict[str, Any] | None = None
    add_session_state_to_context: bool | None = None
    # False: an incognito run; nothing keyed to the user is read or written (memories,
    # past sessions). The run itself is stored as usual.
    use_user_context: bool = True
    debug_mode: bool | None = None
    additional_instructions: str | None = None
    exclude_history_runs: tuple[str, ...] = ()
    # Started by a synchronous API (``run``): the tool calls of one model response run one
    # after another, as in Agno's sync run; ``arun`` runs them concurrently, as Agno's does.
    sync_api: bool = False
    public: RunContext | None = None
