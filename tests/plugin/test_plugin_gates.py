"""The --agno-eval-fail expression language and how its rules judge a comparison."""

from __future__ import annotations

import pytest

from agno_core.eval.performance import MetricComparison
from pytest_agno.perf._gates import GATED_BY_DEFAULT, Rule, parse_rules, regression_rules


def comparison(
    metric: str = "median_run_time",
    *,
    baseline: float = 1.0,
    current: float = 1.2,
    noise: float = 0.01,
    verdict: str = "regression",
) -> MetricComparison:
    return MetricComparison(
        metric=metric,
        unit="s" if metric.endswith("run_time") else "bytes",
        baseline=baseline,
        current=current,
        change=current - baseline,
        relative_change=(current - baseline) / baseline if baseline else None,
        noise=noise,
        threshold=0.1,
        verdict=verdict,  # type: ignore[arg-type]
    )


def test_parse_conditions() -> None:
    assert parse_rules("regression") == (Rule("regression", None, False, None),)
    assert parse_rules(" runtime>10% , growth>1KiB,p95 > 2.5ms,memory>1MiB,any>5%") == (
        Rule("runtime>10%", "median_run_time", True, 0.1),
        Rule("growth>1KiB", "avg_growth_per_iteration", False, 1024.0),
        Rule("p95 > 2.5ms", "p95_run_time", False, pytest.approx(0.0025)),  # type: ignore[arg-type]
        Rule("memory>1MiB", "median_peak_memory", False, 1024.0**2),
        Rule("any>5%", None, True, 0.05),
    )
    assert parse_rules("median_run_time>300us")[0].limit == pytest.approx(300e-6)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("", "empty condition"),
        ("runtime>10%,", "empty condition"),
        ("speed>10%", "unknown metric 'speed'"),
        ("runtime<10%", "is not a condition"),
        ("runtime>10KiB", "one of its units (ns/us/ms/s)"),
        ("growth>3ms", "one of its units (b/kib/mib/gib)"),
        ("any>1KiB", "an amount needs a metric"),
        ("regressions", "is not a condition"),
    ],
)
def test_invalid_expressions_say_why(expression: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_rules(expression)
    assert message in str(caught.value)


def test_regression_rule_follows_the_comparison_verdict() -> None:
    [rule] = parse_rules("regression")
    assert rule.hit(comparison(verdict="regression"))
    assert not rule.hit(comparison(verdict="unchanged"))
    for metric in ("median_peak_memory", "avg_growth_per_iteration"):
        assert rule.hit(comparison(metric, baseline=100, current=300, verdict="regression"))


def test_p95_is_judged_only_by_a_rule_that_names_it() -> None:
    # The p95 of a few dozen samples is nearly their maximum: one preemption sets it.
    p95 = comparison("p95_run_time", current=2.0, verdict="regression")
    assert {
        "median_run_time",
        "median_peak_memory",
        "avg_growth_per_iteration",
    } == GATED_BY_DEFAULT
    for expression in ("regression", "any>10%", "any>1%"):
        [rule] = parse_rules(expression)
        assert not rule.hit(p95), expression
        assert rule.hit(comparison(current=2.0)), expression  # the median still fails
    [max_regression] = regression_rules(0.1)
    assert not max_regression.hit(p95)
    for expression in ("p95>10%", "p95_run_time>500ms"):
        [named] = parse_rules(expression)
        assert named.hit(p95), expression
        assert not named.hit(comparison("p95_run_time", current=1.05)), expression


def test_relative_and_absolute_limits_and_the_noise_band() -> None:
    [relative] = parse_rules("runtime>10%")
    assert relative.hit(comparison(current=1.2))
    assert not relative.hit(comparison(current=1.05))
    assert not relative.hit(comparison(current=1.2, noise=0.1))  # within 3 x noise
    assert not relative.hit(comparison("p95_run_time", current=2.0))  # another metric
    [absolute] = parse_rules("growth>1KiB")
    growth = "avg_growth_per_iteration"
    assert absolute.hit(comparison(growth, baseline=0, current=2048, noise=10))
    assert not absolute.hit(comparison(growth, baseline=0, current=1000, noise=10))


def test_max_regression_covers_the_default_metrics() -> None:
    [rule] = regression_rules(0.5)
    assert rule.metric is None and rule.relative and rule.limit == 0.5
    assert rule.hit(comparison("median_peak_memory", baseline=100, current=200, noise=1))
    assert not rule.hit(comparison("median_peak_memory", baseline=100, current=140, noise=1))
    assert rule.hit(comparison(current=1.6))
    assert rule.hit(comparison("avg_growth_per_iteration", baseline=100, current=200, noise=1))
    assert not rule.hit(comparison("p95_run_time", current=3.0))
