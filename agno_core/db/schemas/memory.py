"""``from agno_core.db.schemas.memory import UserMemory``, as in Agno."""

from __future__ import annotations

from agno_core.memory._user_memory import UserMemory

__all__ = ["UserMemory"]
