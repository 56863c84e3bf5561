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

This module is the mock's scripting API and lifecycle; what it holds, how it answers a request and
what it checks at stop are its base class, `MockServer` (``_mock_server``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Unpack

from pytest_agno.mock import _wire as wire
from pytest_agno.mock._mock_server import ASYNC_CLIENT as _ASYNC_CLIENT
from pytest_agno.mock._mock_server import MockServer
from pytest_agno.mock._replies import Reply, ReplyOptions, RequestPredicate
from pytest_agno.mock._scripted_transport import ScriptedTransport
from pytest_agno.mock._wire import RecordedRequest

__all__ = [
    "MockOpenAI",
    "RecordedRequest",
    "Reply",
    "ReplyOptions",
    "RequestPredicate",
]

_KEY_VARIABLE = "OPENAI_API_KEY"
_DUMMY_KEY = "sk-agno-mock-key"  # set while the mock runs when no key is (as mock_model does)


class MockOpenAI(MockServer):
    """A scripted OpenAI server for the real `openai` SDK (sync and async clients).

    Use it as a context manager, or call `start()` and `stop()`. Replies are consumed first in,
    first out, skipping those whose `model`/`match` filters reject the request. While it runs,
    ``OPENAI_API_KEY`` is set to a dummy key when it is unset or empty (no request leaves the
    process, and an agent's model refuses to start without a key), and put back at stop.

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

    _set_key = False  # start() set OPENAI_API_KEY (it was unset or empty: `_previous_key`)
    _previous_key: str | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> MockOpenAI:
        """Patch the HTTP transports; every httpx/httpx2 request is intercepted until `stop()`."""
        if self._transport is not None:
            raise RuntimeError("MockOpenAI is already started")
        routes = {"/chat/completions": self._on_chat, "/responses": self._on_responses}
        transport = ScriptedTransport(self._base_url, routes, _ASYNC_CLIENT, self._on_unmocked)
        transport.start()
        self._transport = transport
        self._set_key = not os.environ.get(_KEY_VARIABLE)
        if self._set_key:
            self._previous_key = os.environ.get(_KEY_VARIABLE)
            os.environ[_KEY_VARIABLE] = _DUMMY_KEY
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

    def _uninstall(self) -> None:
        super()._uninstall()
        if self._set_key:
            self._set_key = False
            # Put back only our own value: a key the code under test set meanwhile stays.
            if os.environ.get(_KEY_VARIABLE) == _DUMMY_KEY:
                if self._previous_key is None:
                    del os.environ[_KEY_VARIABLE]
                else:
                    os.environ[_KEY_VARIABLE] = self._previous_key

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._uninstall()
        if exc_type is None:  # do not mask the exception already propagating
            self._verify()

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
