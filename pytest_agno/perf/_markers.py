"""The plugin's markers: their help lines, and their arguments parsed and validated.

Arguments are checked once the tests are collected, so a typo stops the session with a usage error
that names the test and the argument before anything runs (as ``--strict-markers`` does for an
unknown marker name). The same parsers serve the fixtures that read the markers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from pytest_agno.perf._keywords import (
    CANCEL_MOMENTS,
    GATE_KEYWORDS,
    INT_EVAL_ARGS,
    MARKER_HELP,
    PERF_KEYWORDS,
)

__all__ = [
    "MARKER_HELP",
    "PERF_KEYWORDS",
    "BackgroundOptions",
    "CancelOptions",
    "PerfOptions",
    "background_options",
    "cancel_options",
    "marker_errors",
    "perf_options",
]


@dataclass(frozen=True, slots=True)
class BackgroundOptions:
    """``agno_background``: how often to poll, and how long a run may take."""

    poll_interval: float = 0.01
    timeout: float = 30.0


_CANCEL_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class CancelOptions:
    """``agno_cancel``: the moment to cancel at, and how long to wait for it."""

    when: str
    timeout: float = _CANCEL_TIMEOUT


@dataclass(frozen=True, slots=True)
class PerfOptions:
    """Validated ``perf_eval`` / ``agno_perf`` keywords, split by purpose.

    Attributes:
        gates: Absolute limits by gate keyword (see `pytest_agno.perf._gates.GATES`).
        max_regression: Largest allowed relative growth of the median runtime, the median peak
            memory or the growth per iteration against the baseline (not the p95).
        eval_kwargs: Settings passed on to `PerformanceEval`.
    """

    gates: dict[str, float] = field(default_factory=dict)
    max_regression: float | None = None
    eval_kwargs: dict[str, Any] = field(default_factory=dict)

    def updated(self, other: PerfOptions) -> PerfOptions:
        """These options with ``other``'s on top (a call's keywords over the marker's)."""
        return PerfOptions(
            gates={**self.gates, **other.gates},
            max_regression=(
                other.max_regression if other.max_regression is not None else self.max_regression
            ),
            eval_kwargs={**self.eval_kwargs, **other.eval_kwargs},
        )


def _positive_number(name: str, value: Any, *, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise ValueError(f"{name} must be a number, not {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = "at least 0" if allow_zero else "greater than 0"
        raise ValueError(f"{name} must be {bound}, not {value!r}")
    return float(value)


def _unknown(
    kwargs: Mapping[str, Any], allowed: tuple[str, ...], also: tuple[str, ...] = ()
) -> None:
    unknown = sorted(set(kwargs) - set(allowed) - set(also))
    if unknown:
        accepted = ", ".join((*also, *allowed))
        raise ValueError(f"unknown argument(s) {', '.join(unknown)}; accepted: {accepted}")


def background_options(mark: pytest.Mark) -> BackgroundOptions:
    """Parse ``@pytest.mark.agno_background(...)``.

    Raises:
        ValueError: for positional or unknown arguments, or values that are not positive.
    """
    if mark.args:
        raise ValueError(f"takes keyword arguments only, got {mark.args!r}")
    _unknown(mark.kwargs, ("poll_interval", "timeout"))
    return BackgroundOptions(
        **{name: _positive_number(name, value) for name, value in mark.kwargs.items()}
    )


def cancel_options(mark: pytest.Mark) -> CancelOptions:
    """Parse ``@pytest.mark.agno_cancel(when, timeout=...)``.

    Raises:
        ValueError: when ``when`` is missing or not one of the three moments, or for unknown
            arguments.
    """
    kwargs = dict(mark.kwargs)
    if len(mark.args) > 1 or (mark.args and "when" in kwargs):
        raise ValueError("takes one moment: agno_cancel(when='before_start')")
    if mark.args:
        kwargs["when"] = mark.args[0]
    _unknown(kwargs, ("when", "timeout"))
    when = kwargs.get("when")
    if when not in CANCEL_MOMENTS:
        choices = ", ".join(repr(moment) for moment in CANCEL_MOMENTS)
        given = "nothing" if "when" not in kwargs else repr(when)
        raise ValueError(f"when= must be one of {choices}, got {given}")
    timeout = _positive_number("timeout", kwargs.get("timeout", _CANCEL_TIMEOUT))
    return CancelOptions(when=str(when), timeout=timeout)


def perf_options(kwargs: Mapping[str, Any], *, also: tuple[str, ...] = ()) -> PerfOptions:
    """Validate ``perf_eval`` / ``agno_perf`` keywords (gates and `PerformanceEval` settings).

    Args:
        kwargs: The keywords.
        also: Keywords the caller takes itself (``perf_eval``'s ``name``, ...), named first
            among the accepted ones when a keyword is unknown.

    Raises:
        ValueError: naming the first unknown keyword or invalid value.
    """
    _unknown(kwargs, PERF_KEYWORDS, also)
    gates: dict[str, float] = {}
    max_regression: float | None = None
    eval_kwargs: dict[str, Any] = {}
    for name, value in kwargs.items():
        if value is None:  # "not set": lets a call fall back to the marker or the default
            continue
        if name in GATE_KEYWORDS:
            gates[name] = _positive_number(name, value)
        elif name == "max_regression":
            max_regression = _positive_number(name, value, allow_zero=True)
        elif name in INT_EVAL_ARGS:
            low = INT_EVAL_ARGS[name]
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name} must be an integer of at least {low}, not {value!r}")
            eval_kwargs[name] = value
        else:
            if not isinstance(value, bool):
                raise ValueError(f"{name} must be True or False, not {value!r}")
            eval_kwargs[name] = value
    return PerfOptions(gates=gates, max_regression=max_regression, eval_kwargs=eval_kwargs)


def _perf_marker(mark: pytest.Mark) -> PerfOptions:
    if mark.args:
        raise ValueError(f"takes keyword arguments only, got {mark.args!r}")
    return perf_options(mark.kwargs)


_PARSERS = {
    "agno_background": background_options,
    "agno_cancel": cancel_options,
    "agno_perf": _perf_marker,
}


def marker_errors(item: pytest.Item) -> list[str]:
    """A line for each of the plugin's markers on ``item`` whose arguments are invalid."""
    errors = []
    for name, parse in _PARSERS.items():
        mark = item.get_closest_marker(name)
        if mark is None:
            continue
        try:
            parse(mark)
        except ValueError as error:
            errors.append(f"{item.nodeid}: @pytest.mark.{name}: {error}")
    return errors
