"""The `hook` decorator: how a pre- or post-hook behaves (Agno's ``agno.hooks.hook``)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, overload

from agno_core.exceptions import NotSupportedError

__all__ = ["hook", "runs_on_continue", "should_run_in_background"]

F = TypeVar("F", bound=Callable[..., Any])

_RUN_ON_CONTINUE = "_agno_run_on_continue"
_RUN_IN_BACKGROUND = "_agno_run_in_background"


@overload
def hook(func: F, /) -> F: ...


@overload
def hook(*, run_on_continue: bool = False, run_in_background: bool = False) -> Callable[[F], F]: ...


def hook(
    func: Callable[..., Any] | None = None,
    /,
    *,
    run_on_continue: bool = False,
    run_in_background: bool = False,
) -> Any:
    """Configure a pre- or post-hook; use bare (``@hook``) or with options.

    Args:
        run_on_continue: A pre-hook marked so runs again when a paused run is continued
            (``agent.continue_run``); the others run only when the run starts, since the input
            was checked then. Use it for checks that must hold at every execution (who may
            resume a run, audit logs).
        run_in_background: Agno runs such hooks as FastAPI background tasks under AgentOS;
            agno_core has no AgentOS, so only False is accepted.

    Example:
        >>> from agno_core.hooks import hook
        >>> @hook(run_on_continue=True)
        ... def audit(run_input, user_id=None):
        ...     print("user", user_id)
    """
    if run_in_background:
        raise NotSupportedError(
            "hook(run_in_background=True) is not supported by agno_core: background hook tasks "
            "are an AgentOS (FastAPI) feature; hooks run inline"
        )

    def decorate(target: F) -> F:
        marked = run_on_continue or runs_on_continue(target)
        if inspect.iscoroutinefunction(target):

            @functools.wraps(target)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                return await target(*args, **kwargs)

            wrapper: Any = async_wrapper
        else:

            @functools.wraps(target)
            def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
                return target(*args, **kwargs)

            wrapper = sync_wrapper
        setattr(wrapper, _RUN_ON_CONTINUE, marked)
        setattr(wrapper, _RUN_IN_BACKGROUND, False)
        return wrapper  # type: ignore[no-any-return]

    return decorate(func) if func is not None else decorate


def runs_on_continue(hook_func: Callable[..., Any]) -> bool:
    """True for a hook marked ``@hook(run_on_continue=True)`` (through stacked decorators)."""
    current: Any = hook_func
    while current is not None:
        if getattr(current, _RUN_ON_CONTINUE, False):
            return True
        current = getattr(current, "__wrapped__", None)
    return False


def should_run_in_background(hook_func: Callable[..., Any]) -> bool:
    """Always False in agno_core (hooks run inline; see `hook`)."""
    return False
