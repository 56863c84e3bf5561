"""The process-wide cap on executing background runs (``agno.run.concurrency``, as in Agno).

Every agent's and team's background runs share one cap per event loop; runs beyond it are
accepted, stored PENDING and start as slots free up. Each runner's ``background_concurrency``
applies as well.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator

import pytest

from agno_core.agent import Agent
from agno_core.db._sql import SqlDb
from agno_core.run import RunStatus
from agno_core.run._output import RunOutput
from agno_core.run.concurrency import (
    DEFAULT_BACKGROUND_MAX_CONCURRENCY,
    get_background_max_concurrency,
    set_background_max_concurrency,
)
from pytest_agno.mock import MockOpenAI, RecordedRequest
from tests.background.conftest import wait_for_status


@pytest.fixture(autouse=True)
def _reset_cap(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("AGNO_BACKGROUND_MAX_CONCURRENCY", raising=False)
    yield
    set_background_max_concurrency(None)


class Gate:
    """A tool that holds every run executing it until the test opens the gate."""

    def __init__(self) -> None:
        self.inside = 0
        self.most = 0
        self.opened = asyncio.Event()

    async def hold(self) -> str:
        """Hold until released."""
        self.inside += 1
        self.most = max(self.most, self.inside)
        try:
            await self.opened.wait()
        finally:
            self.inside -= 1
        return "released"

    async def until_inside(self, count: int) -> None:
        async with asyncio.timeout(20):
            while self.inside < count:
                await asyncio.sleep(0.01)
        # Time for a run the cap should have kept out to get in, if it wrongly could.
        await asyncio.sleep(0.2)


def has_tool_result(request: RecordedRequest) -> bool:
    return any(m.get("role") == "tool" for m in request.json.get("messages", []))


def script_hold(mock_model: MockOpenAI, runs: int) -> None:
    """Each run calls `hold` once, then answers."""
    mock_model.add_tool_call("hold", {}, times=runs, match=lambda r: not has_tool_result(r))
    mock_model.add_text("done", times=runs, match=has_tool_result)


async def statuses(agent: Agent, runs: list[RunOutput]) -> list[RunStatus]:
    found = [await agent.aget_run_output(r.run_id, r.session_id) for r in runs]
    return [out.status if out else RunStatus.error for out in found]


def test_the_cap_is_configured_like_agnos(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    assert get_background_max_concurrency() == DEFAULT_BACKGROUND_MAX_CONCURRENCY == 32
    monkeypatch.setenv("AGNO_BACKGROUND_MAX_CONCURRENCY", "3")
    assert get_background_max_concurrency() == 3
    set_background_max_concurrency(5)  # the programmatic setting wins over the environment
    assert get_background_max_concurrency() == 5
    set_background_max_concurrency(None)
    assert get_background_max_concurrency() == 3
    monkeypatch.setenv("AGNO_BACKGROUND_MAX_CONCURRENCY", "many")
    with caplog.at_level(logging.WARNING, logger="agno_core"):
        assert get_background_max_concurrency() == 32
    assert "AGNO_BACKGROUND_MAX_CONCURRENCY" in caplog.text
    with pytest.raises(TypeError, match="limit"):
        set_background_max_concurrency(2.5)  # type: ignore[arg-type]


async def test_agents_share_the_cap(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI, db: SqlDb
) -> None:
    gate = Gate()
    script_hold(mock_model, 6)
    set_background_max_concurrency(2)
    first = make_agent(tools=[gate.hold], background_concurrency=10)
    second = make_agent(tools=[gate.hold], background_concurrency=10)

    runs = [await agent.arun("go", background=True) for agent in (first, second) * 3]
    assert all(r.status is RunStatus.pending for r in runs)  # all accepted at once
    await gate.until_inside(2)

    assert gate.inside == 2  # the cap, though each agent alone would allow 10
    now = await statuses(first, runs[0::2]) + await statuses(second, runs[1::2])
    assert sorted(now).count(RunStatus.pending) == 4
    gate.opened.set()
    await first.adrain(timeout=30)
    await second.adrain(timeout=30)
    assert gate.most == 2
    done = await statuses(first, runs[0::2]) + await statuses(second, runs[1::2])
    assert done == [RunStatus.completed] * 6


async def test_a_cap_of_zero_leaves_only_each_agents_own_limit(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI, db: SqlDb
) -> None:
    gate = Gate()
    script_hold(mock_model, 4)
    set_background_max_concurrency(0)
    agent = make_agent(tools=[gate.hold], background_concurrency=3)

    runs = [await agent.arun("go", background=True) for _ in range(4)]
    await gate.until_inside(3)

    assert gate.inside == 3
    gate.opened.set()
    await agent.adrain(timeout=30)
    assert await statuses(agent, runs) == [RunStatus.completed] * 4


async def test_a_run_cancelled_while_it_waits_for_the_cap_gives_its_place_back(
    make_agent: Callable[..., Agent], mock_model: MockOpenAI, db: SqlDb
) -> None:
    gate = Gate()
    script_hold(mock_model, 2)
    set_background_max_concurrency(1)
    busy = make_agent(tools=[gate.hold])
    waiting = make_agent(tools=[gate.hold], background_concurrency=1)

    holder = await busy.arun("go", background=True)
    await gate.until_inside(1)
    queued = await waiting.arun("go", background=True)
    assert waiting._scheduler is not None
    own = waiting._scheduler.slot()._own
    async with asyncio.timeout(20):
        while not own.locked():  # it took its agent's slot and now waits at the cap
            await asyncio.sleep(0.01)
    assert await waiting.acancel_run(queued.run_id)
    out = await wait_for_status(waiting, queued)
    assert out.status is RunStatus.cancelled
    assert mock_model.request_count == 1  # only the holder called the model

    # The cancelled run held its agent's only slot while it waited; it gave it back.
    later = await waiting.arun("go", background=True)
    gate.opened.set()
    assert (await wait_for_status(busy, holder)).status is RunStatus.completed
    assert (await wait_for_status(waiting, later)).status is RunStatus.completed
    # A run's row shows its final status before its task has let go of its connection: drain,
    # or the test's loop would close on a task still holding a pooled PostgreSQL connection.
    await busy.adrain(timeout=30)
    await waiting.adrain(timeout=30)
