"""The pytest fixtures that hand out SQLite databases: a per-session template, copied per test."""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from agno_core.db import SqlDb

__all__ = ["agno_sqlite_template", "copied_db", "sqlite_db"]

_RAM_DIR = Path("/dev/shm")
_NUMBERS = itertools.count()


def _session_dir(fallback: Path) -> Iterator[Path]:
    """This session's directory in RAM (``/dev/shm``) when there is one, else ``fallback``.

    A test's SQLite file is written (WAL and shared-memory files created, pages synced) by a
    worker thread; on a busy disk that is tens of milliseconds per test, in RAM well under one.
    Every test's database lives under this one directory, removed at the end of the session (and
    at exit, should the session not end normally).
    """
    import atexit
    import shutil
    import tempfile

    if not (_RAM_DIR.is_dir() and os.access(_RAM_DIR, os.W_OK)):
        yield fallback
        return
    path = Path(tempfile.mkdtemp(prefix="pytest-agno-", dir=_RAM_DIR))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def agno_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A SQLite file with agno_core's schema, made once per session, for `sqlite_db` to copy.

    Creating the schema costs tens of milliseconds (a dozen ``CREATE`` statements and their
    commits); copying a finished file costs well under one. The template is only ever read, so
    no state passes from one test to another. It sits in this session's directory, in RAM where
    ``/dev/shm`` exists; the tests' databases go next to it.
    """
    import asyncio

    from agno_core.db.sqlite import SqliteDb

    async def create(path: Path) -> None:
        db = SqliteDb(db_file=path)
        await db.aschema_version()  # the schema is created on first use
        await db.aclose()

    for directory in _session_dir(tmp_path_factory.mktemp("agno-sqlite-template")):
        (directory / "template").mkdir()
        template = directory / "template" / "agno.db"
        asyncio.run(create(template))
        yield template


@pytest.fixture
def sqlite_db(request: pytest.FixtureRequest, agno_sqlite_template: Path) -> Iterator[SqlDb]:
    """A `SqliteDb` of the test's own (in RAM where ``/dev/shm`` exists, else ``agno.db`` in
    the test's tmp dir), with the schema already in place.

    A copy of the session's template (``agno_sqlite_template``): each test starts from an empty
    database of its own, removed after the test.
    """
    yield from copied_db(request, agno_sqlite_template)


def copied_db(request: pytest.FixtureRequest, template: Path) -> Iterator[SqlDb]:
    """`sqlite_db`'s body: a copy of ``template`` for this test, removed after it.

    ``agno_db`` runs it directly (a fixture layer less per test than asking for `sqlite_db`).
    """
    import shutil

    from agno_core.db.sqlite import SqliteDb

    session_dir = template.parent.parent
    in_ram = session_dir.parent == _RAM_DIR
    if in_ram:
        # A file name never used before in this session's directory (no folder per test: making
        # and removing one cost more than the copy).
        path = session_dir / f"test-{next(_NUMBERS)}.db"
    else:  # only then: pytest's tmp_path (a numbered directory, kept) costs ~1 ms a test
        path = request.getfixturevalue("tmp_path") / "agno.db"
    for suffix in ("", "-wal"):  # a closed WAL database has no -wal file; copy one if any
        source = f"{template}{suffix}"
        if not suffix or os.path.exists(source):
            shutil.copyfile(source, f"{path}{suffix}")
    db = SqliteDb(db_file=path)
    # The copy has the tables this agno_core makes (the template was made by it, with the same
    # table names): the check a db makes on first use (a query on a connection of its own) has
    # nothing to find out.
    db._schema_ready = True
    try:
        yield db
    finally:
        if in_ram:
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(f"{path}{suffix}")
