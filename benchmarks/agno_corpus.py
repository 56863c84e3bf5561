"""How much real Agno code runs unchanged on agno_core: a corpus of Agno examples, run offline.

Usage::

    python -m benchmarks.agno_corpus DIR [DIR ...] [--manifest FILE ...] [-k TEXT] [-j N]
        [--timeout SECONDS] [--json OUT.json] [--markdown OUT.md]

Each ``*.py`` under the DIRs (or, with ``--manifest``, each ``include <path> <commit>`` line of the
manifests, resolved under the DIRs) is one example from Agno's cookbook. The examples are not in
this repository (they are Agno's code): fetch them into a directory of your own, keeping their
cookbook paths; ``benchmarks/agno_corpus/*.txt`` lists the ones measured and why others were left
out of scope.

Every example runs in its own process (`benchmarks._corpus_child`), with ``agno`` replaced by
``agno_core`` in its import statements and nothing else changed except Agno's default PostgreSQL
URL, which points at a fresh database on a private server this script starts when an example
needs one. The OpenAI API is answered at the HTTP layer by `MockOpenAI`'s default replies (text,
or the smallest document a structured-output schema accepts), yfinance by `YahooStub`, and every
other connection beyond loopback is refused.

An example passes when it exits 0 within the timeout, raised nothing, left no traceback or
warning on stderr, and the runtime logged no warning, no error and no failed run (a run that ended
ERROR, or a storage failure swallowed by a log line, does not count as running).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AGNO_PG_URLS = (
    "postgresql+psycopg://ai:ai@localhost:5532/ai",
    "postgresql+psycopg_async://ai:ai@localhost:5532/ai",
)
_STDERR_PROBLEMS = ("Traceback", "Exception ignored", "Warning:", "RuntimeWarning", "SAWarning")


@dataclass(kw_only=True)
class Outcome:
    """How one example went."""

    path: str
    passed: bool
    seconds: float
    problem: str = ""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dirs", nargs="+", type=Path, help="directories holding the examples")
    parser.add_argument("--manifest", action="append", type=Path, default=[])
    parser.add_argument("-k", dest="select", default="", help="only paths containing this text")
    parser.add_argument("-j", dest="jobs", type=int, default=2, help="examples run at once")
    parser.add_argument("--timeout", type=float, default=90.0)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)

    examples = [e for e in _examples(args.dirs, args.manifest) if args.select in str(e[0])]
    if not examples:
        parser.error("no examples found")
    server = _postgres_if_needed([path for _, path in examples])
    try:
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            outcomes = list(
                pool.map(lambda e: _run_one(e[0], e[1], server, args.timeout), examples)
            )
    finally:
        if server is not None:
            server.stop()
    for outcome in outcomes:
        mark = "pass" if outcome.passed else "FAIL"
        print(f"{mark} {outcome.seconds:6.1f}s {outcome.path}  {outcome.problem}")
    passed = sum(o.passed for o in outcomes)
    share = 100 * passed / len(outcomes)
    print(f"\n{passed} of {len(outcomes)} examples ran unchanged ({share:.0f}%)")
    if args.json:
        args.json.write_text(json.dumps([asdict(o) for o in outcomes], indent=1))
    if args.markdown:
        args.markdown.write_text(_markdown(outcomes))
    return 0


def _examples(dirs: Sequence[Path], manifests: Sequence[Path]) -> Iterator[tuple[str, Path]]:
    if not manifests:
        for root in dirs:
            for path in sorted(root.rglob("*.py")):
                if path.name != "__init__.py":
                    yield str(path.relative_to(root)), path
        return
    for manifest in manifests:
        for line in manifest.read_text().splitlines():
            fields = line.split()
            if len(fields) < 2 or fields[0] != "include":
                continue
            found = [root / fields[1] for root in dirs if (root / fields[1]).is_file()]
            if not found:
                raise SystemExit(f"{manifest}: {fields[1]} is not under any of {list(dirs)}")
            yield fields[1], found[0]


def _postgres_if_needed(paths: Sequence[Path]) -> object | None:
    if not any(url in path.read_text() for path in paths for url in AGNO_PG_URLS):
        return None
    from pytest_agno.postgres import start_postgres

    return start_postgres()


def _run_one(name: str, path: Path, server: object | None, timeout: float) -> Outcome:
    source = path.read_text()
    database = None
    with tempfile.TemporaryDirectory(prefix="agno-corpus-") as work:
        if server is not None and any(url in source for url in AGNO_PG_URLS):
            database = server.create_database()  # type: ignore[attr-defined]
            for url in AGNO_PG_URLS:
                driver = url.split("://", 1)[0]
                source = source.replace(url, server.url(database, driver=driver))  # type: ignore[attr-defined]
        example = Path(work) / path.name
        example.write_text(source)
        result = Path(work) / "result.json"
        env = {**os.environ, "PYTHONPATH": str(REPO), "OPENAI_API_KEY": "sk-agno-corpus"}
        env["AGNO_TELEMETRY"] = "false"
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks._corpus_child", str(example), str(result)],
                cwd=work,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return Outcome(path=name, passed=False, seconds=timeout, problem="timed out")
        finally:
            if database is not None:
                server.drop_database(database)  # type: ignore[attr-defined]
        seconds = time.perf_counter() - started
        return _judge(name, seconds, done, result)


def _judge(
    name: str, seconds: float, done: subprocess.CompletedProcess[str], result: Path
) -> Outcome:
    if not result.exists():
        return Outcome(path=name, passed=False, seconds=seconds, problem=_last_line(done.stderr))
    verdict = json.loads(result.read_text())
    if verdict["error"]:
        return Outcome(
            path=name, passed=False, seconds=seconds, problem=_last_line(verdict["error"])
        )
    if verdict["problems"]:
        return Outcome(path=name, passed=False, seconds=seconds, problem=verdict["problems"][0])
    noise = [line for line in done.stderr.splitlines() if any(p in line for p in _STDERR_PROBLEMS)]
    if done.returncode != 0 or noise:
        problem = noise[0] if noise else f"exit status {done.returncode}"
        return Outcome(path=name, passed=False, seconds=seconds, problem=f"stderr: {problem}")
    return Outcome(path=name, passed=True, seconds=seconds)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no output"


def _markdown(outcomes: Sequence[Outcome]) -> str:
    passed = sum(o.passed for o in outcomes)
    rows = [f"{passed} of {len(outcomes)} examples ran unchanged.", "", "| example | result |"]
    rows.append("| --- | --- |")
    for o in outcomes:
        result = "runs" if o.passed else f"fails: {o.problem.replace('|', '/')}"
        rows.append(f"| `{o.path}` | {result} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.exit(main())
