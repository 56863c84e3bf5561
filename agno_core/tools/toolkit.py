"""``from agno_core.tools.toolkit import Toolkit``, the module path Agno code also uses."""

from __future__ import annotations

from agno_core.tools._toolkit import Toolkit

__all__ = ["Toolkit"]
