"""Descriptive statistics for measured samples: the summary numbers, robust spread and outliers.

Pure functions over plain lists, so the result, the report and the comparison all read the same
numbers. Percentiles interpolate linearly between closest ranks (numpy's default, ``statistics``'
``"inclusive"`` method), so the p95 of ten samples lies between the two slowest.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "MAD_TO_SIGMA",
    "Summary",
    "lower_sigma",
    "mad",
    "percentile",
    "robust_sigma",
    "summarize",
    "tukey_outliers",
]

#: Scales a median absolute deviation to the standard deviation of a normal distribution.
MAD_TO_SIGMA = 1.4826
#: Scales an interquartile range to the standard deviation of a normal distribution.
_IQR_TO_SIGMA = 1 / 1.349
#: Standard deviations between the median and the 10th percentile of a normal distribution.
_P10_TO_SIGMA = 1.2816


@dataclass(frozen=True, kw_only=True, slots=True)
class Summary:
    """avg/min/max/std_dev/median/p95 of one list of samples (all 0.0 for an empty list)."""

    avg: float = 0.0
    min: float = 0.0
    max: float = 0.0
    std_dev: float = 0.0
    median: float = 0.0
    p95: float = 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, got {q}")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    fraction = position - low
    return float(ordered[low] + (ordered[high] - ordered[low]) * fraction)


def summarize(values: Sequence[float]) -> Summary:
    """Summary of ``values``; the standard deviation is the sample one (0.0 below two values)."""
    if not values:
        return Summary()
    return Summary(
        avg=float(statistics.fmean(values)),
        min=float(min(values)),
        max=float(max(values)),
        std_dev=float(statistics.stdev(values)) if len(values) > 1 else 0.0,
        median=float(statistics.median(values)),
        p95=percentile(values, 95),
    )


def mad(values: Sequence[float]) -> float:
    """Median absolute deviation from the median (0.0 for no values)."""
    if not values:
        return 0.0
    center = statistics.median(values)
    return float(statistics.median(abs(value - center) for value in values))


def robust_sigma(values: Sequence[float]) -> float:
    """A standard-deviation estimate that one wild sample cannot inflate.

    ``1.4826 * MAD``; when more than half the samples are identical the MAD is 0 although the rest
    may spread, so the interquartile range (scaled the same way) is the fallback.
    """
    if len(values) < 2:
        return 0.0
    sigma = MAD_TO_SIGMA * mad(values)
    if sigma == 0.0:
        sigma = (percentile(values, 75) - percentile(values, 25)) * _IQR_TO_SIGMA
    return sigma


def lower_sigma(values: Sequence[float]) -> float:
    """A standard-deviation estimate from the samples below the median only.

    ``(median - p10) / 1.2816`` (the distance a normal distribution puts between them): the spread
    of the fast side, which load, only ever adding time, widens least. Falls back to
    :func:`robust_sigma` when it is 0.
    """
    if len(values) < 2:
        return 0.0
    sigma = (float(statistics.median(values)) - percentile(values, 10)) / _P10_TO_SIGMA
    return sigma or robust_sigma(values)


def tukey_outliers(
    values: Sequence[float], *, k: float = 1.5, min_relative_width: float = 0.01
) -> list[int]:
    """Indices of values outside Tukey's fences ``[Q1 - k*IQR, Q3 + k*IQR]``.

    The fence width is at least ``min_relative_width`` of the median, so samples that differ only
    by timer quantisation (an IQR of almost 0) are not flagged. Fewer than four values: none.
    """
    if len(values) < 4:
        return []
    q1, q3 = percentile(values, 25), percentile(values, 75)
    width = k * max(q3 - q1, min_relative_width * abs(statistics.median(values)))
    low, high = q1 - width, q3 + width
    return [index for index, value in enumerate(values) if value < low or value > high]
