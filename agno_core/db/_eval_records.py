"""Eval runs as Agno reads them back: `EvalRunRecord`, `EvalType`, `EvalFilterType`, and the
mapping between them and a row of the eval-runs table.

A row keeps what an eval stored in its ``data`` column, as stored (for a `PerformanceEval`:
``{"eval_id", "name", "eval_type", "created_at", "result"}``), and the fields Agno filters and
sorts on in columns of their own. Agno's ``eval_data`` and ``eval_input`` are read from
``data``: given as such (`EvalRunRecord`) or, for a performance result, built from it the way
Agno's ``PerformanceEval`` builds them, so rows written before these fields existed read the
same as new ones.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from enum import Enum
from itertools import zip_longest
from typing import Any

from pydantic import BaseModel

__all__ = [
    "EvalFilterType",
    "EvalRunRecord",
    "EvalType",
    "insert_values",
    "performance_eval_data",
    "row_dict",
]


class EvalType(str, Enum):
    """The kind of an eval run (Agno's values; agno_core writes ``performance``)."""

    ACCURACY = "accuracy"
    AGENT_AS_JUDGE = "agent_as_judge"
    PERFORMANCE = "performance"
    RELIABILITY = "reliability"


class EvalFilterType(str, Enum):
    """``get_eval_runs(filter_type=...)``: only runs that evaluated an agent, a team or a
    workflow (whose ``agent_id``, ``team_id`` or ``workflow_id`` is set)."""

    AGENT = "agent"
    TEAM = "team"
    WORKFLOW = "workflow"


class EvalRunRecord(BaseModel):
    """An eval run stored in the database, as Agno's ``EvalRunRecord``.

    Attributes:
        agent_id: The evaluated agent, when known.
        model_id: Its model's id, when known.
        model_provider: Its model's provider, when known.
        team_id: The evaluated team, when known.
        workflow_id: The evaluated workflow, when known.
        name: The eval's name.
        evaluated_component_name: The name of what was evaluated (a function's name).
        run_id: The eval run's id (a `PerformanceResult`'s ``eval_id``).
        eval_type: The kind of eval.
        eval_data: Its result; for a performance eval ``{"result": {...}, "runs": [...]}``
            as in Agno, ``result`` holding every field of the `PerformanceResult`
            (``PerformanceResult.from_dict(record.eval_data["result"])`` rebuilds it) and
            ``runs`` one ``{"runtime", "memory"}`` entry per iteration.
        eval_input: Its settings (``num_iterations``, ``warmup_runs`` for a performance eval).
    """

    agent_id: str | None = None
    model_id: str | None = None
    model_provider: str | None = None
    team_id: str | None = None
    workflow_id: str | None = None
    name: str | None = None
    evaluated_component_name: str | None = None

    run_id: str
    eval_type: EvalType
    eval_data: dict[str, Any]
    eval_input: dict[str, Any] | None = None


# The columns of the eval-runs table that hold an `EvalRunRecord` field of the same name.
COLUMN_FIELDS = (
    "name",
    "agent_id",
    "team_id",
    "workflow_id",
    "model_id",
    "model_provider",
    "evaluated_component_name",
)


def performance_eval_data(result: Mapping[str, Any]) -> dict[str, Any]:
    """Agno's ``eval_data`` of a performance eval, from ``PerformanceResult.to_dict()``.

    ``runs`` pairs each run time with the memory of the same iteration, as Agno does; when
    only one of them was measured, the other is None (Agno would list no runs).
    """
    runs = [
        {"runtime": runtime, "memory": memory}
        for runtime, memory in zip_longest(
            result.get("run_times") or [], result.get("memory_usages") or []
        )
    ]
    return {"result": dict(result), "runs": runs}


def _eval_data(data: Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(data.get("eval_data"), Mapping):
        return dict(data["eval_data"])
    if isinstance(data.get("result"), Mapping):
        return performance_eval_data(data["result"])
    return {}


def _eval_input(data: Mapping[str, Any]) -> dict[str, Any] | None:
    if isinstance(data.get("eval_input"), Mapping):
        return dict(data["eval_input"])
    result = data.get("result")
    if isinstance(result, Mapping) and "num_iterations" in result:
        return {
            "num_iterations": result["num_iterations"],
            "warmup_runs": result.get("warmup_runs", 0),
        }
    return None


def insert_values(record: Mapping[str, Any] | EvalRunRecord) -> dict[str, Any]:
    """The values of a new row for an eval run: an agno_core record (``eval_id``, ``name``,
    ``eval_type``, ``created_at``, ``result``, and any `EvalRunRecord` field) or an
    `EvalRunRecord`.

    Raises:
        KeyError: a record without ``eval_id`` (or ``run_id``).
        ValueError: an ``eval_type`` that is not an `EvalType`.
    """
    if isinstance(record, EvalRunRecord):
        data: dict[str, Any] = record.model_dump(mode="json")
        run_id = record.run_id
    else:
        data = dict(record)
        run_id = str(data["eval_id"] if "eval_id" in data else data["run_id"])
    eval_type = EvalType(data.get("eval_type") or EvalType.PERFORMANCE).value
    created = data.get("created_at")
    if not isinstance(created, int | float) or isinstance(created, bool):
        created = time.time()
    values = {field: data.get(field) for field in COLUMN_FIELDS}
    return {
        **values,
        "eval_id": run_id,
        "eval_type": eval_type,
        "user_id": data.get("user_id"),
        "created_at": float(created),
        "updated_at": float(created),
        "data": data,
    }


def row_dict(row: Any) -> dict[str, Any]:
    """A row as Agno's eval-run dict (its row of Agno's table: times in Unix seconds)."""
    data: Mapping[str, Any] = row.data or {}
    updated = row.updated_at if row.updated_at is not None else row.created_at
    return {
        "run_id": row.eval_id,
        "eval_type": row.eval_type,
        "eval_data": _eval_data(data),
        "eval_input": _eval_input(data),
        **{field: getattr(row, field) for field in COLUMN_FIELDS},
        "user_id": row.user_id,
        "created_at": int(row.created_at),
        "updated_at": int(updated),
    }
