"""The tool definitions the model receives, in Agno's exact wire form (checked against Agno
3.1.10 on the mock): no defaults, ``required`` always, ``additionalProperties: false`` on a
``@tool``, the toolkit flags, name order, strict mode, and both OpenAI endpoints."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from pydantic import BaseModel

from agno_core.agent import Agent
from agno_core.models.openai import OpenAIChat, OpenAIResponses
from agno_core.tools import Toolkit, tool
from pytest_agno.mock import MockOpenAI


def lookup(city: str, days: int = 3, unit: Literal["c", "f"] = "c", note: str | None = None) -> str:
    """Look up the weather.

    Checks the best source.

    Args:
        city: The city.
        days (int): How many days.
    """
    return city


def bare(x, y: int = 1):  # type: ignore[no-untyped-def]
    return x


@tool
def decorated(a: str, b: int = 2) -> str:
    """Decorated."""
    return a


@tool(name="renamed", description="Custom.", strict=True, requires_confirmation=False)
def strict_tool(a: str, b: int = 2) -> str:
    return a


class Kit(Toolkit):
    def __init__(self) -> None:
        super().__init__(
            name="kit", tools=[self.zeta, self.alpha], requires_confirmation_tools=["alpha"]
        )

    def zeta(self, s: str) -> str:
        """Zeta."""
        return s

    @tool(description="Alpha.")
    def alpha(self, w: str, z: int = 4) -> str:
        return w


class Answer(BaseModel):
    answer: str


def _tools(model: Any, tools: list[Any], **agent: Any) -> list[dict[str, Any]]:
    with MockOpenAI() as mock:
        mock.add_text('{"answer": "x"}')
        Agent(model=model, tools=tools, **agent).run("hi")
        result: list[dict[str, Any]] = mock.requests[0].json["tools"]
        return result


def test_plain_function_wire_form() -> None:
    (sent,) = _tools(OpenAIChat(id="gpt-4o", api_key="sk-test"), [lookup])

    assert sent == {
        "type": "function",
        "function": {
            "name": "lookup",
            "description": "Look up the weather.\nChecks the best source.",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string", "description": "The city."},
                    "days": {"type": "integer", "description": "(int) How many days."},
                    "unit": {"type": "string", "enum": ["c", "f"]},
                    "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                },
                "required": ["city"],
            },
        },
    }


def test_untyped_undocumented_function_and_sorting() -> None:
    sent = _tools(OpenAIChat(id="gpt-4o", api_key="sk-test"), [lookup, bare])

    assert [t["function"]["name"] for t in sent] == ["bare", "lookup"]
    assert sent[0]["function"] == {
        "name": "bare",
        "description": "",
        "parameters": {
            "type": "object",
            "properties": {"x": {}, "y": {"type": "integer"}},
            "required": ["x"],
        },
    }


def test_decorated_tools_are_closed_and_flags_sent_when_given() -> None:
    sent = _tools(OpenAIChat(id="gpt-4o", api_key="sk-test"), [strict_tool, decorated])

    assert [t["function"] for t in sent] == [
        {
            "name": "decorated",
            "description": "Decorated.",
            "parameters": {
                "type": "object",
                "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
                "required": ["a"],
                "additionalProperties": False,
            },
        },
        {
            "name": "renamed",
            "description": "Custom.",
            "parameters": {
                "type": "object",
                "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
                "required": ["a", "b"],
                "additionalProperties": False,
            },
            "strict": True,
            "requires_confirmation": False,
        },
    ]


def test_toolkit_tools_carry_both_flags() -> None:
    sent = _tools(OpenAIChat(id="gpt-4o", api_key="sk-test"), [Kit()])

    assert [t["function"] for t in sent] == [
        {
            "name": "alpha",
            "description": "Alpha.",
            "parameters": {
                "type": "object",
                "properties": {"w": {"type": "string"}, "z": {"type": "integer"}},
                "required": ["w"],
            },
            "requires_confirmation": True,
            "external_execution": False,
        },
        {
            "name": "zeta",
            "description": "Zeta.",
            "parameters": {
                "type": "object",
                "properties": {"s": {"type": "string"}},
                "required": ["s"],
            },
            "requires_confirmation": False,
            "external_execution": False,
        },
    ]


def test_structured_output_makes_tools_strict() -> None:
    sent = _tools(OpenAIChat(id="gpt-4o", api_key="sk-test"), [lookup, Kit()], output_schema=Answer)

    by_name = {t["function"]["name"]: t["function"] for t in sent}
    assert by_name["lookup"]["strict"] is True
    assert by_name["lookup"]["parameters"]["required"] == ["city", "days", "unit", "note"]
    assert by_name["lookup"]["parameters"]["additionalProperties"] is False
    assert by_name["zeta"]["strict"] is True
    assert by_name["alpha"]["parameters"]["required"] == ["w", "z"]


def test_responses_endpoint_flattens_the_same_definition() -> None:
    sent = _tools(OpenAIResponses(id="gpt-4o", api_key="sk-test"), [decorated, lookup])

    assert [list(t) for t in sent] == [["name", "description", "parameters", "type"]] * 2
    assert sent[0]["type"] == "function"
    assert sent[0]["parameters"]["additionalProperties"] is False
    assert "strict" not in sent[1]


@pytest.mark.parametrize("model_cls", [OpenAIChat, OpenAIResponses])
def test_arguments_still_validated(model_cls: Any) -> None:
    with MockOpenAI() as mock:
        mock.add_tool_call("lookup", {"city": "Oslo", "days": "5"})
        mock.add_text("done")
        run = Agent(model=model_cls(id="gpt-4o", api_key="sk-test"), tools=[lookup]).run("hi")

    assert run.tools is not None
    assert run.tools[0].tool_args == {"city": "Oslo", "days": "5"}
    assert run.tools[0].result == "Oslo"
