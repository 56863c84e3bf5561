"""Agno's ``clear_callable_cache``: forget what callable factories returned (cached per key with
``cache_callables``), optionally closing it first: the tools of a tool factory, and a team's
members from its member factory (through the hooks a `Team` overrides)."""

from __future__ import annotations

import inspect
import logging
from typing import Any, Literal

from agno_core import _run_tools
from agno_core.tools import Toolkit

__all__ = ["CacheKind", "CallableCacheApi"]

log = logging.getLogger("agno_core")

CacheKind = Literal["tools", "knowledge", "members"]


def _kinds(kind: str | None) -> tuple[str, ...]:
    if kind is None:
        return ("tools", "knowledge", "members")
    if kind not in ("tools", "knowledge", "members"):
        raise ValueError(
            f"Invalid kind: {kind!r}. Expected 'tools', 'knowledge', 'members', or None."
        )
    return (kind,)


def _cached_objects(owner: CallableCacheApi, kinds: tuple[str, ...]) -> list[Any]:
    """What the factories returned, each object once: the toolkits of the cached tools (found
    through their methods, as a toolkit registers them) and the cached members."""
    found: dict[int, Any] = {}
    if "tools" in kinds:
        # The tool factory's cache (by cache key), read in place: it has no reader of its own.
        for functions in (_run_tools._caches.get(owner) or {}).values():  # type: ignore[call-overload]
            for function in functions.values():
                toolkit = getattr(function.entrypoint, "__self__", None)
                if isinstance(toolkit, Toolkit):
                    found.setdefault(id(toolkit), toolkit)
    if "members" in kinds:
        for member in owner._cached_members():
            found.setdefault(id(member), member)
    return list(found.values())


def _clear(owner: CallableCacheApi, kinds: tuple[str, ...]) -> None:
    # agno_core has no knowledge factories: the "knowledge" cache is always empty.
    if "tools" in kinds:
        _run_tools.clear_factory_cache(owner)  # type: ignore[arg-type]
    if "members" in kinds:
        owner._clear_members_cache()


class CallableCacheApi:
    """Mixed into `Agent` and `Team`: ``clear_callable_cache`` and its async twin."""

    __slots__ = ()

    def _cached_members(self) -> list[Any]:
        """The members a member factory returned, every cache key's (a team's hook)."""
        return []

    def _clear_members_cache(self) -> None:
        """Forget the members a member factory returned (a team's hook)."""

    def clear_callable_cache(self, kind: CacheKind | None = None, close: bool = False) -> None:
        """Forget what the tool factory (``kind="tools"``) or the member factory
        (``"members"``) returned, so the next run calls the factory again; every cache without
        ``kind``, as in Agno.

        Args:
            kind: ``"tools"``, ``"members"``, ``"knowledge"`` (agno_core has no knowledge
                factory: nothing to clear) or None for all.
            close: Call ``close()`` on each cached object first (each once): the toolkits the
                tool factory returned and the members. A ``close()`` that is a coroutine is
                not awaited (use `aclear_callable_cache`).

        Raises:
            ValueError: an unknown ``kind``.
        """
        kinds = _kinds(kind)
        if close:
            for item in _cached_objects(self, kinds):
                closer = getattr(item, "close", None)
                if callable(closer):
                    result = closer()
                    if inspect.iscoroutine(result):
                        result.close()  # never awaited: no "coroutine was never awaited"
                        log.warning(
                            "close() of %r is a coroutine: use aclear_callable_cache()", item
                        )
        _clear(self, kinds)

    async def aclear_callable_cache(
        self, kind: CacheKind | None = None, close: bool = False
    ) -> None:
        """`clear_callable_cache`, awaiting each cached object's ``aclose()`` (or
        ``close()``) with ``close=True``."""
        kinds = _kinds(kind)
        if close:
            for item in _cached_objects(self, kinds):
                closer = getattr(item, "aclose", None)
                if not callable(closer):
                    closer = getattr(item, "close", None)
                if callable(closer):
                    result = closer()
                    if inspect.isawaitable(result):
                        await result
        _clear(self, kinds)
