"""Seed 000: ``cookbook/03_teams/14_run_control/background_execution_metrics.py``.

The seed's program, with ``agno`` replaced by ``agno_core``, run offline: the model is the mock,
Yahoo Finance is `YahooStub` (yfinance itself runs), the db is a real PostgreSQL. The only other
changes: the database comes from the ``pg_url`` fixture, and the poll sleeps 50 ms, not 1 s.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest
from rich.pretty import pprint

from agno_core.agent import Agent
from agno_core.db.postgres import PostgresDb
from agno_core.models.openai import OpenAIChat
from agno_core.run.base import RunStatus
from agno_core.team import Team
from agno_core.tools.yfinance import YFinanceTools
from pytest_agno.stubs import YFINANCE_WARNING_FILTERS, YahooStub
from tests.team.team_helpers import model_token_sum

if TYPE_CHECKING:
    from pytest_agno.mock import MockOpenAI

pytestmark = [pytest.mark.filterwarnings(spec) for spec in YFINANCE_WARNING_FILTERS]

POLL_SECONDS = 0.05


async def seed_main(db_url: str, *, store_member_responses: bool = True) -> tuple[Any, Team]:
    """The seed's ``main()``, returning what it printed from."""
    db = PostgresDb(db_url=db_url, session_table="team_bg_metrics_sessions")

    stock_searcher = Agent(
        name="Stock Searcher",
        model=OpenAIChat(id="gpt-4o-mini"),
        role="Searches for stock information.",
        tools=[YFinanceTools(enable_stock_price=True)],
    )

    team = Team(
        name="Stock Research Team",
        model=OpenAIChat(id="gpt-4o"),
        members=[stock_searcher],
        db=db,
        store_member_responses=store_member_responses,
    )

    run_output = await team.arun("What is the stock price of NVDA?", background=True)
    print(f"Run ID: {run_output.run_id}")
    print(f"Status: {run_output.status}")

    result = None
    for _ in range(60 * round(1 / POLL_SECONDS)):
        await asyncio.sleep(POLL_SECONDS)
        result = await team.aget_run_output(
            run_id=run_output.run_id, session_id=run_output.session_id
        )
        if result and result.status == RunStatus.completed:
            break

    if result is None or result.status != RunStatus.completed:
        print("Run did not complete in time")
        return result, team

    print("=" * 50)
    print("TEAM METRICS")
    print("=" * 50)
    pprint(result.metrics)

    print("=" * 50)
    print("MODEL DETAILS")
    print("=" * 50)
    if result.metrics and result.metrics.details:
        for model_type, model_metrics_list in result.metrics.details.items():
            print(f"{model_type}:")
            for model_metric in model_metrics_list:
                pprint(model_metric)

    print("=" * 50)
    print("MEMBER METRICS")
    print("=" * 50)
    if result.member_responses:
        for member_response in result.member_responses:
            print(f"Member: {member_response.agent_name}")
            pprint(member_response.metrics)

    print("=" * 50)
    print("SESSION METRICS")
    print("=" * 50)
    session_metrics = team.get_session_metrics()
    if session_metrics:
        pprint(session_metrics)
    return result, team


def script(mock: MockOpenAI) -> None:
    mock.add_tool_call(
        "delegate_task_to_member",
        {"member_id": "stock-searcher", "task": "Get the current stock price of NVDA."},
        model="gpt-4o",
        input_tokens=120,
        output_tokens=25,
    )
    mock.add_tool_call(
        "get_current_stock_price",
        {"symbol": "NVDA"},
        model="gpt-4o-mini",
        input_tokens=80,
        output_tokens=12,
    )
    mock.add_text("NVDA is at 181.2300 USD.", model="gpt-4o-mini", input_tokens=95, output_tokens=9)
    mock.add_text(
        "NVIDIA (NVDA) trades at $181.23.", model="gpt-4o", input_tokens=160, output_tokens=11
    )


@pytest.fixture
def yahoo() -> Any:
    with YahooStub() as stub:
        stub.set_price("NVDA", 181.23)
        yield stub


async def test_seed_000_background_team_metrics(
    mock_model: MockOpenAI, pg_url: str, yahoo: YahooStub, capsys: pytest.CaptureFixture[str]
) -> None:
    script(mock_model)

    result, team = await seed_main(pg_url)

    out = capsys.readouterr().out
    assert "Status: RunStatus.pending" in out
    assert "Member: Stock Searcher" in out
    assert "Run did not complete" not in out
    assert result.status is RunStatus.completed, result.error
    assert result.content == "NVIDIA (NVDA) trades at $181.23."
    # the member really called yfinance (through the stub) and passed its answer on
    [member] = result.member_responses
    assert member.agent_name == "Stock Searcher"
    assert member.parent_run_id == result.run_id
    assert [(t.tool_name, t.result) for t in member.tools] == [
        ("get_current_stock_price", "181.2300")
    ]
    assert yahoo.requests_to("/v10/finance/quoteSummary/NVDA")
    assert mock_model.pending == []
    # team metrics: the leader's two calls plus the member's run
    assert member.metrics.total_tokens == 92 + 104
    assert result.metrics.total_tokens == 145 + 171 + 196 == model_token_sum(result.metrics)
    details = result.metrics.details
    assert [(e.id, e.requests) for e in details["model"]] == [("gpt-4o", 2)]
    assert [(e.id, e.requests) for e in details["member_model"]] == [("gpt-4o-mini", 2)]
    assert [t.tool_name for t in details["member_tool_call"]] == ["get_current_stock_price"]
    assert member.metrics.duration is not None and member.metrics.time_to_first_token is not None
    # session metrics: the one team run, members included once
    session = team.get_session_metrics()
    assert (session.runs, session.total_tokens) == (1, result.metrics.total_tokens)


async def test_seed_000_without_store_member_responses_polls_no_members(
    mock_model: MockOpenAI, pg_url: str, yahoo: YahooStub, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the seed explains: without the flag, the polled result has no member responses."""
    script(mock_model)

    result, _team = await seed_main(pg_url, store_member_responses=False)

    out = capsys.readouterr().out
    assert result.status is RunStatus.completed, result.error
    assert result.member_responses == []
    assert "Member: " not in out
    # ... while the team's metrics still include the member's usage
    assert result.metrics.total_tokens == 145 + 171 + 196
