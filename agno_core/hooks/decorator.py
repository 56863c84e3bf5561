"""``from agno_core.hooks.decorator import hook``, the module path Agno code also uses."""

from __future__ import annotations

from agno_core.hooks._decorator import hook, should_run_in_background

__all__ = ["hook", "should_run_in_background"]
