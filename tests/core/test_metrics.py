"""Metrics invariants (DESIGN 3.7): totals vs details, db round trip, session sums, timings."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from agno_core.agent import Agent
from agno_core.metrics import ModelMetrics, RunMetrics, SessionMetrics, TokenCounts
from agno_core.models.openai._common import OpenAIBase
from agno_core.run.agent import RunOutput
from agno_core.run.base import RunStatus
from pytest_agno.mock import MockOpenAI

AgentMaker = Callable[..., Agent]
ModelFactory = Callable[..., OpenAIBase]

TOKEN_FIELDS = tuple(TokenCounts().tokens_dict())


def _sum_of_model_entries(metrics: RunMetrics) -> dict[str, int]:
    total = TokenCounts()
    for key, entries in metrics.details.items():
        if key == "tool_call":
            continue
        for entry in entries:
            assert isinstance(entry, ModelMetrics), key
            total.add_tokens(entry)
    return total.tokens_dict()


def add(a: int, b: int) -> int:
    return a + b


async def _run(agent: Agent, stream: bool, **kwargs: Any) -> RunOutput:
    if not stream:
        return await agent.arun("x", **kwargs)  # type: ignore[no-any-return]
    items = [e async for e in agent.arun("x", stream=True, yield_run_output=True, **kwargs)]
    return items[-1]  # type: ignore[no-any-return]


@pytest.fixture(params=[False, True], ids=["json", "sse"])
def stream(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


async def test_totals_equal_the_sum_over_model_details(
    make_agent: AgentMaker, mock_model: MockOpenAI, stream: bool
) -> None:
    mock_model.add_tool_call(
        "add",
        {"a": 1, "b": 2},
        input_tokens=40,
        output_tokens=7,
        cached_tokens=8,
        reasoning_tokens=3,
    )
    mock_model.add_tool_calls(
        [("add", {"a": 2, "b": 2}), ("add", {"a": 3, "b": 3})], input_tokens=60, output_tokens=9
    )
    mock_model.add_text("6", input_tokens=80, output_tokens=2, cached_tokens=32)
    agent = make_agent(tools=[add])

    run = await _run(agent, stream)

    m = run.metrics
    assert run.status is RunStatus.completed
    assert (m.input_tokens, m.output_tokens, m.total_tokens) == (180, 18, 198)
    assert (m.cache_read_tokens, m.reasoning_tokens) == (40, 3)
    assert _sum_of_model_entries(m) == m.tokens_dict()
    [entry] = m.details["model"]
    assert entry.requests == 3
    assert entry.duration > 0
    assert len(m.details["tool_call"]) == 3


async def test_auxiliary_model_calls_have_their_own_entry(
    make_agent: AgentMaker, make_model: ModelFactory, mock_model: MockOpenAI
) -> None:
    mock_model.add_text(
        "Nice to meet you, Ada.", input_tokens=30, output_tokens=6, model="gpt-4o-mini"
    )
    mock_model.add_json(
        {"memories": ["The user is called Ada."]},
        input_tokens=50,
        output_tokens=10,
        model="gpt-4.1-nano",
    )
    agent = make_agent(update_memory_on_run=True, memory_model=make_model(id="gpt-4.1-nano"))

    run = await agent.arun("I am Ada.", user_id="ada")

    m = run.metrics
    assert run.status is RunStatus.completed
    assert [(e.id, e.requests) for e in m.details["model"]] == [("gpt-4o-mini", 1)]
    assert [(e.id, e.model_type) for e in m.details["memory_model"]] == [
        ("gpt-4.1-nano", "memory_model")
    ]
    assert (m.input_tokens, m.output_tokens) == (80, 16)
    assert _sum_of_model_entries(m) == m.tokens_dict()
    assert [m.memory for m in await agent.aget_user_memories("ada")] == ["The user is called Ada."]


async def test_metrics_read_back_equal_the_returned_ones(
    make_agent: AgentMaker, mock_model: MockOpenAI, stream: bool
) -> None:
    mock_model.add_tool_call("add", {"a": 1, "b": 2}, cached_tokens=2, reasoning_tokens=1)
    mock_model.add_text("3", audio_input_tokens=4, audio_output_tokens=5, latency=0.002)
    agent = make_agent(tools=[add])

    run = await _run(agent, stream)
    stored = await agent.aget_run_output(run.run_id, run.session_id)

    assert stored is not None
    assert stored.metrics == run.metrics
    assert stored.metrics.to_dict() == run.metrics.to_dict()
    assert isinstance(stored.metrics.details["model"][0], ModelMetrics)


async def test_session_metrics_are_the_sum_over_the_sessions_runs(
    make_agent: AgentMaker, make_model: ModelFactory, mock_model: MockOpenAI
) -> None:
    mock_model.add_text("a", input_tokens=10, output_tokens=1, cached_tokens=2)
    mock_model.add_tool_call("add", {"a": 1, "b": 1}, input_tokens=20, output_tokens=2)
    mock_model.add_text("b", input_tokens=30, output_tokens=3, reasoning_tokens=1)
    mock_model.add_error(500, "Lost.")
    mock_model.add_text("other session", input_tokens=1000, output_tokens=1000)
    mock_model.add_text("c", input_tokens=40, output_tokens=4, model="gpt-4o")
    agent = make_agent(tools=[add], session_id="s-main")
    other_model_agent = make_agent(model=make_model(id="gpt-4o"), session_id="s-main")

    runs = [
        await agent.arun("1"),
        await agent.arun("2"),
        await agent.arun("3"),
        await agent.arun("4", session_id="s-other"),
        await other_model_agent.arun("5"),
    ]
    session = await agent.aget_session_metrics()

    in_session = [r for r in runs if r.session_id == "s-main"]
    assert [r.status for r in in_session] == [
        RunStatus.completed,
        RunStatus.completed,
        RunStatus.error,
        RunStatus.completed,
    ]
    assert isinstance(session, SessionMetrics)
    assert session.session_id == "s-main"
    assert session.runs == 4
    expected = TokenCounts()
    for r in in_session:
        expected.add_tokens(r.metrics)
    assert session.tokens_dict() == expected.tokens_dict()
    assert (session.input_tokens, session.output_tokens) == (100, 10)
    assert session.duration == pytest.approx(sum(r.metrics.duration or 0 for r in in_session))
    by_model = {e.id: e for e in session.details["model"]}
    assert sorted(by_model) == ["gpt-4o", "gpt-4o-mini"]
    assert (by_model["gpt-4o-mini"].requests, by_model["gpt-4o-mini"].input_tokens) == (3, 60)
    assert (by_model["gpt-4o"].requests, by_model["gpt-4o"].input_tokens) == (1, 40)
    assert "tool_call" not in session.details
    assert (await agent.aget_session_metrics("s-other")).input_tokens == 1000
    with pytest.raises(ValueError, match="Session not found"):  # as Agno raises
        await agent.aget_session_metrics("s-unknown")
    assert agent.get_session_metrics() == session  # the sync twin, from inside a running loop


async def test_session_metrics_need_a_db(make_model: ModelFactory, mock_model: MockOpenAI) -> None:
    agent = Agent(model=make_model())
    await agent.arun("x")

    with pytest.raises(ValueError, match="db"):
        await agent.aget_session_metrics()


async def test_duration_and_time_to_first_token(
    make_agent: AgentMaker, mock_model: MockOpenAI, stream: bool
) -> None:
    mock_model.add_text("slow reply", latency=0.03)
    agent = make_agent()

    run = await _run(agent, stream)

    m = run.metrics
    assert m.duration is not None and m.time_to_first_token is not None
    assert m.duration >= 0.025
    assert m.time_to_first_token >= 0.025
    assert m.time_to_first_token <= m.duration
    [entry] = m.details["model"]
    assert entry.time_to_first_token is not None
    assert 0.025 <= entry.time_to_first_token <= entry.duration <= m.duration
    assert m.queue_wait is None  # only background runs wait in a queue


async def test_duration_covers_every_model_call_and_tool(
    make_agent: AgentMaker, mock_model: MockOpenAI, stream: bool
) -> None:
    async def wait(ms: int) -> str:
        await asyncio.sleep(ms / 1000)
        return "waited"

    mock_model.add_tool_call("wait", {"ms": 20}, latency=0.01)
    mock_model.add_text("done", latency=0.01)
    agent = make_agent(tools=[wait])

    run = await _run(agent, stream)

    m = run.metrics
    assert m.duration is not None and m.duration >= 0.035
    [tool_metrics] = m.details["tool_call"]
    assert tool_metrics.duration >= 0.015
    assert m.details["model"][0].duration >= 0.015
    assert m.time_to_first_token is not None and 0.008 <= m.time_to_first_token <= m.duration


async def test_error_run_keeps_its_duration_and_tokens(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_tool_call("add", {"a": 1, "b": 1}, input_tokens=25, output_tokens=5)
    mock_model.add_error(500, "Down.", latency=0.01)
    agent = make_agent(tools=[add])

    run = await agent.arun("x")

    assert run.status is RunStatus.error
    assert (run.metrics.input_tokens, run.metrics.output_tokens) == (25, 5)
    assert run.metrics.duration is not None and run.metrics.duration >= 0.008
    stored = await agent.aget_run_output(run.run_id, run.session_id)
    assert stored is not None and stored.metrics == run.metrics


def test_run_metrics_round_trip_through_dicts() -> None:
    metrics = RunMetrics()
    usage = TokenCounts(input_tokens=3, output_tokens=4, total_tokens=7, audio_input_tokens=1)
    metrics.add_model_usage(
        usage, model_id="m", provider="p", duration=0.5, time_to_first_token=0.1, cost=0.25
    )
    metrics.add_model_usage(usage, model_id="m", provider="p", duration=0.5, cost=0.25)
    metrics.add_model_usage(usage, model_id="aux", provider="p", model_type="memory_model")

    again = RunMetrics.from_dict(metrics.to_dict())

    assert again == metrics
    assert metrics.total_tokens == 21
    assert metrics.cost == 0.5
    [entry] = metrics.details["model"]
    assert (entry.requests, entry.duration, entry.time_to_first_token) == (2, 1.0, 0.1)
    assert _sum_of_model_entries(metrics) == metrics.tokens_dict()


def test_add_tokens_adds_every_token_field() -> None:
    # add_tokens spells its fields out: a token field added later must be summed too.
    names = [name for name in TokenCounts.__dataclass_fields__]
    mine = ModelMetrics(id="m", provider="p", **{n: i + 1 for i, n in enumerate(names)})
    other = RunMetrics(**{n: 100 * (i + 1) for i, n in enumerate(names)})
    mine.add_tokens(other)
    assert mine.tokens_dict() == {n: 101 * (i + 1) for i, n in enumerate(names)}
