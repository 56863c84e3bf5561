"""What a team run writes to SQLite: how many transactions and statements, and that the final
rows are durable (visible to any other connection) as soon as ``arun`` returns."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from agno_core.agent import Agent
from agno_core.db._sqlite_commits import SqliteCommits
from agno_core.db.sqlite import SqliteDb
from agno_core.run.base import RunStatus
from agno_core.team import Team
from tests.team.team_helpers import LEADER, WEATHER_MODEL, chat, delegate, reply

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_agno.mock import MockOpenAI


@pytest.fixture
def transactions(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[str]]]:
    """Every SQLite transaction of the run hot path: the first words of each statement.

    Recorded once per write, on the loop or in the worker thread (where a write that found the
    lock taken is tried again).
    """
    seen: list[list[str]] = []
    original = SqliteCommits.write

    async def recorded(self: SqliteCommits, steps: Any) -> list[int]:
        seen.append([" ".join(statement.sql.split()[:3]) for statement, _ in steps])
        return await original(self, steps)

    monkeypatch.setattr(SqliteCommits, "write", recorded)
    yield seen


def _team(db: SqliteDb, **kwargs: Any) -> Team:
    member = Agent(name="Weather", role="Knows the weather", model=chat(WEATHER_MODEL))
    return Team(name="Travel Team", members=[member], model=chat(LEADER), db=db, **kwargs)


def _script(mock: MockOpenAI) -> None:
    """Leader call, member run, leader call: the shape of the benchmarked team run."""
    delegate(mock, "weather", "Weather in Paris?", input_tokens=101, output_tokens=11)
    reply(mock, "Sunny.", model=WEATHER_MODEL, input_tokens=41, output_tokens=4)
    reply(mock, "Sunny in Paris.", input_tokens=211, output_tokens=17)


def _rows(path: Path) -> list[tuple[Any, ...]]:
    """The runs table as a new connection (another process, say) reads it."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT run_id, status, parent_run_id, data FROM agno_runs").fetchall()
    return list(rows)


async def test_a_team_run_is_one_transaction_with_its_new_session(
    mock_model: MockOpenAI, tmp_path: Path, transactions: list[list[str]]
) -> None:
    """Leader, member and leader again: the member's final row when it ends (member runs are
    stored, as in Agno, whatever ``store_member_responses``), then the team's final row and its
    new session in one transaction, at the end (no RUNNING row for a run shorter than the
    delay); a second run of the session is one statement per run."""
    db = SqliteDb(db_file=tmp_path / "agno.db")
    await db.aready()
    team = _team(db)
    _script(mock_model)

    result = await team.arun("Weather in Paris?", session_id="s1")

    assert result.status is RunStatus.completed
    assert len(result.member_responses) == 1
    assert transactions == [
        ["INSERT INTO agno_runs"],
        ["INSERT INTO agno_sessions", "INSERT INTO agno_runs"],
    ]
    _script(mock_model)
    await team.arun("Again?", session_id="s1")
    assert transactions[2:] == [["INSERT INTO agno_runs"], ["INSERT INTO agno_runs"]]
    await asyncio.sleep(0.1)  # past RUNNING_ROW_DELAY: nothing is written late
    assert len(transactions) == 4
    await db.aclose()


async def test_member_rows_are_written_with_the_team_row_when_stored(
    mock_model: MockOpenAI, tmp_path: Path, transactions: list[list[str]]
) -> None:
    db = SqliteDb(db_file=tmp_path / "agno.db")
    await db.aready()
    team = _team(db, store_member_responses=True)
    _script(mock_model)

    result = await team.arun("Weather in Paris?", session_id="s1")

    written = [statement for transaction in transactions for statement in transaction]
    assert written.count("INSERT INTO agno_runs") == 2  # the member's row and the team's
    rows = {run_id: (status, parent) for run_id, status, parent, _ in _rows(tmp_path / "agno.db")}
    member = result.member_responses[0]
    assert rows == {
        result.run_id: ("COMPLETED", None),
        member.run_id: ("COMPLETED", result.run_id),
    }
    await db.aclose()


async def test_the_final_row_is_durable_when_arun_returns(
    mock_model: MockOpenAI, tmp_path: Path
) -> None:
    """Read by another connection right after ``arun`` returns, with nothing awaited in
    between: the row is committed, COMPLETED, with the metrics the caller got."""
    db = SqliteDb(db_file=tmp_path / "agno.db")
    team = _team(db)
    _script(mock_model)

    result = await team.arun("Weather in Paris?", session_id="s1")
    rows = {row[0]: row for row in _rows(tmp_path / "agno.db")}
    member = result.member_responses[0]
    assert set(rows) == {result.run_id, member.run_id}
    assert rows[member.run_id][1:3] == ("COMPLETED", result.run_id)
    (run_id, status, parent, data) = rows[result.run_id]

    assert (run_id, status, parent) == (result.run_id, "COMPLETED", None)
    stored = json.loads(data)
    assert stored["content"] == "Sunny in Paris."
    assert stored["metrics"]["total_tokens"] == result.metrics.total_tokens
    assert result.metrics.total_tokens == (101 + 11) + (41 + 4) + (211 + 17)
    await db.aclose()
