"""Agno's db API beyond reading sessions (``test_db_agno_api``): upserting sessions and memories,
memory queries and stats, ``updated_at`` bumps, ``to_dict``, the ``*_table_name`` attributes and
``BaseDb``/``AsyncBaseDb``, on SQLite and a real PostgreSQL. Shapes checked against Agno 3.1.10's
``SqliteDb``."""

from __future__ import annotations

import inspect
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from agno_core.agent import Agent
from agno_core.db import AsyncBaseDb as AsyncBaseDbAlias
from agno_core.db import BaseDb as BaseDbAlias
from agno_core.db import SqlDb
from agno_core.db.base import AsyncBaseDb, BaseDb, SessionType
from agno_core.db.in_memory import InMemoryDb
from agno_core.db.postgres import AsyncPostgresDb, PostgresDb
from agno_core.db.sqlite import AsyncSqliteDb, SqliteDb
from agno_core.memory import MemoryManager, UserMemory
from agno_core.models.openai import OpenAIChat
from agno_core.session import AgentSession, TeamSession
from agno_core.session.summary import SessionSummary
from pytest_agno.mock import MockOpenAI

SESSION_KEYS = {
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
# Agno's memory row, in its column order.
MEMORY_KEYS = [
    "memory_id",
    "memory",
    "input",
    "agent_id",
    "team_id",
    "user_id",
    "topics",
    "feedback",
    "created_at",
    "updated_at",
]


@pytest.fixture(params=["sqlite_db", "pg_db"])
def db(request: pytest.FixtureRequest) -> SqlDb:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def _agent(db: SqlDb) -> Agent:
    return Agent(name="Helper", model=OpenAIChat(id="gpt-4o-mini"), db=db)


# -- upsert_session(s) ---------------------------------------------------------------------------


async def test_upsert_session_stores_and_returns_the_session(db: SqlDb) -> None:
    before = int(time.time())
    session = AgentSession(
        session_id="s1",
        agent_id="ag",
        user_id="ann",
        session_state={"n": 1},
        metadata={"source": "import"},
        agent_data={"name": "Helper"},
        summary=SessionSummary(summary="Talked about tea", topics=["tea"]),
    )

    stored = await db.aupsert_session(session)
    read = await db.aget_session("s1", SessionType.AGENT)

    assert isinstance(stored, AgentSession) and isinstance(read, AgentSession)
    for got in (stored, read):
        assert (got.session_id, got.agent_id, got.user_id) == ("s1", "ag", "ann")
        assert got.session_state == {"n": 1}
        assert (got.metadata, got.agent_data) == ({"source": "import"}, {"name": "Helper"})
        assert isinstance(got.summary, SessionSummary) and got.summary.topics == ["tea"]
        assert isinstance(got.created_at, int) and got.created_at >= before
        assert isinstance(got.updated_at, int) and got.updated_at >= got.created_at
    assert await _agent(db).aget_session_state("s1") == {"n": 1}


async def test_upsert_session_as_a_dict_and_an_update(db: SqlDb) -> None:
    await db.aupsert_session(AgentSession(session_id="s1", agent_id="ag", user_id="ann"))

    record = await db.aupsert_session(
        AgentSession(session_id="s1", agent_id="ag2", user_id="ann", session_data={"k": "v"}),
        deserialize=False,
    )

    assert isinstance(record, dict) and set(record) == SESSION_KEYS
    assert (record["session_type"], record["agent_id"], record["runs"]) == ("agent", "ag2", [])
    assert record["session_data"]["k"] == "v"
    assert isinstance(record["created_at"], int) and isinstance(record["updated_at"], int)
    assert len(await db.aget_sessions()) == 1


async def test_upsert_session_does_not_take_over_another_users_session(db: SqlDb) -> None:
    await db.aupsert_session(AgentSession(session_id="s1", user_id="ann", session_data={"a": 1}))

    refused = await db.aupsert_session(AgentSession(session_id="s1", user_id="bob"))
    taken = await db.aupsert_sessions([AgentSession(session_id="s1", user_id="bob")])

    assert refused is None and taken == []
    kept = await db.aget_session("s1")
    assert kept is not None and kept.user_id == "ann" and kept.session_data["a"] == 1
    # A session of no user is anybody's (Agno's rule).
    await db.aupsert_session(AgentSession(session_id="s2"))
    claimed = await db.aupsert_session(AgentSession(session_id="s2", user_id="bob"))
    assert claimed is not None and claimed.user_id == "bob"


async def test_upsert_session_keeps_the_stored_runs(db: SqlDb, mock_model: MockOpenAI) -> None:
    run = await _agent(db).arun("hi", session_id="s1", user_id="ann")
    session = await db.aget_session("s1", SessionType.AGENT)
    assert isinstance(session, AgentSession)
    session.session_state["seen"] = True

    stored = await db.aupsert_session(session)
    read = await db.aget_session("s1", SessionType.AGENT)

    assert isinstance(stored, AgentSession) and [r.run_id for r in stored.runs] == [run.run_id]
    assert isinstance(read, AgentSession) and [r.run_id for r in read.runs] == [run.run_id]
    assert read.session_state == {"seen": True}


async def test_team_sessions_have_their_team_data(db: SqlDb) -> None:
    stored = await db.aupsert_session(
        TeamSession(session_id="t1", team_id="tm", user_id="ann", team_data={"name": "Travel"})
    )
    read = await db.aget_session("t1")

    assert isinstance(stored, TeamSession) and isinstance(read, TeamSession)
    assert (read.team_id, read.team_data, read.user_id) == ("tm", {"name": "Travel"}, "ann")
    assert isinstance(read.created_at, int) and isinstance(read.updated_at, int)


async def test_upsert_sessions_can_preserve_updated_at(db: SqlDb) -> None:
    stored = await db.aupsert_sessions(
        [
            AgentSession(session_id="s1", agent_id="ag", created_at=100, updated_at=200),
            TeamSession(session_id="t1", team_id="tm", created_at=100, updated_at=300),
        ],
        preserve_updated_at=True,
    )
    records, total = await db.aget_sessions(deserialize=False, sort_by="updated_at")

    assert [(type(s).__name__, s.session_id) for s in stored] == [  # type: ignore[union-attr]
        ("AgentSession", "s1"),
        ("TeamSession", "t1"),
    ]
    assert [(r["session_id"], r["created_at"], r["updated_at"]) for r in records] == [
        ("t1", 100, 300),
        ("s1", 100, 200),
    ]
    assert total == 2
    now = await db.aupsert_sessions([AgentSession(session_id="s1")], deserialize=False)
    assert now[0]["updated_at"] >= int(time.time()) - 1  # type: ignore[index]
    assert await db.aupsert_sessions([]) == []


async def test_upsert_session_refuses_other_objects(db: SqlDb) -> None:
    with pytest.raises(TypeError, match="AgentSession and TeamSession"):
        await db.aupsert_session({"session_id": "s1"})  # type: ignore[arg-type]


# -- updated_at ----------------------------------------------------------------------------------


async def test_renaming_and_new_state_bump_updated_at(db: SqlDb) -> None:
    await db.aupsert_sessions(
        [AgentSession(session_id="s1", created_at=100, updated_at=100)], preserve_updated_at=True
    )
    old = await db.aget_session("s1")
    assert old is not None and old.updated_at == 100
    now = int(time.time())

    renamed = await db.arename_session("s1", SessionType.AGENT, "Tea")
    assert renamed is not None and renamed.updated_at is not None and renamed.updated_at >= now

    await db.aupsert_sessions(
        [AgentSession(session_id="s1", created_at=100, updated_at=100)], preserve_updated_at=True
    )
    assert await db.aset_session_state("s1", {"n": 2}) is True
    record = await db.aget_session("s1", deserialize=False)
    assert record is not None and record["updated_at"] >= now and record["created_at"] == 100


async def test_a_later_run_still_counts_for_updated_at(db: SqlDb, mock_model: MockOpenAI) -> None:
    await db.aupsert_sessions(
        [AgentSession(session_id="s1", created_at=100, updated_at=100)], preserve_updated_at=True
    )
    await _agent(db).arun("hi", session_id="s1")

    session = await db.aget_session("s1")
    assert session is not None and session.updated_at is not None
    assert session.updated_at >= int(time.time()) - 1


# -- memories ------------------------------------------------------------------------------------


async def test_a_memory_of_no_user_is_stored_as_none(db: SqlDb) -> None:
    stored = await db.aupsert_user_memory(UserMemory(memory="Likes tea"))

    assert (stored.user_id, stored.topics) == (None, None)
    assert stored.memory_id is not None
    read = await db.aget_user_memory(stored.memory_id)
    assert isinstance(read, UserMemory) and (read.user_id, read.topics) == (None, None)
    assert [m.memory for m in await db.aget_user_memories()] == ["Likes tea"]
    assert await db.aget_user_memories(user_id="default") == []
    assert await db.aget_user_memory_stats() == ([], 0)


async def test_upsert_user_memory_as_agno(db: SqlDb) -> None:
    memory = UserMemory(memory="Likes tea", user_id="ann", topics=["drinks"], input="I like tea")
    row = await db.aupsert_user_memory(memory, deserialize=False)

    assert isinstance(row, dict) and list(row) == MEMORY_KEYS
    assert row["memory_id"] == memory.memory_id  # the id is set on the given memory too
    assert (row["user_id"], row["topics"], row["input"]) == ("ann", ["drinks"], "I like tea")
    assert isinstance(row["created_at"], int) and row["updated_at"] == row["created_at"]

    changed = UserMemory(
        memory="Loves tea",
        memory_id=memory.memory_id,
        user_id="bob",  # an update keeps the memory's user, as Agno's
        feedback="good",
        created_at=1,
    )
    updated = await db.aupsert_user_memory(changed)

    assert (updated.memory, updated.user_id, updated.feedback) == ("Loves tea", "ann", "good")
    assert updated.created_at == row["created_at"]  # the creation time stays
    assert updated.topics is None


async def test_get_user_memories_filters_like_agno(db: SqlDb) -> None:
    await db.aupsert_memories(
        [
            UserMemory(memory="Plays chess", user_id="ann", topics=["games", "a"], agent_id="ag"),
            UserMemory(memory="Likes CHESS too", user_id="bob", team_id="tm", topics=["ab"]),
            UserMemory(memory="100% sure", user_id="ann", topics=["a"]),
            UserMemory(memory="No topics", user_id="ann"),
        ]
    )

    async def texts(**kwargs: Any) -> list[str]:
        return [m.memory for m in await db.aget_user_memories(**kwargs)]

    assert await texts() == ["Plays chess", "Likes CHESS too", "100% sure", "No topics"]
    assert await texts(user_id="ann", agent_id="ag") == ["Plays chess"]
    assert await texts(team_id="tm") == ["Likes CHESS too"]
    assert await texts(topics=["a"]) == ["Plays chess", "100% sure"]  # not "ab"
    assert await texts(topics=["a", "games"]) == ["Plays chess"]
    assert await texts(search_content="chess") == ["Plays chess", "Likes CHESS too"]
    assert await texts(search_content="0%") == ["100% sure"]  # % is a character, not a wildcard
    assert await texts(sort_by="memory", sort_order="asc") == [
        "100% sure",
        "Likes CHESS too",
        "No topics",
        "Plays chess",
    ]
    assert await texts(sort_by="created_at") == [
        "No topics",
        "100% sure",
        "Likes CHESS too",
        "Plays chess",
    ]
    assert await texts(sort_by="nope") == await texts()


async def test_get_user_memories_pages_and_counts(db: SqlDb) -> None:
    for i in range(5):
        await db.aupsert_user_memory(UserMemory(memory=f"m{i}", user_id="ann"))

    rows, total = await db.aget_user_memories(user_id="ann", limit=2, page=2, deserialize=False)
    everything, count = await db.aget_user_memories(deserialize=False)

    assert [r["memory"] for r in rows] == ["m2", "m3"] and total == 5
    assert all(list(r) == MEMORY_KEYS for r in rows)
    assert len(everything) == count == 5
    assert [m.memory for m in await db.aget_user_memories(limit=2)] == ["m0", "m1"]
    assert await db.aget_user_memories(user_id="zz", deserialize=False) == ([], 0)
    with pytest.raises(ValueError, match="without limit"):
        await db.aget_user_memories(page=2)


async def test_memory_topics_and_stats(db: SqlDb) -> None:
    await db.aupsert_memories(
        [
            UserMemory(memory="a", user_id="ann", topics=["tea", "chess"]),
            UserMemory(memory="b", user_id="ann", topics=["tea"]),
            UserMemory(memory="c", user_id="bob", topics=["books"]),
            UserMemory(memory="d", topics=["none"]),
        ]
    )
    await db.aupsert_memories(
        [UserMemory(memory="e", user_id="cy", created_at=10, updated_at=20)],
        preserve_updated_at=True,
    )

    assert await db.aget_all_memory_topics() == ["books", "chess", "none", "tea"]
    assert await db.aget_all_memory_topics(user_id="ann") == ["chess", "tea"]
    stats, total = await db.aget_user_memory_stats()
    assert total == 3
    assert {s["user_id"]: s["total_memories"] for s in stats} == {"ann": 2, "bob": 1, "cy": 1}
    assert stats[-1] == {"user_id": "cy", "total_memories": 1, "last_memory_updated_at": 20}
    assert all(isinstance(s["last_memory_updated_at"], int) for s in stats)
    page, total = await db.aget_user_memory_stats(limit=1, page=3)
    assert page == [stats[2]] and total == 3
    assert [s["user_id"] for s in stats] == ["bob", "ann", "cy"]  # the latest change first
    assert await db.aget_user_memory_stats(user_id="ann") == ([stats[1]], 1)


async def test_upsert_memories_round_trip(db: SqlDb) -> None:
    first = UserMemory(memory="p", user_id="cy", created_at=10, updated_at=20)
    stored = await db.aupsert_memories([first], preserve_updated_at=True)
    again = await db.aupsert_memories(
        [UserMemory(memory="p2", memory_id=first.memory_id, user_id="cy"), UserMemory(memory="q")],
        deserialize=False,
    )

    assert [(m.memory, m.created_at, m.updated_at) for m in stored] == [("p", 10, 20)]  # type: ignore[union-attr]
    assert [(r["memory"], r["user_id"]) for r in again] == [("p2", "cy"), ("q", None)]  # type: ignore[index]
    assert again[0]["created_at"] == 10  # type: ignore[index]
    assert again[0]["updated_at"] >= int(time.time()) - 1  # type: ignore[index]
    assert await db.aupsert_memories([]) == []


async def test_agents_still_file_memories_of_no_user_under_default(
    db: SqlDb, mock_model: MockOpenAI
) -> None:
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini"), db=db)
    await MemoryManager(db=db).aadd_user_memory(UserMemory(memory="Likes tea"))

    assert [m.user_id for m in await db.aget_user_memories()] == ["default"]
    assert [m.memory for m in await agent.aget_user_memories()] == ["Likes tea"]


# -- the db object -------------------------------------------------------------------------------


def test_base_classes_tell_sync_and_async_dbs_apart(tmp_path: Path) -> None:
    assert BaseDbAlias is BaseDb and AsyncBaseDbAlias is AsyncBaseDb
    sync = [SqliteDb(db_file=tmp_path / "a.db"), InMemoryDb()]
    sync.append(PostgresDb(db_url="postgresql+psycopg://u:pw@localhost/db"))
    asynchronous = [
        AsyncSqliteDb(db_file=tmp_path / "a.db"),
        AsyncPostgresDb(db_url="postgresql+psycopg://u:pw@localhost/db"),
    ]

    assert all(isinstance(d, BaseDb) and not isinstance(d, AsyncBaseDb) for d in sync)
    assert all(isinstance(d, AsyncBaseDb) and not isinstance(d, BaseDb) for d in asynchronous)
    assert issubclass(SqliteDb, BaseDb) and not issubclass(AsyncSqliteDb, BaseDb)


def test_table_names_and_to_dict(tmp_path: Path) -> None:
    db = SqliteDb(db_file=tmp_path / "a.db", session_table="s", memory_table="m", id="db1")
    pg = AsyncPostgresDb(db_url="postgresql+psycopg://ai:s3cret-pw@localhost/ai", db_schema="x")

    assert (db.session_table_name, db.memory_table_name, db.runs_table_name) == (
        "s",
        "m",
        "s_runs",  # Agno's runs table of a renamed session table
    )
    assert (db.eval_table_name, db.metrics_table_name, db.versions_table_name) == (
        "agno_eval_runs",
        "agno_metrics",
        "agno_schema_versions",
    )
    assert db.to_dict() == {
        "id": "db1",
        "session_table": "s",
        "runs_table": "s_runs",
        "memory_table": "m",
        "metrics_table": "agno_metrics",
        "eval_table": "agno_eval_runs",
        "versions_table": "agno_schema_versions",
        "cancel_intents_table": "agno_cancel_intents",
        "db_file": str(tmp_path / "a.db"),
        "db_url": f"sqlite+aiosqlite:///{tmp_path / 'a.db'}",
        "type": "sqlite",
    }
    data = pg.to_dict()
    assert (data["type"], data["db_schema"]) == ("async_postgres", "x")
    assert "s3cret-pw" not in repr(data) and data["db_url"].startswith("postgresql+psycopg://ai:")
    assert InMemoryDb().to_dict()["type"] == "in_memory"


# -- session objects from dicts ------------------------------------------------------------------


async def test_sessions_from_their_dicts(db: SqlDb, mock_model: MockOpenAI) -> None:
    run = await _agent(db).arun("hi", session_id="s1", user_id="ann", session_state={"n": 1})
    record = await db.aget_session("s1", deserialize=False)
    assert record is not None

    session = AgentSession.from_dict(record)

    assert session == await db.aget_session("s1")
    assert session is not None and session.runs[0].run_id == run.run_id
    assert AgentSession.from_dict(session.to_dict()) == session
    assert AgentSession.from_dict({"runs": []}) is None
    team = TeamSession.from_dict({"session_id": "t", "team_data": {"a": 1}, "created_at": 1.5})
    assert team is not None and (team.team_data, team.created_at, team.runs) == ({"a": 1}, 1, [])


# -- older tables --------------------------------------------------------------------------------


async def test_a_memories_table_of_version_3_lets_the_user_be_none(db: SqlDb) -> None:
    """Before version 4 a memory's user_id was NOT NULL: the table loses that, keeping its rows."""
    await db.aready()
    table = db.tables.memories.fullname
    engine = await db._engine()
    async with engine.begin() as conn:
        await conn.execute(text(f"DROP TABLE {table}"))
        await conn.execute(
            text(
                f"CREATE TABLE {table} (memory_id VARCHAR(64) PRIMARY KEY, "
                "user_id VARCHAR(128) NOT NULL, memory TEXT NOT NULL, topics JSON, "
                "agent_id VARCHAR(128), team_id VARCHAR(128), created_at FLOAT NOT NULL, "
                "updated_at FLOAT NOT NULL)"
            )
        )
        await conn.execute(
            text(f"INSERT INTO {table} VALUES ('old', 'ann', 'Old one', NULL, NULL, NULL, 1, 2)")
        )
        await conn.execute(db.tables.versions.update().values(version=3))
    await db.aclose()
    url = db._url.render_as_string(hide_password=False)

    again = type(db)(db_url=url)
    await again.aupsert_user_memory(UserMemory(memory="No user"))

    assert [(m.memory_id, m.user_id) for m in await again.aget_user_memories(user_id="ann")] == [
        ("old", "ann")
    ]
    assert [m.user_id for m in await again.aget_user_memories()] == ["ann", None]
    assert await again.aschema_version() == 4
    await again.aclose()


# -- signatures ----------------------------------------------------------------------------------

# Agno 3.1.10's parameters of each method (agno/db/base.py).
AGNO_PARAMETERS = {
    "upsert_session": ["session", "deserialize"],
    "upsert_sessions": ["sessions", "deserialize", "preserve_updated_at"],
    "get_user_memories": [
        "user_id",
        "agent_id",
        "team_id",
        "topics",
        "search_content",
        "limit",
        "page",
        "sort_by",
        "sort_order",
        "deserialize",
    ],
    "upsert_user_memory": ["memory", "deserialize"],
    "upsert_memories": ["memories", "deserialize", "preserve_updated_at"],
    "get_all_memory_topics": ["user_id"],
    "get_user_memory_stats": ["limit", "page", "user_id"],
}


@pytest.mark.parametrize("cls", [SqliteDb, PostgresDb, AsyncSqliteDb, AsyncPostgresDb])
def test_the_new_methods_take_agnos_parameters(cls: type[SqlDb]) -> None:
    taken = {
        name: list(inspect.signature(getattr(cls, name)).parameters)[1:] for name in AGNO_PARAMETERS
    }
    assert taken == AGNO_PARAMETERS


async def test_on_the_async_dbs_the_new_methods_are_coroutines(tmp_path: Path) -> None:
    db = AsyncSqliteDb(db_file=tmp_path / "agno.db")

    stored = await db.upsert_session(AgentSession(session_id="s1", user_id="ann"))
    assert isinstance(stored, AgentSession)
    assert len(await db.upsert_sessions([TeamSession(session_id="t1")])) == 1
    memory = await db.upsert_user_memory(UserMemory(memory="x", user_id="ann", topics=["t"]))
    assert len(await db.upsert_memories([UserMemory(memory="y", user_id="bob")])) == 2 - 1
    assert await db.get_all_memory_topics() == ["t"]
    assert (await db.get_user_memory_stats())[1] == 2
    assert [m.memory_id for m in await db.get_user_memories(topics=["t"])] == [memory.memory_id]
    await db.aclose()


def test_the_sync_api(sqlite_db: SqlDb) -> None:
    stored = sqlite_db.upsert_session(AgentSession(session_id="s1", user_id="ann"))
    memory = sqlite_db.upsert_user_memory(UserMemory(memory="x", user_id="ann", topics=["t"]))

    assert isinstance(stored, AgentSession)
    assert (
        sqlite_db.upsert_sessions([TeamSession(session_id="t1")], deserialize=False)[0][
            "session_type"
        ]
        == "team"
    )
    assert [m.memory_id for m in sqlite_db.get_user_memories(topics=["t"])] == [memory.memory_id]
    assert sqlite_db.upsert_memories([]) == []
    assert sqlite_db.get_all_memory_topics(user_id="ann") == ["t"]
    assert sqlite_db.get_user_memory_stats(user_id="ann")[1] == 1
