"""SQL storage shared by `SqliteDb` and `PostgresDb` (SQLAlchemy 2 Core on async engines).

Every run is one row. Status changes are single conditional updates
(``UPDATE ... WHERE run_id = :id AND status IN (:allowed)``), so they only go forward and two
writers can never both win. Session metrics are computed from the stored runs on demand.
"""

from __future__ import annotations

import weakref
from typing import Any

from agno_core._sync import run_sync
from agno_core.db._metrics import MetricsStore
from agno_core.db._runs import PROCESS_TOKEN, RunStore
from agno_core.db._sessions import SessionStore
from agno_core.db._stores import EvalStore, IntentStore, MemoryStore
from agno_core.metrics import SessionMetrics

__all__ = ["PROCESS_TOKEN", "SqlDb", "known_dbs"]

_known: weakref.WeakSet[SqlDb] = weakref.WeakSet()


def known_dbs() -> list[SqlDb]:
    """Db objects this process has used (module-level ``cancel_run`` writes intents to them)."""
    return list(_known)


class SqlDb(RunStore, SessionStore, IntentStore, MemoryStore, EvalStore, MetricsStore):
    """Base of the SQL backends. Use `SqliteDb` or `PostgresDb`.

    Args:
        db_url: SQLAlchemy URL of an async driver.
        db_schema: Schema for the tables (PostgreSQL).
        session_table, run_table, memory_table, eval_table, metrics_table: Table names.
        run_lease_seconds: How long a run's lease lasts without a heartbeat; a live run whose
            lease expired (its process died) is marked error the next time it is read.
        cancel_intent_ttl: Seconds a cancel intent for a run that never starts is kept.
        engine_kwargs: Extra arguments for ``create_async_engine``.
    """

    def __init__(self, db_url: str, **kwargs: Any) -> None:
        super().__init__(db_url, **kwargs)
        _known.add(self)

    # -- sync facades ----------------------------------------------------------------------
    def session_metrics(self, session_id: str) -> SessionMetrics:
        return run_sync(self.asession_metrics(session_id))
