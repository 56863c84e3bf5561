"""Fixtures of the Agno compatibility suite: both OpenAI endpoints, both storage backends."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import Any

import openai._base_client
import pytest

from agno_core.agent import Agent
from agno_core.db import SqlDb
from agno_core.models.base import Model, ModelRequest, ModelStreamItem
from agno_core.models.openai import OpenAIChat, OpenAIResponses
from agno_core.models.openai._common import OpenAIBase
from pytest_agno.mock import MockOpenAI

MODEL_ID = "gpt-4o-mini"
AgentMaker = Callable[..., Agent]


class NoResult(Model):
    """An adapter that breaks the contract: it ends without a `ModelResult`."""

    id = "no-result"

    async def ainvoke(self, request: ModelRequest) -> AsyncGenerator[ModelStreamItem, None]:
        return
        yield


@pytest.fixture(params=["chat", "responses"])
def endpoint(request: pytest.FixtureRequest) -> str:
    """Both OpenAI endpoints: Chat Completions (OpenAIChat) and Responses (OpenAIResponses)."""
    return str(request.param)


@pytest.fixture(params=["sqlite_db", "pg_db"])
def db(request: pytest.FixtureRequest) -> SqlDb:
    """Storage behaviour is checked on SQLite and on a real PostgreSQL."""
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


@pytest.fixture
def make_model(endpoint: str) -> Callable[..., OpenAIBase]:
    cls: type[OpenAIBase] = OpenAIChat if endpoint == "chat" else OpenAIResponses

    def make(**kwargs: Any) -> OpenAIBase:
        kwargs.setdefault("id", MODEL_ID)
        kwargs.setdefault("max_retries", 0)
        return cls(**kwargs)

    return make


@pytest.fixture
def make_agent(
    mock_model: MockOpenAI, agno_db: SqlDb, make_model: Callable[..., OpenAIBase]
) -> AgentMaker:
    """Agents on the test's endpoint and the mock model; ``db`` defaults to ``agno_db``."""

    def make(**kwargs: Any) -> Agent:
        kwargs.setdefault("model", make_model())
        kwargs.setdefault("db", agno_db)
        return Agent(**kwargs)

    return make


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openai._base_client, "INITIAL_RETRY_DELAY", 0.001)
    monkeypatch.setattr(openai._base_client, "MAX_RETRY_DELAY", 0.002)
