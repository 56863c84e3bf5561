"""The OpenAI wire format for `MockOpenAI`: requests as recorded, replies as rendered.

`MockOpenAI` decides *which* reply answers a request; this module reads the request and decides
what the reply looks like on the wire. One `Completion` renders into four payloads (chat or
responses, SSE or JSON), shaped after the `openai` SDK's own types (`ChatCompletion`,
`ChatCompletionChunk`, `Response`, the `response.*` stream events) so the real SDK parses them as
it would parse OpenAI's.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx

Endpoint = Literal["chat", "responses"]

# A fixed clock keeps payloads byte-for-byte reproducible between runs (2025-01-01T00:00:00Z).
CREATED_AT = 1_735_689_600
FALLBACK_MODEL = "gpt-mock"
# Tool-call arguments are streamed in this many pieces (fewer for very short argument strings).
_ARGUMENT_PIECES = 3

JSON = dict[str, Any]


@dataclass(frozen=True, kw_only=True, slots=True)
class Usage:
    """Token counts of one scripted reply.

    Attributes:
        input_tokens: Prompt tokens (chat `prompt_tokens`).
        output_tokens: Generated tokens (chat `completion_tokens`); includes reasoning tokens, as
            OpenAI counts them.
        cached_tokens: Prompt tokens served from the prompt cache.
        reasoning_tokens: Hidden reasoning tokens.
        audio_input_tokens: Audio prompt tokens (Chat Completions only).
        audio_output_tokens: Audio generated tokens (Chat Completions only).
    """

    input_tokens: int
    output_tokens: int
    cached_tokens: int = 0
    reasoning_tokens: int = 0
    audio_input_tokens: int = 0
    audio_output_tokens: int = 0

    def chat(self) -> JSON:
        """The `CompletionUsage` object of Chat Completions."""
        return {
            "prompt_tokens": self.input_tokens,
            "completion_tokens": self.output_tokens,
            "total_tokens": self.input_tokens + self.output_tokens,
            "prompt_tokens_details": {
                "cached_tokens": self.cached_tokens,
                "audio_tokens": self.audio_input_tokens,
            },
            "completion_tokens_details": {
                "reasoning_tokens": self.reasoning_tokens,
                "audio_tokens": self.audio_output_tokens,
            },
        }

    def responses(self) -> JSON:
        """The `ResponseUsage` object of the Responses API (it has no audio counts)."""
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "total_tokens": self.input_tokens + self.output_tokens,
            "input_tokens_details": {"cached_tokens": self.cached_tokens, "cache_write_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": self.reasoning_tokens},
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class ToolCall:
    """One function call the model asks for; `arguments` is a JSON string, as on the wire."""

    call_id: str
    name: str
    arguments: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Completion:
    """A successful model turn: text and/or tool calls, with usage.

    Attributes:
        text: The assistant text, or None for a turn made only of tool calls.
        tool_calls: Function calls, in order (several means parallel tool calls).
        usage: Token counts reported for the turn.
        chunks: How many pieces a streamed text is split into; None splits by words.
        finish_reason: Why the turn ended, in Chat Completions' terms (None: ``"tool_calls"``
            with tool calls, else ``"stop"``). On the Responses API ``"length"`` and
            ``"content_filter"`` make an ``incomplete`` response with that reason.
    """

    text: str | None
    tool_calls: tuple[ToolCall, ...] = ()
    usage: Usage
    chunks: int | None = None
    finish_reason: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Fixed:
    """A response sent verbatim, whatever the endpoint (errors, malformed bodies)."""

    status: int
    content: bytes
    content_type: str

    def to_response(self) -> httpx.Response:
        """The HTTP response."""
        return httpx.Response(
            self.status, content=self.content, headers={"content-type": self.content_type}
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordedRequest:
    """One request received by the mock.

    Attributes:
        endpoint: `"chat"` (Chat Completions) or `"responses"` (Responses API).
        url: The full request URL.
        json: The parsed JSON body (empty if the body is not a JSON object).
        headers: Request headers, lower-cased names.
        stream: Whether the body asked for a streamed (SSE) answer.
        model: The body's `model` (empty if absent).
    """

    endpoint: Endpoint
    url: str
    json: dict[str, Any]
    headers: dict[str, str]
    stream: bool
    model: str

    @classmethod
    def parse(cls, endpoint: Endpoint, request: httpx.Request) -> RecordedRequest:
        """Record an HTTPX request sent to `endpoint`."""
        try:
            body = json.loads(request.content or b"{}")
        except (httpx.RequestNotRead, ValueError):
            body = {}
        body = body if isinstance(body, dict) else {}
        return cls(
            endpoint=endpoint,
            url=str(request.url),
            json=body,
            headers=dict(request.headers),
            stream=body.get("stream") is True,
            model=str(body.get("model") or ""),
        )

    @property
    def last_user_message(self) -> str | None:
        """Text of the last user message (`messages` for chat, `input` for responses)."""
        if self.endpoint == "responses" and isinstance(self.json.get("input"), str):
            return str(self.json["input"])
        items = self.json.get("messages" if self.endpoint == "chat" else "input")
        for item in reversed(items if isinstance(items, list) else []):
            if isinstance(item, dict) and item.get("role") == "user":
                return _content_text(item.get("content"))
        return None

    def summary(self) -> str:
        """`endpoint=..., model=..., last user message=...`, for failure messages."""
        return (
            f"endpoint={self.endpoint}, model={self.model!r}, "
            f"last user message={clip(self.last_user_message)!r}"
        )


class IdMint:
    """Sequential ids with OpenAI's prefixes (`chatcmpl-mock0001`, `call_mock0002`, ...)."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def __call__(self, prefix: str) -> str:
        return f"{prefix}mock{next(self._counter):04d}"


