"""`pytest --agno-eval`: the terminal table, the JSON report (schema-checked), the HTML page."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from pytest_agno import REPORT_SCHEMA

SUITE = """
import pytest
from pytest_agno import PerfGateError

LEAK = []


async def test_agent_runs(agent, mock_model):
    mock_model.add_text("a", input_tokens=30, output_tokens=7)
    mock_model.add_text("b", input_tokens=40, output_tokens=9)
    await agent.arun("one")
    await agent.arun("two")


@pytest.mark.agno_cancel("before_start")
@pytest.mark.agno_background
async def test_cancelled(agent):
    await agent.arun("never")


async def test_perf_of_agent(perf_eval, agent):
    await perf_eval.arun(lambda: agent.arun("hi"), name="agent run", num_iterations=3,
                         warmup_runs=1, max_runtime_ms=10_000)


@pytest.mark.parametrize("label", ["<script>alert(1)</script>"])
def test_leak_caught(perf_eval, label):
    with pytest.raises(PerfGateError):
        perf_eval(lambda: LEAK.append(bytearray(30_000)), name="leak", num_iterations=4,
                  warmup_runs=0, max_growth_kib=8, measure_runtime=False)


def test_plain():
    pass
"""


def run_suite(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_suite=SUITE)
    result = pytester.runpytest("-p", "no:cacheprovider", *args)
    result.assert_outcomes(passed=5)
    return result


def test_terminal_table(agno_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # names are clipped to fit the terminal's width
    result = run_suite(agno_pytester, "--agno-eval")
    result.stdout.fnmatch_lines(
        [
            "*= agno eval =*",
            "perf evals: 2 (0 crossed a gate, 1 expected to)",
            "  eval * median * p95 * peak * growth/iter * tokens/run * verdict",
            "  test_suite.py::test_perf_of_agent::agent run * [mu]s * [mu]s * KiB * - * 20 * pass",
            "  test_suite.py::test_leak_caught?<script>alert(1)</script>?::leak * - * - * KiB "
            "* +2[89].* KiB * - * expected FAIL",
            "  expected test_suite.py::test_leak_caught*: memory growth per iteration: limit 8 "
            "KiB, measured 2[89].* KiB (max_growth_kib)",
            "agent/team runs: 3 in 2 tests",
            "  test * runs * input * output * total * duration * ttft * status",
            "  test_suite.py::test_agent_runs * 2 * 70 * 16 * 86 * COMPLETED x2",
            "  test_suite.py::test_cancelled * 1 * 0 * 0 * 0 * - * - * CANCELLED",
        ]
    )
    # runs made while an eval measured are counted in its row, not listed under the test
    assert "test_perf_of_agent " not in result.stdout.str().split("agent/team runs")[1]


def test_terminal_table_clips_names_to_the_width(
    agno_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    result = run_suite(agno_pytester, "--agno-eval")
    table = result.stdout.lines[result.stdout.lines.index("agent/team runs: 3 in 2 tests") :]
    assert all(len(line) <= 100 for line in table[:4])
    result.stdout.fnmatch_lines(["  test_suite.py::test_agent_runs * 2 * 70 * 16 * 86 *"])
    clipped = "  test_suite.py::te...*]::leak * - * - * KiB * +2[89].* KiB * - * expected FAIL"
    result.stdout.fnmatch_lines([clipped])


class Elements(HTMLParser):
    """Start tags (with attributes) and the text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_json_report_matches_its_schema(agno_pytester: pytest.Pytester) -> None:
    run_suite(agno_pytester, "--agno-eval-json=out/report.json")
    document = json.loads((agno_pytester.path / "out" / "report.json").read_text())
    jsonschema.validate(document, REPORT_SCHEMA)
    assert document["schema"] == "pytest-agno-eval/1"
    assert document["summary"] == {
        "tests": 5,  # every test, test_plain (no agent, no eval) included
        "runs": 3,
        "evals": 2,
        "failed_evals": 0,  # the leak's gate failed, as its test expected (pytest.raises)
        "regressions": 0,
    }
    agent_eval, leak = document["evals"]
    assert agent_eval["key"] == "test_suite.py::test_perf_of_agent::agent run"
    assert agent_eval["verdict"] == "pass" and agent_eval["baseline"] == "not requested"
    assert agent_eval["tokens"]["runs"] >= 4 and agent_eval["tokens"]["total_tokens"] > 0
    assert [gate["gate"] for gate in agent_eval["gates"]] == ["max_runtime_ms"]
    assert len(agent_eval["result"]["run_times"]) == 3
    assert leak["verdict"] == "fail" and len(leak["result"]["growth_per_iteration"]) == 4
    assert leak["expected"] is True and agent_eval["expected"] is False
    assert leak["result"]["growth_sites"][0]["filename"].endswith("test_suite.py")
    runs = {test["nodeid"]: test for test in document["tests"]}
    assert [run["status"] for run in runs["test_suite.py::test_cancelled"]["runs"]] == ["CANCELLED"]
    assert runs["test_suite.py::test_agent_runs"]["totals"]["total_tokens"] == 86
    assert runs["test_suite.py::test_perf_of_agent"]["evals"] == [agent_eval["key"]]
    plain = runs["test_suite.py::test_plain"]
    assert plain["outcome"] == "passed" and plain["runs"] == [] and plain["evals"] == []


