"""Background runs: PENDING at once, polled through every state, bounded, drained."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from pydantic import BaseModel

from agno_core.agent import Agent
from agno_core.db._sql import SqlDb
from agno_core.models.openai import OpenAIChat
from agno_core.run import RunStatus
from pytest_agno.mock import MockOpenAI
from tests.background.conftest import wait_for_status


async def test_background_requires_a_db(mock_model: MockOpenAI) -> None:
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini"))
    with pytest.raises(ValueError, match=r"need a db: pass db=SqliteDb"):
        await agent.arun("hi", background=True)
    assert mock_model.requests == []


async def test_returns_pending_then_completes(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI
) -> None:
    mock_model.add_text("Paris is the capital of France.", latency=0.2)
    agent = make_agent()
    run = await agent.arun("What is the capital of France?", background=True)
    assert run.status is RunStatus.pending
    assert run.content is None
    seen = set()
    while True:
        out = await agent.aget_run_output(run_id=run.run_id, session_id=run.session_id)
        assert out is not None
        seen.add(out.status)
        if out.status.is_terminal:
            break
        await asyncio.sleep(0.01)
    assert out.status is RunStatus.completed
    assert out.content == "Paris is the capital of France."
    assert RunStatus.running in seen
    assert out.metrics.total_tokens == 15


async def test_background_metrics_equal_a_synchronous_run(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI
) -> None:
    agent = make_agent()
    for _ in range(2):
        mock_model.add_tool_call("lookup", {"q": "x"}, input_tokens=40, output_tokens=7)
        mock_model.add_text("done", input_tokens=55, output_tokens=3, cached_tokens=20)

    def lookup(q: str) -> str:
        """Look something up."""
        return f"result for {q}"

    agent.tools = [lookup]
    sync = await agent.arun("go")
    run = await agent.arun("go", background=True)
    bg = await wait_for_status(agent, run)
    assert bg.status is RunStatus.completed
    for field in ("input_tokens", "output_tokens", "total_tokens", "cache_read_tokens"):
        assert getattr(bg.metrics, field) == getattr(sync.metrics, field)
    assert [m.to_dict()["input_tokens"] for m in bg.metrics.details["model"]] == [95]
    assert bg.metrics.details["model"][0].requests == 2
    assert [t.tool_name for t in bg.metrics.details["tool_call"]] == ["lookup"]
    assert bg.metrics.duration is not None and bg.metrics.duration > 0
    assert bg.metrics.time_to_first_token is not None
    assert 0 < bg.metrics.time_to_first_token <= bg.metrics.duration
    assert bg.metrics.queue_wait is not None and bg.metrics.queue_wait >= 0
    assert sync.metrics.queue_wait is None


async def test_run_id_session_id_and_output_schema(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI
) -> None:
    class City(BaseModel):
        name: str
        country: str

    mock_model.add_json({"name": "Tokyo", "country": "Japan"})
    agent = make_agent()
    run = await agent.arun(
        "Facts", background=True, session_id="s-1", run_id="r-1", output_schema=City
    )
    assert (run.run_id, run.session_id) == ("r-1", "s-1")
    out = await wait_for_status(agent, run)
    assert out.status is RunStatus.completed
    assert City.model_validate(out.content) == City(name="Tokyo", country="Japan")
    assert await agent.aget_run_output(run_id="r-1", session_id="another") is None


async def test_concurrency_limit_keeps_queued_runs_pending(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI, db: SqlDb
) -> None:
    for _ in range(5):
        mock_model.add_text("ok", latency=0.3)
    agent = make_agent(background_concurrency=2)
    runs = [await agent.arun(f"q{i}", background=True) for i in range(5)]
    max_running = 0
    while True:
        # One query, so the statuses are one consistent snapshot.
        outs = await db.aget_session_runs(runs[0].session_id)
        statuses = [o.status for o in outs]
        assert len(statuses) == 5
        running = statuses.count(RunStatus.running)
        max_running = max(max_running, running)
        assert running <= 2
        if all(s.is_terminal for s in statuses):
            break
        await asyncio.sleep(0.02)
    assert max_running == 2
    assert all(o.status is RunStatus.completed for o in outs)
    waits = sorted(o.metrics.queue_wait or 0 for o in outs)
    assert waits[-1] >= 0.25  # the last ones waited for a slot, and it is reported apart
    # A run's duration is its own execution, not its wait in the queue.
    for o in outs:
        assert o.finished_at is not None and o.metrics.duration is not None
        total = o.finished_at - o.created_at
        assert o.metrics.duration <= total - (o.metrics.queue_wait or 0) + 0.05


async def test_adrain_waits_for_every_background_run(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI
) -> None:
    for _ in range(3):
        mock_model.add_text("ok", latency=0.1)
    agent = make_agent()
    runs = [await agent.arun("q", background=True) for _ in range(3)]
    await agent.adrain(timeout=10)
    outs = [await agent.aget_run_output(r.run_id, r.session_id) for r in runs]
    assert [o.status if o else None for o in outs] == [RunStatus.completed] * 3


async def test_adrain_timeout(make_agent: Callable[..., Agent], mock_model: MockOpenAI) -> None:
    mock_model.add_text("slow", latency=5)
    agent = make_agent()
    run = await agent.arun("q", background=True)
    with pytest.raises(TimeoutError):
        await agent.adrain(timeout=0.05)
    await agent.ashutdown()
    out = await agent.aget_run_output(run.run_id, run.session_id)
    assert out is not None and out.status is RunStatus.cancelled


async def test_provider_error_ends_background_run_with_error(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI
) -> None:
    mock_model.add_error(503, "upstream overloaded")
    agent = make_agent()
    run = await agent.arun("q", background=True)
    out = await wait_for_status(agent, run)
    assert out.status is RunStatus.error
    assert "upstream overloaded" in (out.error or "")


async def test_many_concurrent_runs_on_one_session_are_all_stored(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI, db: SqlDb
) -> None:
    agent = make_agent()
    n = 40
    for i in range(n + 5):
        mock_model.add_text(f"answer {i}", input_tokens=10 + i, output_tokens=1, latency=0.01)
    runs = [await agent.arun(f"q{i}", background=True, session_id="shared") for i in range(n)]
    foreground = await asyncio.gather(*(agent.arun("fg", session_id="shared") for _ in range(5)))
    await agent.adrain(timeout=30)
    assert await db.acount_runs("shared") == n + 5
    outs = [await agent.aget_run_output(r.run_id, "shared") for r in runs]
    assert all(o is not None and o.status is RunStatus.completed for o in outs)
    metrics = await agent.aget_session_metrics("shared")
    expected = sum(o.metrics.total_tokens for o in outs if o) + sum(
        f.metrics.total_tokens for f in foreground
    )
    assert metrics.runs == n + 5
    assert metrics.total_tokens == expected


async def test_sync_api_polls_from_inside_a_loop(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI
) -> None:
    agent = make_agent()
    run = await agent.arun("q", background=True)
    await agent.adrain()
    out = agent.get_run_output(run_id=run.run_id, session_id=run.session_id)
    assert out is not None and out.status is RunStatus.completed
    assert agent.get_session_metrics().total_tokens == out.metrics.total_tokens


async def test_heartbeat_keeps_a_long_run_alive_past_its_lease(
    mock_model: MockOpenAI, db: SqlDb
) -> None:
    mock_model.add_text("warm-up")
    mock_model.add_text("slow but alive", latency=5.0)
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini", max_retries=0), db=db)
    observer = Agent(model=OpenAIChat(id="gpt-4o-mini"), db=db)
    # The first call imports the SDK's lazy modules, blocking the loop for a moment: not
    # something a short lease would survive, and not what is tested here.
    await agent.arun("warm-up")
    # The run lasts 2.5 leases; renewals every 2/3 s leave slack for a busy machine.
    db.run_lease_seconds = 2.0
    run = await agent.arun("q", background=True)
    seen = set()
    while True:
        out = await observer.aget_run_output(run.run_id, run.session_id)
        assert out is not None
        seen.add(out.status)
        if out.status.is_terminal:
            break
        await asyncio.sleep(0.05)
    assert out.status is RunStatus.completed, out.error
    assert RunStatus.error not in seen


async def test_scheduler_start_reaps_runs_of_dead_processes(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI, db: SqlDb
) -> None:
    from agno_core.run._output import RunOutput

    dead = RunOutput(run_id="dead-run", session_id="s")
    db.run_lease_seconds = 0.01
    await db.ainsert_run(dead, status=RunStatus.running)
    await asyncio.sleep(0.05)
    db.run_lease_seconds = 30
    mock_model.add_text("ok", latency=0.6)
    agent = make_agent()
    run = await agent.arun("q", background=True)
    await agent.adrain()
    # Read without the expiry-on-read path: the supervisor itself reaped it.
    (stored,) = await db.aget_session_runs("s")
    assert stored.status is RunStatus.error and "lease expired" in (stored.error or "")
    assert (await agent.aget_run_output(run.run_id)).status is RunStatus.completed
