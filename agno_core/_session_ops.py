"""Whole-session operations of an agent, as in Agno: read a session (`get_session`), fork it
(`fork_session`) and regenerate its last answer (`regenerate`); and clearing its factories'
caches (`clear_callable_cache`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agno_core._callable_cache import CallableCacheApi
from agno_core._session_fork import fork_session
from agno_core._sync import run_sync
from agno_core.db.base import SessionType
from agno_core.exceptions import NotSupportedError
from agno_core.run._ids import check_id
from agno_core.run._options import RunOptions
from agno_core.run._output import RunOutput
from agno_core.session import AgentSession

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb

__all__ = ["SessionOps"]


class SessionOps(CallableCacheApi):
    """`get_session`, `fork_session`, `regenerate` and `clear_callable_cache` (a base of
    `Agent`)."""

    __slots__ = ()

    db: SqlDb | None
    session_id: str | None
    kind: str
    cache_session: bool
    _cached_sessions: dict[str, AgentSession]

    def _require_db(self, what: str) -> SqlDb:
        if self.db is None:
            raise ValueError(f"{what} reads the stored session: give the agent a db")
        return self.db

    async def aget_session(
        self, session_id: str | None = None, user_id: str | None = None
    ) -> AgentSession | None:
        """The stored session (default: the agent's current one), or None if there is none (or
        no db) or it belongs to another user than ``user_id``. With ``cache_session`` the
        session read is kept and returned again until the agent runs in that session.

        Raises:
            ValueError: no session id given and none set yet ("No session_id provided"), as
                Agno raises.
        """
        sid = session_id or self.session_id
        if sid is None:
            raise ValueError("No session_id provided")
        if self.db is None:
            return None
        check_id("session_id", sid)
        cached = self._cached_sessions.get(sid) if self.cache_session else None
        if cached is None:
            cached = await self._read_session(sid)
            if cached is not None and self.cache_session:
                self._cached_sessions[sid] = cached
        if cached is None or (
            user_id is not None and cached.user_id is not None and cached.user_id != user_id
        ):
            return None
        return cached

    async def _read_session(self, sid: str) -> AgentSession | None:
        # The db's reading of a session (`db.get_session`), with this agent's metadata.
        assert self.db is not None
        session = await self.db.aget_session(sid, SessionType.AGENT)
        if not isinstance(session, AgentSession):
            return None
        session.metadata = getattr(self, "metadata", None)
        return session

    def get_session(
        self, session_id: str | None = None, user_id: str | None = None
    ) -> AgentSession | None:
        """Synchronous `aget_session`."""
        return run_sync(self.aget_session(session_id, user_id))

    @property
    def agent_session(self) -> AgentSession | None:
        """The session of the agent's latest run, as stored (None before any run)."""
        sid = getattr(self, "_last_session_id", None) or self.session_id
        return None if sid is None else self.get_session(sid)

    async def afork_session(
        self, *, source_session_id: str | None = None, user_id: str | None = None
    ) -> str:
        """Copy a session (every run, with new run ids, and its state, name and summary) into a
        new session and return the new session's id; the source is left untouched.

        Args:
            source_session_id: The session to fork (default: the agent's current one).
            user_id: The caller: must own the source session; the copy belongs to this user.

        Raises:
            ValueError: no session id given or set, or no stored runs to fork (no db, no such
                session, or another user's), with Agno's messages.
        """
        return await fork_session(self, source_session_id=source_session_id, user_id=user_id)

    def fork_session(
        self, *, source_session_id: str | None = None, user_id: str | None = None
    ) -> str:
        """Synchronous `afork_session`."""
        return run_sync(self.afork_session(source_session_id=source_session_id, user_id=user_id))

    async def aregenerate(
        self,
        *,
        session_id: str | None = None,
        user_id: str | None = None,
        additional_instructions: str | None = None,
        preserve_original: bool = False,
        stream: bool = False,
        stream_events: bool = False,
    ) -> Any:
        """Answer the session's last input again, from the history before it.

        The last run is deleted from the session first; with ``preserve_original=True`` it
        stays stored (and in the history of later runs) but the new answer does not see it.

        Args:
            session_id: The session (default: the agent's current one).
            user_id: The caller (must own the session).
            additional_instructions: Added to the system message of the new run only.
            preserve_original: Keep the replaced run in storage.
            stream: Return an async iterator of the new run's events instead of its output.
            stream_events: With ``stream``, also the intermediate events.
        """
        db = self._require_db("regenerate")
        session = await self.aget_session(session_id, user_id)
        if session is None or not session.runs:
            raise ValueError(f"session {session_id or self.session_id!r} has no run to regenerate")
        last: RunOutput = session.runs[-1]
        if not preserve_original:
            await db.adelete_run(last.run_id)
        opts: dict[str, Any] = {
            "input": last.input_content,
            "session_id": session.session_id,
            "user_id": user_id or last.user_id,
            "run_id": None,
            "output_schema": None,
            "options": RunOptions(
                additional_instructions=additional_instructions,
                exclude_history_runs=(last.run_id,),
            ),
        }
        if stream:
            return self._arun_stream(stream_events=stream_events, **opts)  # type: ignore[attr-defined]
        return await self._arun_once(stream_events=False, **opts)  # type: ignore[attr-defined]

    def regenerate(
        self,
        *,
        session_id: str | None = None,
        user_id: str | None = None,
        additional_instructions: str | None = None,
        preserve_original: bool = False,
        stream: bool = False,
    ) -> RunOutput:
        """Synchronous `aregenerate` (``stream=True`` is only available there)."""
        if stream:
            raise NotSupportedError(
                "regenerate(stream=True) is not supported by agno_core: use aregenerate()"
            )
        result: RunOutput = run_sync(
            self.aregenerate(
                session_id=session_id,
                user_id=user_id,
                additional_instructions=additional_instructions,
                preserve_original=preserve_original,
            )
        )
        return result