def test_schema_rejects_a_malformed_report() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"schema": "pytest-agno-eval/1", "evals": []}, REPORT_SCHEMA)


def test_html_report_has_plots_and_escapes_everything(agno_pytester: pytest.Pytester) -> None:
    run_suite(agno_pytester, "--agno-eval-html=report.html")
    page = (agno_pytester.path / "report.html").read_text()
    parser = Elements()
    parser.feed(page)
    tags = [tag for tag, _ in parser.tags]
    assert "script" not in tags and "img" not in tags
    plots = [attrs["class"] for tag, attrs in parser.tags if tag == "svg"]
    # each eval: a runtime distribution and memory per iteration; the leak also its growth
    assert plots == [
        "plot runtime",
        "plot memory",
        "plot runtime",
        "plot memory",
        "plot growth",
    ]
    assert tags.count("circle") == 3  # one dot per timed sample of the agent eval
    assert tags.count("rect") == 3 + 4 + 4  # one bar per measured iteration
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert any("test_leak_caught[<script>alert(1)</script>]::leak" in t for t in parser.text)
    assert "<script" not in page.lower()


def write_timed_suite(pytester: pytest.Pytester, sleep: float) -> None:
    pytester.makepyfile(
        test_timed=f"""
        import time


        def test_work(perf_eval):
            perf_eval(lambda: time.sleep({sleep}), name="sleep", num_iterations=5,
                      warmup_runs=0, measure_memory=False)
        """
    )


def test_save_compare_and_fail_on_regression(agno_pytester: pytest.Pytester) -> None:
    # 2 ms against 20 ms: a regression no load can hide or fake (a sleep's steady time can come
    # out a few ms off on a throttled machine).
    write_timed_suite(agno_pytester, 0.002)
    saved = agno_pytester.runpytest("-p", "no:cacheprovider", "--agno-eval-save=main")
    saved.assert_outcomes(passed=1)
    baseline = agno_pytester.path / ".agno-eval" / "main.json"
    saved.stdout.fnmatch_lines([f"baseline written to {baseline}"])
    jsonschema.validate(json.loads(baseline.read_text()), REPORT_SCHEMA)

    write_timed_suite(agno_pytester, 0.02)
    compared = agno_pytester.runpytest("-p", "no:cacheprovider", "--agno-eval-compare=main")
    compared.assert_outcomes(passed=1)  # compared and reported, no rule to fail on
    compared.stdout.fnmatch_lines(
        ["  test_timed.py::test_work::sleep * pass (regression: runtime*)"]
    )

    failed = agno_pytester.runpytest(
        "-p", "no:cacheprovider", f"--agno-eval-compare={baseline}", "--agno-eval-fail=runtime>50%"
    )
    failed.assert_outcomes(failed=1)
    failed.stdout.fnmatch_lines(
        [
            f"*PerfGateError: perf_eval 'sleep' regressed against baseline '{baseline}'"
            " (and again when measured once more):",
            "*median_run_time*: baseline * ms, current * ms, change +* ms (+*%), noise ±*"
            " (rule: runtime>50%)",
        ]
    )
    # max_regression= gates one call the same way, with the baseline from the options
    agno_pytester.makepyfile(
        test_timed="""
        import time


        def test_work(perf_eval):
            perf_eval(lambda: time.sleep(0.02), name="sleep", num_iterations=5,
                      warmup_runs=0, measure_memory=False, max_regression=0.5)
        """
    )
    gated = agno_pytester.runpytest("-p", "no:cacheprovider", "--agno-eval-compare=main")
    gated.assert_outcomes(failed=1)
    gated.stdout.fnmatch_lines(["*(rule: max_regression=0.5)"])


