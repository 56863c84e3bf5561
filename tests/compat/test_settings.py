"""Grouped settings (``agno_core.settings``), Agent ``cache_session`` and run retries, as
Agno documents them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest

from agno_core.exceptions import NotSupportedError
from agno_core.models.openai._common import OpenAIBase
from agno_core.run.base import RunStatus
from agno_core.settings import (
    ContextSettings,
    DelegationSettings,
    HistorySettings,
    KnowledgeSettings,
    RetrySettings,
    SessionSettings,
)
from agno_core.team import Team
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker
from tests.compat.wire import conversation, system_text


async def test_settings_are_unpacked_onto_the_flat_parameters(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    agent = make_agent(
        session_settings=SessionSettings(session_id="settings-demo", cache_session=True),
        context_settings=ContextSettings(markdown=True, additional_context="CTX_MARKER"),
        history_settings=HistorySettings(add_history_to_context=True, num_history_runs=1),
        retry_settings=RetrySettings(retries=2, exponential_backoff=True),
    )
    assert agent.session_id == "settings-demo" and agent.cache_session is True
    assert agent.markdown is True and agent.num_history_runs == 1
    assert agent.retries == 2 and agent.exponential_backoff is True
    assert agent.delay_between_retries == 1  # not set in the settings: the flat default

    for prompt in ("one", "two", "three"):
        await agent.arun(prompt)

    sent = mock_model.requests[-1]
    assert "CTX_MARKER" in system_text(sent) and "markdown" in system_text(sent).lower()
    # num_history_runs=1: only the previous run is replayed, in the agent's session.
    assert [t for r, t in conversation(sent) if r == "user"] == ["two", "three"]
    stored = await agent.aget_session()
    assert stored is not None and stored.session_id == "settings-demo"


def test_the_settings_object_wins_over_a_different_flat_value_with_a_warning(
    make_agent: AgentMaker, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="agno_core"):
        agent = make_agent(num_history_runs=7, history_settings=HistorySettings(num_history_runs=2))
    assert agent.num_history_runs == 2
    assert "HistorySettings.num_history_runs" in caplog.text

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="agno_core"):
        # A flat value at the parameter's default is not a conflict.
        agent = make_agent(markdown=False, context_settings=ContextSettings(markdown=True))
    assert agent.markdown is True and caplog.text == ""


def test_settings_of_the_wrong_kind_or_out_of_scope_are_refused(make_agent: AgentMaker) -> None:
    with pytest.raises(TypeError, match="takes a HistorySettings, not SessionSettings"):
        make_agent(history_settings=SessionSettings(session_id="x"))
    with pytest.raises(NotSupportedError, match="knowledge"):
        make_agent(knowledge_settings=KnowledgeSettings(knowledge=object()))


def test_a_team_takes_settings_too(
    make_agent: AgentMaker, make_model: Callable[..., OpenAIBase]
) -> None:
    team = Team(
        model=make_model(),
        members=[make_agent(db=None, name="A")],
        delegation_settings=DelegationSettings(respond_directly=True),
        session_settings=SessionSettings(session_id="team-s", cache_session=True),
    )
    assert team.respond_directly is True
    assert team.session_id == "team-s" and team.cache_session is True


async def test_an_agent_with_cache_session_answers_get_session_from_memory_until_it_runs(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    cached = make_agent(cache_session=True, session_id="s")
    uncached = make_agent(session_id="s")
    await cached.arun("one")

    first = await cached.aget_session()
    assert first is not None and await cached.aget_session() is first
    assert await uncached.aget_session() is not await uncached.aget_session()
    await uncached.arun("two")  # another agent: the cached copy does not see it
    assert await cached.aget_session() is first and len(first.runs) == 1

    await cached.arun("three")  # its own run: read afresh
    fresh = await cached.aget_session()
    assert fresh is not first and fresh is not None and len(fresh.runs) == 3


async def test_a_failed_run_is_started_over_after_the_delay(
    mock_model: MockOpenAI, make_agent: AgentMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(delay: float) -> None:
        waits.append(delay)
        await real_sleep(0)

    monkeypatch.setattr("agno_core.run._retry.asyncio.sleep", sleep)
    agent = make_agent(retries=2, delay_between_retries=3, exponential_backoff=True)
    mock_model.add_error(400, "first failure")
    mock_model.add_error(400, "second failure")
    mock_model.add_text("third time lucky", input_tokens=11, output_tokens=4)

    out = await agent.arun("hi")

    assert out.status is RunStatus.completed and out.content == "third time lucky"
    assert waits == [3, 6]
    assert len(mock_model.requests) == 3
    # Each attempt sends the same conversation, built afresh.
    assert conversation(mock_model.requests[0]) == conversation(mock_model.requests[2])
    assert [m.role for m in out.messages if m.role != "system"] == ["user", "assistant"]


async def test_when_the_retries_run_out_the_run_ends_error(
    mock_model: MockOpenAI, make_agent: AgentMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []

    async def sleep(delay: float) -> None:
        waits.append(delay)

    monkeypatch.setattr("agno_core.run._retry.asyncio.sleep", sleep)
    agent = make_agent(retries=1, delay_between_retries=2)
    mock_model.add_error(400, "bad", times=2)

    out = await agent.arun("hi")

    assert out.status is RunStatus.error and "bad" in (out.error or "")
    assert waits == [2] and len(mock_model.requests) == 2
    no_retry = make_agent()
    mock_model.add_error(400, "bad")
    assert (await no_retry.arun("hi")).status is RunStatus.error
    assert waits == [2] and len(mock_model.requests) == 3
