"""Agno's session, memory and table methods on the db objects (``db.get_session``,
``db.get_sessions``, ``db.rename_session``, ``db.delete_session(s)``, ``db.get_user_memory``,
``db.delete_user_memories``, ``db.table_exists``), on SQLite and a real PostgreSQL."""

from __future__ import annotations

import inspect
import time
from pathlib import Path
from typing import Any

import pytest

from agno_core.agent import Agent
from agno_core.db import SessionType as SessionTypeAlias
from agno_core.db import SqlDb, StorageError
from agno_core.db.base import SessionType
from agno_core.db.postgres import AsyncPostgresDb, PostgresDb
from agno_core.db.sqlite import AsyncSqliteDb, SqliteDb
from agno_core.exceptions import NotSupportedError
from agno_core.memory import UserMemory
from agno_core.models.openai import OpenAIChat
from agno_core.run.agent import RunOutput
from agno_core.run.base import RunStatus
from agno_core.run.team import TeamRunOutput
from agno_core.session import AgentSession
from agno_core.team import Team
from pytest_agno.mock import MockOpenAI

LEADER, MEMBER = "gpt-4o", "gpt-4o-mini"


@pytest.fixture(params=["sqlite_db", "pg_db"])
def db(request: pytest.FixtureRequest) -> SqlDb:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def _agent(db: SqlDb, name: str = "Helper") -> Agent:
    return Agent(name=name, model=OpenAIChat(id=MEMBER), db=db)


def _team(db: SqlDb) -> Team:
    weather = Agent(name="Weather", role="Knows the weather", model=OpenAIChat(id=MEMBER))
    return Team(
        name="Travel",
        members=[weather],
        model=OpenAIChat(id=LEADER),
        db=db,
        store_member_responses=True,
    )


async def _team_run(team: Team, mock_model: MockOpenAI, session_id: str) -> TeamRunOutput:
    task = {"member_id": "weather", "task": "Weather in Paris?"}
    mock_model.add_tool_call("delegate_task_to_member", task, model=LEADER)
    mock_model.add_text("Sunny.", model=MEMBER)
    mock_model.add_text("It is sunny in Paris.", model=LEADER)
    run = await team.arun("Weather?", session_id=session_id, user_id="ann")
    assert isinstance(run, TeamRunOutput) and run.status is RunStatus.completed
    return run


def test_session_type_is_agnos() -> None:
    assert SessionTypeAlias is SessionType
    assert [(t.name, t.value) for t in SessionType] == [
        ("AGENT", "agent"),
        ("TEAM", "team"),
        ("WORKFLOW", "workflow"),
    ]
    assert SessionType.AGENT == "agent" and SessionType("team") is SessionType.TEAM


# -- get_session ---------------------------------------------------------------------------------


async def test_get_session_is_the_agents_session(db: SqlDb, mock_model: MockOpenAI) -> None:
    agent = _agent(db)
    first = await agent.arun("hi", session_id="s1", user_id="ann", session_state={"n": 1})
    second = await agent.arun("again", session_id="s1", user_id="ann")

    session = await db.aget_session("s1", SessionType.AGENT)

    assert isinstance(session, AgentSession)
    assert [r.run_id for r in session.runs] == [first.run_id, second.run_id]
    assert all(isinstance(r, RunOutput) and r.status is RunStatus.completed for r in session.runs)
    assert (session.session_id, session.user_id, session.agent_id) == ("s1", "ann", agent.id)
    assert session.session_state == {"n": 1}
    assert session == await agent.aget_session("s1")
    assert await db.aget_session("s1") == session  # the stored kind by default
    assert await db.aget_session("s1", "agent") == session


async def test_get_session_as_a_dict_has_agnos_columns(db: SqlDb, mock_model: MockOpenAI) -> None:
    agent = _agent(db)
    before = int(time.time())
    run = await agent.arun("hi", session_id="s1", user_id="ann")

    record = await db.aget_session("s1", SessionType.AGENT, deserialize=False)

    assert record is not None
    assert set(record) == {
        "session_id",
        "session_type",
        "agent_id",
        "team_id",
        "workflow_id",
        "user_id",
        "session_data",
        "agent_data",
        "team_data",
        "workflow_data",
        "metadata",
        "runs",
        "summary",
        "created_at",
        "updated_at",
    }
    assert (record["session_type"], record["agent_id"], record["user_id"]) == (
        "agent",
        agent.id,
        "ann",
    )
    [stored] = record["runs"]
    assert (stored["run_id"], stored["status"], stored["content"]) == (
        run.run_id,
        "COMPLETED",
        run.content,
    )
    assert RunOutput.from_dict(stored).metrics == run.metrics
    assert isinstance(record["created_at"], int) and isinstance(record["updated_at"], int)
    assert before - 1 <= record["created_at"] <= record["updated_at"] <= time.time() + 1


