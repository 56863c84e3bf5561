"""Real processes: a cancel from another process, a process that dies mid-run, loop shutdown."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from agno_core.agent import Agent
from agno_core.db._sql import SqlDb
from agno_core.db.sqlite import SqliteDb
from agno_core.models.openai import OpenAIChat
from agno_core.run import RunStatus

CHILD = textwrap.dedent(
    """
    import asyncio, os, sys
    from pytest_agno.mock import MockOpenAI
    from agno_core.agent import Agent
    from agno_core.models.openai import OpenAIChat

    mode, kind, target, run_id = sys.argv[1:5]
    # A short lease where the process is meant to die; a long one where it must live on
    # (a busy machine can stall a child's loop for a second).
    lease = 10.0 if mode == "drain" else 1.0
    if kind == "sqlite":
        from agno_core.db.sqlite import SqliteDb
        db = SqliteDb(db_file=target, run_lease_seconds=lease)
    else:
        from agno_core.db.postgres import PostgresDb
        db = PostgresDb(db_url=target, run_lease_seconds=lease)
    print("IMPORTED", flush=True)

    async def main():
        with MockOpenAI() as mock:
            mock.add_text("slow answer", latency=60)
            agent = Agent(model=OpenAIChat(id="gpt-4o-mini", max_retries=0), db=db)
            run = await agent.arun("q", background=True, run_id=run_id)
            while not mock.requests:
                await asyncio.sleep(0.01)
            print("CALLING", flush=True)
            if mode == "die":
                os._exit(3)
            if mode == "hang":
                await asyncio.sleep(3600)
            if mode == "leave":
                return  # asyncio.run cancels the background run at shutdown
            await agent.adrain()
            out = await agent.aget_run_output(run.run_id)
            print("FINAL", out.status.value, flush=True)
            mock.reset()

    asyncio.run(main())
    """
)


def _target(db: SqlDb) -> tuple[str, str]:
    if isinstance(db, SqliteDb):
        return "sqlite", str(db.db_file)
    return "postgres", db._url.render_as_string(hide_password=False)


#: The child's imports, before anything the tests time (11-20 s were seen on a loaded CI clone).
IMPORT_TIMEOUT = 180.0


def _popen(tmp_path: Path, mode: str, db: SqlDb, run_id: str) -> subprocess.Popen[str]:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    kind, target = _target(db)
    env = {**os.environ, "OPENAI_API_KEY": "sk-child-test"}
    return subprocess.Popen(
        [sys.executable, str(script), mode, kind, target, run_id],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


async def _spawn(tmp_path: Path, mode: str, db: SqlDb, run_id: str) -> subprocess.Popen[str]:
    """Start the child and wait until its imports are done (a handshake, not a timer)."""
    proc = _popen(tmp_path, mode, db, run_id)
    try:
        await _wait_line(proc, "IMPORTED", timeout=IMPORT_TIMEOUT)
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    return proc


async def _wait_line(proc: subprocess.Popen[str], prefix: str, timeout: float = 30) -> str:
    assert proc.stdout is not None
    line = await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), timeout)
    if not line.startswith(prefix):
        _, err = proc.communicate(timeout=10)
        raise AssertionError(f"child said {line!r}; stderr:\n{err}")
    return line.strip()


async def _poll(agent: Agent, run_id: str, timeout: float) -> tuple[RunStatus, float]:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        out = await agent.aget_run_output(run_id)
        if out is not None and out.status.is_terminal:
            return out.status, time.monotonic() - start
        await asyncio.sleep(0.02)
    raise AssertionError(f"run {run_id} did not end within {timeout}s")


@pytest.fixture
def observer(db: SqlDb) -> Agent:
    return Agent(model=OpenAIChat(id="gpt-4o-mini"), db=db)


async def test_cancel_from_another_process_stops_the_run_within_a_second(
    tmp_path: Path, db: SqlDb, observer: Agent
) -> None:
    run_id = str(uuid.uuid4())
    proc = await _spawn(tmp_path, "drain", db, run_id)
    try:
        await _wait_line(proc, "CALLING")
        asked = time.monotonic()
        assert await observer.acancel_run(run_id) is True
        status, _ = await _poll(observer, run_id, timeout=10)
        latency = time.monotonic() - asked
        assert status is RunStatus.cancelled
        assert latency < 3.0  # the child polls intents every 0.25 s; slack for a busy machine
        assert await _wait_line(proc, "FINAL") == "FINAL CANCELLED"
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()
        proc.communicate()
    out = await observer.aget_run_output(run_id)
    assert out is not None and out.error == f"Run {out.run_id} was cancelled"  # Agno's words


@pytest.mark.parametrize("how", ["os._exit", "SIGKILL"])
async def test_a_run_whose_process_died_is_marked_error(
    tmp_path: Path, db: SqlDb, observer: Agent, how: str
) -> None:
    run_id = str(uuid.uuid4())
    proc = await _spawn(tmp_path, "die" if how == "os._exit" else "hang", db, run_id)
    try:
        await _wait_line(proc, "CALLING")
        if how == "SIGKILL":
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        proc.kill()
        proc.communicate()
    status, _ = await _poll(observer, run_id, timeout=15)
    assert status is RunStatus.error
    out = await observer.aget_run_output(run_id)
    assert out is not None and "lease expired" in (out.error or "")


async def test_leaving_the_event_loop_does_not_leave_runs_running(
    tmp_path: Path, db: SqlDb, observer: Agent
) -> None:
    run_id = str(uuid.uuid4())
    proc = await _spawn(tmp_path, "leave", db, run_id)
    try:
        await _wait_line(proc, "CALLING")
        assert proc.wait(timeout=30) == 0  # and the process exits: no thread keeps it alive
    finally:
        proc.kill()
        _, err = proc.communicate()
    out = await observer.aget_run_output(run_id)
    assert out is not None, err
    assert out.status is RunStatus.error
    assert "event loop shut down" in (out.error or ""), err
