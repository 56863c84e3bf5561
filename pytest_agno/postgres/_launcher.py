"""Starting a throwaway PostgreSQL server for tests, or wrapping an existing one.

`start_postgres` runs `initdb` and `postgres` from the machine's server binaries (found by
`find_pg_bin_dir`) in a fresh temporary directory on a free port, tuned for speed rather than
durability; `connect_external` wraps a server given by URL instead. Both return the server's
handle, `PostgresServer` (in ``_server``: its URLs, its databases, stopping it), re-exported here.
Each test gets its own database, cloned from a template in tens of milliseconds (the fixtures are
in `pytest_agno.postgres._fixtures`).

psycopg is only imported when a server is actually needed.
"""

from __future__ import annotations

import atexit
import getpass
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

from pytest_agno.postgres._home import (
    DIR_PREFIX,
    OWNER_FILE,
    SUPERUSER,
    Owner,
    PostgresUnavailable,
    as_owner,
    reap_orphans,
    server_owner,
)
from pytest_agno.postgres._home import usable_parent as _usable_parent
from pytest_agno.postgres._server import PostgresServer, kill
from pytest_agno.postgres._termination import track, untrack

__all__ = [
    "TEMPLATE_DATABASE",
    "PostgresServer",
    "PostgresUnavailable",
    "connect_external",
    "find_pg_bin_dir",
    "start_postgres",
]

TEMPLATE_DATABASE = "agno_template"
"""Database every per-test database is cloned from."""

_LOG_FILE = "agno-postgres.log"
_PORT_ATTEMPTS = 5
# sun_path holds 108 bytes, and the server appends "/.s.PGSQL.<port>" to the directory.
_MAX_SOCKET_DIR = 107 - len("/.s.PGSQL.65535")
_URL_SCHEME = re.compile(r"^postgres(?:ql)?(?:\+\w+)?://")
# Durability is worthless for a server whose data is deleted at exit; these make it fast.
_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "listen_addresses": "127.0.0.1",
}


def find_pg_bin_dir() -> Path | None:
    """Find a directory holding the PostgreSQL server binaries (`initdb`, `postgres`).

    Returns:
        The directory of the `pg_ctl` found on PATH (symlinks resolved), else the newest
        `/usr/lib/postgresql/<version>/bin`, else None.
    """
    candidates: list[Path] = []
    on_path = shutil.which("pg_ctl")
    if on_path is not None:
        candidates.append(Path(on_path).resolve().parent)
    versions = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(versions, key=lambda p: _version_key(p.parent.name), reverse=True)
    for candidate in candidates:
        if (candidate / "initdb").is_file() and (candidate / "postgres").is_file():
            return candidate
    return None


def start_postgres(base_dir: Path | None = None, *, timeout: float = 30.0) -> PostgresServer:
    """Start a private PostgreSQL server on a free 127.0.0.1 port and wait until it answers.

    The server runs from a new temporary directory (data, socket and log) that `stop()` deletes;
    it trusts every local connection as the `postgres` superuser and trades durability for speed.
    When run as root, the server runs as the `postgres` OS user, since PostgreSQL refuses root.

    Args:
        base_dir: Where to create the temporary directory. When None, or when running as root
            and the `postgres` user cannot reach `base_dir` (pytest's own temp root is private
            to its owner): `/dev/shm` if it has 1 GiB free, else the system temp directory.
        timeout: Seconds allowed for `initdb` plus startup.

    Raises:
        PostgresUnavailable: No binaries were found, `initdb` failed, or the server did not start.
    """
    bin_dir = find_pg_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailable(
            "no PostgreSQL server binaries found (no pg_ctl on PATH and no "
            "/usr/lib/postgresql/<version>/bin); install PostgreSQL or pass --agno-pg-url"
        )
    deadline = time.monotonic() + timeout
    owner = server_owner()
    parent = _usable_parent(base_dir, owner)
    reap_orphans(parent)
    data_dir = Path(tempfile.mkdtemp(prefix=DIR_PREFIX, dir=parent))
    try:
        if owner is not None:
            os.chown(data_dir, owner.uid, owner.gid)
        _initdb(bin_dir, data_dir, owner, deadline)
        (data_dir / OWNER_FILE).write_text(f"{os.getpid()} {socket.gethostname()}\n")
        return _launch(bin_dir, data_dir, owner, deadline)
    except BaseException:
        shutil.rmtree(data_dir, ignore_errors=True)
        raise


