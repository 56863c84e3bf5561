"""`UserMemory`: one stored fact about a user, as Agno's memory API returns it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["UserMemory"]


@dataclass(kw_only=True, slots=True)
class UserMemory:
    """A memory about a user.

    Attributes:
        memory: The fact itself.
        memory_id: Its id (assigned when stored).
        topics: Topics it is filed under (e.g. ``["name", "hobbies"]``).
        user_id: The user it is about.
        input: The input it was taken from, when known.
        created_at, updated_at: Unix times in seconds.
        feedback: Free-form feedback, as in Agno.
        agent_id, team_id: Who stored it.
    """

    memory: str
    memory_id: str | None = None
    topics: list[str] | None = None
    user_id: str | None = None
    input: str | None = None
    created_at: int = field(default_factory=lambda: int(time.time()))
    updated_at: int | None = None
    feedback: str | None = None
    agent_id: str | None = None
    team_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (times as ISO strings, as Agno's ``to_dict``)."""
        created = datetime.fromtimestamp(self.created_at).isoformat()
        updated = (
            datetime.fromtimestamp(self.updated_at).isoformat()
            if self.updated_at is not None
            else created
        )
        data = {
            "memory_id": self.memory_id,
            "memory": self.memory,
            "topics": self.topics,
            "created_at": created,
            "updated_at": updated,
            "input": self.input,
            "user_id": self.user_id,
            "agent_id": self.agent_id,
            "team_id": self.team_id,
            "feedback": self.feedback,
        }
        return {k: v for k, v in data.items() if v is not None}
