"""The scripted mock's transport: requests of httpx and httpx2 clients answered by its handlers.

`ScriptedTransport` patches the default transports of every installed httpx-family library
(`TransportPatch`: httpx for openai 2.x, httpx2 for 3.x) and hands each POST to
``{base_url}{path}`` to the handler `MockOpenAI` gives it for ``path``, as an `httpx.Request`
(an httpx2 request is converted, and the `httpx.Response` converted back).

Any other request fails (`UnmockedRequestError`: nothing escapes to the network), except where
something else mocks it too: a request no route of this mock serves is passed on to the transport
below when that is another mock of this package (an outer `MockOpenAI` with another ``base_url``),
or, for httpx, when a respx router is active (respx intercepts at httpcore, under the transport).

Two class attributes set and put back per test: this replaced respx, whose start built a dozen
``unittest.mock`` patches per test (about 1 ms; see ``benchmarks/plugin_suite.py``).
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from contextvars import ContextVar
from types import ModuleType
from typing import Any

import httpx

from pytest_agno.mock._transport_patch import TransportPatch, installed_modules

__all__ = ["ScriptedTransport", "UnmockedRequestError"]

Handler = Callable[[httpx.Request], "httpx.Response | Coroutine[Any, Any, httpx.Response]"]


class UnmockedRequestError(AssertionError):
    """A request reached the mock that no route of it serves (it is never sent on)."""


class ScriptedTransport:
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
        self._patches: list[TransportPatch] = []

    def start(self) -> None:
        """Patch the transports of httpx and of httpx2 (when installed)."""
        if self._patches:
            raise RuntimeError("the scripted transport is already started")
        for module in installed_modules():
            patch = TransportPatch(module, self)
            patch.start()
            self._patches.append(patch)

    def stop(self) -> None:
        """Remove the patches."""
        while self._patches:
            self._patches.pop().stop()

    def handle(self, module: ModuleType, request: Any, forward: Callable[[Any], Any]) -> Any:
        handler = self._route(module, request)
        if handler is None:
            return forward(request)
        answer = handler(_to_httpx(module, request))
        if not isinstance(answer, httpx.Response):  # pragma: no cover - handlers know sync calls
            raise TypeError("a sync request got an async answer")
        return _to_module(module, answer)

    async def ahandle(
        self, module: ModuleType, request: Any, forward: Callable[[Any], Awaitable[Any]]
    ) -> Any:
        handler = self._route(module, request)
        if handler is None:
            return await forward(request)
        token = self._async_flag.set(True)
        try:
            answer = handler(_to_httpx(module, request))
        finally:
            self._async_flag.reset(token)
        if inspect.isawaitable(answer):
            answer = await answer
        return _to_module(module, answer)

    def _route(self, module: ModuleType, request: Any) -> Handler | None:
        """The handler for ``request``; None: pass it on to a mock below (see the module)."""
        url = str(request.url).split("?", 1)[0]
        if request.method == "POST" and url.startswith(self._base_url):
            handler = self._routes.get(url[len(self._base_url) :])
            if handler is not None:
                return handler
        patch = next((patch for patch in self._patches if patch.module is module), None)
        if (patch is not None and patch.over_patch) or (module is httpx and _respx_active()):
            return None
        raise UnmockedRequestError(
            f"MockOpenAI: {request.method} {request.url} is not mocked; only "
            f"POST {self._base_url}{{{', '.join(sorted(self._routes))}}} are"
        )


def _respx_active() -> bool:
    """Whether a respx router is started (it intercepts httpx below the transport)."""
    mocks = sys.modules.get("respx.mocks")
    if mocks is None:
        return False
    return any(mocker.routers for mocker in mocks.Mocker.registry.values())


def _to_httpx(module: ModuleType, request: Any) -> httpx.Request:
    if module is httpx:
        return request  # type: ignore[no-any-return]
    return httpx.Request(
        request.method, str(request.url), headers=list(request.headers.raw), content=request.content
    )


def _to_module(module: ModuleType, response: httpx.Response) -> Any:
    if module is httpx:
        return response
    return module.Response(
        response.status_code, headers=list(response.headers.raw), content=response.content
    )
