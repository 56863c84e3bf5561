"""Tool shapes from Agno's cookbook: ``@tool`` on a Toolkit's methods, generator tools, and
Toolkit name filters that name no tool."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from agno_core.agent import Agent
from agno_core.tools import Toolkit, tool
from pytest_agno.mock import MockOpenAI


class Kitchen(Toolkit):
    def __init__(self) -> None:
        super().__init__(name="kitchen", tools=[self.cook, self.plain])
        self.dishes = 0

    @tool(description="Cook a dish.")
    def cook(self, dish: str) -> str:
        self.dishes += 1
        return f"{dish} #{self.dishes}"

    def plain(self, x: int) -> str:
        """A plain method."""
        return str(x * 2)


async def test_tool_decorated_methods_of_a_toolkit_are_bound(mock_model: MockOpenAI) -> None:
    kitchen = Kitchen()
    mock_model.add_tool_call("cook", {"dish": "soup"})
    mock_model.add_tool_call("plain", {"x": 4})
    mock_model.add_text("Done.")

    run = await Agent(tools=[kitchen]).arun("Cook")

    assert [(t.tool_name, t.result, t.tool_call_error) for t in run.tools] == [
        ("cook", "soup #1", False),
        ("plain", "8", False),
    ]
    assert kitchen.dishes == 1
    schema = kitchen.functions["cook"].parameters
    assert list(schema["properties"]) == ["dish"]  # no self
    assert kitchen.functions["cook"].description == "Cook a dish."


def words(n: int) -> Iterator[str]:
    """Stream words."""
    for i in range(n):
        yield f"w{i} "


async def awords(n: int) -> AsyncIterator[str]:
    """Stream words, async."""
    for i in range(n):
        yield f"a{i} "


async def test_generator_tools_give_their_chunks_joined(mock_model: MockOpenAI) -> None:
    mock_model.add_tool_call("words", {"n": 3})
    mock_model.add_tool_call("awords", {"n": 2})
    mock_model.add_text("Done.")

    run = await Agent(tools=[words, awords]).arun("Words")

    assert [t.result for t in run.tools] == ["w0 w1 w2 ", "a0 a1 "]


def test_include_or_exclude_tools_naming_no_tool_is_an_error() -> None:
    def a() -> str:
        """A."""
        return "a"

    with pytest.raises(ValueError, match=r"include_tools names tool.*nope"):
        Toolkit(name="t", tools=[a], include_tools=["nope"])
    with pytest.raises(ValueError, match=r"exclude_tools names tool.*b"):
        Toolkit(name="t", tools=[a], exclude_tools=["b"])
    assert list(Toolkit(name="t", tools=[a], include_tools=["a"]).functions) == ["a"]


@tool(show_result=True)
def weather(city: str) -> str:
    """Weather."""
    return f"Sunny in {city}"


async def test_show_result_puts_the_result_in_the_answer(mock_model: MockOpenAI) -> None:
    mock_model.add_tool_call("weather", {"city": "Oslo"})
    mock_model.add_text("Nice day")
    mock_model.add_tool_call("weather", {"city": "Oslo"})
    mock_model.add_text("Nice day")

    run = await Agent(tools=[weather]).arun("Weather?")
    events = [
        e async for e in Agent(tools=[weather]).arun("Weather?", stream=True, stream_events=True)
    ]

    assert run.content == "Sunny in OsloNice day"  # as Agno's
    shown = [(e.event, e.content) for e in events if e.event in ("RunContent", "ToolCallCompleted")]
    assert shown[0] == ("RunContent", "Sunny in Oslo")
    assert shown[1][0] == "ToolCallCompleted"
    assert events[-1].content == "Sunny in OsloNice day"


async def test_tool_instructions_titles_and_toolkit_flags(mock_model: MockOpenAI) -> None:
    @tool(instructions="Use convert for money.", title="Converter", annotations={"ro": True})
    def convert(amount: float) -> float:
        """Convert."""
        return amount * 2

    def ping() -> str:
        """Ping."""
        return "pong"

    def final(text: str) -> str:
        """Final."""
        return text

    kit = Toolkit(
        name="kit",
        tools=[ping, final],
        instructions="Kit rules.",
        add_instructions=True,
        show_result_tools=["ping"],
        stop_after_tool_call_tools=["final"],
    )
    assert kit.tools == [ping, final] and set(kit.get_functions()) == {"ping", "final"}
    assert kit.get_async_functions() == kit.get_functions()
    assert (convert.title, convert.annotations) == ("Converter", {"ro": True})
    mock_model.add_tool_call("ping", {})
    mock_model.add_tool_call("final", {"text": "All done."})

    run = await Agent(tools=[convert, kit], instructions="Be brief.").arun("go")

    system = (mock_model.requests[0].json["messages"])[0]["content"]
    assert system == "Be brief.\n\nUse convert for money.\nKit rules."
    assert run.content == "All done."  # stop_after_tool_call_tools
    assert mock_model.request_count == 2


async def test_cache_results_answers_the_same_call_from_disk(
    mock_model: MockOpenAI, tmp_path: Path
) -> None:
    calls: list[str] = []

    @tool(cache_results=True, cache_dir=str(tmp_path), cache_ttl=60)
    def quote(ticker: str) -> str:
        """Quote."""
        calls.append(ticker)
        return f"{ticker}: 100"

    for _ in range(2):
        mock_model.add_tool_call("quote", {"ticker": "AAPL"})
        mock_model.add_text("ok")
    agent = Agent(tools=[quote])

    first = await agent.arun("q")
    second = await agent.arun("q")

    assert calls == ["AAPL"]  # the second call came from the cache
    assert first.tools[0].result == second.tools[0].result == "AAPL: 100"
    files = await asyncio.to_thread(lambda: list(tmp_path.iterdir()))
    assert len(files) == 1


def test_tool_keeps_its_tool_hooks() -> None:
    def hook(function_name: str, function_call: Any, arguments: dict[str, Any]) -> Any:
        return function_call(**arguments)

    @tool(tool_hooks=[hook])
    def lookup(ticker: str) -> str:
        """Look up."""
        return ticker

    assert lookup.tool_hooks == [hook]
