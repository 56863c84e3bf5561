"""Naming a session, as Agno's ``set_session_name`` / ``get_session_name`` (Agent and Team).

The name is stored in the session's ``session_data["session_name"]``. ``autogenerate=True`` asks
the agent's (or team leader's) model for a name of at most five words, from the session's
messages, as Agno does: a reply that is empty or too long is asked again, up to three times,
then a fallback is used (the first five words; "New Session" / "Team Session" when empty).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from agno_core._history import session_messages
from agno_core._sync import run_sync
from agno_core.models._complete import acomplete
from agno_core.models.base import ModelRequest
from agno_core.models.message import Message

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb
    from agno_core.models.base import Model

__all__ = ["SessionNameApi"]

log = logging.getLogger("agno_core")

_NAME_PROMPT = (
    "You name conversations. Reply with a short title for the conversation you are given: "
    "at most 5 words, no quotes, nothing else."
)
MAX_NAME_RETRIES = 3
MAX_NAME_WORDS = 5


class SessionNameApi:
    """Mixed into `SessionApi`: the session name methods of Agent and Team."""

    __slots__ = ()

    kind: str
    db: SqlDb | None
    session_id: str | None
    system_message_role: str
    user_message_role: str

    def _resolved_model(self) -> Model:
        raise NotImplementedError  # provided by RunnerBase

    async def aget_session(self, session_id: str | None = None) -> Any:
        raise NotImplementedError  # provided by Agent (SessionOps) and Team (TeamSessionApi)

    def _named_session(self, session_id: str | None) -> tuple[SqlDb, str]:
        sid = session_id or self.session_id
        if sid is None:
            raise ValueError("Session ID is not set: run first or pass session_id")
        if self.db is None:
            raise ValueError("session names are stored with the session: give it a db")
        return self.db, sid

    def generate_session_name(self, session: Any) -> str:
        """Ask the model for a name of ``session`` (a stored session, as `get_session` returns
        it), of at most five words, from its messages; nothing is stored."""
        return run_sync(self._agenerate_session_name(session.session_id))

    async def _agenerate_session_name(self, session_id: str) -> str:
        db, sid = self._named_session(session_id)
        team = self.kind == "team"
        lines = [f"{m.role.upper()}: {m.content}" for m in await session_messages(db, sid)]
        prompt = "The conversation:\n" + "\n".join(lines) + "\n\nIts title:"
        request = ModelRequest(
            messages=[
                Message(role=self.system_message_role, content=_NAME_PROMPT),
                Message(role=self.user_message_role, content=prompt),
            ]
        )
        model = self._resolved_model()
        content: str | None = None
        for attempt in range(MAX_NAME_RETRIES + 1):
            content = (await acomplete(model, request)).content
            if content and len(content.split()) <= MAX_NAME_WORDS:
                return content.replace('"', "").strip()
            if attempt < MAX_NAME_RETRIES:
                log.warning("generated session name %r is empty or too long: retrying", content)
        if not content:
            return "Team Session" if team else "New Session"
        return " ".join(content.replace('"', "").split()[:MAX_NAME_WORDS])

    async def aset_session_name(
        self,
        session_id: str | None = None,
        autogenerate: bool = False,
        session_name: str | None = None,
    ) -> Any:
        """Name a stored session (default: the current one) and return the session, as
        `aget_session` reads it.

        Args:
            session_id: The session (default: the current ``session_id``).
            autogenerate: Ask the model for a name (`generate_session_name`).
            session_name: The name, when not generated.

        Raises:
            ValueError: no session id, no db, no such session, or no name given.
        """
        db, sid = self._named_session(session_id)
        if autogenerate:
            session_name = await self._agenerate_session_name(sid)
        elif session_name is None:
            raise ValueError("No session name provided (give session_name or autogenerate=True)")
        if not await db.aupdate_session_data(sid, session_name=session_name):
            raise ValueError(f"session {sid!r} not found")
        session = await self.aget_session(sid)
        if session is not None:  # a team's cached session too
            session.session_data["session_name"] = session_name
        return session

    def set_session_name(
        self,
        session_id: str | None = None,
        autogenerate: bool = False,
        session_name: str | None = None,
    ) -> Any:
        """Synchronous `aset_session_name`."""
        return run_sync(self.aset_session_name(session_id, autogenerate, session_name))

    async def aget_session_name(self, session_id: str | None = None) -> str:
        """The session's name ("" when it has none).

        Raises:
            ValueError: no session id, no db, or no such session.
        """
        db, sid = self._named_session(session_id)
        data = await db.aget_session_data(sid)
        if data is None:
            raise ValueError(f"session {sid!r} not found")
        name = data.get("session_name")
        return name if isinstance(name, str) else ""

    def get_session_name(self, session_id: str | None = None) -> str:
        """Synchronous `aget_session_name`."""
        return run_sync(self.aget_session_name(session_id))
