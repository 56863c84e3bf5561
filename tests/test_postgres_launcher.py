"""The throwaway PostgreSQL server (`pytest_agno.postgres._launcher`) and its fixtures."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from pytest_agno.postgres import _launcher as _postgres
from pytest_agno.postgres._launcher import (
    TEMPLATE_DATABASE,
    PostgresServer,
    PostgresUnavailable,
    connect_external,
    start_postgres,
)

# Until the plugin registers them; assigned rather than imported so the fixture parameters
# below do not read as redefinitions of unused imports (ruff F811).

REPO_ROOT = Path(__file__).resolve().parents[1]
SECRET = "s3cr3t-Pa55word"


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _database_exists(server: PostgresServer, name: str) -> bool:
    with psycopg.connect(server.libpq_url()) as conn:
        row = conn.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row == (1,)


def test_started_server_serves_databases_and_stops_cleanly(tmp_path: Path) -> None:
    server = start_postgres(tmp_path)
    try:
        assert server.data_dir is not None
        # As root the server runs as `postgres`, which cannot enter pytest's private temp root.
        expected_parent = tmp_path if os.geteuid() != 0 else _postgres._usable_parent(None, None)
        assert server.data_dir.parent == expected_parent
        with psycopg.connect(server.libpq_url()) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)

        template = server.create_database()
        with psycopg.connect(server.libpq_url(template), autocommit=True) as conn:
            conn.execute("CREATE TABLE seeded (id int)")
        clone = server.create_database("agno_clone", template=template)
        with psycopg.connect(server.libpq_url(clone)) as conn:
            assert conn.execute("SELECT to_regclass('seeded') IS NOT NULL").fetchone() == (True,)

        server.drop_database(clone)
        assert not _database_exists(server, clone)
        assert _database_exists(server, template)
    finally:
        server.stop()
    assert not _accepts(server.port)
    assert not server.data_dir.exists()
    server.stop()  # idempotent


def test_a_port_taken_before_the_server_binds_it_is_retried(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_free_port = _postgres._free_port
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        taken: int = squatter.getsockname()[1]
        ports = iter([taken])
        monkeypatch.setattr(_postgres, "_free_port", lambda: next(ports, None) or real_free_port())
        server = start_postgres()
    try:
        assert server.port != taken
        with psycopg.connect(server.libpq_url()) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        server.stop()


def test_create_database_rejects_names_postgres_would_truncate() -> None:
    server = PostgresServer(host="127.0.0.1", port=_closed_port(), user="postgres")
    with pytest.raises(ValueError, match="longer than 63"):
        server.create_database("x" * 64)


@pytest.mark.asyncio
async def test_pg_url_works_with_an_async_sqlalchemy_engine(pg_url: str) -> None:
    assert pg_url.startswith("postgresql+psycopg://")
    engine = create_async_engine(pg_url)
    try:
        async with engine.connect() as conn:
            name = (await conn.execute(text("SELECT current_database()"))).scalar_one()
    finally:
        await engine.dispose()
    assert pg_url.endswith(f"/{name}")
    assert name not in {"postgres", TEMPLATE_DATABASE}


@pytest.mark.parametrize("attempt", [1, 2])
def test_each_test_gets_its_own_database(pg_url: str, attempt: int) -> None:
    # Both runs create the same table: the second fails if a database leaked between tests.
    with psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute("CREATE TABLE isolation_probe (attempt int)")
        conn.execute("INSERT INTO isolation_probe VALUES (%s)", [attempt])
        assert conn.execute("SELECT attempt FROM isolation_probe").fetchall() == [(attempt,)]


_DROP_CHECK = """
import pytest
from pytest_agno.postgres._fixtures import agno_pg_server, pg_url  # noqa: F401


@pytest.mark.parametrize("n", range(4))
def test_uses_a_database(pg_url, n):
    with open("used.txt", "a") as used:
        used.write(pg_url.rsplit("/", 1)[1] + "\\n")
