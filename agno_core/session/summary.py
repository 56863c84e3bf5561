"""Session summaries, as Agno's ``agno.session.summary``: a model call that sums up a session.

With ``Agent(enable_session_summaries=True)``, after each run the summary model (the
`SessionSummaryManager`'s, else the agent's) reads the session's conversation and returns a
`SessionSummaryResponse` (structured output); the `SessionSummary` is stored with the session
(``session_data["session_summary"]``), read back with ``agent.get_session_summary()``, and put into
the system message of later runs (``add_session_summary_to_context``, on by default then).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import uuid4

from pydantic import BaseModel, Field, ValidationError

from agno_core.models._complete import acomplete
from agno_core.models.base import ModelRequest
from agno_core.models.message import Message
from agno_core.models.utils import get_model
from agno_core.run.base import RunStatus
from agno_core.session._summary import SessionSummary

if TYPE_CHECKING:
    from agno_core.models.base import Model, ModelResult
    from agno_core.session._session import AgentSession

__all__ = ["SessionSummary", "SessionSummaryManager", "SessionSummaryResponse"]

log = logging.getLogger("agno_core")

_PROMPT = (
    "You keep notes on a conversation between a user and an assistant. Read it and reply with:\n"
    "- summary: a short account of what matters for the next conversations with this user "
    "(facts about the user, requests, decisions); nothing that is not in the conversation.\n"
    "- topics: the topics discussed.\n"
)


class SessionSummaryResponse(BaseModel):
    """What the summary model replies (structured output)."""

    summary: str = Field(..., description="Concise summary of the session's important facts")
    topics: list[str] | None = Field(None, description="Topics discussed in the session")


@dataclass
class SessionSummaryManager:
    """How session summaries are made.

    Args:
        model: The summary model (default: the agent's).
        session_summary_prompt: Replaces the built-in instructions of the summary call.
        summary_request_message: The user message of the summary call.
        last_n_runs: Summarise only the latest runs (default: all).
        conversation_limit: Summarise at most this many of the latest messages.
        id, name: Identify the manager.
    """

    model: Model | str | None = None
    session_summary_prompt: str | None = None
    summary_request_message: str = "Provide the summary of the conversation."
    last_n_runs: int | None = None
    conversation_limit: int | None = None
    id: str | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        if self.id is None:
            self.id = f"session_summary_manager_{uuid4().hex[:8]}"
        for name in ("last_n_runs", "conversation_limit"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"{name} must be a positive integer, got {value}")

    def resolved_model(self) -> Model | None:
        """The manager's own model (a ``"provider:id"`` string is built once), if any."""
        if isinstance(self.model, str):
            self.model = get_model(self.model)
        return self.model

    def summary_messages(self, conversation: list[Message]) -> list[Message] | None:
        """The messages of the summary call for a conversation (None: nothing to summarise)."""
        lines = []
        for message in conversation:
            if message.role == "user" and message.content and message.content.strip():
                lines.append(f"User: {message.content}")
            elif message.role == "assistant" and message.content:
                lines.append(f"Assistant: {message.content}")
        if not lines:
            return None
        prompt = self.session_summary_prompt or _PROMPT
        text = f"{prompt}\n<conversation>\n" + "\n".join(lines) + "\n</conversation>"
        return [
            Message(role="system", content=text),
            Message(role="user", content=self.summary_request_message),
        ]

    async def asummarize(
        self, conversation: list[Message], model: Model
    ) -> tuple[SessionSummary | None, ModelResult | None]:
        """Summarise a conversation with ``model`` (the manager's own model wins): the summary
        (None when there was nothing to summarise or the reply did not parse) and the call's
        result (for its usage)."""
        messages = self.summary_messages(conversation)
        if messages is None:
            return None, None
        model = self.resolved_model() or model
        request = ModelRequest(messages=messages, output_schema=SessionSummaryResponse)
        result = await acomplete(model, request)
        try:
            parsed = SessionSummaryResponse.model_validate_json(result.content or "")
        except ValidationError as exc:
            log.warning("the session summary could not be read: %s", exc)
            return None, result
        summary = SessionSummary(
            summary=parsed.summary, topics=parsed.topics, updated_at=datetime.now()
        )
        return summary, result

    async def acreate_session_summary(self, session: AgentSession) -> SessionSummary | None:
        """Summarise a session read with ``get_session()`` (its completed runs' messages)."""
        model = self.resolved_model()
        if model is None:
            raise ValueError("SessionSummaryManager needs a model to summarise on its own")
        runs = [r for r in session.runs if r.status is RunStatus.completed]
        if self.last_n_runs is not None:
            runs = runs[-self.last_n_runs :]
        conversation = [m for r in runs for m in r.messages if not m.from_history]
        if self.conversation_limit is not None:
            conversation = conversation[-self.conversation_limit :]
        summary, _ = await self.asummarize(conversation, model)
        return summary

    def create_session_summary(self, session: AgentSession) -> SessionSummary | None:
        """Synchronous `acreate_session_summary`."""
        from agno_core._sync import run_sync

        return run_sync(self.acreate_session_summary(session))
