"""The ``perf_eval`` fixture: run a `PerformanceEval`, gate it, record it for the report."""

from __future__ import annotations

import asyncio
import functools
import inspect
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from pytest_agno.perf._gates import (
    Judgement,
    check_gates,
    failure_stands,
    judge,
    regression_rules,
    top_growth_site,
)
from pytest_agno.perf._markers import PerfOptions, perf_options
from pytest_agno.report._format import format_bytes
from pytest_agno.report._records import EvalRecord, TokenTally

if TYPE_CHECKING:
    from agno_core.eval.performance import PerformanceEval, PerformanceResult
    from pytest_agno.perf._settings import EvalSettings
    from pytest_agno.report._session import EvalSession

__all__ = ["PerfEval", "PerfGateError"]


class PerfGateError(AssertionError):
    """A perf eval crossed a gate or regressed against its baseline.

    Attributes:
        result: The `PerformanceResult` measured.
        failures: One line per crossed gate or regressed metric.
    """

    def __init__(self, message: str, *, result: PerformanceResult, failures: list[str]) -> None:
        super().__init__(message)
        self.result = result
        self.failures = failures


def _is_async(func: Callable[..., Any]) -> bool:
    while isinstance(func, functools.partial):
        func = func.func
    return inspect.iscoroutinefunction(func)


