"""Agno's ``InMemoryDb``: storage that lives as long as the object (``agno.db.in_memory``)."""

from __future__ import annotations

from agno_core.db.in_memory._in_memory import InMemoryDb

__all__ = ["InMemoryDb"]
