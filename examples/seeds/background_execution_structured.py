"""Seed 003 (agents/background_execution_structured.py): structured output, concurrent runs.

Run it offline: ``python -m examples.seeds.background_execution_structured --mock``.
"""

import asyncio
import json
from pprint import pprint
from typing import List
from uuid import uuid4

from pydantic import BaseModel, Field

from agno_core.agent import Agent
from agno_core.models.openai import OpenAIResponses
from agno_core.run.base import RunStatus
from examples.seeds._db import seed_db

db = seed_db()


class CityFact(BaseModel):
    city: str = Field(description="Name of the city")
    country: str = Field(description="Country of the city")
    population: int = Field(description="Approximate population")
    fun_fact: str = Field(description="A fun fact about the city")


class CityFactsResponse(BaseModel):
    cities: List[CityFact]


agent = Agent(model=OpenAIResponses(id="gpt-5-mini"), db=db)


async def structured_background_run() -> CityFactsResponse | None:
    run_output = await agent.arun(
        "Give me facts about Tokyo, Paris, and New York.",
        output_schema=CityFactsResponse,
        background=True,
    )
    print(f"Status: {run_output.status}")

    for _ in range(30):
        await asyncio.sleep(1)
        result = await agent.aget_run_output(
            run_id=run_output.run_id, session_id=run_output.session_id
        )
        if result and result.status == RunStatus.completed:
            content = result.content
            if isinstance(content, str):
                content = json.loads(content)
            parsed = CityFactsResponse.model_validate(content)
            pprint(parsed.cities)
            return parsed
    return None


async def concurrent_background_runs() -> dict:
    questions = [
        "What is the tallest mountain?",
        "What is the deepest ocean trench?",
        "What is the longest river?",
    ]

    runs = []
    for question in questions:
        session_id = str(uuid4())
        run_output = await agent.arun(question, background=True, session_id=session_id)
        runs.append(run_output)

    results = {}
    for _attempt in range(30):
        await asyncio.sleep(1)
        for run in runs:
            if run.run_id not in results:
                result = await agent.aget_run_output(run_id=run.run_id, session_id=run.session_id)
                if result and result.status in (RunStatus.completed, RunStatus.error):
                    results[run.run_id] = result
        if len(results) == len(runs):
            break

    for run in runs:
        result = results.get(run.run_id)
        print(f"{run.run_id}: {result.content if result else 'not finished'}")
    return results


async def main() -> None:
    await structured_background_run()
    await concurrent_background_runs()


if __name__ == "__main__":
    from examples.seeds._mock import maybe_mock

    with maybe_mock():
        asyncio.run(main())
