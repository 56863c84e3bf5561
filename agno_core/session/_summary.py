"""`SessionSummary`: a session's summary as stored with it (made by `agno_core.session.summary`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["SessionSummary"]


@dataclass
class SessionSummary:
    """A session's summary.

    Attributes:
        summary: The summary text.
        topics: The topics discussed.
        updated_at: When it was made.
    """

    summary: str
    topics: list[str] | None = None
    updated_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, without the fields that are None."""
        data = {
            "summary": self.summary,
            "topics": self.topics,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }
        return {k: v for k, v in data.items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionSummary:
        updated_at = data.get("updated_at")
        return cls(
            summary=data["summary"],
            topics=data.get("topics"),
            updated_at=datetime.fromisoformat(updated_at) if updated_at else None,
        )
