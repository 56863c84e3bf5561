"""``metrics_table=`` and Agno's daily metrics: ``calculate_metrics`` / ``get_metrics`` compute,
from the stored runs, one row per day and user on both backends."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import inspect

from agno_core.agent import Agent
from agno_core.db import SqlDb
from agno_core.db.sqlite import SqliteDb
from agno_core.models.openai._common import OpenAIBase
from agno_core.team import Team
from pytest_agno.mock import MockOpenAI


async def _tables(db: SqlDb) -> set[str]:
    engine = await db._engine()
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names(schema=db.db_schema)))


async def test_daily_metrics_per_user_on_both_backends(
    mock_model: MockOpenAI, db: SqlDb, make_model: Callable[..., OpenAIBase]
) -> None:
    agent = Agent(model=make_model(id="model-a"), db=db)
    mock_model.add_text("1", input_tokens=10, output_tokens=2)
    mock_model.add_text("2", input_tokens=20, output_tokens=3)
    mock_model.add_text("3", input_tokens=5, output_tokens=1)
    await agent.arun("one", user_id="ann", session_id="s1")
    await agent.arun("two", user_id="ann", session_id="s2")
    await agent.arun("three", session_id="s3")

    rows, updated_at = await db.aget_metrics()

    today = datetime.datetime.now(datetime.UTC).date()
    by_user = {row["user_id"]: row for row in rows}
    assert set(by_user) == {"ann", None}
    ann = by_user["ann"]
    assert (ann["date"], ann["aggregation_period"], ann["completed"]) == (today, "daily", False)
    assert (ann["agent_runs_count"], ann["agent_sessions_count"], ann["users_count"]) == (2, 2, 1)
    assert ann["token_metrics"]["input_tokens"] == 30
    assert ann["token_metrics"]["total_tokens"] == 35
    assert ann["model_metrics"] == [{"model_id": "model-a", "model_provider": "OpenAI", "count": 2}]
    assert (by_user[None]["agent_runs_count"], by_user[None]["users_count"]) == (1, 0)
    assert updated_at is not None and abs(updated_at - time.time()) < 60
    assert [row["user_id"] for row in (await db.aget_metrics(user_id="ann"))[0]] == ["ann"]


async def test_team_runs_count_once_with_their_members_tokens(
    mock_model: MockOpenAI, agno_db: SqlDb, make_model: Callable[..., OpenAIBase]
) -> None:
    member = Agent(name="Helper", model=make_model())
    team = Team(members=[member], model=make_model(), db=agno_db)
    mock_model.add_tool_call(
        "delegate_task_to_member", {"member_id": "helper", "task": "help"}, input_tokens=7
    )
    mock_model.add_text("helped", input_tokens=11)
    mock_model.add_text("done", input_tokens=13)

    run = await team.arun("go")

    [row] = agno_db.calculate_metrics() or []
    assert (row["team_runs_count"], row["team_sessions_count"], row["agent_runs_count"]) == (
        1,
        1,
        0,
    )
    assert row["token_metrics"]["input_tokens"] == run.metrics.input_tokens == 31


async def test_metrics_table_name_and_lazy_creation(mock_model: MockOpenAI, tmp_path: Path) -> None:
    db = SqliteDb(db_file=str(tmp_path / "m.db"), metrics_table="agent_metrics")
    await Agent(db=db).arun("hi")
    assert "agent_metrics" not in await _tables(db)

    assert db.calculate_metrics() is not None

    assert "agent_metrics" in await _tables(db)
    await db.aclose()


async def test_only_days_not_complete_are_recomputed(
    mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    assert await agno_db.acalculate_metrics() is None  # no runs yet
    await Agent(db=agno_db).arun("hi")
    [first] = await agno_db.acalculate_metrics() or []
    await Agent(db=agno_db).arun("again")

    [second] = await agno_db.acalculate_metrics() or []

    assert (first["agent_runs_count"], second["agent_runs_count"]) == (1, 2)
    assert len((await agno_db.aget_metrics())[0]) == 1


async def test_date_filters(mock_model: MockOpenAI, agno_db: SqlDb) -> None:
    await Agent(db=agno_db).arun("hi")
    today = datetime.datetime.now(datetime.UTC).date()

    assert len(agno_db.get_metrics(starting_date=today, ending_date=today)[0]) == 1
    yesterday = today - datetime.timedelta(days=1)
    assert agno_db.get_metrics(ending_date=yesterday) == ([], None)


def test_metrics_table_name_must_differ_from_the_others() -> None:
    with pytest.raises(ValueError, match="both named 'x'"):
        SqliteDb(db_file="unused.db", session_table="x", metrics_table="x")
