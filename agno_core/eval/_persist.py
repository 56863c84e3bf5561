"""Saving results: a JSON file, and an eval-run record handed to a database."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from agno_core.eval._result import PerformanceResult

__all__ = ["EvalRunDb", "eval_run_record", "write_json"]


class EvalRunDb(Protocol):
    """What a database needs to store eval runs (``SqliteDb`` and ``PostgresDb`` have it)."""

    def save_eval_run(self, record: dict[str, Any]) -> object:
        """Store one eval run (called by ``PerformanceEval.run``)."""
        ...

    async def asave_eval_run(self, record: dict[str, Any]) -> object:
        """Store one eval run (awaited by ``PerformanceEval.arun``)."""
        ...


def eval_run_record(result: PerformanceResult) -> dict[str, Any]:
    """The row for the eval-runs table; ``created_at`` is seconds since the epoch."""
    return {
        "eval_id": result.eval_id,
        "name": result.name,
        "eval_type": "performance",
        "created_at": result.created_at,
        "result": result.to_dict(),
    }


def write_json(result: PerformanceResult, path: str | os.PathLike[str]) -> Path:
    """Write ``result.to_dict()`` as JSON to ``path``, creating parent directories."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
    return target
