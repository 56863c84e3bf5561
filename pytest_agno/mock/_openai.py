"""A scripted OpenAI server at the HTTP layer, so tests run the real `openai` SDK offline.

`MockOpenAI` serves POSTs to `{base_url}/chat/completions` and `{base_url}/responses` from the
default transports of httpx (openai 2.x) and httpx2 (openai 3.x), patched while it runs
(`ScriptedTransport`); with no ``base_url`` given, under the URL the SDK uses (``OPENAI_BASE_URL``
when set) and under ``https://api.openai.com/v1``. Tests script replies (`add_text`,
`add_tool_call`, `add_json`, `add_error`, ...); each request takes the first queued reply that
accepts it, rendered by `_mock_wire` for the endpoint it hit, streamed (SSE) when its body says
`"stream": true`. With nothing scripted, every request gets a default text reply; once anything
is scripted, a request no reply accepts is answered 400 and fails the test when the mock stops.
Any other URL fails the request (`UnmockedRequestError`) and, when the mock stops, the test.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Coroutine, Mapping, Sequence
from contextvars import ContextVar
from types import TracebackType
from typing import Any, Unpack

import httpx

from pytest_agno.mock import _wire as wire
from pytest_agno.mock._failures import (
    RETRY_HINT,
    is_retry,
    unanswered_message,
    unmocked_message,
)
from pytest_agno.mock._recording import keep_latest, recording_bound, trim
from pytest_agno.mock._replies import Reply, ReplyOptions, RequestPredicate
from pytest_agno.mock._schema_sample import requested_schema, sample_for_schema
from pytest_agno.mock._scripted_transport import (
    DEFAULT_BASE_URL,
    ScriptedTransport,
    normalized_base_url,
    sdk_base_url,
)
from pytest_agno.mock._wire import Endpoint, RecordedRequest

__all__ = [
    "MockOpenAI",
    "RecordedRequest",
    "Reply",
    "ReplyOptions",
    "RequestPredicate",
]

# Set while an *async* client's request is answered: the handler may then return a coroutine
# (the transport awaits it), which makes latency a cancellable `asyncio.sleep`. A sync client
# gets `time.sleep` instead. The event loop alone cannot tell: a sync client may well be called
# from inside a running loop.
_ASYNC_CLIENT: ContextVar[bool] = ContextVar("pytest_agno_mock_async_client", default=False)


class MockOpenAI:
    """A scripted OpenAI server for the real `openai` SDK (sync and async clients).

    Use it as a context manager, or call `start()` and `stop()`. Replies are consumed first in,
    first out, skipping those whose `model`/`match` filters reject the request.

    Args:
        base_url: The API root the clients use; both endpoints are mocked under it. None (the
            default): the root an SDK client built without ``base_url=`` uses, i.e.
            ``OPENAI_BASE_URL`` when it is set (read per request), and also
            ``https://api.openai.com/v1``.
        default_text: The reply text when nothing at all was scripted. A request asking for
            structured output (a `json_schema` response format) gets, instead, the smallest
            JSON document its schema accepts, so an agent with an `output_schema` completes too.
        default_usage: `(input_tokens, output_tokens)` of that default reply.
        default_latency: Seconds to wait before sending that default reply (read per request).
        assert_all_called: Also fail on stop when scripted replies were left unused.
        warn_unused: Whether the ``mock_model`` fixture warns (`UnusedRepliesWarning`) at the
            end of the test about replies no request used; also an attribute.
        keep_requests: How many of the latest requests to keep in `requests` and in each
            reply's `answered` (None: all of them, except while a `perf_eval` measures: see
            below). ``0`` keeps none. Can be changed at any time:
            ``mock_model.keep_requests = 2``.

    Recording and `perf_eval`: a request kept is a few KiB that a growth-tracked eval would
    report as growth per iteration of the measured code. So while a ``perf_eval`` measures, a
    mock with ``keep_requests=None`` (the default) records nothing; setting a bound opts in to
    recording during evals too (the last N requests: no growth once N are kept).
    `request_count` and each reply's `count` always count every request.

    Attributes:
        requests: The requests received (see ``keep_requests``).
        request_count: How many model requests were received.
        unanswered: Requests that no scripted reply accepted (answered 400); they fail `stop()`.
        unmocked: ``"METHOD URL"`` of each request to a URL the mock does not serve (failed,
            never sent); they fail `stop()` too. A test that sends one on purpose clears it.
    """

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

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> MockOpenAI:
        """Patch the HTTP transports; every httpx/httpx2 request is intercepted until `stop()`."""
        if self._transport is not None:
            raise RuntimeError("MockOpenAI is already started")
        routes = {"/chat/completions": self._on_chat, "/responses": self._on_responses}
        transport = ScriptedTransport(self._base_url, routes, _ASYNC_CLIENT, self._on_unmocked)
        transport.start()
        self._transport = transport
        return self

    def stop(self) -> None:
        """Remove the patches, then fail if a request went unanswered.

        Raises:
            AssertionError: A request matched no scripted reply, or (with `assert_all_called`)
                scripted replies were never used.
        """
        self._uninstall()
        self._verify()

    def __enter__(self) -> MockOpenAI:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._uninstall()
        if exc_type is None:  # do not mask the exception already propagating
            self._verify()

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

    # -- scripting -------------------------------------------------------------------------------

    def add_text(self, text: str, **options: Unpack[ReplyOptions]) -> Reply:
        """Queue an assistant text reply.

        Args:
            text: The assistant message.
            **options: Usage, latency, chunking and routing; see `ReplyOptions`.

        Returns:
            The queued reply.
        """
        return self._add_completion("text", text, (), options)

    def add_tool_call(
        self,
        name: str,
        arguments: Mapping[str, Any] | str,
        *,
        call_id: str | None = None,
        **options: Unpack[ReplyOptions],
    ) -> Reply:
        """Queue a reply in which the model calls one function.

        Args:
            name: The function name.
            arguments: The arguments, as a mapping (JSON-encoded here) or a raw string (sent as
                is, so malformed arguments can be tested).
            call_id: The tool-call id; a sequential `call_mock...` id by default.
            **options: Usage, latency and routing; see `ReplyOptions`.

        Returns:
            The queued reply.
        """
        call = self._tool_call(name, arguments, call_id)
        return self._add_completion("tool_calls", None, (call,), options)

    def add_tool_calls(
        self,
        calls: Sequence[tuple[str, Mapping[str, Any] | str]],
        **options: Unpack[ReplyOptions],
    ) -> Reply:
        """Queue a reply with several function calls at once (parallel tool calls).

        Args:
            calls: `(name, arguments)` pairs, in order.
            **options: Usage, latency and routing; see `ReplyOptions`.

        Returns:
            The queued reply.
        """
        if not calls:
            raise ValueError("add_tool_calls() needs at least one call")
        tool_calls = tuple(self._tool_call(name, arguments, None) for name, arguments in calls)
        return self._add_completion("tool_calls", None, tool_calls, options)

    def add_json(self, data: Any, **options: Unpack[ReplyOptions]) -> Reply:
        """Queue a structured-output reply: the text is `data` encoded as JSON.

        Args:
            data: JSON-serialisable data, or a pydantic model (dumped in JSON mode).
            **options: Usage, latency and routing; see `ReplyOptions`.

        Returns:
            The queued reply.
        """
        if hasattr(data, "model_dump"):
            data = data.model_dump(mode="json")
        return self._add_completion("json", json.dumps(data), (), options)

    def add_error(
        self,
        status: int = 500,
        message: str = "Internal error",
        *,
        error_type: str = "server_error",
        code: str | None = None,
        latency: float = 0.0,
        model: str | None = None,
        match: RequestPredicate | None = None,
        times: int = 1,
    ) -> Reply:
        """Queue an HTTP error in OpenAI's error envelope.

        The SDK raises the matching `openai.APIStatusError` subclass with `message`. It retries
        408/409/429/5xx unless the client has `max_retries=0`, and each retry takes the next
        matching reply: script `times=` accordingly.

        Args:
            status: The HTTP status.
            message: `error.message`.
            error_type: `error.type`.
            code: `error.code`.
            latency: Seconds to wait before answering.
            model: Answer only requests for this model.
            match: Answer only requests this predicate accepts.
            times: How many requests get this error.

        Returns:
            The queued reply.
        """
        body = wire.error_body(message, error_type=error_type, code=code)
        fixed = wire.Fixed(status=status, content=body, content_type="application/json")
        return self._add(
            Reply(
                kind="error", content=fixed, model=model, match=match, latency=latency, times=times
            )
        )

    def add_raw(
        self,
        status: int,
        body: str | bytes,
        *,
        content_type: str = "application/json",
        latency: float = 0.0,
        model: str | None = None,
        match: RequestPredicate | None = None,
        times: int = 1,
    ) -> Reply:
        """Queue a response sent verbatim, e.g. a malformed JSON body.

        Args:
            status: The HTTP status.
            body: The body (str is UTF-8 encoded).
            content_type: The `content-type` header.
            latency: As for `add_error`.
            model: As for `add_error`.
            match: As for `add_error`.
            times: As for `add_error`.

        Returns:
            The queued reply.
        """
        content = body.encode() if isinstance(body, str) else body
        fixed = wire.Fixed(status=status, content=content, content_type=content_type)
        return self._add(
            Reply(kind="raw", content=fixed, model=model, match=match, latency=latency, times=times)
        )

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

    # -- internals -------------------------------------------------------------------------------

    def _tool_call(
        self, name: str, arguments: Mapping[str, Any] | str, call_id: str | None
    ) -> wire.ToolCall:
        encoded = arguments if isinstance(arguments, str) else json.dumps(dict(arguments))
        with self._lock:
            call_id = call_id or self._ids("call_")
        return wire.ToolCall(call_id=call_id, name=name, arguments=encoded)

    def _add_completion(
        self,
        kind: str,
        text: str | None,
        tool_calls: tuple[wire.ToolCall, ...],
        options: ReplyOptions,
    ) -> Reply:
        chunks = options.get("chunks")
        if chunks is not None and chunks < 1:
            raise ValueError(f"chunks must be at least 1, got {chunks}")
        usage = wire.Usage(
            input_tokens=options.get("input_tokens", 10),
            output_tokens=options.get("output_tokens", 5),
            cached_tokens=options.get("cached_tokens", 0),
            reasoning_tokens=options.get("reasoning_tokens", 0),
            audio_input_tokens=options.get("audio_input_tokens", 0),
            audio_output_tokens=options.get("audio_output_tokens", 0),
        )
        finish_reason = options.get("finish_reason")
        if finish_reason not in (None, *wire.FINISH_REASONS):
            raise ValueError(
                f"finish_reason must be one of {wire.FINISH_REASONS}, got {finish_reason!r}"
            )
        completion = wire.Completion(
            text=text,
            tool_calls=tool_calls,
            usage=usage,
            chunks=chunks,
            finish_reason=finish_reason,
        )
        reply = Reply(
            kind=kind,
            content=completion,
            model=options.get("model"),
            match=options.get("match"),
            latency=options.get("latency", 0.0),
            times=options.get("times", 1),
        )
        return self._add(reply)

    def _add(self, reply: Reply) -> Reply:
        if reply.latency < 0:
            raise ValueError(f"latency must not be negative, got {reply.latency}")
        if reply.times < 1:
            raise ValueError(f"times must be at least 1, got {reply.times}")
        with self._lock:
            self._queue.append(reply)
            self._scripted = True
        return reply

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
        if _ASYNC_CLIENT.get():
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
