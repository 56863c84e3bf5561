"""Session summaries (``enable_session_summaries``, `SessionSummaryManager`,
``get_session_summary``, ``add_session_summary_to_context``), as Agno documents them."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from agno_core.db import SqlDb
from agno_core.models.openai._common import OpenAIBase
from agno_core.run.base import RunStatus
from agno_core.session.summary import SessionSummary, SessionSummaryManager
from pytest_agno.mock import MockOpenAI, RecordedRequest
from tests.compat.conftest import AgentMaker
from tests.compat.wire import conversation, system_text


def _schema_name(request: RecordedRequest) -> str | None:
    body = request.json
    if request.endpoint == "chat":
        fmt = body.get("response_format") or {}
        return (fmt.get("json_schema") or {}).get("name")
    return ((body.get("text") or {}).get("format") or {}).get("name")


async def test_each_run_updates_the_stored_summary_of_its_session(
    mock_model: MockOpenAI, make_agent: AgentMaker, db: SqlDb
) -> None:
    agent = make_agent(db=db, enable_session_summaries=True, session_id="session_123")
    mock_model.add_text("Nice to meet you, John")
    mock_model.add_json({"summary": "John lives in New York", "topics": ["introductions"]})
    mock_model.add_text("Sounds fun")
    mock_model.add_json({"summary": "John, New York, basketball", "topics": ["sports"]})

    first = await agent.arun("Hi my name is John and I live in New York")
    second = await agent.arun("I like to play basketball")

    run1, summary1, run2, summary2 = mock_model.requests
    assert _schema_name(summary1) == "SessionSummaryResponse" and _schema_name(run1) is None
    text = system_text(summary2)
    assert "User: Hi my name is John and I live in New York" in text
    assert "Assistant: Nice to meet you, John" in text
    assert "User: I like to play basketball" in text and "Assistant: Sounds fun" in text
    assert conversation(summary2)[-1] == ("user", "Provide the summary of the conversation.")
    # The next run's system message carries the summary made after the previous run.
    assert "John lives in New York" in system_text(run2)
    assert "John lives in New York" not in system_text(run1)

    summary = agent.get_session_summary(session_id="session_123")
    assert isinstance(summary, SessionSummary)
    assert (summary.summary, summary.topics) == ("John, New York, basketball", ["sports"])
    assert summary.updated_at is not None
    # The summary call is accounted to the run that made it.
    assert first.status is RunStatus.completed and second.status is RunStatus.completed
    assert len(second.metrics.details["session_summary_model"]) == 1
    assert second.metrics.total_tokens == sum(
        m.total_tokens for entries in second.metrics.details.values() for m in entries
    )
    stored = await agent.aget_run_output(second.run_id)
    assert stored is not None and "session_summary_model" in stored.metrics.details


async def test_a_manager_sets_the_model_the_runs_summarised_and_the_prompt(
    mock_model: MockOpenAI,
    make_agent: AgentMaker,
    make_model: Callable[..., OpenAIBase],
) -> None:
    manager = SessionSummaryManager(
        model=make_model(id="summary-model"),
        session_summary_prompt="Summarise tersely.",
        last_n_runs=1,
    )
    agent = make_agent(
        enable_session_summaries=True, session_summary_manager=manager, session_id="s"
    )
    mock_model.add_text("a", model="gpt-4o-mini", times=2)
    mock_model.add_json({"summary": "first"}, model="summary-model")
    mock_model.add_json({"summary": "second"}, model="summary-model")

    await agent.arun("one")
    await agent.arun("two")

    summary_call = mock_model.requests[-1]
    assert summary_call.json["model"] == "summary-model"
    text = system_text(summary_call)
    assert text.startswith("Summarise tersely.")
    assert "User: two" in text and "User: one" not in text  # last_n_runs=1
    summary = await agent.aget_session_summary()
    assert summary is not None and (summary.summary, summary.topics) == ("second", None)


async def test_the_summary_stays_out_of_context_when_asked(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    agent = make_agent(
        enable_session_summaries=True, add_session_summary_to_context=False, session_id="s"
    )
    mock_model.add_text("a")
    mock_model.add_json({"summary": "SUMMARY_MARKER"})
    mock_model.add_text("b")
    mock_model.add_json({"summary": "later"})

    await agent.arun("one")
    await agent.arun("two")

    assert "SUMMARY_MARKER" not in system_text(mock_model.requests[2])


async def test_a_failed_summary_leaves_the_run_and_the_old_summary(
    mock_model: MockOpenAI, make_agent: AgentMaker, caplog: pytest.LogCaptureFixture
) -> None:
    agent = make_agent(enable_session_summaries=True, session_id="s")
    mock_model.add_text("a")
    mock_model.add_json({"summary": "kept"})
    mock_model.add_text("b")
    mock_model.add_text("not json")

    await agent.arun("one")
    with caplog.at_level(logging.WARNING, logger="agno_core"):
        out = await agent.arun("two")

    assert out.status is RunStatus.completed and out.content == "b"
    assert "session summary could not be read" in caplog.text
    summary = await agent.aget_session_summary()
    assert summary is not None and summary.summary == "kept"


async def test_get_session_summary_before_any_and_for_unknown_sessions(
    make_agent: AgentMaker,
) -> None:
    agent = make_agent(session_id="s")
    await agent.arun("hi")

    assert await agent.aget_session_summary() is None
    with pytest.raises(ValueError, match="not found"):
        agent.get_session_summary(session_id="missing")
    with pytest.raises(ValueError, match="Session ID is required"):
        await make_agent().aget_session_summary()


async def test_stream_events_frame_the_summary_update(
    mock_model: MockOpenAI, make_agent: AgentMaker, db: SqlDb
) -> None:
    agent = make_agent(db=db, enable_session_summaries=True)
    mock_model.add_text("Hello John")
    mock_model.add_json({"summary": "John said hello", "topics": ["greeting"]})

    events = [e async for e in agent.arun("Hi, I'm John", stream=True, stream_events=True)]

    names = [e.event for e in events]
    assert names[-3:] == ["SessionSummaryStarted", "SessionSummaryCompleted", "RunCompleted"]
    completed = events[-2]
    assert isinstance(completed.session_summary, SessionSummary)
    assert completed.session_summary.summary == "John said hello"
