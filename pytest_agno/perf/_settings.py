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
        json_path: Where to write the JSON report (absolute: see `read_settings`).
        html_path: Where to write the HTML report (absolute).
        directory: Where named baselines live (absolute).
        save: Save this session's results as this baseline (a name or a path).
        compare: Compare every perf eval with this baseline (a name or a path).
        save_base: What a relative ``save`` path is relative to (None: the current directory).
        compare_base: The same for ``compare``.
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
    save_base: Path | None = None
    compare_base: Path | None = None
    fail_expression: str | None = None
    rules: tuple[Rule, ...] = ()
    baseline: dict[str, dict[str, Any]] = field(default_factory=dict)
    baseline_found: bool = False
    confirm: int = 1
    history_dir: Path | None = None
    history_size: int = 50

    @property
    def compare_path(self) -> Path | None:
        if not self.compare:
            return None
        return baseline_path(self.compare, self.directory, self.compare_base)

    @property
    def save_path(self) -> Path | None:
        return baseline_path(self.save, self.directory, self.save_base) if self.save else None


SETTINGS_KEY = pytest.StashKey[EvalSettings]()


def baseline_path(name_or_path: str, directory: Path, base: Path | None = None) -> Path:
    """A baseline's file: a bare name is ``<directory>/<name>.json``; anything else a path,
    relative to ``base`` when given (else to the current directory)."""
    if name_or_path.endswith(".json") or "/" in name_or_path or "\\" in name_or_path:
        return base / name_or_path if base is not None else Path(name_or_path)
    return directory / f"{name_or_path}.json"


def _option(config: pytest.Config, name: str) -> str | None:
    value = config.getoption(name)
    if value is None or value == "":
        try:
            value = config.getini(name)  # may be an int (the counts), 0 included
        except (TypeError, ValueError, pytest.UsageError) as error:  # it names no key
            raise pytest.UsageError(f"ini option {name}: {error}") from None
    return None if value is None or value == "" else str(value)


def _located(config: pytest.Config, name: str) -> tuple[str, Path] | None:
    """The option's value and the directory a relative path in it is relative to: where pytest
    was started for the command line (as a shell resolves it), the rootdir for the ini key (as
    the ini file means it, wherever pytest is started from)."""
    value = config.getoption(name)
    if value:
        return str(value), config.invocation_params.dir
    value = config.getini(name)
    return (str(value), config.rootpath) if value else None


def _path(config: pytest.Config, name: str) -> Path | None:
    located = _located(config, name)
    return located[1] / located[0] if located is not None else None


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

    Any ``--agno-eval-*`` option but ``--agno-eval-dir`` turns the report on. Paths are made
    absolute here: a relative one given on the command line is relative to the directory pytest
    was started from, one from the ini file to the rootdir; so a run from a subdirectory, or a
    test that changes the working directory, writes and reads the same files.

    Raises:
        pytest.UsageError: for an invalid ``--agno-eval-fail`` expression, one given on the
            command line with no compare baseline, or a compare baseline that exists but
            cannot be read.
    """
    save, compare = _located(config, "agno_eval_save"), _located(config, "agno_eval_compare")
    settings = EvalSettings(
        json_path=_path(config, "agno_eval_json"),
        html_path=_path(config, "agno_eval_html"),
        directory=_path(config, "agno_eval_dir") or config.rootpath / DEFAULT_DIR,
        save=save[0] if save else None,
        save_base=save[1] if save else None,
        compare=compare[0] if compare else None,
        compare_base=compare[1] if compare else None,
        fail_expression=_option(config, "agno_eval_fail"),
        history_dir=_path(config, "agno_eval_history"),
    )
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
        if not settings.compare and config.getoption("agno_eval_fail"):
            # As `pytest-agno merge --fail`: rules with nothing to compare against gate nothing.
            # From the ini (rules for every run, the baseline given in CI) the report says so.
            raise pytest.UsageError(
                "--agno-eval-fail needs --agno-eval-compare (the baseline its rules compare "
                "against)"
            )
    eval_flag = config.getoption("agno_eval") or config.getini("agno_eval")
    settings.report = bool(eval_flag) or any(
        (
            settings.json_path,
            settings.html_path,
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
