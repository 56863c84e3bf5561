"""Memory growth across iterations: a steady leak, and the lines responsible for it.

Tracing stays on for all measured iterations (Agno restarts it every iteration, which forgets
everything a previous iteration left behind, so it cannot see a leak). What it costs is decided
by how deep tracemalloc records each allocation's stack (every allocation of the measured
function pays for it) and by how often memory is snapshotted, so the work is split in three:

1. **Per iteration, nearly free.** The measured iterations run with one frame per traced
   allocation. An iteration's growth is what its call retained: traced memory after the call and
   a full collection, minus traced memory before it (two ``get_traced_memory()`` reads, see
   :mod:`~agno_core.eval._memory`). The eval allocates nothing between the two reads that
   outlives the call, so nothing of its own counts.
2. **Per line, twice per eval.** One line-grouped snapshot when tracing starts (the baseline) and
   one after the next-to-last iteration: their difference, per allocating line, is the growth of
   those iterations per line.
3. **Per traceback, once.** The last iteration runs with tracing restarted deep (25 frames),
   between two snapshots grouped by traceback: its growth per line is added to the rest, and for
   each line the traceback that gained the most in it names the path to it (a line that did not
   grow in that iteration keeps a one-frame traceback: itself). Peaks and retained memory do not
   depend on the depth, so that iteration is measured like the others; it only runs slower.

Baseline: tracing starts after the priming call, the warm-up runs and the runtime samples.
Memory that the first call(s) allocate once (imports, caches, lazily created objects) was
allocated before tracing started and is invisible, so even with ``warmup_runs=0`` every measured
iteration counts as a growth sample. Caveat: a container that existed before tracing and is
reallocated during the iterations (a dict or list that resizes) counts its whole new buffer once,
because tracemalloc never saw the old one.

Growth sites leave out allocations whose most recent frame is in this package (except
``_invoke.py``, the call site of the measured function, see there), in ``tracemalloc``, in
``importlib`` or a ``<frozen ...>`` module, or that have no Python frame. The per-iteration totals
are the process's traced memory as is: a one-time import inside a measured iteration shows in
that iteration's growth (and not among the sites).

Event-loop internals are not filtered (a leak of timer handles is a real leak), so for an async
function an iteration can differ by a few hundred bytes of loop state (the handle being run, the
selector's last event list) that happened to be live when memory was read.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import tracemalloc
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from agno_core.eval._result import GrowthSite

__all__ = ["GrowthTracker", "IterationGrowth", "combine", "deep_iteration"]

T = TypeVar("T")

# Paths as code objects spell them (not resolved), to compare with frame filenames.
_PACKAGE_DIR = Path(__file__).parent
_ASYNCIO_DIR = Path(asyncio.__file__).parent
_IMPORTLIB_DIR = Path(importlib.__file__).parent
_TRACEMALLOC_FILE = tracemalloc.__file__
_CALL_SITE_MODULE = "_invoke.py"
_TRACEBACK_DEPTH = 5

Line = tuple[str, int]
#: Live (bytes, blocks) per allocating line.
Lines = dict[Line, tuple[int, int]]


def _not_measured(filename: str) -> bool:
    """Whether an allocation made in ``filename`` is not the measured function's."""
    path = Path(filename)
    return (
        (path.parent == _PACKAGE_DIR and path.name != _CALL_SITE_MODULE)
        or filename == _TRACEMALLOC_FILE
        or path.parent == _IMPORTLIB_DIR
        or filename.startswith("<frozen ")
        or filename == "<unknown>"
    )


def _is_noise_frame(filename: str) -> bool:
    # The eval's own frames, and the event loop's that resume a coroutine: not the user's code.
    parent = Path(filename).parent
    return filename == _TRACEMALLOC_FILE or parent in (_PACKAGE_DIR, _ASYNCIO_DIR)


def _short_traceback(traceback: tracemalloc.Traceback) -> list[str]:
    # tracemalloc orders frames oldest first; a site reads best innermost first. The allocating
    # frame itself is always kept.
    innermost, *outer = reversed(traceback)
    frames = [innermost, *(frame for frame in outer if not _is_noise_frame(frame.filename))]
    return [f"{frame.filename}:{frame.lineno}" for frame in frames[:_TRACEBACK_DEPTH]]


def live_lines() -> Lines:
    """Live memory per allocating line (the innermost frame), the eval's own left out."""
    lines: Lines = {}
    for stat in tracemalloc.take_snapshot().statistics("lineno"):
        frame = stat.traceback[-1]
        if not _not_measured(frame.filename):
            lines[(frame.filename, frame.lineno)] = (stat.size, stat.count)
    return lines


def _diff(current: Lines, previous: Lines) -> dict[Line, tuple[int, int]]:
    changed = {}
    for line in current.keys() | previous.keys():
        size, count = current.get(line, (0, 0))
        old_size, old_count = previous.get(line, (0, 0))
        if size != old_size or count != old_count:
            changed[line] = (size - old_size, count - old_count)
    return changed


