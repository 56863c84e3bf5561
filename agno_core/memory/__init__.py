"""User memories: ``from agno_core.memory import UserMemory``."""

from __future__ import annotations

from agno_core.memory._user_memory import UserMemory

__all__ = ["UserMemory"]
