"""Stored records, at the module paths Agno uses (``agno_core.db.schemas.memory``,
``agno_core.db.schemas.evals``)."""

from __future__ import annotations

from agno_core.db._eval_records import EvalFilterType, EvalRunRecord, EvalType
from agno_core.memory._user_memory import UserMemory

__all__ = ["EvalFilterType", "EvalRunRecord", "EvalType", "UserMemory"]
