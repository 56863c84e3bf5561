"""Time that machine load cannot inflate: the steady clock and the reference workload.

Wall time on a busy machine holds time the measuring thread spent *runnable but waiting for a
CPU* (other processes had the cores). Linux counts that wait per thread
(``/proc/thread-self/schedstat``, second field, nanoseconds), so a sample's **steady time** is its
wall time minus the wait that accrued during it: sleeps and I/O waits still count (a slowdown
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

_SCHEDSTAT = "/proc/thread-self/schedstat"
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
    """Reads the current thread's CPU wait (Linux) to turn wall time into steady time.

    Open it in the thread that runs the samples (``/proc/thread-self`` names the opener) and
    :meth:`close` it when done.

    Attributes:
        kind: ``"schedstat"`` (wall minus CPU wait) or ``"cpu"`` (process CPU time).
    """

    __slots__ = ("_fd", "kind")

    def __init__(self) -> None:
        self._fd: int | None
        try:
            self._fd = os.open(_SCHEDSTAT, os.O_RDONLY)
            self._wait(self._fd)
        except (OSError, ValueError, IndexError):
            self._fd = None
        self.kind = "schedstat" if self._fd is not None else "cpu"

    @staticmethod
    def _wait(fd: int) -> int:
        return int(os.pread(fd, 128, 0).split()[1])

    def wait_ns(self) -> int:
        """Nanoseconds this thread has waited for a CPU so far (0 without schedstat)."""
        return self._wait(self._fd) if self._fd is not None else 0

    def steady_ns(self, wall_ns: int, cpu_ns: int, wait_ns: int) -> int:
        """A span's steady time from its wall time, CPU time and CPU wait (all ns)."""
        if self._fd is None:
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
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
