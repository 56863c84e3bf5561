"""Follow-up suggestions (Agno's ``followups=True`` and `FollowupConfig`): the extra model call,
what it is asked, where the suggestions go, and the events."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from agno_core.agent import FollowupConfig, RunEvent, RunStatus
from agno_core.models.openai._common import OpenAIBase
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker, NoResult
from tests.compat.wire import conversation, system_text


def _is_followup_call(request: object) -> bool:
    return "follow-up" in system_text(request)  # type: ignore[arg-type]


async def test_followups_make_a_second_call_and_fill_run_output(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_text("Yosemite is great.")
    mock_model.add_json({"suggestions": ["Best season?", "Where to stay?", "Extra"]})
    agent = make_agent(followups=True, num_followups=2)

    run = await agent.arun("Which national park is the best?")

    assert run.content == "Yosemite is great."
    assert run.followups == ["Best season?", "Where to stay?"]
    second = mock_model.requests[1]
    assert _is_followup_call(second)
    user_text = conversation(second)[-1][1]
    assert "Which national park is the best?" in user_text
    assert "Yosemite is great." in user_text
    assert "exactly 2" in user_text
    followup_metrics = run.metrics.details["followup_model"]
    assert followup_metrics and followup_metrics[0].input_tokens > 0
    stored = await agent.aget_run_output(run.run_id)
    assert stored is not None and stored.followups == ["Best season?", "Where to stay?"]


async def test_followup_config_sets_model_count_and_instructions(
    mock_model: MockOpenAI, make_agent: AgentMaker, make_model: Callable[..., OpenAIBase]
) -> None:
    mock_model.add_text("A poem is out of scope.")
    mock_model.add_json({"suggestions": ["How do I use pathlib?"]})
    config = FollowupConfig(
        model=make_model(id="gpt-4.1-nano"),
        instructions="Suggest only Python documentation questions.",
        min_followups=1,
        max_followups=3,
    )

    run = await make_agent(followups=config).arun("Write a sea poem.")

    second = mock_model.requests[1]
    assert second.json["model"] == "gpt-4.1-nano"
    assert "Suggest only Python documentation questions." in system_text(second)
    assert "between 1 and 3" in conversation(second)[-1][1]
    assert run.followups == ["How do I use pathlib?"]


async def test_followup_events_when_streaming(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_text("Answer.")
    mock_model.add_json({"suggestions": ["Next?"]})
    agent = make_agent(followups=True, num_followups=1)

    events = [e async for e in agent.arun("Q", stream=True, stream_events=True)]

    names = [e.event for e in events]
    assert names.index(RunEvent.followups_started) < names.index(RunEvent.followups_completed)
    assert names[-1] == RunEvent.run_completed
    completed = events[names.index(RunEvent.followups_completed)]
    assert completed.followups.suggestions == ["Next?"]


async def test_unreadable_followups_leave_the_answer_alone(
    mock_model: MockOpenAI, make_agent: AgentMaker, caplog: pytest.LogCaptureFixture
) -> None:
    mock_model.add_text("Answer.")
    mock_model.add_text("not json")

    with caplog.at_level(logging.WARNING, logger="agno_core"):
        run = await make_agent(followups=True).arun("Q")

    assert run.status is RunStatus.completed and run.content == "Answer."
    assert run.followups is None
    assert "follow-up" in caplog.text


async def test_a_followup_model_without_a_result_leaves_the_answer_alone(
    mock_model: MockOpenAI, make_agent: AgentMaker, caplog: pytest.LogCaptureFixture
) -> None:
    mock_model.add_text("Answer.")

    with caplog.at_level(logging.WARNING, logger="agno_core"):
        run = await make_agent(followups=FollowupConfig(model=NoResult())).arun("Q")

    assert run.status is RunStatus.completed and run.content == "Answer."
    assert run.followups is None
    assert "no-result returned no result" in caplog.text
    assert "followup_model" not in run.metrics.details


def test_followup_settings_are_checked() -> None:
    from agno_core.agent import Agent

    with pytest.raises(ValueError, match="not both"):
        Agent(followups=FollowupConfig(num_followups=2), num_followups=3)
    with pytest.raises(ValueError, match="not both"):
        FollowupConfig(num_followups=2, max_followups=3)
    assert FollowupConfig().count_range() == (3, 3)
    assert FollowupConfig(max_followups=5).count_range() == (0, 5)
