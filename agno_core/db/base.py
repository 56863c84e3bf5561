"""``from agno_core.db.base import BaseDb, AsyncBaseDb, SessionType``, the module path Agno code
uses (``agno.db.base``)."""

from __future__ import annotations

from agno_core.db._interface import AsyncBaseDb, BaseDb
from agno_core.db._session_records import SessionType

__all__ = ["AsyncBaseDb", "BaseDb", "SessionType"]
