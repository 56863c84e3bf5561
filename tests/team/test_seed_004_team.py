"""Seed 004's team: ``cookbook/09_evals/performance/team_response_with_memory_simple.py``.

Only the team is run here (the `PerformanceEval` around it is tested with the eval package): a
weather agent with a ``get_weather`` tool, memory and history, led by a team with memory and
history, streamed with events, on PostgreSQL, offline on the mock. Changes to the seed: the
imports, the db URL (the ``pg_url`` fixture), a seeded ``random.Random`` instead of the module's,
and the stream is consumed (a stream nobody iterates runs nothing) while noting the event names.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from agno_core.agent import Agent
from agno_core.db.postgres import PostgresDb
from agno_core.models.openai import OpenAIChat
from agno_core.run.base import RunStatus
from agno_core.team import Team
from tests.team.team_helpers import DELEGATE, is_memory, messages, system_text, tool_names

if TYPE_CHECKING:
    from pytest_agno.mock import MockOpenAI, RecordedRequest

ITERATIONS = 5
RANDOM_SEED = 4

cities = [
    "New York",
    "Los Angeles",
    "Chicago",
    "Houston",
    "Miami",
    "San Francisco",
    "Seattle",
    "Boston",
    "Washington D.C.",
    "Atlanta",
    "Denver",
    "Las Vegas",
]


def get_weather(city: str) -> str:
    """Get the weather for the given city.

    Args:
        city (str): The city to get weather for.
    """
    return f"The weather in {city} is sunny."


def build(db_url: str, seen: list[str]) -> tuple[Team, Agent, Any]:
    """The seed's module level: db, agent, team and ``run_team``."""
    db = PostgresDb(db_url=db_url)

    weather_agent = Agent(
        model=OpenAIChat(id="gpt-5.2"),
        tools=[get_weather],
        db=db,
        update_memory_on_run=True,
        add_history_to_context=True,
        stream_events=True,
    )

    team = Team(
        members=[weather_agent],
        model=OpenAIChat(id="gpt-5.2"),
        db=db,
        update_memory_on_run=True,
        add_history_to_context=True,
    )

    rng = random.Random(RANDOM_SEED)

    async def run_team() -> str:
        random_city = rng.choice(cities)
        async for event in team.arun(
            input=f"I love {random_city}! What weather can I expect in {random_city}?",
            stream=True,
            stream_events=True,
        ):
            seen.append(event.event)
        return "Successfully ran team"

    return team, weather_agent, run_team


def is_leader(request: RecordedRequest) -> bool:
    return DELEGATE in tool_names(request) and not is_memory(request)


def is_member(request: RecordedRequest) -> bool:
    return "get_weather" in tool_names(request) and not is_memory(request)


def script(mock: MockOpenAI, member_id: str) -> list[str]:
    """One team run per iteration: leader -> member (tool, answer, memory) -> leader -> memory.

    Leader, member and memory calls all use gpt-5.2, so replies are routed by what the request
    offers: the delegation tool (leader), ``get_weather`` (member), the memory schema (memory).
    """
    rng = random.Random(RANDOM_SEED)
    chosen = []
    for _ in range(ITERATIONS):
        city = rng.choice(cities)
        chosen.append(city)
        task = {"member_id": member_id, "task": f"What weather can I expect in {city}?"}
        mock.add_tool_call(DELEGATE, task, match=is_leader, input_tokens=90, output_tokens=20)
        mock.add_tool_call("get_weather", {"city": city}, match=is_member)
        mock.add_text(f"It is sunny in {city}.", match=is_member)
        mock.add_json({"memories": [f"Asks about weather in {city}"]}, match=is_memory)
        mock.add_text(f"Expect sunshine in {city}!", match=is_leader)
        mock.add_json({"memories": [f"Loves {city}"]}, match=is_memory)
    return chosen


async def test_seed_004_team_runs_with_memory_history_and_events(
    mock_model: MockOpenAI, pg_url: str
) -> None:
    seen: list[str] = []
    team, weather_agent, run_team = build(pg_url, seen)
    chosen = script(mock_model, weather_agent.id)

    for _ in range(ITERATIONS):
        assert await run_team() == "Successfully ran team"

    # every scripted reply was used: 6 model calls per team run
    assert mock_model.pending == []
    assert len(mock_model.requests) == 6 * ITERATIONS
    assert mock_model.unanswered == []
    assert all(r.stream for r in mock_model.requests if not is_memory(r))
    # the runs are stored, all completed; each member run is its own row, linked to its team run
    assert team.db is not None
    every = await team.db.aget_session_runs(team.session_id or "", top_level_only=False)
    assert all(run.status is RunStatus.completed for run in every), [r.error for r in every]
    runs = [run for run in every if run.parent_run_id is None]
    members = [run for run in every if run.parent_run_id is not None]
    assert len(runs) == len(members) == ITERATIONS
    assert {m.parent_run_id for m in members} == {r.run_id for r in runs}
    assert [run.content for run in runs] == [f"Expect sunshine in {city}!" for city in chosen]
    for run in runs:
        details = run.metrics.details
        assert {"model", "member_model", "memory_model", "member_memory_model"} <= set(details)
        assert run.metrics.total_tokens == sum(e.total_tokens for e in run.metrics.model_entries())
    # events: team and member events of every run, member tool calls included
    assert seen.count("TeamRunStarted") == seen.count("TeamRunCompleted") == ITERATIONS
    assert seen.count("RunStarted") == seen.count("RunCompleted") == ITERATIONS
    assert seen.count("ToolCallCompleted") == ITERATIONS
    assert seen.count("TeamMemoryUpdateCompleted") == ITERATIONS
    assert seen.count("MemoryUpdateCompleted") == ITERATIONS
    # memories were stored (once each) and reach later runs, the leader's and the member's
    memories = [m.memory for m in await team.aget_user_memories()]
    expected = [m for c in chosen for m in (f"Asks about weather in {c}", f"Loves {c}")]
    assert memories == list(dict.fromkeys(expected))
    leader_requests = [r for r in mock_model.requests if is_leader(r)]
    member_requests = [r for r in mock_model.requests if is_member(r)]
    assert "Memories about the user" not in system_text(leader_requests[0])
    assert f"- Loves {chosen[0]}" in system_text(leader_requests[-2])
    assert f"- Asks about weather in {chosen[0]}" in system_text(member_requests[-2])
    # history: the last run's leader sees the previous three runs (num_history_runs=3)
    last_first_call = leader_requests[-2]
    users = [m["content"] for m in messages(last_first_call) if m["role"] == "user"]
    assert users == [f"I love {c}! What weather can I expect in {c}?" for c in chosen[-4:]]
