"""Stored records, at the module paths Agno uses (``agno_core.db.schemas.memory``)."""

from __future__ import annotations

from agno_core.memory._user_memory import UserMemory

__all__ = ["UserMemory"]
