"""What the plugin's fixtures cost per test, in a suite as a user runs it.

Usage: ``python benchmarks/plugin_suite.py [--rounds 2] [--write]``. For each kind of test it
generates a fresh project (an empty ``pytest.ini``: no asyncio configuration) with 50 and with 350
copies of one test, runs ``pytest -q`` on it in a subprocess, and takes the slope: (time of 350 -
time of 50) / 300 is the cost of one more test, free of pytest's start-up, collection and the
session's one-time costs (which vary by a second or so on a busy machine: hence the wide gap). The
figure is that slope minus the slope of plain tests (``def test(): pass``), measured in the same
rounds; each time is the best of the rounds. The CPU time the pytest process used (all its
threads, and the processes it started and reaped: the PostgreSQL server the plugin starts, with
its backends) is taken the same way: on a shared machine it moves much less with the load than
wall time does. ``--write`` also puts the table in
``benchmarks/RESULTS.md`` (the section after the ``plugin-suite`` marker, which ``report.py``
keeps; the sections after it stay).

Kinds: ``agent`` (the ``agent`` fixture, one ``arun`` on ``mock_model``, SQLite in the test's tmp
dir), ``team`` (the ``team`` fixture, one ``arun``), ``pg_db`` (an agent on the ``pg_db``
fixture: a database of its own per test, cloned from the session's template, one ``arun``).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (50, 350)
TARGET_MS = 5.0
MARKER = "<!-- plugin-suite -->"
KEPT = "<!-- sections below are kept when the table is regenerated -->"

BODIES = {
    "plain": "def test_{n}():\n    pass\n",
    "agent": (
        "async def test_{n}(agent):\n    assert (await agent.arun('hi')).content == 'Mock reply.'\n"
    ),
    "team": (
        "async def test_{n}(team):\n    assert (await team.arun('hi')).content == 'Mock reply.'\n"
    ),
    "pg_db": (
        "async def test_{n}(agent_factory, pg_db):\n"
        "    agent = agent_factory(db=pg_db)\n"
        "    assert (await agent.arun('hi')).content == 'Mock reply.'\n"
    ),
}


def _project(root: Path, kind: str, size: int) -> Path:
    project = root / f"{kind}-{size}"
    project.mkdir()
    (project / "pytest.ini").write_text("[pytest]\n")
    body = BODIES[kind]
    (project / "test_suite.py").write_text("\n\n".join(body.format(n=n) for n in range(size)))
    return project


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(project: Path, size: int) -> tuple[float, float]:
    """Wall and CPU seconds of one ``pytest -q`` run of ``project``."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    used = _children_cpu() - cpu
    if done.returncode != 0 or f"{size} passed" not in done.stdout:
        raise RuntimeError(f"{project.name} failed:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}")
    return elapsed, used


def measure(rounds: int) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds per extra test, by kind (the best of ``rounds`` for each size)."""
    best: dict[tuple[str, int], tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(rounds):
            for kind in BODIES:
                for size in SIZES:
                    project = Path(tmp) / f"r{round_}"
                    project.mkdir(exist_ok=True)
                    wall, cpu = _run(_project(project, kind, size), size)
                    key = (kind, size)
                    old_wall, old_cpu = best.get(key, (wall, cpu))
                    best[key] = (min(old_wall, wall), min(old_cpu, cpu))
    low, high = SIZES
    return {
        kind: (
            (best[kind, high][0] - best[kind, low][0]) / (high - low),
            (best[kind, high][1] - best[kind, low][1]) / (high - low),
        )
        for kind in BODIES
    }


def table(slopes: dict[str, tuple[float, float]]) -> str:
    plain, plain_cpu = slopes["plain"]
    lines = [
        f"Per-test cost of the plugin's fixtures: `python benchmarks/plugin_suite.py`, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {platform.processor() or 'cpu'}, "
        f"{os.cpu_count()} cores, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}.",
        "",
        "| Test kind | per test | over a plain test | target | CPU per test | CPU over plain |",
        "| --- | ---: | ---: | --- | ---: | ---: |",
        f"| plain `def test(): pass` | {plain * 1e3:.2f} ms | — |  | "
        f"{plain_cpu * 1e3:.2f} ms | — |",
    ]
    for kind in ("agent", "team", "pg_db"):
        wall, cpu = slopes[kind]
        over = (wall - plain) * 1e3
        verdict = "**pass**" if over <= TARGET_MS else "**MISS**"
        lines.append(
            f"| `{kind}` fixture, one `arun` | {wall * 1e3:.2f} ms | {over:.2f} ms | "
            f"<= {TARGET_MS:g} ms: {verdict} | {cpu * 1e3:.2f} ms | "
            f"{(cpu - plain_cpu) * 1e3:.2f} ms |"
        )
    return "\n".join(lines) + "\n"


NOTES = """
- Before, in the same quiet window (main at 4da9ee4, this benchmark, 2 rounds, 2026-12-05 05:58
  UTC, load average 2.4 falling to 0.4): `agent` 7.07 ms, `team` 7.84 ms, `pg_db` 13.95 ms over
  a plain test (CPU over plain 6.77 / 7.57 / 20.67 ms). The same pair earlier that morning, at
  load 14-15 (wall time there is mostly waiting for a core): before 18.07 / 10.57 / 39.14 ms
  wall, 7.58 / 6.36 / 23.70 ms CPU; after the mock and SQLite-engine changes below 6.23 / 9.78 /
  60.64 ms wall, 4.42 / 5.59 / 24.28 ms CPU. Wall figures move by several ms between runs
  under load; the CPU column by a few tenths.