def connect_external(url: str) -> PostgresServer:
    """Wrap an existing PostgreSQL server and check that it answers.

    Args:
        url: `postgresql://` (or `postgresql+<driver>://`) URL of a role that may create
            databases; its database, if any, becomes the maintenance database. Omitted parts
            default to `localhost`, port 5432, the OS user name and the `postgres` database.

    Raises:
        PostgresUnavailable: The URL is malformed or the server cannot be reached; the message
            never contains the password.
    """
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    match = _URL_SCHEME.match(url)
    if match is None:
        raise PostgresUnavailable("not a PostgreSQL URL: expected postgresql://user@host:port/db")
    libpq = "postgresql://" + url[match.end() :]
    try:
        params = {key: str(value) for key, value in conninfo_to_dict(libpq).items()}
        server = PostgresServer(
            host=params.pop("host", "localhost"),
            port=int(params.pop("port", "5432")),
            user=params.pop("user", "") or getpass.getuser(),
            password=params.pop("password", None),
            database=params.pop("dbname", "postgres"),
            options=params,
        )
    except (psycopg.Error, ValueError) as exc:
        secret = _url_password(libpq)
        raise PostgresUnavailable(f"invalid PostgreSQL URL: {_mask(str(exc), secret)}") from None
    try:
        with psycopg.connect(**server._connect_kwargs(), connect_timeout=10) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        reason = _mask(str(exc).strip(), server.password)
        # `from None`: the chained driver error would be printed unmasked.
        raise PostgresUnavailable(f"cannot use {server._display()}: {reason}") from None
    return server


def _initdb(bin_dir: Path, data_dir: Path, owner: Owner | None, deadline: float) -> None:
    args = [str(bin_dir / "initdb"), "-D", str(data_dir), "-A", "trust", "-U", SUPERUSER]
    args += ["--no-sync", "-E", "UTF8", "--locale=C"]
    try:
        result = subprocess.run(
            args,
            capture_output=True,
            text=True,
            cwd=data_dir,
            env=_child_env(),
            timeout=max(deadline - time.monotonic(), 1.0),
            check=False,
            **as_owner(owner),
        )
    except subprocess.TimeoutExpired:
        raise PostgresUnavailable("initdb did not finish within the timeout") from None
    except OSError as exc:
        raise PostgresUnavailable(f"cannot run initdb: {exc}") from None
    if result.returncode != 0:
        detail = _tail(result.stderr or result.stdout)
        raise PostgresUnavailable(f"initdb failed (exit code {result.returncode}): {detail}")


def _launch(bin_dir: Path, data_dir: Path, owner: Owner | None, deadline: float) -> PostgresServer:
    socket_dir = str(data_dir) if len(str(data_dir)) <= _MAX_SOCKET_DIR else ""
    log_path = data_dir / _LOG_FILE
    for _ in range(_PORT_ATTEMPTS):
        # The port is free now, but another process may take it before the server binds it;
        # the server then exits (or another server answers) and we retry with a new port.
        port = _free_port()
        args = [str(bin_dir / "postgres"), "-D", str(data_dir), "-p", str(port)]
        settings = {**_SETTINGS, "unix_socket_directories": socket_dir}
        for name, value in settings.items():
            args += ["-c", f"{name}={value}"]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=data_dir,
                env=_child_env(),
                # Own session: a Ctrl-C meant for pytest must not shut the server down under it.
                start_new_session=True,
                **as_owner(owner),
            )
        server = PostgresServer(host="127.0.0.1", port=port, user=SUPERUSER, data_dir=data_dir)
        server._process = process
        atexit.register(server._shutdown)
        track(server._shutdown)  # a SIGTERM stops it too (see _termination)
        try:
            ready = _wait_ready(server, process, deadline, log_path)
        except BaseException:
            server.stop()
            raise
        if ready:
            return server
        exited = process.poll() is not None
        kill(process)
        atexit.unregister(server._shutdown)
        untrack(server._shutdown)
        log_text = log_path.read_text(errors="replace")
        if exited and "already in use" not in log_text:
            raise PostgresUnavailable(
                f"postgres exited with code {process.returncode}: {_tail(log_text)}"
            )
    raise PostgresUnavailable(f"no free port found for PostgreSQL in {_PORT_ATTEMPTS} attempts")


def _wait_ready(
    server: PostgresServer, process: subprocess.Popen[bytes], deadline: float, log_path: Path
) -> bool:
    """Wait until our server answers; False when it exited or another server owns its port."""
    import psycopg

    assert server.data_dir is not None
    while process.poll() is None:
        try:
            with psycopg.connect(**server._connect_kwargs(), connect_timeout=2) as conn:
                row = conn.execute("SHOW data_directory").fetchone()
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                log_text = log_path.read_text(errors="replace")
                raise PostgresUnavailable(
                    f"PostgreSQL did not accept connections on port {server.port} within the "
                    f"timeout: {_tail(log_text)}"
                ) from None
            time.sleep(0.02)
            continue
        return row is not None and Path(row[0]).resolve() == server.data_dir.resolve()
    return False


def _child_env() -> dict[str, str]:
    # C messages keep the log greppable ("already in use"); PG* variables could override our
    # arguments; a fixed zone spares initdb its probe and makes timestamps reproducible.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env.update(LC_ALL="C", TZ="UTC")
    return env


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _url_password(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None


def _mask(text: str, secret: str | None) -> str:
    if not secret:
        return text
    return text.replace(secret, "***").replace(quote(secret, safe=""), "***")


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:]) or "(no output)"
