"""Background runs: submit latency, end to end, cancel latency (in process and across processes)
and throughput on PostgreSQL."""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks._harness import AGNO_SLOW, LATENCY_50MS, SLOW, Loop, Paired
from benchmarks._peers import IMPLS, drain, make_agent, postgres_db, require, sqlite_db

ROUNDS = 30


def _is(status: Any, name: str) -> bool:
    return str(getattr(status, "value", status)).lower() == name


@pytest.mark.parametrize("impl", IMPLS)
def test_background_submit(paired: Paired, impl: str, bench_dir: Path) -> None:
    """``await agent.arun(..., background=True)`` on SQLite until it returns the PENDING snapshot
    (the PENDING row written); the run itself finishes untimed, after the round."""
    require(impl)
    agent = make_agent(impl, db=sqlite_db(impl, bench_dir / f"{impl}-bg.db"))
    awaited: list[float] = []

    async def subject() -> None:
        # The round also holds the loop's stop and the first step of the task just started;
        # the caller itself is back after `awaited`.
        start = time.perf_counter()
        out = await agent.arun("hi", background=True, session_id=str(uuid.uuid4()))
        awaited.append(time.perf_counter() - start)
        if not _is(out.status, "pending"):
            raise RuntimeError(f"{impl}: background submit returned {out.status}")

    async def finish() -> None:
        await drain(impl, agent)

    warmup = 2
    paired.run(
        subject,
        figure="bg_submit",
        impl=impl,
        calls=1,
        rounds=ROUNDS,
        warmup_rounds=warmup,
        after=finish,
    )
    if len(awaited) > warmup:  # not when benchmarking is disabled
        paired.benchmark.extra_info["awaited_median"] = statistics.median(awaited[warmup:])


@pytest.mark.parametrize("impl", IMPLS)
def test_background_end_to_end(paired: Paired, impl: str, bench_dir: Path) -> None:
    """Submit, then wait until the run has ended and its final row is written."""
    require(impl)
    agent = make_agent(impl, db=sqlite_db(impl, bench_dir / f"{impl}-bg-e2e.db"))

    async def subject() -> None:
        await agent.arun("hi", background=True, session_id=str(uuid.uuid4()))
        await drain(impl, agent)

    paired.run(subject, figure="bg_end_to_end", impl=impl, calls=1, rounds=ROUNDS)


