"""Storage errors a caller can act on, with the db named and its secrets masked."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

__all__ = [
    "UNSUPPORTED_TABLES",
    "StorageError",
    "check_table_options",
    "driver_message",
    "sqlite_problem",
]


class StorageError(RuntimeError):
    """The db cannot be used: the message names it (password masked) and the problem.

    Raised at the first use of a db object whose database cannot be opened or whose tables
    cannot be created or brought up to date; nothing has been stored then.
    """


# Agno's table options that name tables this package does not have, and why.
_NO_TABLE = "agno_core has no such table"
UNSUPPORTED_TABLES: dict[str, str] = {
    "knowledge_table": f"{_NO_TABLE} (no knowledge base)",
    "culture_table": f"{_NO_TABLE} (no cultural knowledge)",
    "traces_table": f"{_NO_TABLE} (no tracing)",
    "spans_table": f"{_NO_TABLE} (no tracing)",
    "components_table": f"{_NO_TABLE} (no component registry)",
    "component_configs_table": f"{_NO_TABLE} (no component registry)",
    "component_links_table": f"{_NO_TABLE} (no component registry)",
    "learnings_table": f"{_NO_TABLE} (no learnings)",
    "schedules_table": f"{_NO_TABLE} (no scheduler)",
    "schedule_runs_table": f"{_NO_TABLE} (no scheduler)",
    "job_table": f"{_NO_TABLE} (no scheduler)",
    "products_table": _NO_TABLE,
    "sources_table": _NO_TABLE,
    "projects_table": _NO_TABLE,
    "tasks_table": _NO_TABLE,
    "approvals_table": f"{_NO_TABLE} (no approvals)",
    "auth_tokens_table": f"{_NO_TABLE} (no auth)",
    "service_accounts_table": f"{_NO_TABLE} (no auth)",
    "mcp_oauth_clients_table": f"{_NO_TABLE} (no MCP OAuth)",
    "mcp_oauth_transactions_table": f"{_NO_TABLE} (no MCP OAuth)",
    "mcp_oauth_codes_table": f"{_NO_TABLE} (no MCP OAuth)",
    "mcp_oauth_refresh_tokens_table": f"{_NO_TABLE} (no MCP OAuth)",
    "mcp_oauth_keys_table": f"{_NO_TABLE} (no MCP OAuth)",
    "sandbox_table": f"{_NO_TABLE} (no sandboxes)",
}


def check_table_options(owner: str, options: dict[str, Any]) -> None:
    """Refuse keyword arguments a db does not take, naming Agno's table options as such.

    Raises:
        TypeError: for any entry of ``options`` (a table of Agno's that this package does not
            have, or an unknown argument).
    """
    for name, value in options.items():
        reason = UNSUPPORTED_TABLES.get(name)
        if reason is None:
            raise TypeError(f"{owner}() got an unexpected keyword argument {name!r}")
        raise TypeError(
            f"{owner}({name}={value!r}) is not supported: {reason}. The tables agno_core "
            "stores, and their options: session_table, runs_table, memory_table, eval_table, "
            "cancel_intents_table, versions_table"
        )


def driver_message(exc: BaseException) -> str:
    """The driver's own message of a SQLAlchemy error (without its SQL and parameters)."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def sqlite_problem(db_file: str | None, exc: BaseException) -> str:
    """What keeps SQLite from using ``db_file``, in words, with what to do about it."""
    message = driver_message(exc)
    if not db_file:
        return message
    path = Path(db_file)
    if path.is_dir():
        return "it is a directory, not a database file: pass the path of a file"
    lowered = message.lower()
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return (
            f"the file is not a SQLite database or is corrupt ({message}): move it away or "
            "pass another db_file"
        )
    folder = path.parent
    if isinstance(exc, PermissionError) or "readonly" in lowered or "unable to open" in lowered:
        if not os.access(folder, os.W_OK | os.X_OK):
            return (
                f"its folder {str(folder)!r} is not writable; SQLite needs to create the "
                "database and its -wal and -shm files there"
            )
        if path.exists() and not os.access(path, os.R_OK | os.W_OK):
            return f"the file is not readable and writable ({message})"
    return message
