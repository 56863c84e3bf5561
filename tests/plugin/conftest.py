"""Plugin tests run generated test files with `pytester`; this sets their ini up.

`pytester.runpytest()` runs in this process and, after each run, drops every module the run
imported. Without the imports below each generated suite would import openai, SQLAlchemy and
agno_core anew (seconds each time); imported here, before any run, they stay.
"""

from __future__ import annotations

import gc
import sqlite3  # noqa: F401
from collections.abc import Iterator
from pathlib import Path

import aiosqlite  # noqa: F401
import openai.lib
import openai.pagination
import openai.resources
import openai.types  # noqa: F401
import pytest

import agno_core.agent
import agno_core.db.sqlite
import agno_core.eval.performance
import agno_core.models.openai
import agno_core.run.cancel
import agno_core.team  # noqa: F401
from tests.plugin.openai_server import OpenAIServer

INI = """
[pytest]
asyncio_default_fixture_loop_scope = function
filterwarnings = error
"""


@pytest.fixture
def agno_pytester(pytester: pytest.Pytester) -> Iterator[pytest.Pytester]:
    """A `pytester` project as a user starts one: pytest-asyncio in its default strict mode (async
    tests run because they use the plugin's fixtures), warnings as errors. Only the fixture loop
    scope is set, which silences pytest-asyncio's own deprecation warning.

    The objects alive before the generated suite runs (this whole test session) are frozen out
    of the garbage collector meanwhile: `PerformanceEval` collects garbage about twenty times
    per eval, and each full collection of this process takes ~0.1 s; frozen, ~0.1 ms. Objects
    the generated tests create are collected (and measured) as usual.
    """
    pytester.makeini(INI)
    gc.freeze()
    try:
        yield pytester
    finally:
        gc.unfreeze()


# -- cassettes: a local OpenAI server to record against ------------------------------------------

CASSETTE_KEY = "sk-cassette-test-key-0123456789"


@pytest.fixture
def openai_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIServer]:
    """A real OpenAI-speaking HTTP server on 127.0.0.1 checking ``CASSETTE_KEY`` (also set as
    ``OPENAI_API_KEY``); ``.stop()`` it to prove a replay needs no server."""
    monkeypatch.setenv("OPENAI_API_KEY", CASSETTE_KEY)
    with OpenAIServer(CASSETTE_KEY) as running:
        yield running


@pytest.fixture
def cassette_dir(tmp_path: Path) -> Iterator[Path]:
    """Where the test's cassettes go; on teardown, no file written there may hold the key."""
    directory = tmp_path / "cassettes"
    yield directory
    for path in directory.rglob("*"):
        if path.is_file():
            assert CASSETTE_KEY not in path.read_text(), f"{path} holds the API key"
