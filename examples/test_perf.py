"""Performance: seed 004's PerformanceEval of a team with memory, a CI perf gate, a leak caught.

``perf_eval`` measures with `PerformanceEval`, records the result for ``--agno-eval`` (terminal
table, JSON, HTML, baselines) and fails the test with `PerfGateError` when a gate is crossed.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable
from typing import Any

import pytest

from agno_core.agent import Agent
from agno_core.models.openai import OpenAIChat
from agno_core.team import Team
from agno_core.tools import tool
from pytest_agno import MockOpenAI, PerfEval, PerfGateError, RecordedRequest

STICKY = 1_000  # a scripted reply answers every matching request of the test
SEED_004_GATE_KIB = 32  # measured ~17 KiB: the team keeps each run in its history

cities = ["New York", "Chicago", "Miami", "Seattle", "Boston", "Denver"]


def get_weather(city: str) -> str:
    """Get the weather for the given city.

    Args:
        city (str): The city to get weather for.
    """
    return f"The weather in {city} is sunny."


# -- routing the mock's replies ------------------------------------------------------------


def is_memory(request: RecordedRequest) -> bool:
    """A memory extraction call (its response format is the memory schema)."""
    return "_MemoryExtraction" in str(request.json.get("response_format") or "")


def first_call_with(tool_name: str) -> Callable[[RecordedRequest], bool]:
    """A run's first model call offering ``tool_name``: no tool result since its user message.

    Earlier runs' tool results may be in the request (history), before that message.
    """

    def accepts(request: RecordedRequest) -> bool:
        if is_memory(request) or tool_name not in str(request.json.get("tools") or ""):
            return False
        messages = list(request.json.get("messages") or ())
        users = [index for index, message in enumerate(messages) if message["role"] == "user"]
        return not any(message["role"] == "tool" for message in messages[users[-1] :])

    return accepts


# -- seed 004: evals/performance/team_response_with_memory_simple.py ------------------------


@pytest.fixture
def weather_team(
    team_factory: Callable[..., Team], agent_factory: Callable[..., Agent], mock_model: MockOpenAI
) -> Team:
    """Seed 004's team (on the test's SQLite db instead of PostgreSQL), and its replies."""
    weather_agent = agent_factory(
        model=OpenAIChat(id="gpt-5.2", max_retries=0),
        tools=[get_weather],
        update_memory_on_run=True,
        add_history_to_context=True,
        stream_events=True,
    )
    team = team_factory(
        members=[weather_agent],
        model=OpenAIChat(id="gpt-5.2", max_retries=0),
        update_memory_on_run=True,
        add_history_to_context=True,
        store_member_responses=False,
    )
    # every run: leader delegates -> member calls get_weather, answers, extracts memories ->
    # leader answers, extracts memories
    mock_model.add_json({"memories": []}, match=is_memory, times=STICKY)
    task = {"member_id": weather_agent.id, "task": "What weather can I expect?"}
    mock_model.add_tool_call(
        "delegate_task_to_member", task, match=first_call_with("delegate"), times=STICKY
    )
    mock_model.add_tool_call(
        "get_weather", {"city": "Miami"}, match=first_call_with("get_weather"), times=STICKY
    )
    mock_model.add_text("Expect sunshine!", times=STICKY)
    return team


async def test_seed_004_team_memory_impact(
    perf_eval: PerfEval, weather_team: Team, mock_model: MockOpenAI
) -> None:
    rng = random.Random(4)

    async def run_team() -> str:
        random_city = rng.choice(cities)
        async for _event in weather_team.arun(
            input=f"I love {random_city}! What weather can I expect in {random_city}?",
            stream=True,
            stream_events=True,
        ):
            pass
        return "Successfully ran team"

    # The seed's eval, with a gate. While perf_eval measures, the mock records no request (with
    # history each one is longer than the last), so what growth tracking sees is the team's.
    result = await perf_eval.arun(
        run_team,
        name="Team Memory Impact",
        num_iterations=5,
        warmup_runs=0,
        measure_runtime=False,
        memory_growth_tracking=True,
        max_growth_kib=SEED_004_GATE_KIB,
    )

    assert len(result.memory_usages) == 5 and len(result.growth_per_iteration) == 5


# -- the fixtures add nothing per iteration ---------------------------------------------------


async def test_agent_runs_add_nothing_per_iteration(
    perf_eval: PerfEval, agent: Agent, mock_model: MockOpenAI
) -> None:
    """100 runs on the agent, mock_model and SQLite fixtures: under 1 KiB per iteration."""
    result = await perf_eval.arun(
        lambda: agent.arun("hi"),
        name="agent run, growth",
        num_iterations=100,
        warmup_runs=5,
        measure_runtime=False,
        max_growth_kib=1,
    )

    assert result.avg_growth_per_iteration is not None
    assert result.avg_growth_per_iteration < 1024
    assert mock_model.request_count == 106  # answered, not recorded: 1 priming, 5 warm-ups, 100


# -- a CI perf gate -------------------------------------------------------------------------


@pytest.mark.agno_perf(max_runtime_ms=1_000, max_p95_ms=2_000, max_peak_mib=32)
async def test_agent_run_stays_within_its_budget(
    perf_eval: PerfEval, agent_factory: Callable[..., Agent], mock_model: MockOpenAI
) -> None:
    """The marker's gates apply to every perf_eval of the test; a crossed one fails it.

    ``pytest examples --agno-eval-save=main`` records a baseline; later runs with
    ``--agno-eval-compare=main --agno-eval-fail=runtime>25%`` fail when it slows down.
    """
    agent = agent_factory(tools=[get_weather])
    mock_model.add_tool_call(
        "get_weather", {"city": "Oslo"}, match=first_call_with("get_weather"), times=STICKY
    )
    mock_model.add_text("It is sunny in Oslo.", times=STICKY)

    result = await perf_eval.arun(
        lambda: agent.arun("Weather in Oslo?"),
        name="agent run with a tool",
        num_iterations=5,
        warmup_runs=1,
    )

    assert result.median_run_time < 1.0


# -- a leak, caught ------------------------------------------------------------------------

AUDIT_LOG: list[str] = []  # grows forever: the bug
RECENT: deque[str] = deque(maxlen=1)  # bounded: the fix
RECORD = 16_000  # bytes a lookup keeps


@tool(name="lookup_order")
def leaky_lookup_order(order_id: str) -> str:
    """Look an order up.

    Args:
        order_id: The order's id.
    """
    AUDIT_LOG.append(f"order {order_id}: shipped " + "x" * RECORD)  # LEAK: kept forever
    return f"Order {order_id} has shipped."


@tool(name="lookup_order")
def bounded_lookup_order(order_id: str) -> str:
    """Look an order up.

    Args:
        order_id: The order's id.
    """
    RECENT.append(f"order {order_id}: shipped " + "x" * RECORD)  # the last one only
    return f"Order {order_id} has shipped."


# Tracing starts after the warm-up, so the record the bounded tool drops in the first measured
# iteration was never traced: that iteration shows its new record as growth (16 KB over 30
# iterations: ~0.5 KiB each), the others none. The leak: ~15.6 KiB per iteration. Both sit on
# 1-3 KiB of CPython's own bounded caches filling up (two model calls a run, 30 iterations).
LEAK_GATE: dict[str, Any] = {
    "num_iterations": 30,
    "warmup_runs": 2,
    "measure_runtime": False,
    "max_growth_kib": 8,
}


@pytest.fixture
def order_agent(agent_factory: Callable[..., Agent], mock_model: MockOpenAI) -> Any:
    """``order_agent(tool)``: an agent whose model calls ``lookup_order`` once per run."""
    mock_model.add_tool_call(
        "lookup_order", {"order_id": "A-1"}, match=first_call_with("lookup_order"), times=STICKY
    )
    mock_model.add_text("Your order has shipped.", times=STICKY)
    return lambda lookup: agent_factory(tools=[lookup])


async def test_a_leaking_tool_is_caught(perf_eval: PerfEval, order_agent: Any) -> None:
    agent = order_agent(leaky_lookup_order)

    with pytest.raises(PerfGateError) as caught:
        await perf_eval.arun(
            lambda: agent.arun("Where is my order A-1?"), name="leaky lookup", **LEAK_GATE
        )

    # the failure names the metric, the limit, what was measured and the line that grew
    assert "memory growth per iteration: limit 8 KiB, measured" in str(caught.value)
    result = caught.value.result
    assert result.avg_growth_per_iteration > RECORD
    top = result.growth_sites[0]
    assert top.filename == __file__ and "# LEAK" in _source_line(top.lineno)


async def test_the_bounded_version_passes_the_same_gate(
    perf_eval: PerfEval, order_agent: Any, mock_model: MockOpenAI
) -> None:
    agent = order_agent(bounded_lookup_order)

    result = await perf_eval.arun(
        lambda: agent.arun("Where is my order A-1?"), name="bounded lookup", **LEAK_GATE
    )

    assert result.avg_growth_per_iteration < 8 * 1024
    assert len(RECENT) == 1
    # two requests a run (the question, then the tool's result), answered but not recorded
    assert mock_model.requests == [] and mock_model.request_count == 2 * (1 + 2 + 30)


def _source_line(lineno: int) -> str:
    with open(__file__, encoding="utf-8") as source:
        return source.readlines()[lineno - 1]
