"""The session API of Agent and Team with no session id (none given, none set yet) and with an
unknown session, as Agno 3.1.10 answers (checked method by method, side by side): what raises,
with Agno's message, and what returns nothing."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from agno_core.agent import Agent
from agno_core.db import SqlDb
from agno_core.models.openai import OpenAIChat
from agno_core.team import Team
from pytest_agno.mock import MockOpenAI

# method name, positional arguments, Agno's message (None: it returns this value instead)
NO_SESSION_ID: list[tuple[str, tuple[Any, ...], str | None, Any]] = [
    ("get_session", (), "No session_id provided", None),
    ("get_last_run_output", (), "No session_id provided", None),
    ("get_session_state", (), "Session ID is not set", None),
    ("update_session_state", ({"k": 1},), "Session ID is not set", None),
    ("get_session_metrics", (), "Session ID is not set", None),
    ("get_session_summary", (), "Session ID is required", None),
    ("get_chat_history", (), None, []),
    ("get_session_messages", (), None, []),
    ("fork_session", (), "source_session_id is required to fork a session.", None),
]

UNKNOWN_SESSION: list[tuple[str, str | None, Any]] = [
    ("get_session", None, None),
    ("get_last_run_output", None, None),
    ("get_chat_history", "Session not found", None),
    ("get_session_messages", "Session not found", None),
    ("get_session_state", "Session not found", None),
    ("get_session_metrics", "Session not found", None),
    ("fork_session", "Source session has no runs to fork.", None),
]


def make(kind: str, db: SqlDb | None, **kwargs: Any) -> Any:
    model = OpenAIChat(id="gpt-4o-mini")
    if kind == "agent":
        return Agent(model=model, db=db, **kwargs)
    return Team(members=[Agent(name="Helper", model=model)], model=model, db=db, **kwargs)


async def call(owner: Any, name: str, args: tuple[Any, ...], *, is_async: bool) -> Any:
    result = getattr(owner, ("a" if is_async else "") + name)(*args)
    return await result if inspect.isawaitable(result) else result


@pytest.mark.parametrize("kind", ["agent", "team"])
@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(("name", "args", "message", "value"), NO_SESSION_ID)
@pytest.mark.parametrize("with_db", [True, False], ids=["db", "no-db"])
async def test_without_a_session_id(
    agno_db: SqlDb,
    kind: str,
    is_async: bool,
    name: str,
    args: tuple[Any, ...],
    message: str | None,
    value: Any,
    with_db: bool,
) -> None:
    owner = make(kind, agno_db if with_db else None)
    if name == "fork_session":
        args = ()
    if message is None:
        assert await call(owner, name, args, is_async=is_async) == value
        return
    with pytest.raises(ValueError, match="^" + message.replace(".", r"\.")):
        await call(owner, name, args, is_async=is_async)


@pytest.mark.parametrize("kind", ["agent", "team"])
@pytest.mark.parametrize(("name", "message", "value"), UNKNOWN_SESSION)
async def test_an_unknown_session(
    mock_model: MockOpenAI, db: SqlDb, kind: str, name: str, message: str | None, value: Any
) -> None:
    owner = make(kind, db, session_id="known")
    await owner.arun("hi")  # a session exists, just not the one asked for
    args: tuple[Any, ...] = () if name == "fork_session" else ("unknown",)
    if name == "fork_session":
        owner.session_id = "unknown"
    if message is None:
        assert await call(owner, name, args, is_async=True) == value
        return
    with pytest.raises(ValueError, match="^" + message.replace(".", r"\.")):
        await call(owner, name, args, is_async=True)


@pytest.mark.parametrize("kind", ["agent", "team"])
async def test_no_db_and_a_session_id_reads_nothing(kind: str) -> None:
    owner = make(kind, None, session_id="s1")
    assert await owner.aget_session() is None
    assert await owner.aget_last_run_output() is None
    with pytest.raises(ValueError, match=r"^Session not found"):
        await owner.aget_chat_history()
    with pytest.raises(ValueError, match=r"^Session not found"):
        owner.get_session_state()


async def test_agent_session_property_is_none_before_any_run() -> None:
    assert make("agent", None).agent_session is None
