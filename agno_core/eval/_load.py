"""Time that machine load cannot inflate: the steady clock and the reference workload.

Wall time on a busy machine holds time the process's threads spent *runnable but waiting for a
CPU* (other processes had the cores). Linux counts that wait per thread
(``/proc/self/task/<tid>/schedstat``, second field, nanoseconds), so a sample's **steady time**
is its wall time minus the wait that accrued during it: sleeps and I/O waits still count (a slowdown
from a new ``await`` of the network is seen), preemption does not. Where the kernel does not say,
the steady time is the process's CPU time (which misses sleeps and I/O, but not load).

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
from typing import NamedTuple

__all__ = ["REFERENCE_LOOPS", "Mark", "SteadyClock", "reference_work"]

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


class Mark(NamedTuple):
    """One reading of a :class:`SteadyClock`: CPU wait of all threads, run time of this one."""

    wait_ns: int
    run_ns: int


class SteadyClock:
    """Reads how long the process's threads waited for a CPU (Linux), to get steady time.

    The wait of every thread counts, not only the measuring one's: an async function often waits
    for a worker thread (a database driver's), and that thread's preemption delays it just the
    same. Waits of threads that wait at the same time add up, so the subtracted wait can exceed
    what the span lost; steady time is therefore never taken below the time the measuring thread
    itself ran on a CPU during the span. A thread that ends between two readings loses its last
    increment (steady time then errs towards wall time).

    Create it in the thread that runs the samples.

    Attributes:
        kind: ``"schedstat"`` (wall minus CPU wait) or ``"cpu"`` (process CPU time).
    """

    __slots__ = ("_last", "_self", "_total", "kind")

    def __init__(self) -> None:
        self._self = str(threading.get_native_id())
        self._last: dict[str, tuple[int, int]] = {}
        self._total = 0
        try:
            self._last = self._read()
        except (OSError, ValueError, IndexError):
            self.kind = "cpu"
        else:
            self.kind = "schedstat" if self._self in self._last else "cpu"

    @staticmethod
    def _read() -> dict[str, tuple[int, int]]:
        stats = {}
        for tid in os.listdir(_TASKS):
            try:
                with open(f"{_TASKS}/{tid}/schedstat", "rb") as stat:
                    fields = stat.read().split()
            except FileNotFoundError:  # the thread just ended
                continue
            stats[tid] = (int(fields[0]), int(fields[1]))
        return stats

    def mark(self) -> Mark:
        """Read the clock now (all zeros without schedstat)."""
        if self.kind != "schedstat":
            return Mark(0, 0)
        current = self._read()
        last = self._last
        self._total += sum(wait - last.get(tid, (0, 0))[1] for tid, (_, wait) in current.items())
        self._last = current
        return Mark(self._total, current.get(self._self, (0, 0))[0])

    def steady_ns(self, wall_ns: int, cpu_ns: int, start: Mark, end: Mark) -> int:
        """A span's steady time from its wall time, CPU time and the marks around it (ns)."""
        if self.kind != "schedstat":
            return cpu_ns
        ran = end.run_ns - start.run_ns
        return min(max(wall_ns - (end.wait_ns - start.wait_ns), ran, 0), wall_ns)

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
