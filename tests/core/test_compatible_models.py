"""`OpenAILike` and `OpenResponses`: Agno's models for OpenAI-compatible servers (their requests
checked equal to Agno 3.1.10's on the same mock)."""

from __future__ import annotations

import pytest

from agno_core.agent import Agent
from agno_core.models.openai import OpenAILike, OpenResponses
from agno_core.models.openai.like import OpenAILike as LikeFromModule
from agno_core.models.openai.open_responses import OpenResponses as OpenFromModule
from agno_core.run.base import RunStatus
from pytest_agno.mock import MockOpenAI

GATEWAY = "http://gateway.local/v1"


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch) -> MockOpenAI:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # these servers need none
    with MockOpenAI(base_url=GATEWAY) as mock:
        yield mock  # type: ignore[misc]


async def test_openai_like_speaks_chat_completions_to_the_server(gateway: MockOpenAI) -> None:
    model = OpenAILike(id="llama-3.1-8b", base_url=GATEWAY)
    run = await Agent(model=model, instructions="Be brief.").arun("hi")

    assert run.status is RunStatus.completed
    [request] = gateway.requests
    assert request.url == f"{GATEWAY}/chat/completions"
    assert request.headers["authorization"] == "Bearer not-provided"
    assert request.json["model"] == "llama-3.1-8b"
    assert request.json["messages"][0] == {"role": "system", "content": "Be brief."}
    [entry] = run.metrics.details["model"]
    assert (run.model_provider, entry.provider) == ("OpenAI", "OpenAI")
    assert "not-provided" not in repr(model)


async def test_open_responses_speaks_the_responses_api_without_storing(
    gateway: MockOpenAI,
) -> None:
    model = OpenResponses(id="gpt-oss:20b", base_url=GATEWAY, api_key="sk-local")
    run = await Agent(model=model).arun("hi")

    assert run.status is RunStatus.completed
    [request] = gateway.requests
    assert request.url == f"{GATEWAY}/responses"
    assert request.json["store"] is False
    assert request.headers["authorization"] == "Bearer sk-local"
    [entry] = run.metrics.details["model"]
    assert (run.model_provider, entry.provider) == ("OpenResponses", "OpenResponses Responses")


def test_defaults_and_module_paths() -> None:
    assert LikeFromModule is OpenAILike and OpenFromModule is OpenResponses
    assert (OpenAILike().id, OpenAILike().name) == ("not-provided", "OpenAILike")
    assert OpenAILike("qwen").id == "qwen"  # the id may be positional, as in Agno
    assert (OpenResponses().provider, OpenResponses().store) == ("OpenResponses", False)