def test_missing_baseline_is_recorded_not_an_error(agno_pytester: pytest.Pytester) -> None:
    write_timed_suite(agno_pytester, 0)
    result = agno_pytester.runpytest(
        "-p",
        "no:cacheprovider",
        "--agno-eval-compare=nothing-here",
        "--agno-eval-fail=regression",
        "--agno-eval-json=report.json",
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "baseline 'nothing-here' not found at *nothing-here.json: nothing compared*",
            "  test_timed.py::test_work::sleep * pass (no baseline)",
        ]
    )
    document: dict[str, Any] = json.loads((agno_pytester.path / "report.json").read_text())
    assert document["baseline"]["found"] is False
    assert document["evals"][0]["baseline"] == "missing"


def test_ini_twins_turn_the_report_on(agno_pytester: pytest.Pytester) -> None:
    ini = agno_pytester.path / "tox.ini"
    ini.write_text(
        ini.read_text().rstrip() + "\nagno_eval = true\nagno_eval_json = ini-report.json\n"
        "agno_eval_dir = baselines\nagno_eval_save = nightly\n"
    )
    write_timed_suite(agno_pytester, 0)
    result = agno_pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*= agno eval =*"])
    assert Path(agno_pytester.path / "ini-report.json").is_file()
    assert Path(agno_pytester.path / "baselines" / "nightly.json").is_file()


def test_paths_from_the_ini_are_under_the_rootdir_from_any_directory(
    agno_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Run from a subdirectory, the report paths of the ini file went under the current
    # directory while its history went under the rootdir, and a compare baseline given as a
    # path was looked up there too: silently "no baseline", a CI gate that gates nothing.
    ini = agno_pytester.path / "tox.ini"
    ini.write_text(
        ini.read_text().rstrip() + "\nagno_eval_json = reports/eval.json\n"
        "agno_eval_html = reports/eval.html\nagno_eval_history = reports/history\n"
        "agno_eval_save = baselines/main.json\n"
    )
    sub = agno_pytester.mkdir("suite")
    (sub / "test_timed.py").write_text(
        "def test_work(perf_eval):\n"
        "    perf_eval(lambda: sum(range(100)), name='sum', num_iterations=3, warmup_runs=0)\n"
    )
    monkeypatch.chdir(sub)

    saved = agno_pytester.runpytest("-p", "no:cacheprovider")

    saved.assert_outcomes(passed=1)
    root = agno_pytester.path
    for written in ("reports/eval.json", "reports/eval.html", "reports/history/history.jsonl"):
        assert (root / written).is_file(), written
    assert (root / "baselines" / "main.json").is_file()
    assert not (sub / "reports").exists() and not (sub / "baselines").exists()
    saved.stdout.fnmatch_lines([f"JSON report written to {root / 'reports' / 'eval.json'}"])

    # On the command line a path is relative to where pytest runs, as the shell has it.
    compared = agno_pytester.runpytest(
        "-p",
        "no:cacheprovider",
        "--agno-eval-compare=../baselines/main.json",
        "--agno-eval-json=here.json",
    )

    compared.assert_outcomes(passed=1)
    document: dict[str, Any] = json.loads((sub / "here.json").read_text())
    assert document["baseline"]["found"] is True
    assert document["evals"][0]["baseline"] == "compared"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agno-eval-fail=runtime>>1"], "--agno-eval-fail: 'runtime>>1' is not a condition*"),
        (["--agno-eval-fail=regression"], "--agno-eval-fail needs --agno-eval-compare *"),
        (["--agno-eval-compare=bad.json"], "--agno-eval-compare: *bad.json is not an --agno-eval*"),
    ],
)
def test_bad_options_are_usage_errors(
    agno_pytester: pytest.Pytester, args: list[str], message: str
) -> None:
    (agno_pytester.path / "bad.json").write_text("{}")
    agno_pytester.makepyfile("def test_x(): pass")
    result = agno_pytester.runpytest("-p", "no:cacheprovider", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {message}"])


def test_report_of_a_suite_without_agents(agno_pytester: pytest.Pytester) -> None:
    agno_pytester.makepyfile("def test_x(): pass")
    result = agno_pytester.runpytest("-p", "no:cacheprovider", "--agno-eval")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*= agno eval =*", "perf evals: none", "agent/team runs: none"])


def test_ini_fail_rules_without_a_baseline_say_they_gated_nothing(
    agno_pytester: pytest.Pytester,
) -> None:
    # Rules in the ini for every run, the baseline given in CI: a local run is no usage error,
    # but the report must not let a gate that gated nothing look like a passed one.
    ini = agno_pytester.path / "tox.ini"
    ini.write_text(ini.read_text().rstrip() + "\nagno_eval_fail = regression\n")
    write_timed_suite(agno_pytester, 0)

    result = agno_pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*= agno eval =*",
            "agno_eval_fail 'regression' gated nothing: no --agno-eval-compare baseline *",
        ]
    )


