"""``python -m pytest_agno merge``: shards and machines into one report and one exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from pytest_agno import REPORT_SCHEMA
from pytest_agno.__main__ import main

SUITE = """
import os
import time

SLEEP = float(os.environ.get("SHARD_SLEEP", "0.004"))
GATE = float(os.environ.get("SHARD_GATE_KIB", "64"))
kept = []


def test_sleep(perf_eval):
    perf_eval(lambda: time.sleep(SLEEP), name="sleep", num_iterations=5, warmup_runs=0,
              measure_memory=False)


def test_leak(perf_eval):
    perf_eval(lambda: kept.append(bytearray(4096)), name="leak", num_iterations=5,
              warmup_runs=0, measure_runtime=False, max_growth_kib=GATE)


def test_plain():
    assert os.environ.get("SHARD_BREAK") is None
"""


@pytest.fixture
def shards(agno_pytester: pytest.Pytester) -> pytest.Pytester:
    agno_pytester.makepyfile(test_suite=SUITE)
    return agno_pytester


def shard(pytester: pytest.Pytester, name: str, expr: str, *args: str) -> Path:
    pytester.runpytest("-p", "no:cacheprovider", "-k", expr, f"--agno-eval-json={name}", *args)
    return pytester.path / name


def merge(*args: str | Path) -> tuple[int, dict[str, Any]]:
    out = Path(str(args[0])).parent / "merged.json"
    status = main(["merge", *map(str, args), "--json", str(out)])
    document = json.loads(out.read_text())
    jsonschema.validate(document, REPORT_SCHEMA)
    return status, document


def test_two_shards_make_one_report(shards: pytest.Pytester, capsys: Any) -> None:
    first = shard(shards, "a.json", "sleep")
    second = shard(shards, "b.json", "leak or plain")

    status, document = merge(first, second)

    assert status == 0
    assert document["summary"]["tests"] == 3 and document["summary"]["evals"] == 2
    assert [record["source"] for record in document["evals"]] == [0, 1]
    assert [source["path"] for source in document["sources"]] == [str(first), str(second)]
    provenance = document["sources"][0]["provenance"]
    assert provenance["machine"] and provenance["cores"] >= 1
    out = capsys.readouterr().out
    assert "merged 2 reports: 3 tests, 2 perf evals (0 failed), 0 regressions" in out
    assert "[1] test_suite.py::test_leak::leak" in out


def test_a_failing_shard_fails_the_merge(
    shards: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    first = shard(shards, "a.json", "sleep")
    monkeypatch.setenv("SHARD_BREAK", "1")
    second = shard(shards, "b.json", "plain")

    status, _ = merge(first, second)

    assert status == 1
    assert "FAILED [1] test_suite.py::test_plain" in capsys.readouterr().out


def test_compare_and_fail_against_a_baseline(
    shards: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    shards.runpytest("-p", "no:cacheprovider", "--agno-eval-save=main")
    baseline = shards.path / ".agno-eval" / "main.json"
    unchanged = shard(shards, "a.json", "sleep or leak")
    monkeypatch.setenv("SHARD_SLEEP", "0.02")
    slower = shard(shards, "b.json", "sleep")

    status, document = merge(unchanged, "--compare", baseline, "--fail", "runtime>50%")
    assert status == 0
    assert {record["baseline"] for record in document["evals"]} == {"compared"}

    status, document = merge(unchanged, slower, "--compare", baseline, "--fail", "runtime>50%")
    assert status == 1
    slow = document["evals"][-1]
    assert slow["source"] == 1 and slow["verdict"] == "fail"
    assert "median_run_time" in slow["failures"][0] and "(rule: runtime>50%)" in slow["failures"][0]
    assert document["summary"]["regressions"] >= 1
    assert "FAIL [1] test_suite.py::test_sleep::sleep: median_run_time" in capsys.readouterr().out


def test_a_jobs_absolute_gate_stands_after_comparing_again(
    shards: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    shards.runpytest("-p", "no:cacheprovider", "--agno-eval-save=main")
    baseline = shards.path / ".agno-eval" / "main.json"
    monkeypatch.setenv("SHARD_GATE_KIB", "1")
    report = shard(shards, "a.json", "leak")

    status, document = merge(report, "--compare", baseline, "--fail", "regression")

    assert status == 1
    leak = document["evals"][0]
    assert leak["verdict"] == "fail" and leak["baseline"] == "compared"
    assert any("(max_growth_kib)" in line for line in leak["failures"])


EXPECTED_SUITE = """
import pytest
from pytest_agno import PerfGateError

kept = []


def leak():
    kept.append(bytearray(8192))


def test_gate_catches_the_leak(perf_eval):
    with pytest.raises(PerfGateError):
        perf_eval(leak, name="caught", num_iterations=4, warmup_runs=0, measure_runtime=False,
                  max_growth_kib=1)


