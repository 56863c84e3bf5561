"""Agno's model options on both OpenAI models: request options on the wire, client options,
roles, the model's own instructions, model-level retries, and options accepted at their default
only. Agno 3.1.10 sends the same bodies for these options (compared on the same mock)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import openai
import pytest
from pydantic import BaseModel

from agno_core.agent import Agent
from agno_core.exceptions import NotSupportedError
from agno_core.models.openai import OpenAIChat, OpenAIResponses
from agno_core.models.openai._common import OpenAIBase
from agno_core.run.base import RunStatus
from agno_core.team import Team
from pytest_agno.mock import MockOpenAI
from tests.openai_line import sdk_http

AgentMaker = Callable[..., Agent]
ModelFactory = Callable[..., OpenAIBase]


def _system(body: dict[str, Any]) -> tuple[str, str]:
    """The first message's (role, text), on either endpoint."""
    first = (body.get("messages") or body.get("input"))[0]
    return first["role"], first["content"]


async def test_chat_request_options_reach_the_body(mock_model: MockOpenAI) -> None:
    model = OpenAIChat(
        id="o4-mini",
        max_retries=0,
        max_tokens=100,
        max_completion_tokens=200,
        frequency_penalty=0.5,
        presence_penalty=-0.5,
        logit_bias={"50256": -100},
        logprobs=True,
        top_logprobs=2,
        reasoning_effort="high",
        verbosity="low",
        store=False,
        metadata={"team": "billing"},
        service_tier="flex",
    )

    await Agent(model=model).arun("x")

    body = mock_model.requests[0].json
    assert {k: v for k, v in body.items() if k not in ("model", "messages")} == {
        "max_tokens": 100,
        "max_completion_tokens": 200,
        "frequency_penalty": 0.5,
        "presence_penalty": -0.5,
        "logit_bias": {"50256": -100},
        "logprobs": True,
        "top_logprobs": 2,
        "reasoning_effort": "high",
        "verbosity": "low",
        "store": False,
        "metadata": {"team": "billing"},
        "service_tier": "flex",
    }


async def test_responses_request_options_reach_the_body(mock_model: MockOpenAI) -> None:
    model = OpenAIResponses(
        id="gpt-5-mini",
        max_retries=0,
        include=["reasoning.encrypted_content"],
        max_tool_calls=3,
        parallel_tool_calls=False,
        reasoning={"summary": "concise"},
        reasoning_effort="low",
        verbosity="high",
        store=True,
        truncation="auto",
        metadata={"team": "billing"},
        service_tier="priority",
        use_previous_response_id=False,
    )

    await Agent(model=model).arun("x")

    body = mock_model.requests[0].json
    assert body["reasoning"] == {"summary": "concise", "effort": "low"}
    assert body["text"] == {"verbosity": "high"}
    assert body["include"] == ["reasoning.encrypted_content"]
    assert (body["max_tool_calls"], body["parallel_tool_calls"]) == (3, False)
    assert (body["store"], body["truncation"], body["service_tier"]) == (True, "auto", "priority")
    assert body["metadata"] == {"team": "billing"}
    assert model.reasoning == {"summary": "concise"}  # the model's own dict is not changed


async def test_reasoning_summary_alone_and_verbosity_with_structured_output(
    mock_model: MockOpenAI,
) -> None:
    class Answer(BaseModel):
        city: str

    mock_model.add_json({"city": "Paris"})
    model = OpenAIResponses(id="gpt-5", max_retries=0, reasoning_summary="auto", verbosity="low")

    run = await Agent(model=model, output_schema=Answer).arun("x")

    assert run.content == Answer(city="Paris")
    body = mock_model.requests[0].json
    assert body["reasoning"] == {"summary": "auto"}
    assert body["text"]["verbosity"] == "low"
    assert body["text"]["format"]["name"] == "Answer"


async def test_unset_options_are_not_sent(make_agent: AgentMaker, mock_model: MockOpenAI) -> None:
    await make_agent().arun("x")

    body = mock_model.requests[0].json
    # Agno sends the Responses API an empty "reasoning" when no reasoning option is set.
    assert set(body) - {"reasoning"} <= {"model", "messages", "input"}
    assert body.get("reasoning", {}) == {}


async def test_strict_output_false_asks_for_non_strict_structured_output(
    make_model: ModelFactory, mock_model: MockOpenAI, endpoint: str
) -> None:
    class Answer(BaseModel):
        city: str

    mock_model.add_json({"city": "Paris"})

    run = await Agent(model=make_model(strict_output=False), output_schema=Answer).arun("x")

    assert run.content == Answer(city="Paris")
    body = mock_model.requests[0].json
    fmt = body["response_format"]["json_schema"] if endpoint == "chat" else body["text"]["format"]
    assert fmt["strict"] is False