async def test_get_session_of_another_user_or_unknown_is_none(
    db: SqlDb, mock_model: MockOpenAI
) -> None:
    await _agent(db).arun("hi", session_id="s1", user_id="ann")

    assert await db.aget_session("s1", SessionType.AGENT, user_id="bob") is None
    assert await db.aget_session("s1", SessionType.AGENT, user_id="ann") is not None
    assert await db.aget_session("nope", SessionType.AGENT) is None
    assert await db.aget_session("nope", SessionType.AGENT, deserialize=False) is None


async def test_runs_limit_keeps_the_latest_runs_of_the_history(
    db: SqlDb, mock_model: MockOpenAI
) -> None:
    agent = _agent(db)
    runs = [await agent.arun(f"q{i}", session_id="s1") for i in range(3)]
    mock_model.add_error(400, "bad request", model=MEMBER)
    failed = await agent.arun("fails", session_id="s1")
    assert failed.status is RunStatus.error

    session = await db.aget_session("s1", SessionType.AGENT, runs_limit=2)
    everything = await db.aget_session("s1", SessionType.AGENT)

    assert isinstance(session, AgentSession) and isinstance(everything, AgentSession)
    assert [r.run_id for r in session.runs] == [r.run_id for r in runs[1:]]
    assert [r.run_id for r in everything.runs] == [r.run_id for r in [*runs, failed]]


async def test_a_team_session_has_its_runs_with_their_member_runs(
    db: SqlDb, mock_model: MockOpenAI
) -> None:
    team = _team(db)
    run = await _team_run(team, mock_model, "t1")

    session: Any = await db.aget_session("t1", SessionType.TEAM)
    record = await db.aget_session("t1", SessionType.TEAM, deserialize=False)

    expected = await team.aget_session("t1")
    assert expected is not None
    assert (session.session_id, session.team_id, session.user_id) == ("t1", team.id, "ann")
    assert [r.run_id for r in session.runs] == [run.run_id]
    [member] = session.runs[0].member_responses
    assert (member.content, member.parent_run_id) == ("Sunny.", run.run_id)
    assert member.to_dict() == expected.runs[0].member_responses[0].to_dict()  # type: ignore[attr-defined]
    assert (session.created_at, session.updated_at) == (expected.created_at, expected.updated_at)
    assert session.get_run(run.run_id) is session.runs[0]
    assert await db.aget_session("t1") == session
    # Agno's dict lists every run of the session, the member runs too.
    # The member run is stored first, yet the session is the team's (not its member's).
    assert record is not None
    assert (record["session_type"], record["team_id"], record["agent_id"]) == (
        "team",
        team.id,
        None,
    )
    assert [(r["run_id"], r["parent_run_id"]) for r in record["runs"]] == [
        (run.run_id, None),
        (member.run_id, run.run_id),
    ]


async def test_workflow_sessions_are_refused_by_name(db: SqlDb, mock_model: MockOpenAI) -> None:
    await _agent(db).arun("hi", session_id="s1")

    with pytest.raises(NotSupportedError, match="no workflows"):
        await db.aget_session("s1", SessionType.WORKFLOW)
    assert await db.aget_sessions(session_type=SessionType.WORKFLOW) == []
    with pytest.raises(ValueError, match="session_type must be one of"):
        await db.aget_session("s1", "robot")


# -- get_sessions --------------------------------------------------------------------------------


async def _three_sessions(db: SqlDb, mock_model: MockOpenAI) -> tuple[Agent, Agent]:
    helper, other = _agent(db), _agent(db, "Other")
    await helper.arun("a", session_id="a1", user_id="ann")
    await helper.arun("b", session_id="b1", user_id="bob")
    await other.arun("c", session_id="a2", user_id="ann")
    await helper.arun("more", session_id="a1", user_id="ann")  # a1 changes last
    return helper, other


