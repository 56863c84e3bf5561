"""Comparing a result with a baseline, with thresholds that know about measurement noise.

For each metric the change ``current - baseline`` counts only when its size exceeds the largest of:

- ``rel_tolerance * |baseline|`` (a change too small to matter),
- the absolute tolerance of the metric's unit (``abs_tolerance_s`` or ``abs_tolerance_bytes``:
  below timer or allocator granularity),
- ``noise_factor * noise``, where ``noise`` is the standard error of the difference of the two
  statistics, estimated from the spread of *both* samples: each sample's robust standard
  deviation (1.4826 x MAD, IQR-based when the MAD is 0) times the statistic's standard-error
  factor (1.2533 for a median, 2.11 for a p95, 1 for a mean, the asymptotic values for normal
  data) over ``sqrt(n)``, combined as ``sqrt(se_baseline**2 + se_current**2)``.

Runtime under load: when both results carry ``steady_times`` and ``reference_times`` on the same
kind of clock, runtime metrics compare steady time (wall time minus the time the thread waited
for a CPU, see :mod:`agno_core.eval._load`), not wall time, with each sample's on-CPU part
(``min(cpu, steady)``) divided by the reference workload timed around it and multiplied by
the baseline's median reference: seconds as the baseline's machine, unloaded, would have taken.
The rest of a sample (sleeps, I/O waits) does not depend on CPU speed and is kept as is. A busy
machine inflates wall time, not these; results from different machines compare the same way.
The comparison's ``basis`` then says ``"reference"``; otherwise ``"wall"``.

Every metric is "lower is better", so a change above the threshold is a regression and one below
minus the threshold an improvement. A metric that either result lacks (runtime not measured,
growth not tracked) is skipped and listed in :attr:`Comparison.skipped`.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from agno_core.eval._stats import percentile, robust_sigma
from agno_core.eval._units import MIB, format_bytes, format_duration, format_signed_bytes

if TYPE_CHECKING:
    from agno_core.eval._measured import Measured

__all__ = ["DEFAULT_METRICS", "Comparison", "MetricComparison", "Verdict", "compare"]

#: How many reference runs around a sample make its reference (their median).
_REFERENCE_WINDOW = 5

Verdict = Literal["regression", "improvement", "unchanged"]
Unit = Literal["s", "bytes"]
Basis = Literal["wall", "reference", "memory"]


@dataclass(frozen=True, slots=True)
class _Metric:
    unit: Unit
    samples: Callable[[Measured], Sequence[float]]
    statistic: Callable[[Sequence[float]], float]
    se_factor: float


def _peaks(result: Measured) -> Sequence[float]:
    return result.peak_memory_usages or [usage * MIB for usage in result.memory_usages]


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def _p95(values: Sequence[float]) -> float:
    return percentile(values, 95)


def _mean(values: Sequence[float]) -> float:
    return float(statistics.fmean(values))


_METRICS: dict[str, _Metric] = {
    "median_run_time": _Metric("s", lambda result: result.run_times, _median, 1.2533),
    "p95_run_time": _Metric("s", lambda result: result.run_times, _p95, 2.11),
    "median_peak_memory": _Metric("bytes", _peaks, _median, 1.2533),
    "avg_growth_per_iteration": _Metric(
        "bytes", lambda result: result.growth_per_iteration, _mean, 1.0
    ),
}
#: Metrics compared by default: runtime median and p95, peak memory median, growth per iteration.
DEFAULT_METRICS: tuple[str, ...] = tuple(_METRICS)


@dataclass(frozen=True, kw_only=True, slots=True)
class MetricComparison:
    """One metric of a comparison.

    Attributes:
        metric: the metric's name (one of :data:`DEFAULT_METRICS`).
        unit: ``"s"`` or ``"bytes"``.
        baseline: the baseline's value.
        current: the current value.
        change: ``current - baseline``.
        relative_change: ``change / |baseline|``, None when the baseline is 0.
        noise: standard error of the change, from the spread of both samples.
        threshold: the size a change must exceed to count.
        verdict: ``"regression"``, ``"improvement"`` or ``"unchanged"``.
        basis: what was compared: ``"wall"`` time, steady time over the ``"reference"``
            workload (load-independent), or ``"memory"``.
    """

    metric: str
    unit: Unit
    baseline: float
    current: float
    change: float
    relative_change: float | None
    noise: float
    threshold: float
    verdict: Verdict
    basis: Basis = "wall"

    def format_value(self, value: float, *, signed: bool = False) -> str:
        """``value`` in this metric's unit, human-readable."""
        if self.unit == "s":
            text = format_duration(value)
            return f"+{text}" if signed and value >= 0 else text
        return format_signed_bytes(value) if signed else format_bytes(value)


