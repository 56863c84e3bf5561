"""The other process of the cross-process cancel benchmark.

Usage: ``python benchmarks/_cancel_worker.py DB_FILE``. Prints ``ready``, then for every run id
read from stdin starts a background run with that id on the shared SQLite file (its model call
lasts 30 s on this process's own mock) and prints ``submitted``. Exits when stdin closes, after
its runs have ended (cancelled by the benchmark process).
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("OPENAI_API_KEY", "sk-agno-bench")


async def main(db_file: str) -> None:
    from agno_core.agent import Agent
    from agno_core.db.sqlite import SqliteDb
    from agno_core.models.openai import OpenAIChat
    from benchmarks._harness import SLOW, script_mock
    from pytest_agno.mock import MockOpenAI

    with MockOpenAI() as mock:
        script_mock(mock)
        agent = Agent(name="worker", model=OpenAIChat(id=SLOW), db=SqliteDb(db_file=db_file))
        loop = asyncio.get_running_loop()
        print("ready", flush=True)
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            await agent.arun("hi", run_id=line.strip(), background=True)
            print("submitted", flush=True)
        await agent.adrain(timeout=60)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
