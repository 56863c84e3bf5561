"""What a SQLite run would cost if each write were one worker-thread round trip.

Usage: ``.venv/bin/python benchmarks/profile_one_hop.py``. A diagnostic, not product code: it
subclasses `SqliteDb` so that ``ainsert_run`` and ``aupdate_run`` run their whole transaction as
one function in aiosqlite's worker thread with hand-written SQL, instead of SQLAlchemy's 4-7
round trips, then times ``agent.arun()`` on both against the bare SDK call, round by round. It
leans on aiosqlite's private ``Connection._execute`` and agno_core's private run-store helpers:
it measures the expected gain of the proposed change and is not meant to ship.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("OPENAI_API_KEY", "sk-agno-bench")

from agno_core.db.sqlite import SqliteDb


def _sql_value(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, dict | list) else value


class OneHopSqliteDb(SqliteDb):
    """`SqliteDb` with the two run writes of the engine done in one thread hop each."""

    _raw: Any = None

    async def _connection(self) -> Any:
        import aiosqlite

        if self._raw is None:
            await self._engine()  # creates the schema
            self._raw = await aiosqlite.connect(self.db_file, isolation_level=None)
            await self._raw.execute("PRAGMA journal_mode=WAL")
            await self._raw.execute("PRAGMA synchronous=NORMAL")
        return self._raw

    async def ainsert_run(self, output: Any, *, status: Any, **kwargs: Any) -> None:
        from agno_core.db._runs import PROCESS_TOKEN

        conn = await self._connection()
        values = self._run_values(output, status)
        values.update(run_id=output.run_id, created_at=output.created_at)
        if not status.is_terminal:
            values.update(
                lease_owner=PROCESS_TOKEN, lease_expires_at=time.time() + self.run_lease_seconds
            )
        columns = list(values)
        run_sql = (
            f"INSERT INTO {self.tables.runs.name} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})"
        )
        run_params = tuple(_sql_value(values[c]) for c in columns)
        session: tuple[str, tuple[Any, ...]] | None = None
        if output.session_id not in self._known_sessions:
            session = (
                f"INSERT INTO {self.tables.sessions.name} (session_id, session_type, agent_id, "
                "team_id, user_id, created_at, session_data) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (session_id) DO NOTHING",
                (
                    output.session_id,
                    kwargs.get("session_type", "agent"),
                    output.agent_id,
                    output.team_id,
                    output.user_id,
                    time.time(),
                    "{}",
                ),
            )

        def transaction() -> None:
            raw = conn._conn
            raw.execute("BEGIN")
            try:
                if session is not None:
                    raw.execute(*session)
                raw.execute(run_sql, run_params)
                raw.execute("COMMIT")
            except BaseException:
                raw.execute("ROLLBACK")
                raise

        await conn._execute(transaction)
        self._remember_session(output.session_id)

    async def aupdate_run(self, output: Any, *, status: Any) -> bool:
        from agno_core.db._runs import _FORWARD

        conn = await self._connection()
        values = self._run_values(output, status)
        if status.is_terminal:
            values.update(lease_owner=None, lease_expires_at=None)
        allowed = [s.value for s in _FORWARD[status]]
        sql = (
            f"UPDATE {self.tables.runs.name} SET {', '.join(f'{c} = ?' for c in values)} "
            f"WHERE run_id = ? AND status IN ({', '.join('?' for _ in allowed)})"
        )
        params = (*(_sql_value(v) for v in values.values()), output.run_id, *allowed)
        return bool(await conn._execute(lambda: conn._conn.execute(sql, params).rowcount))

    async def aclose(self) -> None:
        if self._raw is not None:
            await self._raw.close()
            self._raw = None
        await super().aclose()


async def main(rounds: int = 20, calls: int = 10) -> None:
    import openai

    from agno_core.agent import Agent
    from agno_core.models.openai import OpenAIChat
    from benchmarks._harness import FAST, floor_calls, script_mock
    from pytest_agno._mock_openai import MockOpenAI

    with MockOpenAI() as mock, tempfile.TemporaryDirectory() as tmp:
        script_mock(mock)
        client = openai.AsyncOpenAI()
        dbs = {
            "SqliteDb as shipped": SqliteDb(db_file=Path(tmp) / "shipped.db"),
            "one hop per write (prototype)": OneHopSqliteDb(db_file=Path(tmp) / "one-hop.db"),
        }
        agents = {name: Agent(model=OpenAIChat(id=FAST), db=db) for name, db in dbs.items()}
        ratios: dict[str, list[float]] = {name: [] for name in agents}
        for _ in range(rounds + 1):
            for name, agent in agents.items():
                start = time.perf_counter()
                await floor_calls(client, calls)
                floor = time.perf_counter() - start
                start = time.perf_counter()
                for _ in range(calls):
                    await agent.arun("hi", session_id=str(uuid.uuid4()))
                ratios[name].append((time.perf_counter() - start) / floor)
            mock.requests.clear()
        for name, values in ratios.items():
            median = statistics.median(values[1:])  # the first round warms up
            print(f"agent.arun() on {name}: {median:.2f}x the bare SDK call")
        for db in dbs.values():
            await db.aclose()


if __name__ == "__main__":
    asyncio.run(main())
