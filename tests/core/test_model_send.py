"""Model requests posted without the SDK's parameter walk (`agno_core.models.openai._send`): the
same request on the wire as ``create()`` (Chat Completions and Responses), and ``create()``
itself whenever someone wraps it or the user's ``request_params`` are involved."""

from __future__ import annotations

import importlib
import json
from typing import Any

import openai
import pytest
from openai.resources.chat.completions import AsyncCompletions

from agno_core.agent import Agent
from agno_core.models.openai import OpenAIChat, OpenAIResponses
from agno_core.models.openai._send import Endpoint, create, posts_directly
from tests.openai_line import sdk_http

_USAGE = {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
_COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 0,
    "model": "gpt-4o",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "ok"},
            "logprobs": None,
            "finish_reason": "stop",
        }
    ],
    "usage": _USAGE,
}
_CHUNKS = [
    {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "gpt-4o",
        "choices": [{"index": 0, "delta": {"content": "ok"}, "finish_reason": None}],
    },
    {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "gpt-4o",
        "choices": [],
        "usage": _USAGE,
    },
]
_RESPONSE = {
    "id": "resp_1",
    "object": "response",
    "created_at": 0,
    "model": "gpt-4o",
    "status": "completed",
    "output": [
        {
            "type": "message",
            "id": "msg_1",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": "ok", "annotations": []}],
        }
    ],
    "parallel_tool_calls": True,
    "tool_choice": "auto",
    "tools": [],
    "usage": {
        "input_tokens": 3,
        "output_tokens": 2,
        "total_tokens": 5,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens_details": {"reasoning_tokens": 0},
    },
}
_RESPONSE_EVENTS = [
    {
        "type": "response.output_text.delta",
        "item_id": "msg_1",
        "output_index": 0,
        "content_index": 0,
        "delta": "ok",
        "sequence_number": 1,
        "logprobs": [],
    },
    {"type": "response.completed", "response": _RESPONSE, "sequence_number": 2},
]
_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
# Pieces the bodies of both APIs share: short conversations, a tool call, the City schema.
_HI = [{"role": "user", "content": "hi"}]
_A_CITY = [{"role": "user", "content": "A city?"}]
_CALL_ID, _ARGUMENTS = "call_1", '{"city": "Paris"}'
_CITY_SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string"}},
    "required": ["name"],
    "additionalProperties": False,
}


def _weather_question(system_role: str) -> list[dict[str, Any]]:
    """The instructions (sent as ``developer``, as Agno does) and the question."""
    return [
        {"role": system_role, "content": "Be brief."},
        {"role": "user", "content": "Weather in Paris?"},
    ]


def _chat(messages: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    return {"model": "gpt-4o", "messages": messages, **options}


def _responses(items: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    return {"model": "gpt-4o", "input": items, **options}


# Every shape of body the adapter builds: system and user text, tools, an assistant's tool call
# and its result (content ""), structured output, sampling options, streaming.
CHAT_BODIES: dict[str, dict[str, Any]] = {
    "one message": _chat(_HI),
    "tools and a tool round": _chat(
        [
            *_weather_question("developer"),
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": _CALL_ID,
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": _ARGUMENTS},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": _CALL_ID, "content": "Sunny."},
        ],
        tools=[_TOOL],
        tool_choice="auto",
        temperature=0.2,
        max_completion_tokens=50,
        seed=7,
        stop=["END"],
        user="u1",
    ),
    "structured output": _chat(
        _A_CITY,
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "City", "schema": _CITY_SCHEMA, "strict": True},
        },
    ),
    "streamed": _chat(_HI, stream=True, stream_options={"include_usage": True}),
}

