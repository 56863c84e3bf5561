"""What both OpenAI adapters share: client construction, options, error mapping."""

from __future__ import annotations

import os
import ssl
import threading
import weakref
from asyncio import AbstractEventLoop, get_running_loop
from dataclasses import dataclass, field
from typing import Any

import openai

from agno_core.models.base import Model, ModelProviderError, strict_schema
from agno_core.tools import Function

__all__ = ["OpenAIBase", "provider_error", "tool_schema"]

_ssl_context: ssl.SSLContext | None = None
_ssl_lock = threading.Lock()


def _shared_ssl_context() -> ssl.SSLContext:
    """The TLS settings every client of this process verifies servers with, built once.

    The SDK's default HTTP client builds an `ssl.SSLContext` (loading the CA bundle) for each
    client, 20-100 ms, and a client is made per event loop: per test, in a suite. The context is
    configured once and only read afterwards (`SSLContext` is safe to share between threads and
    connections), so one serves them all. Built as httpx builds its default (``verify=True``,
    honouring ``SSL_CERT_FILE``/``SSL_CERT_DIR``).
    """
    global _ssl_context
    with _ssl_lock:
        if _ssl_context is None:
            import httpx

            _ssl_context = httpx.create_ssl_context()
        return _ssl_context


@dataclass(kw_only=True)
class OpenAIBase(Model):
    """Options common to `OpenAIChat` and `OpenAIResponses`.

    Args:
        id: The model id, e.g. ``"gpt-4o-mini"`` (the one positional argument, as in Agno).
        api_key: The key; defaults to ``OPENAI_API_KEY``. Never shown in ``repr()`` or stored.
        base_url: Another OpenAI-compatible endpoint.
        organization: OpenAI organization id.
        timeout: Seconds before a call times out.
        max_retries: Retries of failed calls done by the SDK (it retries 408/409/429/5xx).
        client: A ready ``openai.AsyncOpenAI`` to use instead of building one.
        temperature, top_p, max_tokens, seed, stop, user: Sampling options passed through.
        request_params: Any further keyword arguments for the SDK's create call.
    """

    id: str = field(default="gpt-4o", kw_only=False)
    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    organization: str | None = None
    timeout: float | None = None
    max_retries: int | None = None
    default_headers: dict[str, str] | None = field(default=None, repr=False)
    client: openai.AsyncOpenAI | None = field(default=None, repr=False)
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    seed: int | None = None
    stop: str | list[str] | None = None
    user: str | None = None
    request_params: dict[str, Any] | None = None
    provider: str = "OpenAI"
    _clients: weakref.WeakKeyDictionary[AbstractEventLoop, openai.AsyncOpenAI] = field(
        default_factory=weakref.WeakKeyDictionary, repr=False, compare=False
    )

    def get_client(self) -> openai.AsyncOpenAI:
        """The SDK client for the running event loop.

        httpx connection pools belong to the event loop that opened them, so one client is kept
        per loop (sync ``run()`` calls and test suites use several loops).
        """
        if self.client is not None:
            return self.client
        loop = get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            api_key = self.api_key or os.environ.get("OPENAI_API_KEY")
            if not api_key:
                raise ModelProviderError(
                    "no OpenAI API key: pass api_key= to the model or set OPENAI_API_KEY",
                    model_id=self.id,
                )
            kwargs: dict[str, Any] = {"api_key": api_key}
            if self.base_url is not None:
                kwargs["base_url"] = self.base_url
            if self.organization is not None:
                kwargs["organization"] = self.organization
            if self.timeout is not None:
                kwargs["timeout"] = self.timeout
            if self.max_retries is not None:
                kwargs["max_retries"] = self.max_retries
            if self.default_headers is not None:
                kwargs["default_headers"] = self.default_headers
            # The SDK's own default client (timeouts, limits, redirects), on the shared TLS setup.
            kwargs["http_client"] = openai.DefaultAsyncHttpxClient(verify=_shared_ssl_context())
            client = openai.AsyncOpenAI(**kwargs)
            self._clients[loop] = client
        return client

    async def prepare(self) -> None:
        """Build this loop's client; once per process, pay the SDK's first-use costs."""
        from agno_core.models.openai._warmup import warm_up

        self.get_client()
        await warm_up(self)

    def sampling_params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for name in ("temperature", "top_p", "seed", "stop", "user"):
            value = getattr(self, name)
            if value is not None:
                params[name] = value
        return params

    def to_dict(self) -> dict[str, Any]:
        """What is stored about the model: no key, no client."""
        return {"id": self.id, "name": self.name, "provider": self.provider}


def tool_schema(function: Function) -> dict[str, Any]:
    """A function tool's ``name``/``description``/``parameters`` (plus ``strict`` when set).

    OpenAI's strict mode rejects open objects and optional properties, so a strict tool's
    parameters are sent closed (every property required, ``additionalProperties: false``).
    """
    schema = function.to_openai_schema()
    if function.strict:
        schema["parameters"] = strict_schema(schema["parameters"])
        schema["strict"] = True
    return schema


def provider_error(exc: Exception, model_id: str) -> ModelProviderError:
    """Turn an SDK exception into a `ModelProviderError` carrying the provider's message."""
    if isinstance(exc, openai.APIStatusError):
        message = exc.message
        body = exc.body
        if isinstance(body, dict):
            detail = body.get("error", body)
            if isinstance(detail, dict) and detail.get("message"):
                message = str(detail["message"])
        return ModelProviderError(
            f"OpenAI error {exc.status_code} for model {model_id!r}: {message}",
            status_code=exc.status_code,
            model_id=model_id,
        )
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc
        return ModelProviderError(
            f"could not reach OpenAI for model {model_id!r}: {type(cause).__name__}: {cause}",
            model_id=model_id,
        )
    return ModelProviderError(
        f"invalid response from OpenAI for model {model_id!r}: {type(exc).__name__}: {exc}",
        model_id=model_id,
    )