async def test_extra_headers_query_and_body_reach_the_request(
    make_model: ModelFactory, mock_model: MockOpenAI
) -> None:
    model = make_model(
        extra_headers={"X-Trace": "t-1"},
        extra_query={"api-version": "2025-01-01"},
        extra_body={"custom_field": {"a": 1}},
    )

    agent = Agent(model=model)
    await agent.arun("x")
    [_ async for _ in agent.arun("y", stream=True)]

    for request in mock_model.requests:
        assert request.headers["x-trace"] == "t-1"
        assert "api-version=2025-01-01" in request.url
        assert request.json["custom_field"] == {"a": 1}


async def test_request_params_still_win(make_model: ModelFactory, mock_model: MockOpenAI) -> None:
    model = make_model(temperature=0.1, request_params={"temperature": 0.9})

    await Agent(model=model).arun("x")

    assert mock_model.requests[0].json["temperature"] == 0.9


async def test_system_message_roles(mock_model: MockOpenAI) -> None:
    async def first_role(model: OpenAIBase) -> str:
        await Agent(model=model, instructions="Be brief.").arun("x")
        return _system(mock_model.requests[-1].json)[0]

    assert await first_role(OpenAIChat(max_retries=0)) == "developer"  # as in Agno 3.1
    kept = OpenAIChat(max_retries=0, role_map={"system": "system"})
    assert await first_role(kept) == "system"
    assert await first_role(OpenAIResponses(max_retries=0)) == "developer"
    system = OpenAIResponses(max_retries=0, role_map={"system": "system"})
    assert await first_role(system) == "system"


async def test_the_models_instructions_and_system_prompt_join_the_system_message(
    make_model: ModelFactory, mock_model: MockOpenAI
) -> None:
    model = make_model(instructions=["Answer in French."], system_prompt="You are terse.")

    await Agent(model=model, instructions="Be brief.").arun("x")
    await Agent(model=model).arun("y")

    assert _system(mock_model.requests[0].json)[1] == (
        "- Be brief.\n- Answer in French.\n\nYou are terse."
    )
    assert _system(mock_model.requests[1].json)[1] == "Answer in French.\n\nYou are terse."


async def test_a_teams_model_instructions_join_the_leaders_system_message(
    mock_model: MockOpenAI,
) -> None:
    model = OpenAIChat(max_retries=0, instructions=["Cite the member."], system_prompt="Terse.")
    team = Team(members=[Agent(name="Helper")], model=model, instructions="Coordinate.")

    await team.arun("x")

    text = _system(mock_model.requests[0].json)[1]
    assert "- Coordinate.\n- Cite the member." in text
    assert text.endswith("\n\nTerse.")


# -- model-level retries ---------------------------------------------------------------------


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays the model's retries waited (not waited for real)."""
    waited: list[float] = []

    async def sleep(delay: float) -> None:
        waited.append(delay)

    monkeypatch.setattr("agno_core.models.openai._common.asyncio.sleep", sleep)
    return waited


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
async def test_retries_try_the_call_again_after_a_server_error(
    make_model: ModelFactory, mock_model: MockOpenAI, sleeps: list[float], stream: bool
) -> None:
    mock_model.add_error(503, "overloaded", times=2)
    mock_model.add_text("Finally.", input_tokens=7, output_tokens=3)
    model = make_model(retries=2, delay_between_retries=2, exponential_backoff=True)

    agent = Agent(model=model)
    if stream:
        run = [item async for item in agent.arun("x", stream=True, yield_run_output=True)][-1]
    else:
        run = await agent.arun("x")

    assert run.status is RunStatus.completed
    assert run.content == "Finally."
    assert mock_model.request_count == 3
    assert sleeps == [2, 4]
    assert (run.metrics.input_tokens, run.metrics.output_tokens) == (7, 3)


async def test_retries_give_up_after_the_last_attempt(
    make_model: ModelFactory,
    mock_model: MockOpenAI,
    sleeps: list[float],
    caplog: pytest.LogCaptureFixture,
) -> None:
    mock_model.add_error(500, "boom", times=3)
    caplog.set_level(logging.WARNING, logger="agno_core.models")

    run = await Agent(model=make_model(retries=2)).arun("x")

    assert run.status is RunStatus.error
    assert "boom" in (run.error or "")
    assert mock_model.request_count == 3
    assert sleeps == [1, 1]
    assert "attempt 1 of 3" in caplog.text


