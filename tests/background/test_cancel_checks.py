"""Agno's cancel-tracking helpers: code that checks a cancel itself (a long sync tool, a hook)."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable, Iterator

import pytest

from agno_core.agent import Agent
from agno_core.exceptions import RunCancelledException
from agno_core.run import RunStatus
from agno_core.run.cancel import (
    acancel_run,
    acleanup_run,
    aget_active_runs,
    ais_cancelled,
    araise_if_cancelled,
    aregister_run,
    cancel_run,
    cleanup_run,
    get_active_runs,
    is_cancelled,
    raise_if_cancelled,
    register_run,
)
from pytest_agno.mock import MockOpenAI
from tests.background.conftest import wait_for_status


@pytest.fixture
def run_id() -> Iterator[str]:
    rid = f"own-{uuid.uuid4()}"
    yield rid
    cleanup_run(rid)


async def test_a_sync_tool_that_checks_stops_its_background_run(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI
) -> None:
    started, finished = threading.Event(), threading.Event()
    steps: list[int] = []

    def long_job(run_context: object) -> str:
        """Works in steps, checking for a cancel between them."""
        started.set()
        try:
            for step in range(1000):
                raise_if_cancelled(run_context.run_id)  # type: ignore[attr-defined]
                steps.append(step)
                time.sleep(0.005)
            return "all done"
        finally:
            finished.set()

    mock_model.add_tool_call("long_job", {})
    agent = make_agent(tools=[long_job])
    run = await agent.arun("go", background=True)
    assert await asyncio.to_thread(started.wait, 10)
    assert get_active_runs().get(run.run_id) is False
    assert await agent.acancel_run(run.run_id) is True
    out = await wait_for_status(agent, run)
    assert out.status is RunStatus.cancelled
    # The worker thread saw the cancel and stopped well before its thousand steps.
    assert await asyncio.to_thread(finished.wait, 10)
    assert len(steps) < 1000
    assert len(mock_model.requests) == 1  # the model was not asked again
    assert run.run_id not in get_active_runs()  # forgotten once it ended


async def test_a_tool_raising_run_cancelled_ends_its_run_cancelled(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI
) -> None:
    def give_up() -> str:
        """Cancels its own run."""
        raise RunCancelledException("nothing left to do")

    mock_model.add_tool_call("give_up", {})
    agent = make_agent(tools=[give_up])
    out = await agent.arun("go")
    assert out.status is RunStatus.cancelled
    assert out.tools is not None and out.tools[0].tool_call_error is True
    assert len(mock_model.requests) == 1
    stored = await agent.aget_run_output(out.run_id)
    assert stored is not None and stored.status is RunStatus.cancelled


async def test_a_pre_hook_raising_run_cancelled_cancels_before_the_model_call(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI
) -> None:
    def refuse(run_input: object) -> None:
        raise RunCancelledException("not today")

    agent = make_agent(pre_hooks=[refuse])
    out = await agent.arun("go")
    assert out.status is RunStatus.cancelled
    assert mock_model.requests == []


def test_register_cancel_and_cleanup_an_id_no_agent_runs(run_id: str) -> None:
    assert is_cancelled(run_id) is False
    register_run(run_id)
    assert get_active_runs()[run_id] is False
    raise_if_cancelled(run_id)  # not cancelled: nothing happens
    assert cancel_run(run_id) is True  # tracked, so the cancel is acknowledged
    assert is_cancelled(run_id) is True
    assert get_active_runs()[run_id] is True
    with pytest.raises(RunCancelledException, match=run_id) as caught:
        raise_if_cancelled(run_id)
    assert caught.value.type == "run_cancelled_error"
    cleanup_run(run_id)
    assert is_cancelled(run_id) is False
    assert run_id not in get_active_runs()


def test_an_intent_for_an_unknown_id_reads_as_cancelled(run_id: str) -> None:
    assert cancel_run(run_id) is False  # unknown: only an intent is stored
    assert is_cancelled(run_id) is True
    assert get_active_runs()[run_id] is True
    cleanup_run(run_id)  # drops the intent too
    assert is_cancelled(run_id) is False


async def test_async_twins(run_id: str) -> None:
    await aregister_run(run_id)
    assert await ais_cancelled(run_id) is False
    assert await acancel_run(run_id) is True
    assert await ais_cancelled(run_id) is True
    assert (await aget_active_runs())[run_id] is True
    with pytest.raises(RunCancelledException):
        await araise_if_cancelled(run_id)
    await acleanup_run(run_id)
    assert await ais_cancelled(run_id) is False


def test_register_checks_the_id() -> None:
    with pytest.raises(ValueError):
        register_run("")
