"""Time that machine load cannot inflate: the steady clock and the reference workload.

Wall time on a busy machine holds time the process's threads spent *runnable but waiting for a
CPU* (other processes had the cores). Linux counts that wait per thread
(``/proc/self/task/<tid>/schedstat``, second field, nanoseconds), so a sample's **steady time**
is its wall time minus the wait that accrued during it: sleeps and I/O waits still count (a slowdown
from a new ``await`` of the network is seen), preemption does not. Where the kernel does not say,
the steady time is the process's CPU time (which misses sleeps and I/O, but not load).

What the steady clock cannot remove is a slower CPU while running: a hyper-thread sibling or a
neighbour thrashing the shared cache, a frequency change. So a **reference workload** (a fixed
pure-Python loop, ~0.1 ms) is timed on the same clock right before each sample: a load that
slows the subject slows the reference alike, and the ratio ``sample / reference`` is a number
that neither the load nor the machine changes much. Comparisons use that ratio when both results
carry it (see :mod:`agno_core.eval._compare`), which also makes results from different machines
comparable (as ratios, never as absolute times).
"""

from __future__ import annotations

import os
import time

__all__ = ["REFERENCE_LOOPS", "SteadyClock", "reference_work"]

_TASKS = "/proc/self/task"
#: Iterations of the reference loop (~0.1 ms of CPython on a current x86 core).
REFERENCE_LOOPS = 2_000


def reference_work(loops: int = REFERENCE_LOOPS) -> int:
    """The fixed reference workload: integer arithmetic and dict stores, as agent code does."""
    total = 0
    table: dict[int, int] = {}
    for i in range(loops):
        total += i * i % 7
        table[i & 63] = total
    return total


class SteadyClock:
    """Reads how long the process's threads waited for a CPU (Linux), to get steady time.

    The wait of every thread counts, not only the measuring one's: an async function often waits
    for a worker thread (a database driver's), and that thread's preemption delays it just the
    same. A thread that ends between two readings loses its last increment (steady time then errs
    towards wall time); a thread that runs beside the measured call without holding it up adds
    wait it should not (steady time errs low; measure on a process without busy side threads).

    Attributes:
        kind: ``"schedstat"`` (wall minus CPU wait) or ``"cpu"`` (process CPU time).
    """

    __slots__ = ("_last", "_total", "kind")

    def __init__(self) -> None:
        self._last: dict[str, int] = {}
        self._total = 0
        try:
            self._last = self._read()
        except (OSError, ValueError, IndexError):
            self.kind = "cpu"
        else:
            self.kind = "schedstat" if self._last else "cpu"

    @staticmethod
    def _read() -> dict[str, int]:
        waits = {}
        for tid in os.listdir(_TASKS):
            try:
                with open(f"{_TASKS}/{tid}/schedstat", "rb") as stat:
                    waits[tid] = int(stat.read().split()[1])
            except FileNotFoundError:  # the thread just ended
                continue
        return waits

    def wait_ns(self) -> int:
        """Nanoseconds the process's threads have waited for a CPU since the clock was made."""
        if self.kind != "schedstat":
            return 0
        current = self._read()
        last = self._last
        self._total += sum(wait - last.get(tid, 0) for tid, wait in current.items())
        self._last = current
        return self._total

    def steady_ns(self, wall_ns: int, cpu_ns: int, wait_ns: int) -> int:
        """A span's steady time from its wall time, CPU time and CPU wait (all ns)."""
        if self.kind != "schedstat":
            return cpu_ns
        return max(wall_ns - wait_ns, 0)

    def reference_ns(self) -> int:
        """The steady time of one run of :func:`reference_work`."""
        wait = self.wait_ns()
        cpu = time.process_time_ns()
        start = time.perf_counter_ns()
        reference_work()
        wall = time.perf_counter_ns() - start
        cpu = time.process_time_ns() - cpu
        return self.steady_ns(wall, cpu, self.wait_ns() - wait)

    def close(self) -> None:
        """Forget the readings (kept for symmetry with a clock that holds resources)."""
        self._last = {}