- What changed (issue 14, item 5, second pass): `mock_model` no longer uses respx, whose start
  built a dozen `unittest.mock` patches per test (~1 ms CPU): the mock patches the two methods
  of httpx's and httpx2's default transports (`pytest_agno/mock/_scripted_transport.py`); a
  missing httpx2 (openai 2.x) is looked up once per process instead of a failed import per
  test; a `SqliteDb` engine (one per event loop: per test) no longer learns its dialect from
  its first connection and registers SQLAlchemy's two SQL functions with the pragmas: one
  round trip to aiosqlite's thread instead of eight; `sqlite_db` copies the template to a file
  of the test's own instead of a folder made and removed per test; `mock_model` sets the dummy
  key itself (one fixture less per test). After the table: the SQLite writer reads its settings
  on the loop when it is opened (one round trip fewer); measured at load 11 (06:24 UTC), CPU over
  plain 4.73 / 4.67 / 20.32 ms (`agent` / `team` / `pg_db`), wall not comparable at that load.
- Before the third pass, where an `agent` test's ~5.8 ms of CPU went (slopes of suites built for
  the purpose and in-process loops, measured under load 10-15, so +-0.3 ms each): pytest's own
  per-test work ~0.5 and pytest-asyncio's loop ~0.5 (as for any async test); the fixtures' setup
  ~1.2 (six fixtures, the SQLite copy); the run on a fresh loop without a db ~1.3 (of which the
  SDK client per loop ~0.2; a second run on the same loop costs 1.0); the db ~1.6 (an engine per
  loop, aiosqlite's connection thread with ~5 hops to it, the writer's settings, disposal at loop
  shutdown); garbage collection ~0.4. Sharing the engine, its connection or the loop between tests
  would remove most of the db's share; the per-test isolation rules it out.
- Third pass (issue 14 items 5 and 6, branch plugin-cost2), measured only on a loaded machine:
  main (52ba3ba) and the branch alternated, one round each, six pairs between 09:08 and 09:21
  UTC 2026-12-05, load average (1 min) 17 falling to 6 and back to 13. CPU over a plain test,
  medians of six: `agent` 5.48 -> 3.88 ms, `team` 5.53 -> 4.07 ms, `pg_db` 25.6 -> 26.1 ms
  (unchanged, within noise). Wall time over plain moved by 3-12 ms between runs of the same
  code at that load (medians: `agent` 7.6 vs 8.0 ms, `team` 10.1 vs 9.7): not a measurement of
  the change, so whether the 5 ms wall target is met on a quiet machine is not measured yet
  (before, quietly, wall over plain was within 0.1 ms of CPU over plain). In-process, a
  simulated test (a loop, a copied database, one `arun`, closing; `agent` on SQLite), main vs
  branch alternated four times at load 17: 3.29 -> 2.00 ms CPU, 3.9 -> 2.1 ms wall (medians).
  What changed: the run's SQLite writer is a `sqlite3` connection opened on the loop when that
  cannot wait (`agno_core/db/_sqlite_loop_conn.py`), with 4 pragmas and no read-back; its
  worker thread starts only if a write has to wait; the SQLAlchemy engine is made only when
  something reads (statements compile for a dialect known without one), so a run that only
  writes starts no aiosqlite thread and makes no engine; the writer is closed on the loop when
  the file is in RAM (tmpfs), else in its thread; `agno_db` copies the template itself (one
  fixture layer less); a db object no longer deep-copies its table names. Item 6: the OpenAI
  warm-up ends with a full `gc.collect()`, so the collector's debt from imports and the
  warm-up (a full collection walks every object: tens of ms with the SDK loaded) is paid
  before the first run's clock starts, not inside it. Measured GC in the suite after that: no
  full collection in 180 agent tests, young generations ~0.08 ms a test.
- `pg_db` (CPU includes the server the plugin starts, a child of the pytest process): about
  10 ms per test is the server cloning and dropping a database (`pg_url` alone, with no
  connection, costs 9.5 ms CPU per test), another ~10 connecting to a fresh database (a
  backend per connection, two connections per test: the run's writer and a pooled reader)
  and SQLAlchemy's dialect initialisation per engine. Not changed in this pass.
"""


def write(text: str) -> None:
    results = Path(__file__).with_name("RESULTS.md")
    current = results.read_text() if results.exists() else ""
    head, _, rest = current.partition(MARKER)
    # What follows this section (report.py's kept sections) stays as it is.
    tail = rest[rest.find(KEPT) :] if KEPT in rest else ""
    section = f"{MARKER}\n\n## Plugin: cost per test\n\n{text}{NOTES}"
    text = f"{head.rstrip()}\n\n{section}" if head.strip() else section
    results.write_text(f"{text}\n{tail}" if tail else text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    text = table(measure(args.rounds))
    print(text)
    if args.write:
        write(text)


if __name__ == "__main__":
    main()
