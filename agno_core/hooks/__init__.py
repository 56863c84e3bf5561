"""Hook configuration: ``from agno_core.hooks import hook``."""

from __future__ import annotations

from agno_core.hooks._decorator import hook, should_run_in_background

__all__ = ["hook", "should_run_in_background"]
