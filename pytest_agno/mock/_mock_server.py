"""The serving half of `MockOpenAI`: its state, the answer to each request, and the check at stop.

`MockServer` holds what the mock was given and what it saw: the queue of scripted replies, the
requests it recorded (bounded by ``keep_requests``), those nothing answered and those sent to a URL
it does not serve. It answers each request the `ScriptedTransport` routes to it (the first queued
reply that accepts it, else the default reply, else a 400 naming the queue), waits the reply's
latency, and fails `stop()` on what went unanswered. `MockOpenAI` (``_openai``) adds the scripting
API and the lifecycle on top of it.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Coroutine
from contextvars import ContextVar
from typing import Any

import httpx

from pytest_agno.mock import _wire as wire
from pytest_agno.mock._failures import (
    RETRY_HINT,
    is_retry,
    unanswered_message,
    unmocked_message,
)
from pytest_agno.mock._recording import keep_latest, recording_bound, trim
from pytest_agno.mock._replies import Reply
from pytest_agno.mock._schema_sample import requested_schema, sample_for_schema
from pytest_agno.mock._scripted_transport import (
    DEFAULT_BASE_URL,
    ScriptedTransport,
    normalized_base_url,
    sdk_base_url,
)
from pytest_agno.mock._wire import Endpoint, RecordedRequest

__all__ = ["ASYNC_CLIENT", "MockServer"]

# Set while an *async* client's request is answered: the handler may then return a coroutine
# (the transport awaits it), which makes latency a cancellable `asyncio.sleep`. A sync client
# gets `time.sleep` instead. The event loop alone cannot tell: a sync client may well be called
# from inside a running loop.
ASYNC_CLIENT: ContextVar[bool] = ContextVar("pytest_agno_mock_async_client", default=False)


class MockServer:
    """What `MockOpenAI` holds and how it answers; its arguments are documented there."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        default_text: str = "Mock reply.",
        default_usage: tuple[int, int] = (12, 8),
        default_latency: float = 0.0,
        assert_all_called: bool = False,
        keep_requests: int | None = None,
        warn_unused: bool = True,
    ) -> None:
        self._base_url = normalized_base_url(base_url) if base_url is not None else None
        self.default_text = default_text
        self.default_usage = default_usage
        self.default_latency = default_latency
        self.assert_all_called = assert_all_called
        self.warn_unused = warn_unused
        self.requests: list[RecordedRequest] = []
        self.request_count = 0
        self.unanswered: list[RecordedRequest] = []
        self.unmocked: list[str] = []
        self._queue: list[Reply] = []
        self._scripted = False
        self._ids = wire.IdMint()
        # Sync clients may call from several threads; reentrant so `match=` may read `pending`.
        self._lock = threading.RLock()
        self._transport: ScriptedTransport | None = None
        self.keep_requests = keep_requests

    @property
    def base_url(self) -> str:
        """The API root served: the one given, else the one an SDK client built now would use."""
        return self._base_url if self._base_url is not None else sdk_base_url()

    @property
    def keep_requests(self) -> int | None:
        """How many of the latest requests are kept (None: all); see the class arguments."""
        return self._keep

    @keep_requests.setter
    def keep_requests(self, value: int | None) -> None:
        if value is not None and (isinstance(value, bool) or value < 0):
            raise ValueError(f"keep_requests must be None or >= 0, not {value!r}")
        self._keep = value
        if value is not None:
            with self._lock:
                trim(self.requests, value)
                for reply in self._queue:
                    trim(reply.answered, value)

    def reset(self) -> None:
        """Forget scripted replies, recorded requests and the id counter (the routes stay)."""
        with self._lock:
            self._queue.clear()
            self.requests.clear()
            self.request_count = 0
            self.unanswered.clear()
            self.unmocked.clear()
            self._scripted = False
            self._ids = wire.IdMint()

    # -- inspection ------------------------------------------------------------------------------

    @property
    def pending(self) -> list[Reply]:
        """Scripted replies still queued, in order."""
        with self._lock:
            return list(self._queue)

    @property
    def unused(self) -> list[Reply]:
        """Scripted replies that no request used yet, in order."""
        with self._lock:
            return [reply for reply in self._queue if not reply.used]

    def assert_all_used(self) -> None:
        """Fail if scripted replies are still queued.

        Raises:
            AssertionError: Listing the unused replies.
        """
        pending = self.pending
        if pending:
            lines = "\n".join(f"  - {reply.describe()}" for reply in pending)
            raise AssertionError(f"MockOpenAI: {len(pending)} scripted reply(ies) unused:\n{lines}")

    # -- answering --------------------------------------------------------------------------------

    def _uninstall(self) -> None:
        transport, self._transport = self._transport, None
        if transport is not None:
            transport.stop()

    def _verify(self) -> None:
        failures = []
        if self.unmocked:
            failures.append(unmocked_message(self.unmocked, self._served()))
        if self.unanswered:
            failures.append(unanswered_message(self.unanswered))
        if failures:
            raise AssertionError("\n".join(failures))
        if self.assert_all_called:
            self.assert_all_used()

    def _on_unmocked(self, request: str) -> None:
        with self._lock:
            self.unmocked.append(request)

    def _served(self) -> str:
        bases = [self.base_url]
        if self._base_url is None and DEFAULT_BASE_URL not in bases:
            bases.append(DEFAULT_BASE_URL)
        return " and ".join(f"POST {base}{{/chat/completions, /responses}}" for base in bases)

    def _on_chat(self, request: httpx.Request) -> _Answer:
        return self._answer("chat", request)

    def _on_responses(self, request: httpx.Request) -> _Answer:
        return self._answer("responses", request)

    def _answer(self, endpoint: Endpoint, request: httpx.Request) -> _Answer:
        recorded = RecordedRequest.parse(endpoint, request)
        latency, problem = 0.0, ""
        keep = recording_bound(self._keep)
        with self._lock:
            self.request_count += 1
            keep_latest(self.requests, recorded, keep)
            try:
                reply = next((reply for reply in self._queue if reply.accepts(recorded)), None)
            except Exception as error:  # a broken `match=` must fail the test, not the transport
                reply, problem = None, f" (a match= predicate raised {error!r})"
            if reply is not None:
                reply.count += 1
                keep_latest(reply.answered, recorded, keep)
                if reply.remaining == 0:
                    self._queue.remove(reply)
                latency = reply.latency
                response = self._render(reply.content, recorded)
            elif not self._scripted:
                input_tokens, output_tokens = self.default_usage
                usage = wire.Usage(input_tokens=input_tokens, output_tokens=output_tokens)
                default = wire.Completion(text=self._default_text(recorded), usage=usage)
                latency = self.default_latency
                response = self._render(default, recorded)
            else:
                self.unanswered.append(recorded)
                response = self._no_match(recorded, problem)
        if latency <= 0:
            return response
        if ASYNC_CLIENT.get():
            return _after(latency, response)
        time.sleep(latency)
        return response

    def _default_text(self, request: RecordedRequest) -> str:
        # A structured-output request gets the smallest document its schema accepts, so an
        # agent with an `output_schema` completes on an unscripted mock like any other.
        schema = requested_schema(request.json)
        if schema is None:
            return self.default_text
        return json.dumps(sample_for_schema(schema))

    def _render(
        self, content: wire.Completion | wire.Fixed, request: RecordedRequest
    ) -> httpx.Response:
        if isinstance(content, wire.Fixed):
            return content.to_response()
        return wire.render(content, endpoint=request.endpoint, request=request.json, ids=self._ids)

    def _no_match(self, request: RecordedRequest, problem: str) -> httpx.Response:
        queued = "; ".join(reply.describe() for reply in self._queue) or "none, the queue is empty"
        message = (
            f"MockOpenAI: no scripted reply matches this request ({request.summary()}){problem}; "
            "script one with add_text()/add_tool_call()/add_json()/add_error(). "
            f"Queued replies: {queued}." + (f" {RETRY_HINT}" if is_retry(request) else "")
        )
        # 400 is not retried by the SDK, so the failure surfaces at once.
        body = wire.error_body(message, error_type="invalid_request_error", code="mock_no_reply")
        return wire.Fixed(status=400, content=body, content_type="application/json").to_response()


_Answer = httpx.Response | Coroutine[Any, Any, httpx.Response]


async def _after(latency: float, response: httpx.Response) -> httpx.Response:
    # Cancellation raised here propagates through the transport to the caller's task.
    await asyncio.sleep(latency)
    return response
