"""Cancellation: before start, during a model or tool call, after completion, unknown ids."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable

import pytest

from agno_core.agent import Agent
from agno_core.db._sql import SqlDb
from agno_core.run import RunStatus
from agno_core.run.cancel import acancel_run, cancel_run
from pytest_agno.mock import MockOpenAI
from tests.background.conftest import wait_for_status


async def test_cancel_before_start_never_calls_the_model(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI, db: SqlDb
) -> None:
    agent = make_agent()
    run_id = str(uuid.uuid4())
    assert cancel_run(run_id) is False  # unknown: the intent is kept
    run = await agent.arun("This won't run.", background=True, run_id=run_id)
    assert run.status is RunStatus.cancelled
    out = await agent.aget_run_output(run_id=run_id, session_id=run.session_id)
    assert out is not None and out.status is RunStatus.cancelled
    assert mock_model.requests == []
    # The intent was consumed: the id cannot be reused, and no intent is left behind.
    assert await db.acancel_intents([run_id]) == set()


async def test_cancel_before_start_of_a_foreground_run(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI
) -> None:
    agent = make_agent()
    run_id = str(uuid.uuid4())
    assert await acancel_run(run_id) is False
    out = await agent.arun("no", run_id=run_id)
    assert out.status is RunStatus.cancelled
    assert mock_model.requests == []
    stored = await agent.aget_run_output(run_id)
    assert stored is not None and stored.status is RunStatus.cancelled


async def test_intent_stored_in_the_db_is_seen_by_another_agent(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI, db: SqlDb
) -> None:
    run_id = str(uuid.uuid4())
    await db.aset_cancel_intent(run_id)  # as another process sharing the db would
    out = await make_agent().arun("no", run_id=run_id, background=True)
    assert out.status is RunStatus.cancelled
    assert mock_model.requests == []


async def test_cancel_during_a_model_call_interrupts_it_at_once(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI
) -> None:
    mock_model.add_text("Five thousand words...", latency=30)
    agent = make_agent()
    run = await agent.arun("Write 5000 words", background=True)
    await wait_for_status(agent, run, (RunStatus.running,))
    while not mock_model.requests:
        await asyncio.sleep(0.005)
    started = time.monotonic()
    assert await agent.acancel_run(run_id=run.run_id) is True
    out = await wait_for_status(agent, run)
    assert out.status is RunStatus.cancelled
    assert time.monotonic() - started < 5  # nowhere near the 30 s the model would take
    assert out.finished_at is not None
    # nothing was said yet: as in Agno, the reason is the content (and the error)
    assert out.content == out.error == f"Run {out.run_id} was cancelled"  # Agno's words


async def test_cancelled_run_keeps_partial_content_and_spent_tokens(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI
) -> None:
    def lookup(q: str) -> str:
        """Look it up."""
        return "facts"

    mock_model.add_tool_call("lookup", {"q": "a"}, input_tokens=30, output_tokens=4)
    mock_model.add_text("one two three four five six", chunks=6, latency=30)
    agent = make_agent(tools=[lookup])
    events = []
    async for event in agent.arun("go", stream=True, stream_events=True):
        events.append(event)
        if event.event == "ToolCallCompleted":
            asyncio.get_running_loop().call_later(
                0.2, asyncio.ensure_future, agent.acancel_run(event.run_id)
            )
    assert events[-1].event == "RunCancelled"
    stored = await agent.aget_run_output(events[-1].run_id)
    assert stored is not None and stored.status is RunStatus.cancelled
    assert stored.metrics.input_tokens == 30  # the first call's tokens are kept
    assert [t.tool_name for t in stored.tools] == ["lookup"]
    assert any(m.role == "tool" for m in stored.messages)


async def test_cancel_streaming_run_keeps_streamed_text(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI
) -> None:
    agent = make_agent()
    mock_model.add_text("alpha beta gamma delta", chunks=4)
    seen: list[str] = []
    async for event in agent.arun("go", stream=True):
        if event.event == "RunContent":
            seen.append(event.content)
            if len(seen) == 2:
                assert await agent.acancel_run(event.run_id) is True
    assert event.event == "RunCancelled"
    stored = await agent.aget_run_output(event.run_id)
    assert stored is not None and stored.status is RunStatus.cancelled
    assert stored.content == "".join(seen)


async def test_cancel_during_a_tool_call(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI
) -> None:
    started = asyncio.Event()

    async def slow_tool(x: int) -> str:
        """Takes a long time."""
        started.set()
        await asyncio.sleep(30)
        return "never"

    mock_model.add_tool_call("slow_tool", {"x": 1})
    agent = make_agent(tools=[slow_tool])
    run = await agent.arun("go", background=True)
    await asyncio.wait_for(started.wait(), 10)
    assert await agent.acancel_run(run.run_id) is True
    out = await wait_for_status(agent, run)
    assert out.status is RunStatus.cancelled
    assert out.tools[0].tool_call_error is True


async def test_cancel_of_a_foreground_run_from_another_task(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI
) -> None:
    mock_model.add_text("slow", latency=30)
    agent = make_agent()
    run_id = "fg-run"

    async def cancel_soon() -> bool:
        while not mock_model.requests:
            await asyncio.sleep(0.005)
        return await agent.acancel_run(run_id)

    canceller = asyncio.create_task(cancel_soon())
    out = await agent.arun("go", run_id=run_id)
    assert await canceller is True
    assert out.status is RunStatus.cancelled
    # The awaiting task is not left in a cancelling state.
    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0
    await asyncio.sleep(0)


async def test_cancel_after_completion_returns_false_and_changes_nothing(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI, db: SqlDb
) -> None:
    agent = make_agent()
    out = await agent.arun("hi")
    assert out.status is RunStatus.completed
    assert await agent.acancel_run(out.run_id) is False
    assert agent.cancel_run(out.run_id) is False
    stored = await agent.aget_run_output(out.run_id)
    assert stored is not None and stored.status is RunStatus.completed
    assert await db.acancel_intents([out.run_id]) == set()


async def test_cancel_of_a_queued_run(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI
) -> None:
    mock_model.add_text("first", latency=0.5)
    mock_model.add_text("second")
    agent = make_agent(background_concurrency=1)
    first = await agent.arun("1", background=True)
    second = await agent.arun("2", background=True)
    assert await agent.acancel_run(second.run_id) is True
    out = await wait_for_status(agent, second)
    assert out.status is RunStatus.cancelled
    assert (await wait_for_status(agent, first)).status is RunStatus.completed
    assert len(mock_model.requests) == 1
    mock_model.reset()


async def test_unknown_id_keeps_intent_until_it_expires(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI, db: SqlDb
) -> None:
    db.cancel_intent_ttl = 0.2
    run_id = str(uuid.uuid4())
    assert await acancel_run(run_id, db) is False
    assert await db.acancel_intents([run_id]) == {run_id}
    await asyncio.sleep(0.3)
    assert await db.acancel_intents([run_id]) == set()
    from agno_core.run._registry import local_runs

    local_runs.clear_intent(run_id)
    out = await make_agent().arun("runs", run_id=run_id)
    assert out.status is RunStatus.completed


async def test_cancel_of_an_unknown_id_with_a_db_is_false(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI
) -> None:
    agent = make_agent()
    assert await agent.acancel_run("no-such-run") is False


@pytest.mark.parametrize("when", ["queued", "running"])
async def test_shutdown_marks_background_runs_cancelled(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI, when: str
) -> None:
    mock_model.add_text("slow", latency=30)
    mock_model.add_text("slow", latency=30)
    agent = make_agent(background_concurrency=1)
    runs = [await agent.arun("q", background=True) for _ in range(2)]
    if when == "running":
        await wait_for_status(agent, runs[0], (RunStatus.running,))
    await agent.ashutdown(timeout=10)
    for run in runs:
        out = await agent.aget_run_output(run.run_id, run.session_id)
        assert out is not None and out.status is RunStatus.cancelled
    mock_model.reset()