class PerfEval:
    """Measure a function with `PerformanceEval` inside a test (the ``perf_eval`` fixture).

    ``perf_eval(func, ...)`` in a sync test, ``await perf_eval.arun(func, ...)`` in an async one
    (its ``func`` then runs on the test's event loop, next to the test's agents and db). Both
    return the `PerformanceResult`, fail the test with `PerfGateError` when a gate is crossed,
    and record the eval for the ``--agno-eval`` report.

    Keywords (each defaults to the test's ``@pytest.mark.agno_perf(...)`` value, if any):

    - ``name``: the eval's label (default: the function's name), unique within the test;
    - ``num_iterations``, ``warmup_runs``, ``memory_growth_tracking``, ``measure_runtime``,
      ``measure_memory``, ``top_n_memory_allocations``, ``debug_mode``, ``print_summary``,
      ``print_results``: passed to `PerformanceEval`;
    - ``max_runtime_ms`` (median), ``max_p95_ms``, ``max_peak_mib`` (highest peak),
      ``max_growth_kib`` (average growth per iteration; turns growth tracking on): absolute
      limits;
    - ``max_regression``: largest relative growth of the median runtime, the median peak
      memory or the growth per iteration (not the p95) against the ``--agno-eval-compare``
      baseline (0.2 = 20 %), beyond measurement noise;
    - ``expect_errors``: agent/team runs that end ERROR while measuring are what the test
      measures (by default any such run fails the eval: its numbers measure a failure).

    A function that raises fails the test with its exception; the eval still appears in the
    report, with verdict ``error``.

    Attributes:
        results: The results measured in this test, in order.
    """

    def __init__(
        self,
        *,
        nodeid: str,
        marker: PerfOptions,
        settings: EvalSettings | None,
        session: EvalSession | None,
    ) -> None:
        self._nodeid = nodeid
        self._marker = marker
        self._settings = settings
        self._session = session
        self._names: set[str] = set()
        self.results: list[PerformanceResult] = []

    def __call__(
        self,
        func: Callable[[], object],
        *,
        name: str | None = None,
        expect_errors: bool = False,
        **options: Any,
    ) -> PerformanceResult:
        """Measure ``func`` (sync, or async on a private loop); see the class docstring."""
        __tracebackhide__ = True
        if _loop_running():
            kind = "an async function" if _is_async(func) else "a function"
            pytest.fail(
                f"perf_eval(...) on {kind} inside an async test would block the test's event "
                "loop for the whole eval: use `await perf_eval.arun(...)`, which measures sync "
                "and async functions on the loop",
                pytrace=False,
            )
        evaluation, opts = self._prepare(func, name, options)
        confirm = _Confirmation(self, opts, str(evaluation.name))
        with self._tally() as tally, self._raised(evaluation, tally), _mocks_not_recording():
            result = evaluation.run()
            for _ in range(self._confirmations()):
                if not confirm.wants_rerun(result):
                    break
                result = confirm.judge(result, evaluation.run())
                if confirm.decided:
                    break
        return self._finish(
            evaluation, opts, result, tally, confirm.first, expect_errors, note=confirm.note
        )

    async def arun(
        self,
        func: Callable[[], object],
        *,
        name: str | None = None,
        expect_errors: bool = False,
        **options: Any,
    ) -> PerformanceResult:
        """Measure ``func`` on the running event loop; see the class docstring."""
        __tracebackhide__ = True
        evaluation, opts = self._prepare(func, name, options)
        confirm = _Confirmation(self, opts, str(evaluation.name))
        with self._tally() as tally, self._raised(evaluation, tally), _mocks_not_recording():
            result = await evaluation.arun()
            for _ in range(self._confirmations()):
                if not confirm.wants_rerun(result):
                    break
                result = confirm.judge(result, await evaluation.arun())
                if confirm.decided:
                    break
        return self._finish(
            evaluation, opts, result, tally, confirm.first, expect_errors, note=confirm.note
        )

    # -- internals ---------------------------------------------------------------------------

    def _confirmations(self) -> int:
        settings = self._settings
        if settings is None or not settings.compare:
            return 0
        return settings.confirm

    def _regressions(self, opts: PerfOptions, result: PerformanceResult, label: str) -> Judgement:
        """The comparison with the baseline (none: no baseline) and the rules it breaks."""
        from agno_core.eval.performance import PerformanceResult

        settings = self._settings
        if settings is None or not settings.compare:
            return Judgement()
        baseline = settings.baseline.get(f"{self._nodeid}::{label}")
        if baseline is None:
            return Judgement()
        comparison = result.compare(PerformanceResult.from_dict(baseline))
        rules = settings.rules
        if opts.max_regression is not None:
            rules = (*rules, *regression_rules(opts.max_regression))
        return judge(comparison, rules)

    def _prepare(
        self, func: Callable[[], object], name: str | None, options: dict[str, Any]
    ) -> tuple[PerformanceEval, PerfOptions]:
        __tracebackhide__ = True  # a misused argument is shown at the user's call
        from agno_core.eval.performance import PerformanceEval

        try:
            opts = self._marker.updated(perf_options(options, also=_call_keywords()))
        except ValueError as error:
            raise TypeError(f"perf_eval(): {error}") from None
        eval_kwargs = dict(opts.eval_kwargs)
        if "max_growth_kib" in opts.gates:
            if eval_kwargs.get("memory_growth_tracking") is False:
                raise TypeError(
                    "perf_eval(): max_growth_kib needs memory_growth_tracking, which is False"
                )
            eval_kwargs["memory_growth_tracking"] = True
        for gate, setting in (
            ("max_runtime_ms", "measure_runtime"),
            ("max_p95_ms", "measure_runtime"),
            ("max_peak_mib", "measure_memory"),
        ):
            if gate in opts.gates and eval_kwargs.get(setting) is False:
                raise TypeError(f"perf_eval(): {gate} needs {setting}, which is False")
        label = self._unique(name or getattr(func, "__name__", None) or "eval")
        return PerformanceEval(func=func, name=label, **eval_kwargs), opts

    def _unique(self, name: str) -> str:
        label, count = name, 1
        while label in self._names:
            count += 1
            label = f"{name}#{count}"
        self._names.add(label)
        return label

    @contextmanager
    def _tally(self) -> Iterator[TokenTally]:
        tally = TokenTally()
        if self._session is not None:
            with self._session.counting(tally):
                yield tally
            return
        # No report: count the runs anyway, so runs that ended ERROR still fail the eval.
        from agno_core.run.hooks import add_run_listener

        def count(output: Any) -> None:
            if output.parent_run_id is None:  # members are in their team run's totals
                tally.add(output)

        remove = add_run_listener(count)
        try:
            yield tally
        finally:
            remove()

    @contextmanager
    def _raised(self, evaluation: PerformanceEval, tally: TokenTally) -> Iterator[None]:
        """Record the eval with verdict ``error`` when the measured function raises."""
        from agno_core.eval.performance import PerformanceResult

        try:
            yield
        except Exception as error:
            if self._session is not None:
                self._session.record_eval(
                    EvalRecord(
                        nodeid=self._nodeid,
                        name=str(evaluation.name),
                        verdict="error",
                        failures=[f"the measured function raised {type(error).__name__}: {error}"],
                        tokens=tally,
                        result=PerformanceResult(name=evaluation.name).to_dict(),
                    )
                )
            raise

    def _finish(
        self,
        evaluation: PerformanceEval,
        opts: PerfOptions,
        result: PerformanceResult,
        tally: TokenTally,
        first_failures: list[str],
        expect_errors: bool,
        *,
        note: str = "",
    ) -> PerformanceResult:
        """Gate ``result`` and record it; ``note`` says how a rerun decided, when it did not
        simply confirm (:class:`_Confirmation`)."""
        __tracebackhide__ = True
        self.results.append(result)
        record = EvalRecord(
            nodeid=self._nodeid,
            name=str(evaluation.name),
            gates=check_gates(result, opts.gates),
            tokens=tally,
            result=result.to_dict(),
        )
        gate_lines = [
            f"{check.metric}: limit {check.limit:g} {check.unit}, measured "
            f"{check.measured:.3f} {check.unit} ({check.gate})"
            for check in record.gates
            if not check.passed
        ]
        judged = self._regressions(opts, result, str(evaluation.name))
        comparison, regression_lines = judged.comparison, list(judged.failures)
        settings = self._settings
        if settings is not None and settings.compare:
            record.baseline = "missing" if comparison is None else "compared"
            record.comparison = comparison
        if first_failures:
            record.rerun = {"first_failures": first_failures, "confirmed": bool(regression_lines)}
        if tally.errors and not expect_errors:
            gate_lines.append(
                # The count includes the priming and warm-up calls: "3 of 3 measured runs"
                # read as a miscount beside num_iterations=1.
                f"{tally.errors} of the {tally.runs} agent/team runs the eval made (priming and "
                "warm-up included) ended ERROR: the numbers measure a failure (pass "
                "expect_errors=True if that is intended)"
            )
        record.failures = gate_lines + regression_lines
        record.verdict = "fail" if record.failures else "pass"
        if self._session is not None:
            self._session.record_eval(record)
        if record.failures:
            raise PerfGateError(
                self._message(record, result, gate_lines, regression_lines, note=note),
                result=result,
                failures=record.failures,
            )
        return result

    def _message(
        self,
        record: EvalRecord,
        result: PerformanceResult,
        gate_lines: list[str],
        regression_lines: list[str],
        *,
        note: str = "",
    ) -> str:
        parts = []
        if gate_lines:
            count = len(gate_lines)
            parts.append(f"perf_eval {record.name!r} crossed {count} gate{'s' * (count != 1)}:")
            parts += [f"  {line}" for line in gate_lines]
        if regression_lines:
            settings = self._settings
            source = settings.compare if settings is not None else None
            again = " (and again when measured once more)" if record.rerun else ""
            if note:
                again = f" ({note})"
            parts.append(f"perf_eval {record.name!r} regressed against baseline {source!r}{again}:")
            parts += [f"  {line}" for line in regression_lines]
        site = top_growth_site(result)
        if site is not None:
            growth = format_bytes(result.avg_growth_per_iteration)
            parts.append(f"  memory growth per iteration: {growth}; top growth site: {site}")
        return "\n".join(parts)


