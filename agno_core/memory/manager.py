"""Agno's module path ``agno.memory.manager``: `MemoryManager`."""

from __future__ import annotations

from agno_core.memory._manager import MemoryManager

__all__ = ["MemoryManager"]
