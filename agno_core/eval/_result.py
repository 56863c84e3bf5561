"""The result of a performance eval: raw samples, their statistics, growth sites, JSON form."""

from __future__ import annotations

import platform as _platform
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

from agno_core.eval import _report
from agno_core.eval._compare import DEFAULT_METRICS, Comparison, compare
from agno_core.eval._stats import summarize, tukey_outliers

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["GrowthSite", "PerformanceResult"]

_STATS = ("avg", "min", "max", "std_dev", "median", "p95")


@dataclass(kw_only=True, slots=True)
class GrowthSite:
    """A source line whose live memory grew across the measured iterations.

    Attributes:
        filename: file of the line that allocated the memory.
        lineno: line number in ``filename``.
        size_diff: net bytes this line gained over all measured iterations (summed diffs).
        count_diff: net number of memory blocks it gained over them.
        traceback: a short call stack, ``"file:line"`` entries, innermost (the allocating line)
            first, with the eval's own frames left out.
    """

    filename: str
    lineno: int
    size_diff: int
    count_diff: int
    traceback: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class PerformanceResult:
    """What :class:`~agno_core.eval.performance.PerformanceEval` measured.

    Raw samples are init fields; the statistics (``avg_``/``min_``/``max_``/``std_dev_``/
    ``median_``/``p95_`` of ``run_time`` and ``memory_usage``), ``outliers`` and
    ``avg_growth_per_iteration`` are derived from them and always consistent with them.

    Attributes:
        run_times: wall time per call of each sample, in seconds.
        cpu_times: process CPU time per call of each sample, in seconds (all threads).
        calls_per_sample: calls timed back to back in one sample (> 1 for very fast functions;
            ``run_times`` are still per call).
        steady_times: per call, the wall time of each sample minus the time the measuring
            thread waited for a CPU (what machine load adds), in seconds; the process CPU time
            where the OS does not report the wait (see ``steady_clock``).
        reference_times: steady time of the fixed reference workload timed right before each
            sample, in seconds: what this machine, loaded as it was, made of a known amount of
            work. Comparisons divide each sample by its reference when both results have them.
        steady_clock: ``"schedstat"`` (wall minus CPU wait) or ``"cpu"``; empty when runtime
            was not measured.
        memory_usages: peak memory of each measured call above what was live before it, in MiB
            (Agno's meaning).
        peak_memory_usages: the same peaks in bytes.
        retained_memory_per_call: bytes still live after each call and a garbage collection
            (negative when a call freed more than it kept).
        growth_per_iteration: net bytes live memory grew in each iteration: what its call
            retained, the eval allocating nothing of its own in between
            (``memory_growth_tracking`` only, else empty).
        growth_sites: the lines that grew most over the measured iterations, largest first.
        outliers: indices into ``run_times`` outside Tukey's fences; flagged, not removed.
        created_at: when the eval ran, seconds since the epoch.
    """

    name: str | None = None
    eval_id: str | None = None
    num_iterations: int = 0
    warmup_runs: int = 0
    run_times: list[float] = field(default_factory=list)
    cpu_times: list[float] = field(default_factory=list)
    calls_per_sample: int = 1
    steady_times: list[float] = field(default_factory=list)
    reference_times: list[float] = field(default_factory=list)
    steady_clock: str = ""
    memory_usages: list[float] = field(default_factory=list)
    peak_memory_usages: list[int] = field(default_factory=list)
    retained_memory_per_call: list[int] = field(default_factory=list)
    growth_per_iteration: list[int] = field(default_factory=list)
    growth_sites: list[GrowthSite] = field(default_factory=list)
    created_at: float = field(default_factory=time.time)
    python_version: str = field(default_factory=_platform.python_version)
    platform: str = field(default_factory=_platform.platform)

    avg_run_time: float = field(init=False, default=0.0)
    min_run_time: float = field(init=False, default=0.0)
    max_run_time: float = field(init=False, default=0.0)
    std_dev_run_time: float = field(init=False, default=0.0)
    median_run_time: float = field(init=False, default=0.0)
    p95_run_time: float = field(init=False, default=0.0)
    avg_memory_usage: float = field(init=False, default=0.0)
    min_memory_usage: float = field(init=False, default=0.0)
    max_memory_usage: float = field(init=False, default=0.0)
    std_dev_memory_usage: float = field(init=False, default=0.0)
    median_memory_usage: float = field(init=False, default=0.0)
    p95_memory_usage: float = field(init=False, default=0.0)
    outliers: list[int] = field(init=False, default_factory=list)
    avg_growth_per_iteration: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.compute_stats()

    @property
    def run_id(self) -> str | None:
        """The eval run's id (``eval_id``), under Agno's name for it."""
        return self.eval_id

    def compute_stats(self) -> None:
        """Recompute the derived fields from the raw samples."""
        for metric, values in (("run_time", self.run_times), ("memory_usage", self.memory_usages)):
            stats = summarize(values)
            for stat in _STATS:
                setattr(self, f"{stat}_{metric}", getattr(stats, stat))
        self.outliers = tukey_outliers(self.run_times)
        growth = self.growth_per_iteration
        self.avg_growth_per_iteration = sum(growth) / len(growth) if growth else 0.0

    @property
    def growth_tracked(self) -> bool:
        """Whether memory growth was tracked."""
        return bool(self.growth_per_iteration)

    def to_dict(self) -> dict[str, Any]:
        """All fields (derived ones included) as JSON-compatible values."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PerformanceResult:
        """Rebuild a result from :meth:`to_dict` output; derived and unknown keys are ignored."""
        init_names = {item.name for item in fields(cls) if item.init}
        values = {key: value for key, value in data.items() if key in init_names}
        values["growth_sites"] = [
            site if isinstance(site, GrowthSite) else GrowthSite(**site)
            for site in data.get("growth_sites", [])
        ]
        return cls(**values)

    def compare(
        self,
        baseline: PerformanceResult,
        *,
        rel_tolerance: float = 0.10,
        abs_tolerance_s: float = 1e-6,
        abs_tolerance_bytes: float = 1024,
        noise_factor: float = 3.0,
        metrics: Sequence[str] = DEFAULT_METRICS,
    ) -> Comparison:
        """Compare this result with ``baseline``, metric by metric; see :func:`compare`."""
        return compare(
            self,
            baseline,
            rel_tolerance=rel_tolerance,
            abs_tolerance_s=abs_tolerance_s,
            abs_tolerance_bytes=abs_tolerance_bytes,
            noise_factor=noise_factor,
            metrics=metrics,
        )

    def summary(self) -> str:
        """A plain-text summary: statistics, outliers, memory growth and growth sites."""
        return _report.summary_text(self)

    def print_summary(self, console: Console | None = None) -> None:
        """Print the summary (a ``rich`` table when rich is installed)."""
        _report.print_summary(self, console)

    def print_results(self, console: Console | None = None) -> None:
        """Print every sample, iteration by iteration."""
        _report.print_results(self, console)