@dataclass(frozen=True, kw_only=True, slots=True)
class Comparison:
    """The verdict for each compared metric, and the metrics that could not be compared."""

    metrics: tuple[MetricComparison, ...]
    skipped: tuple[str, ...] = ()

    @property
    def regressions(self) -> list[MetricComparison]:
        """Metrics that got worse beyond their threshold."""
        return [item for item in self.metrics if item.verdict == "regression"]

    @property
    def improvements(self) -> list[MetricComparison]:
        """Metrics that got better beyond their threshold."""
        return [item for item in self.metrics if item.verdict == "improvement"]

    @property
    def ok(self) -> bool:
        """True when no metric regressed."""
        return not self.regressions

    def __getitem__(self, metric: str) -> MetricComparison:
        for item in self.metrics:
            if item.metric == metric:
                return item
        raise KeyError(metric)

    def __str__(self) -> str:
        count = len(self.regressions)
        head = "no regression" if count == 0 else f"{count} regression{'s' * (count != 1)}"
        rows = [("metric", "baseline", "current", "change", "noise (±)", "verdict")]
        for item in self.metrics:
            relative = "" if item.relative_change is None else f" ({item.relative_change:+.1%})"
            rows.append(
                (
                    item.metric,
                    item.format_value(item.baseline),
                    item.format_value(item.current),
                    item.format_value(item.change, signed=True) + relative,
                    item.format_value(item.noise),
                    item.verdict.upper() if item.verdict == "regression" else item.verdict,
                )
            )
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        lines = [f"Comparison with baseline: {head}"]
        lines += [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
        if self.skipped:
            lines.append(f"skipped (no data): {', '.join(self.skipped)}")
        return "\n".join(lines)


def _load_corrected(current: Measured, baseline: Measured) -> bool:
    return all(
        len(result.steady_times) == len(result.run_times) > 0
        and len(result.reference_times) == len(result.run_times)
        and len(result.cpu_times) == len(result.run_times)
        and min(result.reference_times) > 0
        for result in (current, baseline)
    ) and (current.steady_clock == baseline.steady_clock)


def _smoothed(values: Sequence[float], width: int = _REFERENCE_WINDOW) -> list[float]:
    """Each value replaced by the median of the ``width`` values around it (fewer at the ends)."""
    half = width // 2
    return [
        float(statistics.median(values[max(index - half, 0) : index + half + 1]))
        for index in range(len(values))
    ]


def _per_reference(result: Measured, scale: float) -> list[float]:
    """Each sample in the baseline machine's seconds: its on-CPU part rescaled by its reference.

    Only the part of a sample spent on a CPU depends on how fast the CPU ran (load, machine);
    the rest (sleeps, I/O waits) does not, so it is kept as measured. The reference of a sample
    is the median of the references timed around it: it follows a load that comes and goes,
    and one reference run that was itself interrupted does not distort a sample.
    """
    samples = []
    for steady, cpu, reference in zip(
        result.steady_times, result.cpu_times, _smoothed(result.reference_times), strict=True
    ):
        on_cpu = min(cpu, steady)
        samples.append(on_cpu * scale / reference + (steady - on_cpu))
    return samples


def _standard_error(metric: _Metric, values: Sequence[float]) -> float:
    return metric.se_factor * robust_sigma(values) / math.sqrt(len(values))


def compare(
    current: Measured,
    baseline: Measured,
    *,
    rel_tolerance: float = 0.10,
    abs_tolerance_s: float = 1e-6,
    abs_tolerance_bytes: float = 1024,
    noise_factor: float = 3.0,
    metrics: Sequence[str] = DEFAULT_METRICS,
) -> Comparison:
    """Compare ``current`` with ``baseline`` metric by metric (see the module docstring).

    Args:
        current: the new measurement.
        baseline: the reference measurement.
        rel_tolerance: smallest relative change that counts.
        abs_tolerance_s: smallest change in seconds that counts (runtime metrics).
        abs_tolerance_bytes: smallest change in bytes that counts (memory metrics).
        noise_factor: how many standard errors of the change a change must exceed.
        metrics: names of the metrics to compare.

    Raises:
        ValueError: for an unknown metric name or a negative tolerance.
    """
    unknown = [name for name in metrics if name not in _METRICS]
    if unknown:
        raise ValueError(f"unknown metric(s) {unknown}; choose from {list(DEFAULT_METRICS)}")
    if min(rel_tolerance, abs_tolerance_s, abs_tolerance_bytes, noise_factor) < 0:
        raise ValueError("tolerances and noise_factor must not be negative")
    compared: list[MetricComparison] = []
    skipped: list[str] = []
    corrected = _load_corrected(current, baseline)
    scale = statistics.median(baseline.reference_times) if corrected else 1.0
    for name in metrics:
        metric = _METRICS[name]
        before, after = metric.samples(baseline), metric.samples(current)
        if not before or not after:
            skipped.append(name)
            continue
        basis: Basis = "memory" if metric.unit == "bytes" else "wall"
        if corrected and metric.unit == "s":
            basis = "reference"
            before, after = _per_reference(baseline, scale), _per_reference(current, scale)
        base_value, current_value = metric.statistic(before), metric.statistic(after)
        change = current_value - base_value
        noise = math.hypot(_standard_error(metric, before), _standard_error(metric, after))
        absolute = abs_tolerance_s if metric.unit == "s" else abs_tolerance_bytes
        threshold = max(rel_tolerance * abs(base_value), absolute, noise_factor * noise)
        verdict: Verdict = "unchanged"
        if change > threshold:
            verdict = "regression"
        elif change < -threshold:
            verdict = "improvement"
        compared.append(
            MetricComparison(
                metric=name,
                unit=metric.unit,
                baseline=base_value,
                current=current_value,
                change=change,
                relative_change=change / abs(base_value) if base_value else None,
                noise=noise,
                threshold=threshold,
                verdict=verdict,
                basis=basis,
            )
        )
    return Comparison(metrics=tuple(compared), skipped=tuple(skipped))