class _Confirmation:
    """Which measurement decides when an eval is measured again (``--agno-eval-confirm``).

    A measurement is measured again when it broke a regression rule, or when it passed only
    by its load allowance. Then the rerun decides (a failure must repeat), except that under
    load the measurement made under less load decides
    (:func:`~pytest_agno.perf._gates.failure_stands`): a failure stands against a rerun that
    passed only by a larger allowance, and a rerun made under less load fails an eval whose
    first measurement passed only by its allowance.
    """

    def __init__(self, owner: PerfEval, opts: PerfOptions, label: str) -> None:
        self._judge = functools.partial(owner._regressions, opts, label=label)
        self._last = Judgement()
        #: The failures of the first measurement that broke a rule (empty: none did).
        self.first: list[str] = []
        #: How the last rerun decided, for the failure message ("": it confirmed, or passed).
        self.note = ""
        self.decided = False

    def wants_rerun(self, result: PerformanceResult) -> bool:
        """Whether ``result`` should be measured again."""
        self._last = self._judge(result=result)
        return bool(self._last.failures) or self._last.excused

    def judge(self, result: PerformanceResult, rerun: PerformanceResult) -> PerformanceResult:
        """The measurement that stands after ``rerun``; sets :attr:`decided` when no further
        rerun may change it."""
        last, again = self._last, self._judge(result=rerun)
        if last.failures:
            self.first = self.first or list(last.failures)
            if failure_stands(last, again):
                self.decided = True
                self.note = (
                    "measured once more: the rerun passed only by a larger load allowance, "
                    "so this measurement, made under less load, decides"
                )
                return result
            return rerun
        self.decided = True
        if failure_stands(again, last):
            self.note = (
                "measured once more because the first measurement passed only by its load "
                "allowance; this one, made under less load, decides"
            )
            return rerun
        return result


@contextmanager
def _mocks_not_recording() -> Iterator[None]:
    """`MockOpenAI.requests` stays as it is while an eval measures (unless bounded: see there)."""
    module = sys.modules.get("pytest_agno.mock._recording")
    if module is None:  # no mock in this process, and no reason to import one
        yield
        return
    with module.evaluating():
        yield


@functools.cache
def _call_keywords() -> tuple[str, ...]:
    """The keywords `PerfEval.__call__` takes itself, beside the eval settings and the gates."""
    parameters = inspect.signature(PerfEval.__call__).parameters.values()
    return tuple(p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY)


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
