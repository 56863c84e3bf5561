"""Memory growth across iterations: a steady leak, and the lines responsible for it.

Tracing stays on for all measured iterations (Agno restarts it every iteration, which forgets
everything a previous iteration left behind, so it cannot see a leak). After each iteration, with
garbage collected, a snapshot is taken and diffed against the previous one by traceback; the sum of
the size diffs is the iteration's net growth, and the diffs, summed per allocating line, rank the
growth sites.

Baseline: the first snapshot is taken when tracing starts, which is after the priming call, the
warm-up runs and the runtime samples. Memory that the first call(s) allocate once (imports, caches,
lazily created objects) was allocated before tracing started and is invisible, so even with
``warmup_runs=0`` every measured iteration counts as a growth sample. Caveat: a container that
existed before tracing and is reallocated during the iterations (a dict or list that resizes)
counts its whole new buffer once, because tracemalloc never saw the old one.

Filtered out (decided once per distinct traceback, so a snapshot costs one dict lookup per
traceback): allocations whose most recent frame is in this package (except ``_invoke.py``, the call
site of the measured function, see there), in ``importlib`` or a ``<frozen ...>`` module, or that
have no Python frame; and any allocation with ``tracemalloc`` or this module on its stack (taking,
filtering and diffing snapshots). Result objects are built after tracing stops.

Event-loop internals are not filtered (a leak of timer handles is a real leak), so for an async
function an iteration can differ by a few hundred bytes of loop state (the handle being run, the
selector's last event list) that happened to be live when the snapshot was taken.
"""

from __future__ import annotations

import asyncio
import importlib
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

from agno_core.eval._result import GrowthSite

__all__ = ["GrowthTracker", "IterationGrowth"]

# Paths as code objects spell them (not resolved), to compare with frame filenames.
_PACKAGE_DIR = Path(__file__).parent
_ASYNCIO_DIR = Path(asyncio.__file__).parent
_IMPORTLIB_DIR = Path(importlib.__file__).parent
_TRACEMALLOC_FILE = tracemalloc.__file__
# Code that only runs to take and diff snapshots: nothing allocated beneath it is measured.
_BOOKKEEPING_FILES = frozenset({_TRACEMALLOC_FILE, __file__})
_CALL_SITE_MODULE = "_invoke.py"
_TRACEBACK_DEPTH = 5

Line = tuple[str, int]


def _not_measured(filename: str) -> bool:
    """Whether an allocation made in ``filename`` is not the measured function's."""
    path = Path(filename)
    return (
        (path.parent == _PACKAGE_DIR and path.name != _CALL_SITE_MODULE)
        or path.parent == _IMPORTLIB_DIR
        or filename.startswith("<frozen ")
        or filename == "<unknown>"
    )


def _is_noise_frame(filename: str) -> bool:
    # The eval's own frames, and the event loop's that resume a coroutine: not the user's code.
    parent = Path(filename).parent
    return filename == _TRACEMALLOC_FILE or parent in (_PACKAGE_DIR, _ASYNCIO_DIR)


def _short_traceback(traceback: tracemalloc.Traceback | None) -> list[str]:
    if traceback is None:
        return []
    # tracemalloc orders frames oldest first; a site reads best innermost first. The allocating
    # frame itself is always kept.
    innermost, *outer = reversed(traceback)
    frames = [innermost, *(frame for frame in outer if not _is_noise_frame(frame.filename))]
    return [f"{frame.filename}:{frame.lineno}" for frame in frames[:_TRACEBACK_DEPTH]]


class _Site:
    """Running totals of one line (a plain class: its ``__init__`` runs in this module)."""

    __slots__ = ("count_diff", "largest_diff", "size_diff", "traceback")

    def __init__(self) -> None:
        self.size_diff = 0
        self.count_diff = 0
        self.largest_diff = 0
        self.traceback: tracemalloc.Traceback | None = None

    def add(self, size_diff: int, count_diff: int, traceback: tracemalloc.Traceback) -> None:
        self.size_diff += size_diff
        self.count_diff += count_diff
        if self.traceback is None or size_diff > self.largest_diff:
            self.largest_diff = size_diff
            self.traceback = traceback


def _ranked(sites: dict[Line, _Site], top_n: int) -> list[GrowthSite]:
    growing = sorted(
        ((line, site) for line, site in sites.items() if site.size_diff > 0),
        key=lambda item: item[1].size_diff,
        reverse=True,
    )
    return [
        GrowthSite(
            filename=filename,
            lineno=lineno,
            size_diff=site.size_diff,
            count_diff=site.count_diff,
            traceback=_short_traceback(site.traceback),
        )
        for (filename, lineno), site in growing[:top_n]
    ]


@dataclass(kw_only=True, slots=True)
class IterationGrowth:
    """One iteration's net growth (bytes) and its top growth sites, for debug logs."""

    net: int
    sites: list[GrowthSite] = field(default_factory=list)


class GrowthTracker:
    """Snapshots live memory after each iteration and accumulates growth per line.

    Create it (which takes the baseline snapshot) after tracing has started and before the first
    measured iteration; call :meth:`record` after each iteration, once garbage is collected; read
    :meth:`sites` and :meth:`iterations` after tracing stopped.
    """

    def __init__(self, *, top_n: int) -> None:
        self._top_n = top_n
        self._kept: dict[tracemalloc.Traceback, bool] = {}
        self._totals: dict[Line, _Site] = {}
        self._iterations: list[tuple[int, dict[Line, _Site]]] = []
        self._previous = self._live()

    def _keep(self, traceback: tracemalloc.Traceback) -> bool:
        kept = self._kept.get(traceback)
        if kept is None:
            kept = not _not_measured(traceback[-1].filename) and all(
                frame.filename not in _BOOKKEEPING_FILES for frame in traceback
            )
            self._kept[traceback] = kept
        return kept

    def _live(self) -> dict[tracemalloc.Traceback, tuple[int, int]]:
        """Live (size, count) per traceback, filtered (decisions cached per traceback)."""
        statistics = tracemalloc.take_snapshot().statistics("traceback")
        return {
            stat.traceback: (stat.size, stat.count)
            for stat in statistics
            if self._keep(stat.traceback)
        }

    def record(self) -> int:
        """Diff live memory against the previous snapshot; return the net growth in bytes."""
        current = self._live()
        previous, self._previous = self._previous, current
        iteration: dict[Line, _Site] = {}
        net = 0
        for traceback in current.keys() | previous.keys():
            size, count = current.get(traceback, (0, 0))
            old_size, old_count = previous.get(traceback, (0, 0))
            size_diff, count_diff = size - old_size, count - old_count
            if size_diff == 0 and count_diff == 0:
                continue
            net += size_diff
            innermost = traceback[-1]
            line = (innermost.filename, innermost.lineno)
            for sites in (iteration, self._totals):
                if line not in sites:
                    sites[line] = _Site()
                sites[line].add(size_diff, count_diff, traceback)
        self._iterations.append((net, iteration))
        return net

    def iterations(self) -> list[IterationGrowth]:
        """Each recorded iteration's net growth and top growth sites."""
        return [
            IterationGrowth(net=net, sites=_ranked(sites, self._top_n))
            for net, sites in self._iterations
        ]

    def sites(self) -> list[GrowthSite]:
        """The ``top_n`` lines with the largest net growth over all recorded iterations."""
        return _ranked(self._totals, self._top_n)
