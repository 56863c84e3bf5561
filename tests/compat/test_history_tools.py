"""Agno's history-reading tools: ``read_chat_history=True`` (``get_chat_history``) and
``read_tool_call_history=True`` (``get_tool_call_history``) read the run's stored session."""

from __future__ import annotations

import json
from collections.abc import Callable

from agno_core.agent import Agent
from agno_core.db import SqlDb
from agno_core.models.openai._common import OpenAIBase
from pytest_agno.mock import MockOpenAI
from tests.compat.wire import tool_names


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


async def test_the_model_reads_the_chat_and_the_tool_calls_of_the_session(
    mock_model: MockOpenAI, db: SqlDb, make_model: Callable[..., OpenAIBase]
) -> None:
    agent = Agent(
        model=make_model(),
        db=db,
        tools=[add],
        read_chat_history=True,
        read_tool_call_history=True,
        session_id="s1",
    )
    mock_model.add_tool_call("add", {"a": 1, "b": 2})
    mock_model.add_text("It is 3.")
    await agent.arun("What is 1+2?")
    mock_model.add_tool_calls(
        [("get_chat_history", {"num_chats": 2}), ("get_tool_call_history", {"num_calls": 1})]
    )
    mock_model.add_text("You asked about 1+2.")

    run = await agent.arun("What did I ask?")

    assert tool_names(mock_model.requests[0]) == [
        "add",
        "get_chat_history",
        "get_tool_call_history",
    ]
    assert run.tools is not None
    chats, calls = (json.loads(t.result or "") for t in run.tools)
    assert [(m["role"], m["content"]) for m in chats] == [("tool", "3"), ("assistant", "It is 3.")]
    assert [c["function"]["name"] for c in calls] == ["add"]
    assert json.loads(calls[0]["function"]["arguments"]) == {"a": 1, "b": 2}


async def test_without_a_db_the_chat_history_is_empty(
    mock_model: MockOpenAI, make_model: Callable[..., OpenAIBase]
) -> None:
    agent = Agent(model=make_model(), read_chat_history=True)
    mock_model.add_tool_call("get_chat_history", {})
    mock_model.add_text("Nothing yet.")

    run = await agent.arun("What did I ask?")

    assert run.tools is not None and run.tools[0].result == "[]"
    assert tool_names(mock_model.requests[0]) == ["get_chat_history"]


def test_the_tool_schema_is_agnos() -> None:
    from agno_core._history_tools import chat_history_tool

    assert chat_history_tool().parameters["properties"]["num_chats"]["type"] == "integer"
