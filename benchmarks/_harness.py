"""What every benchmark shares: the scripted mock, one event loop, and paired timing.

The machine the benchmarks run on is rarely quiet (CI neighbours, other test suites), so an
absolute figure measured minutes apart from its reference means little. Each benchmark therefore
times its subject with pytest-benchmark and, in the untimed setup of *every* round, times a
reference (usually the bare SDK call on the same mock): floor and subject alternate round by round,
and the figure reported is the median of the per-round ratios. Load that comes and goes hits both
halves of a pair alike.

Async code runs on one event loop created once per session; every round is one
``loop.run_until_complete`` call for the subject and one for the reference, so the loop's own
overhead is identical on both sides (and amortised over ``calls`` operations per round).
"""

from __future__ import annotations

import asyncio
import inspect
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import openai

from pytest_agno.mock import MockOpenAI, RecordedRequest

__all__ = [
    "AGNO_SLOW",
    "FAST",
    "LATENCY_50MS",
    "LEADER",
    "MEMBER",
    "SLOW",
    "Loop",
    "Paired",
    "floor_calls",
    "round_times",
    "script_mock",
]

# Model ids route each request to its scripted reply (`model=` on the mock).
FAST = "bench-fast"  # zero latency: floor, agent runs
LEADER = "bench-leader"  # a team leader: delegate once, then answer
MEMBER = "bench-member"
SLOW = "bench-slow"  # a call that is still running when it gets cancelled
AGNO_SLOW = "bench-agno-slow"  # Agno cannot interrupt a model call: keep its wait short
LATENCY_50MS = "bench-50ms"  # throughput: 50 ms per model call
FOREVER = 10**9  # `times=`: the reply never leaves the queue

SLOW_LATENCY = 30.0
AGNO_SLOW_LATENCY = 0.5


def _after_tool_result(request: RecordedRequest) -> bool:
    return any(m.get("role") == "tool" for m in request.json.get("messages", ()))


def script_mock(mock: MockOpenAI) -> None:
    """Script every reply the benchmarks need, so the mock answers them indefinitely."""
    mock.add_text("ok", model=FAST, times=FOREVER)
    mock.add_text("done", model=LEADER, match=_after_tool_result, times=FOREVER)
    # The member's id is "member" in both agno_core and Agno (derived from its name).
    mock.add_tool_call(
        "delegate_task_to_member",
        {"member_id": "member", "task": "say ok"},
        model=LEADER,
        times=FOREVER,
    )
    mock.add_text("ok", model=MEMBER, times=FOREVER)
    mock.add_text("too late", model=SLOW, latency=SLOW_LATENCY, times=FOREVER)
    mock.add_text("too late", model=AGNO_SLOW, latency=AGNO_SLOW_LATENCY, times=FOREVER)
    mock.add_text("ok", model=LATENCY_50MS, latency=0.05, times=FOREVER)


async def floor_calls(client: openai.AsyncOpenAI, n: int) -> None:
    """The floor: ``n`` bare ``chat.completions.create`` calls on the mock, one after another."""
    for _ in range(n):
        await client.chat.completions.create(
            model=FAST, messages=[{"role": "user", "content": "hi"}]
        )


@dataclass(frozen=True)
class Loop:
    """The session's event loop, driven from synchronous benchmark code."""

    loop: asyncio.AbstractEventLoop

    def run(self, awaitable: Awaitable[Any]) -> Any:
        return self.loop.run_until_complete(awaitable)

    def call(self, function: Callable[[], Any]) -> Any:
        """Call a sync or an async function (the latter runs on the loop)."""
        result = function()
        return self.run(result) if inspect.isawaitable(result) else result


AsyncFn = Callable[[], Awaitable[Any]]


@dataclass
class Paired:
    """Times a subject with pytest-benchmark, a reference interleaved in every round's setup.

    Attributes:
        benchmark: pytest-benchmark's fixture for the current benchmark.
        loop: The session's loop.
        floor: The default reference: one round's worth of bare SDK calls.
    """

    benchmark: Any
    loop: Loop
    floor: Callable[[int], Awaitable[None]]

    def run(
        self,
        subject: AsyncFn | Callable[[], Any],
        *,
        figure: str,
        impl: str,
        calls: int,
        rounds: int,
        warmup_rounds: int = 1,
        is_async: bool = True,
        reference: AsyncFn | Callable[[], Any] | None = None,
        reference_label: str | None = "floor",
        reference_is_async: bool = True,
        floor_calls_per_op: int = 1,
        before: Callable[[], Any] | None = None,
        after: Callable[[], Any] | None = None,
        **extra: Any,
    ) -> Any:
        """Measure ``rounds`` rounds of ``subject`` (which performs ``calls`` operations).

        Args:
            subject: One round: an async function (run on the loop) or a sync one.
            figure: The row of the results table this feeds.
            impl: ``"agno_core"``, ``"agno"`` or ``"sdk"``.
            calls: Operations per round (figures are reported per operation).
            rounds: Timed rounds.
            warmup_rounds: Untimed rounds first.
            is_async: Whether ``subject`` is async.
            reference: What to time in each round's setup; default: the floor doing
                ``calls * floor_calls_per_op`` SDK calls. None with ``reference_label=None``:
                no reference.
            reference_label: How the report names the reference.
            reference_is_async: Whether ``reference`` is async.
            floor_calls_per_op: SDK calls the floor makes per operation (a team run with one
                delegation is 3 model calls).
            before: Untimed, before the reference in each round (e.g. start a run to cancel);
                sync or async.
            after: Untimed, after each round (e.g. drain background runs); sync or async.
            **extra: More facts for the report (``benchmark.extra_info``).
        """
        loop = self.loop
        if reference is None and reference_label == "floor":
            n = calls * floor_calls_per_op

            async def reference_floor() -> None:
                await self.floor(n)

            reference, reference_is_async = reference_floor, True
        ref_times: list[float] = []

        def setup() -> None:
            if before is not None:
                loop.call(before)
            if reference is not None:
                start = time.perf_counter()
                if reference_is_async:
                    loop.run(reference())  # type: ignore[arg-type]
                else:
                    reference()
                ref_times.append(time.perf_counter() - start)

        def teardown() -> None:
            if after is not None:
                loop.call(after)

        target = (lambda: loop.run(subject())) if is_async else subject  # type: ignore[arg-type]
        result = self.benchmark.pedantic(
            target,
            setup=setup,
            teardown=teardown if after is not None else None,
            rounds=rounds,
            warmup_rounds=warmup_rounds,
            iterations=1,
        )
        info: dict[str, Any] = {"figure": figure, "impl": impl, "calls": calls, **extra}
        data = round_times(self.benchmark)
        refs = ref_times[warmup_rounds:]
        if reference is not None and data and len(refs) == len(data):
            info["reference"] = reference_label
            info["floor_calls_per_op"] = floor_calls_per_op
            info["reference_per_op"] = statistics.median(refs) / calls
            info["ratio_to_reference"] = statistics.median(
                d / r for d, r in zip(data, refs, strict=True)
            )
        self.benchmark.extra_info.update(info)
        return result


def round_times(benchmark: Any) -> list[float]:
    """The timed rounds' durations, or [] when benchmarking is disabled."""
    metadata = getattr(benchmark, "stats", None)
    stats = getattr(metadata, "stats", None)
    return list(getattr(stats, "data", []) or [])
