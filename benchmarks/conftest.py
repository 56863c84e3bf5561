"""Benchmark session: one scripted mock, one event loop, one SDK client, shared by every figure.

Benchmark modules are named ``bench_*.py`` and collected by this conftest only, so no default
test run ever picks them up (the repo's ``testpaths`` is ``tests``). Run them with
``bash scripts/bench.sh`` (see there).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before Agno is imported anywhere: it reads these at import time. No telemetry, no key needed.
os.environ["AGNO_TELEMETRY"] = "false"
os.environ.setdefault("OPENAI_API_KEY", "sk-agno-bench")

from benchmarks._harness import Loop, Paired, floor_calls, script_mock
from pytest_agno.mock import MockOpenAI


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    # A file named on the command line is collected by pytest itself already.
    if (
        file_path.suffix == ".py"
        and file_path.name.startswith("bench_")
        and not parent.session.isinitpath(file_path)
    ):
        return pytest.Module.from_parent(parent, path=file_path)
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The repo turns warnings into errors for its tests; a benchmark of a third-party peer
    # (Agno's deprecation warnings) must not fail on them.
    for item in items:
        if "benchmarks" in item.path.parts:
            item.add_marker(pytest.mark.filterwarnings("ignore"))


@pytest.fixture(scope="session")
def bench_loop() -> Iterator[Loop]:
    """The one event loop every async benchmark runs on."""
    loop = asyncio.new_event_loop()
    logging.getLogger("agno").setLevel(logging.WARNING)
    try:
        yield Loop(loop)
    finally:
        # Disposes agno_core's per-loop engines (they close with the loop's async generators).
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()


@pytest.fixture(scope="session")
def mock() -> Iterator[MockOpenAI]:
    """The scripted mock of api.openai.com, scripted for every benchmark (see `script_mock`)."""
    with MockOpenAI() as server:
        script_mock(server)
        yield server
        # Recorded requests would pile up for the whole session: keep none.
        server.requests.clear()


@pytest.fixture(scope="session")
def sdk(mock: MockOpenAI, bench_loop: Loop) -> Iterator[object]:
    """The floor's client: a bare `openai.AsyncOpenAI` on the same mock."""
    import openai

    client = openai.AsyncOpenAI()
    yield client
    bench_loop.run(client.close())


@pytest.fixture(scope="session")
def bench_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where SQLite files go (a real disk directory, as a user's would be)."""
    return tmp_path_factory.mktemp("bench")


@pytest.fixture(autouse=True)
def _forget_requests(mock: MockOpenAI) -> Iterator[None]:
    """Drop the mock's request log after each benchmark: thousands of recorded requests would
    only slow the garbage collector (and so every later figure) down."""
    yield
    mock.requests.clear()
    for reply in mock.pending:
        reply.answered.clear()


@pytest.fixture(autouse=True)
def _close_dbs(bench_loop: Loop) -> Iterator[None]:
    """Close the agno_core dbs a benchmark made, on the loop their connections belong to: one
    collected later, when that loop is closed, would leave aiosqlite threads failing to report
    back to it."""
    from benchmarks._peers import opened_dbs

    yield
    while opened_dbs:
        bench_loop.run(opened_dbs.pop().aclose())


@pytest.fixture
def paired(benchmark: object, bench_loop: Loop, sdk: object, mock: MockOpenAI) -> Paired:
    """A `Paired` timer for this benchmark, with the floor as default reference."""

    async def floor(n: int) -> None:
        await floor_calls(sdk, n)  # type: ignore[arg-type]

    return Paired(benchmark=benchmark, loop=bench_loop, floor=floor)


def pytest_benchmark_update_machine_info(config: pytest.Config, machine_info: dict) -> None:
    """What the report prints about the run: CPU, cores, load, versions, the command."""
    from benchmarks._machine import describe

    machine_info["agno_bench"] = describe()
