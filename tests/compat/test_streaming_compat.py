"""Streaming and output, as Agno documents them: yield_run_output, RunEvent, pprint, metrics."""

from __future__ import annotations

import pytest

from agno_core.agent import RunEvent
from agno_core.run.agent import RunContentEvent, RunOutput
from agno_core.utils.pprint import apprint_run_response, pprint_run_response
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker


def lookup(city: str) -> str:
    """Look a city up."""
    return f"{city}: sunny"


async def test_arun_yield_run_output(mock_model: MockOpenAI, make_agent: AgentMaker) -> None:
    mock_model.add_text("Hello there friend")

    items = [
        item
        async for item in make_agent().arun(
            "hi", stream=True, stream_events=True, yield_run_output=True
        )
    ]

    *events, last = items
    assert isinstance(last, RunOutput)
    assert last.content == "Hello there friend" and last.status == "COMPLETED"
    assert events[0].event == RunEvent.run_started
    assert events[-1].event == RunEvent.run_completed
    assert (
        "".join(e.content or "" for e in events if isinstance(e, RunContentEvent)) == last.content
    )
    assert not any(isinstance(e, RunOutput) for e in events)


def test_run_yield_run_output_sync(mock_model: MockOpenAI, make_agent: AgentMaker) -> None:
    mock_model.add_text("Hi")

    items = list(make_agent().run("hi", stream=True, yield_run_output=True))

    *events, last = items
    assert isinstance(last, RunOutput) and last.content == "Hi"
    assert [e.event for e in events] == [RunEvent.run_content] * 2  # an empty one first
    assert [e.content or "" for e in events] == ["", "Hi"]


async def test_stream_without_yield_run_output_ends_with_events(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    items = [item async for item in make_agent().arun("hi", stream=True)]

    assert not any(isinstance(i, RunOutput) for i in items)


def test_run_event_is_importable_from_agno_core_agent() -> None:
    from agno_core.run.agent import RunEvent as FromRun

    assert RunEvent is FromRun
    assert RunEvent.run_content.value == "RunContent"
    assert RunEvent.tool_call_completed.value == "ToolCallCompleted"


def test_pprint_run_response_of_an_output(
    mock_model: MockOpenAI, make_agent: AgentMaker, capsys: pytest.CaptureFixture[str]
) -> None:
    mock_model.add_text("The answer is **42**.")
    output = make_agent().run("question")

    pprint_run_response(output)
    pprint_run_response(output, markdown=True)  # rendered by rich (installed in dev)

    plain, rendered = capsys.readouterr().out.split("\n", 1)
    assert plain == "The answer is **42**."
    assert rendered.strip() == "The answer is 42."


def test_pprint_run_response_of_a_stream(
    mock_model: MockOpenAI, make_agent: AgentMaker, capsys: pytest.CaptureFixture[str]
) -> None:
    mock_model.add_text("Streaming works fine")

    pprint_run_response(make_agent().run("go", stream=True, yield_run_output=True), show_time=True)

    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Streaming works fine"
    assert out[1].startswith("(") and out[1].endswith("s)")


async def test_apprint_run_response(
    mock_model: MockOpenAI, make_agent: AgentMaker, capsys: pytest.CaptureFixture[str]
) -> None:
    mock_model.add_text("async stream")
    mock_model.add_json({"a": 1})

    await apprint_run_response(make_agent().arun("go", stream=True))
    await apprint_run_response(await make_agent().arun("go"))

    assert capsys.readouterr().out == 'async stream\n{"a": 1}\n'


@pytest.mark.parametrize("stream", [False, True])
async def test_message_metrics(
    stream: bool, mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_tool_call("lookup", {"city": "Oslo"}, input_tokens=30, output_tokens=7)
    mock_model.add_text("Sunny.", input_tokens=50, output_tokens=3, cached_tokens=20)
    agent = make_agent(tools=[lookup])

    if stream:
        items = [i async for i in agent.arun("Weather?", stream=True, yield_run_output=True)]
        run = items[-1]
    else:
        run = await agent.arun("Weather?")
    stored = await agent.aget_run_output(run.run_id)

    assert stored is not None
    for output in (run, stored):
        user, call, result, answer = output.messages
        assert (call.metrics.input_tokens, call.metrics.output_tokens) == (30, 7)
        assert (answer.metrics.input_tokens, answer.metrics.output_tokens) == (50, 3)
        assert answer.metrics.cache_read_tokens == 20
        assert answer.metrics.total_tokens == 53
        assert answer.metrics.duration is not None and answer.metrics.duration >= 0
        assert user.metrics.total_tokens == 0 and result.metrics.total_tokens == 0
    assert sum(m.metrics.total_tokens for m in run.messages) == run.metrics.total_tokens


def test_print_response_shows_the_message_and_renders_markdown(
    mock_model: MockOpenAI, make_agent: AgentMaker, capsys: pytest.CaptureFixture[str]
) -> None:
    mock_model.add_text("It is **sunny**.")
    mock_model.add_text("It is **sunny**.")
    agent = make_agent()

    agent.print_response("Weather?", markdown=True)
    agent.print_response("Weather?")

    lines = [line.strip() for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert lines == ["Message: Weather?", "It is sunny.", "Message: Weather?", "It is **sunny**."]


async def test_print_response_to_a_rich_console(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    from rich.console import Console

    console = Console(record=True, width=80)
    mock_model.add_text("Hello there")

    await make_agent().aprint_response("Hi", stream=True, console=console)

    assert console.export_text() == "Message: Hi\nHello there\n"


def test_print_response_takes_agnos_reasoning_display_options(
    mock_model: MockOpenAI, make_agent: AgentMaker, capsys: pytest.CaptureFixture[str]
) -> None:
    mock_model.add_text("Hello.")

    make_agent().print_response(
        "hi", show_reasoning=True, show_full_reasoning=False, tags_to_include_in_markdown={"x"}
    )

    assert capsys.readouterr().out == "Message: hi\nHello.\n"
