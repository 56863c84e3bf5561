"""Bringing one table set up to the current schema: create what is missing, add new columns.

Runs on first use of a db object whose table set has no current version row (see
`DbBase._create_schema`), inside a transaction that holds the db's schema lock, so two
processes opening the same new table set take turns instead of colliding on ``CREATE TABLE``.

The migration is additive only: a missing table is created (a renamed session table's own
runs table, which earlier versions did not have, starts with a copy of its runs from
``agno_runs``), a missing column that may be NULL is added, a missing index is created, and a
column this package now lets be NULL loses its NOT NULL (PostgreSQL alters the column; SQLite
cannot, so the table is rebuilt under the same lock, its rows copied). Anything else (a table
that lacks a required column, or has a required column this package never writes) is not ours
to change: the migration stops with a `SchemaMismatch` naming the table and what to do.
"""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Any

from sqlalchemy import Column, MetaData, Table, inspect, select, update
from sqlalchemy.engine import Connection

from agno_core.db._schema import TableNames, Tables

__all__ = ["SchemaMismatch", "migrate"]


class SchemaMismatch(RuntimeError):
    """An existing table has a shape this package cannot use or extend by itself."""


def migrate(conn: Connection, tables: Tables, names: TableNames, version: int) -> int:
    """Create or complete ``tables``; record ``version`` for this table set.

    Returns:
        The version stored for this table set afterwards (higher than ``version`` when a
        newer package wrote it: the caller refuses to go on).
    """
    inspector = inspect(conn)
    schema = tables.metadata.schema
    existing = set(inspector.get_table_names(schema=schema))
    _refuse_agno_tables(inspector, tables, existing)
    moved = _moved_runs(conn, tables, names, existing)
    for table in tables.metadata.sorted_tables:
        if table.name not in existing:
            table.create(conn)
            continue
        columns = {c["name"]: c for c in inspector.get_columns(table.name, schema=schema)}
        _check_foreign_columns(table, columns)
        relaxed = [
            c
            for c in table.columns
            if c.nullable and c.name in columns and not columns[c.name].get("nullable", True)
        ]
        if relaxed and conn.dialect.name == "sqlite":
            _rebuild(conn, inspector, table, columns)
            continue
        for column in relaxed:
            _drop_not_null(conn, table, column)
        for column in table.columns:
            if column.name not in columns:
                _add_column(conn, table, column)
        covered = {
            tuple(index["column_names"])
            for index in inspector.get_indexes(table.name, schema=schema)
        }
        for index in table.indexes:
            if tuple(c.name for c in index.columns) not in covered:
                index.create(conn)
    if moved is not None:
        _copy_moved_runs(conn, tables, moved)
    return _record_version(conn, tables, names, version)


# Columns only the agno package's own tables of the same default names have (Agno 3.x): a
# table with one of them is Agno's, in Agno's layout, which agno_core neither reads nor changes.
_AGNO_MARKS = {"table_name", "run_data", "agent_data", "team_data", "workflow_data", "eval_data"}
_OWN_NAMES = (
    "session_table='agno_core_sessions', runs_table='agno_core_runs', "
    "memory_table='agno_core_memories', eval_table='agno_core_eval_runs', "
    "cancel_intents_table='agno_core_cancel_intents', versions_table='agno_core_schema_versions'"
)


def _refuse_agno_tables(inspector: Any, tables: Tables, existing: set[str]) -> None:
    """Stop, naming the way out, when tables of these names are the agno package's own."""
    schema = tables.metadata.schema
    agno = [
        table.name
        for table in tables.metadata.sorted_tables
        if table.name in existing
        and _AGNO_MARKS & {c["name"] for c in inspector.get_columns(table.name, schema=schema)}
    ]
    if agno:
        raise SchemaMismatch(
            f"its table(s) {', '.join(sorted(agno))} are the agno package's own (Agno's layout, "
            "written by Agno itself), which agno_core neither reads nor changes: use another "
            "database, or give agno_core tables of its own beside them, e.g. " + _OWN_NAMES
        )


def _moved_runs(conn: Connection, tables: Tables, names: TableNames, existing: set[str]) -> Any:
    """``agno_runs`` (reflected) when it holds this table set's runs, where earlier agno_core
    versions kept the runs of a renamed session table; None otherwise.

    Earlier versions gave ``session_table="x"`` (without ``runs_table=``) the shared
    ``agno_runs``; as in Agno, its runs table is now ``x_runs``. The table set is recognised by
    the version row those versions wrote for it, and only while ``x_runs`` does not exist yet.
    """
    default_runs = TableNames().runs
    if (
        names.runs in existing
        or names.sessions not in existing
        or default_runs not in existing
        or names.runs != f"{names.sessions}_runs"
        or tables.versions.name not in existing
    ):
        return None
    earlier = dataclasses.replace(names, runs=default_runs).version_key
    versions = tables.versions
    if conn.execute(select(versions.c.name).where(versions.c.name == earlier)).first() is None:
        return None
    return Table(default_runs, MetaData(schema=tables.metadata.schema), autoload_with=conn)


