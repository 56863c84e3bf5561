"""Runs: status, outputs, events and cancellation."""

from __future__ import annotations

from agno_core.run.base import RunStatus

__all__ = ["RunStatus"]
