"""Replayed runs are real runs: metrics, tools, background runs, cancellation, growth-free loops."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from agno_core.agent import Agent
from agno_core.db._sql import SqlDb
from agno_core.eval.performance import PerformanceEval
from agno_core.models.openai import OpenAIChat, OpenAIResponses
from agno_core.run.base import RunStatus
from pytest_agno import PerfEval, assert_metrics_consistent
from pytest_agno.mock._cassette_mock import CassetteMock
from pytest_agno.mock._cassette_options import CassetteOptions
from pytest_agno.mock._openai import MockOpenAI
from tests.plugin.openai_server import OpenAIServer

# What the local server reports for every call (see openai_server.USAGE).
INPUT, OUTPUT, CACHED = 31, 7, 4


def cassette(path: Path, record: str, **options: Any) -> CassetteMock:
    return CassetteMock(CassetteOptions(path=path, record=record, test_id="runs", **options))


def weather(city: str) -> str:
    """The weather in a city."""
    return f"Sunny in {city}"


def make_agent(endpoint: str, base_url: str, db: SqlDb | None = None, **kwargs: Any) -> Agent:
    model_cls = OpenAIChat if endpoint == "chat" else OpenAIResponses
    model = model_cls(id="gpt-4o-mini", base_url=base_url, max_retries=0)
    return Agent(model=model, db=db, tools=[weather], **kwargs)


@pytest.fixture(params=["chat", "responses"])
def endpoint(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
async def test_replayed_run_has_the_recorded_run_metrics_and_tool_calls(
    openai_server: OpenAIServer, cassette_dir: Path, endpoint: str, stream: bool
) -> None:
    path = cassette_dir / "run.json"

    async def run_once() -> Any:
        agent = make_agent(endpoint, openai_server.base_url)
        if not stream:
            return await agent.arun("Weather in Paris?")
        items = agent.arun("Weather in Paris?", stream=True, yield_run_output=True)
        return [item async for item in items][-1]

    with cassette(path, "once"):
        live = await run_once()
    openai_server.stop()
    with cassette(path, "none") as replay:
        replayed = await run_once()

    assert len(replay.requests) == 2  # the tool call, then the answer
    assert replayed.content == live.content == "Echo: Weather in Paris?"
    for run in (live, replayed):
        metrics = run.metrics
        assert (metrics.input_tokens, metrics.output_tokens) == (2 * INPUT, 2 * OUTPUT)
        assert metrics.cache_read_tokens == 2 * CACHED
        assert [call.tool_name for call in metrics.details["tool_call"]] == ["weather"]
        assert_metrics_consistent(run)


async def test_background_runs_replay(
    openai_server: OpenAIServer, cassette_dir: Path, sqlite_db: SqlDb
) -> None:
    path = cassette_dir / "background.json"
    with cassette(path, "once"):
        live = await make_agent("chat", openai_server.base_url).arun("Weather in Paris?")
    openai_server.stop()

    with cassette(path, "none"):
        agent = make_agent("chat", openai_server.base_url, db=sqlite_db)
        pending = await agent.arun("Weather in Paris?", background=True)
        assert pending.status is RunStatus.pending
        await agent.adrain()
        done = await agent.aget_run_output(run_id=pending.run_id, session_id=pending.session_id)

    assert done is not None and done.status is RunStatus.completed
    assert done.content == live.content
    assert done.metrics.total_tokens == live.metrics.total_tokens == 2 * (INPUT + OUTPUT)


async def test_cancelling_during_a_replayed_call(
    openai_server: OpenAIServer, cassette_dir: Path, sqlite_db: SqlDb
) -> None:
    path = cassette_dir / "cancel.json"
    with cassette(path, "once"):
        await make_agent("responses", openai_server.base_url).arun("Weather in Paris?")
    openai_server.stop()

    with cassette(path, "none", latency=30.0) as replay:
        agent = make_agent("responses", openai_server.base_url, db=sqlite_db)
        pending = await agent.arun("Weather in Paris?", background=True)
        while not replay.requests:
            await asyncio.sleep(0.005)
        started = time.monotonic()
        assert await agent.acancel_run(run_id=pending.run_id) is True
        await agent.adrain()
        elapsed = time.monotonic() - started
        out = await agent.aget_run_output(run_id=pending.run_id, session_id=pending.session_id)

    assert out is not None and out.status is RunStatus.cancelled
    assert elapsed < 10  # interrupted in the 30 s replay latency, not after it
    assert len(replay.requests) == 1


async def test_recorded_latency_can_be_replayed(
    openai_server: OpenAIServer, cassette_dir: Path
) -> None:
    openai_server.delay = 0.03
    path = cassette_dir / "pace.json"
    with cassette(path, "once") as recording:
        await make_agent("chat", openai_server.base_url).arun("Hi", stream=False)
    openai_server.stop()
    assert recording.cassette.entries  # written on stop
    recorded = recording.cassette.entries[0].response
    assert recorded["latency"] > 0

    with cassette(path, "none", latency=True):
        started = time.perf_counter()
        await make_agent("chat", openai_server.base_url).arun("Hi")
        paced = time.perf_counter() - started
    assert paced >= recorded["latency"]


async def test_perf_eval_over_replayed_runs_adds_no_growth(
    openai_server: OpenAIServer, cassette_dir: Path
) -> None:
    path = cassette_dir / "perf.json"
    with cassette(path, "once"):
        await make_agent("chat", openai_server.base_url).arun("Weather in Paris?")
    openai_server.stop()

    async def growth(mock: MockOpenAI) -> list[str]:
        agent = make_agent("chat", openai_server.base_url)
        mock.keep_requests = 0

        async def run() -> None:
            await agent.arun("Weather in Paris?")

        evaluation = PerformanceEval(
            name="replayed runs",
            func=run,
            num_iterations=8,
            warmup_runs=2,
            measure_runtime=False,
            memory_growth_tracking=True,
        )
        result = await evaluation.arun()
        return [site.filename for site in result.growth_sites if site.size_diff > 0]

    with cassette(path, "none") as replay:
        replay_sites = await growth(replay)
    # No line of the replay machinery (transport patch, cassette, streams) grows per iteration.
    ours = ("_cassette", "_transport_patch", "_scripted_transport")
    assert [site for site in replay_sites if any(name in site for name in ours)] == []


async def test_a_perf_eval_over_a_replayed_cassette_reports_no_growth(
    openai_server: OpenAIServer, cassette_dir: Path, perf_eval: PerfEval
) -> None:
    path = cassette_dir / "perf_eval.json"
    with cassette(path, "once"):
        await make_agent("chat", openai_server.base_url).arun("Weather in Paris?")
    openai_server.stop()

    with cassette(path, "none") as replay:  # keep_requests left at its default, as a user does
        agent = make_agent("chat", openai_server.base_url)
        await agent.arun("Weather in Paris?")  # recorded: no eval measures yet
        result = await perf_eval.arun(
            lambda: agent.arun("Weather in Paris?"),
            num_iterations=20,
            warmup_runs=2,
            measure_runtime=False,
            memory_growth_tracking=True,
        )

    # A kept request is ~6 KiB (two per run): recording them during the eval was a false leak.
    assert result.avg_growth_per_iteration is not None
    assert result.avg_growth_per_iteration < 1024, result.growth_sites[:3]
    assert len(replay.requests) == 2  # the run before the eval only
    assert replay.request_count == 2 * (1 + 1 + 2 + 20)  # + the eval's priming call


async def test_a_bounded_cassette_mock_keeps_the_last_requests_during_an_eval(
    openai_server: OpenAIServer, cassette_dir: Path, perf_eval: PerfEval
) -> None:
    path = cassette_dir / "bounded.json"
    with cassette(path, "once"):
        await make_agent("chat", openai_server.base_url).arun("Weather in Paris?")
    openai_server.stop()

    with cassette(path, "none") as replay:
        replay.keep_requests = 3
        agent = make_agent("chat", openai_server.base_url)
        await perf_eval.arun(
            lambda: agent.arun("Weather in Paris?"),
            num_iterations=3,
            warmup_runs=0,
            measure_runtime=False,
        )

    assert len(replay.requests) == 3
    assert replay.requests[-1].last_user_message == "Weather in Paris?"
