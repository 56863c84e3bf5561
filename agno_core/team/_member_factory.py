"""A team's member factory, as Agno has it: ``Team(members=callable)`` returns the run's members.

The factory is called at the start of each run (before the leader's system message is built),
with the parameters it declares among ``team``, ``agent``, ``run_context`` and
``session_state`` (the run's state, already loaded); it may be async. With ``cache_callables``
(default on), its members are kept per cache key: ``callable_members_cache_key`` (a callable
taking the same parameters) when given, else the run's user id, else its session id.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from agno_core._context_parts import acall_with_injection, factory_cache_key

if TYPE_CHECKING:
    from agno_core._runner import RunnerBase
    from agno_core.run._context import RunContext

__all__ = ["clear_members_cache", "is_member_factory", "resolve_members"]

# Resolved members per team, by cache key.
_caches: weakref.WeakKeyDictionary[Any, dict[str, list[RunnerBase]]] = weakref.WeakKeyDictionary()


def is_member_factory(members: Any) -> bool:
    """True for ``members=callable`` (a function returning the run's members)."""
    from agno_core._runner import RunnerBase

    return (
        callable(members)
        and not isinstance(members, type | RunnerBase)
        and not isinstance(members, list | tuple)
    )


async def resolve_members(team: Any, ctx: RunContext) -> list[RunnerBase]:
    """The members the team's factory gives this run (from the cache when it has them).

    Raises:
        TypeError: the factory returned something other than a list or tuple.
    """
    from agno_core.team._roster import checked_members

    factory = team.members_factory
    key = None
    if team.cache_callables:
        key = await factory_cache_key(team.callable_members_cache_key, team, ctx)
    cache = _caches.setdefault(team, {}) if key is not None else None
    if cache is not None and key in cache:
        return cache[key]
    produced = await acall_with_injection(factory, team, ctx)
    if produced is None:
        produced = []
    if not isinstance(produced, list | tuple):
        raise TypeError(
            f"a members factory must return a list or tuple, not {type(produced).__name__}"
        )
    members = checked_members(produced)
    if cache is not None and key is not None:
        cache[key] = members
    return members


def clear_members_cache(team: Any, cache_key: str | None = None) -> None:
    """Forget the members the factory returned (of one cache key, or all of them)."""
    cache = _caches.get(team)
    if cache is None:
        return
    if cache_key is None:
        cache.clear()
    else:
        cache.pop(cache_key, None)
