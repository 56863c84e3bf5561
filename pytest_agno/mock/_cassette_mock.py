"""`mock_model` on a cassette: replay recorded model calls, record new ones through the real SDK.

`CassetteMock` is a `MockOpenAI` whose answers come from a cassette file instead of a script. It
patches the default transports of httpx and httpx2 (`TransportPatch`), so the official SDK of
either line sends through it. A model call (POST ``.../chat/completions`` or ``.../responses``)
is matched against the recorded entries (`Matcher`); what happens then depends on the record mode:

- ``none``: replay; a request with no recording is answered 400 and fails the test on teardown
  with the cassette, the request and a diff against the nearest recorded one.
- ``once``: like ``none`` when the file exists, else record every call.
- ``new_episodes``: replay known requests, record the others.
- ``all``: record every call (the file is replaced).

Recording forwards the request to the real endpoint through the transport the SDK built (so
``OPENAI_BASE_URL``, proxies and TLS settings apply) and records the body as the SDK reads it.
Identical requests replay the recorded answers in order, then repeat the last one, so a loop
(``perf_eval``) over a recorded run replays without growth.
"""

from __future__ import annotations

import asyncio
import threading
import time
import zlib
from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any

from pytest_agno.mock._cassette import Cassette, Entry
from pytest_agno.mock._cassette_match import Matcher
from pytest_agno.mock._cassette_options import CassetteOptions
from pytest_agno.mock._cassette_redact import Redactor
from pytest_agno.mock._cassette_sse import body_from_stored, split_chunks, stored_body
from pytest_agno.mock._cassette_streams import Arrival, replayed, tee
from pytest_agno.mock._failures import unmocked_message
from pytest_agno.mock._openai import MockOpenAI
from pytest_agno.mock._recording import keep_latest, recording_bound
from pytest_agno.mock._replies import Reply
from pytest_agno.mock._scripted_transport import UnmockedRequestError
from pytest_agno.mock._transport_patch import TransportPatch, installed_modules
from pytest_agno.mock._wire import RecordedRequest, error_body

__all__ = ["CassetteMock"]

_ENDPOINTS = (("/chat/completions", "chat"), ("/responses", "responses"))
_RECORD = -1
_MISS = -2
# Request headers that only say which machine and SDK build sent it: not kept.
_NOISY_REQUEST_HEADERS = ("host", "content-length", "accept-encoding", "connection", "user-agent")
# A replayed answer: status, headers, body pieces, waits before each piece (None: no wait).
_Rendered = tuple[int, tuple[tuple[str, str], ...], list[bytes], list[float] | None]
_KEPT_RESPONSE_HEADERS = ("content-type", "x-request-id", "openai-processing-ms", "retry-after")


