"""Shapes Agno code reads (checked against Agno 3.1.10 on the same mock): a message's tool calls
as OpenAI-style dicts, events as JSON, a session's ``session_metrics``, and a few names."""

from __future__ import annotations

import json

import pytest

from agno_core.agent import Agent
from agno_core.db import SqlDb
from agno_core.exceptions import CheckTrigger, InputCheckError, RunNotFoundError
from agno_core.models.message import Message, ToolCall
from agno_core.run.agent import RunErrorEvent
from agno_core.team import Team
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


async def test_tool_calls_read_as_openai_dicts(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_tool_call("add", {"a": 1, "b": 2})
    mock_model.add_text("3")

    run = await make_agent(tools=[add]).arun("1 + 2?")

    [call] = [c for m in run.messages or [] for c in m.tool_calls]
    assert call["function"]["name"] == "add" and call["type"] == "function"
    assert json.loads(call["function"]["arguments"]) == {"a": 1, "b": 2}
    assert call.get("missing", 0) == 0 and "function" in call
    function = {"name": "add", "arguments": call.arguments}
    if call.item_id is None:  # Chat Completions
        assert list(call) == ["id", "type", "function"]
        assert dict(call) == {"id": call.id, "type": "function", "function": function}
    else:  # the Responses API, as Agno keeps it: the item's id and the call's call_id
        assert call.item_id.startswith("fc_")
        assert dict(call) == {
            "id": call.item_id,
            "call_id": call.id,
            "type": "function",
            "function": function,
        }
    [message] = [m for m in run.messages or [] if m.tool_calls]
    assert message.to_dict()["tool_calls"] == [dict(call)]
    stored = await make_agent().aget_run_output(run.run_id)
    assert stored is not None
    assert [c for m in stored.messages or [] for c in m.tool_calls] == [call]


def test_a_message_stored_in_the_old_flat_shape_still_reads() -> None:
    data = {"role": "assistant", "tool_calls": [{"id": "c1", "name": "add", "arguments": "{}"}]}

    [call] = Message.from_dict(data).tool_calls

    assert call == ToolCall(id="c1", name="add", arguments="{}")


async def test_events_to_json_as_agnos(make_agent: AgentMaker, mock_model: MockOpenAI) -> None:
    mock_model.add_text("Hello there")

    events = [e async for e in make_agent().arun("hi", stream=True, stream_events=True)]

    for event in events:
        data = json.loads(event.to_json())
        assert data["event"] == event.event and data["run_id"] == event.run_id
        assert None not in data.values()  # unset fields are left out, as in Agno
    compact = events[-1].to_json(separators=(",", ":"), indent=None)
    assert "\n" not in compact and json.loads(compact)["content"] == "Hello there"


async def test_session_data_carries_the_session_metrics(
    mock_model: MockOpenAI, db: SqlDb, make_agent: AgentMaker
) -> None:
    mock_model.add_text("a", input_tokens=10, output_tokens=5)
    mock_model.add_text("b", input_tokens=20, output_tokens=6)
    agent = make_agent(db=db, session_id="S")
    await agent.arun("one")
    await agent.arun("two")

    session = await agent.aget_session(session_id="S")

    assert session is not None and session.session_data is not None
    metrics = session.session_data["session_metrics"]
    assert (metrics["input_tokens"], metrics["output_tokens"], metrics["total_tokens"]) == (
        30,
        11,
        41,
    )
    assert metrics["runs"] == 2


def test_a_team_model_may_be_a_model_string() -> None:
    team = Team(model="openai:gpt-4o-mini", members=[Agent(name="a")])

    assert team.model is not None and team.model.id == "gpt-4o-mini"


async def test_continue_run_by_id_without_a_db_is_run_not_found(mock_model: MockOpenAI) -> None:
    with pytest.raises(RunNotFoundError, match="has none"):
        await Agent().acontinue_run(run_id="r-1")


async def test_a_refusing_checks_error_event_carries_its_trigger_and_data(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    def no_secrets(run_input: object) -> None:
        raise InputCheckError(
            "Potential PII detected in input",
            check_trigger=CheckTrigger.PII_DETECTED,
            additional_data={"detected_pii": ["SSN"]},
        )

    agent = make_agent(pre_hooks=[no_secrets])
    events = [e async for e in agent.arun("ssn 123-45-6789", stream=True, stream_events=True)]

    error = events[-1]
    assert isinstance(error, RunErrorEvent)
    assert (error.error_type, error.error_id) == ("input_check_error", "pii_detected")
    assert error.additional_data == {"detected_pii": ["SSN"]}
    assert mock_model.requests == []
