"""Foreground runs against the floor: agent (SQLite, no db), team, polling, session growth."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from benchmarks._harness import Loop, Paired
from benchmarks._peers import IMPLS, make_agent, make_team, require, sqlite_db

# Operations per round and timed rounds; one figure costs about calls * rounds * (run + floor).
CALLS = 10
ROUNDS = 15


def test_floor(paired: Paired) -> None:
    """The bare SDK call, with itself as the interleaved reference (the ratio shows the noise)."""

    async def subject() -> None:
        await paired.floor(CALLS)

    paired.run(subject, figure="floor", impl="sdk", calls=CALLS, rounds=ROUNDS * 2)


@pytest.mark.parametrize("impl", IMPLS)
def test_agent_run_sqlite(paired: Paired, impl: str, bench_dir: Path) -> None:
    """``await agent.arun(...)`` stored in SQLite; a new session per run (session size 1)."""
    require(impl)
    agent = make_agent(impl, db=sqlite_db(impl, bench_dir / f"{impl}-runs.db"))

    async def subject() -> None:
        for _ in range(CALLS):
            await agent.arun("hi", session_id=str(uuid.uuid4()))

    paired.run(subject, figure="agent_run_sqlite", impl=impl, calls=CALLS, rounds=ROUNDS)


def test_agent_run_sqlite_in_the_worker_thread(paired: Paired, bench_dir: Path) -> None:
    """The same with ``SqliteDb(commit_on_loop=False)``: every write handed to aiosqlite's
    worker thread and back (what committing on the loop saves)."""
    db = sqlite_db("agno_core", bench_dir / "worker-runs.db", commit_on_loop=False)
    agent = make_agent("agno_core", db=db)

    async def subject() -> None:
        for _ in range(CALLS):
            await agent.arun("hi", session_id=str(uuid.uuid4()))

    paired.run(
        subject, figure="agent_run_sqlite_worker", impl="agno_core", calls=CALLS, rounds=ROUNDS
    )


@pytest.mark.parametrize("impl", IMPLS)
def test_agent_run_nodb(paired: Paired, impl: str) -> None:
    """``await agent.arun(...)`` with no db."""
    require(impl)
    agent = make_agent(impl)

    async def subject() -> None:
        for _ in range(CALLS):
            await agent.arun("hi")

    paired.run(subject, figure="agent_run_nodb", impl=impl, calls=CALLS, rounds=ROUNDS)


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("storage", ["nodb", "sqlite"])
def test_team_run(paired: Paired, impl: str, storage: str, bench_dir: Path) -> None:
    """A team run with one member and one delegation: 3 model calls (leader, member, leader),
    against 3 floor calls per run."""
    require(impl)
    db = sqlite_db(impl, bench_dir / f"{impl}-team.db") if storage == "sqlite" else None
    team = make_team(impl, db=db)
    calls = CALLS // 2

    async def subject() -> None:
        for _ in range(calls):
            out = await team.arun("hi", session_id=str(uuid.uuid4()))
            if len(out.member_responses) != 1:
                raise RuntimeError(f"{impl}: the team did not delegate once: {out.content!r}")

    paired.run(
        subject,
        figure=f"team_run_{storage}",
        impl=impl,
        calls=calls,
        rounds=ROUNDS,
        floor_calls_per_op=3,
    )


def test_team_requests_on_the_bare_sdk(
    paired: Paired, sdk: Any, mock: Any, bench_loop: Loop
) -> None:
    """The three requests agno_core's team run sends (leader with the delegation tool, member,
    leader with the tool result), sent as bare SDK calls: how much of the team figure is the
    SDK's own cost for requests larger than the floor's one message."""
    team = make_team("agno_core")
    before = len(mock.requests)
    bench_loop.run(team.arun("hi"))
    requests = [request.json for request in mock.requests[before:]]
    if len(requests) != 3:
        raise RuntimeError(f"the team made {len(requests)} model calls, not 3")
    calls = CALLS // 2

    async def subject() -> None:
        for _ in range(calls):
            for body in requests:
                await sdk.chat.completions.create(**body)

    paired.run(
        subject,
        figure="team_requests_sdk",
        impl="sdk",
        calls=calls,
        rounds=ROUNDS,
        floor_calls_per_op=3,
    )


def _posted(sdk: Any, bodies: list[dict[str, Any]], calls: int) -> Callable[[], Awaitable[None]]:
    """``calls`` rounds of ``bodies`` posted the way agno_core posts them: the SDK's
    ``client.post`` with ``create``'s options, without ``create``'s parameter walk."""
    from openai._base_client import make_request_options
    from openai.types.chat import ChatCompletion

    async def reference() -> None:
        for _ in range(calls):
            for body in bodies:
                await sdk.post(
                    "/chat/completions",
                    body=body,
                    cast_to=ChatCompletion,
                    options=make_request_options(security={"bearer_auth": True}),
                )

    return reference


def _vs_posted(
    paired: Paired, sdk: Any, mock: Any, bench_loop: Loop, runner: Any, figure: str, calls: int
) -> None:
    """``runner`` on its own requests posted as agno_core posts them (no SDK parameter walk on
    either side): the runtime's own cost, apart from the SDK's."""

    async def run_once() -> Any:
        return await runner.arun("hi", session_id=str(uuid.uuid4()))

    before = len(mock.requests)
    bench_loop.run(run_once())
    bodies = [request.json for request in mock.requests[before:]]

    async def subject() -> None:
        for _ in range(calls):
            await run_once()

    paired.run(
        subject,
        figure=figure,
        impl="agno_core",
        calls=calls,
        rounds=ROUNDS,
        reference=_posted(sdk, bodies, calls),
        reference_label=f"its {len(bodies)} request(s) posted",
    )


def test_agent_run_sqlite_vs_posted(
    paired: Paired, sdk: Any, mock: Any, bench_loop: Loop, bench_dir: Path
) -> None:
    """The agent on SqliteDb against its own request posted as agno_core posts it."""
    agent = make_agent("agno_core", db=sqlite_db("agno_core", bench_dir / "posted-runs.db"))
    _vs_posted(paired, sdk, mock, bench_loop, agent, "agent_run_sqlite_vs_posted", CALLS)


def test_team_run_sqlite_vs_posted(
    paired: Paired, sdk: Any, mock: Any, bench_loop: Loop, bench_dir: Path
) -> None:
    """The team on SqliteDb against its own three requests posted as agno_core posts them."""
    team = make_team("agno_core", db=sqlite_db("agno_core", bench_dir / "posted-team.db"))
    _vs_posted(paired, sdk, mock, bench_loop, team, "team_run_sqlite_vs_posted", CALLS // 2)


@pytest.mark.parametrize("impl", IMPLS)
def test_poll_run_output(paired: Paired, impl: str, bench_dir: Path, bench_loop: Loop) -> None:
    """``await agent.aget_run_output(run_id, session_id)`` of a completed run, in a session of
    10 runs."""
    require(impl)
    agent = make_agent(impl, db=sqlite_db(impl, bench_dir / f"{impl}-poll.db"))
    session_id = str(uuid.uuid4())

    async def fill() -> Any:
        out = None
        for _ in range(10):
            out = await agent.arun("hi", session_id=session_id)
        return out

    last = bench_loop.run(fill())

    async def subject() -> None:
        for _ in range(CALLS * 2):
            got = await agent.aget_run_output(run_id=last.run_id, session_id=session_id)
            if got is None or got.content != "ok":
                raise RuntimeError(f"{impl}: the poll did not return the run")

    paired.run(subject, figure="poll", impl=impl, calls=CALLS * 2, rounds=ROUNDS)


# -- per-run cost as one session grows --------------------------------------------------------


@dataclass
class _GrowingSession:
    """One agent, one session, runs appended one after another."""

    run: Callable[[str], Awaitable[Any]]
    session_id: str
    done: int = 0

    async def runs(self, n: int) -> None:
        for _ in range(n):
            await self.run(self.session_id)
            self.done += 1


_sessions: dict[str, _GrowingSession] = {}


def _session(impl: str, bench_dir: Path) -> _GrowingSession:
    if impl not in _sessions:
        agent = make_agent(impl, db=sqlite_db(impl, bench_dir / f"{impl}-growth.db"))

        async def run(session_id: str) -> Any:
            return await agent.arun("hi", session_id=session_id)

        _sessions[impl] = _GrowingSession(run=run, session_id=str(uuid.uuid4()))
    return _sessions[impl]


WINDOW_ROUNDS = 10  # a window of 100 runs: 10 rounds of CALLS runs


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("window", ["1_100", "901_1000"])
def test_session_growth(
    paired: Paired, impl: str, window: str, bench_dir: Path, bench_loop: Loop
) -> None:
    """Runs 1-100, then runs 901-1000, of one session (SQLite): the per-run cost must stay flat."""
    require(impl)
    session = _session(impl, bench_dir)
    first = 1 if window == "1_100" else 901
    if session.done >= first:  # run out of order: start a fresh session
        _sessions.pop(impl)
        session = _session(impl, bench_dir)
    bench_loop.run(session.runs(first - 1 - session.done))  # untimed fill

    async def subject() -> None:
        await session.runs(CALLS)

    paired.run(
        subject,
        figure=f"session_runs_{window}",
        impl=impl,
        calls=CALLS,
        rounds=WINDOW_ROUNDS,
        warmup_rounds=0,
        first_run=first,
    )
