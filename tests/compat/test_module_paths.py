"""Agno's module paths: aliases of our modules (the same objects), not copies."""

from __future__ import annotations

import importlib

import pytest

ALIASES = [
    ("agno_core.agent.agent", "Agent", "agno_core.agent", "Agent"),
    ("agno_core.team.team", "Team", "agno_core.team", "Team"),
    ("agno_core.models.openai.chat", "OpenAIChat", "agno_core.models.openai", "OpenAIChat"),
    (
        "agno_core.models.openai.responses",
        "OpenAIResponses",
        "agno_core.models.openai",
        "OpenAIResponses",
    ),
    ("agno_core.db.sqlite.sqlite", "SqliteDb", "agno_core.db.sqlite", "SqliteDb"),
    ("agno_core.db.sqlite.async_sqlite", "AsyncSqliteDb", "agno_core.db.sqlite", "AsyncSqliteDb"),
    ("agno_core.db.postgres.postgres", "PostgresDb", "agno_core.db.postgres", "PostgresDb"),
    (
        "agno_core.db.postgres.async_postgres",
        "AsyncPostgresDb",
        "agno_core.db.postgres",
        "AsyncPostgresDb",
    ),
    ("agno_core.db.schemas.memory", "UserMemory", "agno_core.memory", "UserMemory"),
    ("agno_core.tools.function", "Function", "agno_core.tools", "Function"),
    ("agno_core.tools.toolkit", "Toolkit", "agno_core.tools", "Toolkit"),
    ("agno_core.tools.decorator", "tool", "agno_core.tools", "tool"),
    ("agno_core.agent", "RunEvent", "agno_core.run.agent", "RunEvent"),
    ("agno_core.run", "RunContext", "agno_core.run._options", "RunContext"),
]


@pytest.mark.parametrize(("alias", "name", "home", "home_name"), ALIASES)
def test_agno_module_path_is_an_alias(alias: str, name: str, home: str, home_name: str) -> None:
    assert getattr(importlib.import_module(alias), name) is getattr(
        importlib.import_module(home), home_name
    )


def test_agno_style_imports_run_unchanged() -> None:
    from agno_core.agent.agent import Agent
    from agno_core.db.postgres.postgres import PostgresDb
    from agno_core.db.sqlite import AsyncSqliteDb, SqliteDb
    from agno_core.memory import UserMemory
    from agno_core.models.openai.chat import OpenAIChat
    from agno_core.models.openai.responses import OpenAIResponses
    from agno_core.run import RunContext
    from agno_core.utils.pprint import pprint_run_response

    assert issubclass(AsyncSqliteDb, SqliteDb)
    assert Agent.__module__ == "agno_core.agent._agent"
    assert PostgresDb.__module__ == "agno_core.db.postgres._postgres"
    assert OpenAIChat.__module__ == "agno_core.models.openai._chat"
    assert OpenAIResponses.__module__ == "agno_core.models.openai._responses"
    assert UserMemory(memory="m").memory == "m"
    assert RunContext(run_id="r", session_id="s").user_id is None
    assert callable(pprint_run_response)


def test_old_db_paths_still_import() -> None:
    import agno_core.db.postgres as postgres
    import agno_core.db.sqlite as sqlite

    assert sqlite.SqliteDb(db_file=":memory:").in_memory
    assert postgres.PostgresDb(db_url="postgresql://u:p@localhost/db").db_url.startswith(
        "postgresql+psycopg://u:***@"
    )