def error_body(message: str, *, error_type: str, code: str | None) -> bytes:
    """An OpenAI error envelope, which the SDK turns into an `APIStatusError` with `message`."""
    error = {"message": message, "type": error_type, "param": None, "code": code}
    return _dumps({"error": error})


def split_text(text: str, chunks: int | None) -> list[str]:
    """Split `text` into stream deltas: by words by default, else into `chunks` even pieces."""
    if not text:
        return []
    if chunks is None:
        # Cut where whitespace ends and a word starts, so each piece keeps its trailing space.
        return [piece for piece in re.split(r"(?<=\s)(?=\S)", text) if piece]
    return _split_even(text, chunks)


def render(
    completion: Completion, *, endpoint: Endpoint, request: Mapping[str, Any], ids: IdMint
) -> httpx.Response:
    """Render `completion` as the answer to `request` (the parsed JSON body) on `endpoint`."""
    model = str(request.get("model") or FALLBACK_MODEL)
    stream = request.get("stream") is True
    if endpoint == "chat":
        if not stream:
            return _json_response(_chat_completion(completion, model, ids))
        options = request.get("stream_options")
        include_usage = isinstance(options, Mapping) and options.get("include_usage") is True
        chunks = _chat_chunks(completion, model, ids, include_usage=include_usage)
        lines = [f"data: {_dumps(chunk).decode()}\n\n" for chunk in chunks]
        return _sse_response([*lines, "data: [DONE]\n\n"])
    events = _ResponseRenderer(completion, request=request, model=model, ids=ids)
    if not stream:
        return _json_response(events.final())
    # The Responses API names every event on its `event:` line and sends no `[DONE]` sentinel.
    return _sse_response(
        f"event: {event['type']}\ndata: {_dumps(event).decode()}\n\n" for event in events.stream()
    )


def clip(text: str | None, limit: int = 80) -> str | None:
    """`text` shortened to `limit` characters for messages."""
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 3] + "..."


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    parts = content if isinstance(content, list) else []
    return "".join(
        str(part.get("text", ""))
        for part in parts
        if isinstance(part, dict) and part.get("type") in ("text", "input_text")
    )


