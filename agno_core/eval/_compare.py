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
kind of clock, runtime metrics compare steady time (wall time minus the time the call waited
for a CPU, see :mod:`agno_core.eval._load`), not wall time, with each sample's on-CPU part
(``min(cpu, steady)``) divided by the reference workload timed around it and multiplied by
the baseline's median reference: seconds as the baseline's machine, unloaded, would have taken.
The rest of a sample (sleeps, I/O waits) does not depend on CPU speed and is kept as is. The
comparison's ``basis`` then says ``"reference"``; otherwise ``"wall"``. Two more things change
on that basis, both because load only ever *adds* time, and adds more of it to some code than to
the reference workload:

- ``median_run_time`` compares the **lower quartile** of the corrected samples (``statistic``
  says ``"p25"``), with the noise taken from the spread below the median
  (:func:`~agno_core.eval._stats.lower_sigma`): a preempted sample resumes with cold caches and
  runs slower by an amount no clock sees, so the least-disturbed quarter of the samples is the
  part of the distribution load moves least (on a quiet machine the quartile moves with the
  code exactly as the median does).
- a **load allowance** widens the threshold when the current run was contended (its samples
  waited for a CPU more than :data:`CONTENDED_WAIT_SHARE` of their wall time) and its
  references ran slower than the baseline's: the on-CPU part is rescaled once more as if the
  code were :data:`LOAD_SENSITIVITY` times as sensitive to the load as the reference
  (``(reference ratio) ** 2`` instead of the ratio itself), and the difference between the
  two readings is added to the threshold. Measured on a shared 2-core
  machine, an agent run on the mock slowed by up to about the square of the reference's
  slowdown (cache-hungry code suffers more from contention than the small reference); code
  that the load slows only as much as the reference loses that much detection power, and only
  while the machine is loaded. On a quiet machine there is none, also when the machine itself is
  slower than the baseline's (then the reference ratio is the machine's speed, not load).

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

from agno_core.eval._stats import lower_sigma, percentile, robust_sigma
from agno_core.eval._units import MIB, format_bytes, format_duration, format_signed_bytes

if TYPE_CHECKING:
    from agno_core.eval._measured import Measured

__all__ = [
    "CONTENDED_WAIT_SHARE",
    "DEFAULT_METRICS",
    "LOAD_SENSITIVITY",
    "LOW_QUANTILE",
    "Comparison",
    "MetricComparison",
    "Verdict",
    "compare",
]

#: How many reference runs around a sample make its reference (their median).
_REFERENCE_WINDOW = 5
#: Percentile of the load-corrected samples that ``median_run_time`` compares (basis reference).
LOW_QUANTILE = 25.0
#: How many times as sensitive to load as the reference workload (an exponent on the reference's
#: slowdown) code may be before a slowdown under load counts against it (the load allowance).
LOAD_SENSITIVITY = 2.0
#: Share of the current run's wall time spent waiting for a CPU above which the run counts as
#: contended, and the load allowance applies (a quiet run on a slower machine gets none).
CONTENDED_WAIT_SHARE = 0.05
#: The standard error of a sample's 25th percentile, in standard deviations over sqrt(n)
#: (``sqrt(p * (1 - p)) / pdf(z_p)`` for normal data).
_P25_SE_FACTOR = 1.3626

Verdict = Literal["regression", "improvement", "unchanged"]
Statistic = Literal["median", "p25", "p95", "mean"]
Unit = Literal["s", "bytes"]
Basis = Literal["wall", "reference", "memory"]


@dataclass(frozen=True, slots=True)
class _Metric:
    unit: Unit
    samples: Callable[[Measured], Sequence[float]]
    statistic: Callable[[Sequence[float]], float]
    se_factor: float
    name: Statistic


def _peaks(result: Measured) -> Sequence[float]:
    return result.peak_memory_usages or [usage * MIB for usage in result.memory_usages]


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def _p95(values: Sequence[float]) -> float:
    return percentile(values, 95)


def _mean(values: Sequence[float]) -> float:
    return float(statistics.fmean(values))