def test_a_regression_in_the_table_names_its_metrics() -> None:
    # "pass (regression)" beside `--agno-eval-fail=regression` read as a gate that did not
    # work; the regression was the p95's, which only a rule naming p95 fails on.
    from pytest_agno.report._records import EvalRecord
    from pytest_agno.report._terminal import eval_verdict

    def record(*regressed: str) -> EvalRecord:
        metrics = [
            {"metric": name, "verdict": "regression" if name in regressed else "unchanged"}
            for name in ("median_run_time", "p95_run_time", "avg_growth_per_iteration")
        ]
        verdict = "regression" if regressed else "unchanged"
        comparison = {"verdict": verdict, "metrics": metrics, "skipped": []}
        return EvalRecord(nodeid="t.py::t", name="e", baseline="compared", comparison=comparison)

    assert eval_verdict(record("p95_run_time")) == "pass (regression: p95)"
    both = record("median_run_time", "avg_growth_per_iteration")
    assert eval_verdict(both) == "pass (regression: runtime, growth)"
    assert eval_verdict(record()) == "pass (unchanged)"


def test_a_session_that_measured_nothing_keeps_the_baseline_and_the_history(
    agno_pytester: pytest.Pytester,
) -> None:
    # IDEs discover tests with `pytest --collect-only`, and run one test at a time: with the
    # ini twins set, each such session replaced the baseline with an empty one.
    ini = agno_pytester.path / "tox.ini"
    ini.write_text(
        ini.read_text().rstrip() + "\nagno_eval_save = main\nagno_eval_json = report.json\n"
        "agno_eval_history = hist\n"
    )
    agno_pytester.makepyfile(
        test_suite="""
        def test_perf(perf_eval):
            perf_eval(lambda: sum(range(100)), name="sum", num_iterations=3, warmup_runs=0)


        def test_plain():
            pass
        """
    )
    agno_pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)
    written = ["report.json", ".agno-eval/main.json", "hist/history.jsonl"]
    before = {name: (agno_pytester.path / name).read_text() for name in written}

    collected = agno_pytester.runpytest("-p", "no:cacheprovider", "--collect-only")

    assert collected.ret == pytest.ExitCode.OK
    assert "agno eval" not in collected.stdout.str()
    assert {name: (agno_pytester.path / name).read_text() for name in written} == before

    plain = agno_pytester.runpytest("-p", "no:cacheprovider", "-k", "plain")

    plain.assert_outcomes(passed=1, deselected=1)
    plain.stdout.fnmatch_lines(
        [
            "perf evals: none",
            "JSON report written to *report.json",
            "baseline not written: no perf eval ran; *main.json is kept",
            "history not appended: no perf eval ran",
        ]
    )
    for name in written[1:]:
        assert (agno_pytester.path / name).read_text() == before[name], name
