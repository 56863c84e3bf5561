"""A plain ``stream=True`` run yields the answer once, as Agno's does.

Agno yields ``RunCompleted`` (which carries the whole answer again) only with
``stream_events=True``; code written for Agno that joins every event's ``content`` must not print
the answer twice here.
"""

from __future__ import annotations

import pytest

from agno_core.agent import RunEvent
from agno_core.run.agent import RunContentEvent, RunOutput
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker


async def test_plain_stream_yields_the_answer_once(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_text("Once upon a time")

    events = [event async for event in make_agent().arun("story", stream=True)]

    assert {event.event for event in events} == {RunEvent.run_content}
    assert "".join(getattr(event, "content", None) or "" for event in events) == (
        "Once upon a time"
    )


def test_sync_plain_stream_yields_the_answer_once(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_text("Once upon a time")

    events = list(make_agent().run("story", stream=True))

    assert all(isinstance(event, RunContentEvent) for event in events)
    assert "".join(event.content or "" for event in events) == "Once upon a time"


@pytest.mark.parametrize("stream_events", [False, True], ids=["plain", "events"])
async def test_completion_event_only_with_stream_events(
    mock_model: MockOpenAI, make_agent: AgentMaker, stream_events: bool
) -> None:
    mock_model.add_text("Done")

    items = [
        item
        async for item in make_agent().arun(
            "go", stream=True, stream_events=stream_events, yield_run_output=True
        )
    ]

    *events, output = items
    assert isinstance(output, RunOutput) and output.content == "Done"
    completed = [e for e in events if e.event == RunEvent.run_completed]
    if stream_events:
        assert events[0].event == RunEvent.run_started
        [final] = completed
        assert final.content == "Done" and final.metrics.total_tokens > 0
    else:
        assert completed == []


async def test_a_failed_plain_stream_still_ends_with_its_error(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_error(400, "bad request", error_type="invalid_request_error")

    events = [event async for event in make_agent().arun("go", stream=True)]

    assert [event.event for event in events] == [RunEvent.run_error]
    assert "bad request" in events[0].content


async def test_the_agent_stream_default_is_plain_too(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_text("Hi")

    events = [event async for event in make_agent(stream=True).arun("go")]

    # As in Agno, the model call's stream opens with an empty piece ("" or, on the Responses
    # API, None with the response id).
    assert [event.event for event in events] == [RunEvent.run_content] * 2
    assert [event.content or "" for event in events] == ["", "Hi"]
