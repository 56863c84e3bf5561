"""Soak: hundreds of background runs with random latency, errors and cancels; none is lost."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable

from agno_core.agent import Agent
from agno_core.db._sql import SqlDb
from agno_core.run import RunStatus
from pytest_agno.mock import MockOpenAI

RUNS = 300


async def test_soak_every_run_ends_and_counts_add_up(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI, db: SqlDb
) -> None:
    rng = random.Random(7)
    errors = 0
    for i in range(RUNS):
        latency = rng.uniform(0.0, 0.05)
        if rng.random() < 0.10:
            mock_model.add_error(500, f"boom {i}", latency=latency)
            errors += 1
        else:
            mock_model.add_text(f"answer {i}", input_tokens=7, output_tokens=3, latency=latency)
    agent = make_agent(background_concurrency=50)
    runs = []
    cancels: list[asyncio.Task[bool]] = []
    for i in range(RUNS):
        run = await agent.arun(f"q{i}", background=True, session_id="soak")
        runs.append(run)
        if rng.random() < 0.10:
            delay = rng.uniform(0.0, 0.08)
            cancels.append(
                asyncio.create_task(_cancel_later(agent, run.run_id, delay), name=run.run_id)
            )
    await asyncio.gather(*cancels)
    await agent.adrain(timeout=120)

    stored = await db.aget_session_runs("soak")
    assert len(stored) == RUNS
    counts = Counter(o.status for o in stored)
    assert set(counts) <= {RunStatus.completed, RunStatus.error, RunStatus.cancelled}
    assert sum(counts.values()) == RUNS
    cancelled_ok = sum(1 for t in cancels if t.result())
    by_id = {o.run_id: o for o in stored}
    wrong = [
        (by_id[t.get_name()].status, by_id[t.get_name()].error)
        for t in cancels
        if t.result() and by_id[t.get_name()].status is not RunStatus.cancelled
    ]
    assert wrong == []
    assert counts[RunStatus.cancelled] == cancelled_ok
    # Every model call that was answered with an error ended its run with status error.
    assert counts[RunStatus.error] <= errors
    assert counts[RunStatus.completed] + counts[RunStatus.error] + cancelled_ok == RUNS
    completed = [o for o in stored if o.status is RunStatus.completed]
    assert all(o.content and o.content.startswith("answer") for o in completed)
    session = await agent.aget_session_metrics("soak")
    assert session.runs == RUNS
    assert session.total_tokens == sum(o.metrics.total_tokens for o in stored)
    assert session.total_tokens >= 10 * len(completed)
    mock_model.reset()  # replies left unused by cancelled runs are expected


async def _cancel_later(agent: Agent, run_id: str, delay: float) -> bool:
    await asyncio.sleep(delay)
    return await agent.acancel_run(run_id)
