"""Team methods around what is kept between runs: the factories' caches and the session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agno_core._run_tools import clear_factory_cache
from agno_core._sync import run_sync
from agno_core.team._member_factory import clear_members_cache
from agno_core.team._session import TeamSession, load_team_session
from agno_core.team._unsupported import UnsupportedParameterError

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb

__all__ = ["TeamSessionApi"]


class TeamSessionApi:
    """Mixed into `Team`: ``clear_callable_cache`` and ``get_session`` (with ``cache_session``)."""

    __slots__ = ()

    id: str
    db: SqlDb | None
    session_id: str | None
    cache_session: bool
    _cached_sessions: dict[str, TeamSession]

    def clear_callable_cache(self, kind: str | None = None, close: bool = False) -> None:
        """Forget what the tool factory (``kind="tools"``) or the member factory
        (``"members"``) returned; every cache without ``kind``.

        Raises:
            ValueError: an unknown ``kind``.
            UnsupportedParameterError: ``close=True`` (closing cached tools).
        """
        if close:
            raise UnsupportedParameterError(
                "Team.clear_callable_cache(close=True) is not supported by agno_core"
            )
        if kind not in (None, "tools", "members", "knowledge"):
            raise ValueError(
                f"Invalid kind: {kind!r}. Expected 'tools', 'knowledge', 'members', or None."
            )
        if kind in (None, "tools"):
            clear_factory_cache(self)  # type: ignore[arg-type]
        if kind in (None, "members"):
            clear_members_cache(self)

    async def aclear_callable_cache(self, kind: str | None = None, close: bool = False) -> None:
        """`clear_callable_cache` (async twin, as in Agno)."""
        self.clear_callable_cache(kind, close)

    async def aget_session(self, session_id: str | None = None) -> TeamSession | None:
        """The stored session (default: the team's ``session_id``): its team runs, with their
        member runs when the team stores them, and its state; None when nothing is stored."""
        sid = session_id or self.session_id
        if not sid:
            return None
        cached = self._cached_sessions.get(sid) if self.cache_session else None
        if cached is not None:
            return cached
        session = await load_team_session(self, sid)  # type: ignore[arg-type]
        if session is not None and self.cache_session:
            self._cached_sessions[sid] = session
        return session

    def get_session(self, session_id: str | None = None) -> TeamSession | None:
        """Synchronous `aget_session`."""
        return run_sync(self.aget_session(session_id))
