"""Intercept what httpx-family clients send through their default transports.

openai 2.x sends through `httpx`, openai 3.x through `httpx2`; both libraries have the same
transport seam: every client without an explicit ``transport=`` sends through
``HTTPTransport.handle_request`` / ``AsyncHTTPTransport.handle_async_request``. `TransportPatch`
replaces those two methods on the classes (so clients built before or after, by the SDK or by
anyone, are caught) with calls to an `Interceptor`, which gets the request and a ``forward``
callable that sends it on through the real transport (used only when recording a cassette).

Patching the class rather than injecting a ``MockTransport`` client into each model is what lets
the mock promise that no request escapes: a client the test built itself, or an SDK client cached
before the fixture started, is caught all the same. Measured in ``benchmarks/bench_cassette.py``:
the patch costs no more per request than an injected ``MockTransport`` client (see RESULTS.md).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any, Protocol

__all__ = ["HTTP_MODULES", "Interceptor", "TransportPatch", "installed_modules"]

# Every HTTP library an openai SDK line may send through, in the order the lines appeared.
HTTP_MODULES = ("httpx", "httpx2")


class Interceptor(Protocol):
    """What a `TransportPatch` calls instead of the real transport.

    ``request`` and the returned response are the patched module's own types (``httpx.Request``
    or ``httpx2.Request``); ``module`` says which, so the interceptor can build the response.
    """

    def handle(self, module: ModuleType, request: Any, forward: Callable[[Any], Any]) -> Any:
        """Answer a request sent by a sync client."""

    async def ahandle(
        self, module: ModuleType, request: Any, forward: Callable[[Any], Awaitable[Any]]
    ) -> Any:
        """Answer a request sent by an async client."""


def installed_modules(names: tuple[str, ...] = HTTP_MODULES) -> list[ModuleType]:
    """Those of ``names`` that can be imported here (httpx2 exists only next to openai 3.x)."""
    modules = []
    for name in names:
        module = sys.modules.get(name)
        if module is None and name not in _MISSING:
            try:
                module = importlib.import_module(name)
            except ImportError:
                # Asked again per test: a failed import searches the whole path each time.
                _MISSING.add(name)
        if module is not None:
            modules.append(module)
    return modules


_MISSING: set[str] = set()
# Set on the methods a `TransportPatch` installs, so that a patch knows it sits over another.
_MARK = "_pytest_agno_transport_patch"


class TransportPatch:
    """Route one HTTP library's default transports to an `Interceptor` until `stop()`.

    Patches nest: each restores, on `stop()`, the methods it found on `start()` (stop them in
    reverse order, as context managers do).
    """

    def __init__(self, module: ModuleType, interceptor: Interceptor) -> None:
        self.module = module
        self._interceptor = interceptor
        self._saved: tuple[Any, Any] | None = None
        self.over_patch = False
        """Whether the methods this patch replaced are another patch's (while started)."""

    def start(self) -> None:
        """Install the patch."""
        if self._saved is not None:
            raise RuntimeError(f"the {self.module.__name__} transport patch is already installed")
        module, interceptor = self.module, self._interceptor
        sync_cls, async_cls = module.HTTPTransport, module.AsyncHTTPTransport
        real_sync = sync_cls.handle_request
        real_async = async_cls.handle_async_request

        def handle_request(transport: Any, request: Any) -> Any:
            def forward(sent: Any) -> Any:
                return real_sync(transport, sent)

            request.read()
            return interceptor.handle(module, request, forward)

        async def handle_async_request(transport: Any, request: Any) -> Any:
            async def forward(sent: Any) -> Any:
                return await real_async(transport, sent)

            await request.aread()
            return await interceptor.ahandle(module, request, forward)

        setattr(handle_request, _MARK, True)
        setattr(handle_async_request, _MARK, True)
        self.over_patch = bool(getattr(real_async, _MARK, False))
        self._saved = (real_sync, real_async)
        sync_cls.handle_request = handle_request
        async_cls.handle_async_request = handle_async_request

    def stop(self) -> None:
        """Put the methods found on `start()` back (a no-op when not started)."""
        saved, self._saved = self._saved, None
        if saved is None:
            return
        self.module.HTTPTransport.handle_request = saved[0]
        self.module.AsyncHTTPTransport.handle_async_request = saved[1]
