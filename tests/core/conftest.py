"""Fixtures for the core runtime tests: agents on either OpenAI endpoint, fast SDK retries."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import openai._base_client
import pytest

from agno_core.agent import Agent
from agno_core.db._sql import SqlDb
from agno_core.models.openai import OpenAIChat, OpenAIResponses
from agno_core.models.openai._common import OpenAIBase
from pytest_agno.mock import MockOpenAI

MODEL_ID = "gpt-4o-mini"
ModelFactory = Callable[..., OpenAIBase]
AgentMaker = Callable[..., Agent]


@pytest.fixture(params=["chat", "responses"])
def endpoint(request: pytest.FixtureRequest) -> str:
    """Both OpenAI endpoints: ``"chat"`` (OpenAIChat) and ``"responses"`` (OpenAIResponses)."""
    return str(request.param)


@pytest.fixture
def make_model(endpoint: str) -> ModelFactory:
    """A model of the test's endpoint: ``make_model(max_retries=1, ...)``; no SDK retries."""
    cls: type[OpenAIBase] = OpenAIChat if endpoint == "chat" else OpenAIResponses

    def make(**kwargs: Any) -> OpenAIBase:
        kwargs.setdefault("id", MODEL_ID)
        kwargs.setdefault("max_retries", 0)
        return cls(**kwargs)

    return make


@pytest.fixture
def make_agent(mock_model: MockOpenAI, agno_db: SqlDb, make_model: ModelFactory) -> AgentMaker:
    """Agents on the test's endpoint, the mock model and the test's db."""

    def make(**kwargs: Any) -> Agent:
        kwargs.setdefault("model", make_model())
        kwargs.setdefault("db", agno_db)
        return Agent(**kwargs)

    return make


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the SDK's retry back-off a millisecond instead of half a second and more."""
    monkeypatch.setattr(openai._base_client, "INITIAL_RETRY_DELAY", 0.001)
    monkeypatch.setattr(openai._base_client, "MAX_RETRY_DELAY", 0.002)


@pytest.fixture
def collect() -> Callable[[AsyncIterator[Any]], Any]:
    """``await collect(agent.arun(..., stream=True))``: every event of a stream, in order."""

    async def gather(events: AsyncIterator[Any]) -> list[Any]:
        return [event async for event in events]

    return gather


@pytest.fixture(autouse=True)
def _restore_agno_logger() -> Iterator[None]:
    """``debug_mode=True`` turns the ``agno_core`` logger up for the process; undo it per test."""
    logger = logging.getLogger("agno_core")
    level, handlers = logger.level, list(logger.handlers)
    yield
    logger.setLevel(level)
    logger.handlers[:] = handlers
