"""What the comparison and the printed report read of a result: two small protocols.

`PerformanceResult` (and its `GrowthSite`) satisfy them. `_compare` and `_report` name these
instead of the result class, so the result can use them and they never point back at it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

__all__ = ["Measured", "MeasuredSite"]


class MeasuredSite(Protocol):
    """A source line whose live memory grew (see `GrowthSite`)."""

    filename: str
    lineno: int
    size_diff: int
    count_diff: int
    traceback: list[str]


class Measured(Protocol):
    """The samples and identity of one eval's result (see `PerformanceResult`)."""

    name: str | None
    eval_id: str | None
    num_iterations: int
    warmup_runs: int
    created_at: float
    run_times: list[float]
    cpu_times: list[float]
    steady_times: list[float]
    reference_times: list[float]
    steady_clock: str
    calls_per_sample: int
    memory_usages: list[float]
    peak_memory_usages: list[int]
    retained_memory_per_call: list[int]
    growth_per_iteration: list[int]
    avg_growth_per_iteration: float
    outliers: list[int]

    @property
    def growth_sites(self) -> Sequence[MeasuredSite]: ...
    @property
    def growth_tracked(self) -> bool: ...
