"""The assertion helpers, on outputs built by hand: what passes, and what each failure says."""

from __future__ import annotations

import re

import pytest

from agno_core.metrics import RunMetrics, TokenCounts, ToolCallMetrics
from agno_core.run.agent import RunOutput
from agno_core.run.base import RunStatus
from agno_core.run.team import TeamRunOutput
from pytest_agno import assert_background_parity, assert_metrics, assert_metrics_consistent


def usage(input_tokens: int, output_tokens: int) -> TokenCounts:
    return TokenCounts(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        total_tokens=input_tokens + output_tokens,
    )


def run(
    *calls: tuple[str, int, int],
    tools: tuple[str, ...] = (),
    duration: float | None = 0.5,
    ttft: float | None = 0.1,
    run_id: str = "r1",
) -> RunOutput:
    """A completed run whose model calls are ``(model id, input, output)``."""
    metrics = RunMetrics(duration=duration, time_to_first_token=ttft)
    for model_id, input_tokens, output_tokens in calls:
        metrics.add_model_usage(
            usage(input_tokens, output_tokens), model_id=model_id, provider="OpenAI"
        )
    for name in tools:
        metrics.add_tool_call(ToolCallMetrics(tool_name=name, duration=0.01))
    return RunOutput(run_id=run_id, session_id="s", status=RunStatus.completed, metrics=metrics)


def team_run(leader: tuple[str, int, int], *members: RunOutput) -> TeamRunOutput:
    metrics = RunMetrics(duration=1.0, time_to_first_token=0.2)
    metrics.add_model_usage(usage(*leader[1:]), model_id=leader[0], provider="OpenAI")
    for member in members:
        metrics.merge(member.metrics)
    return TeamRunOutput(
        run_id="t1",
        session_id="s",
        status=RunStatus.completed,
        metrics=metrics,
        member_responses=list(members),
    )


def test_assert_metrics_passes_on_matching_values() -> None:
    result = run(("gpt-4o-mini", 10, 5), ("gpt-4o-mini", 3, 2), tools=("search", "fetch"))
    assert_metrics(
        result,
        input_tokens=13,
        output_tokens=7,
        total_tokens=20,
        max_duration=1,
        min_duration=0.1,
        tool_calls=["search", "fetch"],
    )
    assert_metrics(result, tool_calls=2)
    assert_metrics(result)  # nothing asked, nothing checked


def test_assert_metrics_lists_every_mismatch() -> None:
    result = run(("gpt-4o-mini", 10, 5), tools=("search",))
    with pytest.raises(AssertionError) as caught:
        assert_metrics(
            result, input_tokens=11, total_tokens=15, max_duration=0.25, tool_calls=["fetch"]
        )
    assert str(caught.value) == (
        "metrics of run r1 (COMPLETED):\n"
        "  - input_tokens: expected 11, got 10\n"
        "  - duration: 0.500000 s is over max_duration=0.25 s\n"
        "  - tool_calls: expected ['fetch'], got ['search']"
    )
    with pytest.raises(AssertionError, match=re.escape("duration: not measured (None)")):
        assert_metrics(run(duration=None), min_duration=0)
    with pytest.raises(AssertionError, match=re.escape("tool_calls: expected 0, got 1")):
        assert_metrics(result, tool_calls=0)


def test_consistent_agent_and_team_runs_pass() -> None:
    assert_metrics_consistent(run(("gpt-4o-mini", 10, 5), ("gpt-4.1", 1, 1)))
    member_a = run(("gpt-4o-mini", 7, 3), tools=("search",), run_id="m1")
    member_b = run(("gpt-4.1-mini", 2, 2), run_id="m2")
    assert_metrics_consistent(team_run(("gpt-4o", 20, 4), member_a, member_b))


def test_tokens_that_do_not_add_up_are_reported() -> None:
    result = run(("gpt-4o-mini", 10, 5))
    result.metrics.input_tokens = 99
    with pytest.raises(AssertionError) as caught:
        assert_metrics_consistent(result)
    assert "inconsistent metrics of run r1 (COMPLETED):" in str(caught.value)
    assert "input_tokens = 99, but the details model entries ['model'] sum to 10" in str(
        caught.value
    )


def test_team_totals_must_equal_leader_plus_members() -> None:
    member = run(("gpt-4o-mini", 7, 3), run_id="m1")
    team = team_run(("gpt-4o", 20, 4), member)
    member.metrics.output_tokens = 30  # the member changed after the team summed it
    member.metrics.details["model"][0].output_tokens = 30
    member.metrics.total_tokens = member.metrics.details["model"][0].total_tokens = 37
    with pytest.raises(AssertionError) as caught:
        assert_metrics_consistent(team)
    message = str(caught.value)
    assert message.startswith("inconsistent metrics of team run t1 (COMPLETED):")
    assert (
        "output_tokens = 7, but the leader's own entries (4) plus 1 member run(s) (30) make 34"
        in message
    )


def test_team_read_back_without_member_responses_is_named() -> None:
    team = team_run(("gpt-4o", 20, 4), run(("gpt-4o-mini", 7, 3)))
    team.member_responses = []
    with pytest.raises(AssertionError, match="store_member_responses=True"):
        assert_metrics_consistent(team)


def test_ttft_longer_than_duration_is_inconsistent() -> None:
    with pytest.raises(
        AssertionError, match=re.escape("time_to_first_token 2.0 s is longer than duration")
    ):
        assert_metrics_consistent(run(("gpt-4o-mini", 1, 1), duration=1.0, ttft=2.0))


def test_background_parity_ignores_timings_only() -> None:
    direct = run(("gpt-4o-mini", 10, 5), tools=("search",), duration=0.5)
    background = run(("gpt-4o-mini", 10, 5), tools=("search",), duration=0.9, run_id="r2")
    background.metrics.queue_wait = 0.3
    assert_background_parity(direct, background)
    team_a = team_run(("gpt-4o", 20, 4), run(("gpt-4o-mini", 7, 3)))
    team_b = team_run(("gpt-4o", 20, 4), run(("gpt-4o-mini", 7, 3)))
    assert_background_parity(team_a, team_b)


def test_background_parity_lists_differences() -> None:
    direct = run(("gpt-4o-mini", 10, 5), tools=("search",))
    background = run(("gpt-4o-mini", 10, 6), ttft=None, run_id="r2")
    background.status = RunStatus.error
    background.error = "boom"
    with pytest.raises(AssertionError) as caught:
        assert_background_parity(direct, background)
    message = str(caught.value)
    assert message.startswith("background parity with sync run r1 of run r2 (ERROR):")
    for line in (
        "the background run is ERROR: boom",
        "the background run has no time_to_first_token (None)",
        "output_tokens: sync 5, background 6",
        "details differ: sync {",
    ):
        assert f"  - {line}" in message


def test_background_parity_compares_member_runs() -> None:
    team_a = team_run(("gpt-4o", 20, 4), run(("gpt-4o-mini", 7, 3)))
    team_b = team_run(("gpt-4o", 20, 4))
    team_b.metrics.merge(run(("gpt-4o-mini", 7, 3)).metrics)
    with pytest.raises(AssertionError, match="member_responses: sync has 1, background 0"):
        assert_background_parity(team_a, team_b)
