"""agno_core: a lean agent runtime with Agno's user-facing API.

Import from the submodules, as with Agno: ``agno_core.agent``, ``agno_core.team``,
``agno_core.models.openai``, ``agno_core.db.sqlite``, ``agno_core.run``, ...
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
