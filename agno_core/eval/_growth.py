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

Filtered out: allocations whose most recent frame is in this package (except ``_invoke.py``, the
call site of the measured function, see there), in ``importlib`` or a ``<frozen ...>`` module, or
has no Python frame; and any allocation with ``tracemalloc`` on its stack (snapshots, and the
``fnmatch``/``re`` caches the filters fill).

While tracing, the tracker keeps only plain values built in this module's frames (filtered);
result objects are built afterwards, so nothing the eval keeps can look like growth.
"""

from __future__ import annotations

import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

from agno_core.eval._result import GrowthSite

__all__ = ["GrowthTracker", "IterationGrowth", "growth_filters"]

_PACKAGE_DIR = Path(__file__).resolve().parent
_CALL_SITE_MODULE = "_invoke.py"
_TRACEBACK_DEPTH = 5

Line = tuple[str, int]


def _build_filters() -> tuple[tracemalloc.Filter, ...]:
    own = [
        tracemalloc.Filter(False, str(path))
        for path in sorted(_PACKAGE_DIR.glob("*.py"))
        if path.name != _CALL_SITE_MODULE
    ]
    return (
        *own,
        tracemalloc.Filter(False, tracemalloc.__file__, all_frames=True),
        tracemalloc.Filter(False, "*/importlib/*"),
        tracemalloc.Filter(False, "<frozen *>"),
        tracemalloc.Filter(False, "<unknown>"),
    )


# Built at import, before any tracing, so building them is never traced.
_FILTERS = _build_filters()


def growth_filters() -> list[tracemalloc.Filter]:
    """Exclusive filters for allocations that are not the measured function's."""
    return list(_FILTERS)


def _is_own_frame(filename: str) -> bool:
    return filename == tracemalloc.__file__ or Path(filename).parent == _PACKAGE_DIR


def _short_traceback(traceback: tracemalloc.Traceback | None) -> list[str]:
    if traceback is None:
        return []
    # tracemalloc orders frames oldest first; a site reads best innermost first.
    frames = [frame for frame in reversed(traceback) if not _is_own_frame(frame.filename)]
    return [f"{frame.filename}:{frame.lineno}" for frame in frames[:_TRACEBACK_DEPTH]]


class _Site:
    """Running totals of one line (a plain class: its ``__init__`` runs in this module)."""

    __slots__ = ("count_diff", "largest_diff", "size_diff", "traceback")

    def __init__(self) -> None:
        self.size_diff = 0
        self.count_diff = 0
        self.largest_diff = 0
        self.traceback: tracemalloc.Traceback | None = None

    def add(self, diff: tracemalloc.StatisticDiff) -> None:
        self.size_diff += diff.size_diff
        self.count_diff += diff.count_diff
        if self.traceback is None or diff.size_diff > self.largest_diff:
            self.largest_diff = diff.size_diff
            self.traceback = diff.traceback


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
        self._filters = growth_filters()
        self._totals: dict[Line, _Site] = {}
        self._iterations: list[tuple[int, dict[Line, _Site]]] = []
        self._previous = self._snapshot()

    def _snapshot(self) -> tracemalloc.Snapshot:
        return tracemalloc.take_snapshot().filter_traces(self._filters)

    def record(self) -> int:
        """Diff live memory against the previous snapshot; return the net growth in bytes."""
        current = self._snapshot()
        diffs = current.compare_to(self._previous, "traceback")
        self._previous = current
        iteration: dict[Line, _Site] = {}
        net = 0
        for diff in diffs:
            net += diff.size_diff
            if diff.size_diff == 0 and diff.count_diff == 0:
                continue
            innermost = diff.traceback[-1]
            line = (innermost.filename, innermost.lineno)
            if line not in iteration:
                iteration[line] = _Site()
            iteration[line].add(diff)
            if line not in self._totals:
                self._totals[line] = _Site()
            self._totals[line].add(diff)
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