async def test_get_sessions_filters_like_agno(db: SqlDb, mock_model: MockOpenAI) -> None:
    helper, other = await _three_sessions(db, mock_model)

    async def ids(**kw: Any) -> list[str]:
        return [s.session_id for s in await db.aget_sessions(**kw)]

    assert await ids() == ["a2", "b1", "a1"]  # newest first
    assert await ids(user_id="ann") == ["a2", "a1"]
    assert await ids(session_type=SessionType.AGENT, component_id=other.id) == ["a2"]
    assert await ids(component_id=helper.id) == ["b1", "a1"]
    assert await ids(session_type=SessionType.TEAM) == []
    assert await ids(session_type=SessionType.TEAM, component_id=helper.id) == []
    assert await ids(sort_by="created_at", sort_order="asc") == ["a1", "b1", "a2"]
    assert await ids(sort_by="updated_at") == ["a1", "a2", "b1"]
    assert await ids(sort_by="session_id", sort_order="asc") == ["a1", "a2", "b1"]
    assert await ids(sort_by="no_such_field") == ["a2", "b1", "a1"]
    assert await ids(start_timestamp=time.time() + 60) == []
    assert await ids(end_timestamp=time.time() + 60, user_id="bob") == ["b1"]
    sessions = await db.aget_sessions(user_id="ann")
    assert all(isinstance(s, AgentSession) for s in sessions)
    assert [len(s.runs) for s in sessions] == [1, 2]


async def test_get_sessions_pages_and_counts(db: SqlDb, mock_model: MockOpenAI) -> None:
    await _three_sessions(db, mock_model)

    page, total = await db.aget_sessions(limit=2, page=2, deserialize=False)
    first, _ = await db.aget_sessions(limit=2, deserialize=False, include_runs=False)
    everything, count = await db.aget_sessions(deserialize=False)

    assert total == count == 3
    assert [s["session_id"] for s in page] == ["a1"] and len(page[0]["runs"]) == 2
    assert [s["session_id"] for s in first] == ["a2", "b1"]
    assert [s["runs"] for s in first] == [None, None]
    assert [len(s["runs"]) for s in everything] == [1, 1, 2]
    assert await db.aget_sessions(limit=2, page=9, deserialize=False) == ([], 3)
    with pytest.raises(ValueError, match="page was given without limit"):
        await db.aget_sessions(page=1)
    with pytest.raises(ValueError, match="page must be 1 or more"):
        await db.aget_sessions(limit=1, page=0)


async def test_get_sessions_lists_team_sessions_as_team_sessions(
    db: SqlDb, mock_model: MockOpenAI
) -> None:
    team = _team(db)
    await _team_run(team, mock_model, "t1")
    mock_model.add_text("Hello.", model=MEMBER)
    await _agent(db).arun("hi", session_id="s1")

    [team_session] = await db.aget_sessions(session_type="team", component_id=team.id)
    kinds = {s.session_id: type(s).__name__ for s in await db.aget_sessions()}

    assert team_session.session_id == "t1"
    assert kinds == {"t1": "TeamSession", "s1": "AgentSession"}


# -- rename_session ------------------------------------------------------------------------------


async def test_a_renamed_session_has_its_name_everywhere(db: SqlDb, mock_model: MockOpenAI) -> None:
    agent = _agent(db)
    await agent.arun("hi", session_id="s1", user_id="ann", session_state={"n": 1})
    await agent.arun("hi", session_id="s2", user_id="ann")

    renamed = await db.arename_session("s1", SessionType.AGENT, "Trip to Paris")

    assert isinstance(renamed, AgentSession)
    assert renamed.session_data["session_name"] == "Trip to Paris"
    assert renamed.session_state == {"n": 1}  # the other keys are kept
    assert await agent.aget_session_name("s1") == "Trip to Paris"
    found = await db.aget_sessions(session_name="paris")
    assert [s.session_id for s in found] == ["s1"]
    assert await db.aget_sessions(session_name="%") == []  # a literal, not a pattern
    record = await db.arename_session("s1", None, "Paris", deserialize=False)
    assert isinstance(record, dict) and record["session_data"]["session_name"] == "Paris"


async def test_rename_needs_the_owner_and_the_kind(db: SqlDb, mock_model: MockOpenAI) -> None:
    agent = _agent(db)
    await agent.arun("hi", session_id="s1", user_id="ann")

    assert await db.arename_session("s1", SessionType.AGENT, "x", user_id="bob") is None
    assert await db.arename_session("s1", SessionType.TEAM, "x") is None
    assert await db.arename_session("nope", SessionType.AGENT, "x") is None
    assert await agent.aget_session_name("s1") == ""


