"""Where a stored run's time goes: driver round trips and CPU per storage operation.

Usage: ``.venv/bin/python benchmarks/profile_storage.py [--n 300]``. Not a benchmark (nothing
here is compared with a peer): a diagnostic that prints, for SQLite and for PostgreSQL (a
throwaway server from the machine's binaries), what each write and read of the run engine costs
in driver round trips (aiosqlite worker-thread hops; psycopg executes, commits and rollbacks) and
in CPU (``time.process_time``, which a loaded machine does not inflate the way it does wall time),
next to one bare SDK call on the mock.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("OPENAI_API_KEY", "sk-agno-bench")

COUNTS: collections.Counter[str] = collections.Counter()


@contextmanager
def counting_round_trips() -> Iterator[None]:
    """Count aiosqlite thread hops and psycopg server round trips while the block runs."""
    import aiosqlite.core
    import psycopg

    patched: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, name: str, label: Callable[..., str]) -> None:
        original = getattr(owner, name)

        async def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
            COUNTS[label(*args)] += 1
            return await original(self, *args, **kwargs)

        patched.append((owner, name, original))
        setattr(owner, name, counted)

    wrap(aiosqlite.core.Connection, "_execute", lambda fn, *a: f"sqlite hop:{fn.__name__}")
    wrap(psycopg.AsyncCursor, "execute", lambda *a: "pg execute")
    wrap(psycopg.AsyncConnection, "commit", lambda *a: "pg commit")
    wrap(psycopg.AsyncConnection, "rollback", lambda *a: "pg rollback")
    try:
        yield
    finally:
        for owner, name, original in patched:
            setattr(owner, name, original)


async def measure(label: str, op: Callable[[Any], Awaitable[Any]], items: list[Any]) -> None:
    COUNTS.clear()
    cpu, wall = time.process_time(), time.perf_counter()
    for item in items:
        await op(item)
    n = len(items)
    cpu_ms = (time.process_time() - cpu) / n * 1e3
    wall_ms = (time.perf_counter() - wall) / n * 1e3
    trips = ", ".join(f"{k} {v / n:.1f}" for k, v in sorted(COUNTS.items())) or "none"
    print(f"  {label:<34} cpu {cpu_ms:6.3f} ms  wall {wall_ms:6.3f} ms  per op: {trips}")


def _output(session_id: str) -> Any:
    from agno_core.models.message import Message
    from agno_core.run.agent import RunOutput
    from agno_core.run.base import RunStatus

    out = RunOutput(
        run_id=str(uuid.uuid4()),
        session_id=session_id,
        agent_id="bench",
        agent_name="bench",
        input="hi",
        model="bench-fast",
        model_provider="OpenAI",
    )
    out.messages = [Message(role="user", content="hi"), Message(role="assistant", content="ok")]
    out.content = "ok"
    out.status = RunStatus.running
    return out


async def profile_db(name: str, db: Any, n: int) -> None:
    from agno_core.run.base import RunStatus

    print(name)
    await db.ainsert_run(_output("warm-up"), status=RunStatus.running, session_type="agent")
    outputs = [_output(str(uuid.uuid4())) for _ in range(n)]

    async def insert(o: Any) -> None:
        await db.ainsert_run(o, status=RunStatus.pending, session_type="agent")

    async def running(o: Any) -> None:
        await db.aupdate_run(o, status=RunStatus.running)

    async def completed(o: Any) -> None:
        await db.aupdate_run(o, status=RunStatus.completed)

    async def read(o: Any) -> None:
        await db.aget_run(o.run_id, o.session_id)

    await measure("insert run (new session)", insert, outputs)
    await measure("update run -> RUNNING", running, outputs)
    await measure("update run -> COMPLETED", completed, outputs)
    await measure("aget_run", read, outputs)
    await db.aclose()


async def main(n: int) -> None:
    import openai

    from agno_core.db.postgres import PostgresDb
    from agno_core.db.sqlite import SqliteDb
    from benchmarks._harness import floor_calls, script_mock
    from pytest_agno.mock import MockOpenAI
    from pytest_agno.postgres import PostgresUnavailable, start_postgres

    with MockOpenAI() as mock, counting_round_trips(), tempfile.TemporaryDirectory() as tmp:
        script_mock(mock)
        client = openai.AsyncOpenAI()

        async def floor(_: Any) -> None:
            await floor_calls(client, 1)

        print("the floor")
        await measure("bare SDK call", floor, list(range(n)))
        mock.requests.clear()
        await profile_db("SqliteDb", SqliteDb(db_file=Path(tmp) / "profile.db"), n)
        try:
            server = start_postgres()
        except PostgresUnavailable as exc:
            print(f"PostgresDb: skipped ({exc})")
            return
        try:
            await profile_db(
                "PostgresDb", PostgresDb(db_url=server.url(server.create_database())), n
            )
        finally:
            server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="operations per figure")
    asyncio.run(main(parser.parse_args().n))