# The same for the Responses API: developer and user items, a function call and its output.
RESPONSES_BODIES: dict[str, dict[str, Any]] = {
    "one message": _responses(_HI),
    "tools and a tool round": _responses(
        [
            *_weather_question("developer"),
            {
                "type": "function_call",
                "call_id": _CALL_ID,
                "name": "get_weather",
                "arguments": _ARGUMENTS,
            },
            {"type": "function_call_output", "call_id": _CALL_ID, "output": "Sunny."},
        ],
        tools=[{"type": "function", **_TOOL["function"]}],  # type: ignore[dict-item]
        tool_choice={"type": "function", "name": "get_weather"},
        temperature=0.2,
        max_output_tokens=50,
        user="u1",
    ),
    "structured output": _responses(
        _A_CITY,
        text={
            "format": {
                "type": "json_schema",
                "name": "City",
                "schema": _CITY_SCHEMA,
                "strict": True,
            }
        },
    ),
    "streamed": _responses(_HI, stream=True),
}
CASES = [("chat", name) for name in CHAT_BODIES] + [
    ("responses", name) for name in RESPONSES_BODIES
]


class _Server:
    """An in-memory OpenAI endpoint on the SDK's own HTTP library; records each request."""

    def __init__(self) -> None:
        self.requests: list[Any] = []

    def __call__(self, request: Any) -> Any:
        http = sdk_http()
        self.requests.append(request)
        chat = request.url.path.endswith("/chat/completions")
        if json.loads(request.content).get("stream"):
            if chat:
                lines = [f"data: {json.dumps(c)}\n\n" for c in _CHUNKS] + ["data: [DONE]\n\n"]
            else:
                lines = [f"data: {json.dumps(e)}\n\n" for e in _RESPONSE_EVENTS]
            headers = {"content-type": "text/event-stream"}
            return http.Response(200, content="".join(lines).encode(), headers=headers)
        return http.Response(200, json=_COMPLETION if chat else _RESPONSE)

    def client(self) -> openai.AsyncOpenAI:
        transport = sdk_http().MockTransport(self)
        return openai.AsyncOpenAI(
            api_key="sk-test",
            base_url="http://openai.test/v1",
            max_retries=0,
            http_client=openai.DefaultAsyncHttpxClient(transport=transport),
        )


def _wire(request: Any) -> tuple[str, str, dict[str, str], Any]:
    headers = dict(request.headers)
    return request.method, str(request.url), headers, json.loads(request.content)


async def _result(response: Any) -> Any:
    if isinstance(response, openai.AsyncStream):
        return [chunk.model_dump() async for chunk in response]
    return response.model_dump()


def _walks(monkeypatch: pytest.MonkeyPatch, endpoint: Endpoint) -> list[Any]:
    """The SDK ``create()`` calls of ``endpoint`` from now on, seen at their parameter walk
    (``create`` itself stays the SDK's own)."""
    walked: list[Any] = []
    module = importlib.import_module(
        "openai.resources.chat.completions.completions"
        if endpoint == "chat"
        else "openai.resources.responses.responses"
    )
    original = module.async_maybe_transform

    async def counted(data: Any, expected_type: Any) -> Any:
        walked.append(expected_type)
        return await original(data, expected_type)

    monkeypatch.setattr(module, "async_maybe_transform", counted)
    return walked


@pytest.mark.parametrize(("endpoint", "name"), CASES)
async def test_the_request_on_the_wire_is_the_one_create_sends(
    endpoint: Endpoint, name: str
) -> None:
    server = _Server()
    client = server.client()
    body = (CHAT_BODIES if endpoint == "chat" else RESPONSES_BODIES)[name]
    resource = client.chat.completions if endpoint == "chat" else client.responses
    assert posts_directly(client, endpoint, plain_json=True)

    direct = await _result(await create(client, endpoint, dict(body), plain_json=True))
    through_create = await _result(await resource.create(**body))

    first, second = server.requests
    assert _wire(first) == _wire(second)
    assert _wire(first)[2]["authorization"] == "Bearer sk-test"
    assert direct == through_create
    await client.close()


