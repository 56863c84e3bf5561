"""Runs: status, outputs, events, cancellation, and the `RunContext` tools receive."""

from __future__ import annotations

from agno_core.run._options import RunContext
from agno_core.run.base import RunStatus

__all__ = ["RunContext", "RunStatus"]
