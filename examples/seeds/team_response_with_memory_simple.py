"""Seed 004 (evals/performance/team_response_with_memory_simple.py): memory growth of team runs.

PerformanceEval runs a team (a weather agent with a tool, memory and history) five times with
memory growth tracking: tracemalloc stays on across iterations and consecutive snapshots are
diffed by line. Unlike Agno's cookbook version, ``run_team`` iterates the event stream, so the
team run really executes in every iteration.

Run it offline: ``python -m examples.seeds.team_response_with_memory_simple --mock``.
"""

import asyncio
import random

from agno_core.agent import Agent
from agno_core.eval.performance import PerformanceEval
from agno_core.models.openai import OpenAIChat
from agno_core.team.team import Team
from examples.seeds._db import seed_db

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

db = seed_db()


def get_weather(city: str) -> str:
    """Get the weather for a city.

    Args:
        city: The city to get the weather for.
    """
    return f"The weather in {city} is sunny."


weather_agent = Agent(
    id="weather_agent",
    model=OpenAIChat(id="gpt-5.2"),
    role="Weather Agent",
    description="You are a helpful assistant that can answer questions about the weather.",
    instructions="Be concise, reply with one sentence.",
    tools=[get_weather],
    db=db,
    update_memory_on_run=True,
    add_history_to_context=True,
    stream_events=True,
)

team = Team(
    members=[weather_agent],
    model=OpenAIChat(id="gpt-5.2"),
    instructions="Be concise, reply with one sentence.",
    db=db,
    markdown=True,
    update_memory_on_run=True,
    add_history_to_context=True,
)


async def run_team() -> str:
    random_city = random.choice(cities)
    async for _ in team.arun(
        input=f"I love {random_city}! What weather can I expect in {random_city}?",
        stream=True,
        stream_events=True,
    ):
        pass
    return "Successfully ran team"


team_response_with_memory_impact = PerformanceEval(
    name="Team Memory Impact",
    func=run_team,
    num_iterations=5,
    warmup_runs=0,
    measure_runtime=False,
    debug_mode=True,
    memory_growth_tracking=True,
)

if __name__ == "__main__":
    from examples.seeds._mock import maybe_mock

    with maybe_mock():
        asyncio.run(team_response_with_memory_impact.arun(print_results=True, print_summary=True))
