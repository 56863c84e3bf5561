"""The cap on background runs executing at once, shared by every agent and team (Agno's API).

``arun(background=True)`` accepts every run at once and stores it PENDING; at most this many
execute at a time per event loop, over all agents and teams, and the rest wait in line as
PENDING. Set it with `set_background_max_concurrency` or ``AGNO_BACKGROUND_MAX_CONCURRENCY``
(default 32; 0 or below removes it). An agent's or team's own ``background_concurrency`` limits
its runs as well.
"""

from __future__ import annotations

from agno_core.run._scheduler import (
    DEFAULT_BACKGROUND_MAX_CONCURRENCY,
    get_background_max_concurrency,
    set_background_max_concurrency,
)

__all__ = [
    "DEFAULT_BACKGROUND_MAX_CONCURRENCY",
    "get_background_max_concurrency",
    "set_background_max_concurrency",
]
