"""An unscripted MockOpenAI answers a structured-output request with a document its schema takes."""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Literal

import pydantic
import pytest

from agno_core.agent import Agent
from agno_core.models.openai import OpenAIChat, OpenAIResponses
from agno_core.run import RunStatus
from pytest_agno.mock import MockOpenAI
from pytest_agno.mock._schema_sample import requested_schema, sample_for_schema


class Colour(str, Enum):
    red = "red"
    blue = "blue"


class Address(pydantic.BaseModel):
    city: str
    zip_code: str | None = None


class Person(pydantic.BaseModel):
    name: str
    age: int
    height: float
    member: bool
    colour: Colour
    kind: Literal["customer", "staff"]
    tags: list[str]
    home: Address
    previous: list[Address] = pydantic.Field(min_length=1)
    born: datetime
    note: str | None = None


@pytest.mark.parametrize("model_class", [OpenAIChat, OpenAIResponses])
@pytest.mark.parametrize("stream", [False, True])
async def test_agent_with_output_schema_completes_on_the_unscripted_mock(
    mock_model: MockOpenAI, model_class: type[OpenAIChat] | type[OpenAIResponses], stream: bool
) -> None:
    agent = Agent(model=model_class(id="gpt-4o-mini"), output_schema=Person)

    if stream:
        outputs = [event async for event in agent.arun("who?", stream=True, yield_run_output=True)]
        result = outputs[-1]
    else:
        result = await agent.arun("who?")

    assert result.status == RunStatus.completed, result.error
    person = result.content
    assert isinstance(person, Person)
    assert (person.colour, person.kind, person.home.city) == (Colour.red, "customer", "")
    assert len(person.previous) == 1 and person.tags == []


async def test_plain_requests_still_get_the_default_text(mock_model: MockOpenAI) -> None:
    result = await Agent(model=OpenAIChat(id="gpt-4o-mini")).arun("hi")

    assert result.content == mock_model.default_text


def test_the_sample_validates_against_strict_and_plain_schemas() -> None:
    plain = Person.model_json_schema()
    document = sample_for_schema(plain)

    assert Person.model_validate(document).name == ""
    assert "note" not in document  # optional with a default: left to pydantic


def test_recursive_schema_ends() -> None:
    class Node(pydantic.BaseModel):
        value: int
        child: Node | None

    document = sample_for_schema(Node.model_json_schema())

    assert Node.model_validate(document) == Node(value=0, child=None)


def test_requested_schema_reads_both_endpoints() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    chat = {
        "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": schema}}
    }
    responses = {"text": {"format": {"type": "json_schema", "name": "x", "schema": schema}}}

    assert requested_schema(chat) == schema
    assert requested_schema(responses) == schema
    assert requested_schema({"response_format": {"type": "json_object"}}) is None
    assert requested_schema({"messages": []}) is None
    assert json.dumps(sample_for_schema(schema)) == '{"a": 0}'
