"""The storage schema: one row per run, and tables for sessions, memories, evals and intents."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    literal_column,
)
from sqlalchemy.dialects.postgresql import JSONB

__all__ = [
    "LIVE_STATUSES",
    "SCHEMA_VERSION",
    "TableNames",
    "Tables",
    "build_tables",
    "index_name",
    "live",
]

# Bump when a table changes; stored per table set in the versions table.
# 1: the first schema. 2: the versions table says which table set a row describes (``tables``)
#    and when it was last migrated (``updated_at``); a row per table set, not per database.
# 3: eval runs get Agno's columns (agent_id, team_id, workflow_id, model_id, model_provider,
#    evaluated_component_name, user_id, updated_at), nullable: added to older tables as they are.
# 4: sessions get ``updated_at`` (the last write that was not a run's) and ``extra`` (Agno's
#    ``metadata``/``agent_data``/``team_data``); a memory's ``user_id`` may be NULL (as Agno
#    stores a memory without a user) and memories get ``input`` and ``feedback``.
SCHEMA_VERSION = 4

_Json = JSON().with_variant(JSONB(), "postgresql")
# The statuses of a run that is not over (its lease matters); stored values, upper-case.
LIVE_STATUSES = ("PENDING", "RUNNING", "PAUSED")
# PostgreSQL keeps the first 63 bytes of a name; a longer index name would be stored truncated.
MAX_IDENTIFIER = 63


@dataclass(kw_only=True, frozen=True, slots=True)
class TableNames:
    """Table names; Agno users pass ``session_table=`` and friends, so they are configurable."""

    sessions: str = "agno_sessions"
    runs: str = "agno_runs"
    memories: str = "agno_memories"
    evals: str = "agno_eval_runs"
    cancel_intents: str = "agno_cancel_intents"
    versions: str = "agno_schema_versions"

    @property
    def version_key(self) -> str:
        """The versions-table row of this table set (``"agno_core"`` for the default names).

        Every table but the versions table itself counts: two db objects that share a versions
        table and differ in any other name each get a row of their own.
        """
        names = self.described()
        if names == TableNames().described():
            return "agno_core"
        digest = hashlib.sha256(json.dumps(names, sort_keys=True).encode()).hexdigest()
        return f"agno_core:{digest[:16]}"

    def described(self) -> dict[str, str]:
        """The names of the tables a version row describes (all but the versions table)."""
        names = asdict(self)
        del names["versions"]
        return names


@dataclass(kw_only=True, frozen=True, slots=True)
class Tables:
    metadata: MetaData
    sessions: Table
    runs: Table
    memories: Table
    evals: Table
    cancel_intents: Table
    versions: Table


def index_name(table: str, suffix: str) -> str:
    """``ix_<table>_<suffix>``, shortened with a digest where PostgreSQL would truncate it."""
    name = f"ix_{table}_{suffix}"
    if len(name.encode()) <= MAX_IDENTIFIER:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    return f"ix_{digest}_{suffix}"[:MAX_IDENTIFIER]


def live(status: Any) -> Any:
    """``status IN ('PENDING', 'RUNNING', 'PAUSED')``, the values written out in the SQL.

    A partial index is used only by a query whose WHERE clause repeats the index's predicate;
    SQLite cannot tell that bound parameters would, so the values are literals on both sides.
    """
    return status.in_([literal_column(f"'{value}'") for value in LIVE_STATUSES])


def _partial_index(table: Table, suffix: str, where: Any, *columns: str) -> None:
    Index(
        index_name(table.name, suffix),
        *(table.c[name] for name in columns),
        sqlite_where=where,
        postgresql_where=where,
    )


@functools.lru_cache(maxsize=64)
def build_tables(names: TableNames, schema: str | None = None) -> Tables:
    """Table objects for a set of table names in a schema, built once per process.

    Building them is a few milliseconds of SQLAlchemy work (2-3 ms: a test suite that makes a
    db per test paid it per test). They are only read afterwards (statements are built from
    them, ``migrate`` creates what they describe), so db instances with the same names and
    schema share one set.
    """
    metadata = MetaData(schema=schema)
    sessions = Table(
        names.sessions,
        metadata,
        Column("session_id", String(128), primary_key=True),
        Column("session_type", String(16), nullable=False),
        Column("agent_id", String(128)),
        Column("team_id", String(128)),
        Column("user_id", String(128)),
        Column("created_at", Float, nullable=False),
        Column("session_data", _Json),
        # Since version 4. The last change that was not a run's (a rename, new state, an
        # upsert): a session's ``updated_at`` is the later of this and its last run's.
        Column("updated_at", Float),
        # Since version 4: Agno's ``metadata``, ``agent_data`` and ``team_data`` (one column:
        # columns named ``agent_data``/``team_data`` mark the agno package's own tables).
        Column("extra", _Json),
    )
    _partial_index(sessions, "user_id", sessions.c.user_id.is_not(None), "user_id")
    runs = Table(
        names.runs,
        metadata,
        Column("run_id", String(128), primary_key=True),
        Column("session_id", String(128), nullable=False),
        Column("parent_run_id", String(128)),
        Column("kind", String(8), nullable=False),
        Column("agent_id", String(128)),
        Column("team_id", String(128)),
        Column("user_id", String(128)),
        Column("status", String(16), nullable=False),
        Column("error", Text),
        Column("created_at", Float, nullable=False),
        Column("updated_at", Float, nullable=False),
        Column("lease_owner", String(128)),
        Column("lease_expires_at", Float),
        Column("data", _Json, nullable=False),
        Index(index_name(names.runs, "session_created"), "session_id", "created_at"),
    )
    # Partial indexes: only member runs have a parent, and only live runs are reaped by lease,
    # so a finished top-level run (the common write) is in neither: two fewer B-tree pages
    # written per run (measured: a sixth of a team run's SQLite commit).
    _partial_index(runs, "parent_run_id", runs.c.parent_run_id.is_not(None), "parent_run_id")
    _partial_index(
        runs,
        "status_lease",
        live(runs.c.status),
        "status",
        "lease_expires_at",
    )
    memories = Table(
        names.memories,
        metadata,
        Column("memory_id", String(64), primary_key=True),
        # NULL for a memory of no user, as Agno stores it (NOT NULL before version 4).
        Column("user_id", String(128)),
        Column("memory", Text, nullable=False),
        Column("topics", _Json),
        Column("agent_id", String(128)),
        Column("team_id", String(128)),
        Column("input", Text),  # since version 4
        Column("feedback", Text),  # since version 4
        Column("created_at", Float, nullable=False),
        Column("updated_at", Float, nullable=False),
        Index(index_name(names.memories, "user_id"), "user_id"),
    )
    evals = Table(
        names.evals,
        metadata,
        Column("eval_id", String(64), primary_key=True),
        Column("name", String(256)),
        Column("eval_type", String(32), nullable=False),
        Column("created_at", Float, nullable=False),
        Column("data", _Json, nullable=False),
        # Since version 3 (added to older tables by the migration, hence nullable). Agno's
        # ``eval_data`` and ``eval_input`` are read from ``data`` (a column named
        # ``eval_data`` would mark the table as the agno package's own, see `_migrate`).
        Column("agent_id", String(128)),
        Column("team_id", String(128)),
        Column("workflow_id", String(128)),
        Column("model_id", String(256)),
        Column("model_provider", String(128)),
        Column("evaluated_component_name", Text),
        Column("user_id", String(128)),
        Column("updated_at", Float),
    )
    cancel_intents = Table(
        names.cancel_intents,
        metadata,
        Column("run_id", String(128), primary_key=True),
        Column("created_at", Float, nullable=False),
        Column("expires_at", Float, nullable=False),
        Index(index_name(names.cancel_intents, "expires_at"), "expires_at"),
    )
    versions = Table(
        names.versions,
        metadata,
        Column("name", String(64), primary_key=True),
        Column("version", Integer, nullable=False),
        Column("created_at", Float, nullable=False),
        # Since version 2 (added to older tables by the migration, hence nullable).
        Column("tables", Text),
        Column("updated_at", Float),
    )
    return Tables(
        metadata=metadata,
        sessions=sessions,
        runs=runs,
        memories=memories,
        evals=evals,
        cancel_intents=cancel_intents,
        versions=versions,
    )
