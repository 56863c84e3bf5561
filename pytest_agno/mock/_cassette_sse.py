"""Response bodies as a cassette stores them: JSON parsed, SSE as events, bytes kept exact.

A streamed body is stored as its events (``{"event": ..., "data": {...}}``, the JSON payload
parsed so the file reads and diffs like JSON) plus the sizes of the chunks it arrived in. Replay
renders the events back and cuts them at the same places, so the SDK sees the same bytes in the
same pieces (an event split over two reads stays split). A body whose events would not render back
byte for byte (unusual framing, JSON serialised differently) is stored as text instead.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

__all__ = ["body_from_stored", "chunk_sizes", "split_chunks", "stored_body"]

JSON = dict[str, Any]


def _compact(value: Any, *, ascii_only: bool) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=ascii_only)


def _parse_event(block: str) -> JSON | None:
    """``event:``/``data:`` lines of one SSE event as a dict, or None if stored better as text."""
    event: JSON = {}
    for line in block.split("\n"):
        field, sep, value = line.partition(": ")
        if not sep or field not in ("event", "data") or field in event:
            return None
        event[field] = value
    data = event.get("data")
    if data is None:
        return event
    try:
        parsed = json.loads(data)
    except ValueError:
        event["data_text"] = event.pop("data")
        return event
    if _compact(parsed, ascii_only=False) == data:
        event["data"] = parsed
    elif _compact(parsed, ascii_only=True) == data:
        event.pop("data")
        event["data_ascii"] = parsed
    else:
        event["data_text"] = event.pop("data")
    return event


def _render_event(event: JSON) -> str:
    lines = []
    if "event" in event:
        lines.append(f"event: {event['event']}")
    if "data" in event:
        lines.append(f"data: {_compact(event['data'], ascii_only=False)}")
    elif "data_ascii" in event:
        lines.append(f"data: {_compact(event['data_ascii'], ascii_only=True)}")
    elif "data_text" in event:
        lines.append(f"data: {event['data_text']}")
    return "\n".join(lines) + "\n\n"


def _events(text: str) -> list[JSON] | None:
    if not text.endswith("\n\n"):
        return None
    events = []
    for block in text[:-2].split("\n\n"):
        event = _parse_event(block)
        if event is None:
            return None
        events.append(event)
    rendered = "".join(_render_event(event) for event in events)
    return events if rendered == text else None


def stored_body(body: bytes, content_type: str) -> JSON:
    """How ``body`` is stored: ``{"sse": [...]}``, ``{"json": ...}`` or ``{"text": ...}``."""
    try:
        text = body.decode()
    except UnicodeDecodeError:
        return {"text_latin1": body.decode("latin-1")}
    if "text/event-stream" in content_type:
        events = _events(text)
        if events is not None:
            return {"sse": events}
    elif "json" in content_type and text.strip():
        try:
            return {"json": json.loads(text)}
        except ValueError:
            pass
    return {"text": text}


def body_from_stored(stored: JSON) -> bytes:
    """The bytes a stored body replays as (JSON re-serialised; SSE and text exactly)."""
    if "sse" in stored:
        return "".join(_render_event(event) for event in stored["sse"]).encode()
    if "json" in stored:
        return json.dumps(stored["json"]).encode()
    if "text_latin1" in stored:
        return str(stored["text_latin1"]).encode("latin-1")
    return str(stored.get("text", "")).encode()


def chunk_sizes(chunks: Sequence[bytes]) -> list[int]:
    """The length of each chunk, as stored next to a streamed body."""
    return [len(chunk) for chunk in chunks]


def split_chunks(body: bytes, sizes: Sequence[int]) -> list[bytes]:
    """``body`` cut into pieces of ``sizes`` (the last piece takes any remainder)."""
    pieces, start = [], 0
    for size in sizes:
        if start >= len(body):
            break
        pieces.append(body[start : start + size])
        start += size
    if start < len(body):
        if pieces:
            pieces[-1] += body[start:]
        else:
            pieces.append(body[start:])
    return pieces
