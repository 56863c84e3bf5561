"""Run inputs as Agno sends them (compared with Agno 3.1.10 on the same mock): messages given as
`Message` objects or role/content dicts go to the model as they are, a list of strings as
lines, a pydantic model as indented JSON; and small output helpers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from agno_core.agent import Agent
from agno_core.models.message import Message
from agno_core.run.base import RunStatus
from pytest_agno.mock import MockOpenAI


def sent(mock: MockOpenAI) -> list[tuple[str, Any]]:
    return [(m["role"], m.get("content")) for m in mock.requests[-1].json["messages"]]


class Query(BaseModel):
    topic: str
    n: int = 3
    note: str | None = None


async def test_messages_and_structured_inputs_reach_the_model_as_agnos(
    mock_model: MockOpenAI,
) -> None:
    agent = Agent()
    cases: list[tuple[Any, list[tuple[str, Any]]]] = [
        (Message(role="user", content="single"), [("user", "single")]),
        (
            [Message(role="user", content="m1"), Message(role="user", content="m2")],
            [("user", "m1"), ("user", "m2")],
        ),
        (
            [
                {"role": "user", "content": "hi a"},
                {"role": "assistant", "content": "yo"},
                {"role": "user", "content": "hi b"},
            ],
            [("user", "hi a"), ("assistant", "yo"), ("user", "hi b")],
        ),
        ({"role": "user", "content": "dict content"}, [("user", "dict content")]),
        (["a", "b"], [("user", "a\nb")]),
        (Query(topic="cats"), [("user", '{\n  "topic": "cats",\n  "n": 3\n}')]),
    ]
    for given, expected in cases:
        run = await agent.arun(given)
        assert run.status is RunStatus.completed
        assert sent(mock_model) == expected, given


async def test_a_conversation_with_a_tool_call_given_as_dicts(mock_model: MockOpenAI) -> None:
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"x": 1}'}}

    await Agent().arun(
        [
            {"role": "user", "content": "use f"},
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "c1", "content": "42"},
            {"role": "user", "content": "and now?"},
        ]
    )

    messages = mock_model.requests[-1].json["messages"]
    assert messages[1]["tool_calls"][0]["function"] == {"name": "f", "arguments": '{"x": 1}'}
    assert (messages[2]["role"], messages[2]["tool_call_id"], messages[2]["content"]) == (
        "tool",
        "c1",
        "42",
    )


async def test_message_inputs_are_history_as_messages(mock_model: MockOpenAI, agno_db: Any) -> None:
    mock_model.add_text("first answer")
    mock_model.add_text("second answer")
    agent = Agent(db=agno_db, add_history_to_context=True)
    await agent.arun(Message(role="user", content="first question"))
    await agent.arun("second")

    assert sent(mock_model)[-3:] == [
        ("user", "first question"),
        ("assistant", "first answer"),
        ("user", "second"),
    ]


async def test_output_helpers(mock_model: MockOpenAI, agno_db: Any) -> None:
    mock_model.add_json({"topic": "x", "n": 1, "note": None})
    mock_model.add_text("hello")
    agent = Agent(db=agno_db)

    run = await agent.arun("q", output_schema=Query)
    plain = await agent.arun("hi")

    assert run.get_content_as_string(indent=2).startswith('{\n  "topic": "x"')
    assert plain.session_state == {}  # as Agno's: a session without state has an empty one
    assert await agent.aupdate_session_state({"k": 1}) == {"k": 1}
