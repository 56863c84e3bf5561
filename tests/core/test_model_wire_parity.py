"""Request bodies as Agno 3.1.10 sends them (each compared side by side on the same mock): the
system message's role, a tool-calls message's content, the Responses API's ``reasoning`` and
``function_call`` items, and the answer to a call past ``tool_call_limit``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agno_core.agent import Agent
from agno_core.db.in_memory import InMemoryDb
from agno_core.models.message import ToolCall
from agno_core.models.openai import OpenAIChat, OpenAILike, OpenAIResponses, OpenResponses
from agno_core.models.openai._common import OpenAIBase
from agno_core.run.base import RunStatus
from pytest_agno.mock import MockOpenAI

GATEWAY = "http://gateway.local/v1"


def get_weather(city: str) -> str:
    """Current weather in a city.

    Args:
        city: The city's name.
    """
    return f"Sunny in {city}"


async def _first_role(mock: MockOpenAI, model: OpenAIBase) -> str:
    await Agent(model=model, instructions="Be brief.").arun("hi")
    body = mock.requests[-1].json
    return str((body.get("messages") or body.get("input"))[0]["role"])


async def test_openai_chat_sends_the_system_message_as_developer(mock_model: MockOpenAI) -> None:
    assert await _first_role(mock_model, OpenAIChat(max_retries=0)) == "developer"
    assert await _first_role(mock_model, OpenAIResponses(max_retries=0)) == "developer"
    # role_map replaces the mapping, e.g. for a server behind OpenAIChat(base_url=...).
    kept = OpenAIChat(max_retries=0, role_map={"system": "system"})
    assert await _first_role(mock_model, kept) == "system"
    assert [m["role"] for m in mock_model.requests[0].json["messages"]] == ["developer", "user"]


async def test_openai_like_keeps_the_system_role() -> None:
    with MockOpenAI(base_url=GATEWAY) as gateway:
        assert await _first_role(gateway, OpenAILike(id="llama", base_url=GATEWAY)) == "system"


async def test_a_message_of_tool_calls_has_empty_content_on_chat(mock_model: MockOpenAI) -> None:
    mock_model.add_tool_call("get_weather", {"city": "Paris"})
    mock_model.add_text("Sunny.")

    run = await Agent(model=OpenAIChat(max_retries=0), tools=[get_weather]).arun("Weather?")

    assert run.status is RunStatus.completed
    calls = mock_model.requests[1].json["messages"][1]
    assert calls["role"] == "assistant" and calls["content"] == ""
    assert calls["tool_calls"][0]["function"]["name"] == "get_weather"


async def test_responses_always_send_reasoning(mock_model: MockOpenAI) -> None:
    await Agent(model=OpenAIResponses(max_retries=0)).arun("hi")
    await Agent(model=OpenAIResponses(max_retries=0, reasoning_effort="low")).arun("hi")

    assert mock_model.requests[0].json["reasoning"] == {}
    assert mock_model.requests[1].json["reasoning"] == {"effort": "low"}


def _function_calls(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for item in body["input"] if item.get("type") == "function_call"]


async def test_function_call_items_carry_their_item_id_and_status(
    mock_model: MockOpenAI,
) -> None:
    mock_model.add_tool_call("get_weather", {"city": "Paris"})
    mock_model.add_text("Sunny.")
    mock_model.add_text("Still sunny.")
    agent = Agent(
        model=OpenAIResponses(max_retries=0),
        tools=[get_weather],
        db=InMemoryDb(),
        add_history_to_context=True,
    )

    await agent.arun("Weather?", session_id="s")
    await agent.arun("And now?", session_id="s")  # the call again, read back from the db

    for request in mock_model.requests[1:]:
        [call] = _function_calls(request.json)
        assert call["id"].startswith("fc_") and call["call_id"].startswith("call_")
        assert call["status"] == "completed"


@pytest.mark.parametrize(
    ("model", "sends_item_id"),
    [
        (OpenAIResponses(id="gpt-5-mini", max_retries=0), False),
        (OpenAIResponses(id="o4-mini", max_retries=0, store=False), True),
    ],
)
async def test_a_stored_reasoning_model_gets_no_item_ids(
    mock_model: MockOpenAI, model: OpenAIResponses, sends_item_id: bool
) -> None:
    # Agno sends the item id only with its reasoning item, which is not sent back here.
    mock_model.add_tool_call("get_weather", {"city": "Paris"}, model=model.id)
    mock_model.add_text("Sunny.", model=model.id)

    await Agent(model=model, tools=[get_weather]).arun("Weather?")

    [call] = _function_calls(mock_model.requests[1].json)
    assert ("id" in call) is sends_item_id and call["status"] == "completed"


async def test_open_responses_sends_item_ids_for_any_model() -> None:
    with MockOpenAI(base_url=GATEWAY) as gateway:
        gateway.add_tool_call("get_weather", {"city": "Paris"}, model="gpt-5-mini")
        gateway.add_text("Sunny.", model="gpt-5-mini")
        model = OpenResponses(id="gpt-5-mini", base_url=GATEWAY, store=None)

        await Agent(model=model, tools=[get_weather]).arun("Weather?")

        [call] = _function_calls(gateway.requests[1].json)
        assert call["id"].startswith("fc_")


def _text_and_call_response() -> str:
    """A Responses API answer holding some text and a function call."""
    return json.dumps(
        {
            "id": "resp_1",
            "object": "response",
            "created_at": 0,
            "status": "completed",
            "model": "gpt-4o-mini",
            "output": [
                {
                    "type": "message",
                    "id": "msg_1",
                    "role": "assistant",
                    "status": "completed",
                    "content": [{"type": "output_text", "text": "Checking.", "annotations": []}],
                },
                {
                    "type": "function_call",
                    "id": "fc_1",
                    "call_id": "call_1",
                    "name": "get_weather",
                    "arguments": '{"city": "Paris"}',
                    "status": "completed",
                },
            ],
            "usage": {"input_tokens": 5, "output_tokens": 5, "total_tokens": 10},
        }
    )


async def test_the_text_of_a_tool_calls_message_is_not_sent_back(mock_model: MockOpenAI) -> None:
    mock_model.add_raw(200, _text_and_call_response())
    mock_model.add_text("Sunny.")

    run = await Agent(model=OpenAIResponses(max_retries=0), tools=[get_weather]).arun("Weather?")

    assert run.status is RunStatus.completed
    assert mock_model.requests[1].json["input"][1:] == [
        {
            "type": "function_call",
            "call_id": "call_1",
            "name": "get_weather",
            "arguments": '{"city": "Paris"}',
            "status": "completed",
            "id": "fc_1",
        },
        {"type": "function_call_output", "call_id": "call_1", "output": "Sunny in Paris"},
    ]


def test_a_responses_call_is_stored_in_agnos_shape() -> None:
    call = ToolCall(id="call_1", name="f", arguments="{}", item_id="fc_1")
    stored = call.to_dict()

    assert stored == {
        "id": "fc_1",
        "call_id": "call_1",
        "type": "function",
        "function": {"name": "f", "arguments": "{}"},
    }
    back = ToolCall.from_dict(stored)
    assert (back.id, back.item_id) == ("call_1", "fc_1")
    assert ToolCall.from_dict({"id": "call_2", "function": {"name": "f"}}).item_id is None


@pytest.mark.parametrize("endpoint", ["chat", "responses"])
async def test_a_call_past_tool_call_limit_is_answered_in_agnos_words(
    mock_model: MockOpenAI, endpoint: str
) -> None:
    mock_model.add_tool_calls(
        [("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Rome"})]
    )
    mock_model.add_text("Sunny in Paris.")
    model = OpenAIChat(max_retries=0) if endpoint == "chat" else OpenAIResponses(max_retries=0)

    run = await Agent(model=model, tools=[get_weather], tool_call_limit=1).arun("Weather?")

    assert run.tools is not None and run.tools[1].tool_call_error
    expected = (
        "Tool call limit reached. Tool call get_weather not executed. "
        "Don't try to execute it again."
    )
    assert run.tools[1].result == expected
    body = mock_model.requests[1].json
    outputs = [m for m in body.get("messages", body.get("input", [])) if m.get("role") == "tool"]
    outputs += [m for m in body.get("input", []) if m.get("type") == "function_call_output"]
    assert [m.get("content", m.get("output")) for m in outputs] == ["Sunny in Paris", expected]
