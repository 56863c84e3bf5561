"""``from agno_core.db.schemas.evals import EvalRunRecord, EvalType``, as in Agno."""

from __future__ import annotations

from agno_core.db._eval_records import EvalFilterType, EvalRunRecord, EvalType

__all__ = ["EvalFilterType", "EvalRunRecord", "EvalType"]
