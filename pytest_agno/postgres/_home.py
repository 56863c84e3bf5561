"""Where a throwaway PostgreSQL server lives: its OS owner, its directory, and the orphans that
killed test runs leave behind (`_launcher` starts and stops the server itself)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "DIR_PREFIX",
    "OWNER_FILE",
    "SUPERUSER",
    "Owner",
    "PostgresUnavailable",
    "as_owner",
    "reap_orphans",
    "server_owner",
    "usable_parent",
]


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be started or reached; the message says why."""


SUPERUSER = "postgres"
DIR_PREFIX = "agno-pg-"
OWNER_FILE = "agno-owner"
# Creating files dominates initdb and CREATE DATABASE, and on disk it can be slow (measured on an
# ext4 VM disk: 0.3 s per database and 1.6 s to start, against 10 ms and 0.6 s on tmpfs). The data
# is thrown away, so memory is the better home whenever there is room.
RAM_DIR = Path("/dev/shm")
RAM_DIR_MIN_FREE = 1 << 30


@dataclass(frozen=True, kw_only=True)
class Owner:
    """The OS user that runs the server when we are root."""

    uid: int
    gid: int
    groups: tuple[int, ...]


def server_owner() -> Owner | None:
    """The ``postgres`` OS user when we run as root (the server refuses root), else None."""
    if os.geteuid() != 0:
        return None
    import pwd

    try:
        entry = pwd.getpwnam(SUPERUSER)
    except KeyError:
        raise PostgresUnavailable(
            "running as root, and there is no 'postgres' OS user to run the server as "
            "(PostgreSQL refuses to run as root)"
        ) from None
    groups = tuple(os.getgrouplist(entry.pw_name, entry.pw_gid))
    return Owner(uid=entry.pw_uid, gid=entry.pw_gid, groups=groups)


def usable_parent(base_dir: Path | None, owner: Owner | None) -> Path:
    """The folder for the data directory: ``base_dir`` if ``owner`` can reach it, else RAM."""
    if base_dir is not None:
        base_dir.mkdir(parents=True, exist_ok=True)
        if owner is None or _traversable(base_dir.resolve(), owner):
            return base_dir
    try:
        space = os.statvfs(RAM_DIR)
    except OSError:
        return Path(tempfile.gettempdir())
    if os.access(RAM_DIR, os.W_OK) and space.f_bavail * space.f_frsize >= RAM_DIR_MIN_FREE:
        return RAM_DIR
    return Path(tempfile.gettempdir())


def _traversable(path: Path, owner: Owner) -> bool:
    for directory in (path, *path.parents):
        info = directory.stat()
        if info.st_uid == owner.uid:
            bit = stat.S_IXUSR
        elif info.st_gid in owner.groups:
            bit = stat.S_IXGRP
        else:
            bit = stat.S_IXOTH
        if not info.st_mode & bit:
            return False
    return True


def reap_orphans(parent: Path) -> None:
    """Stop and delete servers left in `parent` by runs that were killed before their cleanup."""
    host = socket.gethostname()
    for data_dir in parent.glob(f"{DIR_PREFIX}*"):
        try:
            pid_text, _, owner_host = (data_dir / OWNER_FILE).read_text().partition(" ")
            owner_pid = int(pid_text)
        except (OSError, ValueError):
            continue
        if owner_host.strip() != host or _alive(owner_pid):
            continue
        _stop_orphan(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


def _stop_orphan(data_dir: Path) -> None:
    lock_file = data_dir / "postmaster.pid"
    try:
        pid = int(lock_file.read_text().split("\n", 1)[0])
        # A recycled pid must not be signalled: the postmaster's working directory is its data
        # directory. Without /proc we skip the signal; a postmaster whose lock file disappears
        # shuts itself down within a minute.
        running_here = Path(os.readlink(f"/proc/{pid}/cwd")) == data_dir.resolve()
    except (OSError, ValueError):
        return
    if not running_here:
        return
    os.kill(pid, signal.SIGQUIT)
    # It is not our child, so we cannot wait() for it; it removes its lock file on exit.
    give_up = time.monotonic() + 10
    while lock_file.exists() and time.monotonic() < give_up:
        time.sleep(0.02)


def as_owner(owner: Owner | None) -> dict[str, Any]:
    """``subprocess`` arguments that run a child as ``owner`` (none when we are not root)."""
    if owner is None:
        return {}
    return {"user": owner.uid, "group": owner.gid, "extra_groups": list(owner.groups)}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
