"""What both OpenAI adapters share: client construction, options, error mapping."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import os
import ssl
import threading
import weakref
from abc import abstractmethod
from asyncio import AbstractEventLoop, get_running_loop
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import openai

from agno_core._unsupported import check_model_options
from agno_core.models.base import (
    Model,
    ModelProviderError,
    ModelRequest,
    ModelStreamItem,
)
from agno_core.tools import Function

__all__ = [
    "OpenAIBase",
    "async_twin_kwargs",
    "provider_error",
    "retryable",
    "tool_schema",
    "tool_schemas",
]

_log = logging.getLogger("agno_core.models")

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
    """Options common to `OpenAIChat` and `OpenAIResponses`, named and defaulted as in Agno.

    Args:
        id: The model id, e.g. ``"gpt-4o-mini"``.
        api_key: The key; defaults to ``OPENAI_API_KEY``. Never shown in ``repr()`` or stored.
        base_url: Another OpenAI-compatible endpoint.
        organization: OpenAI organization id.
        timeout: Seconds before a call times out.
        max_retries: Retries of failed calls done by the SDK (it retries 408/409/429/5xx).
        default_headers, default_query: Sent with every request of the client.
        client: A ready ``openai.AsyncOpenAI`` to use instead of building one. A synchronous
            ``openai.OpenAI`` (Agno's type for this field) is taken too: an async client is built
            with its key, endpoint, organization, project, timeout, retries and default
            headers/query (not its HTTP client).
        async_client: A ready ``openai.AsyncOpenAI`` (Agno's name for it; ``client`` wins).
        http_client: An ``httpx.AsyncClient`` (``httpx2.AsyncClient`` with openai 3.x) for the
            SDK client to send through. A synchronous client is ignored with a warning, as in
            Agno: agno_core's engine is asynchronous.
        client_params: Further keyword arguments for ``openai.AsyncOpenAI(...)``.
        temperature, top_p, max_tokens, seed, stop, user, store, metadata, service_tier,
            reasoning_effort, verbosity: Request options, sent when set.
        strict_output: Whether structured output is asked for in strict mode (default True).
        extra_headers, extra_query, extra_body: Added to each request (the SDK's options of
            those names).
        request_params: Any further keyword arguments for the SDK's create call; they win.
        role_map: Message role -> role on the wire (e.g. ``{"system": "developer"}``).
        system_prompt: Text added at the end of the system message of every run on this model.
        instructions: Instructions added after the agent's or team's own.
        retries: Attempts after a failed call (a `ModelProviderError`), on top of the SDK's own
            ``max_retries``. As in Agno, errors a retry cannot fix are not retried (HTTP 400,
            401, 403, 404, 413, 422, context window exceeded). A streamed call is retried only
            while nothing of it has been delivered.
        delay_between_retries: Seconds before a retry (default 1).
        exponential_backoff: Double the delay after each retry.
    """

    id: str = field(default="gpt-4o", kw_only=False)  # Agno allows OpenAIChat("gpt-4o")
    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    organization: str | None = None
    timeout: float | None = None
    max_retries: int | None = None
    default_headers: dict[str, str] | None = field(default=None, repr=False)
    default_query: dict[str, Any] | None = field(default=None, repr=False)
    client: openai.AsyncOpenAI | openai.OpenAI | None = field(default=None, repr=False)
    async_client: openai.AsyncOpenAI | None = field(default=None, repr=False)
    http_client: Any = field(default=None, repr=False)
    client_params: dict[str, Any] | None = field(default=None, repr=False)
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    seed: int | None = None
    stop: str | list[str] | None = None
    user: str | None = None
    store: bool | None = None
    metadata: dict[str, Any] | None = None
    service_tier: str | None = None
    reasoning_effort: str | None = None
    verbosity: str | None = None
    strict_output: bool = True
    extra_headers: Any = field(default=None, repr=False)
    extra_query: Any = field(default=None, repr=False)
    extra_body: Any = field(default=None, repr=False)
    request_params: dict[str, Any] | None = None
    role_map: dict[str, str] | None = None
    system_prompt: str | None = None
    instructions: list[str] | None = None
    retries: int = 0
    delay_between_retries: float = 1
    exponential_backoff: bool = False
    # Agno retries "with guidance" only on errors of other providers (Gemini): never on OpenAI.
    retry_with_guidance: bool = True
    retry_with_guidance_limit: int = 1
    # Agno options accepted at their default only (agno_core._unsupported, checked below).
    tool_message_role: str = "tool"
    assistant_message_role: str = "assistant"
    cache_response: bool = False
    cache_ttl: int | None = None
    cache_dir: str | None = None
    model_type: Any = "model"
    supports_native_structured_outputs: bool = True
    supports_json_schema_outputs: bool = False
    provider: str = "OpenAI"
    _clients: weakref.WeakKeyDictionary[AbstractEventLoop, openai.AsyncOpenAI] = field(
        default_factory=weakref.WeakKeyDictionary, repr=False, compare=False
    )

    # This class's row of agno_core._unsupported.UNSUPPORTED.
    _compat_table: ClassVar[str] = "OpenAIChat"

    def __post_init__(self) -> None:
        check_model_options(self, self._compat_table)

    def get_client(self) -> openai.AsyncOpenAI:
        """The SDK client for the running event loop.

        httpx connection pools belong to the event loop that opened them, so one client is kept
        per loop (sync ``run()`` calls and test suites use several loops).
        """
        if isinstance(self.client, openai.AsyncOpenAI):
            return self.client
        if self.client is None and self.async_client is not None:
            return self.async_client
        loop = get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = openai.AsyncOpenAI(**self._client_kwargs())
            self._clients[loop] = client
        return client

    def _client_kwargs(self) -> dict[str, Any]:
        if isinstance(self.client, openai.OpenAI):
            return async_twin_kwargs(self.client)
        api_key = self.api_key or os.environ.get("OPENAI_API_KEY")
        if not api_key:
            raise ModelProviderError(
                "no OpenAI API key: pass api_key= to the model or set OPENAI_API_KEY",
                model_id=self.id,
            )
        kwargs: dict[str, Any] = {"api_key": api_key}
        for name in (
            "base_url",
            "organization",
            "timeout",
            "max_retries",
            "default_headers",
            "default_query",
        ):
            value = getattr(self, name)
            if value is not None:
                kwargs[name] = value
        if self.client_params:
            kwargs.update(self.client_params)
        if "http_client" not in kwargs:
            kwargs["http_client"] = self._http_client()
        return kwargs

    def _http_client(self) -> Any:
        given = self.http_client
        if given is not None:
            if inspect.iscoroutinefunction(getattr(given, "send", None)):
                return given
            _log.warning(
                "http_client is not an asynchronous HTTP client (%s): ignored, the SDK's "
                "default is used",
                type(given).__name__,
            )
        # The SDK's own default client (timeouts, limits, redirects), on the shared TLS setup.
        return openai.DefaultAsyncHttpxClient(verify=_shared_ssl_context())

    async def prepare(self) -> None:
        """Build this loop's client; once per process, pay the SDK's first-use costs."""
        from agno_core.models.openai._warmup import supply_platform, warm_up

        client = self.get_client()
        await warm_up(self)
        supply_platform(client)

    def sampling_params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for name in ("temperature", "top_p", "seed", "stop", "user"):
            value = getattr(self, name)
            if value is not None:
                params[name] = value
        return params

    def set_params(self, params: dict[str, Any], *names: str) -> None:
        """Put this model's options ``names`` into ``params``, those that are set."""
        for name in names:
            value = getattr(self, name)
            if value is not None:
                params[name] = value

    def sdk_options(self) -> dict[str, Any]:
        """The SDK request options set on the model (``extra_headers/_query/_body``)."""
        return {
            name: value
            for name in ("extra_headers", "extra_query", "extra_body")
            if (value := getattr(self, name)) is not None
        }

    def wire_role(self, role: str, default: dict[str, str] | None = None) -> str:
        """The role a message of ``role`` is sent with (``role_map``, else ``default``)."""
        mapping = self.role_map if self.role_map is not None else default
        return mapping.get(role, role) if mapping else role

    def ainvoke(self, request: ModelRequest) -> AsyncGenerator[ModelStreamItem, None]:
        """One model call (`ainvoke_once`), tried again on errors as ``retries`` says."""
        # Without retries, the call itself: no generator layer in between (per streamed chunk).
        return self.ainvoke_once(request) if self.retries <= 0 else self._with_retries(request)

    async def _with_retries(self, request: ModelRequest) -> AsyncGenerator[ModelStreamItem, None]:
        attempt = 0
        while True:
            delivered = False
            try:
                async with contextlib.aclosing(self.ainvoke_once(request)) as once:
                    async for item in once:
                        delivered = True
                        yield item
                return
            except ModelProviderError as exc:
                if delivered or attempt >= self.retries or not retryable(exc):
                    raise
                delay = self.delay_between_retries * (2**attempt if self.exponential_backoff else 1)
                attempt += 1
                _log.warning(
                    "model %s failed (attempt %d of %d), retrying in %ss: %s",
                    self.id,
                    attempt,
                    self.retries + 1,
                    delay,
                    exc,
                )
                await asyncio.sleep(delay)

    @abstractmethod
    def ainvoke_once(self, request: ModelRequest) -> AsyncGenerator[ModelStreamItem, None]:
        """One call to the API, without retries (see `Model.ainvoke`)."""

    def to_dict(self) -> dict[str, Any]:
        """What is stored about the model: no key, no client."""
        return {"id": self.id, "name": self.name, "provider": self.provider}


def async_twin_kwargs(client: openai.OpenAI) -> dict[str, Any]:
    """``AsyncOpenAI`` arguments with the settings of a synchronous client."""
    kwargs: dict[str, Any] = {
        "api_key": client.api_key,
        "organization": client.organization,
        "project": getattr(client, "project", None),
        "base_url": client.base_url,
        "timeout": client.timeout,
        "max_retries": client.max_retries,
        "default_headers": dict(getattr(client, "_custom_headers", None) or {}) or None,
        "default_query": dict(getattr(client, "_custom_query", None) or {}) or None,
        "http_client": openai.DefaultAsyncHttpxClient(verify=_shared_ssl_context()),
    }
    return {k: v for k, v in kwargs.items() if v is not None}


# As in Agno: a retry cannot fix a bad request, a key or permission problem, an unknown model,
# a too-large or invalid body, or a conversation longer than the model's context window.
_NOT_RETRYABLE_STATUS = frozenset({400, 401, 403, 404, 413, 422})
_CONTEXT_WINDOW = (
    "context_length_exceeded",
    "context window",
    "maximum context length",
    "token limit",
    "too many tokens",
    "payload too large",
    "content_too_large",
    "request too large",
    "input too long",
    "prompt is too long",
    "prompt too long",
    "exceeds the model",
)


def retryable(exc: ModelProviderError) -> bool:
    """Whether another attempt could succeed where this error happened."""
    if exc.status_code in _NOT_RETRYABLE_STATUS:
        return False
    message = exc.message.lower()
    return not any(pattern in message for pattern in _CONTEXT_WINDOW)


def tool_schemas(model: OpenAIBase, request: ModelRequest) -> list[dict[str, Any]]:
    """The request's function definitions as Agno sends them, sorted by name (Agno sorts them
    so the request prefix stays stable for prompt caching).

    When the agent asks for a structured output natively (a schema, not JSON mode), Agno sends
    every tool without its own ``strict`` in strict mode.
    """
    agent_strict = (
        request.output_schema is not None
        and not request.json_mode
        and model.supports_native_structured_outputs
    )
    schemas = [tool_schema(f, agent_strict=agent_strict) for f in request.tools]
    return sorted(schemas, key=lambda schema: str(schema["name"]))


def tool_schema(function: Function, *, agent_strict: bool = False) -> dict[str, Any]:
    """A function tool's definition: ``name``, ``description``, ``parameters`` (see
    `Function.to_openai_schema`)."""
    return function.to_openai_schema(agent_strict=agent_strict)


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
