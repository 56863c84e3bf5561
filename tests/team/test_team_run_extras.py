"""A team's retries, output model, session summaries, follow-ups and hooks: the same options as
an agent's, applied to the leader's run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from agno_core.exceptions import InputCheckError
from agno_core.run.base import RunStatus
from agno_core.run.team import TeamRunOutput
from agno_core.session.summary import SessionSummary, SessionSummaryManager
from agno_core.team import Team
from tests.team.team_helpers import (
    LEADER,
    WEATHER_MODEL,
    TeamMaker,
    call,
    chat,
    delegate,
    messages,
    model_token_sum,
    reply,
    run_requests,
    system_text,
)

if TYPE_CHECKING:
    from agno_core.db import SqlDb
    from pytest_agno.mock import MockOpenAI, RecordedRequest


def _schema_name(request: RecordedRequest) -> str | None:
    fmt = request.json.get("response_format") or {}
    return (fmt.get("json_schema") or {}).get("name")


def _weather_delegation(mock: MockOpenAI) -> None:
    delegate(mock, "weather", "Weather in Paris?", input_tokens=10, output_tokens=1)
    call(mock, "get_weather", {"city": "Paris"}, model=WEATHER_MODEL)
    reply(mock, "Sunny, 21 C.", model=WEATHER_MODEL)


async def test_a_failed_team_run_starts_over_and_keeps_what_the_failed_attempt_ran(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team(retries=1, delay_between_retries=0)
    # Attempt 1: the leader delegates, the member answers, then the leader's call fails.
    _weather_delegation(mock_model)
    mock_model.add_error(503, "overloaded", model=LEADER)
    # Attempt 2: the leader answers at once.
    reply(mock_model, "Sunny in Paris.")

    out = await team.arun("Weather in Paris?")

    assert out.status is RunStatus.completed, out.error
    assert out.content == "Sunny in Paris."
    assert isinstance(out, TeamRunOutput)
    # The member run of the failed attempt happened and was paid for: it stays counted.
    assert [m.status for m in out.member_responses] == [RunStatus.completed]
    assert out.metrics.total_tokens == model_token_sum(out.metrics)
    assert out.metrics.total_tokens >= out.member_responses[0].metrics.total_tokens > 0
    # Attempt 2 built its messages afresh: no trace of attempt 1's delegation.
    last = run_requests(mock_model)[-1]
    assert [m["role"] for m in messages(last)] == ["developer", "user"]


async def test_without_retries_a_failed_team_run_ends_error(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team()
    mock_model.add_error(503, "overloaded", model=LEADER)

    out = await team.arun("Weather in Paris?")

    assert out.status is RunStatus.error
    assert len(mock_model.requests) == 1


def test_negative_retries_are_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        Team(members=[], retries=-1)


async def test_the_output_model_writes_the_teams_answer(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team(
        output_model=chat("writer"), output_model_prompt="Rewrite the answer as a haiku."
    )
    _weather_delegation(mock_model)
    reply(mock_model, "It is sunny in Paris, 21 C.")
    mock_model.add_text("Paris sun is warm", model="writer")

    out = await team.arun("Weather in Paris?")

    assert out.status is RunStatus.completed, out.error
    assert out.content == "Paris sun is warm"
    writer = mock_model.requests[-1]
    assert writer.model == "writer"
    assert system_text(writer) == "Rewrite the answer as a haiku."
    # The writer sees the leader's conversation (the member's answer as the tool result)
    # without the leader's own final answer.
    contents = [str(m.get("content")) for m in messages(writer)]
    assert any("Sunny, 21 C." in c for c in contents)
    assert not any("It is sunny in Paris, 21 C." in c for c in contents)
    assert [m.id for m in out.metrics.details["output_model"]] == ["writer"]
    assert out.metrics.total_tokens == model_token_sum(out.metrics)


async def test_session_summaries_summarise_the_teams_session(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, enable_session_summaries=True, session_id="trip")
    reply(mock_model, "Hello John.")
    mock_model.add_json({"summary": "John says hello", "topics": ["greeting"]}, model=LEADER)
    reply(mock_model, "Paris is lovely.")
    mock_model.add_json({"summary": "John plans Paris", "topics": ["travel"]}, model=LEADER)

    first = await team.arun("Hi, I am John.")
    second = await team.arun("I am going to Paris.")

    assert first.status is RunStatus.completed and second.status is RunStatus.completed
    run1, summary1, run2, summary2 = mock_model.requests
    assert _schema_name(summary1) == "SessionSummaryResponse" and _schema_name(run1) is None
    text = system_text(summary2)
    assert "User: Hi, I am John." in text and "Assistant: Hello John." in text
    assert "User: I am going to Paris." in text
    # The next run's leader sees the summary made after the previous one.
    assert "John says hello" in system_text(run2)
    summary = await team.aget_session_summary(session_id="trip")
    assert isinstance(summary, SessionSummary)
    assert (summary.summary, summary.topics) == ("John plans Paris", ["travel"])
    assert len(second.metrics.details["session_summary_model"]) == 1
    assert second.metrics.total_tokens == model_token_sum(second.metrics)


async def test_a_summary_manager_sets_the_teams_summary_model(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    manager = SessionSummaryManager(model=chat("summariser"))
    team = make_team(session_summary_manager=manager, enable_session_summaries=True)
    reply(mock_model, "Hello.")
    mock_model.add_json({"summary": "a greeting"}, model="summariser")

    out = await team.arun("Hi")

    assert out.status is RunStatus.completed
    assert [r.model for r in mock_model.requests] == [LEADER, "summariser"]
    assert [m.id for m in out.metrics.details["session_summary_model"]] == ["summariser"]


async def test_followups_come_after_the_teams_answer(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team(followups=True, num_followups=2, followup_model=chat("suggester"))
    reply(mock_model, "Sunny in Paris.")
    mock_model.add_json({"suggestions": ["And tomorrow?", "What about Rome?"]}, model="suggester")

    out = await team.arun("Weather in Paris?")

    assert out.status is RunStatus.completed, out.error
    assert out.content == "Sunny in Paris."
    assert out.followups == ["And tomorrow?", "What about Rome?"]
    assert [m.id for m in out.metrics.details["followup_model"]] == ["suggester"]


async def test_hooks_get_the_team_and_a_pre_hook_can_refuse_the_run(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    seen: list[tuple[str, Any]] = []

    def audit(run_input: Any, team: Team) -> None:
        seen.append(("pre", team.name))
        run_input.input_content = run_input.input_content.upper()

    async def check(run_output: Any, team: Team) -> None:
        seen.append(("post", run_output.content))

    team = make_team(pre_hooks=[audit], post_hooks=[check])
    reply(mock_model, "Fine.")

    out = await team.arun("weather in paris?")

    assert out.status is RunStatus.completed
    assert seen == [("pre", "Travel Team"), ("post", "Fine.")]
    assert messages(mock_model.requests[0])[-1]["content"] == "WEATHER IN PARIS?"

    def refuse(run_input: Any) -> None:
        raise InputCheckError("not about the weather")

    refusing = make_team(pre_hooks=[refuse])
    refused = await refusing.arun("tell me a secret")
    assert refused.status is RunStatus.error
    assert "not about the weather" in str(refused.content)
    assert len(mock_model.requests) == 1  # the refused run never called the model
