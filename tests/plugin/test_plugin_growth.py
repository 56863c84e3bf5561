"""The fixtures add no memory per iteration: a growth-tracked eval measures the user's code.

These assert memory behaviour (bytes retained per iteration), never time. What a growth-tracked
eval of an agent run still reports after the mock stops recording is CPython's own bounded
caches filling up (the type attribute cache keeping recent attribute names, sqlite3's list of
cursor references, purged every 200 cursors): a few hundred bytes per iteration at most.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agno_core.agent import Agent
from agno_core.eval.performance import PerformanceResult
from agno_core.team import Team
from pytest_agno import MockOpenAI, PerfEval

KIB = 1024
LEAK_SIZE = 2 * KIB
KEPT: list[str] = []


def leaky_lookup(order_id: str) -> str:
    """Look an order up (and keep 2 KiB forever: the deliberate leak).

    Args:
        order_id: The order's id.
    """
    KEPT.append("x" * (LEAK_SIZE - 49))  # LEAK: a 2 KiB str (49 bytes of header), kept
    return f"Order {order_id} has shipped."


def _leak_line() -> int:
    with open(__file__, encoding="utf-8") as source:
        return next(n for n, line in enumerate(source, 1) if line.rstrip().endswith("kept"))


def _script_tool_calls(mock: MockOpenAI, model: str) -> None:
    def asks_tool(request: Any) -> bool:
        messages = request.json.get("messages") or []
        return request.model == model and not any(m.get("role") == "tool" for m in messages)

    mock.add_tool_call("leaky_lookup", {"order_id": "A-1"}, match=asks_tool, times=10_000)
    mock.add_text("Shipped.", model=model, times=10_000)


def _assert_leak_reported(result: PerformanceResult, iterations: int, calls_before: int) -> None:
    # The tool ran in every measured iteration (and the priming and warm-up calls), else there
    # is no leak to find: say so rather than which line came first.
    assert len(KEPT) - calls_before == 1 + 2 + iterations, (len(KEPT), calls_before)
    top = result.growth_sites[0]
    assert (top.filename, top.lineno) == (__file__, _leak_line()), [
        (site.filename, site.lineno, site.size_diff, site.traceback)
        for site in result.growth_sites[:5]
    ]
    per_iteration = top.size_diff / iterations
    # list.append's occasional resize is charged to the same line: a few bytes per iteration.
    assert abs(per_iteration - LEAK_SIZE) <= 0.05 * LEAK_SIZE, per_iteration
    assert result.avg_growth_per_iteration is not None
    assert result.avg_growth_per_iteration >= per_iteration


async def test_agent_runs_on_the_fixtures_add_under_1_kib_per_iteration(
    perf_eval: PerfEval, agent: Agent, mock_model: MockOpenAI
) -> None:
    result = await perf_eval.arun(
        lambda: agent.arun("hi"),
        num_iterations=100,
        warmup_runs=5,
        measure_runtime=False,
        max_growth_kib=1,
    )

    assert result.avg_growth_per_iteration is not None
    assert result.avg_growth_per_iteration < KIB
    assert mock_model.request_count == 1 + 5 + 100  # priming call, warm-ups, iterations
    assert mock_model.requests == []  # not recorded while the eval measured


async def test_team_runs_on_the_fixtures_add_under_1_kib_per_iteration(
    perf_eval: PerfEval, team: Team, mock_model: MockOpenAI
) -> None:
    result = await perf_eval.arun(
        lambda: team.arun("hi"),
        num_iterations=100,
        warmup_runs=5,
        measure_runtime=False,
        max_growth_kib=1,
    )

    assert result.avg_growth_per_iteration is not None
    assert result.avg_growth_per_iteration < KIB


async def test_a_2_kib_leak_in_a_tool_is_reported_at_its_line(
    perf_eval: PerfEval, agent_factory: Callable[..., Agent], mock_model: MockOpenAI
) -> None:
    agent = agent_factory(tools=[leaky_lookup])
    _script_tool_calls(mock_model, "gpt-4o-mini")

    calls_before = len(KEPT)
    result = await perf_eval.arun(
        lambda: agent.arun("Where is order A-1?"),
        num_iterations=30,
        warmup_runs=2,
        measure_runtime=False,
        memory_growth_tracking=True,
    )

    _assert_leak_reported(result, 30, calls_before)


async def test_a_2_kib_leak_in_a_team_members_tool_is_reported_at_its_line(
    perf_eval: PerfEval,
    team_factory: Callable[..., Team],
    agent_factory: Callable[..., Agent],
    mock_model: MockOpenAI,
) -> None:
    member = agent_factory(name="Member", tools=[leaky_lookup])
    team = team_factory(members=[member])
    task = {"member_id": member.id, "task": "Look order A-1 up."}
    mock_model.add_tool_call(
        "delegate_task_to_member",
        task,
        match=lambda r: r.model == "gpt-4o" and r.json["messages"][-1]["role"] == "user",
        times=10_000,
    )
    mock_model.add_text("Done.", model="gpt-4o", times=10_000)
    _script_tool_calls(mock_model, "gpt-4o-mini")

    calls_before = len(KEPT)
    result = await perf_eval.arun(
        lambda: team.arun("Where is order A-1?"),
        num_iterations=30,
        warmup_runs=2,
        measure_runtime=False,
        memory_growth_tracking=True,
    )

    _assert_leak_reported(result, 30, calls_before)


async def test_a_bounded_mock_keeps_recording_during_an_eval(
    perf_eval: PerfEval, agent: Agent, mock_model: MockOpenAI
) -> None:
    mock_model.keep_requests = 2  # the opt-in: the last two requests, during evals too

    result = await perf_eval.arun(
        lambda: agent.arun("hi"), num_iterations=3, warmup_runs=0, measure_runtime=False
    )

    assert len(result.memory_usages) == 3
    assert len(mock_model.requests) == 2
    assert mock_model.request_count == 1 + 3  # the priming call and the iterations
