"""``python -m pytest_agno merge``: one report and one exit status from several CI jobs.

::

    python -m pytest_agno merge a.json b.json ... [--json OUT] [--html OUT]
        [--compare BASELINE] [--fail EXPR] [--dir DIR]

Also installed as the ``pytest-agno`` command. Exit status: 0 when every merged test passed and
every eval passed its gates (and, with ``--fail``, broke no rule against ``--compare``); 1 when
not; 2 for a usage error (an unreadable report, a bad expression) or a missing ``[pytest]`` extra
(one line naming ``pip install 'agno-core[pytest]'``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pytest_agno", description="pytest_agno command line tools."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    merge = commands.add_parser(
        "merge",
        help="combine --agno-eval-json reports of CI jobs into one report and one exit status",
        description="Combine --agno-eval-json reports (shards, matrix jobs, machines) into one "
        "report and one exit status, keeping where each result came from.",
    )
    merge.add_argument("reports", nargs="+", type=Path, metavar="REPORT.json")
    merge.add_argument("--json", type=Path, metavar="PATH", help="write the merged JSON report")
    merge.add_argument("--html", type=Path, metavar="PATH", help="write the merged HTML report")
    merge.add_argument(
        "--compare",
        metavar="NAME|PATH",
        help="compare every eval with this baseline (a saved report; a bare name is "
        "DIR/NAME.json); across machines runtime is compared only as a ratio to each "
        "machine's reference workload",
    )
    merge.add_argument(
        "--fail",
        metavar="EXPR",
        help="fail on regressions against --compare: the --agno-eval-fail language, "
        "e.g. 'regression' or 'runtime>10%%,growth>1KiB'",
    )
    merge.add_argument(
        "--dir", type=Path, default=Path(".agno-eval"), help="where named baselines are kept"
    )
    return parser


def _summary_lines(document: dict[str, Any]) -> list[str]:
    from pytest_agno.report._records import EvalRecord
    from pytest_agno.report._terminal import _eval_row, _table

    sources = document["sources"]

    def origin(index: int) -> str:
        provenance = sources[index]["provenance"]
        job = provenance.get("job")
        return f"{provenance['machine']}/{job}" if job else str(provenance["machine"])

    summary = document["summary"]
    lines = [
        f"merged {len(sources)} reports: {summary['tests']} tests, {summary['evals']} perf evals "
        f"({summary['failed_evals']} failed), {summary['regressions']} regressions",
    ]
    for index, source in enumerate(sources):
        commit = source["provenance"].get("commit") or "-"
        lines.append(f"  [{index}] {source['path']}: {origin(index)} at {commit[:12]}")
    records = document["evals"]
    if records:
        header = ["eval", "median", "p95", "peak", "growth/iter", "tokens/run", "verdict"]
        rows = []
        for data in records:
            row = _eval_row(EvalRecord.from_dict(data))
            rows.append([f"[{data['source']}] {row[0]}", *row[1:]])
        width = shutil.get_terminal_size((120, 24)).columns
        lines += [f"  {line}" for line in _table(header, rows, width)]
        for data in records:
            label = f"[{data['source']}] {data['key']}"
            tag = "expected" if data.get("expected") else "FAIL"
            lines += [f"  {tag} {label}: {line}" for line in data["failures"]]
    failed = [t for t in document["tests"] if t["outcome"] in ("failed", "error")]
    lines += [f"  {t['outcome'].upper()} [{t['source']}] {t['nodeid']}" for t in failed]
    return lines


def _merge(args: argparse.Namespace) -> int:
    from pytest_agno.perf._gates import parse_rules
    from pytest_agno.perf._merge import MergeError, load_report, merge_reports, merged_status
    from pytest_agno.perf._settings import baseline_path

    try:
        rules = parse_rules(args.fail) if args.fail else ()
        if rules and not args.compare:
            raise ValueError("--fail needs --compare (the baseline the rules compare against)")
        reports = [(path, load_report(path)) for path in args.reports]
        path = baseline_path(args.compare, args.dir) if args.compare else None
        baseline = load_report(path) if path is not None and path.is_file() else None
    except (MergeError, ValueError) as error:
        print(f"pytest_agno merge: error: {error}", file=sys.stderr)
        return 2
    document = merge_reports(
        reports,
        baseline=baseline,
        baseline_source=args.compare,
        baseline_path=path,
        rules=rules,
        fail_expression=args.fail,
    )
    if args.compare and baseline is None:
        print(f"baseline {args.compare!r} not found at {path}: nothing compared")
    for line in _summary_lines(document):
        print(line)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        print(f"JSON report written to {args.json}")
    if args.html is not None:
        from pytest_agno.report._html import render_html

        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(render_html(document), encoding="utf-8")
        print(f"HTML report written to {args.html}")
    return merged_status(document)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m pytest_agno`` and the ``pytest-agno`` command."""
    args = _parser().parse_args(argv)
    if args.command != "merge":
        raise AssertionError(args.command)  # argparse allows no other command
    try:
        return _merge(args)
    except ModuleNotFoundError as error:
        if error.name not in _EXTRA_MODULES:
            raise
        print(
            f"pytest_agno: {error.name} is not installed: pip install 'agno-core[pytest]'",
            file=sys.stderr,
        )
        return 2


# What ``pip install 'agno-core[pytest]'`` adds to the base install (see pyproject.toml).
_EXTRA_MODULES = ("pytest", "httpx")


if __name__ == "__main__":
    sys.exit(main())
