"""What the renderings read from the session, and what the session reads from the settings.

Two protocols keep the report's imports pointing one way: the terminal table and the JSON report
take a `SessionView` (not the session class that calls them), and the session takes
`ReportSettings` (not `pytest_agno.perf`'s settings class, which builds on the report).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pytest

    from pytest_agno.report._records import EvalRecord, TestRecord

__all__ = ["ReportSettings", "SessionView"]


class ReportSettings(Protocol):
    """The ``--agno-eval*`` settings the report uses: where to write, and the compare baseline."""

    json_path: Path | None
    html_path: Path | None
    compare: str | None
    baseline_found: bool
    fail_expression: str | None
    history_dir: Path | None
    history_size: int

    @property
    def save_path(self) -> Path | None: ...
    @property
    def compare_path(self) -> Path | None: ...


class SessionView(Protocol):
    """A merged session as the renderings see it."""

    settings: ReportSettings
    written: list[tuple[str, Path]]
    notes: list[str]
    config: pytest.Config

    def reported(self) -> list[TestRecord]: ...
    def evals(self) -> list[EvalRecord]: ...
