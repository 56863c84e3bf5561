"""Context the system message can carry besides the agent's own text: the current time, the
location, the agent's name, the run's dependencies; and ``{name}`` placeholders resolved from
the dependencies, the metadata and the user id (``resolve_in_context``)."""

from __future__ import annotations

import inspect
import json
import logging
import re
import string
from collections import ChainMap
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from agno_core.run._context import public_context
from agno_core.utils import location

if TYPE_CHECKING:
    from agno_core.run._context import RunContext, RunOwner

__all__ = [
    "additional_information",
    "call_with_injection",
    "datetime_text",
    "dependencies_text",
    "resolve_dependencies",
    "resolve_placeholders",
]

log = logging.getLogger("agno_core")


def datetime_text(fmt: str | None, timezone_identifier: str | None) -> str:
    """The current time, in ``timezone_identifier`` (IANA name) and ``fmt`` (strftime) if given.

    An unknown time zone logs a warning and falls back to local time, as in Agno.
    """
    tz: tzinfo | None = None
    if timezone_identifier:
        try:
            tz = ZoneInfo(timezone_identifier)
        except Exception as exc:
            log.warning("invalid timezone identifier %r: %s", timezone_identifier, exc)
    now = datetime.now(tz)
    return now.strftime(fmt) if fmt else str(now)


async def additional_information(owner: RunOwner, ctx: RunContext) -> list[str]:
    """The ``add_*_to_context`` items: time, location, name."""
    items: list[str] = []
    if owner.add_datetime_to_context:
        text = datetime_text(owner.datetime_format, owner.timezone_identifier)
        items.append(f"The current time is {text}.")
    if owner.add_location_to_context:
        found = await location.aget_location()
        where = ", ".join(
            str(found[k]) for k in ("city", "region", "country") if found.get(k) is not None
        )
        if where:
            items.append(f"Your approximate location is: {where}.")
    if owner.add_name_to_context and owner.name is not None:
        items.append(f"Your name is: {owner.name}.")
    return items


def dependencies_text(ctx: RunContext) -> str | None:
    """The run's dependencies as JSON, for ``add_dependencies_to_context``."""
    deps = public_context(ctx).dependencies
    if not deps:
        return None
    return json.dumps(deps, indent=2, default=str, ensure_ascii=False)


def resolve_placeholders(text: str, ctx: RunContext) -> str:
    """Replace ``{name}`` with the run's session state, dependency, metadata or user id value.

    Only names that exist are replaced; other braces (JSON, code) stay as they are.
    """
    if "{" not in text:
        return text
    run = public_context(ctx)
    values: ChainMap[str, Any] = ChainMap(
        run.session_state or {},
        run.dependencies or {},
        run.metadata or {},
        {"user_id": run.user_id} if run.user_id is not None else {},
    )
    if not values:
        return text
    converted = text.replace("$", "$$")
    for name in values:
        converted = re.sub(r"\{" + re.escape(name) + r"\}", "${" + name + "}", converted)
    return string.Template(converted).safe_substitute(values)


def call_with_injection(fn: Callable[..., Any], owner: RunOwner, ctx: RunContext) -> Any:
    """Call ``fn`` with the parameters it declares among ``agent``, ``team``, ``run_context``
    and ``session_state``.

    For callable system messages and tool factories, as Agno calls them.
    """
    params = inspect.signature(fn).parameters
    kwargs: dict[str, Any] = {}
    if "agent" in params:
        kwargs["agent"] = owner
    if "team" in params:
        kwargs["team"] = owner
    if "run_context" in params:
        kwargs["run_context"] = public_context(ctx)
    if "session_state" in params:
        run = public_context(ctx)
        if run.session_state is None:
            run.session_state = {}
        kwargs["session_state"] = run.session_state
    return fn(**kwargs)


async def acall_with_injection(fn: Callable[..., Any], owner: RunOwner, ctx: RunContext) -> Any:
    """`call_with_injection`, awaiting the result when ``fn`` is async (or returns an awaitable)."""
    value = call_with_injection(fn, owner, ctx)
    if inspect.isawaitable(value):
        value = await value
    return value


async def factory_cache_key(
    custom: Callable[..., Any] | None, owner: RunOwner, ctx: RunContext
) -> str | None:
    """The key a factory's result is cached under for this run (Agno's ``cache_callables``).

    ``custom`` (``callable_tools_cache_key``/``callable_members_cache_key``) when given, called
    like the factory (None from it: do not cache); else the run's user id, else its session id.
    """
    if custom is not None:
        key = await acall_with_injection(custom, owner, ctx)
        return None if key is None else str(key)
    return ctx.output.user_id or ctx.output.session_id


async def resolve_dependencies(owner: RunOwner, ctx: RunContext) -> None:
    """Call the run's callable dependencies (with ``agent``/``run_context`` injected; async ones
    awaited) and keep their values, so tools and placeholders see values, as in Agno."""
    if ctx.owner.dependencies is None and ctx.options.dependencies is None:
        return
    deps = public_context(ctx).dependencies
    if not deps:
        return
    for key, value in list(deps.items()):
        if not callable(value):
            continue
        try:
            result = await acall_with_injection(value, owner, ctx)
        except Exception as exc:  # the run goes on without that value, as in Agno
            log.warning("could not resolve dependency %r: %s", key, exc)
            continue
        deps[key] = result
