"""Memory per call: the peak a call reaches and what it leaves behind, via ``tracemalloc``.

For each call, with garbage already collected (by the caller before the first call, then by the
previous measurement): read the traced memory (the baseline); ``reset_peak()``; call (and, for
async functions, let spawned tasks take a step); the peak minus the baseline is the call's peak
usage; a full ``gc.collect()``; traced memory now minus the baseline is what the call retained.
One full collection per call is the price of a true "retained" figure (cycles the call left
behind may already sit in an older generation). What the measurement itself allocates around a
call (a coroutine object, an event-loop handle) is measured with a no-op function and subtracted
from the peaks.

``tracemalloc`` is process-wide: allocations by other threads, and by other tasks of the same
event loop while an async function awaits, are counted too.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager

from agno_core.eval._invoke import Invoker

__all__ = ["MEASURE_FRAMES", "NAMING_FRAMES", "call_overhead", "measure_call", "tracing"]

#: Frames stored per traced allocation while measuring. Every allocation of the measured
#: function pays for each stored frame (an agent run on the mock: 1.6 ms bare, 5 ms traced with
#: one frame, 66 ms with 25), and peaks, totals and per-line grouping need only the innermost.
MEASURE_FRAMES = 1
#: Frames stored in the one extra call that names the path to each growth site.
NAMING_FRAMES = 25
_OVERHEAD_RUNS = 3


@contextmanager
def tracing(frames: int = MEASURE_FRAMES) -> Iterator[None]:
    """Trace allocations for the block.

    If tracing is already on (``PYTHONTRACEMALLOC``, a profiler, or an enclosing block of this
    function), it is left on with its own frame limit and not stopped afterwards.
    """
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start(frames)
    try:
        yield
    finally:
        if started:
            tracemalloc.stop()


async def measure_call(invoker: Invoker, *, collect: bool = True) -> tuple[int, int]:
    """Measure one call of ``invoker`` (tracing on, garbage collected): (peak, retained) bytes.

    ``collect=False`` skips the collection after the call (for calls that make no garbage).
    A plain tuple: objects built by generated code (a dataclass ``__init__`` runs in a
    ``<string>`` frame) would escape the growth filters. (The engine's loop inlines this, one
    frame fewer under every traced allocation.)
    """
    # The coroutine existed before the first reading: kept until the last (see _engine).
    call = invoker.traced()
    before, peak = await call
    if collect:
        gc.collect()
    retained = tracemalloc.get_traced_memory()[0] - before
    del call
    return max(peak - before, 0), retained


def _noop() -> None:
    pass


async def _async_noop() -> None:
    pass


async def call_overhead(*, is_async: bool) -> int:
    """The smallest peak :func:`measure_call` reports for a function that does nothing."""
    noop = Invoker(_async_noop if is_async else _noop, is_async=is_async)
    return min([(await measure_call(noop, collect=False))[0] for _ in range(_OVERHEAD_RUNS)])