def _ranked(
    changes: dict[Line, tuple[int, int]],
    top_n: int,
    tracebacks: dict[Line, tracemalloc.Traceback] | None = None,
) -> list[GrowthSite]:
    growing = sorted(
        ((line, diff) for line, diff in changes.items() if diff[0] > 0),
        key=lambda item: item[1][0],
        reverse=True,
    )
    found = tracebacks or {}
    return [
        GrowthSite(
            filename=filename,
            lineno=lineno,
            size_diff=size_diff,
            count_diff=count_diff,
            traceback=(
                _short_traceback(found[(filename, lineno)])
                if (filename, lineno) in found
                else [f"{filename}:{lineno}"]
            ),
        )
        for (filename, lineno), (size_diff, count_diff) in growing[:top_n]
    ]


@dataclass(kw_only=True, slots=True)
class IterationGrowth:
    """One iteration's net growth (bytes) and, in debug mode, its top growth sites."""

    net: int
    sites: list[GrowthSite] = field(default_factory=list)


class GrowthTracker:
    """Takes the line snapshots around the measured iterations (see the module docstring).

    Create it (which takes the baseline) after tracing has started and before the first measured
    iteration, with garbage collected; with ``per_iteration`` (debug logs), call :meth:`record`
    after each iteration (it snapshots, so collect garbage after it); call :meth:`finish` after
    the last iteration, tracing still on.
    """

    def __init__(self, *, top_n: int, per_iteration: bool = False) -> None:
        self._top_n = top_n
        self._per_iteration = per_iteration
        self._baseline = live_lines()
        self._previous = self._baseline
        self._iteration_sites: list[list[GrowthSite]] = []

    def record(self) -> None:
        """Snapshot after an iteration, for its own growth sites (``per_iteration`` only)."""
        if not self._per_iteration:
            return
        current = live_lines()
        self._iteration_sites.append(_ranked(_diff(current, self._previous), self._top_n))
        self._previous = current

    def changes(self) -> dict[Line, tuple[int, int]]:
        """Growth per line since the baseline (bytes, blocks), tracing still on."""
        return _diff(live_lines(), self._baseline)

    def add_iteration(self, changes: dict[Line, tuple[int, int]]) -> None:
        """Record one iteration measured elsewhere (the deep one), for the debug logs."""
        if self._per_iteration:
            self._iteration_sites.append(_ranked(changes, self._top_n))

    def sites(
        self,
        changes: dict[Line, tuple[int, int]],
        tracebacks: dict[Line, tracemalloc.Traceback],
    ) -> list[GrowthSite]:
        """The ``top_n`` lines of ``changes`` that grew most, with their tracebacks if known."""
        return _ranked(changes, self._top_n, tracebacks)

    def iterations(self, nets: Iterable[int]) -> list[IterationGrowth]:
        """Each iteration's net growth (``nets``) and, when recorded, its top growth sites."""
        sites = iter(self._iteration_sites)
        return [IterationGrowth(net=net, sites=next(sites, [])) for net in nets]


def _by_traceback() -> dict[tracemalloc.Traceback, tuple[int, int]]:
    """Live (bytes, blocks) per traceback, allocations of the eval's own left out."""
    return {
        stat.traceback: (stat.size, stat.count)
        for stat in tracemalloc.take_snapshot().statistics("traceback")
        if not _not_measured(stat.traceback[-1].filename)
    }


async def deep_iteration(
    measure: Callable[[], Awaitable[T]],
) -> tuple[T, dict[Line, tuple[int, int]], dict[Line, tracemalloc.Traceback]]:
    """Run one measured iteration between two snapshots by traceback (tracing deep).

    Returns what ``measure`` returned, the iteration's growth per line, and per line the
    traceback that gained the most in it.
    """
    gc.collect()
    before = _by_traceback()
    gc.collect()
    measured = await measure()
    after = _by_traceback()
    changes: dict[Line, tuple[int, int]] = {}
    best: dict[Line, tuple[int, tracemalloc.Traceback]] = {}
    for traceback in after.keys() | before.keys():
        size, count = after.get(traceback, (0, 0))
        old_size, old_count = before.get(traceback, (0, 0))
        if size == old_size and count == old_count:
            continue
        frame = traceback[-1]
        line = (frame.filename, frame.lineno)
        total_size, total_count = changes.get(line, (0, 0))
        changes[line] = (total_size + size - old_size, total_count + count - old_count)
        gained = size - old_size
        if gained > 0 and gained > best.get(line, (0, traceback))[0]:
            best[line] = (gained, traceback)
    return measured, changes, {line: traceback for line, (_, traceback) in best.items()}


def combine(*parts: dict[Line, tuple[int, int]]) -> dict[Line, tuple[int, int]]:
    """Growth per line summed over ``parts``."""
    total: dict[Line, tuple[int, int]] = {}
    for part in parts:
        for line, (size, count) in part.items():
            old_size, old_count = total.get(line, (0, 0))
            total[line] = (old_size + size, old_count + count)
    return total
