"""Run the seed programs of examples/seeds as written, offline, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from examples.seeds._mock import seed_mock
from pytest_agno.mock import MockOpenAI


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the seeds' ``seed_db()`` at a fresh SQLite file or PostgreSQL database."""
    if request.param == "sqlite":
        monkeypatch.delenv("AGNO_DB_URL", raising=False)
        monkeypatch.setenv("AGNO_DB_FILE", str(tmp_path / "seed.db"))
    else:
        monkeypatch.setenv("AGNO_DB_URL", request.getfixturevalue("pg_url"))
    return str(request.param)


@pytest.fixture
def seed_offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockOpenAI]:
    """The seeds' offline OpenAI and Yahoo Finance."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-seed-test")
    with seed_mock() as mock:
        yield mock


@pytest.fixture
def load_seed(backend: str) -> Callable[[str], ModuleType]:
    """Import (fresh) a seed program, so its module-level db follows ``backend``."""

    def load(name: str) -> ModuleType:
        return importlib.reload(importlib.import_module(f"examples.seeds.{name}"))

    return load
