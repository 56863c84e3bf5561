"""Process exit on every path, with db objects the script never closes (DESIGN 3.4, 3.5).

Each path runs in a real Python process on SQLite and on the real PostgreSQL: its stderr must be
free of warnings and tracebacks (shown with ``-W default``; agno_core's own log lines reach
stderr too), and every run it left in the db must be in a terminal state.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.core.exit_scripts import PRELUDE, stored_statuses

TERMINAL = {"COMPLETED", "CANCELLED", "ERROR"}
NOISE = ("Warning", "Traceback", "Exception", "Error", "error", "warning")


@pytest.fixture(params=["sqlite", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """``(kind, where)``: a SQLite file in tmp_path, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return "sqlite", str(tmp_path / "exit.db")
    return "postgres", str(request.getfixturevalue("pg_url"))


def _script(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "script.py"
    path.write_text(PRELUDE + textwrap.dedent(body))
    return path


def _spawn(script: Path, target: tuple[str, str]) -> subprocess.Popen[str]:
    env = {**os.environ, "OPENAI_API_KEY": "sk-exit-test", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-W", "default", str(script), *target],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=script.parent,
    )


def _run(script: Path, target: tuple[str, str]) -> tuple[str, str]:
    proc = _spawn(script, target)
    try:
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    return out, err


def _assert_clean(err: str) -> None:
    noisy = [line for line in err.splitlines() if any(word in line for word in NOISE)]
    assert not noisy, err


def _assert_terminal(target: tuple[str, str], expected: int) -> dict[str, int]:
    statuses = stored_statuses(*target)
    assert sum(statuses.values()) == expected, statuses
    assert set(statuses) <= TERMINAL, statuses
    return statuses


def test_asyncio_run_ending_with_every_run_done(tmp_path: Path, target: tuple[str, str]) -> None:
    script = _script(
        tmp_path,
        """
        async def main():
            with MockOpenAI():
                dbs = [make_db(), make_db(session_table="other_sessions", runs_table="other_runs")]
                agents = [Agent(model=model(), db=db) for db in dbs]
                team = Team(model=model(), members=[Agent(name="m", model=model())], db=dbs[0])
                for agent in agents:
                    for _ in range(3):
                        await agent.arun("hi")
                    await agent.arun("bg", background=True)
                    await agent.adrain()
                    agent.get_session_metrics()  # the sync bridge, from inside the loop
                await team.arun("team question")
                async with make_db(runs_table="closed_runs") as closed:  # closed explicitly
                    await Agent(model=model(), db=closed).arun("hi")
                print("DONE")

        asyncio.run(main())
        """,
    )
    out, err = _run(script, target)

    assert "DONE" in out
    _assert_clean(err)
    # Four runs per agent (on two table sets), the team's run (no member run: not delegated),
    # and the run on the db closed by ``async with``.
    assert _assert_terminal(target, 10) == {"COMPLETED": 10}


def test_dbs_dropped_just_before_asyncio_run_returns(
    tmp_path: Path, target: tuple[str, str]
) -> None:
    # A db made inside a helper coroutine is dropped when it returns; main returning right after
    # made asyncio.run cancel the engine's disposal halfway ("Exception closing connection").
    script = _script(
        tmp_path,
        """
        import gc

        async def ask(question):
            agent = Agent(model=model(), db=make_db())
            return (await agent.arun(question)).status

        async def main():
            with MockOpenAI():
                for i in range(3):
                    print(await ask(f"q{i}"))
                    gc.collect()
                # Their dbs are dropped as main returns.
                print(*await asyncio.gather(*(ask(f"last{i}") for i in range(4))))

        asyncio.run(main())
        """,
    )
    out, err = _run(script, target)

    assert out.count("RunStatus.completed") == 7
    _assert_clean(err)
    assert _assert_terminal(target, 7) == {"COMPLETED": 7}


def test_asyncio_run_ending_with_background_runs_pending(
    tmp_path: Path, target: tuple[str, str]
) -> None:
    script = _script(
        tmp_path,
        """
        async def main():
            with MockOpenAI(default_latency=60) as mock:
                dbs = [make_db() for _ in range(3)]
                agents = [Agent(model=model(), db=db, background_concurrency=2) for db in dbs]
                for agent in agents:
                    for _ in range(3):  # two running, one queued (PENDING)
                        await agent.arun("slow", background=True)
                while len(mock.requests) < 6:
                    await asyncio.sleep(0.01)
                print("LEAVING")

        asyncio.run(main())
        """,
    )
    out, err = _run(script, target)

    assert "LEAVING" in out
    _assert_clean(err)
    assert set(_assert_terminal(target, 9)) == {"ERROR"}


def test_sync_run_in_a_plain_script(tmp_path: Path, target: tuple[str, str]) -> None:
    script = _script(
        tmp_path,
        """
        with MockOpenAI():
            agent = Agent(model=model(), db=make_db())
            other = Agent(model=model(), db=make_db(runs_table="sync_runs"))
            for _ in range(3):
                out = agent.run("hi")
                other.run("hi")
            assert agent.get_run_output(out.run_id) is not None
            print("DONE", out.status.value)
        """,
    )
    out, err = _run(script, target)

    assert "DONE COMPLETED" in out
    _assert_clean(err)
    assert _assert_terminal(target, 6) == {"COMPLETED": 6}


@pytest.mark.parametrize("runs", [1, 3])
def test_sync_streams_still_held_at_exit(
    tmp_path: Path, target: tuple[str, str], runs: int
) -> None:
    # Streams the script never exhausts nor closes, still referenced when the interpreter
    # exits: each run's nested generators are closed in order, the runs end CANCELLED, stored.
    script = _script(
        tmp_path,
        f"""
        mock = MockOpenAI()
        mock.__enter__()
        agent = Agent(model=model(), db=make_db())
        agent.run("a first run, completed")
        streams = []
        for _ in range({runs}):
            mock.add_text("one two three four five six seven")
            streams.append(agent.run("hi", stream=True, stream_events=True))
            print(type(next(streams[-1])).__name__, type(next(streams[-1])).__name__)
        print("LEAVING")
        """,
    )
    out, err = _run(script, target)

    assert "LEAVING" in out
    _assert_clean(err)
    assert _assert_terminal(target, runs + 1) == {"COMPLETED": 1, "CANCELLED": runs}


def test_leaving_a_sync_stream_stores_the_run_before_the_loop_goes_on(
    tmp_path: Path, target: tuple[str, str]
) -> None:
    # `break` out of a stream: the run is CANCELLED in the db as soon as the loop is left, not
    # some time later when the garbage collector's close of the run gets its turn.
    script = _script(
        tmp_path,
        """
        with MockOpenAI() as mock:
            agent = Agent(model=model(), db=make_db())
            for attempt in range(5):
                mock.add_text("one two three four five six seven")
                for event in agent.run("hi", stream=True, stream_events=True):
                    run_id = event.run_id
                    break
                print("STATUS", agent.get_run_output(run_id).status.value)
        """,
    )
    out, err = _run(script, target)

    assert out.count("STATUS CANCELLED") == 5, out
    _assert_clean(err)
    assert _assert_terminal(target, 5) == {"CANCELLED": 5}


def test_a_pytest_session_that_never_closes_its_dbs(
    pytester: pytest.Pytester, target: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    kind, where = target
    pytester.makepyfile(
        textwrap.dedent(
            f"""
            import asyncio
            from pytest_agno.mock import MockOpenAI
            from agno_core.agent import Agent
            from agno_core.models.openai import OpenAIChat

            KIND, WHERE = {kind!r}, {where!r}

            def make_db():
                if KIND == "sqlite":
                    from agno_core.db.sqlite import SqliteDb
                    return SqliteDb(db_file=WHERE)
                from agno_core.db.postgres import PostgresDb
                return PostgresDb(db_url=WHERE)

            def agent():
                return Agent(model=OpenAIChat(id="gpt-4o-mini", max_retries=0), db=make_db())

            def test_sync():
                with MockOpenAI():
                    assert agent().run("hi").status.value == "COMPLETED"

            def test_async_loop():
                async def main():
                    with MockOpenAI(default_latency=30):
                        await agent().arun("left pending", background=True)
                        await asyncio.sleep(0.2)
                asyncio.run(main())
            """
        )
    )
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-exit-test")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "default")

    result.assert_outcomes(passed=2)
    output = result.stdout.str() + result.stderr.str()
    assert "warning" not in output.lower(), output
    assert "Traceback" not in output, output
    statuses = _assert_terminal(target, 2)
    assert statuses == {"COMPLETED": 1, "ERROR": 1}


@pytest.mark.parametrize("api", ["async", "sync"])
def test_sigint_during_a_run(tmp_path: Path, target: tuple[str, str], api: str) -> None:
    script = _script(
        tmp_path,
        """
        import threading

        def watch(mock):
            while not mock.requests:
                time.sleep(0.01)
            print("CALLING", flush=True)

        async def main(mock):
            agent = Agent(model=model(), db=make_db())
            await agent.arun("bg", background=True)
            await agent.arun("fg")

        with MockOpenAI(default_latency=60) as mock:
            threading.Thread(target=watch, args=(mock,), daemon=True).start()
            try:
                if API == "async":
                    asyncio.run(main(mock))
                else:
                    Agent(model=model(), db=make_db()).run("fg")
            except KeyboardInterrupt:
                print("INTERRUPTED", flush=True)
        """.replace("API", repr(api)),
    )
    proc = _spawn(script, target)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("CALLING"), proc.communicate(timeout=30)
        time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()

    assert proc.returncode == 0, err
    assert "INTERRUPTED" in out
    _assert_clean(err)
    statuses = _assert_terminal(target, 2 if api == "async" else 1)
    assert set(statuses) <= {"CANCELLED", "ERROR"}


def test_ctrl_c_in_a_sync_call_lets_the_interrupted_run_finish_storing(tmp_path: Path) -> None:
    # The race behind a run left RUNNING after Ctrl-C in `agent.run()` (seen on PostgreSQL
    # under load): run_sync cancels the run on the bridge loop and the interpreter exits; the
    # exit must wait for the cancelled coroutine's final write before the loop stops. Here
    # that write takes 0.3 s, so losing the race is certain, not a matter of load.
    script = tmp_path / "bridge.py"
    script.write_text(
        textwrap.dedent(
            """
            import asyncio, os, signal, sys, threading

            from agno_core._sync import run_sync

            async def interrupted_run():
                try:
                    await asyncio.sleep(60)
                except asyncio.CancelledError:
                    await asyncio.sleep(0.3)  # the final status being stored
                    with open(sys.argv[1], "w") as stored:
                        stored.write("CANCELLED")
                    raise

            threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
            try:
                run_sync(interrupted_run())
            except KeyboardInterrupt:
                print("INTERRUPTED", flush=True)
            """
        )
    )
    status = tmp_path / "status"

    done = subprocess.run(
        [sys.executable, "-W", "default", str(script), str(status)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout == "INTERRUPTED\n"
    _assert_clean(done.stderr)
    assert status.read_text() == "CANCELLED"
