"""The same objects built with agno_core and with Agno, so each benchmark is written once.

Agno is imported here only, and only when a benchmark asks for the ``"agno"`` implementation
(``pip install agno==3.1.10``, the ``bench`` extra); agno_core and pytest_agno never import it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from benchmarks._harness import FAST, LEADER, MEMBER

__all__ = [
    "IMPLS",
    "agno_version",
    "drain",
    "make_agent",
    "make_team",
    "opened_dbs",
    "postgres_db",
    "require",
    "sqlite_db",
]

IMPLS = ("agno_core", "agno")

# agno_core dbs made for the benchmark running now: closed on the benchmark loop after it (see
# conftest), so their connections never outlive it.
opened_dbs: list[Any] = []


def agno_version() -> str | None:
    """The installed Agno's version, or None."""
    if importlib.util.find_spec("agno") is None:
        return None
    from importlib.metadata import version

    return version("agno")


def require(impl: str) -> None:
    """Skip a benchmark of Agno when Agno is not installed."""
    if impl == "agno" and agno_version() is None:
        pytest.skip("Agno is not installed (pip install -e '.[bench]')")


def sqlite_db(impl: str, path: Path, **options: Any) -> Any:
    """A SQLite db at ``path``: agno_core's (async, aiosqlite; ``options`` go to it) or Agno's
    ``SqliteDb``."""
    if impl == "agno":
        from agno.db.sqlite import SqliteDb as AgnoSqliteDb

        return AgnoSqliteDb(db_file=str(path))
    from agno_core.db.sqlite import SqliteDb

    db = SqliteDb(db_file=path, **options)
    opened_dbs.append(db)
    return db


def postgres_db(impl: str, url: str) -> Any:
    """A PostgreSQL db on psycopg 3: agno_core's ``PostgresDb`` or Agno's ``AsyncPostgresDb``."""
    if impl == "agno":
        from agno.db.postgres import AsyncPostgresDb

        return AsyncPostgresDb(db_url=url)
    from agno_core.db.postgres import PostgresDb

    db = PostgresDb(db_url=url)
    opened_dbs.append(db)
    return db


def _chat(impl: str, model_id: str) -> Any:
    if impl == "agno":
        from agno.models.openai import OpenAIChat as AgnoChat

        return AgnoChat(id=model_id)
    from agno_core.models.openai import OpenAIChat

    return OpenAIChat(id=model_id)


def make_agent(
    impl: str, *, model_id: str = FAST, db: Any = None, name: str = "bench", **kwargs: Any
) -> Any:
    """An agent on the mock; Agno's with telemetry off (it would try to reach the network)."""
    if impl == "agno":
        from agno.agent import Agent as AgnoAgent

        return AgnoAgent(name=name, model=_chat(impl, model_id), db=db, telemetry=False, **kwargs)
    from agno_core.agent import Agent

    return Agent(name=name, model=_chat(impl, model_id), db=db, **kwargs)


def make_team(impl: str, *, db: Any = None, leader: str = LEADER) -> Any:
    """A team with one member; the scripted leader delegates once, then answers.

    ``leader`` is the leader's model id: with ``FAST`` the leader answers at once, without
    delegating (one model request).
    """
    member = make_agent(impl, model_id=MEMBER, name="member")
    if impl == "agno":
        from agno.team import Team as AgnoTeam

        return AgnoTeam(
            name="bench-team",
            members=[member],
            model=_chat(impl, leader),
            db=db,
            telemetry=False,
        )
    from agno_core.team import Team

    return Team(name="bench-team", members=[member], model=_chat(impl, leader), db=db)


async def drain(impl: str, runner: Any) -> None:
    """Wait until the background runs started so far have ended (their final row written)."""
    if impl == "agno":
        from agno.run.background import await_background_runs

        await await_background_runs()
    else:
        await runner.adrain()
