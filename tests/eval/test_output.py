"""Results leave the eval intact: JSON, files, database records, summaries and printed tables."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agno_core.eval.performance import GrowthSite, PerformanceEval, PerformanceResult

LEAK_SIZE = 64 * 1024
_leaked: list[bytearray] = []


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    _leaked.clear()
    yield
    _leaked.clear()


def leak() -> None:
    _leaked.append(bytearray(LEAK_SIZE))


async def async_leak() -> None:
    _leaked.append(bytearray(LEAK_SIZE))


class FakeDb:
    def __init__(self) -> None:
        self.saved: list[dict[str, Any]] = []
        self.asaved: list[dict[str, Any]] = []

    def save_eval_run(self, record: dict[str, Any]) -> None:
        self.saved.append(record)

    async def asave_eval_run(self, record: dict[str, Any]) -> None:
        self.asaved.append(record)


def measured(**overrides: Any) -> PerformanceEval:
    settings: dict[str, Any] = {
        "func": leak,
        "name": "leaky",
        "num_iterations": 3,
        "warmup_runs": 1,
        "memory_growth_tracking": True,
    }
    settings.update(overrides)
    return PerformanceEval(**settings)


@pytest.fixture(scope="module")
def leaky_result() -> PerformanceResult:
    return measured().run()


def test_json_round_trip(leaky_result: PerformanceResult) -> None:
    data = json.loads(json.dumps(leaky_result.to_dict()))

    restored = PerformanceResult.from_dict(data)

    assert restored == leaky_result
    assert isinstance(restored.growth_sites[0], GrowthSite)
    assert restored.p95_run_time == leaky_result.p95_run_time
    assert data["avg_growth_per_iteration"] == leaky_result.avg_growth_per_iteration
    assert data["name"] == "leaky"
    assert {"python_version", "platform", "created_at", "eval_id"} <= data.keys()


def test_from_dict_ignores_derived_and_unknown_keys() -> None:
    restored = PerformanceResult.from_dict(
        {"run_times": [1.0, 3.0], "avg_run_time": 99.0, "added_later": True}
    )

    assert restored.avg_run_time == 2.0


def test_result_is_saved_as_json(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "dir" / "result.json"

    result = measured(file_path_to_save_results=str(target)).run()

    assert PerformanceResult.from_dict(json.loads(target.read_text())) == result


def test_run_saves_a_record_to_the_db() -> None:
    db = FakeDb()
    evaluation = measured(db=db, eval_id="fixed-id")

    result = evaluation.run()

    assert db.asaved == []
    (record,) = db.saved
    assert record == {
        "eval_id": "fixed-id",
        "name": "leaky",
        "eval_type": "performance",
        "created_at": result.created_at,
        "result": result.to_dict(),
        "evaluated_component_name": "leak",  # the measured function's name
    }
    assert isinstance(record["created_at"], float)
    json.dumps(record)


async def test_arun_awaits_the_async_save() -> None:
    db = FakeDb()

    result = await measured(func=async_leak, db=db).arun()

    assert db.saved == []
    (record,) = db.asaved
    assert record["eval_id"] == result.eval_id
    assert record["result"]["growth_per_iteration"] == result.growth_per_iteration


def test_result_is_kept_on_the_eval() -> None:
    evaluation = measured(num_iterations=1, memory_growth_tracking=False)

    result = evaluation.run()

    assert evaluation.result is result
    assert result.eval_id == evaluation.eval_id
    assert (result.num_iterations, result.warmup_runs) == (1, 1)


def test_summary_shows_statistics_and_growth(leaky_result: PerformanceResult) -> None:
    text = leaky_result.summary()

    assert "'leaky'" in text
    for label in ("Wall time per call", "CPU time per call", "Peak memory", "Retained per call"):
        assert label in text
    growth = (
        f"average growth per iteration: {leaky_result.avg_growth_per_iteration / 1024:+.1f} KiB"
    )
    assert growth in text
    site = leaky_result.growth_sites[0]
    assert f"test_output.py:{site.lineno}" in text
    assert f"+{site.size_diff / 1024:.1f} KiB" in text
    first = leaky_result.growth_per_iteration[0] / 1024
    assert f"per iteration: {first:+.1f} KiB" in text


def test_summary_says_when_growth_was_not_tracked() -> None:
    result = measured(memory_growth_tracking=False, num_iterations=1).run()

    assert "not tracked" in result.summary()


def test_summary_of_an_empty_result() -> None:
    text = PerformanceResult().summary()

    assert "Performance summary" in text


def test_print_flags_print_with_rich(capsys: pytest.CaptureFixture[str]) -> None:
    measured(print_summary=True, print_results=True).run()

    out = capsys.readouterr().out
    assert "Performance results" in out
    assert "Performance summary" in out
    assert "Memory growth" in out
    assert re.search(r"\+6[34]\.[0-9] KiB", out), out


def test_run_arguments_override_print_flags(capsys: pytest.CaptureFixture[str]) -> None:
    evaluation = measured(print_summary=True, num_iterations=1)

    evaluation.run(print_summary=False)
    assert capsys.readouterr().out == ""

    evaluation.run(print_results=True, print_summary=False)
    assert "Performance results" in capsys.readouterr().out


def test_printing_without_rich(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    leaky_result: PerformanceResult,
) -> None:
    for module in ("rich", "rich.console", "rich.markup", "rich.table", "rich.text"):
        monkeypatch.setitem(sys.modules, module, None)

    leaky_result.print_summary()
    leaky_result.print_results()

    out = capsys.readouterr().out
    assert leaky_result.summary() in out
    assert "Iteration" in out
    assert "Growth" in out


def test_results_table_marks_outliers(capsys: pytest.CaptureFixture[str]) -> None:
    result = PerformanceResult(run_times=[1.0] * 9 + [9.0], num_iterations=10)

    result.print_results()

    out = capsys.readouterr().out
    assert "10 *" in out
    assert "runtime outlier" in out


def test_rich_console_can_be_given() -> None:
    from rich.console import Console

    console = Console(record=True, width=200)
    PerformanceResult(run_times=[1e-3, 2e-3], growth_per_iteration=[5, 5]).print_summary(console)

    assert "average growth per iteration: +5 B" in console.export_text()
