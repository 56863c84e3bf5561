"""Stop our servers when the process is told to terminate (SIGTERM), then terminate as told.

SIGTERM's default action ends the process at once: no ``atexit``, no fixture teardown, so a
server it started would keep running (until the next start reaps it: `_home.reap_orphans`, which
is also all that can be done after a SIGKILL). So while a server of ours runs, SIGTERM's default
action is replaced by: stop the servers, then die of SIGTERM as before (the same exit status).
A handler someone else installed is left alone: it decides whether the process ends, and if it
does through an exception (``SystemExit``, ``KeyboardInterrupt``), ``atexit`` stops the servers.
Signal handlers can only be set from the main thread; elsewhere only ``atexit`` is in place.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable
from types import FrameType

__all__ = ["track", "untrack"]

# Shutdown callables of the servers still running. No lock: the handler runs in the main thread
# between two bytecodes, possibly inside `track()`; list appends and removals are atomic.
_running: list[Callable[[], None]] = []


def track(shutdown: Callable[[], None]) -> None:
    """Call ``shutdown`` if SIGTERM's default action is about to end the process."""
    _running.append(shutdown)
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _on_sigterm)


def untrack(shutdown: Callable[[], None]) -> None:
    """Forget ``shutdown`` (its server stopped); the last one puts the default action back."""
    try:
        _running.remove(shutdown)
    except ValueError:
        return
    if _running or threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is _on_sigterm:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    while _running:
        shutdown = _running.pop()
        # The others must stop too, and the process ends anyway.
        with contextlib.suppress(Exception):
            shutdown()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
