"""Sending a model request without the openai SDK's per-call parameter walk.

``client.chat.completions.create(**params)`` (and ``client.responses.create``) first walks
``params`` against the SDK's TypedDict annotations (`openai._utils._transform`): every message
is tried against each member of the message union, recursively, to rename aliased keys and
format dates and files. These params have no aliases or formats (checked on both SDK lines),
and the params the adapters build hold only JSON values, so the walk returns what it was given,
but it costs about 0.1-0.3 ms of CPU per message and per tool (measured on the mock: 30 % of a
one-message call, and 1.8 ms of a team run's three calls, more than the whole runtime's own
work). Then ``create`` posts the body with the options below.

`create` posts the same body with the same options through the client's documented low-level
method (``client.post``, the SDK's way to send a request it has no method for), so the request
on the wire is the same (a test compares them). It calls the SDK's ``create`` instead when the
body could need the walk (the user's ``request_params``), and when that ``create`` is not the
SDK's own (patched by tracing instrumentation or by a test double), so whoever wraps it still
sees every call.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Literal

import openai
from openai.resources.chat.completions import AsyncCompletions
from openai.resources.responses import AsyncResponses
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.responses import Response, ResponseStreamEvent

__all__ = ["Endpoint", "create", "posts_directly"]

Endpoint = Literal["chat", "responses"]


@dataclass(frozen=True, slots=True)
class _Route:
    path: str
    sdk_create: Any  # the SDK resource class's own ``create``, which this stands for
    cast_to: type[Any]
    stream_cls: type[Any]


_ROUTES: dict[str, _Route] = {
    "chat": _Route(
        path="/chat/completions",
        sdk_create=AsyncCompletions.create,
        cast_to=ChatCompletion,
        stream_cls=openai.AsyncStream[ChatCompletionChunk],
    ),
    "responses": _Route(
        path="/responses",
        sdk_create=AsyncResponses.create,
        cast_to=Response,
        stream_cls=openai.AsyncStream[ResponseStreamEvent],
    ),
}


@functools.cache
def _make_options() -> Any:
    """The SDK's builder of the request options ``create`` passes, or None if this SDK version
    does not build them the same way (then every call goes through ``create``)."""
    try:
        from openai._base_client import make_request_options

        make_request_options(security={"bearer_auth": True})
    except Exception:  # an SDK without these internals
        return None
    return make_request_options


def _resource(client: Any, endpoint: Endpoint) -> Any:
    return client.chat.completions if endpoint == "chat" else client.responses


def posts_directly(client: Any, endpoint: Endpoint, *, plain_json: bool) -> bool:
    """Whether a call on ``client`` may skip ``create`` (see the module docstring)."""
    if not plain_json or not isinstance(client, openai.AsyncOpenAI) or _make_options() is None:
        return False
    route = _ROUTES[endpoint]
    resource = _resource(client, endpoint)
    return type(resource).create is route.sdk_create and "create" not in vars(resource)


async def create(
    client: Any,
    endpoint: Endpoint,
    params: dict[str, Any],
    *,
    plain_json: bool,
    options: dict[str, Any] | None = None,
) -> Any:
    """The SDK's ``create(**params, **options)`` of ``endpoint``, without the parameter walk
    when allowed.

    Args:
        client: The ``openai.AsyncOpenAI`` client.
        endpoint: ``"chat"`` (Chat Completions) or ``"responses"``.
        params: The request body, as ``create`` takes it.
        plain_json: Whether ``params`` holds only JSON values (str, numbers, bool, None, lists
            and dicts of them) and only body keys: what the adapters build themselves.
        options: The SDK's request options (``extra_headers``, ``extra_query``,
            ``extra_body``), as ``create`` takes them.
    """
    options = options or {}
    if not posts_directly(client, endpoint, plain_json=plain_json):
        return await _resource(client, endpoint).create(**params, **options)
    route = _ROUTES[endpoint]
    return await client.post(
        route.path,
        body=params,
        # As ``create`` builds them.
        options=_make_options()(security={"bearer_auth": True}, **options),
        cast_to=route.cast_to,
        stream=bool(params.get("stream")),
        stream_cls=route.stream_cls,
    )