class CassetteMock(MockOpenAI):
    """A `MockOpenAI` that replays and records a cassette (see the module docstring).

    Args:
        options: The test's cassette settings.

    Attributes:
        cassette: The file and the entries it had when the test started.
        recorded: Entries recorded during this test (written when the mock stops).
        misses: Failure messages of requests that had no recording.
    """

    def __init__(self, options: CassetteOptions) -> None:
        super().__init__()
        self.options = options
        self.cassette = Cassette.load(options.path)
        self.recorded: list[Entry] = []
        self.misses: list[str] = []
        self._matcher = Matcher(options.match_on, options.ignore)
        self._redactor = Redactor(options.redact)
        mode = options.record
        self._records = mode in ("new_episodes", "all") or (
            mode == "once" and not self.cassette.existed
        )
        replays = mode in ("none", "new_episodes") or (mode == "once" and self.cassette.existed)
        self._replay: list[Entry] = list(self.cassette.entries) if replays else []
        self._keys = [self._entry_key(entry) for entry in self._replay]
        self._uses = [0] * len(self._replay)
        self._state = threading.Lock()
        self._cache: dict[int, _Rendered] = {}
        self._patches: list[TransportPatch] = []

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> CassetteMock:
        """Patch httpx's and httpx2's transports (those installed)."""
        if self._patches:
            raise RuntimeError("CassetteMock is already started")
        for module in installed_modules():
            patch = TransportPatch(module, self)
            patch.start()
            self._patches.append(patch)
        return self

    def _uninstall(self) -> None:
        while self._patches:
            self._patches.pop().stop()
        self._flush()

    def _verify(self) -> None:
        failures = []
        if self.misses:
            more = len(self.misses) - 1
            tail = f"\n({more} more request(s) had no recording either)" if more else ""
            failures.append(self.misses[0] + tail)
        if self.unmocked:
            failures.append(unmocked_message(self.unmocked, self._served(), by_url=False))
        if failures:
            raise AssertionError("\n".join(failures))

    def _served(self) -> str:
        return f"model calls (POST .../chat/completions, .../responses) from {self.options.path}"

    def _add(self, reply: Reply) -> Reply:
        raise RuntimeError(
            f"mock_model replays the cassette {self.options.path}: scripted replies are not "
            "supported in a cassette test (drop @pytest.mark.agno_cassette to script replies)"
        )

    # -- the interceptor ---------------------------------------------------------------------------

    def handle(self, module: ModuleType, request: Any, forward: Callable[[Any], Any]) -> Any:
        endpoint = self._endpoint(request)
        if endpoint is None:
            return self._elsewhere(request, forward)
        index, body = self._decide(endpoint, request)
        if index == _RECORD:
            started = self._before_forward(request)
            return self._tee(module, endpoint, request, body, forward(request), started)
        wait = self._wait(index)
        if wait > 0:
            time.sleep(wait)
        return self._answer_with(module, index)

    async def ahandle(
        self, module: ModuleType, request: Any, forward: Callable[[Any], Awaitable[Any]]
    ) -> Any:
        endpoint = self._endpoint(request)
        if endpoint is None:
            return await self._elsewhere(request, forward)
        index, body = self._decide(endpoint, request)
        if index == _RECORD:
            started = self._before_forward(request)
            response = await forward(request)
            return self._tee(module, endpoint, request, body, response, started)
        wait = self._wait(index)
        if wait > 0:
            await asyncio.sleep(wait)  # cancellable: a cancel during a replayed call lands here
        return self._answer_with(module, index)

    # -- internals -------------------------------------------------------------------------------

    @staticmethod
    def _endpoint(request: Any) -> str | None:
        if request.method != "POST":
            return None
        path = str(request.url).split("?", 1)[0]
        return next((name for suffix, name in _ENDPOINTS if path.endswith(suffix)), None)

    def _elsewhere(self, request: Any, forward: Callable[[Any], Any]) -> Any:
        if self._records:  # recording talks to the real network; only model calls are kept
            return forward(request)
        self._on_unmocked(f"{request.method} {str(request.url).split('?', 1)[0]}")
        raise UnmockedRequestError(
            f"pytest_agno cassette: {request.method} {request.url} is not a model call and the "
            f"record mode is {self.options.record!r}: it is not sent"
        )

    def _entry_key(self, entry: Entry) -> str:
        req = entry.request
        return self._matcher.key(
            str(req.get("method", "POST")), str(req.get("endpoint")), req.get("body") or {}
        )

    def _decide(self, endpoint: str, request: Any) -> tuple[int, dict[str, Any]]:
        recorded = RecordedRequest.parse(endpoint, request)  # type: ignore[arg-type]
        self._redactor.learn(request.headers)
        body = self._redactor.data(recorded.json)
        key = self._matcher.key(request.method, endpoint, body)
        keep = recording_bound(self.keep_requests)  # as MockOpenAI: nothing kept in an eval
        with self._state:
            self.request_count += 1
            keep_latest(self.requests, recorded, keep)
            matches = [i for i, other in enumerate(self._keys) if other == key]
            if matches:
                index = next((i for i in matches if self._uses[i] == 0), matches[-1])
                self._uses[index] += 1
                return index, body
            if self._records:
                return _RECORD, body
            self.misses.append(self._miss_message(recorded, key))
            return _MISS, body

    def _wait(self, index: int) -> float:
        wait = self.default_latency
        if index < 0:
            return wait
        latency = self.options.latency
        if latency is True:
            wait += float(self._replay[index].response.get("latency") or 0.0)
        elif latency is not False:
            wait += float(latency)
        return wait

    def _answer_with(self, module: ModuleType, index: int) -> Any:
        if index == _MISS:
            message = "pytest_agno cassette: no recording of this request (see the test's teardown)"
            body = error_body(message, error_type="invalid_request_error", code="cassette_miss")
            return module.Response(400, headers={"content-type": "application/json"}, content=body)
        status, headers, pieces, delays = self._rendered(index)
        return replayed(module, status, headers, pieces, delays)

    def _rendered(self, index: int) -> _Rendered:
        # Rendered once per entry: a replay loop then costs what the scripted mock costs.
        with self._state:
            cached = self._cache.get(index)
        if cached is not None:
            return cached
        response = self._replay[index].response
        body = body_from_stored(response)
        chunks = response.get("chunks") if "sse" in response else None
        sizes = [int(size) for _, size in chunks] if chunks else [len(body)]
        delays = None
        if chunks and self.options.latency is True:
            previous = float(response.get("latency") or 0.0)
            delays = []
            for at, _ in chunks:
                delays.append(max(0.0, float(at) - previous))
                previous = float(at)
        headers = tuple((str(k), str(v)) for k, v in (response.get("headers") or {}).items())
        rendered = (int(response.get("status", 200)), headers, split_chunks(body, sizes), delays)
        with self._state:
            self._cache[index] = rendered
        return rendered

    def _before_forward(self, request: Any) -> float:
        # A body the cassette can read: ask for no compression (decoded below if sent anyway).
        request.headers["accept-encoding"] = "identity"
        return time.perf_counter()

    def _tee(
        self,
        module: ModuleType,
        endpoint: str,
        request: Any,
        body: dict[str, Any],
        response: Any,
        started: float,
    ) -> Any:
        latency = time.perf_counter() - started
        entry_request = {
            "method": request.method,
            "endpoint": endpoint,
            "url": self._redactor.text(str(request.url)),
            "headers": self._request_headers(request.headers),
            "body": body,
        }
        status = response.status_code
        headers = {
            name: value
            for name, value in response.headers.items()
            if name.lower() in _KEPT_RESPONSE_HEADERS
        }
        encoding = response.headers.get("content-encoding", "identity").lower()

        def done(arrivals: list[Arrival], exhausted: bool) -> None:
            raw = b"".join(chunk for _, chunk in arrivals)
            if encoding in ("gzip", "deflate"):
                raw = zlib.decompress(raw, 47)  # 32 + 15: gzip or zlib header, detected
            stored = stored_body(raw, headers.get("content-type", ""))
            if not exhausted and not _finished_stream(stored):
                return  # closed mid-body (a cancelled run): nothing whole to replay
            entry_response: dict[str, Any] = {
                "status": status,
                "headers": self._redactor.headers(headers),
                "latency": round(latency, 4),
                **self._redactor.data(stored),
            }
            if "sse" in stored:
                entry_response["chunks"] = [[round(at, 4), len(chunk)] for at, chunk in arrivals]
            entry = Entry(request=entry_request, response=entry_response)
            with self._state:
                self.recorded.append(entry)
                if self.options.record == "new_episodes":
                    self._replay.append(entry)
                    self._keys.append(self._entry_key(entry))
                    self._uses.append(1)

        return tee(module, response, started, done)

    def _request_headers(self, headers: Any) -> dict[str, str]:
        kept = {
            name.lower(): value
            for name, value in headers.items()
            if name.lower() not in _NOISY_REQUEST_HEADERS
            and not name.lower().startswith("x-stainless")
        }
        return self._redactor.headers(kept)

    def _flush(self) -> None:
        with self._state:
            recorded, self.recorded = self.recorded, []
        if not recorded:
            return
        merge = self.options.record != "all"
        self.cassette.write(recorded, merge=merge, check=self._redactor.check)

    def _miss_message(self, request: RecordedRequest, key: str) -> str:
        cassette = self.cassette
        lines = [
            f"pytest_agno cassette: no recording of a model call of {self.options.test_id}",
            f"  cassette: {cassette.path} (record mode {self.options.record!r}, "
            f"{len(self._replay)} entr{'y' if len(self._replay) == 1 else 'ies'})",
            f"  request: {request.summary()}",
        ]
        nearest = self._matcher.nearest(key, self._keys)
        if nearest is None:
            state = "has no entries" if cassette.existed else "does not exist"
            lines.append(f"  the cassette {state}: record it with --agno-record=once")
        else:
            lines.append(f"  nearest recorded request: entry {nearest}; diff:")
            diff = self._matcher.diff(self._keys[nearest], key)
            lines.extend(f"    {line}" for line in diff.splitlines())
            lines.append(
                "  re-record with --agno-record=new_episodes (or all), or @pytest.mark."
                "agno_cassette(record=...); match_on=/ignore= tune what counts"
            )
        return "\n".join(lines)


_LAST_EVENTS = ("response.completed", "response.failed", "response.incomplete", "error")


def _finished_stream(stored: dict[str, Any]) -> bool:
    """Whether a streamed body closed before its end had already sent its last event."""
    events = stored.get("sse")
    if not events:
        return False
    last = events[-1]
    return last.get("data_text") == "[DONE]" or last.get("event") in _LAST_EVENTS
