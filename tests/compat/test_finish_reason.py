"""``RunOutput.finish_reason`` (`FinishReason`) from the wire, as Agno documents it: Chat
Completions' ``finish_reason``, the Responses API's ``status``/``incomplete_details``; streamed
and not; the provider's own value in ``model_provider_data["native_finish_reason"]``."""

from __future__ import annotations

import logging

import pytest

from agno_core.agent import Agent, RunOutput
from agno_core.models.finish_reason import (
    FinishReason,
    map_openai_finish_reason,
    map_openai_responses_finish_reason,
)
from agno_core.models.openai import OpenAIResponses
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker


@pytest.fixture(params=[False, True], ids=["whole", "streamed"])
def stream(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


async def _run(agent: Agent, prompt: str, stream: bool) -> RunOutput:
    if not stream:
        return await agent.arun(prompt)
    items = [item async for item in agent.arun(prompt, stream=True, yield_run_output=True)]
    out = await agent.aget_run_output(items[-1].run_id)
    assert out is not None
    return out


async def test_a_clean_answer_reports_stop(
    mock_model: MockOpenAI, make_agent: AgentMaker, endpoint: str, stream: bool
) -> None:
    agent = make_agent()
    mock_model.add_text("The printing press spread books.")

    out = await _run(agent, "One sentence", stream)

    assert out.finish_reason is FinishReason.STOP and out.finish_reason == "stop"
    native = "stop" if endpoint == "chat" else "completed"
    assert out.model_provider_data == {"native_finish_reason": native}
    stored = await agent.aget_run_output(out.run_id)
    assert stored is not None and stored.finish_reason is FinishReason.STOP
    assert stored.model_provider_data == {"native_finish_reason": native}


async def test_an_answer_cut_at_the_token_limit_reports_length_and_warns_once(
    mock_model: MockOpenAI,
    make_agent: AgentMaker,
    endpoint: str,
    stream: bool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    agent = make_agent()
    mock_model.add_text("The history of the printing press begins", finish_reason="length")

    with caplog.at_level(logging.WARNING, logger="agno_core"):
        out = await _run(agent, "Write 500 words", stream)

    assert out.finish_reason is FinishReason.LENGTH
    assert out.content == "The history of the printing press begins"
    native = "length" if endpoint == "chat" else "max_output_tokens"
    assert out.model_provider_data == {"native_finish_reason": native}
    assert caplog.text.count("output token limit") == 1


async def test_a_filtered_answer_reports_content_filter(
    mock_model: MockOpenAI, make_agent: AgentMaker, stream: bool
) -> None:
    agent = make_agent()
    mock_model.add_text("", finish_reason="content_filter")

    out = await _run(agent, "something", stream)

    assert out.finish_reason is FinishReason.CONTENT_FILTER


async def test_the_last_model_call_decides_after_tool_calls(
    mock_model: MockOpenAI, make_agent: AgentMaker, endpoint: str, stream: bool
) -> None:
    def lookup(q: str) -> str:
        """Look something up."""
        return "found"

    agent = make_agent(tools=[lookup])
    mock_model.add_tool_call("lookup", {"q": "x"})
    mock_model.add_text("done")

    out = await _run(agent, "go", stream)

    assert out.finish_reason is FinishReason.STOP
    assert len(mock_model.requests) == 2


async def test_max_output_tokens_is_sent_to_the_responses_api(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    agent = make_agent(model=OpenAIResponses(id="gpt-5", max_output_tokens=16, max_retries=0))
    mock_model.add_text("short", finish_reason="length")

    out = await agent.arun("essay")

    assert mock_model.requests[-1].json["max_output_tokens"] == 16
    assert out.finish_reason == FinishReason.LENGTH


def test_unknown_provider_values_map_to_unknown_never_stop() -> None:
    assert map_openai_finish_reason("tool_calls") == (FinishReason.TOOL_CALL, "tool_calls")
    assert map_openai_finish_reason("something_new") == (FinishReason.UNKNOWN, "something_new")
    assert map_openai_responses_finish_reason("incomplete", "content_filter") == (
        FinishReason.CONTENT_FILTER,
        "content_filter",
    )
    assert map_openai_responses_finish_reason("incomplete") == (
        FinishReason.UNKNOWN,
        "incomplete",
    )
    assert map_openai_responses_finish_reason("in_progress")[0] is FinishReason.UNKNOWN