"""


def test_fixtures_use_agno_pg_url_and_drop_each_database(
    agno_pg_server: PostgresServer, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGNO_PG_URL", agno_pg_server.url())
    pytester.makepyfile(_DROP_CHECK)
    result = pytester.runpytest("-p", "no:asyncio", "-p", "no:randomly")
    result.assert_outcomes(passed=4)
    used = (pytester.path / "used.txt").read_text().split()
    # Four tests, four databases (made ahead in the background), all dropped by the session's
    # end (in the background after each test, the last ones when the session closes the pool).
    assert len(set(used)) == 4
    assert not any(_database_exists(agno_pg_server, name) for name in used)
    # The inner session only borrowed this server: stopping its handle left the server running.
    assert _database_exists(agno_pg_server, TEMPLATE_DATABASE)


@pytest.mark.parametrize("scheme", ["postgresql", "postgresql+psycopg"])
def test_connect_external_wraps_a_running_server(
    agno_pg_server: PostgresServer, scheme: str
) -> None:
    url = agno_pg_server.url(driver=scheme)
    external = connect_external(url)
    assert (external.host, external.port, external.user) == (
        "127.0.0.1",
        agno_pg_server.port,
        "postgres",
    )
    assert external.data_dir is None
    assert external.url() == agno_pg_server.url()
    external.stop()  # a no-op for a server we did not start
    with psycopg.connect(agno_pg_server.libpq_url()) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_connect_external_keeps_extra_parameters(agno_pg_server: PostgresServer) -> None:
    external = connect_external(f"{agno_pg_server.libpq_url()}?application_name=agno-test")
    assert external.libpq_url("db").endswith("/db?application_name=agno-test")
    with psycopg.connect(external.libpq_url()) as conn:
        row = conn.execute("SHOW application_name").fetchone()
    assert row == ("agno-test",)


def test_unreachable_server_gives_a_clear_error_without_the_password() -> None:
    port = _closed_port()
    with pytest.raises(PostgresUnavailable) as caught:
        connect_external(f"postgresql://agno:{SECRET}@127.0.0.1:{port}/postgres")
    message = str(caught.value)
    assert f"agno:***@127.0.0.1:{port}/postgres" in message
    assert "Connection refused" in message
    assert SECRET not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (f"mysql://agno:{SECRET}@127.0.0.1/db", "not a PostgreSQL URL"),
        (f"postgresql://agno:{SECRET}@127.0.0.1:notaport/db", "invalid PostgreSQL URL"),
        (f"postgresql://agno:{SECRET}@127.0.0.1/db?bogus=1", "invalid PostgreSQL URL"),
    ],
)
def test_malformed_url_is_rejected_without_the_password(url: str, reason: str) -> None:
    with pytest.raises(PostgresUnavailable, match=reason) as caught:
        connect_external(url)
    assert SECRET not in str(caught.value)


def test_repr_hides_the_password() -> None:
    server = PostgresServer(host="db.example", port=5432, user="agno", password=SECRET)
    assert SECRET not in repr(server)
    assert SECRET not in str(server)
    assert "db.example" in repr(server)
    assert SECRET in server.url()  # the URL itself must carry it to connect


def test_urls_escape_credentials_and_support_socket_directories() -> None:
    server = PostgresServer(host="/run/pg", port=5433, user="a@b", password="p/w:@", database="x")
    assert server.libpq_url() == "postgresql://a%40b:p%2Fw%3A%40@/x?host=%2Frun%2Fpg&port=5433"
    assert server.url("y").startswith("postgresql+psycopg://a%40b:p%2Fw%3A%40@/y?")
    assert (
        PostgresServer(host="::1", port=1, user="u").libpq_url()
        == "postgresql://u@[::1]:1/postgres"
    )


def test_server_is_stopped_at_exit_when_its_owner_crashes(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from pytest_agno.postgres import start_postgres\n"
        "server = start_postgres(Path(sys.argv[1]))\n"
        "print(server.port, server.data_dir, flush=True)\n"
        "raise SystemExit('crashed before stop()')\n"
    )
    owner = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
        timeout=60,
    )
    assert owner.returncode == 1, owner.stderr
    port_text, data_dir_text = owner.stdout.split(" ", 1)
    assert not _accepts(int(port_text))
    assert not Path(data_dir_text.strip()).exists()


def test_server_left_by_a_killed_run_is_reaped(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from pytest_agno.postgres import start_postgres\n"
        "server = start_postgres(Path(sys.argv[1]))\n"
        "print(server.port, server.data_dir, flush=True)\n"
        "sys.stdin.read()\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    ) as owner:
        assert owner.stdout is not None
        port_text, data_dir_text = owner.stdout.readline().split(" ", 1)
        owner.kill()  # no atexit: the server outlives its owner
    port, orphan_dir = int(port_text), Path(data_dir_text.strip())
    assert _accepts(port)

    fresh = start_postgres(tmp_path)
    try:
        assert fresh.data_dir != orphan_dir
        assert not orphan_dir.exists()
        assert not _accepts(port)
    finally:
        fresh.stop()


_FIXTURE_USER = """
from pytest_agno.postgres._fixtures import agno_pg_server, pg_url  # noqa: F401

def test_needs_postgres(pg_url):
    pass
"""


@pytest.mark.parametrize(("ci", "outcome"), [("", "skipped"), ("true", "errors"), ("1", "errors")])
def test_missing_postgres_skips_locally_and_fails_on_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str, outcome: str
) -> None:
    monkeypatch.setattr(_postgres, "find_pg_bin_dir", lambda: None)
    monkeypatch.delenv("AGNO_PG_URL", raising=False)
    monkeypatch.setenv("CI", ci)
    pytester.makepyfile(_FIXTURE_USER)
    result = pytester.runpytest("-rs", "-p", "no:asyncio")
    result.assert_outcomes(**{outcome: 1})
    result.stdout.fnmatch_lines(["*no PostgreSQL server binaries found*"])
