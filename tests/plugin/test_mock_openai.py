"""MockOpenAI against the real `openai` SDK: both endpoints, streamed and not, sync and async."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import openai
import pydantic
import pytest
from openai.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessageParam
from openai.types.responses import Response, ResponseStreamEvent

from pytest_agno.mock import MockOpenAI
from pytest_agno.mock._scripted_transport import UnmockedRequestError
from tests.openai_line import OPENAI_MAJOR, sdk_http

MODEL = "gpt-4o-mini"
HELLO: list[ChatCompletionMessageParam] = [{"role": "user", "content": "hello"}]


class Weather(pydantic.BaseModel):
    city: str
    celsius: float


@pytest.fixture
def mock() -> Iterator[MockOpenAI]:
    with MockOpenAI() as server:
        yield server


@pytest.fixture
async def client(mock: MockOpenAI) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(
        api_key="sk-test", base_url=mock.base_url, max_retries=0
    ) as async_client:
        yield async_client


def sse_data(text: str) -> list[dict[str, Any]]:
    """The JSON payloads of an SSE body (the `[DONE]` sentinel dropped)."""
    lines = [line.removeprefix("data: ") for line in text.splitlines() if line.startswith("data: ")]
    return [json.loads(line) for line in lines if line != "[DONE]"]


async def raw_post(mock: MockOpenAI, path: str, body: dict[str, Any]) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.post(f"{mock.base_url}{path}", json=body)


# -- Chat Completions --------------------------------------------------------------------------


async def test_chat_text_with_usage_details(mock: MockOpenAI, client: openai.AsyncOpenAI) -> None:
    mock.add_text(
        "Hi there.",
        input_tokens=30,
        output_tokens=9,
        cached_tokens=3,
        reasoning_tokens=2,
        audio_input_tokens=1,
        audio_output_tokens=4,
    )

    completion = await client.chat.completions.create(model=MODEL, messages=HELLO)

    assert completion.model == MODEL
    assert completion.id.startswith("chatcmpl-")
    choice = completion.choices[0]
    assert (choice.message.content, choice.finish_reason) == ("Hi there.", "stop")
    usage = completion.usage
    assert usage is not None
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (30, 9, 39)
    assert usage.prompt_tokens_details is not None
    assert usage.prompt_tokens_details.cached_tokens == 3
    assert usage.prompt_tokens_details.audio_tokens == 1
    assert usage.completion_tokens_details is not None
    assert usage.completion_tokens_details.reasoning_tokens == 2
    assert usage.completion_tokens_details.audio_tokens == 4


async def test_chat_payloads_validate_strictly_against_sdk_types(mock: MockOpenAI) -> None:
    mock.add_text("Hello world.")
    mock.add_tool_call("lookup", {"q": "x"})
    mock.add_tool_calls([("a", {}), ("b", {"n": 1})])

    plain = await raw_post(mock, "/chat/completions", {"model": MODEL, "messages": HELLO})
    ChatCompletion.model_validate(plain.json())
    tool = await raw_post(mock, "/chat/completions", {"model": MODEL, "messages": HELLO})
    ChatCompletion.model_validate(tool.json())
    streamed = await raw_post(
        mock,
        "/chat/completions",
        {
            "model": MODEL,
            "messages": HELLO,
            "stream": True,
            "stream_options": {"include_usage": True},
        },
    )

    assert streamed.headers["content-type"] == "text/event-stream"
    assert streamed.text.endswith("data: [DONE]\n\n")
    for chunk in sse_data(streamed.text):
        ChatCompletionChunk.model_validate(chunk)


async def test_chat_stream_reassembles_text_with_one_usage_chunk(
    mock: MockOpenAI, client: openai.AsyncOpenAI
) -> None:
    mock.add_text("The quick brown fox.", input_tokens=7, output_tokens=4)

    stream = await client.chat.completions.create(
        model=MODEL,
        messages=HELLO,
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = [chunk async for chunk in stream]

    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "The quick brown fox."
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) == 4
    with_usage = [c for c in chunks if c.usage is not None]
    assert with_usage == [chunks[-1]]
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert (chunks[-1].usage.prompt_tokens, chunks[-1].usage.completion_tokens) == (7, 4)
    assert chunks[-2].choices[0].finish_reason == "stop"


async def test_chat_stream_without_include_usage_sends_no_usage(
    mock: MockOpenAI, client: openai.AsyncOpenAI
) -> None:
    mock.add_text("abcdefgh", chunks=4)

    stream = await client.chat.completions.create(model=MODEL, messages=HELLO, stream=True)
    chunks = [chunk async for chunk in stream]

    deltas = [c.choices[0].delta.content for c in chunks if c.choices[0].delta.content]
    assert deltas == ["ab", "cd", "ef", "gh"]
    assert all(c.usage is None and c.choices for c in chunks)


async def test_chat_tool_call(mock: MockOpenAI, client: openai.AsyncOpenAI) -> None:
    reply = mock.add_tool_call("get_weather", {"city": "Paris"}, call_id="call_1")

    completion = await client.chat.completions.create(model=MODEL, messages=HELLO)

    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    calls = choice.message.tool_calls or []
    assert [(c.id, c.type) for c in calls] == [("call_1", "function")]
    assert calls[0].type == "function"
    assert calls[0].function.name == "get_weather"
    assert json.loads(calls[0].function.arguments) == {"city": "Paris"}
    assert reply.call_ids == ("call_1",)


async def test_chat_parallel_tool_calls_streamed(
    mock: MockOpenAI, client: openai.AsyncOpenAI
) -> None:
    reply = mock.add_tool_calls([("search", {"q": "agno"}), ("clock", "{}")])

    async with client.chat.completions.stream(model=MODEL, messages=HELLO) as stream:
        chunks = [event.chunk async for event in stream if event.type == "chunk"]
        final = await stream.get_final_completion()

    calls = final.choices[0].message.tool_calls or []
    assert [(c.id, c.function.name, c.function.arguments) for c in calls] == [
        (reply.call_ids[0], "search", '{"q": "agno"}'),
        (reply.call_ids[1], "clock", "{}"),
    ]
    assert final.choices[0].finish_reason == "tool_calls"
    # The id and name come once, first; the arguments follow in several fragments.
    first_call = [d for c in chunks for d in c.choices[0].delta.tool_calls or [] if d.index == 0]
    assert first_call[0].id == reply.call_ids[0]
    assert first_call[0].function is not None
    assert first_call[0].function.name == "search"
    assert all(d.id is None for d in first_call[1:])
    assert len(first_call) > 2


# -- Responses API -----------------------------------------------------------------------------


async def test_responses_text_and_usage(mock: MockOpenAI, client: openai.AsyncOpenAI) -> None:
    mock.add_text("Bonjour.", input_tokens=20, output_tokens=6, cached_tokens=5, reasoning_tokens=2)

    response = await client.responses.create(model=MODEL, input="hello", instructions="Be kind.")

    assert response.status == "completed"
    assert response.output_text == "Bonjour."
    assert response.model == MODEL
    assert response.instructions == "Be kind."
    message = response.output[0]
    assert message.type == "message"
    assert message.role == "assistant"
    assert response.usage is not None
    assert (response.usage.input_tokens, response.usage.output_tokens) == (20, 6)
    assert response.usage.total_tokens == 26
    assert response.usage.input_tokens_details.cached_tokens == 5
    assert response.usage.output_tokens_details.reasoning_tokens == 2


async def test_responses_function_calls(mock: MockOpenAI, client: openai.AsyncOpenAI) -> None:
    reply = mock.add_tool_calls([("search", {"q": "x"}), ("clock", {})])

    response = await client.responses.create(model=MODEL, input="hello")

    calls = [item for item in response.output if item.type == "function_call"]
    assert [(c.call_id, c.name, json.loads(c.arguments)) for c in calls] == [
        (reply.call_ids[0], "search", {"q": "x"}),
        (reply.call_ids[1], "clock", {}),
    ]
    assert response.output_text == ""


async def test_responses_payloads_validate_strictly_against_sdk_types(mock: MockOpenAI) -> None:
    mock.add_text("Hello world.")
    mock.add_tool_call("lookup", {"q": "x"})
    tools = [{"type": "function", "name": "lookup", "parameters": {}, "strict": True}]

    plain = await raw_post(mock, "/responses", {"model": MODEL, "input": "hi"})
    streamed = await raw_post(
        mock, "/responses", {"model": MODEL, "input": "hi", "tools": tools, "stream": True}
    )

    Response.model_validate(plain.json())
    adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(ResponseStreamEvent)
    events = sse_data(streamed.text)
    for event in events:
        adapter.validate_python(event)
    assert f"event: {events[0]['type']}\ndata: " in streamed.text
    assert "[DONE]" not in streamed.text


async def test_responses_stream_events(mock: MockOpenAI, client: openai.AsyncOpenAI) -> None:
    mock.add_text("One two three", input_tokens=11, output_tokens=3)

    stream = await client.responses.create(model=MODEL, input="hello", stream=True)
    events = [event async for event in stream]

    assert [e.type for e in events] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert "".join(deltas) == "One two three"
    completed = events[-1]
    assert completed.type == "response.completed"
    assert completed.response.output_text == "One two three"
    assert completed.response.usage is not None
    assert (completed.response.usage.input_tokens, completed.response.usage.output_tokens) == (
        11,
        3,
    )
    assert events[0].type == "response.created"
    assert events[0].response.usage is None


async def test_responses_stream_helper_accumulates_function_call(
    mock: MockOpenAI, client: openai.AsyncOpenAI
) -> None:
    mock.add_tool_call("search", {"query": "agno agents"}, call_id="call_s")

    async with client.responses.stream(model=MODEL, input="hello") as stream:
        types = [event.type async for event in stream]
        final = await stream.get_final_response()

    assert types.count("response.function_call_arguments.delta") > 1
    assert "response.function_call_arguments.done" in types
    call = final.output[0]
    assert call.type == "function_call"
    assert (call.call_id, call.name) == ("call_s", "search")
    assert json.loads(call.arguments) == {"query": "agno agents"}


async def test_a_scripted_finish_reason_on_both_endpoints(
    mock: MockOpenAI, client: openai.AsyncOpenAI
) -> None:
    mock.add_text("cut", finish_reason="length", times=2)
    mock.add_text("", finish_reason="content_filter", times=2)

    chat = await client.chat.completions.create(model=MODEL, messages=HELLO)
    chunks = await client.chat.completions.create(model=MODEL, messages=HELLO, stream=True)
    reasons = [c.choices[0].finish_reason async for c in chunks if c.choices]
    whole = await client.responses.create(model=MODEL, input="hi")
    stream = await client.responses.create(model=MODEL, input="hi", stream=True)
    events = [event async for event in stream]

    assert chat.choices[0].finish_reason == "length" and reasons[-1] == "length"
    assert whole.status == "incomplete" and whole.incomplete_details is not None
    assert whole.incomplete_details.reason == "content_filter"
    assert events[-1].type == "response.incomplete"
    assert events[-1].response.incomplete_details is not None
    assert events[-1].response.incomplete_details.reason == "content_filter"
    with pytest.raises(ValueError, match="finish_reason must be one of"):
        mock.add_text("x", finish_reason="bogus")


# -- structured output, errors, latency ----------------------------------------------------------


async def test_structured_json_on_both_endpoints(
    mock: MockOpenAI, client: openai.AsyncOpenAI
) -> None:
    mock.add_json(Weather(city="Oslo", celsius=-3.5))
    mock.add_json({"city": "Rome", "celsius": 21})

    chat = await client.chat.completions.parse(
        model=MODEL,
        messages=HELLO,
        response_format=Weather,
    )
    response = await client.responses.parse(model=MODEL, input="hi", text_format=Weather)

    assert chat.choices[0].message.parsed == Weather(city="Oslo", celsius=-3.5)
    assert response.output_parsed == Weather(city="Rome", celsius=21)


async def test_http_errors_raise_sdk_exceptions(
    mock: MockOpenAI, client: openai.AsyncOpenAI
) -> None:
    mock.add_error(500, "The server had an error")
    mock.add_error(429, "Rate limit reached", error_type="requests", code="rate_limit_exceeded")

    with pytest.raises(openai.InternalServerError, match="The server had an error") as server:
        await client.chat.completions.create(model=MODEL, messages=HELLO)
    with pytest.raises(openai.RateLimitError, match="Rate limit reached") as limited:
        await client.responses.create(model=MODEL, input="hi", stream=True)

    assert server.value.status_code == 500
    assert limited.value.code == "rate_limit_exceeded"
    assert limited.value.type == "requests"


async def test_error_reply_answers_several_requests(
    mock: MockOpenAI, client: openai.AsyncOpenAI
) -> None:
    reply = mock.add_error(503, "Overloaded", times=2)
    mock.add_text("Back.")

    for _ in range(2):
        with pytest.raises(openai.InternalServerError, match="Overloaded"):
            await client.chat.completions.create(model=MODEL, messages=HELLO)
    completion = await client.chat.completions.create(model=MODEL, messages=HELLO)

    assert completion.choices[0].message.content == "Back."
    assert len(reply.answered) == 2


async def test_malformed_bodies_raise(mock: MockOpenAI, client: openai.AsyncOpenAI) -> None:
    mock.add_raw(200, '{"id": "chatcmpl-1", "choices": [')
    mock.add_raw(502, "<html>Bad gateway</html>", content_type="text/html")
    mock.add_raw(200, "data: {broken\n\n", content_type="text/event-stream")

    # A 200 with an unparsable body surfaces as the decoding error, as with the real API.
    with pytest.raises(json.JSONDecodeError):
        await client.chat.completions.create(model=MODEL, messages=HELLO)
    # openai 2.x puts a non-JSON error body in the message; 3.x only the status.
    gateway = "Bad gateway" if OPENAI_MAJOR < 3 else "Error code: 502"
    with pytest.raises(openai.InternalServerError, match=gateway):
        await client.chat.completions.create(model=MODEL, messages=HELLO)
    stream = await client.chat.completions.create(model=MODEL, messages=HELLO, stream=True)
    with pytest.raises(json.JSONDecodeError):
        async for _ in stream:
            pass


async def test_latency_delays_the_answer(mock: MockOpenAI, client: openai.AsyncOpenAI) -> None:
    mock.add_text("Slow.", latency=0.2)

    started = time.monotonic()
    await client.chat.completions.create(model=MODEL, messages=HELLO)

    assert time.monotonic() - started >= 0.15


async def test_cancelling_during_latency_propagates(
    mock: MockOpenAI, client: openai.AsyncOpenAI
) -> None:
    mock.add_text("Never seen.", latency=60)

    task = asyncio.create_task(client.chat.completions.create(model=MODEL, messages=HELLO))
    for _ in range(500):  # wait until the request is inside the mock's sleep
        if mock.requests:
            break
        await asyncio.sleep(0.01)
    assert mock.requests
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=10)  # far below the 60 s latency
    assert task.cancelled()


# -- routing and bookkeeping -------------------------------------------------------------------


async def test_default_reply_when_nothing_is_scripted(
    mock: MockOpenAI, client: openai.AsyncOpenAI
) -> None:
    completion = await client.chat.completions.create(model=MODEL, messages=HELLO)
    response = await client.responses.create(model=MODEL, input="hi")

    assert completion.choices[0].message.content == "Mock reply."
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (12, 8)
    assert response.output_text == "Mock reply."
    assert response.usage is not None
    assert response.usage.total_tokens == 20
    assert mock.unanswered == []


async def test_unanswered_request_gets_400_and_fails_stop() -> None:
    mock = MockOpenAI(base_url="https://llm.example/v1").start()
    try:
        mock.add_text("Only for the big model.", model="big")
        async with openai.AsyncOpenAI(
            api_key="sk-test", base_url=mock.base_url, max_retries=0
        ) as client:
            with pytest.raises(openai.BadRequestError) as error:
                await client.chat.completions.create(
                    model="small",
                    messages=[{"role": "user", "content": [{"type": "text", "text": "Ping?"}]}],
                )
    finally:
        with pytest.raises(AssertionError, match=r"1 request\(s\) matched no scripted reply"):
            mock.stop()

    message = error.value.message
    assert "MockOpenAI: no scripted reply matches this request" in message
    assert "endpoint=chat, model='small', last user message='Ping?'" in message
    assert "add_text()/add_tool_call()" in message
    assert "model='big'" in message  # the queued reply that did not match
    assert [r.model for r in mock.unanswered] == ["small"]


async def test_exhausted_queue_is_unanswered(mock: MockOpenAI, client: openai.AsyncOpenAI) -> None:
    mock.add_text("Once.")
    await client.responses.create(model=MODEL, input="first")

    with pytest.raises(openai.BadRequestError, match="the queue is empty"):
        await client.responses.create(model=MODEL, input="second")

    assert [r.last_user_message for r in mock.unanswered] == ["second"]
    mock.unanswered.clear()  # let the fixture's stop() pass


def test_exit_does_not_mask_the_propagating_exception() -> None:
    with pytest.raises(ValueError, match="boom"), MockOpenAI() as mock:
        mock.add_text("unused", model="other")
        client = openai.OpenAI(api_key="sk-test", base_url=mock.base_url, max_retries=0)
        with client, pytest.raises(openai.BadRequestError):
            client.chat.completions.create(model=MODEL, messages=HELLO)
        raise ValueError("boom")


async def test_model_and_match_routing(mock: MockOpenAI, client: openai.AsyncOpenAI) -> None:
    mock.add_text("For the writer.", model="writer")
    mock.add_text("About weather.", match=lambda r: "weather" in (r.last_user_message or ""))
    mock.add_text("For the researcher.", model="researcher")

    async def ask(model: str, question: str) -> str | None:
        messages: list[ChatCompletionMessageParam] = [{"role": "user", "content": question}]
        completion = await client.chat.completions.create(model=model, messages=messages)
        return completion.choices[0].message.content

    assert await ask("researcher", "find papers") == "For the researcher."
    assert await ask("planner", "what weather tomorrow?") == "About weather."
    assert await ask("writer", "write") == "For the writer."
    assert mock.pending == []


async def test_broken_match_predicate_is_reported(
    mock: MockOpenAI, client: openai.AsyncOpenAI
) -> None:
    mock.add_text("never", match=lambda r: 1 / 0 > 0)

    with pytest.raises(openai.BadRequestError, match="predicate raised ZeroDivisionError"):
        await client.responses.create(model=MODEL, input="hi")
    mock.unanswered.clear()
    mock.reset()


async def test_requests_are_recorded(mock: MockOpenAI, client: openai.AsyncOpenAI) -> None:
    first = mock.add_text("a")
    mock.add_text("b")
    await client.chat.completions.create(model=MODEL, messages=HELLO)
    stream = await client.responses.create(
        model="other", input=[{"role": "user", "content": "hey"}], stream=True
    )
    async for _ in stream:
        pass

    chat, responses = mock.requests
    assert (chat.endpoint, chat.model, chat.stream) == ("chat", MODEL, False)
    assert chat.url == "https://api.openai.com/v1/chat/completions"
    assert chat.json["messages"] == HELLO
    assert chat.headers["authorization"] == "Bearer sk-test"
    assert (responses.endpoint, responses.model, responses.stream) == ("responses", "other", True)
    assert responses.last_user_message == "hey"
    assert first.answered == [chat]
    assert first.used


async def test_unmocked_urls_fail(mock: MockOpenAI, client: openai.AsyncOpenAI) -> None:
    # openai 2.x wraps the mock's assertion in APIConnectionError; 3.x lets it through as is.
    with pytest.raises((openai.APIConnectionError, AssertionError)) as error:
        await client.embeddings.create(model="text-embedding-3-small", input="x")
    failure = error.value if OPENAI_MAJOR >= 3 else error.value.__cause__
    assert isinstance(failure, UnmockedRequestError)
    assert "not mocked" in str(failure)
    async with httpx.AsyncClient() as http:
        with pytest.raises(UnmockedRequestError, match=r"example\.org"):
            await http.get("https://example.org/")
    assert mock.unmocked == [
        "POST https://api.openai.com/v1/embeddings",
        "GET https://example.org/",
    ]
    mock.unmocked.clear()  # sent on purpose: let the fixture's stop() pass


def test_unmocked_urls_fail_for_sync_clients_too(mock: MockOpenAI) -> None:
    with httpx.Client() as http, pytest.raises(UnmockedRequestError, match=r"example\.org"):
        http.get("https://example.org/")
    assert mock.unmocked == ["GET https://example.org/"]
    mock.unmocked.clear()


async def test_stop_restores_httpx_and_a_nested_mock_serves_its_own_base_url() -> None:
    real = httpx.AsyncHTTPTransport.handle_async_request
    with MockOpenAI() as outer:
        assert httpx.AsyncHTTPTransport.handle_async_request is not real
        outer.add_text("From the outer mock.")
        with MockOpenAI(base_url="https://other.test/v1") as inner:
            inner.add_text("From the inner mock.")
            async with httpx.AsyncClient() as http:
                for base_url, text in (
                    (outer.base_url, "From the outer mock."),
                    (inner.base_url, "From the inner mock."),
                ):
                    answer = await http.post(
                        f"{base_url}/chat/completions", json={"model": MODEL, "messages": HELLO}
                    )
                    assert answer.json()["choices"][0]["message"]["content"] == text
                # Neither serves it: the outermost mock fails it (and records it).
                with pytest.raises(UnmockedRequestError, match=r"api\.openai\.com"):
                    await http.get("https://example.org/")
                assert (inner.unmocked, outer.unmocked) == ([], ["GET https://example.org/"])
                outer.unmocked.clear()
    assert httpx.AsyncHTTPTransport.handle_async_request is real


async def test_a_respx_router_of_the_test_still_serves_other_urls() -> None:
    respx = pytest.importorskip("respx")
    with MockOpenAI() as mock, respx.mock(assert_all_called=False) as router:
        router.get("https://example.org/data").respond(json={"ok": True})
        async with httpx.AsyncClient() as http:
            assert (await http.get("https://example.org/data")).json() == {"ok": True}
            answer = await http.post(
                f"{mock.base_url}/chat/completions", json={"model": MODEL, "messages": HELLO}
            )
            assert answer.json()["choices"][0]["message"]["content"] == "Mock reply."
            with pytest.raises(respx.models.AllMockedAssertionError):
                await http.get("https://example.org/elsewhere")


@pytest.mark.skipif(OPENAI_MAJOR < 3, reason="httpx2 comes with openai 3.x")
async def test_unmocked_httpx2_urls_fail_and_stop_restores_the_transport() -> None:
    http = sdk_http()
    real = http.AsyncHTTPTransport.handle_async_request
    with MockOpenAI() as mock:
        assert http.AsyncHTTPTransport.handle_async_request is not real
        async with http.AsyncClient() as client:
            with pytest.raises(UnmockedRequestError, match=r"example\.org"):
                await client.get("https://example.org/")
            # Only POSTs to the two endpoints are served.
            with pytest.raises(UnmockedRequestError):
                await client.get(f"{mock.base_url}/chat/completions")
        assert len(mock.unmocked) == 2
        mock.unmocked.clear()
        with http.Client() as sync_client:
            answer = sync_client.post(
                f"{mock.base_url}/chat/completions", json={"model": MODEL, "messages": HELLO}
            )
            assert answer.json()["choices"][0]["message"]["content"] == "Mock reply."
    assert http.AsyncHTTPTransport.handle_async_request is real


def test_assert_all_used_and_assert_all_called() -> None:
    mock = MockOpenAI(assert_all_called=True).start()
    try:
        mock.add_text("used")
        mock.add_tool_call("never_called", {})
        with openai.OpenAI(api_key="sk-test", base_url=mock.base_url, max_retries=0) as client:
            client.chat.completions.create(model=MODEL, messages=HELLO)

        with pytest.raises(
            AssertionError, match=r"(?s)1 scripted reply.*- tool_calls never_called"
        ):
            mock.assert_all_used()
    finally:
        with pytest.raises(AssertionError, match="never_called"):
            mock.stop()


def test_sync_client_streams_and_waits() -> None:
    with MockOpenAI() as mock:
        mock.add_text("Sync hello world", latency=0.1)
        mock.add_tool_call("f", {"x": 1})
        with openai.OpenAI(api_key="sk-test", base_url=mock.base_url, max_retries=0) as client:
            started = time.monotonic()
            stream = client.chat.completions.create(
                model=MODEL,
                messages=HELLO,
                stream=True,
                stream_options={"include_usage": True},
            )
            chunks = list(stream)
            waited = time.monotonic() - started
            response = client.responses.create(model=MODEL, input="hi")

    assert waited >= 0.05
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == (
        "Sync hello world"
    )
    assert response.output[0].type == "function_call"


async def test_ids_are_sequential_and_reset_restarts_them(
    mock: MockOpenAI, client: openai.AsyncOpenAI
) -> None:
    first = await client.chat.completions.create(model=MODEL, messages=HELLO)
    mock.reset()
    again = await client.chat.completions.create(model=MODEL, messages=HELLO)

    assert first.id == again.id == "chatcmpl-mock0001"
    assert len(mock.requests) == 1


def test_invalid_scripts_are_rejected() -> None:
    mock = MockOpenAI()
    with pytest.raises(ValueError, match="chunks"):
        mock.add_text("x", chunks=0)
    with pytest.raises(ValueError, match="times"):
        mock.add_error(times=0)
    with pytest.raises(ValueError, match="latency"):
        mock.add_raw(200, "{}", latency=-1)
    with pytest.raises(ValueError, match="at least one call"):
        mock.add_tool_calls([])
    with mock, pytest.raises(RuntimeError, match="already started"):
        mock.start()


async def test_sync_client_inside_a_running_loop_gets_a_blocking_delay() -> None:
    # Only respx's async handler awaits side effects; a sync call from async code must not get one.
    with MockOpenAI() as mock:
        mock.add_text("Blocking.", latency=0.05)
        with openai.OpenAI(api_key="sk-test", base_url=mock.base_url, max_retries=0) as client:
            completion = client.chat.completions.create(model=MODEL, messages=HELLO)

    assert completion.choices[0].message.content == "Blocking."


# -- bounded recording --------------------------------------------------------------------------


async def test_keep_requests_bounds_every_log() -> None:
    with MockOpenAI(keep_requests=2) as mock:
        client = openai.AsyncOpenAI(api_key="sk-test", base_url=mock.base_url, max_retries=0)
        reply = mock.add_text("hi", times=5)
        for i in range(5):
            await client.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": f"q{i}"}]
            )
        assert [r.json["messages"][0]["content"] for r in mock.requests] == ["q3", "q4"]
        assert [r.json["messages"][0]["content"] for r in reply.answered] == ["q3", "q4"]

        mock.keep_requests = 0  # takes effect at once, and for the next requests
        assert mock.requests == []
        mock.add_text("still answered")
        out = await client.chat.completions.create(model=MODEL, messages=HELLO)
        assert out.choices[0].message.content == "still answered"
        assert mock.requests == []
        await client.close()


def test_keep_requests_rejects_a_negative_bound() -> None:
    with pytest.raises(ValueError, match="keep_requests"):
        MockOpenAI(keep_requests=-1)


async def test_a_bounded_mock_does_not_show_as_growth_in_a_growth_tracked_eval() -> None:
    """A mock that keeps every request is memory a growth-tracked eval reports per iteration;
    bounded, the same agent runs show (almost) none."""
    from agno_core.agent import Agent
    from agno_core.eval.performance import PerformanceEval
    from agno_core.models.openai import OpenAIChat

    async def growth(keep: int | None) -> float:
        with MockOpenAI(keep_requests=keep):
            agent = Agent(model=OpenAIChat(id=MODEL, api_key="sk-test"))

            async def run() -> None:
                for _ in range(5):
                    await agent.arun("hello")

            result = await PerformanceEval(
                func=run, num_iterations=4, warmup_runs=1, memory_growth_tracking=True
            ).arun()
            assert result.avg_growth_per_iteration is not None
            return result.avg_growth_per_iteration

    kept_all, bounded = await growth(None), await growth(0)
    assert kept_all > 5 * 1024  # five model calls' requests and responses, kept
    assert bounded < kept_all / 4
