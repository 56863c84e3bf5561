"""Agno's OpenAI models take their id positionally too: ``OpenAIChat("o3-mini")``."""

from __future__ import annotations

import pytest

from agno_core.agent import Agent
from agno_core.models.openai import OpenAIChat, OpenAIResponses
from pytest_agno.mock import MockOpenAI


@pytest.mark.parametrize("model_class", [OpenAIChat, OpenAIResponses])
async def test_the_positional_id_is_the_model_called(
    mock_model: MockOpenAI, model_class: type[OpenAIChat] | type[OpenAIResponses]
) -> None:
    model = model_class("gpt-4.1-mini")
    mock_model.add_text("Hi.", model="gpt-4.1-mini")

    run = await Agent(model=model).arun("Hello")

    assert model.id == "gpt-4.1-mini"
    assert mock_model.requests[0].model == "gpt-4.1-mini"
    assert run.model == "gpt-4.1-mini"


def test_the_id_still_defaults_and_other_options_stay_keyword_only() -> None:
    assert OpenAIChat().id == "gpt-4o"
    with pytest.raises(TypeError):
        OpenAIChat("gpt-4o", "sk-key")  # type: ignore[misc]
