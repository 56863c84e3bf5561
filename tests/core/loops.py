"""Several event loops at once, each in a thread of its own (``asyncio.run`` per thread)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any


def run_loops(main: Callable[[], Coroutine[Any, Any, Any]], loops: int = 2) -> list[object]:
    """``asyncio.run(main())`` in ``loops`` threads at once; each one's result or exception."""
    results: list[object] = []

    def one() -> None:
        try:
            results.append(asyncio.run(main()))
        except Exception as exc:  # the caller asserts on it
            results.append(exc)

    threads = [threading.Thread(target=one) for _ in range(loops)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
