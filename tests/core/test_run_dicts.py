"""A run as a dict, as Agno 3.1.10 has it: ``input`` is ``{"input_content": ...}`` in
``run.to_dict()``, ``run.to_json()`` and the runs of ``db.get_session(deserialize=False)``, also
for runs stored by earlier agno_core versions (the raw input); ``RunOutput.from_dict`` takes
Agno's dicts. On SQLite and a real PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from agno_core.agent import Agent
from agno_core.db import SqlDb
from agno_core.db.base import SessionType
from agno_core.models.openai import OpenAIChat
from agno_core.run import RunStatus
from agno_core.run.agent import RunOutput
from agno_core.run.team import TeamRunOutput
from pytest_agno.mock import MockOpenAI


@pytest.fixture(params=["sqlite_db", "pg_db"])
def db(request: pytest.FixtureRequest) -> SqlDb:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


async def test_the_input_is_agnos_run_input_dict(db: SqlDb, mock_model: MockOpenAI) -> None:
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini"), db=db)

    run = await agent.arun("What is 2 + 2?", session_id="s1")

    assert run.to_dict()["input"] == {"input_content": "What is 2 + 2?"}
    assert json.loads(run.to_json())["input"] == {"input_content": "What is 2 + 2?"}
    record = await db.aget_session("s1", SessionType.AGENT, deserialize=False)
    assert record is not None
    assert record["runs"][0]["input"] == {"input_content": "What is 2 + 2?"}
    stored = await agent.aget_run_output(run.run_id)
    assert stored is not None and stored.input_content == "What is 2 + 2?"
    assert RunOutput.from_dict(run.to_dict()).input_content == "What is 2 + 2?"


async def test_a_run_without_input_has_none(mock_model: MockOpenAI) -> None:
    assert RunOutput(run_id="r", session_id="s").to_dict()["input"] is None
    assert RunOutput.from_dict({"run_id": "r", "session_id": "s", "input": None}).input is None


async def test_messages_as_input_keep_their_shape(db: SqlDb, mock_model: MockOpenAI) -> None:
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini"), db=db)
    messages = [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Again"}]

    run = await agent.arun(messages, session_id="s1")

    stored = await agent.aget_run_output(run.run_id)
    assert stored is not None and stored.input_content == messages
    assert run.to_dict()["input"] == {"input_content": messages}


async def test_runs_stored_by_earlier_versions_read_the_same(
    db: SqlDb, mock_model: MockOpenAI
) -> None:
    """Earlier agno_core versions stored the input itself under ``input``."""
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini"), db=db)
    run = await agent.arun("Old question", session_id="s1")
    old = {**run.to_dict(), "input": "Old question"}
    engine = await db._engine()
    runs = db.tables.runs
    async with engine.begin() as conn:
        await conn.execute(runs.update().where(runs.c.run_id == run.run_id).values(data=old))
        raw = (await conn.execute(text(f"SELECT data FROM {runs.fullname}"))).scalar_one()
    assert (json.loads(raw) if isinstance(raw, str) else raw)["input"] == "Old question"

    stored = await agent.aget_run_output(run.run_id)
    record = await db.aget_session("s1", SessionType.AGENT, deserialize=False)

    assert stored is not None and stored.input_content == "Old question"
    assert record is not None and record["runs"][0]["input"] == {"input_content": "Old question"}


def test_from_dict_takes_agnos_run_dict() -> None:
    # A run as Agno 3.1.10's ``RunOutput.to_dict()`` gives it (None values left out).
    agno_run = {
        "run_id": "r1",
        "agent_id": "a1",
        "session_id": "s1",
        "content": "4",
        "content_type": "str",
        "status": "COMPLETED",
        "created_at": 1_700_000_000,
        "input": {"input_content": "What is 2 + 2?"},
        "messages": [{"role": "user", "content": "What is 2 + 2?", "from_history": False}],
        "metrics": {"input_tokens": 3, "output_tokens": 1, "total_tokens": 4},
    }

    run = RunOutput.from_dict(agno_run)
    minimal = RunOutput.from_dict({"run_id": "r2"})

    assert (run.input_content, run.status, run.metrics.total_tokens) == (
        "What is 2 + 2?",
        RunStatus.completed,
        4,
    )
    assert (minimal.session_id, minimal.status, minimal.input) == ("", RunStatus.running, None)
    team = TeamRunOutput.from_dict({**agno_run, "team_id": "t1", "member_responses": [agno_run]})
    assert team.member_responses[0].input_content == "What is 2 + 2?"
