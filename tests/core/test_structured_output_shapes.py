"""Structured output beyond a pydantic model answered with bare JSON: a JSON schema dict as the
``output_schema`` (as in Agno: sent as given, answered with a dict), and JSON wrapped in a code
fence, prose or a ``<think>`` block."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

from agno_core.agent import Agent
from agno_core.run._structured_output import json_candidates
from agno_core.run.base import RunStatus
from pytest_agno.mock import MockOpenAI

AgentMaker = Callable[..., Agent]

CITY_SCHEMA: dict[str, Any] = {
    "name": "City",
    "schema": {
        "type": "object",
        "properties": {"name": {"type": "string"}, "population": {"type": "integer"}},
        "required": ["name", "population"],
        "additionalProperties": False,
    },
    "strict": True,
}
CHAT_FORMAT: dict[str, Any] = {"type": "json_schema", "json_schema": CITY_SCHEMA}


class City(BaseModel):
    name: str
    population: int


def _format_sent(body: dict[str, Any]) -> dict[str, Any]:
    if "response_format" in body:
        return body["response_format"]  # type: ignore[no-any-return]
    return body["text"]["format"]  # type: ignore[no-any-return]


async def test_a_dict_schema_is_sent_as_given_and_answered_with_a_dict(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_json({"name": "Paris", "population": 2100000})
    agent = make_agent(output_schema=CHAT_FORMAT)

    run = await agent.arun("Which city?")

    assert run.status is RunStatus.completed
    assert run.content == {"name": "Paris", "population": 2100000}
    assert run.content_type == "dict"
    sent = _format_sent(mock_model.requests[0].json)
    if "response_format" in mock_model.requests[0].json:
        assert sent == CHAT_FORMAT  # Chat Completions: the user's own response_format
    else:  # Responses: the same schema, flattened as that API wants it
        assert sent == {"type": "json_schema", **CITY_SCHEMA}
    stored = await agent.aget_run_output(run.run_id, run.session_id)
    assert stored is not None and stored.content == run.content
    assert stored.content_type == "dict"


async def test_a_dict_schema_per_call_in_a_background_run(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_json({"name": "Rome", "population": 2800000})
    agent = make_agent()

    run = await agent.arun("Which city?", output_schema=CHAT_FORMAT, background=True)
    await agent.adrain()

    stored = await agent.aget_run_output(run.run_id, run.session_id)
    assert stored is not None and stored.status is RunStatus.completed
    assert stored.content == {"name": "Rome", "population": 2800000}


async def test_a_dict_schema_answer_that_is_not_a_json_object_is_an_error(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_text("I would rather not say.")

    run = await make_agent(output_schema=CHAT_FORMAT).arun("Which city?")

    assert run.status is RunStatus.error
    assert "not a JSON object" in str(run.content)
    assert "I would rather not say." in str(run.content)


async def test_a_dict_schema_in_json_mode_is_described_in_the_system_message(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_json({"name": "Oslo", "population": 700000})

    run = await make_agent(output_schema=CHAT_FORMAT, use_json_mode=True).arun("Which city?")

    body = mock_model.requests[0].json
    assert _format_sent(body) == {"type": "json_object"}
    system = str(body.get("messages", body.get("input"))[0]["content"])
    assert '<json_fields>\n{"type": "json_schema"' in system
    assert run.content == {"name": "Oslo", "population": 700000}


@pytest.mark.parametrize(
    "text",
    [
        'Here you go:\n```json\n{"name": "Lima", "population": 10000000}\n```\nAnything else?',
        '```\n{"name": "Lima", "population": 10000000}\n```',
        'The answer is {"name": "Lima", "population": 10000000}, as asked.',
        '<think>Lima is big.</think>\n{"name": "Lima", "population": 10000000}',
    ],
    ids=["json-fence", "bare-fence", "prose", "think"],
)
async def test_wrapped_json_is_taken_out(
    make_agent: AgentMaker, mock_model: MockOpenAI, text: str
) -> None:
    for schema in (City, CHAT_FORMAT):
        mock_model.add_text(text)
        run = await make_agent(output_schema=schema, use_json_mode=True).arun("Which city?")
        assert run.status is RunStatus.completed, run.content
        expected = {"name": "Lima", "population": 10000000}
        assert (run.content if schema is CHAT_FORMAT else run.content.model_dump()) == expected


async def test_wrapped_json_that_does_not_fit_the_model_reports_the_field(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_text('Sure:\n```json\n{"name": "Lima"}\n```')

    run = await make_agent(output_schema=City, use_json_mode=True).arun("Which city?")

    assert run.status is RunStatus.error
    assert "population: Field required" in str(run.content)


def test_json_candidates_order() -> None:
    text = 'Intro {"a": 1} then\n```json\n{"b": 2}\n```'
    assert json_candidates(text) == [text, '{"b": 2}', '{"a": 1} then\n```json\n{"b": 2}']
    assert json_candidates("   ") == []
