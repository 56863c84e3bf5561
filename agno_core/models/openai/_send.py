"""Sending a Chat Completions request without the SDK's per-call parameter transform.

``client.chat.completions.create(**params)`` first walks ``params`` against the SDK's TypedDict
annotations (`openai._utils._transform`): every message is tried against each member of the
message union, recursively, to rename aliased keys and format dates and files. The chat params
have no aliases or formats, and the params the adapter builds hold only JSON values, so the
walk returns what it was given, but it costs about 0.1-0.3 ms of CPU per message and per tool
(measured: 30 % of a one-message call on the mock, and 1.8 ms of a team run's three calls,
more than the whole runtime's own work). Then ``create`` posts the body with the options below.

`create_chat` posts the same body with the same options through the client's documented
low-level method (``client.post``, the SDK's way to send a request it has no method for), so
the request on the wire is the same (a test compares them). It falls back to ``create`` when
the body could need the walk (the user's ``request_params``), and when ``create`` is not the
SDK's own (patched by tracing instrumentation or by a test double), so whoever wraps
``create`` still sees every call.
"""

from __future__ import annotations

import functools
from typing import Any

import openai
from openai.resources.chat.completions import AsyncCompletions
from openai.types.chat import ChatCompletion, ChatCompletionChunk

__all__ = ["create_chat", "posts_directly"]

_SDK_CREATE = AsyncCompletions.create


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


def posts_directly(client: Any, *, plain_json: bool) -> bool:
    """Whether a call on ``client`` may skip ``create`` (see the module docstring)."""
    completions = client.chat.completions
    return (
        plain_json
        and isinstance(client, openai.AsyncOpenAI)
        and type(completions).create is _SDK_CREATE
        and "create" not in vars(completions)
        and _make_options() is not None
    )


async def create_chat(client: Any, params: dict[str, Any], *, plain_json: bool) -> Any:
    """``client.chat.completions.create(**params)``, without the parameter walk when allowed.

    Args:
        client: The ``openai.AsyncOpenAI`` client.
        params: The request body, as ``create`` takes it.
        plain_json: Whether ``params`` holds only JSON values (str, numbers, bool, None, lists
            and dicts of them) and only body keys: what the adapter builds itself.
    """
    if not posts_directly(client, plain_json=plain_json):
        return await client.chat.completions.create(**params)
    stream = bool(params.get("stream"))
    return await client.post(
        "/chat/completions",
        body=params,
        options=_make_options()(security={"bearer_auth": True}),  # as ``create`` does
        cast_to=ChatCompletion,
        stream=stream,
        stream_cls=openai.AsyncStream[ChatCompletionChunk],
    )
