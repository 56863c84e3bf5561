"""The scripted mock's transport: requests of httpx and httpx2 clients answered by its handlers.

`ScriptedTransport` patches the default transports of every installed httpx-family library
(`TransportPatch`: httpx for openai 2.x, httpx2 for 3.x) and hands each POST to
``{base_url}{path}`` to the handler `MockOpenAI` gives it for ``path``, as an `httpx.Request`
(an httpx2 request is converted, and the `httpx.Response` converted back). With no ``base_url``
of its own it serves the URL an SDK client built without ``base_url=`` sends to: ``OPENAI_BASE_URL``
when that is set (read per request: users often have it, for a proxy or a gateway), and
``https://api.openai.com/v1`` always.

Any other request fails (`UnmockedRequestError`: nothing escapes to the network), and is told to
``on_unmocked`` so the mock can fail the test at teardown even when the SDK swallowed the error
(an agent run then just ends ERROR), except where something else mocks it too: a request no route
of this mock serves is passed on to the transport below when that is another mock of this package
(an outer `MockOpenAI` with another ``base_url``), or, for httpx, when a respx router is active
(respx intercepts at httpcore, under the transport).

Two class attributes set and put back per test: this replaced respx, whose start built a dozen
``unittest.mock`` patches per test (about 1 ms; see ``benchmarks/plugin_suite.py``).
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from contextvars import ContextVar
from types import ModuleType
from typing import Any

import httpx

from pytest_agno.mock._transport_patch import TransportPatch, installed_modules

__all__ = ["DEFAULT_BASE_URL", "ScriptedTransport", "UnmockedRequestError", "sdk_base_url"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"

Handler = Callable[[httpx.Request], "httpx.Response | Coroutine[Any, Any, httpx.Response]"]


class UnmockedRequestError(AssertionError):
    """A request reached the mock that no route of it serves (it is never sent on)."""


class ScriptedTransport:
    """Routes POSTs to ``{base_url}{path}`` to ``routes[path]``; fails every other request.

    Args:
        base_url: The mocked API root; None: the SDK's (see `sdk_base_url`) and the default one.
        routes: Handler per path under ``base_url`` (e.g. ``"/chat/completions"``).
        async_flag: Set to True while an async client's request is handled, so a handler may
            return a coroutine (a cancellable latency) instead of sleeping.
        on_unmocked: Told ``"METHOD URL"`` of every request failed as not mocked.
    """

    def __init__(
        self,
        base_url: str | None,
        routes: Mapping[str, Handler],
        async_flag: ContextVar[bool],
        on_unmocked: Callable[[str], None] | None = None,
    ) -> None:
        self._base_url = normalized_base_url(base_url) if base_url is not None else None
        self._routes = dict(routes)
        self._async_flag = async_flag
        self._on_unmocked = on_unmocked
        self._patches: list[TransportPatch] = []

    def base_urls(self) -> tuple[str, ...]:
        """The API roots served now (the SDK's first)."""
        if self._base_url is not None:
            return (self._base_url,)
        current = sdk_base_url()
        return (current,) if current == DEFAULT_BASE_URL else (current, DEFAULT_BASE_URL)

    def describe(self) -> str:
        """What this transport serves, for a failure message."""
        paths = ", ".join(sorted(self._routes))
        return " and ".join(f"POST {base}{{{paths}}}" for base in self.base_urls())

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
        if request.method == "POST":
            for base in self.base_urls():
                if url.startswith(base):
                    handler = self._routes.get(url[len(base) :])
                    if handler is not None:
                        return handler
        patch = next((patch for patch in self._patches if patch.module is module), None)
        if (patch is not None and patch.over_patch) or (module is httpx and _respx_active()):
            return None
        if self._on_unmocked is not None:
            self._on_unmocked(f"{request.method} {url}")
        raise UnmockedRequestError(
            f"MockOpenAI: {request.method} {request.url} is not mocked; only {self.describe()} are"
        )


def sdk_base_url() -> str:
    """The API root an `openai` client built now without ``base_url=`` sends to (normalized).

    Both SDK lines read ``OPENAI_BASE_URL`` when the client is built, else use the default.
    """
    configured = os.environ.get("OPENAI_BASE_URL")
    return normalized_base_url(configured) if configured else DEFAULT_BASE_URL


@functools.lru_cache(maxsize=16)
def normalized_base_url(url: str) -> str:
    """``url`` as a request's URL spells it (lower-case host, no default port), no final ``/``."""
    try:
        return str(httpx.URL(url)).rstrip("/")
    except httpx.InvalidURL:
        return url.rstrip("/")


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