async def test_create_wrapped_on_the_class_still_sees_every_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Tracing instrumentation wraps ``AsyncCompletions.create``: agent runs go through it."""
    server = _Server()
    seen: list[dict[str, Any]] = []
    original = AsyncCompletions.create

    async def traced(self: Any, **kwargs: Any) -> Any:
        seen.append(kwargs)
        return await original(self, **kwargs)

    agent = Agent(model=OpenAIChat(id="gpt-4o", client=server.client()))
    await agent.arun("first")  # the process's one-time SDK warm-up is not counted
    monkeypatch.setattr(AsyncCompletions, "create", traced)

    result = await agent.arun("hi")
    streamed = [event async for event in agent.arun("hi", stream=True)]

    assert result.content == "ok" and streamed
    assert [kwargs["messages"][-1]["content"] for kwargs in seen] == ["hi", "hi"]
    assert len(server.requests) == 3


async def test_create_replaced_on_the_client_is_called() -> None:
    server = _Server()
    client = server.client()
    calls: list[dict[str, Any]] = []
    original = client.chat.completions.create

    async def double(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return await original(**kwargs)

    agent = Agent(model=OpenAIChat(id="gpt-4o", client=client))
    await agent.arun("first")  # the process's one-time SDK warm-up is not counted
    client.chat.completions.create = double  # type: ignore[method-assign]
    result = await agent.arun("hi")

    assert result.content == "ok"
    assert len(calls) == 1


async def test_request_params_go_through_create(monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's ``request_params`` may hold whatever ``create`` accepts (extra headers, typed
    values): create gets them, and walks them."""
    server = _Server()
    model = OpenAIChat(
        id="gpt-4o",
        client=server.client(),
        request_params={"extra_headers": {"x-team": "blue"}, "presence_penalty": 0.5},
    )
    agent = Agent(model=model)
    await agent.arun("first")  # the process's one-time SDK warm-up is not counted
    walked = _walks(monkeypatch, "chat")

    result = await agent.arun("hi")

    assert result.content == "ok"
    assert len(walked) == 1
    request = server.requests[-1]
    assert request.headers["x-team"] == "blue"
    assert json.loads(request.content)["presence_penalty"] == 0.5


@pytest.mark.parametrize("model_class", [OpenAIChat, OpenAIResponses])
async def test_agent_runs_post_directly_and_get_the_answer_and_usage(
    model_class: type[OpenAIChat | OpenAIResponses],
) -> None:
    server = _Server()
    client = server.client()
    posted: list[str] = []
    original = client.post

    async def post(path: str, **kwargs: Any) -> Any:
        posted.append(path)
        return await original(path, **kwargs)

    client.post = post  # type: ignore[method-assign]
    agent = Agent(model=model_class(id="gpt-4o", client=client))

    result = await agent.arun("hi")
    events = [event async for event in agent.arun("hi", stream=True)]

    assert result.content == "ok"
    assert result.metrics.total_tokens == 5
    assert any(getattr(e, "content", None) == "ok" for e in events)
    path, key = ("/chat/completions", "messages")
    if model_class is OpenAIResponses:
        path, key = ("/responses", "input")
    assert posted == [path] * 2
    assert [json.loads(r.content)[key][-1] for r in server.requests] == [
        {"role": "user", "content": "hi"}
    ] * 2


@pytest.mark.parametrize("model_class", [OpenAIChat, OpenAIResponses])
async def test_the_warm_up_pays_the_first_use_of_both_ways_of_sending(
    model_class: type[OpenAIChat | OpenAIResponses], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs post directly, but a model with ``request_params`` goes through ``create()``, whose
    parameter walk builds caches on first use (tens of ms): the warm-up takes both ways, so
    neither lands in a timed run."""
    from agno_core.models.openai import _warmup

    walked = _walks(monkeypatch, "chat" if model_class is OpenAIChat else "responses")
    monkeypatch.setattr(_warmup, "_warmed", set())
    posted: list[str] = []
    original_post = openai.AsyncOpenAI.post

    async def post(self: Any, path: str, **kwargs: Any) -> Any:
        posted.append(path)
        return await original_post(self, path, **kwargs)

    monkeypatch.setattr(openai.AsyncOpenAI, "post", post)

    await _warmup.warm_up(model_class(id="gpt-4o", api_key="sk-test"))

    assert len(walked) == 2  # create(), streamed and not
    assert len(posted) == 4  # those two, and the two posted directly
