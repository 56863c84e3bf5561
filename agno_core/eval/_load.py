"""Time that machine load cannot inflate: the steady clock and the reference workload.

Wall time on a busy machine holds time the measured call spent *runnable but waiting for a CPU*
(other processes had the cores). Linux counts that wait per thread
(``/proc/self/task/<tid>/schedstat``, second field, nanoseconds), so a sample's **steady time**
is its wall time minus the wait that delayed it: sleeps and I/O waits still count (a slowdown
from a new ``await`` of the network is seen), preemption does not. Where the kernel does not say,
the steady time is the process's CPU time (which misses sleeps and I/O, but not load).

Whose wait delayed the call (the rule, :meth:`SteadyClock.steady_ns`):

- **the measuring thread's own wait, always.** The kernel adds a wait to a thread's count when
  the thread gets a CPU again, and the measuring thread is on a CPU at both readings (it is the
  one reading), so no wait of its own straddles a reading. But a preemption between a reading
  and the span's timer (a syscall exit, where a pending preemption strikes) is counted while
  the span never waited for it (measured here at load 25: 1 in 2,000 ``time.sleep(0.001)``
  read its wall time minus its wait as less than 1 ms; evals of that sleep went down to 0.15 ms).
  So the own wait is read alone (one ``pread``) right next to the timers, and the time between
  the readings that the span does not cover is taken off the wait (a few microseconds, unless
  a preemption landed there).
- **a helper thread's wait, only while the measuring thread was blocked, and only for the run's
  own threads.** Another thread's preemption delays the call only if the call is waiting for
  that thread (a database driver's worker) at that moment. A thread that existed before the eval
  made its first call (pytest-xdist's I/O thread, a watchdog, the caller blocked in ``run()``)
  is not the run's: its wait is ignored, even when it lands in a sample while the measuring
  thread sleeps (counting it made a 4 ms ``time.sleep`` measure 2.27 ms on a throttled CI
  worker). Threads started since then (an executor's or a driver's workers the run started) are
  helpers. Their wait counts up to the time the measuring thread was *blocked* in the span
  (wall minus its own CPU time minus its own wait): while it runs or waits for a CPU itself, no
  other thread's wait can delay it, and waits of helpers that wait at once do not add up beyond
  that. The cap also bounds the kernel's lazy accounting: a helper's wait that began before a
  reading is counted at its next reading, and can never take more than that bound.
  And a helper that is still running or runnable at the end of the span is left out: a thread
  the call waited for has delivered by the time the call returns (a driver's worker is back
  to waiting for its next job), while one that keeps computing (a background thread the run
  started but does not wait for) waits for a CPU whenever the machine is busy. Counting it
  made a 1 ms ``time.sleep`` measure 0.03-0.05 ms in 25 of 30 evals at load ~20; left out,
  a helper's wait errs towards wall time.

  Helpers that existed before the eval (a connection thread a fixture opened) are not counted:
  their preemption stays in steady time, which then errs towards wall time (a failure the
  confirming rerun judges, never a missed slowdown).

What the steady clock cannot remove is a slower CPU while running: a hyper-thread sibling or a
neighbour thrashing the shared cache, a frequency change. So a **reference workload** (a fixed
piece of agent-like Python, ~0.2 ms) is timed on the same clock right before each sample: a
load that slows the subject slows the reference alike, and the ratio ``sample / reference`` is
a number that neither the load nor the machine changes much. Comparisons use that ratio when
both results carry it (see :mod:`agno_core.eval._compare`), which also makes results from
different machines comparable (as ratios, never as absolute times).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from typing import NamedTuple

__all__ = [
    "REFERENCE_LOOPS",
    "Mark",
    "Reading",
    "SteadyClock",
    "is_runnable",
    "read_schedstat",
    "reference_work",
    "thread_ids",
]

_TASKS = "/proc/self/task"
#: Iterations of the reference loop (~0.1 ms of CPython on a current x86 core).
REFERENCE_LOOPS = 4

# A chat request's shape: what agent code builds, serialises, parses and walks.
_PAYLOAD = {
    "model": "reference",
    "messages": [
        {"role": "user" if i % 2 else "assistant", "content": f"message {i} " * 8, "index": i}
        for i in range(24)
    ],
}


class _Message:
    __slots__ = ("content", "index", "role")

    def __init__(self, role: str, content: str, index: int) -> None:
        self.role, self.content, self.index = role, content, index


def reference_work(loops: int = REFERENCE_LOOPS) -> int:
    """The fixed reference workload (~0.2 ms): what agent code does between two awaits.

    Serialise and parse a chat payload, build objects and dicts from it, format strings: the
    allocator, the interpreter and the caches are exercised the way an agent run exercises
    them, so contention that slows one (a busy neighbour sharing caches or a core) slows the
    other alike; a tight arithmetic loop stays in the core and would not notice.
    """
    total = 0
    for _ in range(loops):
        data = json.loads(json.dumps(_PAYLOAD))
        messages = [_Message(**item) for item in data["messages"]]
        table = {f"{message.role}:{message.index}": message for message in messages}
        total += sum(len(message.content) for message in table.values()) % 97
    return total


#: A schedstat reading: thread id -> (CPU time, CPU wait) in ns, for every thread of the process.
Reading = dict[int, tuple[int, int]]


def read_schedstat() -> Reading:
    """Every thread's CPU time and CPU wait so far (ns), from ``/proc/self/task/*/schedstat``.

    Raises:
        OSError: where the kernel does not provide it.
    """
    stats = {}
    for tid in os.listdir(_TASKS):
        try:
            with open(f"{_TASKS}/{tid}/schedstat", "rb") as stat:
                fields = stat.read().split()
        except FileNotFoundError:  # the thread just ended
            continue
        stats[int(tid)] = (int(fields[0]), int(fields[1]))
    return stats


def is_runnable(tid: int) -> bool:
    """Whether thread ``tid`` of this process is running or waiting for a CPU (state ``R`` in
    ``/proc/self/task/<tid>/stat``); False when the kernel does not say or the thread ended."""
    try:
        with open(f"{_TASKS}/{tid}/stat", "rb") as stat:
            text = stat.read()
    except OSError:
        return False
    # "pid (comm) state ...": the name may hold spaces and parentheses, the state follows the
    # last closing one.
    return text[text.rfind(b")") + 2 : text.rfind(b")") + 3] == b"R"


def thread_ids() -> frozenset[int]:
    """The native ids of the process's threads now (empty where the kernel does not list them).

    Taken before an eval's first call: the threads that exist then are not the run's helpers.
    """
    try:
        return frozenset(int(tid) for tid in os.listdir(_TASKS))
    except OSError:
        return frozenset()


class Mark(NamedTuple):
    """One reading of a :class:`SteadyClock` (ns, cumulative since the clock was created).

    Attributes:
        wait_ns: the measuring thread's CPU wait.
        run_ns: the measuring thread's CPU time.
        helper_wait_ns: the CPU wait of the run's helper threads (see the module docstring).
        at_ns: ``perf_counter_ns()`` next to the reading of ``wait_ns``: before it when the
            mark opens a span, after it when it closes one (0: unknown).
    """

    wait_ns: int
    run_ns: int
    helper_wait_ns: int = 0
    at_ns: int = 0


class SteadyClock:
    """Reads how long the measured call waited for a CPU (Linux), to get steady time.

    Create it in the thread that runs the samples. The rule for whose wait counts is in the
    module docstring. A helper thread that ends between two readings loses its last increment
    (steady time then errs towards wall time).

    Args:
        preexisting: the native ids of the threads that existed before the eval's first call
            (:func:`thread_ids`); every other thread but this one is a helper of the run.
            None: no thread is a helper (only this thread's own wait counts).
        read: reads every thread's (CPU time, CPU wait) (injectable for tests).
        thread_time_ns: this thread's CPU time (injectable for tests; the schedstat CPU time of
            a running thread lags by up to a scheduler tick, ``CLOCK_THREAD_CPUTIME_ID`` does
            not).
        native_id: this thread's native id (injectable for tests).
        runnable: whether a thread is running or waiting for a CPU now (injectable for tests).

    Attributes:
        kind: ``"schedstat"`` (wall minus CPU wait) or ``"cpu"`` (process CPU time).
    """

    __slots__ = (
        "_helper_wait",
        "_last",
        "_now",
        "_open",
        "_own",
        "_preexisting",
        "_read",
        "_runnable",
        "_self",
        "_thread_time",
        "kind",
    )

    def __init__(
        self,
        *,
        preexisting: frozenset[int] | None = None,
        read: Callable[[], Reading] = read_schedstat,
        thread_time_ns: Callable[[], int] = time.thread_time_ns,
        native_id: int | None = None,
        runnable: Callable[[int], bool] = is_runnable,
        now: Callable[[], int] = time.perf_counter_ns,
    ) -> None:
        self._self = threading.get_native_id() if native_id is None else native_id
        self._runnable = runnable
        self._now = now
        self._open = False
        self._own: int | None = None
        self._preexisting = preexisting
        self._read = read
        self._thread_time = thread_time_ns
        self._helper_wait = 0
        self._last: Reading = {}
        try:
            self._last = read()
        except (OSError, ValueError, IndexError):
            self.kind = "cpu"
        else:
            self.kind = "schedstat" if self._self in self._last else "cpu"
        if self.kind == "schedstat" and read is read_schedstat:
            # The own wait is read on its own (one pread), right next to the span's timers.
            try:
                self._own = os.open(f"{_TASKS}/{self._self}/schedstat", os.O_RDONLY)
            except OSError:
                self._own = None

    def _is_helper(self, tid: int) -> bool:
        preexisting = self._preexisting
        return preexisting is not None and tid != self._self and tid not in preexisting

    def _own_wait(self) -> int:
        assert self._own is not None
        return int(os.pread(self._own, 256, 0).split()[1])

    def mark(self) -> Mark:
        """Read the clock now (all zeros without schedstat).

        Marks come in pairs around a span (one opens it, the next closes it): the own wait is
        read last when a mark opens a span and first when it closes one, next to the span's
        timers, with the time of the reading (see :meth:`steady_ns`).
        """
        if self.kind != "schedstat":
            return Mark(0, 0)
        opening = self._open = not self._open
        own: int | None = None
        at_ns = 0
        if not opening and self._own is not None:
            own = self._own_wait()
            at_ns = self._now()
        run_ns = self._thread_time()
        current = self._read()
        last = self._last
        self._helper_wait += sum(
            waited
            for tid, (_, wait) in current.items()
            if self._is_helper(tid)
            and (waited := max(wait - last.get(tid, (0, 0))[1], 0)) > 0
            and not self._runnable(tid)
        )
        self._last = current
        if opening and self._own is not None:
            at_ns = self._now()
            own = self._own_wait()
        if own is None:
            own, at_ns = current.get(self._self, (0, 0))[1], self._now()
        return Mark(own, run_ns, self._helper_wait, at_ns)

    def steady_ns(self, wall_ns: int, cpu_ns: int, start: Mark, end: Mark) -> int:
        """A span's steady time from its wall time, CPU time and the marks around it (ns)."""
        if self.kind != "schedstat":
            return cpu_ns
        ran = max(end.run_ns - start.run_ns, 0)
        # The own wait between the two readings, less what may lie outside the span: a wait is
        # added to the count when the thread runs again, so one that began after the opening
        # reading but before the span (or after the span but before the closing reading, both
        # syscall exits where a pending preemption strikes) is counted, though the span never
        # waited. At most the time between the readings that the span does not cover.
        outside = end.at_ns - start.at_ns - wall_ns if start.at_ns and end.at_ns else 0
        own_wait = max(end.wait_ns - start.wait_ns - max(outside, 0), 0)
        blocked = max(wall_ns - ran - own_wait, 0)
        helper_wait = min(max(end.helper_wait_ns - start.helper_wait_ns, 0), blocked)
        return min(max(wall_ns - own_wait - helper_wait, min(ran, wall_ns), 0), wall_ns)

    def reference_ns(self) -> int:
        """The steady time of one run of :func:`reference_work`."""
        start = self.mark()
        cpu = time.process_time_ns()
        wall = time.perf_counter_ns()
        reference_work()
        wall = time.perf_counter_ns() - wall
        cpu = time.process_time_ns() - cpu
        return self.steady_ns(wall, cpu, start, self.mark())

    def close(self) -> None:
        """Forget the readings."""
        self._last = {}
        if self._own is not None:
            os.close(self._own)
            self._own = None
