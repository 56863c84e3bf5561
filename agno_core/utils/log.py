"""Agno's logging helpers (``from agno.utils.log import logger, log_debug, ...``), on the
standard ``agno_core`` logger.

Nothing here adds handlers or changes levels at import: the application's logging configuration
decides where records go (``debug_mode=True`` sends the ``agno_core`` logger's debug output to
stderr for a run, as before).
"""

from __future__ import annotations

import logging
from typing import Any

from agno_core._logging import enable_debug

__all__ = [
    "log_debug",
    "log_error",
    "log_exception",
    "log_info",
    "log_warning",
    "logger",
    "set_log_level_to_debug",
    "set_log_level_to_info",
]

logger = logging.getLogger("agno_core")


def log_debug(msg: Any, *args: Any, **kwargs: Any) -> None:
    """``logger.debug``; Agno's formatting keywords (``center``, ``symbol``, ``log_level``) are
    accepted and have no effect."""
    for name in ("center", "symbol", "log_level"):
        kwargs.pop(name, None)
    logger.debug(msg, *args, **kwargs)


def log_info(msg: Any, *args: Any, **kwargs: Any) -> None:
    """``logger.info`` (Agno's ``center`` and ``symbol`` keywords have no effect)."""
    for name in ("center", "symbol"):
        kwargs.pop(name, None)
    logger.info(msg, *args, **kwargs)


def log_warning(msg: Any, *args: Any, **kwargs: Any) -> None:
    """``logger.warning``."""
    logger.warning(msg, *args, **kwargs)


def log_error(msg: Any, *args: Any, **kwargs: Any) -> None:
    """``logger.error``."""
    logger.error(msg, *args, **kwargs)


def log_exception(msg: Any, *args: Any, **kwargs: Any) -> None:
    """``logger.exception``: the message with the current exception's traceback."""
    logger.exception(msg, *args, **kwargs)


def set_log_level_to_debug(*_args: Any, **_kwargs: Any) -> None:
    """Send the ``agno_core`` logger's debug output to stderr (as ``debug_mode=True`` does)."""
    enable_debug()


def set_log_level_to_info(*_args: Any, **_kwargs: Any) -> None:
    """Back to info level for the ``agno_core`` logger."""
    logger.setLevel(logging.INFO)