# -- delete_session(s) ---------------------------------------------------------------------------


async def _run_count(db: SqlDb, session_id: str) -> int:
    return await db.acount_runs(session_id)


async def test_deleting_a_session_deletes_all_its_runs(db: SqlDb, mock_model: MockOpenAI) -> None:
    team = _team(db)
    await _team_run(team, mock_model, "t1")
    mock_model.add_text("Hello.", model=MEMBER)
    await _agent(db).arun("hi", session_id="keep")
    assert await _run_count(db, "t1") == 2  # the team run and its member run

    assert await db.adelete_session("t1") is True

    assert await _run_count(db, "t1") == 0
    assert await db.aget_session("t1") is None and await db.aget_session("keep") is not None
    assert await db.adelete_session("t1") is False


async def test_delete_session_of_another_user_keeps_everything(
    db: SqlDb, mock_model: MockOpenAI
) -> None:
    await _agent(db).arun("hi", session_id="s1", user_id="ann")

    assert await db.adelete_session("s1", user_id="bob") is False

    assert await _run_count(db, "s1") == 1
    assert await db.adelete_session("s1", user_id="ann") is True
    assert await _run_count(db, "s1") == 0


async def test_a_deleted_session_is_written_again_by_its_next_run(
    db: SqlDb, mock_model: MockOpenAI
) -> None:
    agent = _agent(db)
    await agent.arun("hi", session_id="s1")
    await db.adelete_session("s1")

    run = await agent.arun("back", session_id="s1")

    session = await db.aget_session("s1", SessionType.AGENT)
    assert isinstance(session, AgentSession)
    assert [r.run_id for r in session.runs] == [run.run_id]


async def test_delete_sessions_deletes_many_at_once(db: SqlDb, mock_model: MockOpenAI) -> None:
    agent = _agent(db)
    for sid, user in [("a1", "ann"), ("a2", "ann"), ("b1", "bob")]:
        await agent.arun("hi", session_id=sid, user_id=user)

    assert await db.adelete_sessions(["a1", "b1", "a2", "nope"], user_id="ann") is None
    assert [s.session_id for s in await db.aget_sessions()] == ["b1"]
    assert await db.acount_runs() == 1

    await db.adelete_sessions(["b1"])
    assert await db.aget_sessions() == [] and await db.acount_runs() == 0


# -- memories ------------------------------------------------------------------------------------


async def test_get_user_memory_by_id(db: SqlDb) -> None:
    stored = await db.aupsert_user_memory(
        UserMemory(memory="Likes tea", user_id="ann", topics=["drinks"])
    )
    memory_id = stored.memory_id
    assert memory_id is not None

    memory = await db.aget_user_memory(memory_id)
    row = await db.aget_user_memory(memory_id, deserialize=False, user_id="ann")

    assert isinstance(memory, UserMemory)
    assert (memory.memory, memory.topics, memory.user_id) == ("Likes tea", ["drinks"], "ann")
    assert isinstance(row, dict)
    assert (row["memory_id"], row["memory"], row["user_id"]) == (memory_id, "Likes tea", "ann")
    assert isinstance(row["created_at"], int) and isinstance(row["updated_at"], int)
    assert await db.aget_user_memory(memory_id, user_id="bob") is None
    assert await db.aget_user_memory("nope") is None


async def test_delete_user_memories(db: SqlDb) -> None:
    ids = []
    for text, user in [("a", "ann"), ("b", "ann"), ("c", "bob")]:
        stored = await db.aupsert_user_memory(UserMemory(memory=text, user_id=user))
        ids.append(stored.memory_id or "")

    await db.adelete_user_memories(ids, user_id="ann")
    assert [m.memory for m in await db.aget_user_memories()] == ["c"]

    await db.adelete_user_memories([*ids, "nope"])
    await db.adelete_user_memories([])
    assert await db.aget_user_memories() == []


# -- table_exists --------------------------------------------------------------------------------


async def test_table_exists_only_looks(tmp_path: Path, mock_model: MockOpenAI) -> None:
    db = SqliteDb(db_file=tmp_path / "agno.db")

    assert await db.atable_exists(db.table_names.sessions) is False  # no tables made
    await _agent(db).arun("hi")

    assert await db.atable_exists(db.table_names.sessions) is True
    assert await db.atable_exists(db.table_names.runs) is True
    assert await db.atable_exists("nope") is False


