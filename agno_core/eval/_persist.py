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


def eval_run_record(
    result: PerformanceResult,
    *,
    agent_id: str | None = None,
    team_id: str | None = None,
    workflow_id: str | None = None,
    model_id: str | None = None,
    model_provider: str | None = None,
    evaluated_component_name: str | None = None,
) -> dict[str, Any]:
    """The row for the eval-runs table; ``created_at`` is seconds since the epoch.

    The database reads it back as Agno's ``EvalRunRecord``: ``run_id`` is ``eval_id``,
    ``eval_type`` is ``"performance"``, ``eval_data`` is ``{"result": result.to_dict(),
    "runs": [...]}`` and ``eval_input`` holds ``num_iterations`` and ``warmup_runs``.

    Args:
        result: What the eval measured.
        agent_id: The evaluated agent, when known (and the other ids alike: what Agno's
            ``PerformanceEval`` stores beside the result); only given ones are in the record.
        team_id: The evaluated team.
        workflow_id: The evaluated workflow.
        model_id: The evaluated model's id (never the model object: no key is stored).
        model_provider: The evaluated model's provider.
        evaluated_component_name: The name of the measured function.
    """
    record: dict[str, Any] = {
        "eval_id": result.eval_id,
        "name": result.name,
        "eval_type": "performance",
        "created_at": result.created_at,
        "result": result.to_dict(),
    }
    known = {
        "agent_id": agent_id,
        "team_id": team_id,
        "workflow_id": workflow_id,
        "model_id": model_id,
        "model_provider": model_provider,
        "evaluated_component_name": evaluated_component_name,
    }
    record.update({key: value for key, value in known.items() if value is not None})
    return record


def write_json(result: PerformanceResult, path: str | os.PathLike[str]) -> Path:
    """Write ``result.to_dict()`` as JSON to ``path``, creating parent directories."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
    return target
