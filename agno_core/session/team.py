"""``from agno_core.session.team import TeamSession``, the module path Agno code also uses."""

from __future__ import annotations

from agno_core.session._session import TeamSession

__all__ = ["TeamSession"]