@pytest.mark.xfail(raises=PerfGateError, strict=True)
def test_known_leak(perf_eval):
    perf_eval(leak, name="xfail", num_iterations=4, warmup_runs=0, measure_runtime=False,
              max_growth_kib=1)


def test_unexpected_leak(perf_eval):
    perf_eval(leak, name="uncaught", num_iterations=4, warmup_runs=0, measure_runtime=False,
              max_growth_kib=1)
"""


def test_a_failure_the_test_expected_fails_no_merge(
    agno_pytester: pytest.Pytester, capsys: Any
) -> None:
    agno_pytester.makepyfile(test_expected=EXPECTED_SUITE)
    run = agno_pytester.runpytest(
        "-p", "no:cacheprovider", "--agno-eval", "--agno-eval-json=a.json", "-k", "not unexpected"
    )
    run.assert_outcomes(passed=1, xfailed=1)
    run.stdout.fnmatch_lines(
        [
            "perf evals: 2 (0 crossed a gate, 2 expected to)",
            "  *::caught * expected FAIL",
            "  *::xfail * expected FAIL",
        ]
    )

    status, document = merge(agno_pytester.path / "a.json")

    assert status == 0
    assert [(r["verdict"], r["expected"]) for r in document["evals"]] == [("fail", True)] * 2
    assert document["summary"]["failed_evals"] == 0
    assert "(0 failed)" in capsys.readouterr().out
    # still expected when compared again, with a rule that the failure breaks
    status, _ = merge(agno_pytester.path / "a.json", "--compare", "a.json", "--fail", "regression")
    assert status == 0

    failing = agno_pytester.runpytest(
        "-p", "no:cacheprovider", "--agno-eval-json=b.json", "-k", "unexpected"
    )
    failing.assert_outcomes(failed=1)
    status, document = merge(agno_pytester.path / "b.json")
    assert status == 1
    assert document["evals"][0]["expected"] is False


def test_across_machines_runtime_is_a_ratio_or_not_compared(shards: pytest.Pytester) -> None:
    shards.runpytest("-p", "no:cacheprovider", "--agno-eval-save=main")
    baseline = shards.path / ".agno-eval" / "main.json"
    report = shard(shards, "a.json", "sleep")
    data = json.loads(report.read_text())
    data["provenance"]["machine"] = "another-machine"
    report.write_text(json.dumps(data))

    _, document = merge(report, "--compare", baseline)
    comparison = document["evals"][0]["comparison"]
    assert comparison["metrics"][0]["basis"] == "reference"  # both carry reference samples

    for record in data["evals"]:
        record["result"]["reference_times"] = []  # as from an older version
    report.write_text(json.dumps(data))
    _, document = merge(report, "--compare", baseline)
    comparison = document["evals"][0]["comparison"]
    assert [item["metric"] for item in comparison["metrics"]] == []
    assert "median_run_time" in comparison["skipped"]


def test_merged_html_names_each_source(shards: pytest.Pytester) -> None:
    first = shard(shards, "a.json", "sleep")
    second = shard(shards, "b.json", "leak")
    html = shards.path / "out" / "merged.html"

    assert main(["merge", str(first), str(second), "--html", str(html)]) == 0

    page = html.read_text()
    assert "<h2>Merged reports</h2>" in page
    assert "[1] test_suite.py::test_leak::leak" in page


def test_usage_errors(shards: pytest.Pytester, capsys: Any) -> None:
    junk = shards.path / "junk.json"
    junk.write_text('{"not": "a report"}')
    first = shard(shards, "a.json", "plain")

    assert main(["merge", str(junk)]) == 2
    assert main(["merge", str(first), "--fail", "regression"]) == 2
    assert main(["merge", str(first), "--compare", "x", "--fail", "speed>1"]) == 2
    err = capsys.readouterr().err
    assert "junk.json: not an --agno-eval JSON report" in err
    assert "--fail needs --compare" in err


def test_same_result_under_xdist(shards: pytest.Pytester) -> None:
    serial = shard(shards, "serial.json", "sleep or leak or plain")
    parallel = shards.runpytest_subprocess(
        "-n", "4", "-p", "no:cacheprovider", "--agno-eval-json=parallel.json"
    )
    parallel.assert_outcomes(passed=3)

    _, one = merge(serial)
    _, other = merge(shards.path / "parallel.json")

    assert one["summary"] == other["summary"]
    assert sorted(r["key"] for r in one["evals"]) == sorted(r["key"] for r in other["evals"])
    assert sorted((t["nodeid"], t["outcome"]) for t in one["tests"]) == sorted(
        (t["nodeid"], t["outcome"]) for t in other["tests"]
    )


def test_module_entry_point(shards: pytest.Pytester) -> None:
    first = shard(shards, "a.json", "plain")

    completed = subprocess.run(
        [sys.executable, "-m", "pytest_agno", "merge", str(first)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert "merged 1 reports: 1 tests, 0 perf evals" in completed.stdout
