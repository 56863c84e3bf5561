"""Structured output (DESIGN 3.8): validated content, stored as JSON, invalid output is an ERROR."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel, Field

from agno_core.agent import Agent
from agno_core.models.base import strict_json_schema
from agno_core.run.agent import RunCompletedEvent, RunContentEvent, RunErrorEvent
from agno_core.run.base import RunStatus
from pytest_agno.mock import MockOpenAI

AgentMaker = Callable[..., Agent]


class Address(BaseModel):
    city: str
    zip_code: str | None = None


class Person(BaseModel):
    name: str
    age: int = Field(ge=0)
    address: Address
    tags: list[str] = []


class Verdict(BaseModel):
    ok: bool


PERSON = {"name": "Ada", "age": 36, "address": {"city": "London", "zip_code": None}, "tags": ["x"]}


def _schema_sent(body: dict[str, Any]) -> dict[str, Any]:
    if "response_format" in body:
        return body["response_format"]["json_schema"]["schema"]  # type: ignore[no-any-return]
    return body["text"]["format"]["schema"]  # type: ignore[no-any-return]


async def test_agent_output_schema_gives_a_validated_instance(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_json(PERSON)
    agent = make_agent(output_schema=Person)

    run = await agent.arun("Who?")

    assert run.status is RunStatus.completed
    assert isinstance(run.content, Person)
    assert run.content == Person.model_validate(PERSON)
    assert run.content_type == "Person"
    schema = _schema_sent(mock_model.requests[0].json)
    assert schema["additionalProperties"] is False
    assert schema["$defs"]["Address"]["additionalProperties"] is False
    assert sorted(schema["$defs"]["Address"]["required"]) == ["city", "zip_code"]


async def test_stored_content_is_json_that_the_model_accepts(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_json(PERSON)
    agent = make_agent(output_schema=Person)
    run = await agent.arun("Who?")

    stored = await agent.aget_run_output(run.run_id, run.session_id)

    assert stored is not None
    assert stored.status is RunStatus.completed
    assert stored.content_type == "Person"
    assert isinstance(stored.content, dict)
    assert Person.model_validate(stored.content) == run.content
    assert stored.get_content_as_string() == run.get_content_as_string()


async def test_per_call_schema_overrides_and_does_not_stick(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_json({"ok": True})
    mock_model.add_json(PERSON)
    mock_model.add_text("plain")
    agent = make_agent(output_schema=Person)
    plain_agent = make_agent()

    per_call = await agent.arun("x", output_schema=Verdict)
    default = await agent.arun("y")
    plain = await plain_agent.arun("z")

    assert per_call.content == Verdict(ok=True)
    assert isinstance(default.content, Person)
    assert plain.content == "plain"
    names = [
        body.get("response_format", {}).get("json_schema", {}).get("name")
        or body.get("text", {}).get("format", {}).get("name")
        for body in (r.json for r in mock_model.requests)
    ]
    assert names == ["Verdict", "Person", None]


async def test_streamed_structured_output_is_one_content_event_with_the_object(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    # As in Agno: the model is not asked to stream, and the stream carries the validated object
    # once, never pieces of its JSON.
    mock_model.add_json(PERSON)
    agent = make_agent()

    events = [
        e async for e in agent.arun("x", stream=True, stream_events=True, output_schema=Person)
    ]

    contents = [e for e in events if isinstance(e, RunContentEvent)]
    assert [(e.content, e.content_type) for e in contents] == [
        (Person.model_validate(PERSON), "Person")
    ]
    assert isinstance(events[-1], RunCompletedEvent)
    assert (events[-1].content, events[-1].content_type) == (contents[0].content, "Person")
    assert "stream" not in mock_model.requests[0].json


async def test_plain_stream_of_structured_output_yields_the_object(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_json(PERSON)

    events = [e async for e in make_agent(output_schema=Person).arun("x", stream=True)]

    assert [type(e.content) for e in events] == [Person]


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ({"name": "Ada", "address": {"city": "London"}}, "age"),
        ({"name": "Ada", "age": -1, "address": {"city": "L"}}, "age"),
        ({"name": "Ada", "age": 3, "address": {}}, "address.city"),
        ("Sorry, I cannot answer in JSON.", "Person"),
        ("", "no content"),
    ],
    ids=["missing-field", "constraint", "nested-missing", "not-json", "empty"],
)
@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
async def test_invalid_output_is_an_error_with_the_validation_message(
    make_agent: AgentMaker, mock_model: MockOpenAI, reply: Any, expected: str, stream: bool
) -> None:
    if isinstance(reply, str):
        mock_model.add_text(reply)
    else:
        mock_model.add_json(reply)
    agent = make_agent(output_schema=Person)

    if stream:
        events = [e async for e in agent.arun("x", stream=True)]
        assert isinstance(events[-1], RunErrorEvent)
        assert not any(isinstance(e, RunCompletedEvent) for e in events)
        run = events[-1].run_output
    else:
        run = await agent.arun("x")

    assert run.status is RunStatus.error
    assert run.error is not None
    assert expected in run.error
    assert "Person" in run.error
    assert not isinstance(run.content, Person)
    stored = await agent.aget_run_output(run.run_id, run.session_id)
    assert stored is not None
    assert (stored.status, stored.error) == (RunStatus.error, run.error)


async def test_validation_error_still_counts_the_tokens_spent(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_text("not json", input_tokens=17, output_tokens=3)
    agent = make_agent(output_schema=Verdict)

    run = await agent.arun("x")

    assert run.status is RunStatus.error
    assert (run.metrics.input_tokens, run.metrics.output_tokens) == (17, 3)


def test_strict_schema_keeps_properties_named_like_keywords() -> None:
    class Tricky(BaseModel):
        default: str
        properties: list[str]
        type: int | None = None

    schema = strict_json_schema(Tricky)

    assert sorted(schema["properties"]) == ["default", "properties", "type"]
    assert sorted(schema["required"]) == ["default", "properties", "type"]
    assert schema["additionalProperties"] is False
    listed = schema["properties"]["properties"]
    assert (listed["type"], listed["items"]) == ("array", {"type": "string"})
    assert "additionalProperties" not in schema["properties"]["properties"]
    assert all("default" not in prop for prop in schema["properties"].values())
    assert Tricky.model_json_schema()["properties"]["type"]["default"] is None  # not mutated


async def test_to_json_is_the_whole_output_and_is_cancelled_reads_the_status(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_json(PERSON)
    run = await make_agent(output_schema=Person).arun("Who?")

    data = json.loads(run.to_json())
    assert data == json.loads(json.dumps(run.to_dict()))
    assert data["content"] == PERSON and data["status"] == "COMPLETED"
    assert "\n" not in run.to_json(indent=None)
    assert run.is_cancelled is False
    run.status = RunStatus.cancelled
    assert run.is_cancelled is True


async def test_use_json_mode_asks_for_a_json_object_and_describes_the_fields(
    make_agent: AgentMaker, mock_model: MockOpenAI, endpoint: str
) -> None:
    mock_model.add_json(PERSON)
    agent = make_agent(output_schema=Person, use_json_mode=True)

    run = await agent.arun("x")

    assert run.content == Person.model_validate(PERSON)
    body = mock_model.requests[0].json
    fmt = body["response_format"] if endpoint == "chat" else body["text"]["format"]
    assert fmt == {"type": "json_object"}
    system = (body.get("messages") or body.get("input"))[0]["content"]
    assert "Provide your output as a JSON containing the following fields:" in system
    assert '<json_fields>\n["name", "age", "address", "tags"]\n</json_fields>' in system
    assert system.endswith("Make sure it only contains valid JSON.")


async def test_use_json_mode_still_validates(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_json({"name": "Ada"})

    run = await make_agent(output_schema=Person, use_json_mode=True).arun("x")

    assert run.status is RunStatus.error and "Person" in (run.error or "")
