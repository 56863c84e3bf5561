"""The Team."""

from __future__ import annotations

from agno_core.run.team import TeamRunOutput
from agno_core.team._modes import TeamMode
from agno_core.team._session import TeamSession
from agno_core.team._team import Team

__all__ = ["Team", "TeamMode", "TeamRunOutput", "TeamSession"]
