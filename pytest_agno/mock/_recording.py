"""How much of what it served the mock keeps: the bound on its logs, and `perf_eval`'s pause.

A kept request is a few KiB that a growth-tracked eval would report as growth per iteration of
the measured code. So while any `evaluating()` block is open (a ``perf_eval`` measuring), a mock
with no bound of its own (``keep_requests=None``) keeps nothing; a bound opts in to recording in
evals too (the last N: no growth once N are kept).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["evaluating", "keep_latest", "recording_bound", "trim"]

# How many `evaluating()` blocks are open.
_evaluations = 0
_evaluations_lock = threading.Lock()


@contextmanager
def evaluating() -> Iterator[None]:
    """While open, mocks with ``keep_requests=None`` record nothing (see `MockOpenAI`)."""
    global _evaluations
    with _evaluations_lock:
        _evaluations += 1
    try:
        yield
    finally:
        with _evaluations_lock:
            _evaluations -= 1


def recording_bound(keep: int | None) -> int | None:
    """The bound in force for a mock whose own is ``keep`` (None: unbounded; 0: keep nothing)."""
    return keep if keep is not None or not _evaluations else 0


def keep_latest(log: list[Any], item: Any, keep: int | None) -> None:
    """Append ``item`` to ``log`` within the bound ``keep`` (see `recording_bound`)."""
    if keep == 0:
        return
    log.append(item)
    if keep is not None:
        trim(log, keep)


def trim(log: list[Any], keep: int) -> None:
    """Drop all but the last ``keep`` entries of ``log``, in place."""
    if len(log) > keep:
        del log[: len(log) - keep]