def _split_even(text: str, pieces: int) -> list[str]:
    count = max(1, min(pieces, len(text)))
    size = len(text)
    return [text[size * i // count : size * (i + 1) // count] for i in range(count)]


def _dumps(payload: JSON) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def _json_response(payload: JSON) -> httpx.Response:
    return Fixed(status=200, content=_dumps(payload), content_type="application/json").to_response()


def _sse_response(lines: Iterable[str]) -> httpx.Response:
    content = "".join(lines).encode()
    return Fixed(status=200, content=content, content_type="text/event-stream").to_response()


def _finish_reason(completion: Completion) -> str:
    if completion.finish_reason is not None:
        return completion.finish_reason
    return "tool_calls" if completion.tool_calls else "stop"


FINISH_REASONS = ("stop", "length", "tool_calls", "content_filter")
# Chat Completions finish reasons that the Responses API reports as an incomplete response.
_INCOMPLETE_REASONS = {"length": "max_output_tokens", "content_filter": "content_filter"}


def _chat_completion(completion: Completion, model: str, ids: IdMint) -> JSON:
    message: JSON = {
        "role": "assistant",
        "content": completion.text,
        "refusal": None,
        "annotations": [],
    }
    if completion.tool_calls:
        message["tool_calls"] = [
            {
                "id": call.call_id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
            for call in completion.tool_calls
        ]
    choice = {
        "index": 0,
        "message": message,
        "logprobs": None,
        "finish_reason": _finish_reason(completion),
    }
    return {
        "id": ids("chatcmpl-"),
        "object": "chat.completion",
        "created": CREATED_AT,
        "model": model,
        "choices": [choice],
        "usage": completion.usage.chat(),
    }


def _chat_chunks(
    completion: Completion, model: str, ids: IdMint, *, include_usage: bool
) -> Iterator[JSON]:
    completion_id = ids("chatcmpl-")

    def chunk(choices: list[JSON]) -> JSON:
        return {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": CREATED_AT,
            "model": model,
            "choices": choices,
        }

    def delta(fields: JSON, finish_reason: str | None = None) -> JSON:
        choice = {"index": 0, "delta": fields, "logprobs": None, "finish_reason": finish_reason}
        return chunk([choice])

    opening = "" if completion.text is not None else None
    yield delta({"role": "assistant", "content": opening, "refusal": None})
    for piece in split_text(completion.text or "", completion.chunks):
        yield delta({"content": piece})
    for index, call in enumerate(completion.tool_calls):
        # OpenAI sends id, type and name once, then the arguments in fragments.
        head = {"name": call.name, "arguments": ""}
        yield delta(
            {
                "tool_calls": [
                    {"index": index, "id": call.call_id, "type": "function", "function": head}
                ]
            }
        )
        for piece in _split_even(call.arguments, _ARGUMENT_PIECES) if call.arguments else []:
            yield delta({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
    yield delta({}, _finish_reason(completion))
    if include_usage:
        # With `stream_options.include_usage`, usage comes once, on an extra chunk with no choices.
        yield {**chunk([]), "usage": completion.usage.chat()}


class _ResponseRenderer:
    """One `Response` object and its stream events; ids are minted once so both agree."""

    def __init__(
        self, completion: Completion, *, request: Mapping[str, Any], model: str, ids: IdMint
    ) -> None:
        self._completion = completion
        self._request = request
        self._model = model
        self._id = ids("resp_")
        self._output: list[JSON] = []
        if completion.text is not None:
            content = {
                "type": "output_text",
                "text": completion.text,
                "annotations": [],
                "logprobs": [],
            }
            self._output.append(
                {
                    "id": ids("msg_"),
                    "type": "message",
                    "status": "completed",
                    "role": "assistant",
                    "content": [content],
                }
            )
        for call in completion.tool_calls:
            self._output.append(
                {
                    "id": ids("fc_"),
                    "type": "function_call",
                    "status": "completed",
                    "call_id": call.call_id,
                    "name": call.name,
                    "arguments": call.arguments,
                }
            )

    def final(self) -> JSON:
        """The completed `Response` object."""
        return self._response(completed=True)

    def stream(self) -> Iterator[JSON]:
        """The `response.*` events, numbered by `sequence_number`, ending with the completed one."""
        sequence = itertools.count()

        def event(event_type: str, **fields: Any) -> JSON:
            return {"type": event_type, "sequence_number": next(sequence), **fields}

        yield event("response.created", response=self._response(completed=False))
        yield event("response.in_progress", response=self._response(completed=False))
        for index, item in enumerate(self._output):
            if item["type"] == "message":
                yield from self._message_events(index, item, event)
            else:
                yield from self._call_events(index, item, event)
        final = self.final()
        yield event(f"response.{final['status']}", response=final)

    def _message_events(self, index: int, item: JSON, event: Callable[..., JSON]) -> Iterator[JSON]:
        part = item["content"][0]
        where = {"item_id": item["id"], "output_index": index, "content_index": 0}
        yield event(
            "response.output_item.added",
            output_index=index,
            item={**item, "status": "in_progress", "content": []},
        )
        yield event("response.content_part.added", **where, part={**part, "text": ""})
        for piece in split_text(part["text"], self._completion.chunks):
            yield event("response.output_text.delta", **where, delta=piece, logprobs=[])
        yield event("response.output_text.done", **where, text=part["text"], logprobs=[])
        yield event("response.content_part.done", **where, part=part)
        yield event("response.output_item.done", output_index=index, item=item)

    def _call_events(self, index: int, item: JSON, event: Callable[..., JSON]) -> Iterator[JSON]:
        where = {"item_id": item["id"], "output_index": index}
        arguments: str = item["arguments"]
        yield event(
            "response.output_item.added",
            output_index=index,
            item={**item, "status": "in_progress", "arguments": ""},
        )
        for piece in _split_even(arguments, _ARGUMENT_PIECES) if arguments else []:
            yield event("response.function_call_arguments.delta", **where, delta=piece)
        yield event(
            "response.function_call_arguments.done", **where, name=item["name"], arguments=arguments
        )
        yield event("response.output_item.done", output_index=index, item=item)

    def _response(self, *, completed: bool) -> JSON:
        request = self._request
        incomplete = _INCOMPLETE_REASONS.get(self._completion.finish_reason or "")
        status = "in_progress"
        if completed:
            status = "incomplete" if incomplete else "completed"
        # Settings the real API echoes back from the request, with its defaults.
        return {
            "id": self._id,
            "object": "response",
            "created_at": CREATED_AT,
            "status": status,
            "completed_at": CREATED_AT if status == "completed" else None,
            "error": None,
            "incomplete_details": {"reason": incomplete} if completed and incomplete else None,
            "instructions": request.get("instructions"),
            "max_output_tokens": request.get("max_output_tokens"),
            "metadata": request.get("metadata") or {},
            "model": self._model,
            "output": self._output if completed else [],
            "parallel_tool_calls": request.get("parallel_tool_calls", True),
            "previous_response_id": request.get("previous_response_id"),
            "reasoning": request.get("reasoning"),
            "temperature": request.get("temperature", 1.0),
            "text": request.get("text") or {"format": {"type": "text"}},
            "tool_choice": request.get("tool_choice", "auto"),
            "tools": request.get("tools") or [],
            "top_p": request.get("top_p", 1.0),
            "truncation": request.get("truncation", "disabled"),
            "usage": self._completion.usage.responses() if completed else None,
        }
