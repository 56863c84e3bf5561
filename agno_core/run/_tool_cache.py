"""Tool results kept on disk (``@tool(cache_results=True)``, as Agno's): a call with the same
tool name and arguments within ``cache_ttl`` seconds is answered from the file, without
running the tool. One JSON file per call, named by a hash of the name and the arguments."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from agno_core.run._tool_execution import jsonable
from agno_core.tools import Function

__all__ = ["read", "write"]

log = logging.getLogger("agno_core")


def _path(function: Function, args: dict[str, Any]) -> Path:
    folder = Path(function.cache_dir or os.path.join(tempfile.gettempdir(), "agno_core_tools"))
    key = json.dumps([function.name, jsonable(args)], sort_keys=True, default=str)
    return folder / f"{function.name}-{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"


def read(function: Function, args: dict[str, Any]) -> str | None:
    """The cached result of this call, if there is one younger than ``cache_ttl``."""
    path = _path(function, args)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or time.time() - float(data.get("at", 0)) > function.cache_ttl:
        return None
    result = data.get("result")
    return result if isinstance(result, str) else None


def write(function: Function, args: dict[str, Any], result: str) -> None:
    """Keep this call's result (best effort: a cache that cannot be written is skipped)."""
    path = _path(function, args)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"at": time.time(), "result": result}), encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        log.warning("tool %s: its result could not be cached in %s: %s", function.name, path, exc)
