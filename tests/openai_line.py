"""Which openai SDK line the suite runs on (2.x sends through httpx, 3.x through httpx2)."""

from __future__ import annotations

import importlib
from types import ModuleType

import openai

__all__ = ["OPENAI_MAJOR", "sdk_http"]

OPENAI_MAJOR = int(openai.__version__.split(".", 1)[0])


def sdk_http() -> ModuleType:
    """The HTTP library the installed SDK sends through: ``httpx`` (2.x) or ``httpx2`` (3.x)."""
    return importlib.import_module("httpx2" if OPENAI_MAJOR >= 3 else "httpx")
