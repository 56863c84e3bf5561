"""The facts a benchmark figure means nothing without: CPU, cores, load, versions, command."""

from __future__ import annotations

import os
import platform
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

__all__ = ["describe"]

_PACKAGES = (
    "agno-core",
    "openai",
    "httpx",
    "httpx2",
    "respx",
    "SQLAlchemy",
    "aiosqlite",
    "psycopg",
    "agno",
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def describe() -> dict[str, Any]:
    """A JSON-able description of this machine and environment, taken now."""
    try:
        load = list(os.getloadavg())
    except OSError:
        load = []
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "load_average": load,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "versions": {name: _version(name) for name in _PACKAGES},
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "command": os.environ.get("AGNO_BENCH_COMMAND") or " ".join(["pytest", *sys.argv[1:]]),
    }
