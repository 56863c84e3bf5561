"""Whose CPU wait the steady clock subtracts, on synthetic schedstat readings (no timing)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from agno_core.eval._invoke import prime, prime_sync
from agno_core.eval._load import Reading, SteadyClock, thread_ids

ME, XDIST_IO, HELPER, HELPER_2 = 100, 200, 300, 400
MS = 1_000_000


class Scripted:
    """Schedstat readings and thread CPU times handed out in order, one per mark."""

    def __init__(self, readings: list[Reading], cpu_ns: list[int]) -> None:
        self._readings: Iterator[Reading] = iter(readings)
        self._cpu: Iterator[int] = iter(cpu_ns)

    def read(self) -> Reading:
        return next(self._readings)

    def thread_time_ns(self) -> int:
        return next(self._cpu)


def clock(
    readings: list[Reading], cpu_ns: list[int], preexisting: frozenset[int] | None
) -> SteadyClock:
    """A clock whose creation consumes ``readings[0]``; each mark then takes the next."""
    script = Scripted(readings, cpu_ns)
    return SteadyClock(
        preexisting=preexisting,
        read=script.read,
        thread_time_ns=script.thread_time_ns,
        native_id=ME,
        # No time of reading: the span's own wait is taken whole. (The real clock here made
        # these spans of a few microseconds depend on how fast the test ran: on a loaded CI
        # clone 10.1 us passed between two marks around a 10 us span.)
        now=lambda: 0,
    )


def span(
    wall_ns: int, readings: list[Reading], cpu_ns: list[int], preexisting: frozenset[int] | None
) -> int:
    """Steady time of one span between the marks made from readings[1] and readings[2]."""
    steady_clock = clock(readings, cpu_ns, preexisting)
    start, end = steady_clock.mark(), steady_clock.mark()
    return steady_clock.steady_ns(wall_ns, cpu_ns[1] - cpu_ns[0], start, end)


def test_a_sleep_keeps_its_length_when_a_thread_that_is_not_the_runs_waits() -> None:
    # CI's case: the measuring thread sleeps 4 ms; meanwhile pytest-xdist's I/O thread (there
    # before the eval) waits 1.73 ms for a throttled CPU. That wait did not delay the sleep.
    readings: list[Reading] = [
        {ME: (0, 0), XDIST_IO: (0, 0)},
        {ME: (10_000, 0), XDIST_IO: (5_000, 0)},
        {ME: (60_000, 0), XDIST_IO: (90_000, 1_730_000)},
    ]

    steady = span(4 * MS, readings, [10_000, 60_000], preexisting=frozenset({ME, XDIST_IO}))

    assert steady == 4 * MS


def test_the_measuring_threads_own_wait_is_always_left_out() -> None:
    readings: list[Reading] = [{ME: (0, 0)}, {ME: (0, 100)}, {ME: (0, 3_100)}]

    assert span(10_000, readings, [50, 2_050], preexisting=frozenset({ME})) == 7_000
    # Without knowing the threads before the eval, only the own wait counts too.
    assert span(10_000, readings, [50, 2_050], preexisting=None) == 7_000


def test_a_helper_started_by_the_run_counts_while_the_measuring_thread_is_blocked() -> None:
    # The measuring thread ran 1 ms of a 6 ms span and waited for its helper (a driver's worker
    # started by the run) the rest; the helper waited 2 ms for a CPU meanwhile.
    readings: list[Reading] = [
        {ME: (0, 0), XDIST_IO: (0, 0)},
        {ME: (0, 0), XDIST_IO: (0, 0), HELPER: (0, 0)},
        {ME: (0, 0), XDIST_IO: (0, 5 * MS), HELPER: (3 * MS, 2 * MS)},
    ]

    steady = span(6 * MS, readings, [0, 1 * MS], preexisting=frozenset({ME, XDIST_IO}))

    assert steady == 4 * MS  # the helper's 2 ms out; the foreign thread's 5 ms ignored


def test_a_helper_counts_only_when_the_eval_knows_the_threads_before_it() -> None:
    readings: list[Reading] = [
        {ME: (0, 0)},
        {ME: (0, 0), HELPER: (0, 0)},
        {ME: (0, 0), HELPER: (3 * MS, 2 * MS)},
    ]

    assert span(6 * MS, readings, [0, 1 * MS], preexisting=None) == 6 * MS


def test_a_helpers_wait_never_exceeds_the_time_the_measuring_thread_was_blocked() -> None:
    # The measuring thread ran 3 ms and waited 1 ms of a 5 ms span: it was blocked 1 ms. Two
    # helpers report 4 ms of wait between them (they waited at once, or part of a wait that
    # began before the span landed in it: the kernel adds a wait when the thread next runs).
    readings: list[Reading] = [
        {ME: (0, 0)},
        {ME: (0, 0), HELPER: (0, 0), HELPER_2: (0, 0)},
        {ME: (0, 1 * MS), HELPER: (0, 2 * MS), HELPER_2: (0, 2 * MS)},
    ]

    steady = span(5 * MS, readings, [0, 3 * MS], preexisting=frozenset({ME}))

    assert steady == 3 * MS  # 5 - 1 (own wait) - 1 (helpers, capped at the blocked time)


def test_a_helper_wait_while_the_measuring_thread_runs_all_along_is_not_subtracted() -> None:
    readings: list[Reading] = [
        {ME: (0, 0)},
        {ME: (0, 0), HELPER: (0, 0)},
        {ME: (0, 0), HELPER: (0, 3 * MS)},
    ]

    assert span(4 * MS, readings, [0, 4 * MS], preexisting=frozenset({ME})) == 4 * MS


def test_a_helper_first_seen_in_a_span_and_one_that_ended_do_not_go_negative() -> None:
    readings: list[Reading] = [
        {ME: (0, 0), HELPER: (0, 0)},
        {ME: (0, 0), HELPER: (0, 1 * MS)},
        {ME: (0, 0), HELPER_2: (0, 500_000)},  # HELPER ended; HELPER_2 started in the span
    ]

    steady = span(4 * MS, readings, [0, 1 * MS], preexisting=frozenset({ME}))

    assert steady == 3_500_000


def test_marks_accumulate_helper_wait_across_readings() -> None:
    readings: list[Reading] = [
        {ME: (0, 0)},
        {ME: (0, 0), HELPER: (0, 1 * MS)},
        {ME: (0, 0), HELPER: (0, 3 * MS)},
        {ME: (0, 0), HELPER: (0, 3 * MS)},
    ]
    steady_clock = clock(readings, [0, 0, 0], preexisting=frozenset({ME}))

    marks = [steady_clock.mark() for _ in range(3)]

    assert [mark.helper_wait_ns for mark in marks] == [1 * MS, 3 * MS, 3 * MS]


def test_a_wait_just_outside_the_span_is_not_taken_off_it() -> None:
    # A 1.1 ms sleep; between the opening reading and the span's timer the thread was preempted
    # for 1.3 ms (the kernel counts that wait at the next reading). The readings are 2.4 ms
    # apart, the span 1.1 ms: 1.3 ms of the wait may lie outside, so none of it is subtracted.
    readings: list[Reading] = [{ME: (0, 0)}, {ME: (0, 0)}, {ME: (20_000, 1_300_000)}]
    times = iter([5_000, 5_000 + 1_300_000 + 1_100_000])
    script = Scripted(readings, [0, 20_000])
    steady_clock = SteadyClock(
        read=script.read, thread_time_ns=script.thread_time_ns, native_id=ME, now=times.__next__
    )

    start, end = steady_clock.mark(), steady_clock.mark()

    assert end.at_ns - start.at_ns == 2_400_000
    assert steady_clock.steady_ns(1_100_000, 20_000, start, end) == 1_100_000


def test_a_wait_inside_the_span_is_taken_off_less_only_the_uncovered_time() -> None:
    # 3 ms of wait in a 5 ms span whose readings are 5.004 ms apart: 4 us are not the span's.
    readings: list[Reading] = [{ME: (0, 0)}, {ME: (0, 0)}, {ME: (2 * MS, 3 * MS)}]
    times = iter([1_000, 1_000 + 5 * MS + 4_000])
    script = Scripted(readings, [0, 2 * MS])
    steady_clock = SteadyClock(
        read=script.read, thread_time_ns=script.thread_time_ns, native_id=ME, now=times.__next__
    )

    start, end = steady_clock.mark(), steady_clock.mark()

    assert steady_clock.steady_ns(5 * MS, 2 * MS, start, end) == 2 * MS + 4_000


def test_a_helper_still_runnable_after_the_span_is_not_waited_for() -> None:
    # A background thread the run started keeps computing: it waited 0.9 ms for a CPU while the
    # measuring thread slept 1 ms, and is runnable at the end. The sleep did not wait for it.
    readings: list[Reading] = [
        {ME: (0, 0)},
        {ME: (0, 0), HELPER: (0, 0)},
        {ME: (10_000, 0), HELPER: (100_000, 900_000)},
    ]
    script = Scripted(readings, [0, 10_000])
    steady_clock = SteadyClock(
        preexisting=frozenset({ME}),
        read=script.read,
        thread_time_ns=script.thread_time_ns,
        native_id=ME,
        runnable=lambda tid: tid == HELPER,
    )

    start, end = steady_clock.mark(), steady_clock.mark()

    assert steady_clock.steady_ns(1 * MS, 110_000, start, end) == 1 * MS


def test_the_real_clock_pairs_its_marks_and_times_them() -> None:
    steady_clock = SteadyClock()
    try:
        if steady_clock.kind != "schedstat":
            pytest.skip("no schedstat here")
        start, end = steady_clock.mark(), steady_clock.mark()
        assert 0 < start.at_ns <= end.at_ns
        assert end.wait_ns >= start.wait_ns
    finally:
        steady_clock.close()


def test_without_schedstat_the_process_cpu_time_stands_in() -> None:
    def unreadable() -> Reading:
        raise OSError("no /proc")

    steady_clock = SteadyClock(read=unreadable, native_id=ME)

    assert steady_clock.kind == "cpu"
    assert steady_clock.mark() == (0, 0, 0, 0)
    assert steady_clock.steady_ns(10_000, 4_000, steady_clock.mark(), steady_clock.mark()) == 4_000


def test_a_reading_without_the_measuring_thread_means_no_schedstat() -> None:
    steady_clock = SteadyClock(read=lambda: {XDIST_IO: (0, 0)}, native_id=ME)

    assert steady_clock.kind == "cpu"


def test_threads_that_exist_before_the_first_call_are_not_the_runs() -> None:
    stop = threading.Event()
    started: list[int] = []
    before = threading.Thread(target=stop.wait)
    before.start()

    def starts_a_worker() -> None:
        if not started:
            worker = threading.Thread(target=stop.wait)
            worker.start()
            started.append(worker.native_id or 0)

    try:
        invoker, pending = prime_sync(starts_a_worker)
        assert pending is None
        assert invoker.threads_before is not None
        if invoker.threads_before:  # Linux: /proc/self/task lists the threads
            assert before.native_id in invoker.threads_before
            assert threading.get_native_id() in invoker.threads_before
            assert started[0] not in invoker.threads_before
            assert started[0] in thread_ids()
    finally:
        stop.set()


async def test_the_async_priming_call_records_the_threads_before_it() -> None:
    async def call() -> None:
        return None

    invoker = await prime(call)
    given = await prime(call, None, frozenset({1, 2}))

    assert invoker.is_async
    assert invoker.threads_before == thread_ids() or not invoker.threads_before
    assert given.threads_before == frozenset({1, 2})
