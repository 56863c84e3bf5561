"""Perf gates: absolute limits on one result, and regression rules against a baseline.

Absolute limits (``perf_eval(max_...=)`` / ``@pytest.mark.agno_perf(max_...=)``):

==================  =====================================================  ====
keyword             measured                                               unit
==================  =====================================================  ====
``max_runtime_ms``  median wall time per call                              ms
``max_p95_ms``      95th percentile of the wall time per call              ms
``max_peak_mib``    highest peak memory of a measured call                 MiB
``max_growth_kib``  average memory growth per iteration (a leak)           KiB
==================  =====================================================  ====

Regression rules (``--agno-eval-fail=EXPR``; ``max_regression=`` is shorthand for one) compare a
result with its baseline (``--agno-eval-compare``). ``EXPR`` is a comma-separated list of
conditions; any condition that holds fails the test:

- ``regression``: a metric the noise-aware comparison calls a regression (it changed by more than
  10 %, more than timer/allocator granularity and more than 3 standard errors of the change);
- ``METRIC>N%``: the metric grew by more than N % of its baseline value;
- ``METRIC>AMOUNT``: the metric grew by more than AMOUNT (``ns``/``us``/``ms``/``s`` for runtime
  metrics, ``B``/``KiB``/``MiB``/``GiB`` for memory metrics), e.g. ``growth>1KiB``.

``METRIC`` is ``runtime`` (median run time), ``p95`` (p95 run time), ``memory`` (median peak
memory), ``growth`` (average growth per iteration), their full names (``median_run_time``,
``p95_run_time``, ``median_peak_memory``, ``avg_growth_per_iteration``), or ``any``. A change
within the noise band (3 standard errors of the change) never fails, whatever the rule says, and
on a loaded machine every runtime limit is raised by the comparison's load allowance (see
:mod:`agno_core.eval._compare`). Which of two measurements decides when an eval is measured
again (``--agno-eval-confirm``): :func:`failure_stands`, applied by ``_eval._Confirmation``.

The p95 run time is judged only by a rule that names it (``p95>20%``, ``p95_run_time>2ms``):
``regression``, ``any`` and ``max_regression=`` cover the :data:`GATED_BY_DEFAULT` metrics. The
p95 of a few dozen samples is nearly their maximum, which one preemption or cache storm on a
shared machine sets, and its noise band, estimated from the robust spread of the samples, does
not cover such tails: measured, it was the only metric that failed unchanged code under load.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_agno.report._format import format_bytes, format_duration, format_signed_bytes
from pytest_agno.report._records import GateCheck

if TYPE_CHECKING:
    from agno_core.eval.performance import Comparison, MetricComparison, PerformanceResult

__all__ = [
    "GATED_BY_DEFAULT",
    "GATES",
    "METRICS",
    "MILD_LOAD",
    "RUNTIME_METRICS",
    "Gate",
    "Judgement",
    "Rule",
    "check_gates",
    "evaluate_rules",
    "excused_by_load",
    "failure_stands",
    "judge",
    "parse_rules",
    "regression_rules",
    "top_growth_site",
]

NOISE_FACTOR = 3.0
#: Largest load allowance (a share of the runtime baseline) under which a failing measurement
#: is trusted over a passing rerun that was made under more load (:func:`failure_stands`): a
#: load that the 10 % tolerance already covers.
MILD_LOAD = 0.10
#: The comparison's runtime metrics (the ones load can move).
RUNTIME_METRICS = frozenset({"median_run_time", "p95_run_time"})
_PACKAGE_DIR = str(Path(__file__).parent)


@dataclass(frozen=True, slots=True)
class Gate:
    """An absolute limit: what it measures, in which unit, and what the eval must measure."""

    metric: str
    unit: str
    measure: Callable[[PerformanceResult], float]
    needs: str


GATES: dict[str, Gate] = {
    "max_runtime_ms": Gate(
        "median runtime", "ms", lambda r: r.median_run_time * 1e3, "measure_runtime"
    ),
    "max_p95_ms": Gate("p95 runtime", "ms", lambda r: r.p95_run_time * 1e3, "measure_runtime"),
    "max_peak_mib": Gate("peak memory", "MiB", lambda r: r.max_memory_usage, "measure_memory"),
    "max_growth_kib": Gate(
        "memory growth per iteration",
        "KiB",
        lambda r: r.avg_growth_per_iteration / 1024,
        "memory_growth_tracking",
    ),
}

# Short names of the comparison's metrics, and each metric's unit.
METRICS: dict[str, str] = {
    "runtime": "median_run_time",
    "p95": "p95_run_time",
    "memory": "median_peak_memory",
    "growth": "avg_growth_per_iteration",
}
#: What a rule that names no metric (``regression``, ``any>N%``, ``max_regression=``) judges:
#: medians and growth, which load and single outliers barely move.
GATED_BY_DEFAULT: frozenset[str] = frozenset(
    {"median_run_time", "median_peak_memory", "avg_growth_per_iteration"}
)
_UNIT_OF = {
    "median_run_time": "s",
    "p95_run_time": "s",
    "median_peak_memory": "bytes",
    "avg_growth_per_iteration": "bytes",
}
_AMOUNT_UNITS = {
    "s": {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0},
    "bytes": {"b": 1.0, "kib": 1024.0, "mib": 1024.0**2, "gib": 1024.0**3},
}
_CONDITION = re.compile(
    r"^(?P<metric>[a-z_0-9]+)\s*>\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>%|[a-z]+)$"
)


def check_gates(result: PerformanceResult, limits: Mapping[str, float]) -> list[GateCheck]:
    """Each limit in ``limits`` (keyed by gate keyword) checked against ``result``."""
    checks = []
    for keyword, limit in limits.items():
        gate = GATES[keyword]
        measured = float(gate.measure(result))
        checks.append(
            GateCheck(
                gate=keyword,
                metric=gate.metric,
                unit=gate.unit,
                limit=float(limit),
                measured=measured,
                passed=measured <= limit,
            )
        )
    return checks


def top_growth_site(result: PerformanceResult) -> str | None:
    """``file:line +size (+n blocks)`` of the line that grew most, when growth was tracked."""
    if not result.growth_sites:
        return None
    site = result.growth_sites[0]
    # The callers, without this plugin's frames (perf_eval's call into PerformanceEval).
    callers = [frame for frame in site.traceback[1:] if not frame.startswith(_PACKAGE_DIR)][:2]
    via = f" via {' <- '.join(callers)}" if callers else ""
    return (
        f"{site.filename}:{site.lineno} {format_signed_bytes(site.size_diff)} "
        f"({site.count_diff:+d} blocks){via}"
    )


@dataclass(frozen=True, slots=True)
class Rule:
    """One regression condition.

    Attributes:
        text: As written, for messages.
        metric: The comparison metric's full name, or None for the metrics of
            :data:`GATED_BY_DEFAULT`.
        relative: The limit is a fraction of the baseline (else an absolute amount).
        limit: The fraction, or the amount in seconds or bytes; None for ``regression``.
    """

    text: str
    metric: str | None
    relative: bool
    limit: float | None

    def hit(self, item: MetricComparison) -> bool:
        """Whether ``item`` breaks this rule."""
        if self.metric is None:
            if item.metric not in GATED_BY_DEFAULT:
                return False
        elif item.metric != self.metric:
            return False
        if self.limit is None:
            return item.verdict == "regression"
        allowed = self.limit * abs(item.baseline) if self.relative else self.limit
        return item.change > max(allowed, NOISE_FACTOR * item.noise) + item.load_allowance


def _metric_name(word: str, text: str) -> str | None:
    if word == "any":
        return None
    if word in METRICS:
        return METRICS[word]
    if word in _UNIT_OF:
        return word
    names = ", ".join([*METRICS, *_UNIT_OF, "any"])
    raise ValueError(f"{text!r}: unknown metric {word!r}; use one of {names}")


def parse_rules(expression: str) -> tuple[Rule, ...]:
    """Parse a ``--agno-eval-fail`` expression (see the module docstring).

    Raises:
        ValueError: naming the condition that does not parse.
    """
    rules = []
    for raw in expression.split(","):
        text = raw.strip()
        lowered = text.lower()
        if not lowered:
            raise ValueError(f"empty condition in {expression!r}")
        if lowered == "regression":
            rules.append(Rule(text=text, metric=None, relative=False, limit=None))
            continue
        match = _CONDITION.match(lowered)
        if match is None:
            raise ValueError(
                f"{text!r} is not a condition: write 'regression', 'METRIC>N%' or "
                "'METRIC>AMOUNT' (e.g. runtime>10%, growth>1KiB)"
            )
        metric = _metric_name(match["metric"], text)
        number, unit = float(match["number"]), match["unit"]
        if unit == "%":
            rules.append(Rule(text=text, metric=metric, relative=True, limit=number / 100))
            continue
        kinds = {_UNIT_OF[metric]} if metric is not None else {"s", "bytes"}
        scales = [_AMOUNT_UNITS[kind][unit] for kind in kinds if unit in _AMOUNT_UNITS[kind]]
        if metric is None or not scales:
            units = "/".join(u for kind in sorted(kinds) for u in _AMOUNT_UNITS[kind])
            raise ValueError(
                f"{text!r}: an amount needs a metric and one of its units ({units}), "
                "or write a percentage"
            )
        rules.append(Rule(text=text, metric=metric, relative=False, limit=number * scales[0]))
    return tuple(rules)


def regression_rules(max_regression: float) -> tuple[Rule, ...]:
    """The rule ``max_regression=`` stands for: no metric of :data:`GATED_BY_DEFAULT` may grow by
    more than that fraction."""
    return (
        Rule(
            text=f"max_regression={max_regression:g}",
            metric=None,
            relative=True,
            limit=max_regression,
        ),
    )


def _value(item: MetricComparison, value: float, *, signed: bool = False) -> str:
    if item.unit == "s":
        text = format_duration(value)
        return f"+{text}" if signed and value >= 0 else text
    return format_signed_bytes(value) if signed else format_bytes(value)


def describe(item: MetricComparison) -> str:
    """``metric: baseline X, current Y, change +Z (+n%), noise ±W``."""
    relative = "" if item.relative_change is None else f" ({item.relative_change:+.1%})"
    allowance = ""
    if item.load_allowance > 0:
        allowance = f", load allowance {_value(item, item.load_allowance, signed=True)}"
    return (
        f"{item.label}: baseline {_value(item, item.baseline)}, current "
        f"{_value(item, item.current)}, change {_value(item, item.change, signed=True)}"
        f"{relative}, noise ±{_value(item, item.noise)}{allowance}"
    )


def evaluate_rules(comparison: Comparison, rules: Sequence[Rule]) -> list[str]:
    """One line per metric that breaks a rule: baseline, current, change, noise and the rule."""
    lines = []
    for item in comparison.metrics:
        broken = [rule.text for rule in rules if rule.hit(item)]
        if broken:
            lines.append(f"{describe(item)} (rule: {', '.join(broken)})")
    return lines


@dataclass(frozen=True, slots=True)
class Judgement:
    """One measurement judged against its baseline by the regression rules.

    Attributes:
        comparison: the comparison as JSON data (:func:`comparison_dict`); None: no baseline.
        failures: one line per metric that breaks a rule (:func:`evaluate_rules`).
        excused: a runtime metric breaks no rule only thanks to its load allowance
            (:func:`excused_by_load`).
    """

    comparison: dict[str, Any] | None = None
    failures: tuple[str, ...] = ()
    excused: bool = False

    @property
    def load_share(self) -> float:
        """The runtime median's load allowance as a share of its baseline (0.0: none)."""
        for item in (self.comparison or {}).get("metrics", []):
            if item["metric"] == "median_run_time" and item["baseline"]:
                return float(item["load_allowance"]) / abs(float(item["baseline"]))
        return 0.0


