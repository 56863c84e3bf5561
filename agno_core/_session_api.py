"""What agents and teams answer from their storage: session metrics, chat history, user
memories, session names; and printing a run's answer (``print_response``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agno_core._session_name import SessionNameApi
from agno_core._session_summary import read_summary
from agno_core._sync import run_sync
from agno_core.metrics import SessionMetrics
from agno_core.run._options import SYNC_API
from agno_core.run.base import RunStatus
from agno_core.session._messages import HISTORY_SKIP_STATUSES, select_messages

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb
    from agno_core.memory import UserMemory
    from agno_core.models.message import Message
    from agno_core.run._output import RunOutput
    from agno_core.session.summary import SessionSummary

__all__ = ["SessionApi", "drop_display_options", "kept_statuses", "print_answer", "writer"]


class SessionApi(SessionNameApi):
    """Mixed into `RunnerBase`; reads ``self.db``, ``self.session_id`` and ``self.user_id``."""

    __slots__ = ()

    db: SqlDb | None
    session_id: str | None
    user_id: str | None

    # -- session metrics -----------------------------------------------------------------------
    async def aget_session_metrics(self, session_id: str | None = None) -> SessionMetrics:
        """Metrics of a session (default: this agent's), summed over its stored top-level runs
        (a team run's totals include its member runs).

        Raises:
            ValueError: no session id given and none set yet ("Session ID is not set"), no db,
                or no such session ("Session not found"), as Agno raises.
        """
        sid = session_id or self.session_id
        if sid is None:
            raise ValueError("Session ID is not set")
        if self.db is None:
            raise ValueError(
                "Session not found: session metrics are computed from stored runs, give it a db"
            )
        if await self.db.aget_session_data(sid) is None:
            raise ValueError(f"Session not found: {sid!r}")
        return await self.db.asession_metrics(sid)

    def get_session_metrics(self, session_id: str | None = None) -> SessionMetrics:
        """Synchronous `aget_session_metrics`."""
        return run_sync(self.aget_session_metrics(session_id))

    async def _require_session(self, sid: str) -> SqlDb:
        """The db, once it is known to hold session ``sid``.

        Raises:
            ValueError: no db, or no such session ("Session not found"), as Agno raises.
        """
        if self.db is None or await self.db.aget_session_data(sid) is None:
            raise ValueError(f"Session not found: {sid!r}")
        return self.db

    async def _message_runs(
        self, sid: str, *, last_n_runs: int | None, statuses: list[RunStatus] | None
    ) -> list[RunOutput]:
        """The stored runs whose messages this runner reads, oldest first: the session's
        top-level runs; for an agent in a team's session, its own runs there (its member runs
        included), as Agno reads a member agent's messages."""
        assert self.db is not None
        if last_n_runs is not None and last_n_runs <= 0:
            return []
        runs = await self.db.aget_session_runs(sid, limit=last_n_runs, statuses=statuses)
        if getattr(self, "kind", "agent") == "agent" and any(r.is_team for r in runs):
            runs = await self.db.aget_session_runs(
                sid,
                limit=last_n_runs,
                statuses=statuses,
                top_level_only=False,
                agent_id=getattr(self, "id", None),
            )
        return runs

    # -- chat history --------------------------------------------------------------------------
    async def aget_chat_history(
        self, session_id: str | None = None, last_n_runs: int | None = None
    ) -> list[Message]:
        """The user and assistant messages of a session (default: this agent's), oldest first.

        Args:
            session_id: The session (default: the agent's ``session_id``).
            last_n_runs: Only the latest runs' messages.

        Returns:
            The messages; none when no session id is given or set (as Agno, which logs a
            warning).

        Raises:
            ValueError: no such session, or no db ("Session not found"), as Agno raises.
        """
        sid = session_id or self.session_id
        if sid is None:
            return []
        await self._require_session(sid)
        runs = await self._message_runs(sid, last_n_runs=last_n_runs, statuses=None)
        return [
            message
            for run in runs
            for message in run.messages
            if message.role in ("user", "assistant") and not message.from_history
        ]

    def get_chat_history(
        self, session_id: str | None = None, last_n_runs: int | None = None
    ) -> list[Message]:
        """Synchronous `aget_chat_history`."""
        return run_sync(self.aget_chat_history(session_id, last_n_runs))

    async def aget_session_messages(
        self,
        session_id: str | None = None,
        last_n_runs: int | None = None,
        limit: int | None = None,
        skip_roles: list[str] | None = None,
        skip_statuses: list[RunStatus] | None = None,
        skip_history_messages: bool = True,
    ) -> list[Message]:
        """A session's stored messages (default: this agent's session), as in Agno; a member
        agent reading its team's session gets its own messages there.

        Args:
            session_id: The session (default: the agent's ``session_id``).
            last_n_runs: Only the latest runs.
            limit: At most this many messages (the system message first, then the latest).
            skip_roles: Leave out these roles.
            skip_statuses: Leave out runs with these statuses (default: paused, cancelled,
                error).
            skip_history_messages: Leave out messages a run replayed from earlier runs.

        Returns:
            The messages; none when no session id is given or set (as Agno).

        Raises:
            ValueError: no such session, or no db ("Session not found"), as Agno raises.
        """
        sid = session_id or self.session_id
        if sid is None:
            return []
        await self._require_session(sid)
        runs = await self._message_runs(
            sid, last_n_runs=last_n_runs, statuses=kept_statuses(skip_statuses)
        )
        return select_messages(
            runs, limit=limit, skip_roles=skip_roles, skip_history_messages=skip_history_messages
        )

    def get_session_messages(
        self,
        session_id: str | None = None,
        last_n_runs: int | None = None,
        limit: int | None = None,
        skip_roles: list[str] | None = None,
        skip_statuses: list[RunStatus] | None = None,
        skip_history_messages: bool = True,
    ) -> list[Message]:
        """Synchronous `aget_session_messages`."""
        return run_sync(
            self.aget_session_messages(
                session_id, last_n_runs, limit, skip_roles, skip_statuses, skip_history_messages
            )
        )

    async def aget_last_run_output(self, session_id: str | None = None) -> RunOutput | None:
        """This agent's latest stored top-level run in the session (default: this agent's
        session); as in Agno, another agent's runs in a shared session do not count.

        Raises:
            ValueError: no session id given and none set yet ("No session_id provided"), as
                Agno raises.
        """
        sid = session_id or self.session_id
        if sid is None:
            raise ValueError("No session_id provided")
        if self.db is None:
            return None
        mine = getattr(self, "id", None) if getattr(self, "kind", "agent") == "agent" else None
        # An agent's latest run may be a member run of a team's (as in Agno).
        runs = await self.db.aget_session_runs(
            sid, limit=1, agent_id=mine, top_level_only=mine is None
        )
        return runs[-1] if runs else None

    def get_last_run_output(self, session_id: str | None = None) -> RunOutput | None:
        """Synchronous `aget_last_run_output`."""
        return run_sync(self.aget_last_run_output(session_id))

    async def adelete_session(
        self, session_id: str, user_id: str | None = None, delete_media: bool = False
    ) -> None:
        """Delete a session and its stored runs (member runs included).

        Args:
            session_id: The session.
            user_id: Only if the session belongs to this user.
            delete_media: Accepted for Agno's signature: agno_core stores no media to delete.
        """
        cached: dict[str, Any] | None = getattr(self, "_cached_sessions", None)
        if cached:
            cached.pop(session_id, None)
        if self.db is not None:
            await self.db.adelete_session(session_id, user_id)

    def delete_session(
        self, session_id: str, user_id: str | None = None, delete_media: bool = False
    ) -> None:
        """Synchronous `adelete_session`."""
        run_sync(self.adelete_session(session_id, user_id, delete_media))

    # -- session state -------------------------------------------------------------------------
    async def aget_session_state(self, session_id: str | None = None) -> dict[str, Any]:
        """The session's stored state (default: this agent's session).

        Raises:
            ValueError: no session id given and none set yet ("Session ID is not set"), no db
                or no such session ("Session not found"), as Agno raises.
        """
        sid = session_id or self.session_id
        if sid is None:
            raise ValueError("Session ID is not set")
        state = await self.db.aget_session_state(sid) if self.db is not None else None
        if state is None:
            raise ValueError(f"Session not found: {sid!r} (session state needs a db and a run)")
        return state

    def get_session_state(self, session_id: str | None = None) -> dict[str, Any]:
        """Synchronous `aget_session_state`."""
        return run_sync(self.aget_session_state(session_id))

    async def aupdate_session_state(
        self, session_state_updates: dict[str, Any], session_id: str | None = None
    ) -> dict[str, Any]:
        """Set keys of the session's stored state; returns the new state (a dict, as Agno's
        does at run time)."""
        state = await self.aget_session_state(session_id)
        state.update(session_state_updates)
        assert self.db is not None
        await self.db.aset_session_state(session_id or self.session_id or "", state)
        return state

    def update_session_state(
        self, session_state_updates: dict[str, Any], session_id: str | None = None
    ) -> dict[str, Any]:
        """Synchronous `aupdate_session_state`."""
        return run_sync(self.aupdate_session_state(session_state_updates, session_id))

    # -- session summary -----------------------------------------------------------------------
    async def aget_session_summary(self, session_id: str | None = None) -> SessionSummary | None:
        """The session's stored summary (default: the current session); None before one is
        made (``enable_session_summaries``).

        Raises:
            ValueError: no session id, no db, or no such session.
        """
        sid = session_id or self.session_id
        if sid is None:
            raise ValueError("Session ID is required")
        if self.db is None or await self.db.aget_session_data(sid) is None:
            raise ValueError(f"Session {sid} not found")
        return await read_summary(self.db, sid)

    def get_session_summary(self, session_id: str | None = None) -> SessionSummary | None:
        """Synchronous `aget_session_summary`."""
        return run_sync(self.aget_session_summary(session_id))

    # -- memories ------------------------------------------------------------------------------
    async def aget_user_memories(self, user_id: str | None = None) -> list[UserMemory]:
        """The memories stored for a user (default: this agent's ``user_id`` or "default"),
        oldest first, as `UserMemory` objects (``.memory``, ``.topics``, ``.memory_id``)."""
        if self.db is None:
            return []
        return await self.db.aget_user_memories(user_id or self.user_id or "default")

    def get_user_memories(self, user_id: str | None = None) -> list[UserMemory]:
        """Synchronous `aget_user_memories`."""
        return run_sync(self.aget_user_memories(user_id))

    # -- printing ------------------------------------------------------------------------------
    async def aprint_response(
        self,
        input: Any,
        *,
        stream: bool | None = None,
        markdown: bool | None = None,
        show_message: bool = True,
        console: Any = None,
        **kwargs: Any,
    ) -> None:
        """Run and print the answer (streamed as it comes with ``stream=True``), as in Agno.

        Args:
            input: The user's message.
            stream: Print the answer as it is generated (default: the agent's ``stream``).
            markdown: Render the finished answer as markdown, with ``rich`` when it is installed
                (default: the agent's ``markdown``); a streamed answer is printed as it comes.
            show_message: Print the user's message first (``Message: ...``).
            console: A ``rich`` console to print to instead of stdout.
            **kwargs: Passed to `arun` (``session_id``, ``user_id``, ``session_state``, ...).
                Agno's ``show_reasoning``, ``show_full_reasoning`` and
                ``tags_to_include_in_markdown`` are taken too: agno_core runs produce no
                reasoning to show.
        """
        drop_display_options(kwargs)
        run: Any = self.arun  # type: ignore[attr-defined]
        write = writer(console)
        if show_message and isinstance(input, str):
            write(f"Message: {input}\n")
        stream = getattr(self, "stream", None) if stream is None else stream
        if stream:
            async for event in run(input, stream=True, **kwargs):
                if (
                    event.event in ("RunContent", "TeamRunContent")
                    and event.parent_run_id is None
                    and event.content is not None
                ):
                    write(event.content)
            write("\n")
            return
        output = await run(input, stream=False, **kwargs)
        if output.status is not RunStatus.completed:
            write(f"[{output.status.value}] {output.error or ''}".rstrip() + "\n")
        elif _wants_markdown(self, markdown) and isinstance(output.content, str):
            _print_markdown(output.content, console)
        else:
            write(output.get_content_as_string() + "\n")

    def print_response(self, input: Any, *, stream: bool | None = None, **kwargs: Any) -> None:
        """Synchronous `aprint_response` (its run is a sync run, as `run`'s)."""
        kwargs[SYNC_API] = True
        run_sync(self.aprint_response(input, stream=stream, **kwargs))


def kept_statuses(skip_statuses: list[RunStatus] | None) -> list[RunStatus]:
    """The run statuses whose messages are read: all but ``skip_statuses`` (default: Agno's,
    paused, cancelled and error)."""
    skip = HISTORY_SKIP_STATUSES if skip_statuses is None else tuple(skip_statuses)
    return [status for status in RunStatus if status not in skip]


# Agno's print_response options for what agno_core runs never produce (reasoning).
_DISPLAY_ONLY = ("show_reasoning", "show_full_reasoning", "tags_to_include_in_markdown")


def drop_display_options(kwargs: dict[str, Any]) -> None:
    """Take Agno's reasoning display options out of ``kwargs`` (there is no reasoning to show)."""
    for name in _DISPLAY_ONLY:
        kwargs.pop(name, None)


def print_answer(text: str, *, markdown: bool, console: Any) -> None:
    """A finished answer: rendered as markdown when asked (and ``rich`` is installed), else
    written as it is, to ``console`` or stdout."""
    if markdown:
        _print_markdown(text, console)
    else:
        writer(console)(text + "\n")


def writer(console: Any) -> Any:
    """A function that writes text to ``console`` (a ``rich`` console), or to stdout."""
    if console is None:
        return lambda text: print(text, end="", flush=True)
    return lambda text: console.print(text, end="")


def _wants_markdown(owner: Any, markdown: bool | None) -> bool:
    return bool(getattr(owner, "markdown", False) if markdown is None else markdown)


def _print_markdown(text: str, console: Any) -> None:
    try:
        from rich.console import Console
        from rich.markdown import Markdown
    except ImportError:  # no renderer: markdown is readable as it is
        writer(console)(text + "\n")
        return
    (console or Console()).print(Markdown(text))
