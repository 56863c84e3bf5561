"""Agno's ``db_engine=`` argument: the URL agno_core opens its own async engines from.

agno_core keeps one async engine per event loop (`agno_core.db._engines`), so an engine a user
made (Agno's dbs take a synchronous ``sqlalchemy.Engine``) cannot be used as it is: its URL,
credentials included, is taken instead, with the driver swapped for the async one of the same
database (aiosqlite; psycopg 3, whose SQLAlchemy dialect is async as it is).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import URL, Engine
from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["engine_url"]

# Synchronous drivers and the async driver that takes their place.
_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+psycopg",
    "postgresql+psycopg2": "postgresql+psycopg",
    "postgresql+pg8000": "postgresql+psycopg",
}


def engine_url(owner: str, engine: Any, backend: str) -> str:
    """The URL of ``engine`` (password included), for an async driver of ``backend``.

    Args:
        owner: The db class's name, for the error message.
        engine: A SQLAlchemy `Engine` or `AsyncEngine`.
        backend: ``"sqlite"`` or ``"postgresql"``: the database the db class speaks.

    Raises:
        TypeError: ``engine`` is not a SQLAlchemy engine, or an engine of another database.
    """
    if isinstance(engine, AsyncEngine):
        engine = engine.sync_engine
    if not isinstance(engine, Engine):
        raise TypeError(
            f"{owner}(db_engine=...) takes a SQLAlchemy Engine, not {type(engine).__name__}"
        )
    url: URL = engine.url
    if url.get_backend_name() != backend:
        raise TypeError(
            f"{owner}(db_engine=...) needs a {backend} engine, not one of "
            f"{url.get_backend_name()!r} (its URL: {url!r})"
        )
    driver = _ASYNC_DRIVERS.get(url.drivername)
    if driver is not None:
        url = url.set(drivername=driver)
    return url.render_as_string(hide_password=False)
