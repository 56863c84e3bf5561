"""Under pytest-xdist the results travel with the test reports and merge on the controller."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import jsonschema
import pytest

from pytest_agno import REPORT_SCHEMA


def test_report_merges_results_of_two_workers(agno_pytester: pytest.Pytester) -> None:
    agno_pytester.makepyfile(
        """
        import os

        import pytest
        from pytest_agno import PerfGateError

        LEAK = []


        @pytest.mark.parametrize("n", range(2))
        async def test_agent(agent, mock_model, n):
            mock_model.add_text("x", input_tokens=10 + n, output_tokens=1)
            out = await agent.arun("hi")
            print(os.environ["PYTEST_XDIST_WORKER"])


        @pytest.mark.parametrize("n", range(2))
        def test_perf(perf_eval, n):
            print(os.environ["PYTEST_XDIST_WORKER"])
            perf_eval(lambda: sum(range(100)), name=f"sum {n}", num_iterations=3,
                      warmup_runs=0, max_runtime_ms=1000)


        def test_leak(perf_eval):
            print(os.environ["PYTEST_XDIST_WORKER"])
            with pytest.raises(PerfGateError):
                perf_eval(lambda: LEAK.append(bytearray(20_000)), num_iterations=3,
                          warmup_runs=0, max_growth_kib=4, measure_runtime=False)
        """
    )
    # Each worker's SQLite files go to memory when it can: on a busy disk their fsyncs dominate.
    shm = Path("/dev/shm")
    basetemp = Path(tempfile.mkdtemp(dir=shm if shm.is_dir() else None)) / "basetemp"
    result = agno_pytester.runpytest_subprocess(
        "-n",
        "2",
        "-p",
        "no:cacheprovider",
        "--agno-eval-json=report.json",
        "-rA",
        f"--basetemp={basetemp}",
    )
    result.assert_outcomes(passed=5)
    workers = {line.strip() for line in result.stdout.lines if line.strip() in ("gw0", "gw1")}
    assert workers == {"gw0", "gw1"}  # both workers ran tests
    result.stdout.fnmatch_lines(
        [
            "*= agno eval =*",
            "perf evals: 3 (0 crossed a gate, 1 expected to)",  # test_leak caught it
            "agent/team runs: 2 in 2 tests",
            "JSON report written to */report.json",
        ]
    )
    document = json.loads((agno_pytester.path / "report.json").read_text())
    jsonschema.validate(document, REPORT_SCHEMA)
    assert sorted(record["name"] for record in document["evals"]) == ["<lambda>", "sum 0", "sum 1"]
    inputs = sorted(test["runs"][0]["input_tokens"] for test in document["tests"] if test["runs"])
    assert inputs == [10, 11]
    assert document["summary"]["failed_evals"] == 0
    # the worker marked the leak's failure expected (its test passed) before shipping it
    [leak] = [record for record in document["evals"] if record["name"] == "<lambda>"]
    assert leak["verdict"] == "fail" and leak["expected"] is True
