"""Agno's async db interface: on ``AsyncSqliteDb`` and ``AsyncPostgresDb`` the Agno method names
return coroutines (``await db.get_session(...)``), as on Agno's async dbs.

Each is the ``a``-prefixed coroutine of `SqlDb` under Agno's name: one implementation serves
the sync name on `SqlDb` (through ``run_sync``) and the awaitable name here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from agno_core.db._interface import AsyncBaseDb
from agno_core.db._sql import SqlDb

__all__ = ["AsyncDbApi"]


def _awaitable(name: str) -> Callable[..., Any]:
    """A method returning the coroutine ``self.a<name>(...)``, with `SqlDb.<name>`'s
    signature."""

    @functools.wraps(getattr(SqlDb, name))
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(self, f"a{name}")(*args, **kwargs)

    method.__doc__ = f"Awaitable `a{name}` (Agno's async db interface)."
    return method


class AsyncDbApi(AsyncBaseDb):
    """Mixed in before the store class by `AsyncSqliteDb` and `AsyncPostgresDb` (which are
    thereby `AsyncBaseDb`, not `BaseDb`, as Agno's async dbs)."""

    # memories
    get_user_memories = _awaitable("get_user_memories")
    get_user_memory = _awaitable("get_user_memory")
    upsert_user_memory = _awaitable("upsert_user_memory")
    upsert_memories = _awaitable("upsert_memories")
    get_all_memory_topics = _awaitable("get_all_memory_topics")
    get_user_memory_stats = _awaitable("get_user_memory_stats")
    delete_user_memory = _awaitable("delete_user_memory")
    delete_user_memories = _awaitable("delete_user_memories")
    clear_memories = _awaitable("clear_memories")
    # sessions
    get_session = _awaitable("get_session")
    get_sessions = _awaitable("get_sessions")
    rename_session = _awaitable("rename_session")
    upsert_session = _awaitable("upsert_session")
    upsert_sessions = _awaitable("upsert_sessions")
    delete_session = _awaitable("delete_session")
    delete_sessions = _awaitable("delete_sessions")
    # eval runs (``save_eval_run`` stays synchronous: ``PerformanceEval.run`` calls it)
    create_eval_run = _awaitable("create_eval_run")
    get_eval_run = _awaitable("get_eval_run")
    get_eval_runs = _awaitable("get_eval_runs")
    rename_eval_run = _awaitable("rename_eval_run")
    update_eval_run_user_id = _awaitable("update_eval_run_user_id")
    delete_eval_run = _awaitable("delete_eval_run")
    delete_eval_runs = _awaitable("delete_eval_runs")
    # tables
    table_exists = _awaitable("table_exists")
