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

Scripted replies. Some examples are written for a model that judges: a guardrail hook asks a
second agent whether the input is safe and refuses the run when it says no, and the example
shows a run that passes the check and runs it refuses. The default reply cannot play that part
(and must not be bent to), so a manifest entry may script the replies its example gets, on
indented lines after its ``include``::

    include cookbook/02_agents/09_hooks/pre_hook_input.py <commit>
      reply json {"is_safe": true, "concerns": []}
      reply text Start with a broad index fund.
      reply tool_call create_task {"title": "Write the report"}
      expect refused 3

``reply text|json|tool_call`` queue replies on `MockOpenAI` in order (``json``: a structured
output document; ``tool_call``: a function name, then its JSON arguments); once an example has
scripted replies, a request none of them answers fails it, as in a test. ``expect refused N``
says the example means N of its runs to be refused by its own check hooks (`InputCheckError` /
`OutputCheckError`): exactly N must be, and those runs' ERROR ends are then what the example
asked for, not failures. Any other failed run still fails the example. Such examples are marked
``pass (scripted)`` and their count is printed, so the figure says how many needed a script.
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
from dataclasses import asdict, dataclass, field
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
    scripted: bool = False


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

    examples = list(_examples(args.dirs, args.manifest, args.select))
    if not examples:
        parser.error("no examples found")
    server = _postgres_if_needed([e.path for e in examples])
    try:
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            outcomes = list(pool.map(lambda e: _run_one(e, server, args.timeout), examples))
    finally:
        if server is not None:
            server.stop()
    for outcome in outcomes:
        mark = "pass" if outcome.passed else "FAIL"
        if outcome.scripted:
            mark += " (scripted)"
        print(f"{mark} {outcome.seconds:6.1f}s {outcome.path}  {outcome.problem}")
    passed = sum(o.passed for o in outcomes)
    share = 100 * passed / len(outcomes)
    scripted = sum(o.passed and o.scripted for o in outcomes)
    print(
        f"\n{passed} of {len(outcomes)} examples ran unchanged ({share:.0f}%), "
        f"{scripted} of them on replies their manifest entry scripts"
    )
    if args.json:
        args.json.write_text(json.dumps([asdict(o) for o in outcomes], indent=1))
    if args.markdown:
        args.markdown.write_text(_markdown(outcomes))
    return 0


@dataclass(kw_only=True)
class Example:
    """One example to run: its cookbook path, its file, and what its manifest entry scripts."""

    name: str
    path: Path
    replies: list[list[str]] = field(default_factory=list)
    refused: int = 0

    @property
    def scripted(self) -> bool:
        return bool(self.replies) or self.refused > 0


def _examples(dirs: Sequence[Path], manifests: Sequence[Path], select: str) -> Iterator[Example]:
    if not manifests:
        for root in dirs:
            for path in sorted(root.rglob("*.py")):
                name = str(path.relative_to(root))
                if path.name != "__init__.py" and select in name:
                    yield Example(name=name, path=path)
        return
    for manifest in manifests:
        current: Example | None = None
        for number, line in enumerate(manifest.read_text().splitlines(), 1):
            fields = line.split()
            if current is not None and line[:1].isspace() and fields:
                _directive(current, line.strip(), f"{manifest}:{number}")
                continue
            if current is not None:
                yield current
                current = None
            if len(fields) < 2 or fields[0] != "include" or select not in fields[1]:
                continue
            found = [root / fields[1] for root in dirs if (root / fields[1]).is_file()]
            if not found:
                raise SystemExit(f"{manifest}: {fields[1]} is not under any of {list(dirs)}")
            current = Example(name=fields[1], path=found[0])
        if current is not None:
            yield current


def _directive(example: Example, text: str, where: str) -> None:
    """Apply one indented manifest line (``reply ...`` or ``expect refused N``) to `example`."""
    words = text.split(maxsplit=2)
    if words[:2] == ["expect", "refused"] and len(words) == 3 and words[2].isdigit():
        example.refused = int(words[2])
        return
    if words[0] == "reply" and len(words) == 3 and words[1] in ("text", "json"):
        if words[1] == "json":
            json.loads(words[2])  # fail here, not in the example's process
        example.replies.append([words[1], words[2]])
        return
    if words[0] == "reply" and len(words) == 3 and words[1] == "tool_call":
        name, _, arguments = words[2].partition(" ")
        json.loads(arguments or "{}")
        example.replies.append(["tool_call", name, arguments or "{}"])
        return
    raise SystemExit(f"{where}: not a directive: {text!r}")


def _postgres_if_needed(paths: Sequence[Path]) -> object | None:
    if not any(url in path.read_text() for path in paths for url in AGNO_PG_URLS):
        return None
    from pytest_agno.postgres import start_postgres

    return start_postgres()


def _run_one(example: Example, server: object | None, timeout: float) -> Outcome:
    name, path = example.name, example.path
    source = path.read_text()
    database = None
    with tempfile.TemporaryDirectory(prefix="agno-corpus-") as work:
        if server is not None and any(url in source for url in AGNO_PG_URLS):
            database = server.create_database()  # type: ignore[attr-defined]
            for url in AGNO_PG_URLS:
                driver = url.split("://", 1)[0]
                source = source.replace(url, server.url(database, driver=driver))  # type: ignore[attr-defined]
        file = Path(work) / path.name
        file.write_text(source)
        result = Path(work) / "result.json"
        script = Path(work) / "script.json"
        script.write_text(json.dumps({"replies": example.replies, "refused": example.refused}))
        env = {**os.environ, "PYTHONPATH": str(REPO), "OPENAI_API_KEY": "sk-agno-corpus"}
        env["AGNO_TELEMETRY"] = "false"
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "benchmarks._corpus_child",
                    str(file),
                    str(result),
                    str(script),
                ],
                cwd=work,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return Outcome(
                path=name,
                passed=False,
                seconds=timeout,
                problem="timed out",
                scripted=example.scripted,
            )
        finally:
            if database is not None:
                server.drop_database(database)  # type: ignore[attr-defined]
        seconds = time.perf_counter() - started
        outcome = _judge(name, seconds, done, result)
        outcome.scripted = example.scripted
        return outcome


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
    scripted = sum(o.passed and o.scripted for o in outcomes)
    rows = [
        f"{passed} of {len(outcomes)} examples ran unchanged, {scripted} of them on replies "
        "their manifest entry scripts (marked 'runs, scripted replies').",
        "",
        "| example | result |",
    ]
    rows.append("| --- | --- |")
    for o in outcomes:
        result = "runs" if o.passed else f"fails: {o.problem.replace('|', '/')}"
        if o.scripted:
            result += ", scripted replies"
        rows.append(f"| `{o.path}` | {result} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.exit(main())
