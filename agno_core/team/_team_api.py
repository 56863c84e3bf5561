"""Team methods around what is kept between runs: the factories' caches, the session, its
messages (the leader's, and its members') and forks of it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agno_core._callable_cache import CallableCacheApi
from agno_core._session_api import kept_statuses
from agno_core._session_fork import fork_session
from agno_core._sync import run_sync
from agno_core.session._messages import select_messages
from agno_core.team import _member_factory
from agno_core.team._session import TeamSession, load_team_session

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb
    from agno_core.models.message import Message
    from agno_core.run.base import RunStatus

__all__ = ["TeamSessionApi"]


class TeamSessionApi(CallableCacheApi):
    """Mixed into `Team`: ``clear_callable_cache`` (with the member factory's cache),
    ``get_session`` (with ``cache_session``), ``get_session_messages`` (with the members'
    messages on request) and ``fork_session``."""

    __slots__ = ()

    id: str
    db: SqlDb | None
    session_id: str | None
    kind: str
    cache_session: bool
    _cached_sessions: dict[str, TeamSession]

    def _cached_members(self) -> list[Any]:
        # The member factory's cache (by cache key), read in place: it has no reader of its own.
        cache = _member_factory._caches.get(self) or {}
        return [member for members in cache.values() for member in members]

    def _clear_members_cache(self) -> None:
        _member_factory.clear_members_cache(self)

    async def aget_session(
        self, session_id: str | None = None, user_id: str | None = None
    ) -> TeamSession | None:
        """The stored session (default: the team's ``session_id``): its team runs, with their
        member runs when the team has ``store_member_responses=True``, and its state; None
        when nothing is stored (or no db), or when it belongs to another user than ``user_id``.

        Raises:
            ValueError: no session id given and none set yet ("No session_id provided"), as
                Agno raises.
        """
        sid = session_id or self.session_id
        if not sid:
            raise ValueError("No session_id provided")
        cached = self._cached_sessions.get(sid) if self.cache_session else None
        if cached is None:
            cached = await load_team_session(self, sid)  # type: ignore[arg-type]
            if cached is not None and self.cache_session:
                self._cached_sessions[sid] = cached
        if cached is None or (
            user_id is not None and cached.user_id is not None and cached.user_id != user_id
        ):
            return None
        return cached

    def get_session(
        self, session_id: str | None = None, user_id: str | None = None
    ) -> TeamSession | None:
        """Synchronous `aget_session`."""
        return run_sync(self.aget_session(session_id, user_id))

    async def afork_session(
        self, *, source_session_id: str | None = None, user_id: str | None = None
    ) -> str:
        """Copy a session into a new one and return the new session's id, as Agno's
        ``Team.fork_session``: every team run and member run (new run ids; each member run
        linked to the copy of its team run), and the session's state, name and summary. The
        source is left untouched.

        Args:
            source_session_id: The session to fork (default: the team's current one).
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

    async def aget_session_messages(
        self,
        session_id: str | None = None,
        member_ids: list[str] | None = None,
        last_n_runs: int | None = None,
        limit: int | None = None,
        skip_roles: list[str] | None = None,
        skip_statuses: list[RunStatus] | None = None,
        skip_history_messages: bool = True,
        skip_member_messages: bool = True,
    ) -> list[Message]:
        """The session's stored messages (default: the team's session), as in Agno: the
        leader's, and on request its members'.

        Args:
            session_id: The session (default: the team's ``session_id``).
            member_ids: Only the messages of these members' runs (ids as in the roster);
                ``skip_member_messages`` is then ignored.
            last_n_runs: Only the latest runs.
            limit: At most this many messages (the system message first, then the latest).
            skip_roles: Leave out these roles.
            skip_statuses: Leave out runs with these statuses (default: paused, cancelled,
                error).
            skip_history_messages: Leave out messages a run replayed from earlier runs.
            skip_member_messages: False: the member runs' messages too, each run's after the
                runs started before it (the system message still comes once, first).

        Returns:
            The messages; none when no session id is given or set (as Agno).

        Raises:
            ValueError: no such session, or no db ("Session not found"), as Agno raises.
        """
        sid = session_id or self.session_id
        if sid is None:
            return []
        await self._require_session(sid)  # type: ignore[attr-defined]
        assert self.db is not None
        if last_n_runs is not None and last_n_runs <= 0:
            return []
        statuses = kept_statuses(skip_statuses)
        if member_ids is None and skip_member_messages:
            runs = await self.db.aget_session_runs(sid, limit=last_n_runs, statuses=statuses)
            runs = [r for r in runs if r.team_id in (None, self.id)]
        else:
            found = await self.db.aget_session_runs(sid, statuses=statuses, top_level_only=False)
            # This team's own runs and its direct members' runs (which carry its team id).
            runs = [r for r in found if r.team_id == self.id]
            if member_ids is not None:
                wanted = set(member_ids)
                runs = [r for r in runs if r.parent_run_id is not None and r.agent_id in wanted]
            if last_n_runs is not None:
                runs = runs[-last_n_runs:]
        return select_messages(
            runs, limit=limit, skip_roles=skip_roles, skip_history_messages=skip_history_messages
        )

    def get_session_messages(
        self,
        session_id: str | None = None,
        member_ids: list[str] | None = None,
        last_n_runs: int | None = None,
        limit: int | None = None,
        skip_roles: list[str] | None = None,
        skip_statuses: list[RunStatus] | None = None,
        skip_history_messages: bool = True,
        skip_member_messages: bool = True,
    ) -> list[Message]:
        """Synchronous `aget_session_messages`."""
        return run_sync(
            self.aget_session_messages(
                session_id,
                member_ids,
                last_n_runs,
                limit,
                skip_roles,
                skip_statuses,
                skip_history_messages,
                skip_member_messages,
            )
        )