def judge(comparison: Comparison, rules: Sequence[Rule]) -> Judgement:
    """``comparison`` judged by ``rules``."""
    return Judgement(
        comparison=comparison_dict(comparison),
        failures=tuple(evaluate_rules(comparison, rules)),
        excused=excused_by_load(comparison, rules),
    )


def excused_by_load(comparison: Comparison, rules: Sequence[Rule]) -> bool:
    """Whether a runtime metric breaks none of ``rules`` but would without its load allowance."""
    for item in comparison.metrics:
        if item.load_allowance <= 0 or any(rule.hit(item) for rule in rules):
            continue
        threshold = item.threshold - item.load_allowance
        bare = replace(
            item,
            threshold=threshold,
            load_allowance=0.0,
            verdict="regression" if item.change > threshold else item.verdict,
        )
        if any(rule.hit(bare) for rule in rules):
            return True
    return False


def failure_stands(failed: Judgement, rerun: Judgement) -> bool:
    """Whether a measurement that broke a regression rule fails its test although its rerun
    passed: when the rerun passed only by its load allowance, the measurement made under less
    load decides.

    It stands when every metric it broke is a runtime metric; the rerun broke no rule only
    thanks to its load allowance (:attr:`Judgement.excused`); and the failing measurement was
    made under strictly less load (a smaller allowance) that was mild (at most
    :data:`MILD_LOAD` of the baseline). Otherwise the rerun decides, as always: a failure
    confirmed by a rerun fails, a rerun that passes wins (a transient slowdown of the first
    measurement, which a quiet rerun does not repeat, passes).
    """
    if rerun.failures or not failed.failures or not rerun.excused:
        return False
    broken = {line.split(":", 1)[0].split(" ", 1)[0] for line in failed.failures}
    if not broken <= RUNTIME_METRICS:
        return False
    return failed.load_share < rerun.load_share and failed.load_share <= MILD_LOAD


def comparison_dict(comparison: Comparison) -> dict[str, Any]:
    """The comparison as JSON data: an overall verdict and every metric's numbers."""
    if comparison.regressions:
        verdict = "regression"
    elif comparison.improvements:
        verdict = "improvement"
    else:
        verdict = "unchanged"
    return {
        "verdict": verdict,
        "metrics": [
            {
                "metric": item.metric,
                "unit": item.unit,
                "baseline": item.baseline,
                "current": item.current,
                "change": item.change,
                "relative_change": item.relative_change,
                "noise": item.noise,
                "threshold": item.threshold,
                "verdict": item.verdict,
                "basis": item.basis,
                "statistic": item.statistic,
                "load_allowance": item.load_allowance,
            }
            for item in comparison.metrics
        ],
        "skipped": list(comparison.skipped),
    }
