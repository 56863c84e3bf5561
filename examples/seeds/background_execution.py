"""Seed 002 (agents/background_execution.py): background runs, polling, cancellation.

Run it offline: ``python -m examples.seeds.background_execution --mock``.
"""

import asyncio
from uuid import uuid4

from agno_core.agent import Agent
from agno_core.models.openai import OpenAIResponses
from agno_core.run.base import RunStatus
from agno_core.run.cancel import cancel_run
from examples.seeds._db import seed_db

db = seed_db()


async def example_background_run(agent: Agent) -> None:
    run_output = await agent.arun(
        "What is the capital of France? Answer in one sentence.",
        background=True,
    )
    print(f"Run ID: {run_output.run_id}")
    print(f"Status: {run_output.status}")  # RunStatus.pending

    for i in range(30):
        await asyncio.sleep(1)
        result = await agent.aget_run_output(
            run_id=run_output.run_id,
            session_id=run_output.session_id,
        )
        if result and result.status == RunStatus.completed:
            print(f"Completed after {i + 1}s: {result.content}")
            break
        if result and result.status == RunStatus.error:
            print(f"Failed: {result.error}")
            break


async def example_cancel_run(agent: Agent) -> None:
    run_output = await agent.arun("Write 5000 words about the history of Rome.", background=True)
    await asyncio.sleep(2)  # let the run start
    cancelled = await agent.acancel_run(run_id=run_output.run_id)
    print(f"Cancel requested: {cancelled}")
    result = await agent.aget_run_output(run_id=run_output.run_id, session_id=run_output.session_id)
    print(f"Status after cancel: {result.status if result else None}")


async def example_cancel_before_start(agent: Agent) -> None:
    run_id = str(uuid4())
    cancel_run(run_id)  # mark it cancelled before it exists

    run_output = await agent.arun("This won't run.", background=True, run_id=run_id)
    print(f"Status: {run_output.status}")  # RunStatus.cancelled


async def main() -> None:
    agent = Agent(model=OpenAIResponses(id="gpt-5-mini"), db=db)
    await example_background_run(agent)
    await example_cancel_run(agent)
    await example_cancel_before_start(agent)


if __name__ == "__main__":
    from examples.seeds._mock import maybe_mock

    with maybe_mock():
        asyncio.run(main())
