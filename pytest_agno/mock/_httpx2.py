"""The scripted mock for openai 3.x: its httpx2 requests answered by the same handlers as respx's.

respx patches only `httpx`, so under openai 3.x (which sends through `httpx2`) a respx route is
silently bypassed. `ScriptedHttpx2` patches httpx2's default transports (`TransportPatch`) and
hands each request, converted to an `httpx.Request`, to the handlers `MockOpenAI` gives respx;
their `httpx.Response` is converted back. Any other URL fails, as respx's ``assert_all_mocked``
does for httpx.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from contextvars import ContextVar
from types import ModuleType
from typing import Any

import httpx

from pytest_agno.mock._transport_patch import TransportPatch, installed_modules

__all__ = ["ScriptedHttpx2", "UnmockedRequestError"]

Handler = Callable[[httpx.Request], "httpx.Response | Coroutine[Any, Any, httpx.Response]"]


class UnmockedRequestError(AssertionError):
    """A request reached the mock that no route of it serves (it is never sent on)."""


class ScriptedHttpx2:
    """Routes POSTs to ``{base_url}{path}`` to ``routes[path]``; fails every other request.

    Args:
        base_url: The mocked API root.
        routes: Handler per path under ``base_url`` (e.g. ``"/chat/completions"``).
        async_flag: Set to True while an async client's request is handled, so a handler may
            return a coroutine (a cancellable latency) instead of sleeping.
    """

    def __init__(
        self, base_url: str, routes: Mapping[str, Handler], async_flag: ContextVar[bool]
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._routes = dict(routes)
        self._async_flag = async_flag
        self._patch: TransportPatch | None = None

    def start(self) -> bool:
        """Patch httpx2 when it is installed; returns whether it was."""
        modules = installed_modules(("httpx2",))
        if not modules:
            return False
        self._patch = TransportPatch(modules[0], self)
        self._patch.start()
        return True

    def stop(self) -> None:
        """Remove the patch."""
        patch, self._patch = self._patch, None
        if patch is not None:
            patch.stop()

    def handle(self, module: ModuleType, request: Any, forward: Callable[[Any], Any]) -> Any:
        answer = self._route(request)(_to_httpx(request))
        if not isinstance(answer, httpx.Response):  # pragma: no cover - handlers know sync calls
            raise TypeError("a sync request got an async answer")
        return _to_module(module, answer)

    async def ahandle(
        self, module: ModuleType, request: Any, forward: Callable[[Any], Awaitable[Any]]
    ) -> Any:
        handler = self._route(request)
        token = self._async_flag.set(True)
        try:
            answer = handler(_to_httpx(request))
        finally:
            self._async_flag.reset(token)
        if inspect.isawaitable(answer):
            answer = await answer
        return _to_module(module, answer)

    def _route(self, request: Any) -> Handler:
        url = str(request.url).split("?", 1)[0]
        if request.method == "POST" and url.startswith(self._base_url):
            handler = self._routes.get(url[len(self._base_url) :])
            if handler is not None:
                return handler
        raise UnmockedRequestError(
            f"MockOpenAI (httpx2): {request.method} {request.url} is not mocked; only "
            f"POST {self._base_url}{{{', '.join(sorted(self._routes))}}} are"
        )


def _to_httpx(request: Any) -> httpx.Request:
    return httpx.Request(
        request.method, str(request.url), headers=list(request.headers.raw), content=request.content
    )


def _to_module(module: ModuleType, response: httpx.Response) -> Any:
    return module.Response(
        response.status_code, headers=list(response.headers.raw), content=response.content
    )
