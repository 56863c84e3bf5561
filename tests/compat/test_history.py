"""History and sessions, as Agno documents them: what earlier runs give a new run."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from agno_core.agent import Agent
from agno_core.db import SqlDb
from agno_core.models.openai._common import OpenAIBase
from pytest_agno.mock import MockOpenAI
from tests.compat.wire import conversation

Maker = Callable[..., Agent]


@pytest.fixture
def agent_on(mock_model: MockOpenAI, db: SqlDb, make_model: Callable[..., OpenAIBase]) -> Maker:
    """Agents on the test's endpoint and the test's backend (SQLite and PostgreSQL)."""

    def make(**kwargs: Any) -> Agent:
        kwargs.setdefault("model", make_model())
        kwargs.setdefault("db", db)
        kwargs.setdefault("session_id", "s1")
        return Agent(**kwargs)

    return make


def lookup(city: str) -> str:
    """Look a city up."""
    return f"{city}: sunny"


async def _turns(agent: Agent, mock: MockOpenAI, count: int) -> None:
    for i in range(count):
        mock.add_text(f"answer {i}")
        await agent.arun(f"question {i}")


async def test_num_history_runs(agent_on: Maker, mock_model: MockOpenAI) -> None:
    agent = agent_on(add_history_to_context=True, num_history_runs=2)
    await _turns(agent, mock_model, 4)

    sent = conversation(mock_model.requests[-1])

    assert sent == [
        ("user", "question 1"),
        ("assistant", "answer 1"),
        ("user", "question 2"),
        ("assistant", "answer 2"),
        ("user", "question 3"),
    ]


async def test_history_defaults_to_three_runs(agent_on: Maker, mock_model: MockOpenAI) -> None:
    agent = agent_on(add_history_to_context=True)
    await _turns(agent, mock_model, 5)

    users = [t for r, t in conversation(mock_model.requests[-1]) if r == "user"]

    assert users == ["question 1", "question 2", "question 3", "question 4"]


async def test_num_history_messages(agent_on: Maker, mock_model: MockOpenAI) -> None:
    agent = agent_on(add_history_to_context=True, num_history_messages=3)
    await _turns(agent, mock_model, 4)

    sent = conversation(mock_model.requests[-1])

    assert sent == [
        ("assistant", "answer 1"),
        ("user", "question 2"),
        ("assistant", "answer 2"),
        ("user", "question 3"),
    ]


async def test_num_history_messages_never_starts_with_a_tool_result(
    agent_on: Maker, mock_model: MockOpenAI
) -> None:
    agent = agent_on(add_history_to_context=True, num_history_messages=2, tools=[lookup])
    mock_model.add_tool_call("lookup", {"city": "Oslo"})
    mock_model.add_text("Oslo is sunny")
    await agent.arun("Weather in Oslo?")
    mock_model.add_text("ok")

    await agent.arun("Thanks")

    # The last two messages of the first run are the tool result and the answer: the result
    # would answer a call that is not replayed, so only the answer is.
    assert conversation(mock_model.requests[-1]) == [
        ("assistant", "Oslo is sunny"),
        ("user", "Thanks"),
    ]


async def test_max_tool_calls_from_history(agent_on: Maker, mock_model: MockOpenAI) -> None:
    agent = agent_on(add_history_to_context=True, tools=[lookup], max_tool_calls_from_history=1)
    for city in ("Oslo", "Rome"):
        mock_model.add_tool_call("lookup", {"city": city})
        mock_model.add_text(f"{city} done")
        await agent.arun(f"Weather in {city}?")
    mock_model.add_text("bye")

    await agent.arun("Bye")

    sent = conversation(mock_model.requests[-1])
    assert ("tool", "Rome: sunny") in sent
    assert ("tool", "Oslo: sunny") not in sent
    assert sent.count(("call", "lookup")) == 1
    assert ("assistant", "Oslo done") in sent  # the answers stay


async def test_add_history_to_context_per_run(agent_on: Maker, mock_model: MockOpenAI) -> None:
    agent = agent_on()
    await _turns(agent, mock_model, 1)
    mock_model.add_text("x")

    await agent.arun("again", add_history_to_context=True)

    assert ("user", "question 0") in conversation(mock_model.requests[-1])


async def test_get_chat_history(agent_on: Maker, mock_model: MockOpenAI) -> None:
    agent = agent_on(add_history_to_context=True, tools=[lookup])
    mock_model.add_tool_call("lookup", {"city": "Oslo"})
    mock_model.add_text("Oslo is sunny")
    await agent.arun("Weather in Oslo?")
    await _turns(agent, mock_model, 1)

    history = agent.get_chat_history()
    latest = await agent.aget_chat_history(last_n_runs=1)

    assert [(m.role, m.content) for m in history] == [
        ("user", "Weather in Oslo?"),
        ("assistant", None),
        ("assistant", "Oslo is sunny"),
        ("user", "question 0"),
        ("assistant", "answer 0"),
    ]
    assert [(m.role, m.content) for m in latest] == [
        ("user", "question 0"),
        ("assistant", "answer 0"),
    ]
    with pytest.raises(ValueError, match="Session not found"):  # as Agno raises
        agent.get_chat_history(session_id="other")


async def test_search_past_sessions(agent_on: Maker, mock_model: MockOpenAI) -> None:
    agent = agent_on(search_past_sessions=True, num_past_sessions_to_search=2, user_id="ann")
    for i, sid in enumerate(("s-old", "s-mid", "s-new")):
        mock_model.add_text(f"capital {i}")
        await agent.arun(f"capital of country {i}?", session_id=sid)
    other_user = agent_on(user_id="bob")
    mock_model.add_text("secret")
    await other_user.arun("bob's question", session_id="s-bob")
    mock_model.add_tool_call("search_past_sessions", {})
    mock_model.add_tool_call("read_past_session", {"session_id": "s-mid"})
    mock_model.add_text("You asked about capitals.")

    run = await agent.arun("What did we discuss?", session_id="s-now")

    search, read = run.tools
    found = json.loads(search.result or "")
    assert [s["session_id"] for s in found] == ["s-new", "s-mid"]
    assert found[0]["runs"] == [{"user": "capital of country 2?", "assistant": "capital 2"}]
    assert read.result == (
        "Session: s-mid\n\nUser: capital of country 1?\n\nAssistant: capital 1\n"
    )
    assert run.content == "You asked about capitals."


async def test_read_past_session_of_another_user_is_not_found(
    agent_on: Maker, mock_model: MockOpenAI
) -> None:
    await agent_on(user_id="bob").arun("bob's question", session_id="s-bob")
    mock_model.add_tool_call("read_past_session", {"session_id": "s-bob"})
    mock_model.add_text("nothing")

    run = await agent_on(search_past_sessions=True, user_id="ann").arun("hi", session_id="s2")

    assert run.tools[0].result == "Session not found."


async def test_search_session_history_is_the_earlier_name(
    agent_on: Maker, mock_model: MockOpenAI
) -> None:
    agent = agent_on(search_session_history=True, num_history_sessions=1, user_id="ann")
    for sid in ("a", "b"):
        await agent.arun("q", session_id=sid)
    mock_model.add_tool_call("search_past_sessions", {})
    mock_model.add_text("done")

    run = await agent.arun("What did we discuss?", session_id="c")

    assert agent.search_past_sessions and agent.num_past_sessions_to_search == 1
    assert [s["session_id"] for s in json.loads(run.tools[0].result or "")] == ["b"]


async def test_history_messages_are_not_stored_by_default(
    agent_on: Maker, mock_model: MockOpenAI
) -> None:
    agent = agent_on(add_history_to_context=True)
    await _turns(agent, mock_model, 2)

    [first, second] = await agent.db.aget_session_runs("s1")  # type: ignore[union-attr]
    last = await agent.aget_run_output(second.run_id)

    assert last is not None
    assert [m.content for m in last.messages] == ["question 1", "answer 1"]
    assert len(first.messages) == 2


async def test_store_history_messages(agent_on: Maker, mock_model: MockOpenAI) -> None:
    agent = agent_on(add_history_to_context=True, store_history_messages=True)
    await _turns(agent, mock_model, 2)

    runs = await agent.db.aget_session_runs("s1")  # type: ignore[union-attr]

    stored = [(m.content, m.from_history) for m in runs[-1].messages]
    assert stored == [
        ("question 0", True),
        ("answer 0", True),
        ("question 1", False),
        ("answer 1", False),
    ]


async def test_get_session_messages(agent_on: Maker, mock_model: MockOpenAI) -> None:
    agent = agent_on(instructions="Be brief.", tools=[lookup])
    mock_model.add_tool_call("lookup", {"city": "Oslo"})
    mock_model.add_text("Oslo is sunny")
    await agent.arun("Weather in Oslo?")
    await _turns(agent, mock_model, 1)

    everything = agent.get_session_messages()
    limited = await agent.aget_session_messages(limit=3)
    no_tools = agent.get_session_messages(skip_roles=["tool", "system"], last_n_runs=1)

    assert [m.role for m in everything] == [
        "system",
        "user",
        "assistant",
        "tool",
        "assistant",
        "user",
        "assistant",
    ]
    assert [(m.role, m.content) for m in limited] == [
        ("system", "Be brief."),
        ("user", "question 0"),
        ("assistant", "answer 0"),
    ]
    assert [m.content for m in no_tools] == ["question 0", "answer 0"]


async def test_get_session_messages_skips_failed_runs(
    agent_on: Maker, mock_model: MockOpenAI
) -> None:
    agent = agent_on()
    mock_model.add_error(400, "bad request")
    await agent.arun("broken")
    await _turns(agent, mock_model, 1)

    assert [m.content for m in agent.get_session_messages()] == ["question 0", "answer 0"]
    every = agent.get_session_messages(skip_statuses=[])
    assert "broken" in [m.content for m in every]


async def test_get_last_run_output(agent_on: Maker, mock_model: MockOpenAI) -> None:
    agent = agent_on()
    await _turns(agent, mock_model, 2)

    last = agent.get_last_run_output()
    none = await agent.aget_last_run_output(session_id="unknown")

    assert last is not None and last.content == "answer 1"
    assert none is None


async def test_delete_session(agent_on: Maker, mock_model: MockOpenAI) -> None:
    agent = agent_on(add_history_to_context=True)
    await _turns(agent, mock_model, 2)
    mock_model.add_text("other")
    await agent.arun("elsewhere", session_id="s2")

    agent.delete_session("s1")
    mock_model.add_text("fresh")
    await agent.arun("new start")

    assert [m.content for m in agent.get_chat_history("s1")] == ["new start", "fresh"]
    assert ("user", "question 0") not in conversation(mock_model.requests[-1])
    assert next(m.content for m in agent.get_chat_history("s2")) == "elsewhere"
