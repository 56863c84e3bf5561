"""Models given as ``"<provider>:<model id>"`` strings, and the model id as the positional
argument (``OpenAIChat("gpt-4o")``), as Agno accepts them."""

from __future__ import annotations

import pytest

from agno_core.agent import Agent
from agno_core.exceptions import NotSupportedError
from agno_core.models.openai import OpenAIChat, OpenAIResponses
from agno_core.models.utils import get_model
from pytest_agno.mock import MockOpenAI


@pytest.mark.parametrize(
    ("text", "cls", "model_id"),
    [
        ("openai:gpt-4o", OpenAIResponses, "gpt-4o"),
        ("OpenAI-Responses: gpt-5-mini ", OpenAIResponses, "gpt-5-mini"),
        ("openai-chat:gpt-4o-mini", OpenAIChat, "gpt-4o-mini"),
    ],
)
def test_openai_model_strings(text: str, cls: type, model_id: str) -> None:
    model = get_model(text)

    assert type(model) is cls
    assert model is not None and model.id == model_id


def test_a_model_object_or_none_is_returned_as_is() -> None:
    model = OpenAIChat(id="x")

    assert get_model(model) is model
    assert get_model(None) is None


@pytest.mark.parametrize("text", ["gpt-4o", "openai:", ":gpt-4o"])
def test_malformed_strings_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="invalid model string"):
        get_model(text)


def test_other_providers_are_refused_by_name() -> None:
    with pytest.raises(NotSupportedError, match="model provider 'anthropic' is not supported"):
        get_model("anthropic:claude-sonnet-4")


async def test_agent_takes_a_model_string(mock_model: MockOpenAI) -> None:
    agent = Agent(model="openai:gpt-4o")

    run = await agent.arun("hi")

    assert run.content
    request = mock_model.requests[0]
    assert (request.endpoint, request.model) == ("responses", "gpt-4o")


@pytest.mark.parametrize("cls", [OpenAIChat, OpenAIResponses])
async def test_the_model_id_is_the_positional_argument(
    mock_model: MockOpenAI, cls: type[OpenAIChat] | type[OpenAIResponses]
) -> None:
    model = cls("o3-mini")

    await Agent(model=model).arun("hi")

    assert model.id == "o3-mini"
    assert mock_model.requests[0].model == "o3-mini"
