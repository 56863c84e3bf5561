"""--agno-eval-history: a bounded history file, and trend plots in the HTML report."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from pytest_agno.report._format import format_duration
from pytest_agno.report._history import SCHEMA, append_history, read_history
from pytest_agno.report._svg import trend_plot

SUITE = """
import os
import time

SLEEP = float(os.environ.get("HISTORY_SLEEP", "0.001"))
kept = []


def test_evals(perf_eval):
    perf_eval(lambda: time.sleep(SLEEP), name="sleep", num_iterations=5, warmup_runs=0,
              measure_memory=False)
    perf_eval(lambda: kept.append(bytearray(2048)), name="leak", num_iterations=4,
              warmup_runs=0, measure_runtime=False, memory_growth_tracking=True)
"""


class Plots(HTMLParser):
    """SVG plots by class, and the classes of the shapes inside them."""

    def __init__(self) -> None:
        super().__init__()
        self.plots: list[str] = []
        self.shapes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs).get("class") or ""
        if tag == "svg":
            self.plots.append(found)
        elif tag in ("circle", "rect") and self.plots and "trend" in self.plots[-1]:
            self.shapes.append(found)


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:cacheprovider", "--agno-eval-history=hist", *args)


def lines(pytester: pytest.Pytester) -> list[dict[str, Any]]:
    text = (pytester.path / "hist" / "history.jsonl").read_text()
    return [json.loads(line) for line in text.splitlines()]


def test_each_run_appends_one_bounded_line(agno_pytester: pytest.Pytester) -> None:
    agno_pytester.makepyfile(test_suite=SUITE)
    for _ in range(3):
        run(agno_pytester, "--agno-eval-history-size=2").assert_outcomes(passed=1)

    entries = lines(agno_pytester)
    assert len(entries) == 2
    entry = entries[-1]
    assert entry["schema"] == SCHEMA
    assert entry["provenance"]["machine"]
    assert set(entry["evals"]) == {
        "test_suite.py::test_evals::sleep",
        "test_suite.py::test_evals::leak",
    }
    sleep = entry["evals"]["test_suite.py::test_evals::sleep"]
    assert sleep["median_run_time"] > 0.0009 and sleep["avg_growth_per_iteration"] is None
    leak = entry["evals"]["test_suite.py::test_evals::leak"]
    assert leak["avg_growth_per_iteration"] == pytest.approx(2048, rel=0.2)
    assert leak["median_run_time"] is None
    assert entries[0]["created_at"] < entries[1]["created_at"]
    assert (agno_pytester.path / "hist" / "history.jsonl").stat().st_size < 4096


def test_baseline_band_regressions_and_trend_plots(
    agno_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    agno_pytester.makepyfile(test_suite=SUITE)
    run(agno_pytester, "--agno-eval-save=main").assert_outcomes(passed=1)
    run(agno_pytester, "--agno-eval-compare=main").assert_outcomes(passed=1)
    # 50x the baseline's sleep: under the load rule a contended run may be allowed up to twice
    # its reference's slowdown, which a loaded CI box has made cover a 5x slower sleep.
    monkeypatch.setenv("HISTORY_SLEEP", "0.05")
    result = run(agno_pytester, "--agno-eval-compare=main", "--agno-eval-html=report.html")
    result.assert_outcomes(passed=1)  # compared, no rule to fail on
    result.stdout.fnmatch_lines(["history written to *history.jsonl"])

    last = lines(agno_pytester)[-1]["evals"]["test_suite.py::test_evals::sleep"]
    value, threshold = last["baseline"]["median_run_time"]
    # The baseline of a 1 ms sleep, as compared: a steady time, which a loaded machine can
    # bring below the sleep (a known gap of the steady clock); this checks the plumbing.
    assert 0 < value <= 0.0015 and threshold > 0
    assert "median_run_time" in last["regressions"]

    parsed = Plots()
    parsed.feed((agno_pytester.path / "report.html").read_text())
    trends = [plot for plot in parsed.plots if "trend" in plot]
    assert trends == ["plot trend-runtime", "plot trend-growth"] * 2
    assert parsed.shapes.count("band") == 2  # the baseline band of each compared metric
    assert parsed.shapes.count("regression") == 1  # the slow run's runtime
    assert parsed.shapes.count("sample") == 3 + 3 - 1  # 3 runs of each measured metric


def test_unreadable_lines_are_skipped(tmp_path: Path) -> None:
    entry = {"schema": SCHEMA, "created_at": 1.0, "provenance": None, "evals": {}}
    (tmp_path / "history.jsonl").write_text('{"schema": "pytest-agno-history/1", "crea\n')

    kept = append_history(tmp_path, entry, limit=5)

    assert kept == [entry] == read_history(tmp_path)


def test_history_size_must_be_a_count(agno_pytester: pytest.Pytester) -> None:
    agno_pytester.makepyfile(test_suite=SUITE)

    result = run(agno_pytester, "--agno-eval-history-size=0")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--agno-eval-history-size: expected a whole number >= 1*"])


def test_trend_plot_leaves_gaps_and_escapes() -> None:
    svg = trend_plot(
        "trend-runtime",
        "Median runtime of <b>x</b>",
        [0.001, None, 0.002],
        format_duration,
        regressions=[2],
        labels=["a", "b", "<c>"],
    )
    parsed = Plots()
    parsed.feed(svg)
    assert parsed.shapes == ["sample", "regression"]
    assert "<b>" not in svg and "&lt;c&gt;" in svg
    assert "not measured" in trend_plot("t", "t", [None, None], format_duration)


@pytest.mark.skipif(pytest.version_tuple[:2] < (9, 0), reason="[tool.pytest] is pytest 9's")
def test_the_counts_are_numbers_in_pytest_9s_toml_table(pytester: pytest.Pytester) -> None:
    # pytest 9 reads [tool.pytest] with TOML types: `agno_eval_history_size = 2` was refused
    # ("expects a string, got int") and the whole run stopped before collecting.
    pytester.makepyprojecttoml(
        """
        [tool.pytest]
        asyncio_default_fixture_loop_scope = "function"
        filterwarnings = ["error"]
        agno_eval_history = "hist"
        agno_eval_history_size = 2
        agno_eval_confirm = 0
        """
    )
    pytester.makepyfile(test_suite=SUITE)
    for _ in range(3):
        pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    assert len(lines(pytester)) == 2


def test_a_count_the_ini_file_gets_wrong_is_named(agno_pytester: pytest.Pytester) -> None:
    ini = agno_pytester.path / "tox.ini"
    ini.write_text(ini.read_text().rstrip() + "\nagno_eval = true\nagno_eval_confirm = two\n")
    agno_pytester.makepyfile(test_suite=SUITE)

    result = agno_pytester.runpytest("-p", "no:cacheprovider")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: ini option agno_eval_confirm: *'two'*"])
