"""``SqliteDb(db_file=":memory:")``: one private throwaway database for every event loop."""

from __future__ import annotations

import asyncio
import gc
import threading
from pathlib import Path

from agno_core.agent import Agent
from agno_core.db.sqlite import SqliteDb
from agno_core.models.openai import OpenAIChat
from agno_core.run import RunStatus
from pytest_agno.mock import MockOpenAI


async def test_memory_db_is_one_database_for_every_loop(mock_model: MockOpenAI) -> None:
    db = SqliteDb(db_file=":memory:")
    assert db.in_memory
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini"), db=db)
    out = await agent.arun("stored in memory")
    queued = await agent.arun("in the background", background=True, session_id="other")
    await agent.adrain()

    # The synchronous API runs on a loop of its own and sees the same runs.
    metrics = await asyncio.to_thread(agent.get_session_metrics, out.session_id)
    assert metrics.total_tokens == out.metrics.total_tokens
    # So does a second event loop in another thread (another asyncio.run).
    seen: list[RunStatus | None] = []

    def other_loop() -> None:
        async def read() -> None:
            got = await db.aget_run(queued.run_id, queued.session_id)
            seen.append(got.status if got else None)
            await db.aclose()

        asyncio.run(read())

    thread = threading.Thread(target=other_loop)
    thread.start()
    thread.join()
    assert seen == [RunStatus.completed]
    await db.aclose()


async def test_memory_db_file_goes_away_with_the_object(mock_model: MockOpenAI) -> None:
    db = SqliteDb(db_file=":memory:")
    await Agent(model=OpenAIChat(id="gpt-4o-mini"), db=db).arun("hi")
    folder = Path(str(db.db_file)).parent
    assert folder.exists()
    await db.aclose()
    del db
    gc.collect()
    assert not folder.exists()


def test_memory_urls_are_recognised() -> None:
    for db in (
        SqliteDb(db_file=":memory:"),
        SqliteDb(db_url="sqlite://"),
        SqliteDb(db_url="sqlite+aiosqlite:///:memory:"),
    ):
        assert db.in_memory and str(db.db_file).endswith("agno.db")
    assert not SqliteDb(db_file="x.db").in_memory
