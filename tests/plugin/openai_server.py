"""A real HTTP server on 127.0.0.1 that speaks OpenAI's wire format, to record cassettes against.

Chat Completions and Responses, streamed (SSE, one event per write, so the client reads them in
several chunks) or not. It answers deterministically: a text ``"Echo: <last user message>"``, or
(when the request offers tools and no tool result came back yet) a call of the first tool with
``{"city": "Paris"}``. It checks the bearer key and counts the requests it served.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pytest_agno.mock._wire import Completion, IdMint, RecordedRequest, ToolCall, Usage, render

__all__ = ["OpenAIServer"]

USAGE = Usage(input_tokens=31, output_tokens=7, cached_tokens=4)


def _wants_tool(request: RecordedRequest) -> bool:
    body = request.json
    if not body.get("tools"):
        return False
    items = body.get("messages" if request.endpoint == "chat" else "input")
    items = items if isinstance(items, list) else []
    return not any(
        isinstance(item, dict)
        and (item.get("role") == "tool" or item.get("type") == "function_call_output")
        for item in items
    )


def _tool_name(request: RecordedRequest) -> str:
    tool = request.json["tools"][0]
    return str(tool.get("name") or tool.get("function", {}).get("name"))


class OpenAIServer:
    """``with OpenAIServer(api_key) as server:`` serves ``server.base_url`` until the block ends.

    Attributes:
        requests: Every request served, parsed (endpoint, body, headers).
        delay: Seconds between two streamed events.
    """

    def __init__(self, api_key: str, *, delay: float = 0.002) -> None:
        self.api_key = api_key
        self.delay = delay
        self.requests: list[RecordedRequest] = []
        self._ids = IdMint()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> OpenAIServer:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop serving and close the socket: a request sent afterwards is refused."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()

    def _answer(self, endpoint: str, body: dict[str, Any]) -> tuple[int, str, list[bytes]]:
        http_request = _Parsed(body)
        request = RecordedRequest.parse(endpoint, http_request)  # type: ignore[arg-type]
        with self._lock:
            self.requests.append(request)
            if _wants_tool(request):
                name, arguments = _tool_name(request), '{"city":"Paris"}'
                call = ToolCall(call_id=self._ids("call_"), name=name, arguments=arguments)
                completion = Completion(text=None, tool_calls=(call,), usage=USAGE)
            else:
                completion = Completion(text=f"Echo: {request.last_user_message}", usage=USAGE)
            response = render(completion, endpoint=endpoint, request=body, ids=self._ids)  # type: ignore[arg-type]
        content_type = response.headers["content-type"]
        content = response.content
        if "event-stream" not in content_type:
            return response.status_code, content_type, [content]
        events = [event + b"\n\n" for event in content.split(b"\n\n") if event]
        return response.status_code, content_type, events

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                if self.headers.get("authorization") != f"Bearer {server.api_key}":
                    self._send(401, "application/json", [b'{"error":{"message":"bad key"}}'])
                    return
                path = self.path.split("?", 1)[0]
                endpoint = "chat" if path.endswith("/chat/completions") else "responses"
                self._send(*server._answer(endpoint, body))

            def _send(self, status: int, content_type: str, parts: list[bytes]) -> None:
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("x-request-id", "req_local")
                self.send_header("set-cookie", f"session={server.api_key}")
                self.end_headers()  # HTTP/1.0: the body ends when the connection closes
                for index, part in enumerate(parts):
                    if index:
                        time.sleep(server.delay)
                    self.wfile.write(part)
                    self.wfile.flush()

        return Handler


class _Parsed:
    """Just enough of an HTTP request for `RecordedRequest.parse`."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.content = json.dumps(body).encode()
        self.url = "http://127.0.0.1/"
        self.headers: dict[str, str] = {}
