"""Run-end listeners: be told when any run of this process ends.

A listener is called once per run, with its final `RunOutput` (status completed, error or
cancelled), after the run's final state was stored. It is called for agent and team runs, for
team members (``output.parent_run_id`` is set) and for runs that ended before they started (a
background run cancelled before start). Listeners run on the run's event loop and must be quick;
an exception in a listener is logged and ignored. The pytest plugin's ``--agno-eval`` report is
built on this.

Example:
    >>> from agno_core.run.hooks import add_run_listener
    >>> remove = add_run_listener(lambda output: print(output.run_id, output.status))
    >>> remove()
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from agno_core.run._output import RunOutput

__all__ = ["RunListener", "add_run_listener", "notify_run_end", "remove_run_listener"]

RunListener = Callable[[RunOutput], None]

log = logging.getLogger("agno_core")
_listeners: list[RunListener] = []


def add_run_listener(listener: RunListener) -> Callable[[], None]:
    """Call ``listener(output)`` whenever a run ends; returns a function that removes it."""
    _listeners.append(listener)
    return lambda: remove_run_listener(listener)


def remove_run_listener(listener: RunListener) -> None:
    """Stop calling ``listener`` (no error if it was not registered)."""
    if listener in _listeners:
        _listeners.remove(listener)


def notify_run_end(output: RunOutput) -> None:
    """Tell every listener that ``output``'s run ended (called by the runtime)."""
    for listener in tuple(_listeners):
        try:
            listener(output)
        except Exception:
            log.exception("run listener %r failed", listener)
