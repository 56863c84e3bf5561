"""Pay the openai SDK's first-use costs once per process, before any run is timed.

The first call through the SDK in a process builds pydantic schemas for the response types and
caches for the request transforms (tens of milliseconds, hundreds on a busy machine). Inside a
run that time would show as the first run's ``duration`` and ``time_to_first_token``. So, before
the first run's clock starts, each adapter class runs its own request and response path, streamed
and not, once against canned answers on an in-memory transport (no network, no mock needed).
Best effort: if anything about it fails, the run goes on as before, only its first call slower.

Then one full garbage collection: the imports and the warm-up leave the collector owing a
collection of the oldest generation, a walk over every object of the process (tens of
milliseconds with the SDK loaded, more under pytest), which otherwise lands inside one of the
first timed runs (seen as 5-20 ms first runs in an ``--agno-eval`` report where later runs
take 1.5 ms). Collected here, before the clock starts, the next full collection is far off:
CPython runs one only once the objects that survived since the last one reach a quarter of the
objects that survived it.
"""

from __future__ import annotations

import gc
import importlib
import json
import logging
from typing import Any

import openai

from agno_core.models.base import Model, ModelRequest
from agno_core.models.message import Message

__all__ = ["supply_platform", "warm_up"]

_log = logging.getLogger("agno_core.models")
_warmed: set[type[Any]] = set()

# Shaped like real answers (usage details, annotations, a tool call), so that the SDK builds
# the schemas of every field type a real answer carries.
_USAGE_CHAT = {
    "prompt_tokens": 1,
    "completion_tokens": 1,
    "total_tokens": 2,
    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
    "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
}
_USAGE_RESPONSES = {
    "input_tokens": 1,
    "output_tokens": 1,
    "total_tokens": 2,
    "input_tokens_details": {"cached_tokens": 0},
    "output_tokens_details": {"reasoning_tokens": 0},
}
_FUNCTION = {"name": "warm", "arguments": "{}"}
_CHUNK = {"id": "warm", "object": "chat.completion.chunk", "created": 0, "model": "warm"}
_MESSAGE = {
    "type": "message",
    "id": "msg_warm",
    "role": "assistant",
    "status": "completed",
    "content": [{"type": "output_text", "text": "ok", "annotations": [], "logprobs": []}],
}
_CALL = {
    "type": "function_call",
    "id": "fc_warm",
    "call_id": "call_warm",
    "status": "completed",
    **_FUNCTION,
}
_RESPONSE = {
    "id": "resp_warm",
    "object": "response",
    "created_at": 0,
    "model": "warm",
    "status": "completed",
    "output": [_MESSAGE, _CALL],
    "parallel_tool_calls": True,
    "tool_choice": "auto",
    "tools": [],
    "usage": _USAGE_RESPONSES,
}


def _sse(events: list[dict[str, Any]], *, done: bool) -> bytes:
    lines = [f"data: {json.dumps(event)}\n\n" for event in events]
    return ("".join(lines) + ("data: [DONE]\n\n" if done else "")).encode()


def _answer(request: Any) -> Any:
    body = json.loads(request.content or b"{}")
    stream = body.get("stream") is True
    if request.url.path.endswith("/chat/completions"):
        if not stream:
            call = {"id": "call_warm", "type": "function", "function": _FUNCTION}
            message = {
                "role": "assistant",
                "content": "ok",
                "refusal": None,
                "annotations": [],
                "tool_calls": [call],
            }
            choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": "stop"}
            completion = {**_CHUNK, "object": "chat.completion", "choices": [choice]}
            return _http().Response(200, json={**completion, "usage": _USAGE_CHAT})
        delta = {"index": 0, "delta": {"role": "assistant", "content": "ok", "refusal": None}}
        chunks = [
            {**_CHUNK, "choices": [{**delta, "finish_reason": None}]},
            {**_CHUNK, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
            {**_CHUNK, "choices": [], "usage": _USAGE_CHAT},
        ]
        return _stream(_sse(chunks, done=True))
    if not stream:
        return _http().Response(200, json=_RESPONSE)
    text = {"item_id": "msg_warm", "output_index": 0, "content_index": 0}
    events = [
        {
            "type": "response.output_text.delta",
            **text,
            "delta": "ok",
            "sequence_number": 1,
            "logprobs": [],
        },
        {"type": "response.completed", "response": _RESPONSE, "sequence_number": 2},
    ]
    return _stream(_sse(events, done=False))


def _stream(content: bytes) -> Any:
    headers = {"content-type": "text/event-stream"}
    return _http().Response(200, content=content, headers=headers)


def _http() -> Any:
    """The HTTP library the SDK sends through: ``httpx`` (openai 2.x) or ``httpx2`` (3.x).

    Both have the same `Response` and `MockTransport`; the SDK's default client class says which.
    """
    base = openai.DefaultAsyncHttpxClient.__mro__[1]
    return importlib.import_module(base.__module__.split(".", 1)[0])


async def warm_up(model: Model) -> None:
    """Run ``model``'s adapter once per way of sending, streamed and not, on canned answers
    (once per class).

    ``model`` is an OpenAI adapter (``OpenAIBase``): its class is built again on a client whose
    transport answers in memory.
    """
    kind: Any = type(model)
    if kind in _warmed:
        return
    _warmed.add(kind)  # first: a failed warm-up is not retried on every run
    try:
        http = _http()
        http_client = openai.DefaultAsyncHttpxClient(transport=http.MockTransport(_answer))
    except Exception as exc:  # an SDK on an HTTP layer we do not know: no warm-up
        _log.debug("openai warm-up of %s skipped: %r", kind.__name__, exc)
        return
    client = openai.AsyncOpenAI(
        api_key="warm-up", base_url="http://warm-up.invalid/v1", http_client=http_client
    )
    # Both ways a request is sent (`agno_core.models.openai._send`): posted directly, and
    # through the SDK's create() (taken with request_params), whose parameter walk has caches.
    twins = [
        kind(id=model.id, client=client, max_retries=0),
        kind(id=model.id, client=client, max_retries=0, request_params={"user": "warm-up"}),
    ]
    try:
        for twin in twins:
            for stream in (False, True):
                request = ModelRequest(messages=[Message(role="user", content="hi")], stream=stream)
                async for _ in twin.ainvoke(request):
                    pass
    except Exception as exc:  # best effort, see the module docstring
        _log.debug("openai warm-up of %s failed: %r", kind.__name__, exc)
    finally:
        await client.close()
    global _platform
    if _platform is None:
        _platform = getattr(client, "_platform", None)
    gc.collect()  # the collector's debt, paid before any run is timed (see the module docstring)


_platform: Any = None


def supply_platform(client: openai.AsyncOpenAI) -> None:
    """Give a new client the platform description the warm-up's client found.

    The SDK's first request on each client asks the event loop's default executor (a thread,
    started per loop) for the platform name, which cannot change within a process: a test suite
    paid that thread and its shutdown per test. A client gets the warm-up's answer instead (none
    before the first warm-up: the client then asks, as it would without this).
    """
    if _platform is not None and getattr(client, "_platform", False) is None:
        client._platform = _platform
