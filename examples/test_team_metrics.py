"""Seed 000 as tests: a team's background run, its metrics by member and model, session totals."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agno_core.agent import Agent
from agno_core.run import RunStatus
from agno_core.team import Team
from agno_core.tools.yfinance import YFinanceTools
from pytest_agno import (
    YFINANCE_WARNING_FILTERS,
    MockOpenAI,
    YahooStub,
    arun_background,
    assert_background_parity,
    assert_metrics,
    assert_metrics_consistent,
)

pytestmark = [pytest.mark.filterwarnings(spec) for spec in YFINANCE_WARNING_FILTERS]

QUESTION = "What is the stock price of NVDA?"
# leader: delegate (200 + 30), answer (80 + 40); member: tool call (140 + 18), answer (80 + 40)
LEADER_TOKENS = 200 + 30 + 80 + 40
MEMBER_TOKENS = 140 + 18 + 80 + 40


@pytest.fixture
def stock_team(
    team_factory: Callable[..., Team],
    agent_factory: Callable[..., Agent],
    seed_model: MockOpenAI,
    yahoo: YahooStub,
) -> Team:
    """Seed 000's team: a leader on gpt-4o and a "Stock Searcher" member with YFinanceTools."""
    searcher = agent_factory(
        name="Stock Searcher",
        role="Searches for stock information.",
        tools=[YFinanceTools(enable_stock_price=True)],
    )
    return team_factory(name="Stock Research Team", members=[searcher])


@pytest.mark.parametrize(
    "mode", ["direct", pytest.param("background", marks=pytest.mark.agno_background)]
)
async def test_seed_000_team_metrics(stock_team: Team, yahoo: YahooStub, mode: str) -> None:
    result = await stock_team.arun(QUESTION)

    assert result.status is RunStatus.completed
    # team totals: the leader's own calls plus the member's run
    assert_metrics(result, input_tokens=500, output_tokens=128, total_tokens=628)
    assert_metrics_consistent(result)
    assert set(result.metrics.details) == {"model", "tool_call", "member_model", "member_tool_call"}
    [member] = result.member_responses
    assert member.agent_name == "Stock Searcher"
    assert_metrics(member, total_tokens=MEMBER_TOKENS, tool_calls=["get_current_stock_price"])
    assert member.tools[0].result == "120.5000"
    assert yahoo.requests_to("/NVDA")
    # session metrics are computed from the stored runs
    session = stock_team.get_session_metrics()
    assert session.runs == 1 and session.total_tokens == LEADER_TOKENS + MEMBER_TOKENS


async def test_seed_000_background_parity(stock_team: Team) -> None:
    direct = await stock_team.arun(QUESTION)
    background = await arun_background(stock_team, QUESTION)

    assert_background_parity(direct, background)
    assert background.metrics.queue_wait is not None
