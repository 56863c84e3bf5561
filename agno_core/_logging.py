"""Logging setup for ``debug_mode``."""

from __future__ import annotations

import logging

__all__ = ["enable_debug"]


def enable_debug() -> None:
    """Send the ``agno_core`` logger's debug output to stderr (once)."""
    logger = logging.getLogger("agno_core")
    logger.setLevel(logging.DEBUG)
    if not any(getattr(h, "_agno_core", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handler._agno_core = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
