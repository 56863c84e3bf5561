"""The report never hides a bad measurement: raising functions and runs that all errored."""

from __future__ import annotations

import json

import jsonschema
import pytest

from pytest_agno.report._json import REPORT_SCHEMA

SUITE = """
import pytest


def test_raises(perf_eval):
    def broken():
        raise ValueError("boom")

    perf_eval(broken, name="broken", num_iterations=2, warmup_runs=0)


async def test_errored_runs(agent, mock_model, perf_eval):
    mock_model.add_error(500, "down", times=3 + 2)

    await perf_eval.arun(lambda: agent.arun("hi"), name="errored", num_iterations=1,
                         warmup_runs=0, measure_memory=False)


async def test_errors_expected(agent, mock_model, perf_eval):
    mock_model.add_error(500, "down", times=3 + 2)

    await perf_eval.arun(lambda: agent.arun("hi"), name="expected", num_iterations=1,
                         warmup_runs=0, measure_memory=False, expect_errors=True)


def test_plain():
    pass
"""


@pytest.fixture
def report(agno_pytester: pytest.Pytester) -> tuple[pytest.RunResult, dict[str, object]]:
    agno_pytester.makepyfile(test_bad=SUITE)
    result = agno_pytester.runpytest("-p", "no:cacheprovider", "--agno-eval-json=report.json")
    document = json.loads((agno_pytester.path / "report.json").read_text())
    jsonschema.validate(document, REPORT_SCHEMA)
    return result, document


def test_a_raising_function_is_in_the_report(report: tuple[pytest.RunResult, dict]) -> None:
    result, document = report
    result.assert_outcomes(passed=2, failed=2)
    evals = {record["name"]: record for record in document["evals"]}
    broken = evals["broken"]
    assert broken["verdict"] == "error"
    assert broken["failures"] == ["the measured function raised ValueError: boom"]
    tests = {test["nodeid"]: test for test in document["tests"]}
    assert tests["test_bad.py::test_raises"]["outcome"] == "failed"
    assert tests["test_bad.py::test_raises"]["evals"] == [broken["key"]]
    assert document["summary"]["tests"] == 4
    assert document["summary"]["failed_evals"] == 2
    result.stdout.fnmatch_lines(["*test_bad.py::test_raises::broken * ERROR*"])


def test_runs_that_all_errored_fail_the_eval(report: tuple[pytest.RunResult, dict]) -> None:
    result, document = report
    evals = {record["name"]: record for record in document["evals"]}
    errored = evals["errored"]
    assert errored["verdict"] == "fail"
    assert errored["tokens"]["errors"] == errored["tokens"]["runs"] == 3
    assert (
        "3 of the 3 agent/team runs the eval made (priming and warm-up included) ended ERROR"
        in errored["failures"][0]
    )
    result.stdout.fnmatch_lines(
        [
            "*PerfGateError*",
            "*3 of the 3 agent/team runs the eval made (priming and warm-up included) ended ERROR*",
        ]
    )


def test_errors_can_be_expected(report: tuple[pytest.RunResult, dict]) -> None:
    _, document = report
    expected = next(record for record in document["evals"] if record["name"] == "expected")
    assert expected["verdict"] == "pass"
    assert expected["tokens"]["errors"] == 3


def test_errored_runs_fail_without_the_report_too(agno_pytester: pytest.Pytester) -> None:
    agno_pytester.makepyfile(test_bad=SUITE)

    result = agno_pytester.runpytest("-p", "no:cacheprovider", "-k", "errored or expected")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*3 of the 3 agent/team runs the eval made (priming and warm-up included) ended ERROR*"]
    )