_METRICS: dict[str, _Metric] = {
    "median_run_time": _Metric("s", lambda result: result.run_times, _median, 1.2533, "median"),
    "p95_run_time": _Metric("s", lambda result: result.run_times, _p95, 2.11, "p95"),
    "median_peak_memory": _Metric("bytes", _peaks, _median, 1.2533, "median"),
    "avg_growth_per_iteration": _Metric(
        "bytes", lambda result: result.growth_per_iteration, _mean, 1.0, "mean"
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
        statistic: which statistic of the samples was compared (``"p25"`` for
            ``median_run_time`` on basis ``"reference"``, see the module docstring).
        load_allowance: how much of ``threshold`` the load allowance is (0 unless the current
            run's references ran slower than the baseline's).
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
    statistic: Statistic = "median"
    load_allowance: float = 0.0

    @property
    def label(self) -> str:
        """The metric's name, with the statistic when it is not the one the name says."""
        named = {"median": "median_", "p95": "p95_", "mean": "avg_"}.get(self.statistic)
        if named is not None and self.metric.startswith(named):
            return self.metric
        return f"{self.metric} ({self.statistic})"

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
                    item.label,
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


def _per_reference(result: Measured, scale: float, sensitivity: float = 1.0) -> list[float]:
    """Each sample in the baseline machine's seconds: its on-CPU part rescaled by its reference.

    Only the part of a sample spent on a CPU depends on how fast the CPU ran (load, machine);
    the rest (sleeps, I/O waits) does not, so it is kept as measured. The reference of a sample
    is the median of the references timed around it: it follows a load that comes and goes,
    and one reference run that was itself interrupted does not distort a sample.
    ``sensitivity`` is the exponent on the reference's slowdown (1: the code slows as much as
    the reference does).
    """
    samples = []
    for steady, cpu, reference in zip(
        result.steady_times, result.cpu_times, _smoothed(result.reference_times), strict=True
    ):
        on_cpu = min(cpu, steady)
        samples.append(on_cpu * (scale / reference) ** sensitivity + (steady - on_cpu))
    return samples


def _low_quantile(values: Sequence[float]) -> float:
    return percentile(values, LOW_QUANTILE)


def _load_corrected_runtime(
    name: str, current: Measured, baseline: Measured, scale: float
) -> tuple[_Metric, list[float], list[float], float]:
    """The statistic, both corrected samples and the load allowance of a runtime metric."""
    metric = _METRICS[name]
    if name == "median_run_time":
        metric = _Metric("s", metric.samples, _low_quantile, _P25_SE_FACTOR, "p25")
    before, after = _per_reference(baseline, scale), _per_reference(current, scale)
    allowance = 0.0
    if _wait_share(current) > CONTENDED_WAIT_SHARE:
        sensitive = metric.statistic(_per_reference(current, scale, LOAD_SENSITIVITY))
        allowance = max(metric.statistic(after) - sensitive, 0.0)
    return metric, before, after, allowance


def _wait_share(result: Measured) -> float:
    """The share of the samples' wall time that was not steady time (CPU wait)."""
    wall = sum(result.run_times)
    return 1 - sum(result.steady_times) / wall if wall > 0 else 0.0


def _standard_error(metric: _Metric, values: Sequence[float]) -> float:
    spread = lower_sigma(values) if metric.name == "p25" else robust_sigma(values)
    return metric.se_factor * spread / math.sqrt(len(values))


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
        allowance = 0.0
        if corrected and metric.unit == "s":
            basis = "reference"
            metric, before, after, allowance = _load_corrected_runtime(
                name, current, baseline, scale
            )
        base_value, current_value = metric.statistic(before), metric.statistic(after)
        change = current_value - base_value
        noise = math.hypot(_standard_error(metric, before), _standard_error(metric, after))
        absolute = abs_tolerance_s if metric.unit == "s" else abs_tolerance_bytes
        threshold = max(rel_tolerance * abs(base_value), absolute, noise_factor * noise) + allowance
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
                statistic=metric.name,
                load_allowance=allowance,
            )
        )
    return Comparison(metrics=tuple(compared), skipped=tuple(skipped))
