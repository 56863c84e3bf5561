"""Seed 001 (agents/background_execution_metrics.py): a background run's metrics, read back.

Run it offline: ``python -m examples.seeds.background_execution_metrics --mock``.
"""

import asyncio
from pprint import pprint

from agno_core.agent import Agent
from agno_core.models.openai import OpenAIChat
from agno_core.run.base import RunStatus
from agno_core.tools.yfinance import YFinanceTools
from examples.seeds._db import seed_db

db = seed_db()

agent = Agent(
    name="BackgroundMetricsAgent",
    model=OpenAIChat(id="gpt-4o-mini"),
    tools=[YFinanceTools(enable_stock_price=True)],
    db=db,
)


async def main() -> None:
    run_output = await agent.arun(
        "What is the stock price of AAPL?",
        background=True,
    )

    result = None
    for i in range(30):
        await asyncio.sleep(1)
        result = await agent.aget_run_output(
            run_id=run_output.run_id,
            session_id=run_output.session_id,
        )
        if result and result.status in (RunStatus.completed, RunStatus.error):
            break

    if result is None or result.metrics is None:
        print("No result")
        return
    pprint(result.metrics)

    for model_type, model_metrics_list in result.metrics.details.items():
        print(f"{model_type}:")
        for m in model_metrics_list:
            pprint(m)

    session_metrics = agent.get_session_metrics()
    pprint(session_metrics)


if __name__ == "__main__":
    from examples.seeds._mock import maybe_mock

    with maybe_mock():
        asyncio.run(main())
