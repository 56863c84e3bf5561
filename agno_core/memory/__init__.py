"""User memories: ``from agno_core.memory import UserMemory, MemoryManager``.

`UserMemory` is a plain record. `MemoryManager` (``_manager``) drives the memory model and sits
with the run engine's layer, so it loads on first use of its name.
"""

from __future__ import annotations

import importlib
from typing import Any

from agno_core.memory._user_memory import UserMemory

__all__ = ["MemoryManager", "UserMemory"]


def __getattr__(name: str) -> Any:
    if name == "MemoryManager":
        return importlib.import_module("agno_core.memory._manager").MemoryManager
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
