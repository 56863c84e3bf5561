"""The pytest fixtures that hand out SQLite databases: a per-session template, copied per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from agno_core.db._sql import SqlDb

__all__ = ["agno_sqlite_template", "sqlite_db"]

_RAM_DIR = Path("/dev/shm")


def _ram_dir(fallback: Path) -> Iterator[Path]:
    """A fresh directory in RAM (``/dev/shm``) when there is one, else ``fallback``.

    A test's SQLite file is written (WAL and shared-memory files created, pages synced) by a
    worker thread; on a busy disk that is tens of milliseconds per test, in RAM well under one.
    """
    import shutil
    import tempfile

    if not (_RAM_DIR.is_dir() and os.access(_RAM_DIR, os.W_OK)):
        yield fallback
        return
    path = Path(tempfile.mkdtemp(prefix="pytest-agno-", dir=_RAM_DIR))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def agno_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A SQLite file with agno_core's schema, made once per session, for `sqlite_db` to copy.

    Creating the schema costs tens of milliseconds (a dozen ``CREATE`` statements and their
    commits); copying a finished file costs well under one. The template is only ever read, so
    no state passes from one test to another.
    """
    import asyncio

    from agno_core.db.sqlite import SqliteDb

    async def create(path: Path) -> None:
        db = SqliteDb(db_file=path)
        await db.aschema_version()  # the schema is created on first use
        await db.aclose()

    for directory in _ram_dir(tmp_path_factory.mktemp("agno-sqlite-template")):
        asyncio.run(create(directory / "agno.db"))
        yield directory / "agno.db"


@pytest.fixture
def sqlite_db(tmp_path: Path, agno_sqlite_template: Path) -> Iterator[SqlDb]:
    """A `SqliteDb` of the test's own (``agno.db``, in RAM where ``/dev/shm`` exists, else in
    the test's tmp dir), with the schema already in place.

    A copy of the session's template (``agno_sqlite_template``): each test starts from an empty
    database of its own, removed after the test.
    """
    import shutil

    from agno_core.db.sqlite import SqliteDb

    for directory in _ram_dir(tmp_path):
        for suffix in ("", "-wal"):  # a closed WAL database has no -wal file; copy one if any
            source = agno_sqlite_template.with_name(agno_sqlite_template.name + suffix)
            if source.exists():
                shutil.copyfile(source, directory / f"agno.db{suffix}")
        yield SqliteDb(db_file=directory / "agno.db")
