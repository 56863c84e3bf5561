"""The ``--agno-eval`` session: collect run metrics and perf evals per test, merge, report.

Registered as a plugin object only when the report is on, so a session without it has none of
these hooks. Each process (the only one, or each pytest-xdist worker) records what its tests did
and attaches it to the test's teardown report as a user property; the process that receives the
reports (the only one, or the xdist controller) merges them. The same path runs with and without
xdist.

Run metrics are taken where every run ends, through agno_core's public run-end listener
(`agno_core.run.hooks`), registered while the session lasts and only in the processes that run
tests. Top-level runs of a test are recorded; member runs are already in their team run's
totals; the runs a perf eval makes are only counted (tokens per run in the eval's row), so that
recording never looks like memory growth in the eval.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_agno.report._records import EvalRecord, RunRecord, TestRecord, TokenTally

if TYPE_CHECKING:
    from pytest_agno.report._view import ReportSettings

__all__ = ["SESSION_KEY", "EvalSession"]

PROPERTY = "agno_eval"
SESSION_KEY = pytest.StashKey["EvalSession"]()


class EvalSession:
    """Collects, ships, merges and reports; see the module docstring."""

    def __init__(self, config: pytest.Config, settings: ReportSettings) -> None:
        self.config = config
        self.settings = settings
        self.is_worker = hasattr(config, "workerinput")
        self.tests: dict[str, TestRecord] = {}
        self.written: list[tuple[str, Path]] = []
        self.notes: list[str] = []  # what the session chose not to write, and why
        self._current: TestRecord | None = None
        self._tally: TokenTally | None = None
        self._unpatch: Callable[[], None] | None = None
        self.started = time.time()

    # -- capture ------------------------------------------------------------------------------

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if self._is_xdist_controller():
            return  # the workers run the tests
        from agno_core.run.hooks import add_run_listener

        def record(output: Any) -> None:
            if output.parent_run_id is None:  # members are in their team run's totals
                self._record_run(output)

        self._unpatch = add_run_listener(record)

    def _is_xdist_controller(self) -> bool:
        return not self.is_worker and getattr(self.config.option, "dist", "no") != "no"

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self._unpatch is not None:
            self._unpatch()
            self._unpatch = None

    def _record_run(self, output: Any) -> None:
        tally, current = self._tally, self._current
        if tally is not None:
            tally.add(output)
        elif current is not None:
            current.runs.append(RunRecord.from_output(output))

    @contextmanager
    def counting(self, tally: TokenTally) -> Iterator[None]:
        """Runs that end inside this block are counted in ``tally`` instead of recorded."""
        previous, self._tally = self._tally, tally
        try:
            yield
        finally:
            self._tally = previous

    def record_eval(self, record: EvalRecord) -> None:
        if self._current is not None:
            self._current.evals.append(record)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> Any:
        self._current = TestRecord(nodeid=item.nodeid)
        try:
            return (yield)
        finally:
            self._current = None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        current = self._current
        if call.when == "call" and current is not None and _caught(report):
            for record in current.evals:
                record.expected = record.verdict != "pass"
        if call.when == "teardown" and current is not None and (current.runs or current.evals):
            report.user_properties.append((PROPERTY, json.dumps(current.payload())))
        return report

    # -- merge (the process that receives the reports) ---------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.is_worker:  # xdist forwards the report, property included, to the controller
            return
        payloads = [value for name, value in report.user_properties if name == PROPERTY]
        if payloads:
            # Read here and removed, so that --junitxml does not copy it into its properties.
            report.user_properties[:] = [p for p in report.user_properties if p[0] != PROPERTY]
        record = self.tests.get(report.nodeid)
        if record is None:
            record = self.tests[report.nodeid] = TestRecord(nodeid=report.nodeid)
        for payload in payloads:
            record.merge_payload(json.loads(str(payload)))
        record.duration += report.duration
        record.outcome = _outcome(record.outcome, report)

    # -- report --------------------------------------------------------------------------------

    def reported(self) -> list[TestRecord]:
        """Every test of the session, in the order they finished."""
        return list(self.tests.values())

    def evals(self) -> list[EvalRecord]:
        return [record for test in self.reported() for record in test.evals]

    def _collect_only(self) -> bool:
        return bool(self.config.getoption("collectonly", False))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.is_worker or self._collect_only():
            # Nothing ran: a `--collect-only` (what IDEs run to discover tests) must not replace
            # the report, the baseline or the history with empty ones.
            return
        from pytest_agno.report._json import build_report

        settings = self.settings
        targets = [("JSON report", settings.json_path), ("baseline", settings.save_path)]
        needed = any(path for _, path in targets) or settings.html_path or settings.history_dir
        if not needed:
            return
        document = build_report(self)
        history = None
        if not document["evals"]:
            # A session that measured nothing (-k, --lf, a single test run from an IDE with the
            # ini twins set) keeps the saved baseline and the history's runs as they are.
            saved = settings.save_path
            if saved is not None:
                targets.remove(("baseline", saved))
                kept = f"; {saved} is kept" if saved.is_file() else ""
                self.notes.append(f"baseline not written: no perf eval ran{kept}")
            if settings.history_dir is not None:
                self.notes.append("history not appended: no perf eval ran")
        elif settings.history_dir is not None:
            from pytest_agno.report._history import HISTORY_FILE, append_history, history_entry

            history = append_history(
                settings.history_dir, history_entry(document), limit=settings.history_size
            )
            self.written.append(("history", settings.history_dir / HISTORY_FILE))
        text = json.dumps(document, indent=2) + "\n"
        for label, path in targets:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                self.written.append((label, path))
        if settings.html_path is not None:
            from pytest_agno.report._html import render_html

            settings.html_path.parent.mkdir(parents=True, exist_ok=True)
            settings.html_path.write_text(render_html(document, history), encoding="utf-8")
            self.written.append(("HTML report", settings.html_path))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.is_worker or self._collect_only():
            return
        from pytest_agno.report._terminal import write_summary

        write_summary(terminalreporter, self)


def _caught(report: pytest.TestReport) -> bool:
    """Whether the test's call passed (or xfailed) although its evals may have raised: then a
    failed eval was what the test expected (``pytest.raises(PerfGateError)``, an xfail)."""
    return report.passed or (report.skipped and hasattr(report, "wasxfail"))


_RANK = {"passed": 0, "skipped": 1, "xfailed": 1, "xpassed": 1, "failed": 2, "error": 3}


def _outcome(previous: str, report: pytest.TestReport) -> str:
    if report.passed:
        outcome = "xpassed" if hasattr(report, "wasxfail") else "passed"
    elif report.skipped:
        outcome = "xfailed" if hasattr(report, "wasxfail") else "skipped"
    else:
        outcome = "failed" if report.when == "call" else "error"
    return outcome if _RANK[outcome] > _RANK[previous] else previous
