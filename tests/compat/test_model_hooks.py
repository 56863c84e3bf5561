"""``Agent(model_hooks=...)``: hooks that see, and may change, the built context before the model
is called (Agno's ``model_hooks``, receiving ``run_messages: RunMessages``)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from agno_core.agent import RunInput, RunStatus
from agno_core.exceptions import CheckTrigger, InputCheckError
from agno_core.models.message import Message
from agno_core.run.messages import RunMessages
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker
from tests.compat.wire import conversation


def lookup(city: str) -> str:
    """Look a city up."""
    return f"{city}: sunny"


async def test_a_hook_sees_the_context_the_model_is_sent(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    seen: list[RunMessages] = []

    def inspect_context(run_messages: RunMessages, **kwargs: Any) -> None:
        seen.append(run_messages)

    agent = make_agent(
        instructions="Be brief.",
        additional_input=[{"role": "user", "content": "Example question"}],
        model_hooks=[inspect_context],
    )

    await agent.arun("What is Python?")

    [run_messages] = seen
    sent = conversation(mock_model.requests[0])
    assert [(m.role, m.content) for m in run_messages.messages] == sent
    assert run_messages.system_message is run_messages.messages[0]
    assert "Be brief." in (run_messages.system_message.content or "")
    assert run_messages.user_message is run_messages.messages[-1]
    assert run_messages.user_message.content == "What is Python?"
    assert [m.content for m in run_messages.extra_messages or ()] == ["Example question"]
    assert run_messages.get_input_messages() == [
        run_messages.system_message,
        run_messages.user_message,
        *(run_messages.extra_messages or ()),
    ]


async def test_a_hook_that_edits_the_messages_changes_what_the_model_gets(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    def mask(run_messages: RunMessages, **kwargs: Any) -> None:
        for message in run_messages.messages:
            if message.role == "user" and message.content:
                message.content = message.content.replace("4111-1111", "[card]")

    out = await make_agent(model_hooks=[mask]).arun("charge 4111-1111 please")

    assert conversation(mock_model.requests[0])[-1] == ("user", "charge [card] please")
    assert out.messages is not None and out.messages[-2].content == "charge [card] please"


async def test_a_hook_may_hand_the_model_a_new_list(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    async def add_note(run_messages: RunMessages) -> None:
        note = Message(role="user", content="Answer in French.")
        run_messages.messages = [*run_messages.messages, note]

    await make_agent(model_hooks=[add_note]).arun("hello")

    assert conversation(mock_model.requests[0])[-2:] == [
        ("user", "hello"),
        ("user", "Answer in French."),
    ]


async def test_hooks_run_once_per_run_after_the_pre_hooks(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_tool_call("lookup", {"city": "Oslo"})
    mock_model.add_text("Sunny.")
    calls: list[str | None] = []

    def shout(run_input: RunInput) -> None:
        run_input.input_content = str(run_input.input_content).upper()

    def record(run_messages: RunMessages) -> None:
        assert run_messages.user_message is not None
        calls.append(run_messages.user_message.content)

    agent = make_agent(tools=[lookup], pre_hooks=[shout], model_hooks=[record])
    out = await agent.arun("weather in oslo?", stream=False)

    assert out.content == "Sunny." and mock_model.request_count == 2
    assert calls == ["WEATHER IN OSLO?"]  # built once, before the first model call


async def test_hooks_run_on_a_streamed_run(mock_model: MockOpenAI, make_agent: AgentMaker) -> None:
    mock_model.add_text("Hi there")
    seen: list[list[tuple[str, str | None]]] = []

    def record(run_messages: RunMessages) -> None:
        seen.append([(m.role, m.content) for m in run_messages.messages])

    events = [e async for e in make_agent(model_hooks=[record]).arun("hi", stream=True)]

    assert seen == [conversation(mock_model.requests[0])]
    assert "".join(e.content or "" for e in events) == "Hi there"


async def test_an_input_check_error_stops_the_run_before_the_model(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    def too_long(run_messages: RunMessages) -> None:
        if sum(len(m.content or "") for m in run_messages.messages) > 10:
            raise InputCheckError("context too long", check_trigger=CheckTrigger.INPUT_NOT_ALLOWED)

    out = await make_agent(model_hooks=[too_long]).arun("a question that is long")

    assert out.status is RunStatus.error
    assert out.content == "context too long"
    assert mock_model.request_count == 0


async def test_a_failing_hook_is_logged_and_the_run_goes_on(
    mock_model: MockOpenAI, make_agent: AgentMaker, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(run_messages: RunMessages) -> None:
        raise ValueError("oops")

    with caplog.at_level(logging.WARNING, logger="agno_core"):
        out = await make_agent(model_hooks=[broken]).arun("hi")

    assert out.status is RunStatus.completed and mock_model.request_count == 1
    assert "model-hook #1 (broken) failed: oops" in caplog.text