@pytest.mark.parametrize(
    ("status", "message"),
    [(400, "bad request"), (401, "bad key"), (404, "no such model"), (429, "context window")],
)
async def test_errors_a_retry_cannot_fix_are_not_retried(
    make_model: ModelFactory, mock_model: MockOpenAI, sleeps: list[float], status: int, message: str
) -> None:
    mock_model.add_error(status, f"{message} (HTTP {status})")

    run = await Agent(model=make_model(retries=3)).arun("x")

    assert run.status is RunStatus.error
    assert mock_model.request_count == 1
    assert sleeps == []


async def test_a_stream_that_failed_after_its_first_words_is_not_retried(
    mock_model: MockOpenAI, sleeps: list[float]
) -> None:
    chunk = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "gpt-4o",
        "choices": [{"index": 0, "delta": {"content": "Hello"}, "finish_reason": None}],
    }
    mock_model.add_raw(
        200, f"data: {json.dumps(chunk)}\n\ndata: {{broken\n\n", content_type="text/event-stream"
    )
    agent = Agent(model=OpenAIChat(max_retries=0, retries=2))

    items = [item async for item in agent.arun("x", stream=True, yield_run_output=True)]

    assert items[-1].status is RunStatus.error
    assert mock_model.request_count == 1  # the words already delivered are not sent twice
    assert sleeps == []


# -- client options --------------------------------------------------------------------------


async def test_client_options_reach_the_request(
    make_model: ModelFactory, mock_model: MockOpenAI
) -> None:
    model = make_model(
        default_query={"tenant": "acme"},
        client_params={"default_headers": {"X-Client": "mine"}},
        http_client=openai.DefaultAsyncHttpxClient(headers={"X-Transport": "custom"}),
    )

    await Agent(model=model).arun("x")

    request = mock_model.requests[0]
    assert "tenant=acme" in request.url
    assert request.headers["x-client"] == "mine"
    assert request.headers["x-transport"] == "custom"


async def test_a_synchronous_http_client_is_ignored_with_a_warning(
    make_model: ModelFactory, mock_model: MockOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="agno_core.models")
    with sdk_http().Client() as sync_http:
        run = await Agent(model=make_model(http_client=sync_http)).arun("x")

    assert run.status is RunStatus.completed
    assert "http_client is not an asynchronous HTTP client" in caplog.text


async def test_agnos_async_client_field_is_used(
    make_model: ModelFactory, mock_model: MockOpenAI
) -> None:
    async with openai.AsyncOpenAI(api_key="sk-async-client", max_retries=0) as client:
        await Agent(model=make_model(async_client=client)).arun("x")

    assert mock_model.requests[0].headers["authorization"] == "Bearer sk-async-client"


async def test_a_synchronous_openai_client_lends_its_settings(
    make_model: ModelFactory, mock_model: MockOpenAI
) -> None:
    with openai.OpenAI(
        api_key="sk-sync-client", max_retries=0, default_headers={"X-From": "sync"}
    ) as client:
        run = await Agent(model=make_model(client=client)).arun("x")

    assert run.status is RunStatus.completed
    request = mock_model.requests[0]
    assert request.headers["authorization"] == "Bearer sk-sync-client"
    assert request.headers["x-from"] == "sync"


def test_secrets_in_options_stay_out_of_repr_and_storage() -> None:
    model = OpenAIChat(
        api_key="sk-secret-1",
        extra_headers={"Authorization": "Bearer sk-secret-2"},
        client_params={"api_key": "sk-secret-3"},
        default_query={"key": "sk-secret-4"},
    )

    for text in (repr(model), json.dumps(model.to_dict())):
        assert "sk-secret" not in text


# -- options accepted at Agno's default only -------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "option", "value"),
    [
        (OpenAIChat, "cache_response", True),
        (OpenAIChat, "modalities", ["text", "audio"]),
        (OpenAIChat, "audio", {"voice": "alloy", "format": "wav"}),
        (OpenAIChat, "tool_message_role", "function"),
        (OpenAIChat, "supports_native_structured_outputs", False),
        (OpenAIResponses, "background", True),
        (OpenAIResponses, "cache_dir", "/tmp/cache"),
        (OpenAIResponses, "vector_store_name", "docs"),
    ],
)
def test_options_not_implemented_are_refused_by_name(
    cls: type[OpenAIBase], option: str, value: Any
) -> None:
    with pytest.raises(NotSupportedError, match=rf"{cls.__name__}\({option}="):
        cls(**{option: value})


def test_options_at_agnos_defaults_are_accepted() -> None:
    OpenAIChat(
        cache_response=False,
        modalities=None,
        tool_message_role="tool",
        assistant_message_role="assistant",
        supports_native_structured_outputs=True,
        collect_metrics_on_completion=True,
        retry_with_guidance=False,
    )
    OpenAIResponses(background=False, vector_store_name="knowledge_base", cache_ttl=None)
