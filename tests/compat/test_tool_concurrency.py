"""The tool calls of one model response: `arun()` runs them concurrently and `run()` one after
another, as Agno 3.1.10 does (its ``arun`` gathers them, sync tools each in a worker thread; its
``run`` calls them in turn). Either way the records keep the order of the calls.

Overlap is shown without timing: each tool waits for the other one to have started (an event or
a barrier only the other call releases), so calls run one after another would fail to meet.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

from agno_core.agent import Agent
from agno_core.run.base import RunStatus
from pytest_agno.mock import MockOpenAI

MEET_WAIT = 5.0  # a hang guard only: the other call releases the wait at once when it runs


def _two_calls(mock: MockOpenAI, name: str, first: str = "a", second: str = "b") -> None:
    mock.add_tool_calls([(name, {"x": first}), (name, {"x": second})])
    mock.add_text("done")


async def test_arun_runs_two_async_tools_together(mock_model: MockOpenAI) -> None:
    started = {"a": asyncio.Event(), "b": asyncio.Event()}

    async def meet(x: str) -> str:
        """Wait for the other call to start."""
        started[x].set()
        await asyncio.wait_for(started["b" if x == "a" else "a"].wait(), MEET_WAIT)
        return f"{x} met"

    _two_calls(mock_model, "meet")
    run = await Agent(tools=[meet]).arun("Meet")

    assert run.status is RunStatus.completed
    assert [(t.result, t.tool_call_error) for t in run.tools] == [
        ("a met", False),
        ("b met", False),
    ]


async def test_arun_runs_two_sync_tools_together_in_threads(mock_model: MockOpenAI) -> None:
    barrier = threading.Barrier(2)

    def meet(x: str) -> str:
        """Wait for the other call to start."""
        barrier.wait(MEET_WAIT)  # broken (an error result) when the calls do not overlap
        return f"{x} met"

    _two_calls(mock_model, "meet")
    run = await Agent(tools=[meet]).arun("Meet")

    assert [(t.result, t.tool_call_error) for t in run.tools] == [
        ("a met", False),
        ("b met", False),
    ]


def test_run_calls_sync_tools_one_after_another(mock_model: MockOpenAI) -> None:
    log: list[tuple[str, str]] = []

    def step(x: str) -> str:
        """Record the call."""
        log.append(("start", x))
        log.append(("end", x))
        return x

    _two_calls(mock_model, "step")
    run = Agent(tools=[step]).run("Step")

    assert run.status is RunStatus.completed
    assert log == [("start", "a"), ("end", "a"), ("start", "b"), ("end", "b")]


def test_run_calls_async_tools_one_after_another(mock_model: MockOpenAI) -> None:
    log: list[tuple[str, str]] = []

    async def step(x: str) -> str:
        """Record the call, letting the loop run the other call if it could."""
        log.append(("start", x))
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        log.append(("end", x))
        return x

    _two_calls(mock_model, "step")
    run = Agent(tools=[step]).run("Step")

    assert run.status is RunStatus.completed
    assert log == [("start", "a"), ("end", "a"), ("start", "b"), ("end", "b")]


async def test_the_records_keep_the_call_order_when_the_second_finishes_first(
    mock_model: MockOpenAI,
) -> None:
    second_done = asyncio.Event()
    finished: list[str] = []

    async def work(x: str) -> str:
        """The first call finishes only after the second."""
        if x == "a":
            await asyncio.wait_for(second_done.wait(), MEET_WAIT)
        finished.append(x)
        if x == "b":
            second_done.set()
        return f"{x} done"

    _two_calls(mock_model, "work")
    run = await Agent(tools=[work]).arun("Work")

    assert finished == ["b", "a"]
    ids = [t.tool_call_id for t in run.tools]
    assert [t.result for t in run.tools] == ["a done", "b done"]
    assert [m.tool_call_id for m in run.messages if m.role == "tool"] == ids
    assert [m.tool_call_id for m in run.metrics.details["tool_call"]] == ids
    sent = mock_model.requests[-1].json["messages"]
    assert [m["content"] for m in sent if m["role"] == "tool"] == ["a done", "b done"]


async def test_arun_starts_sync_generator_tools_after_the_others_one_by_one(
    mock_model: MockOpenAI,
) -> None:
    log: list[str] = []

    def chunks(x: str) -> Iterator[str]:
        """Yield the answer in pieces."""
        log.append(f"start {x}")
        yield x
        log.append(f"end {x}")

    async def plain(x: str) -> str:
        """Answer at once."""
        log.append(f"plain {x}")
        return x

    mock_model.add_tool_calls(
        [("chunks", {"x": "a"}), ("plain", {"x": "p"}), ("chunks", {"x": "b"})]
    )
    mock_model.add_text("done")
    run = await Agent(tools=[chunks, plain]).arun("Go")

    assert log == ["plain p", "start a", "end a", "start b", "end b"]
    assert [t.result for t in run.tools] == ["a", "p", "b"]


async def test_the_tool_call_limit_answers_the_extra_concurrent_calls(
    mock_model: MockOpenAI,
) -> None:
    ran: list[str] = []

    async def step(x: str) -> str:
        """Record the call."""
        ran.append(x)
        return x

    mock_model.add_tool_calls([("step", {"x": "a"}), ("step", {"x": "b"}), ("step", {"x": "c"})])
    mock_model.add_text("done")
    run = await Agent(tools=[step], tool_call_limit=2).arun("Go")

    assert sorted(ran) == ["a", "b"]
    assert len([m for m in run.messages if m.role == "tool"]) == 3  # the third one refused
