"""The cassette's building blocks: stored bodies (SSE kept byte for byte) and redaction."""

from __future__ import annotations

import json

import pytest

from pytest_agno.mock._cassette_redact import REDACTED, Redactor
from pytest_agno.mock._cassette_sse import body_from_stored, split_chunks, stored_body

SSE = "text/event-stream"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ('data: {"a":1,"b":[1,2]}\n\ndata: [DONE]\n\n', "sse"),
        ('event: response.created\ndata: {"type":"response.created"}\n\n', "sse"),
        ('data: {"text":"caf\\u00e9"}\n\n', "sse"),  # ASCII-escaped JSON stays escaped
        ('data: {"text":"café"}\n\n', "sse"),
        ('data: {"a": 1}\n\n', "sse"),  # spaced JSON: kept as text inside the event
        ("data: {broken\n\n", "sse"),
        ('data: {"a":1}\r\n\r\n', "text"),  # CRLF framing: the whole body as text
        ("id: 7\ndata: {}\n\n", "text"),  # fields we do not model
        ('data: {"a":1}\n\ndata: {"a":2}', "text"),  # no final blank line
    ],
)
def test_streamed_bodies_replay_byte_for_byte(body: str, kind: str) -> None:
    stored = stored_body(body.encode(), SSE)
    assert kind in stored
    assert body_from_stored(json.loads(json.dumps(stored))) == body.encode()


def test_parsed_events_read_as_json() -> None:
    stored = stored_body(b'data: {"usage":{"total_tokens":5}}\n\ndata: [DONE]\n\n', SSE)
    assert stored["sse"] == [
        {"data": {"usage": {"total_tokens": 5}}},
        {"data_text": "[DONE]"},
    ]


def test_json_and_other_bodies() -> None:
    assert stored_body(b'{"ok": true}', "application/json") == {"json": {"ok": True}}
    assert stored_body(b"<html>502</html>", "text/html") == {"text": "<html>502</html>"}
    assert body_from_stored(stored_body(b"\xff\xfe", "application/octet-stream")) == b"\xff\xfe"


def test_split_chunks_keeps_boundaries_and_absorbs_a_length_change() -> None:
    assert split_chunks(b"abcdef", [2, 3, 1]) == [b"ab", b"cde", b"f"]
    assert split_chunks(b"abcdefgh", [2, 3, 1]) == [b"ab", b"cde", b"fgh"]  # body grew
    assert split_chunks(b"abc", [2, 3, 1]) == [b"ab", b"c"]  # body shrank


def test_redaction_of_headers_patterns_and_known_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "env-key-value")
    redactor = Redactor(patterns=[r"user-\d+"])
    redactor.learn({"authorization": "Bearer tok-abcdef", "api-key": "azure-secret"})

    headers = redactor.headers({"Authorization": "Bearer tok-abcdef", "x-other": "user-42"})
    assert headers == {"Authorization": REDACTED, "x-other": REDACTED}
    data = redactor.data(
        {"k sk-abcdefghijkl": ["tok-abcdef", "env-key-value", "azure-secret", "keep me", 3]}
    )
    assert data == {f"k {REDACTED}": [REDACTED, REDACTED, REDACTED, "keep me", 3]}


def test_a_surviving_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    redactor = Redactor()
    redactor.learn({"authorization": 'Bearer tok-with"quote'})
    redactor.check('{"clean": true}')
    with pytest.raises(AssertionError, match="survived redaction"):
        redactor.check(json.dumps({"leak": 'tok-with"quote'}))  # found JSON-escaped too
