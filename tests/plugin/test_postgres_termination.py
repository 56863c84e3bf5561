"""A pytest run that started a PostgreSQL server and is killed leaves none running.

SIGTERM: the run stops its servers, then dies of SIGTERM as it would have. SIGKILL cannot be
caught: the next start reaps what the killed run left. Each run is a real process, told to stop
once its test has the server (it writes the server's port and directory to a file, then waits):
nothing here depends on timing.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_agno.postgres._launcher import find_pg_bin_dir, start_postgres

pytestmark = pytest.mark.skipif(find_pg_bin_dir() is None, reason="no PostgreSQL binaries")

# A user's test that holds the session's server until it is killed.
HOLDER = """
import time
from pathlib import Path


def test_hold(agno_pg_server):
    ready = Path({ready!r})
    ready.write_text(f"{{agno_pg_server.port}} {{agno_pg_server.data_dir}}")
    time.sleep(120)
"""


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def _wait_for(path: Path, process: subprocess.Popen[bytes], timeout: float = 60) -> str:
    give_up = time.monotonic() + timeout
    while not path.exists() or not path.read_text():
        assert process.poll() is None, "the run ended before its test held the server"
        assert time.monotonic() < give_up, "the run's test never got its server"
        time.sleep(0.02)
    return path.read_text()


Holder = tuple[subprocess.Popen[bytes], Path]


@pytest.fixture
def holder(pytester: pytest.Pytester, tmp_path: Path) -> Iterator[Holder]:
    """A pytest run (a process of its own) whose test holds a server; killed by the test."""
    ready = tmp_path / "ready"
    pytester.makeini("[pytest]\n")
    test_file = pytester.makepyfile(HOLDER.format(ready=str(ready)))
    env = {k: v for k, v in os.environ.items() if k not in ("AGNO_PG_URL", "CI")}
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(test_file)],
        cwd=pytester.path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process, ready
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_sigterm_stops_the_server_and_the_run_dies_of_it(
    holder: Holder,
) -> None:
    process, ready = holder
    port_text, data_dir_text = _wait_for(ready, process).split(" ", 1)
    assert _accepts(int(port_text))

    process.send_signal(signal.SIGTERM)

    assert process.wait(timeout=60) == -signal.SIGTERM  # the same end as without the plugin
    assert not _accepts(int(port_text))
    assert not Path(data_dir_text).exists()


def test_a_server_left_by_a_sigkilled_run_is_reaped_by_the_next_start(
    holder: Holder,
) -> None:
    process, ready = holder
    port_text, data_dir_text = _wait_for(ready, process).split(" ", 1)

    process.kill()
    process.wait(timeout=60)
    assert _accepts(int(port_text))  # SIGKILL: nothing could stop it

    fresh = start_postgres()  # where the fixture starts its servers
    try:
        assert not _accepts(int(port_text))
        assert not Path(data_dir_text).exists()
    finally:
        fresh.stop()


SELF_HANDLED = """
import signal, sys
from pathlib import Path
from pytest_agno.postgres import start_postgres

signal.signal(signal.SIGTERM, lambda signum, frame: print("handled", flush=True))
server = start_postgres()
print(server.port, server.data_dir, flush=True)
sys.stdin.read()  # until the test closes stdin
"""


def test_a_sigterm_handler_of_the_process_is_left_alone() -> None:
    with subprocess.Popen(
        [sys.executable, "-c", SELF_HANDLED],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as owner:
        assert owner.stdin is not None and owner.stdout is not None
        port_text, data_dir_text = owner.stdout.readline().split(" ", 1)
        owner.send_signal(signal.SIGTERM)
        assert owner.stdout.readline() == "handled\n"  # its handler ran, and it lives on
        assert _accepts(int(port_text))
        owner.stdin.close()  # it ends normally: atexit stops the server
        assert owner.wait(timeout=60) == 0
    assert not _accepts(int(port_text))
    assert not Path(data_dir_text.strip()).exists()
