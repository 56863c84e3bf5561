"""The storage schema: one row per run, and tables for sessions, memories, evals and intents."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import JSON, Column, Float, Index, Integer, MetaData, String, Table, Text
from sqlalchemy.dialects.postgresql import JSONB

__all__ = ["SCHEMA_VERSION", "TableNames", "Tables", "build_tables"]

# Bump when a table changes; stored in the versions table on creation.
SCHEMA_VERSION = 1

_Json = JSON().with_variant(JSONB(), "postgresql")


@dataclass(kw_only=True, frozen=True, slots=True)
class TableNames:
    """Table names; Agno users pass ``session_table=`` and friends, so they are configurable."""

    sessions: str = "agno_sessions"
    runs: str = "agno_runs"
    memories: str = "agno_memories"
    evals: str = "agno_eval_runs"
    cancel_intents: str = "agno_cancel_intents"
    versions: str = "agno_schema_versions"


@dataclass(kw_only=True, frozen=True, slots=True)
class Tables:
    metadata: MetaData
    sessions: Table
    runs: Table
    memories: Table
    evals: Table
    cancel_intents: Table
    versions: Table


def build_tables(names: TableNames, schema: str | None = None) -> Tables:
    """Table objects for one db instance (its own names and schema)."""
    metadata = MetaData(schema=schema)
    sessions = Table(
        names.sessions,
        metadata,
        Column("session_id", String(128), primary_key=True),
        Column("session_type", String(16), nullable=False),
        Column("agent_id", String(128)),
        Column("team_id", String(128)),
        Column("user_id", String(128), index=True),
        Column("created_at", Float, nullable=False),
        Column("session_data", _Json),
    )
    runs = Table(
        names.runs,
        metadata,
        Column("run_id", String(128), primary_key=True),
        Column("session_id", String(128), nullable=False),
        Column("parent_run_id", String(128), index=True),
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
        Index(f"ix_{names.runs}_session_created", "session_id", "created_at"),
        Index(f"ix_{names.runs}_status_lease", "status", "lease_expires_at"),
    )
    memories = Table(
        names.memories,
        metadata,
        Column("memory_id", String(64), primary_key=True),
        Column("user_id", String(128), nullable=False, index=True),
        Column("memory", Text, nullable=False),
        Column("topics", _Json),
        Column("agent_id", String(128)),
        Column("team_id", String(128)),
        Column("created_at", Float, nullable=False),
        Column("updated_at", Float, nullable=False),
    )
    evals = Table(
        names.evals,
        metadata,
        Column("eval_id", String(64), primary_key=True),
        Column("name", String(256)),
        Column("eval_type", String(32), nullable=False),
        Column("created_at", Float, nullable=False),
        Column("data", _Json, nullable=False),
    )
    cancel_intents = Table(
        names.cancel_intents,
        metadata,
        Column("run_id", String(128), primary_key=True),
        Column("created_at", Float, nullable=False),
        Column("expires_at", Float, nullable=False, index=True),
    )
    versions = Table(
        names.versions,
        metadata,
        Column("name", String(64), primary_key=True),
        Column("version", Integer, nullable=False),
        Column("created_at", Float, nullable=False),
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
