"""User memories (``update_memory_on_run``) for agents and teams, and team history.

A memory extraction is one model call whose request asks for the ``_MemoryExtraction`` JSON
schema; its usage lands under ``details["memory_model"]``; the memories are stored per user and
put into the system message of that user's later runs.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from agno_core.agent import Agent
from agno_core.run.base import RunStatus
from tests.team.team_helpers import (
    DELEGATE,
    LEADER,
    WEATHER_MODEL,
    TeamMaker,
    chat,
    delegate,
    entry,
    is_memory,
    messages,
    model_token_sum,
    reply,
    run_requests,
    system_text,
)

if TYPE_CHECKING:
    from agno_core.db import SqlDb
    from pytest_agno.mock import MockOpenAI, RecordedRequest


def remember(mock: MockOpenAI, *memories: str, **usage: int) -> None:
    mock.add_json({"memories": list(memories)}, match=is_memory, **usage)


def memory_requests(mock: MockOpenAI) -> list[RecordedRequest]:
    return [r for r in mock.requests if is_memory(r)]


async def test_agent_extracts_stores_and_reuses_memories(mock_model: MockOpenAI, db: SqlDb) -> None:
    agent = Agent(name="Assistant", model=chat(WEATHER_MODEL), db=db, update_memory_on_run=True)
    reply(
        mock_model, "Nice to meet you, Ann.", model=WEATHER_MODEL, input_tokens=20, output_tokens=6
    )
    remember(mock_model, "Name is Ann", "Loves Paris", input_tokens=50, output_tokens=7)

    first = await agent.arun("I am Ann and I love Paris.", user_id="ann")

    assert first.status is RunStatus.completed, first.error
    [request] = memory_requests(mock_model)
    schema = request.json["response_format"]
    assert schema["type"] == "json_schema"
    assert schema["json_schema"]["name"] == "_MemoryExtraction"
    assert "user: I am Ann and I love Paris." in messages(request)[-1]["content"]
    assert "assistant: Nice to meet you, Ann." in messages(request)[-1]["content"]
    memory = entry(first.metrics, "memory_model", WEATHER_MODEL)
    assert (memory.requests, memory.input_tokens, memory.output_tokens) == (1, 50, 7)
    assert first.metrics.total_tokens == 26 + 57 == model_token_sum(first.metrics)
    assert await db.aget_memories("ann") == ["Name is Ann", "Loves Paris"]
    assert await db.aget_memories("bob") == []
    polled = await agent.aget_run_output(run_id=first.run_id, session_id=first.session_id)
    assert polled is not None and polled.metrics == first.metrics

    # a later run of the same user sees the memories; a known one is not stored twice
    reply(mock_model, "Paris is lovely, Ann.", model=WEATHER_MODEL)
    remember(mock_model, "Name is Ann", "Works at night")
    await agent.arun("Any tips?", user_id="ann")

    later = run_requests(mock_model)[-1]
    memories = "<memories_from_previous_interactions>\n- Name is Ann\n- Loves Paris\n"
    assert memories in system_text(later)
    known = messages(memory_requests(mock_model)[-1])[-1]["content"]
    assert "Known memories:\n- Name is Ann\n- Loves Paris" in known
    assert [m.memory for m in agent.get_user_memories("ann")] == [
        "Name is Ann",
        "Loves Paris",
        "Works at night",
    ]

    # another user's run sees none of them
    reply(mock_model, "Hello.", model=WEATHER_MODEL)
    remember(mock_model)
    await agent.arun("Hi", user_id="bob")
    first = messages(run_requests(mock_model)[-1])[0]
    assert first["role"] == "developer"  # Agno's words for a user with no memories yet
    assert "have not had any interactions with the user yet" in first["content"]
    assert "Name is Ann" not in first["content"]
    assert await db.aget_memories("bob") == []


async def test_team_extracts_memories_with_the_leader_model(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(db=db, update_memory_on_run=True)
    delegate(mock_model, "weather", "Weather in Paris?", input_tokens=30, output_tokens=5)
    reply(mock_model, "Sunny.", model=WEATHER_MODEL, input_tokens=12, output_tokens=2)
    reply(mock_model, "Sunny in Paris, Ann.", input_tokens=44, output_tokens=6)
    remember(mock_model, "Name is Ann", input_tokens=60, output_tokens=4)

    result = await team.arun("I am Ann. Weather in Paris?", user_id="ann")

    assert result.status is RunStatus.completed, result.error
    [request] = memory_requests(mock_model)
    assert request.model == LEADER
    conversation = messages(request)[-1]["content"]
    assert "user: I am Ann. Weather in Paris?" in conversation
    assert "assistant: Sunny in Paris, Ann." in conversation
    details = result.metrics.details
    assert [(e.id, e.total_tokens) for e in details["memory_model"]] == [(LEADER, 64)]
    assert [e.total_tokens for e in details["model"]] == [35 + 50]
    assert [e.total_tokens for e in details["member_model"]] == [14]
    assert result.metrics.total_tokens == 35 + 50 + 14 + 64 == model_token_sum(result.metrics)
    assert [m.memory for m in await team.aget_user_memories("ann")] == ["Name is Ann"]

    reply(mock_model, "Hello again, Ann.")
    remember(mock_model)
    await team.arun("Hello!", user_id="ann")

    leader = run_requests(mock_model)[-1]
    assert leader.model == LEADER
    system = system_text(leader)
    assert system.startswith("<team>\nYou lead a team")
    assert "<memories_from_previous_interactions>\n- Name is Ann" in system


async def test_member_memories_are_counted_as_member_usage(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team(member_kwargs={"update_memory_on_run": True})
    delegate(mock_model, "weather", "Ann asks: weather in Paris?", input_tokens=30, output_tokens=5)
    reply(mock_model, "Sunny.", model=WEATHER_MODEL, input_tokens=12, output_tokens=2)
    remember(mock_model, "Asks about Paris", input_tokens=21, output_tokens=3)
    reply(mock_model, "Sunny.", input_tokens=40, output_tokens=2)

    result = await team.arun("Weather in Paris?", user_id="ann")

    [member_memory] = memory_requests(mock_model)
    assert member_memory.model == WEATHER_MODEL
    [member] = result.member_responses
    assert entry(member.metrics, "memory_model", WEATHER_MODEL).total_tokens == 24
    assert member.metrics.total_tokens == 14 + 24
    assert entry(result.metrics, "member_memory_model", WEATHER_MODEL).total_tokens == 24
    assert result.metrics.total_tokens == 35 + 42 + 14 + 24 == model_token_sum(result.metrics)
    assert [m.memory for m in await team.aget_user_memories("ann")] == ["Asks about Paris"]


async def test_without_a_db_there_is_no_memory_call(mock_model: MockOpenAI) -> None:
    agent = Agent(model=chat(WEATHER_MODEL), update_memory_on_run=True, db=None)
    reply(mock_model, "Hi.", model=WEATHER_MODEL)

    without_db = await agent.arun("Hi", user_id="ann")

    assert without_db.status is RunStatus.completed  # no db: no memory call at all
    assert memory_requests(mock_model) == []


async def test_memory_model_error_keeps_the_answer(
    mock_model: MockOpenAI, make_team: TeamMaker
) -> None:
    team = make_team(update_memory_on_run=True)
    reply(mock_model, "Hello.", input_tokens=10, output_tokens=2)
    mock_model.add_error(400, "memory model broke", match=is_memory)

    result = await team.arun("Hi", user_id="ann")

    assert result.status is RunStatus.completed, result.error
    assert result.content == "Hello."
    assert "memory_model" not in result.metrics.details
    assert result.metrics.total_tokens == 12
    assert [m.memory for m in await team.aget_user_memories("ann")] == []


async def test_team_history_replays_previous_team_runs(
    mock_model: MockOpenAI, make_team: TeamMaker, db: SqlDb
) -> None:
    team = make_team(
        db=db, add_history_to_context=True, num_history_runs=1, store_member_responses=True
    )
    delegate(mock_model, "weather", "Member task: Paris weather")
    reply(mock_model, "Sunny.", model=WEATHER_MODEL)
    reply(mock_model, "It is sunny in Paris.")
    first = await team.arun("How is Paris?")
    reply(mock_model, "You asked about Paris.")
    second = await team.arun("What did I ask?")
    reply(mock_model, "You asked what you asked.")
    await team.arun("And before that?")

    leader = [r for r in run_requests(mock_model) if r.model == LEADER]
    replayed = messages(leader[2])
    assert [m["role"] for m in replayed] == [
        *("developer", "user", "assistant", "tool", "assistant"),  # the first run
        "user",
    ]
    assert replayed[1]["content"] == "How is Paris?"
    assert replayed[2]["tool_calls"][0]["function"]["name"] == DELEGATE
    assert replayed[3]["content"] == "Sunny."
    assert replayed[4]["content"] == "It is sunny in Paris."
    assert [m["content"] for m in messages(leader[3])[1:]] == [
        "What did I ask?",
        "You asked about Paris.",
        "And before that?",
    ]
    # member runs are never replayed to the leader
    assert all("Member task" not in json.dumps(m) for m in messages(leader[3]))
    assert first.session_id == second.session_id


async def test_no_history_unless_asked(mock_model: MockOpenAI, make_team: TeamMaker) -> None:
    team = make_team()
    reply(mock_model, "One.")
    reply(mock_model, "Two.")
    await team.arun("First")
    await team.arun("Second")

    assert [m["role"] for m in messages(mock_model.requests[-1])] == ["developer", "user"]
