"""Evals for agno_core: :mod:`agno_core.eval.performance` measures runtime and memory."""

from __future__ import annotations

from agno_core.eval.performance import (
    DEFAULT_METRICS,
    Comparison,
    EvalRunDb,
    GrowthSite,
    MetricComparison,
    PerformanceEval,
    PerformanceResult,
    Verdict,
)

__all__ = [
    "DEFAULT_METRICS",
    "Comparison",
    "EvalRunDb",
    "GrowthSite",
    "MetricComparison",
    "PerformanceEval",
    "PerformanceResult",
    "Verdict",
]
