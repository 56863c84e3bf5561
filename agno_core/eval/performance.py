"""Performance evals: runtime, memory per call and memory growth of a function.

``from agno_core.eval.performance import PerformanceEval, PerformanceResult`` as in Agno.
"""

from __future__ import annotations

from agno_core.eval._compare import DEFAULT_METRICS, Comparison, MetricComparison, Verdict
from agno_core.eval._eval import PerformanceEval
from agno_core.eval._persist import EvalRunDb
from agno_core.eval._result import GrowthSite, PerformanceResult

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