async def test_table_exists_on_postgres_looks_in_the_db_schema(pg_url: str) -> None:
    db = PostgresDb(db_url=pg_url, db_schema="crm")
    assert await db.atable_exists("agno_sessions") is False
    await db.aready()

    assert await db.atable_exists("agno_sessions") is True
    async with PostgresDb(db_url=pg_url) as public:  # the search path: no such table there
        assert await public.atable_exists("agno_sessions") is False
    await db.aclose()


async def test_an_unreachable_db_is_a_storage_error_without_its_password() -> None:
    db = PostgresDb(db_url="postgresql+psycopg://ai:s3cret-pw@127.0.0.1:1/ai")

    with pytest.raises(StorageError, match="cannot use") as caught:
        await db.atable_exists("agno_sessions")

    assert "s3cret-pw" not in str(caught.value)
    assert "s3cret-pw" not in repr(db)


# -- the synchronous API and Agno's async dbs ----------------------------------------------------


def test_the_sync_api(sqlite_db: SqlDb, mock_model: MockOpenAI) -> None:
    agent = _agent(sqlite_db)
    agent.run("hi", session_id="s1", user_id="ann")
    memory = sqlite_db.upsert_user_memory(UserMemory(memory="Likes tea", user_id="ann"))

    assert isinstance(sqlite_db.get_session("s1", SessionType.AGENT), AgentSession)
    assert [s.session_id for s in sqlite_db.get_sessions(SessionType.AGENT, "ann")] == ["s1"]
    assert sqlite_db.rename_session("s1", SessionType.AGENT, "Tea") is not None
    assert agent.get_session_name("s1") == "Tea"
    assert sqlite_db.get_user_memory(memory.memory_id).memory == "Likes tea"
    assert sqlite_db.table_exists(sqlite_db.table_names.memories) is True
    sqlite_db.delete_user_memories([memory.memory_id])
    assert sqlite_db.delete_session("s1") is True
    sqlite_db.delete_sessions(["s1"])
    assert sqlite_db.get_sessions() == [] and sqlite_db.get_user_memories() == []


# Agno 3.1.10's parameters of each method (agno/db/base.py).
AGNO_PARAMETERS = {
    "get_session": ["session_id", "session_type", "user_id", "deserialize", "runs_limit"],
    "get_sessions": [
        "session_type",
        "user_id",
        "component_id",
        "session_name",
        "start_timestamp",
        "end_timestamp",
        "limit",
        "page",
        "sort_by",
        "sort_order",
        "deserialize",
        "include_runs",
    ],
    "rename_session": ["session_id", "session_type", "session_name", "user_id", "deserialize"],
    "delete_session": ["session_id", "user_id"],
    "delete_sessions": ["session_ids", "user_id"],
    "get_user_memory": ["memory_id", "deserialize", "user_id"],
    "delete_user_memories": ["memory_ids", "user_id"],
    "table_exists": ["table_name"],
}


@pytest.mark.parametrize("cls", [SqliteDb, PostgresDb, AsyncSqliteDb, AsyncPostgresDb])
def test_the_methods_take_agnos_parameters(cls: type[SqlDb]) -> None:
    taken = {
        name: list(inspect.signature(getattr(cls, name)).parameters)[1:] for name in AGNO_PARAMETERS
    }
    assert taken == AGNO_PARAMETERS


async def test_on_the_async_dbs_the_methods_are_coroutines(
    tmp_path: Path, mock_model: MockOpenAI
) -> None:
    db = AsyncSqliteDb(db_file=tmp_path / "agno.db")
    await _agent(db).arun("hi", session_id="s1", user_id="ann")
    memory = await db.upsert_user_memory(UserMemory(memory="Likes tea", user_id="ann"))

    assert isinstance(await db.get_session("s1", SessionType.AGENT), AgentSession)
    assert [s.session_id for s in await db.get_sessions(user_id="ann")] == ["s1"]
    assert (await db.get_sessions(deserialize=False))[1] == 1
    assert await db.rename_session("s1", SessionType.AGENT, "Tea") is not None
    assert (await db.get_user_memory(memory.memory_id)).memory == "Likes tea"
    assert await db.table_exists(db.table_names.sessions) is True
    await db.delete_user_memories([memory.memory_id])
    assert await db.delete_session("s1") is True
    await db.delete_sessions(["s1"])
    assert await db.get_sessions() == [] and await db.get_user_memories() == []
