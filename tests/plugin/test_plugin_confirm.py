"""A broken regression rule is measured again before the test fails (--agno-eval-confirm)."""

from __future__ import annotations

import json

import jsonschema
import pytest

from pytest_agno.report._json import REPORT_SCHEMA

# Priming call + 5 timed samples = 6 calls per measurement (1 ms and more: no calibration).
# A regression is 30x and the rule 100%: wide margins for sleeps on a throttled CI worker (10x
# was not enough when the suite shared the 2 cores with another suite).
FLAKY_SUITE = """
import time

calls = [0]


def work():
    calls[0] += 1
    time.sleep({first} if calls[0] <= 6 else {then})


def test_work(perf_eval):
    perf_eval(work, name="sleep", num_iterations=5, warmup_runs=0, measure_memory=False)
"""


def write(pytester: pytest.Pytester, first: float, then: float) -> None:
    pytester.makepyfile(test_flaky=FLAKY_SUITE.format(first=first, then=then))


# In a subprocess: inside a busy pytest-xdist worker, a thread of the worker that started during
# the eval counted as the run's helper, and its wait for a CPU was taken off a sleeping sample
# (a 300 ms sleep read 0.8 ms of steady time), so a regression of the median went unseen.
def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--agno-eval-compare=main",
        "--agno-eval-fail=runtime>100%",
        "--agno-eval-json=report.json",
        *args,
    )


def saved_baseline(pytester: pytest.Pytester) -> None:
    write(pytester, 0.01, 0.01)
    saved = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--agno-eval-save=main")
    saved.assert_outcomes(passed=1)


def test_a_regression_that_does_not_repeat_passes(agno_pytester: pytest.Pytester) -> None:
    saved_baseline(agno_pytester)
    write(agno_pytester, 0.3, 0.01)

    result = run(agno_pytester)

    result.assert_outcomes(passed=1)
    report = json.loads((agno_pytester.path / "report.json").read_text())
    jsonschema.validate(report, REPORT_SCHEMA)
    record = report["evals"][0]
    assert record["verdict"] == "pass"
    assert record["rerun"]["confirmed"] is False
    assert "median_run_time" in record["rerun"]["first_failures"][0]


def test_a_regression_that_repeats_fails_and_says_so(agno_pytester: pytest.Pytester) -> None:
    saved_baseline(agno_pytester)
    write(agno_pytester, 0.3, 0.3)

    result = run(agno_pytester)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*regressed against baseline 'main' (and again when*"])
    record = json.loads((agno_pytester.path / "report.json").read_text())["evals"][0]
    assert record["verdict"] == "fail"
    assert record["rerun"]["confirmed"] is True


def test_confirm_zero_fails_at_once(agno_pytester: pytest.Pytester) -> None:
    saved_baseline(agno_pytester)
    write(agno_pytester, 0.3, 0.01)

    result = run(agno_pytester, "--agno-eval-confirm=0")

    result.assert_outcomes(failed=1)
    record = json.loads((agno_pytester.path / "report.json").read_text())["evals"][0]
    assert record["rerun"] is None


def test_confirm_must_be_a_count(agno_pytester: pytest.Pytester) -> None:
    write(agno_pytester, 0.01, 0.01)

    result = run(agno_pytester, "--agno-eval-confirm=twice")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--agno-eval-confirm: expected a whole number >= 0*"])
