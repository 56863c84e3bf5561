"""The ``--agno-eval*`` options, read once per process, and the baseline they point at."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pytest_agno.perf._gates import Rule, parse_rules

__all__ = ["SETTINGS_KEY", "EvalSettings", "baseline_path", "read_settings"]

DEFAULT_DIR = ".agno-eval"


@dataclass(kw_only=True)
class EvalSettings:
    """What ``--agno-eval`` and its companions ask for.

    Attributes:
        report: Collect results and report them at the end of the session.
        json_path: Where to write the JSON report.
        html_path: Where to write the HTML report.
        directory: Where named baselines live.
        save: Save this session's results as this baseline (a name or a path).
        compare: Compare every perf eval with this baseline (a name or a path).
        fail_expression: The ``--agno-eval-fail`` expression as given.
        rules: It, parsed.
        baseline: ``{eval key: PerformanceResult dict}`` of the compare baseline.
        baseline_found: The compare baseline file exists.
        history_dir: Where each run's results are appended (``--agno-eval-history``).
        history_size: How many runs the history keeps (``--agno-eval-history-size``).
        confirm: How many times an eval that broke a regression rule, or whose runtime passed
            only by its load allowance, is measured again (see ``_eval._Confirmation``);
            ``--agno-eval-confirm``, default 1.
    """

    report: bool = False
    json_path: Path | None = None
    html_path: Path | None = None
    directory: Path = Path(DEFAULT_DIR)
    save: str | None = None
    compare: str | None = None
    fail_expression: str | None = None
    rules: tuple[Rule, ...] = ()
    baseline: dict[str, dict[str, Any]] = field(default_factory=dict)
    baseline_found: bool = False
    confirm: int = 1
    history_dir: Path | None = None
    history_size: int = 50

    @property
    def compare_path(self) -> Path | None:
        return baseline_path(self.compare, self.directory) if self.compare else None

    @property
    def save_path(self) -> Path | None:
        return baseline_path(self.save, self.directory) if self.save else None


SETTINGS_KEY = pytest.StashKey[EvalSettings]()


def baseline_path(name_or_path: str, directory: Path) -> Path:
    """A baseline's file: a bare name is ``<directory>/<name>.json``; anything else a path."""
    if name_or_path.endswith(".json") or "/" in name_or_path or "\\" in name_or_path:
        return Path(name_or_path)
    return directory / f"{name_or_path}.json"


def _option(config: pytest.Config, name: str) -> str | None:
    value = config.getoption(name) or config.getini(name)
    return str(value) if value else None


def _load_baseline(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {record["key"]: record["result"] for record in data["evals"]}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise pytest.UsageError(
            f"--agno-eval-compare: {path} is not an --agno-eval JSON report: {error!r}"
        ) from error


def _count(text: str, option: str, *, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise pytest.UsageError(f"{option}: expected a whole number >= {minimum}, got {text!r}")
    return value


def read_settings(config: pytest.Config) -> EvalSettings:
    """Parse the options (command line over ini) and load the compare baseline.

    Any ``--agno-eval-*`` option but ``--agno-eval-dir`` turns the report on.

    Raises:
        pytest.UsageError: for an invalid ``--agno-eval-fail`` expression, or a compare baseline
            that exists but cannot be read.
    """
    root = config.rootpath
    directory = Path(_option(config, "agno_eval_dir") or root / DEFAULT_DIR)
    json_path, html_path = _option(config, "agno_eval_json"), _option(config, "agno_eval_html")
    settings = EvalSettings(
        json_path=Path(json_path) if json_path else None,
        html_path=Path(html_path) if html_path else None,
        directory=directory if directory.is_absolute() else root / directory,
        save=_option(config, "agno_eval_save"),
        compare=_option(config, "agno_eval_compare"),
        fail_expression=_option(config, "agno_eval_fail"),
    )
    history = _option(config, "agno_eval_history")
    if history:
        history_dir = Path(history)
        settings.history_dir = history_dir if history_dir.is_absolute() else root / history_dir
    size = _option(config, "agno_eval_history_size")
    if size is not None:
        settings.history_size = _count(size, "--agno-eval-history-size", minimum=1)
    confirm = _option(config, "agno_eval_confirm")
    if confirm is not None:
        settings.confirm = _count(confirm, "--agno-eval-confirm", minimum=0)
    if settings.fail_expression:
        try:
            settings.rules = parse_rules(settings.fail_expression)
        except ValueError as error:
            raise pytest.UsageError(f"--agno-eval-fail: {error}") from error
    eval_flag = config.getoption("agno_eval") or config.getini("agno_eval")
    settings.report = bool(eval_flag) or any(
        (
            json_path,
            html_path,
            settings.save,
            settings.compare,
            settings.fail_expression,
            settings.history_dir,
        )
    )
    compare_path = settings.compare_path
    if compare_path is not None and compare_path.is_file():
        settings.baseline = _load_baseline(compare_path)
        settings.baseline_found = True
    return settings
