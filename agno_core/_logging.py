"""Logging setup for ``debug_mode``."""

from __future__ import annotations

import logging
from collections.abc import Callable

__all__ = ["debug_logs", "enable_debug"]


def enable_debug() -> None:
    """Send the ``agno_core`` logger's debug output to stderr (once)."""
    logger = logging.getLogger("agno_core")
    logger.setLevel(logging.DEBUG)
    if not any(getattr(h, "_agno_core", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handler._agno_core = True  # type: ignore[attr-defined]
        logger.addHandler(handler)


def debug_logs(enabled: bool | None) -> Callable[[], None]:
    """Debug output for one run (``run(debug_mode=True)``); returns what restores the level the
    ``agno_core`` logger had before."""
    if not enabled:
        return _nothing
    logger = logging.getLogger("agno_core")
    level = logger.level
    enable_debug()
    return lambda: logger.setLevel(level)


def _nothing() -> None:
    return None
