"""Seeds 001, 002 and 003 as tests: background runs, their metrics, cancellation, structured output.

Each test states what the seed program shows; the plugin's markers set the scenario up, so one
test body covers a direct and a background run, or a cancel at a chosen moment.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel, Field

from agno_core.agent import Agent
from agno_core.models.openai import OpenAIResponses
from agno_core.run import RunStatus
from agno_core.tools.yfinance import YFinanceTools
from pytest_agno import (
    YFINANCE_WARNING_FILTERS,
    CancelScenario,
    MockOpenAI,
    YahooStub,
    arun_background,
    assert_background_parity,
    assert_metrics,
    assert_metrics_consistent,
)

pytestmark = [pytest.mark.filterwarnings(spec) for spec in YFINANCE_WARNING_FILTERS]

# One test body, two modes: `agent.arun()` directly, and through background execution + polling.
both_modes = pytest.mark.parametrize(
    "mode", ["direct", pytest.param("background", marks=pytest.mark.agno_background)]
)

CAPITAL = "What is the capital of France? Answer in one sentence."


@pytest.fixture
def responses_agent(agent_factory: Callable[..., Agent]) -> Agent:
    """Seed 002's agent: ``Agent(model=OpenAIResponses(id="gpt-5-mini"), db=db)``."""
    return agent_factory(model=OpenAIResponses(id="gpt-5-mini", max_retries=0))


# -- seed 002: agents/background_execution.py ------------------------------------------------


@both_modes
async def test_seed_002_run_completes(
    responses_agent: Agent, seed_model: MockOpenAI, mode: str
) -> None:
    result = await responses_agent.arun(CAPITAL)

    assert result.status is RunStatus.completed
    assert result.content == "The capital of France is Paris."
    assert_metrics(result, input_tokens=25, output_tokens=8, total_tokens=33, tool_calls=0)
    assert_metrics_consistent(result)
    # a background run waited in the scheduler's queue, and says so
    assert (result.metrics.queue_wait is not None) == (mode == "background")
    assert [request.endpoint for request in seed_model.requests] == ["responses"]


@pytest.mark.agno_background
@pytest.mark.agno_cancel("during")
async def test_seed_002_cancel_during_the_run(
    responses_agent: Agent, seed_model: MockOpenAI, cancel_scenario: CancelScenario
) -> None:
    # the seed's mock answers this question after 30 s: the cancel lands while it waits
    result = await responses_agent.arun("Write 5000 words about the history of Rome.")

    assert cancel_scenario.cancel_result is True
    assert result.status is RunStatus.cancelled
    stored = await responses_agent.aget_run_output(result.run_id, result.session_id)
    assert stored is not None and stored.status is RunStatus.cancelled


@pytest.mark.agno_background
@pytest.mark.agno_cancel("before_start")
async def test_seed_002_cancel_before_start(
    responses_agent: Agent, seed_model: MockOpenAI, cancel_scenario: CancelScenario
) -> None:
    result = await responses_agent.arun("This won't run.")

    assert cancel_scenario.cancel_result is False  # the run did not exist yet
    assert result.status is RunStatus.cancelled
    assert seed_model.requests == []  # it never reached the model


@pytest.mark.agno_cancel("after_completion")
async def test_cancel_after_completion_changes_nothing(
    responses_agent: Agent, seed_model: MockOpenAI, cancel_scenario: CancelScenario
) -> None:
    result = await responses_agent.arun(CAPITAL)

    assert cancel_scenario.cancel_result is False
    stored = await responses_agent.aget_run_output(result.run_id, result.session_id)
    assert stored is not None and stored.status is RunStatus.completed


# -- seed 001: agents/background_execution_metrics.py --------------------------------------


async def test_seed_001_background_metrics_equal_a_direct_run(
    agent_factory: Callable[..., Agent], seed_model: MockOpenAI, yahoo: YahooStub
) -> None:
    agent = agent_factory(
        name="BackgroundMetricsAgent", tools=[YFinanceTools(enable_stock_price=True)]
    )
    question = "What is the stock price of AAPL?"

    direct = await agent.arun(question)
    background = await arun_background(agent, question)

    for result in (direct, background):
        # a tool call (150 + 20 tokens), then the answer from its result (80 + 40)
        assert_metrics(
            result, input_tokens=230, output_tokens=60, tool_calls=["get_current_stock_price"]
        )
        assert_metrics_consistent(result)
        assert result.tools[0].result == "189.8400"
    assert_background_parity(direct, background)
    assert background.metrics.queue_wait is not None
    session = agent.get_session_metrics()
    assert session.runs == 2 and session.total_tokens == 2 * direct.metrics.total_tokens


# -- seed 003: agents/background_execution_structured.py -----------------------------------


class CityFact(BaseModel):  # the seed's schema (importing the seed would open its own db)
    city: str = Field(description="Name of the city")
    country: str = Field(description="Country of the city")
    population: int = Field(description="Approximate population")
    fun_fact: str = Field(description="A fun fact about the city")


class CityFactsResponse(BaseModel):
    cities: list[CityFact]


@both_modes
async def test_seed_003_structured_output(
    responses_agent: Agent, seed_model: MockOpenAI, mode: str
) -> None:
    result = await responses_agent.arun(
        "Give me facts about Tokyo, Paris, and New York.", output_schema=CityFactsResponse
    )

    assert result.status is RunStatus.completed
    content: Any = result.content  # an instance directly, a dict when read back from the db
    parsed = CityFactsResponse.model_validate(
        content.model_dump() if isinstance(content, BaseModel) else content
    )
    assert [fact.city for fact in parsed.cities] == ["Tokyo", "Paris", "New York"]
    assert_metrics(result, input_tokens=120, output_tokens=90)


async def test_seed_003_concurrent_background_runs(
    responses_agent: Agent, seed_model: MockOpenAI
) -> None:
    questions = [
        "What is the tallest mountain?",
        "What is the deepest ocean trench?",
        "What is the longest river?",
    ]

    results = await asyncio.gather(
        *(arun_background(responses_agent, q, session_id=str(uuid.uuid4())) for q in questions)
    )

    assert {result.status for result in results} == {RunStatus.completed}
    assert len({result.session_id for result in results}) == 3
    for result in results:
        assert_metrics_consistent(result)