def _copy_moved_runs(conn: Connection, tables: Tables, legacy: Table) -> None:
    """Copy the runs of this table set's sessions from ``legacy`` into its new runs table.

    Copied, not moved: ``agno_runs`` is still the default table set's runs table, and a
    session id may be in both session tables; the rows left there are what earlier versions
    saw. Columns the old table lacks take their defaults.
    """
    runs, sessions = tables.runs, tables.sessions
    common = [c.name for c in runs.columns if c.name in legacy.c]
    ours = select(sessions.c.session_id)
    rows = select(*(legacy.c[name] for name in common)).where(legacy.c.session_id.in_(ours))
    conn.execute(runs.insert().from_select(common, rows))


def _check_foreign_columns(table: Table, columns: dict[str, Any]) -> None:
    """A required column this package never fills would fail every insert: stop here."""
    ours = set(table.columns.keys())
    for name, column in columns.items():
        if name not in ours and not column.get("nullable", True) and column.get("default") is None:
            raise SchemaMismatch(
                f"table {_display(table)} has a required column {name!r} that agno_core does "
                "not write, so it was not made by agno_core (another program's table with the "
                "same name?): give this db other table names (session_table=, runs_table=, "
                "...) or a db_schema of its own"
            )


def _add_column(conn: Connection, table: Table, column: Column[Any]) -> None:
    if not column.nullable and column.server_default is None:
        raise SchemaMismatch(
            f"table {_display(table)} lacks the required column {column.name!r} and it cannot "
            "be added to a table that already has rows: migrate that table by hand, or give "
            "this db new table names (session_table=, runs_table=, ...) to start afresh"
        )
    preparer = conn.dialect.identifier_preparer
    column_type = conn.dialect.type_compiler_instance.process(column.type)
    conn.exec_driver_sql(
        f"ALTER TABLE {preparer.format_table(table)} "
        f"ADD COLUMN {preparer.format_column(column)} {column_type}"
    )


def _drop_not_null(conn: Connection, table: Table, column: Column[Any]) -> None:
    preparer = conn.dialect.identifier_preparer
    conn.exec_driver_sql(
        f"ALTER TABLE {preparer.format_table(table)} "
        f"ALTER COLUMN {preparer.format_column(column)} DROP NOT NULL"
    )


def _rebuild(conn: Connection, inspector: Any, table: Table, columns: dict[str, Any]) -> None:
    """Make ``table`` afresh in SQLite (which cannot change a column's NOT NULL), keeping its
    rows: rename it aside, create the current one (with its indexes), copy, drop the old one."""
    preparer = conn.dialect.identifier_preparer
    old = f"{table.name}__rebuilding"
    for index in inspector.get_indexes(table.name, schema=table.schema):
        conn.exec_driver_sql(f"DROP INDEX {preparer.quote(index['name'])}")
    conn.exec_driver_sql(
        f"ALTER TABLE {preparer.format_table(table)} RENAME TO {preparer.quote(old)}"
    )
    table.create(conn)
    shared = ", ".join(preparer.quote(c.name) for c in table.columns if c.name in columns)
    conn.exec_driver_sql(
        f"INSERT INTO {preparer.format_table(table)} ({shared}) "
        f"SELECT {shared} FROM {preparer.quote(old)}"
    )
    conn.exec_driver_sql(f"DROP TABLE {preparer.quote(old)}")


def _record_version(conn: Connection, tables: Tables, names: TableNames, version: int) -> int:
    versions = tables.versions
    key = names.version_key
    stored = conn.execute(select(versions.c.version).where(versions.c.name == key)).scalar()
    now = time.time()
    described = json.dumps(names.described(), sort_keys=True)
    if stored is None:
        conn.execute(
            versions.insert().values(
                name=key, version=version, created_at=now, tables=described, updated_at=now
            )
        )
        return version
    if int(stored) < version:
        conn.execute(
            update(versions)
            .where(versions.c.name == key)
            .values(version=version, tables=described, updated_at=now)
        )
        return version
    return int(stored)


def _display(table: Table) -> str:
    return repr(table.fullname)