async def _wait_for(read: Any, status: str, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        out = await read()
        if out is not None and _is(out.status, status):
            return out
        if time.monotonic() > deadline:
            got = None if out is None else out.status
            raise RuntimeError(f"the run did not become {status} within {timeout} s (it is {got})")
        await asyncio.sleep(0.002)


@pytest.mark.parametrize("impl", IMPLS)
def test_cancel_in_process(paired: Paired, impl: str, bench_dir: Path) -> None:
    """From ``await agent.acancel_run(run_id)`` to reading the CANCELLED row, for a background
    run in the middle of its model call. agno_core's mock call would last 30 s; Agno's lasts
    0.5 s because Agno cannot interrupt a model call (its cancel lands when the call returns)."""
    require(impl)
    model = AGNO_SLOW if impl == "agno" else SLOW
    agent = make_agent(impl, model_id=model, db=sqlite_db(impl, bench_dir / f"{impl}-cancel.db"))
    live: dict[str, str] = {}

    async def start() -> None:
        out = await agent.arun("hi", background=True, session_id=str(uuid.uuid4()))
        live.update(run_id=out.run_id, session_id=out.session_id)

        async def read() -> Any:
            return await agent.aget_run_output(run_id=out.run_id, session_id=out.session_id)

        await _wait_for(read, "running")
        await asyncio.sleep(0.1)  # the model call is in flight now

    async def subject() -> None:
        await agent.acancel_run(live["run_id"])

        async def read() -> Any:
            return await agent.aget_run_output(run_id=live["run_id"], session_id=live["session_id"])

        await _wait_for(read, "cancelled")

    async def finish() -> None:
        await drain(impl, agent)

    paired.run(
        subject,
        figure="cancel_in_process",
        impl=impl,
        calls=1,
        rounds=15 if impl == "agno_core" else 5,
        warmup_rounds=1,
        before=start,
        after=finish,
        model_call_latency=0.5 if impl == "agno" else 30.0,
    )


# -- across processes ---------------------------------------------------------------------------

_WORKER = Path(__file__).with_name("_cancel_worker.py")


@pytest.fixture
def cancel_worker(bench_dir: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    db_file = bench_dir / "cross-process.db"
    worker = subprocess.Popen(
        [sys.executable, str(_WORKER), str(db_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    assert worker.stdout is not None
    if worker.stdout.readline().strip() != "ready":
        worker.kill()
        raise RuntimeError("the cancel worker did not start")
    try:
        yield worker, db_file
    finally:
        assert worker.stdin is not None
        worker.stdin.close()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def test_cancel_cross_process(
    paired: Paired, cancel_worker: tuple[subprocess.Popen[str], Path]
) -> None:
    """A background run executing in another process (a worker sharing the SQLite file); from
    ``acancel_run(run_id, db)`` here to reading its CANCELLED row. Agno has no cross-process
    cancel without Redis, so there is no Agno figure."""
    from agno_core.run.cancel import acancel_run

    worker, db_file = cancel_worker
    db = sqlite_db("agno_core", db_file)
    live: dict[str, str] = {}

    async def start() -> None:
        run_id = str(uuid.uuid4())
        assert worker.stdin is not None and worker.stdout is not None
        worker.stdin.write(run_id + "\n")
        worker.stdin.flush()
        await asyncio.get_running_loop().run_in_executor(None, worker.stdout.readline)
        live["run_id"] = run_id
        await _wait_for(lambda: db.aget_run(run_id), "running")
        await asyncio.sleep(0.1)

    async def subject() -> None:
        if not await acancel_run(live["run_id"], db):
            raise RuntimeError("acancel_run did not find the worker's run")
        await _wait_for(lambda: db.aget_run(live["run_id"]), "cancelled")

    paired.run(
        subject,
        figure="cancel_cross_process",
        impl="agno_core",
        calls=1,
        rounds=6,
        warmup_rounds=0,
        before=start,
    )


# -- throughput on PostgreSQL ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def pg_server() -> Iterator[Any]:
    from pytest_agno.postgres import PostgresUnavailable, start_postgres

    try:
        server = start_postgres()
    except PostgresUnavailable as exc:
        pytest.skip(f"no PostgreSQL: {exc}")
    try:
        yield server
    finally:
        server.stop()


CONCURRENCY = 100


@pytest.mark.parametrize("impl", IMPLS)
def test_background_throughput_postgres(
    paired: Paired, impl: str, pg_server: Any, bench_loop: Loop, sdk: Any
) -> None:
    """Background runs with a 50 ms model call and a concurrency limit of 100 on PostgreSQL:
    submit a batch, wait until every run has ended; every run must be stored COMPLETED.
    The reference is the same number of bare SDK calls, 100 at a time, on the same 50 ms mock."""
    require(impl)
    db = postgres_db(impl, pg_server.url(pg_server.create_database()))
    # Both runtimes cap background runs process-wide (default 32): raised to the same limit.
    if impl == "agno":
        from agno.run.concurrency import set_background_max_concurrency

        agent = make_agent(impl, model_id=LATENCY_50MS, db=db)
    else:
        from agno_core.run.concurrency import set_background_max_concurrency

        agent = make_agent(impl, model_id=LATENCY_50MS, db=db, background_concurrency=CONCURRENCY)
    set_background_max_concurrency(CONCURRENCY)
    batch = 300 if impl == "agno_core" else 200
    submitted: list[tuple[str, str]] = []

    async def subject() -> None:
        for _ in range(batch):
            out = await agent.arun("hi", background=True, session_id=str(uuid.uuid4()))
            submitted.append((out.run_id, out.session_id))
        await drain(impl, agent)

    async def floor() -> None:
        slots = asyncio.Semaphore(CONCURRENCY)

        async def call() -> None:
            async with slots:
                await sdk.chat.completions.create(
                    model=LATENCY_50MS, messages=[{"role": "user", "content": "hi"}]
                )

        await asyncio.gather(*(call() for _ in range(batch)))

    try:
        paired.run(
            subject,
            figure="pg_throughput",
            impl=impl,
            calls=batch,
            rounds=3 if impl == "agno_core" else 2,
            reference=floor,
            reference_label="floor (same calls, 100 at a time)",
        )
        completed = bench_loop.run(_count_completed(agent, submitted))
    finally:
        set_background_max_concurrency(None)
        bench_loop.run(_close(impl, db))
    paired.benchmark.extra_info.update(submitted=len(submitted), persisted_completed=completed)
    if completed != len(submitted):
        raise RuntimeError(f"{impl}: only {completed} of {len(submitted)} runs stored COMPLETED")


async def _close(impl: str, db: Any) -> None:
    """Close the db's connections before the server stops."""
    if impl == "agno":
        await db.db_engine.dispose()
    else:
        await db.aclose()


async def _count_completed(agent: Any, runs: list[tuple[str, str]]) -> int:
    slots = asyncio.Semaphore(20)

    async def completed(run_id: str, session_id: str) -> bool:
        async with slots:
            out = await agent.aget_run_output(run_id=run_id, session_id=session_id)
        return out is not None and _is(out.status, "completed")

    return sum(await asyncio.gather(*(completed(r, s) for r, s in runs)))
