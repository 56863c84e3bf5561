"""Cassettes: record through the real SDK against a local OpenAI server, replay with it stopped.

Runs on whichever openai line is installed (2.x: httpx, 3.x: httpx2); scripts/test.sh runs both.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import openai
import pytest

from pytest_agno.mock._cassette import Cassette, CassetteError
from pytest_agno.mock._cassette_mock import CassetteMock
from pytest_agno.mock._cassette_options import CassetteOptions
from pytest_agno.mock._openai import MockOpenAI
from pytest_agno.mock._scripted_transport import UnmockedRequestError
from tests.openai_line import sdk_http
from tests.plugin.conftest import CASSETTE_KEY
from tests.plugin.openai_server import OpenAIServer

KEY = CASSETTE_KEY
MODEL = "gpt-4o-mini"


@pytest.fixture
def server(openai_server: OpenAIServer) -> OpenAIServer:
    return openai_server


def cassette(path: Path, record: str, **options: Any) -> CassetteMock:
    return CassetteMock(CassetteOptions(path=path, record=record, test_id="t::x", **options))


def client(base_url: str) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(
        api_key=KEY,
        base_url=base_url,
        max_retries=0,
        default_headers={"OpenAI-Organization": "org-secret1", "OpenAI-Project": "proj_secret2"},
    )


async def four_calls(sdk: openai.AsyncOpenAI) -> list[Any]:
    """Chat and Responses, streamed and not; what the SDK parsed out of each."""
    hello = [{"role": "user", "content": "hello"}]
    chat = await sdk.chat.completions.create(model=MODEL, messages=hello)  # type: ignore[arg-type]
    chunks = await sdk.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "stream please"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    streamed = [chunk.model_dump() async for chunk in chunks]
    response = await sdk.responses.create(model=MODEL, input="hi responses")
    events = await sdk.responses.create(model=MODEL, input="stream responses", stream=True)
    streamed_events = [event.model_dump() async for event in events]
    return [chat.model_dump(), streamed, response.model_dump(), streamed_events]


async def raw_chunks(url: str, body: dict[str, Any]) -> list[bytes]:
    """The body of a streamed request as the HTTP client reads it, chunk by chunk."""
    http = sdk_http()
    async with (
        http.AsyncClient() as raw,
        raw.stream("POST", url, json=body, headers={"authorization": f"Bearer {KEY}"}) as answer,
    ):
        return [bytes(chunk) async for chunk in answer.aiter_raw()]


async def test_replay_gives_the_sdk_what_recording_gave_it(
    server: OpenAIServer, cassette_dir: Path
) -> None:
    path = cassette_dir / "four.json"
    with cassette(path, "once"):
        recorded = await four_calls(client(server.base_url))
    assert len(server.requests) == 4
    server.stop()

    with cassette(path, "none") as replay:
        replayed = await four_calls(client(server.base_url))

    assert replayed == recorded
    assert len(replay.requests) == 4
    usage_chunk = recorded[1][-1]
    assert usage_chunk["choices"] == [] and usage_chunk["usage"]["total_tokens"] == 38
    assert recorded[3][-1]["type"] == "response.completed"


async def test_streams_replay_byte_for_byte_in_the_same_chunks(
    server: OpenAIServer, cassette_dir: Path
) -> None:
    server.delay = 0.05  # long enough for every event to arrive in a read of its own
    path = cassette_dir / "raw.json"
    url = f"{server.base_url}/responses"
    body = {"model": MODEL, "input": "chunked", "stream": True}
    with cassette(path, "once"):
        live = await raw_chunks(url, body)
    server.stop()
    with cassette(path, "none"):
        replayed = await raw_chunks(url, body)

    assert len(live) > 3
    assert replayed == live
    stored = json.loads(path.read_text())["entries"][0]["response"]
    assert [size for _, size in stored["chunks"]] == [len(chunk) for chunk in live]
    assert stored["sse"][0]["event"] == "response.created"
    assert stored["sse"][0]["data"]["type"] == "response.created"  # parsed, readable JSON


async def test_secrets_are_redacted_and_redacted_requests_still_match(
    server: OpenAIServer, cassette_dir: Path
) -> None:
    path = cassette_dir / "secrets.json"
    prompt = [{"role": "user", "content": "my other key is sk-live-abcdefghijkl and PIN 4321"}]
    with cassette(path, "once", redact=(r"PIN \d+",)):
        first = await client(server.base_url).chat.completions.create(model=MODEL, messages=prompt)  # type: ignore[arg-type]
    server.stop()

    text = path.read_text()
    # "PIN 4321", not "4321": the server's random port may contain those digits (127.0.0.1:34321)
    for secret in (KEY, "sk-live-abcdefghijkl", "org-secret1", "proj_secret2", "PIN 4321"):
        assert secret not in text
    headers = json.loads(text)["entries"][0]["request"]["headers"]
    assert headers["authorization"] == "<redacted>"
    assert headers["openai-organization"] == headers["openai-project"] == "<redacted>"
    assert not any(name.startswith("x-stainless") for name in headers)
    assert "set-cookie" not in json.loads(text)["entries"][0]["response"]["headers"]
    with cassette(path, "none", redact=(r"PIN \d+",)):  # the same patterns redact the live request
        again = await client(server.base_url).chat.completions.create(model=MODEL, messages=prompt)  # type: ignore[arg-type]
    assert first.choices[0].message.content == f"Echo: {prompt[0]['content']}"
    # The server echoed the secrets: the recorded answer was redacted too.
    assert again.choices[0].message.content == "Echo: my other key is <redacted> and <redacted>"


async def test_a_miss_fails_once_naming_test_cassette_and_diff(
    server: OpenAIServer, cassette_dir: Path
) -> None:
    path = cassette_dir / "miss.json"
    with cassette(path, "once"):
        await client(server.base_url).responses.create(model=MODEL, input="the recorded question")
    server.stop()

    mock = cassette(path, "none").start()
    with pytest.raises(openai.BadRequestError, match="no recording"):
        await client(server.base_url).responses.create(model=MODEL, input="another question")
    with pytest.raises(openai.BadRequestError):
        await client(server.base_url).responses.create(model="gpt-4o", input="a third")
    with pytest.raises(AssertionError) as failure:
        mock.stop()

    message = str(failure.value)
    assert "t::x" in message and str(path) in message and "record mode 'none'" in message
    assert re.search(r'^ +- +"input": "the recorded question"', message, re.M), message
    assert re.search(r'^ +\+ +"input": "another question"', message, re.M), message
    assert "1 more request(s) had no recording" in message


async def test_matching_ignores_volatile_fields(server: OpenAIServer, cassette_dir: Path) -> None:
    path = cassette_dir / "volatile.json"
    tool_turn = [
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_A", "type": "function", "function": {"name": "w", "arguments": "{}"}}
        ]},
        {"role": "tool", "tool_call_id": "call_A", "content": "sunny"},
    ]  # fmt: skip
    with cassette(path, "once"):
        stream = await client(server.base_url).chat.completions.create(
            model=MODEL, messages=tool_turn, user="alice", stream=True,  # type: ignore[arg-type]
            stream_options={"include_usage": True},
        )  # fmt: skip
        assert [chunk async for chunk in stream]
    server.stop()
    moved = json.loads(json.dumps(tool_turn).replace("call_A", "call_B"))

    with cassette(path, "none") as replay:
        stream = await client(server.base_url).chat.completions.create(
            model=MODEL, messages=moved, user="bob", stream=True,
            stream_options={"include_usage": True},
        )  # fmt: skip
        text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert text == "Echo: weather?"
    assert replay.misses == []


async def test_record_modes(server: OpenAIServer, cassette_dir: Path) -> None:
    path = cassette_dir / "modes.json"
    sdk = client(server.base_url)

    async def ask(question: str) -> str:
        answer = await sdk.responses.create(model=MODEL, input=question)
        return answer.output_text

    with cassette(path, "once"):  # missing: records
        await ask("one")
    with cassette(path, "once"):  # exists: replays, the server is not asked
        assert await ask("one") == "Echo: one"
    assert len(server.requests) == 1

    with cassette(path, "new_episodes") as episodes:
        assert await ask("one") == "Echo: one"  # known: replayed
        assert await ask("two") == "Echo: two"  # new: recorded
        assert await ask("two") == "Echo: two"  # now known: replayed
    assert len(server.requests) == 2
    assert len(episodes.recorded) == 0  # written on stop
    inputs = [e.request["body"]["input"] for e in Cassette.load(path).entries]
    assert inputs == ["one", "two"]

    with cassette(path, "all"):  # re-records everything, replacing the file
        await ask("three")
    assert len(server.requests) == 3
    assert [e.request["body"]["input"] for e in Cassette.load(path).entries] == ["three"]

    with cassette(path, "none") as replay:
        # openai 2.x wraps the transport's error in APIConnectionError, 3.x lets it through.
        with pytest.raises((UnmockedRequestError, openai.APIConnectionError)) as error:
            await sdk.models.list()
        assert "not a model call" in str(error.value) + str(error.value.__cause__)
        assert replay.unmocked == [f"GET {server.base_url}/models"]  # would fail the stop
        replay.unmocked.clear()


async def test_identical_calls_replay_in_order_then_repeat_the_last(
    server: OpenAIServer, cassette_dir: Path
) -> None:
    path = cassette_dir / "repeat.json"
    sdk = client(server.base_url)
    with cassette(path, "once"):
        ids = [(await sdk.responses.create(model=MODEL, input="same")).id for _ in range(2)]
    server.stop()
    with cassette(path, "none"):
        replayed = [(await sdk.responses.create(model=MODEL, input="same")).id for _ in range(3)]
    assert replayed == [ids[0], ids[1], ids[1]]


def test_sync_clients_record_and_replay(server: OpenAIServer, cassette_dir: Path) -> None:
    path = cassette_dir / "sync.json"
    with cassette(path, "once"), openai.OpenAI(api_key=KEY, base_url=server.base_url) as sdk:
        stream = sdk.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "sync"}], stream=True
        )
        live = [c.model_dump() for c in stream]
    server.stop()
    with cassette(path, "none"), openai.OpenAI(api_key=KEY, base_url=server.base_url) as sdk:
        stream = sdk.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "sync"}], stream=True
        )
        assert [c.model_dump() for c in stream] == live


def test_writes_are_atomic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: OpenAIServer
) -> None:
    path = tmp_path / "atomic.json"
    with cassette(path, "once"), openai.OpenAI(api_key=KEY, base_url=server.base_url) as sdk:
        sdk.responses.create(model=MODEL, input="kept")
    before = path.read_text()

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    mock = cassette(path, "all").start()
    with openai.OpenAI(api_key=KEY, base_url=server.base_url) as sdk:
        sdk.responses.create(model=MODEL, input="lost")
    with pytest.raises(KeyboardInterrupt):
        mock.stop()
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["atomic.json"]  # no temporary file left


def test_unreadable_cassettes_are_clear_errors(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"format": "pytest-agno-cassette", "version": 99, "entries": []}')
    with pytest.raises(CassetteError, match=r"version 99.*--agno-record=all"):
        cassette(path, "none")
    path.write_text("[1, 2]")
    with pytest.raises(CassetteError, match="not a pytest-agno-cassette file"):
        cassette(path, "none")


def test_scripting_a_cassette_mock_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="scripted replies are not supported"):
        cassette(tmp_path / "c.json", "none").add_text("no")


async def test_a_cassette_can_be_recorded_over_the_scripted_mock(tmp_path: Path) -> None:
    path = tmp_path / "scripted.json"
    sdk = openai.AsyncOpenAI(api_key=KEY, max_retries=0)
    with MockOpenAI() as scripted:
        scripted.add_text("From the script.", input_tokens=3, output_tokens=2)
        with cassette(path, "once"):  # forwards to the transport below: the scripted mock
            await sdk.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": "q"}]
            )
    with cassette(path, "none"):
        answer = await sdk.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "q"}]
        )
    assert answer.choices[0].message.content == "From the script."
    assert answer.usage is not None and answer.usage.total_tokens == 5


async def test_match_on_and_ignore_are_configurable(
    server: OpenAIServer, cassette_dir: Path
) -> None:
    path = cassette_dir / "configured.json"
    sdk = client(server.base_url)
    with cassette(path, "once"):
        await sdk.responses.create(model=MODEL, input="asked at 10:00", instructions="be brief")
    server.stop()

    # By default the instructions take part: another instruction is a miss.
    strict = cassette(path, "none").start()
    with pytest.raises(openai.BadRequestError):
        await sdk.responses.create(model=MODEL, input="asked at 10:00", instructions="be long")
    with pytest.raises(AssertionError, match="instructions"):
        strict.stop()
    # Matched on the model and the input only, it replays.
    with cassette(path, "none", match_on=("model", "input")):
        answer = await sdk.responses.create(model=MODEL, input="asked at 10:00", instructions="x")
    assert answer.output_text == "Echo: asked at 10:00"
    # Ignoring the key does the same (at the top level or at any depth inside a matched field).
    with cassette(path, "none", ignore=("instructions",)):
        answer = await sdk.responses.create(model=MODEL, input="asked at 10:00", instructions="y")
    assert answer.output_text == "Echo: asked at 10:00"
