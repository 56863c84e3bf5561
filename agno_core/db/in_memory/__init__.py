"""In-memory storage, as Agno's ``from agno.db.in_memory import InMemoryDb``."""

from __future__ import annotations

from agno_core.db.in_memory._in_memory import InMemoryDb

__all__ = ["InMemoryDb"]
