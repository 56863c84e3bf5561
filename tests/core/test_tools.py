"""Tools: schemas from signatures and docstrings, `@tool`, `Toolkit`, errors and timing."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any, Literal

import pytest
from pydantic import BaseModel

from agno_core.agent import Agent
from agno_core.metrics import ToolCallMetrics
from agno_core.run.base import RunStatus
from agno_core.tools import Function, ToolError, Toolkit, tool
from agno_core.tools._toolkit import resolve_tools
from pytest_agno.mock import MockOpenAI

AgentMaker = Callable[..., Agent]


class Point(BaseModel):
    x: float
    y: float


def forecast(
    city: str,
    days: int = 3,
    unit: Literal["c", "f"] = "c",
    tags: list[str] | None = None,
    origin: Point | None = None,
) -> str:
    """Forecast the weather for a city.

    Uses the best model available.

    Args:
        city: The city's name.
        days (int): How many days,
            at most ten.
        unit: Temperature unit.
        tags: Labels to attach.
        origin: Where the forecast is made from.

    Returns:
        The forecast as text.
    """
    return f"{city}:{days}{unit}"


def test_schema_from_signature_and_google_docstring() -> None:
    fn = Function.from_callable(forecast)
    schema = fn.to_openai_schema()

    assert schema["name"] == "forecast"
    # Agno's docstring conventions: summary and body joined by one newline, a typed argument
    # described as "(type) ...", a continued description keeps its line break.
    assert (
        schema["description"] == "Forecast the weather for a city.\nUses the best model available."
    )
    params = schema["parameters"]
    assert params["type"] == "object"
    assert params["required"] == ["city"]
    props = params["properties"]
    assert list(props) == ["city", "days", "unit", "tags", "origin"]
    assert props["city"] == {"type": "string", "description": "The city's name."}
    # No defaults on the wire (Agno sends none).
    assert props["days"] == {"type": "integer", "description": "(int) How many days,\nat most ten."}
    assert props["unit"] == {
        "type": "string",
        "enum": ["c", "f"],
        "description": "Temperature unit.",
    }
    assert props["tags"]["anyOf"] == [
        {"type": "array", "items": {"type": "string"}},
        {"type": "null"},
    ]
    assert props["tags"]["description"] == "Labels to attach."
    assert "Returns" not in json.dumps(schema)
    # Pydantic models are inlined, not referenced.
    assert "$defs" not in params
    assert props["origin"]["anyOf"][0]["title"] == "Point"


def test_arguments_are_validated_and_coerced() -> None:
    fn = Function.from_callable(forecast)

    args = fn.parse_arguments('{"city": "Oslo", "days": "5", "origin": {"x": 1, "y": 2}}')

    assert args["city"] == "Oslo" and args["days"] == 5
    assert args["origin"] == Point(x=1, y=2)
    with pytest.raises(ToolError, match="not valid JSON"):
        fn.parse_arguments("{city: Oslo")
    with pytest.raises(ToolError, match="city"):
        fn.parse_arguments('{"days": 2}')
    with pytest.raises(ToolError, match="JSON object"):
        fn.parse_arguments("[1, 2]")


def test_tool_decorator_bare_and_with_options() -> None:
    @tool
    def ping() -> str:
        """Answer pong."""
        return "pong"

    @tool(name="lookup_price", description="Price of a symbol.", stop_after_tool_call=True)
    async def price(symbol: str) -> float:
        """Ignored docstring."""
        return 1.0

    assert isinstance(ping, Function) and isinstance(price, Function)
    assert (ping.name, ping.description) == ("ping", "Answer pong.")
    assert ping.parameters["properties"] == {}
    assert (price.name, price.description) == ("lookup_price", "Price of a symbol.")
    assert price.stop_after_tool_call is True
    assert price.parameters["required"] == ["symbol"]


def test_toolkit_include_and_exclude() -> None:
    def a() -> None: ...
    def b() -> None: ...
    def c() -> None: ...

    assert sorted(Toolkit("all", [a, b, c]).functions) == ["a", "b", "c"]
    assert sorted(Toolkit("inc", [a, b, c], include_tools=["a", "c"]).functions) == ["a", "c"]
    assert sorted(Toolkit("exc", [a, b, c], exclude_tools=["b"]).functions) == ["a", "c"]
    kit = Toolkit("both", [a, b, c], include_tools=["a", "b"], exclude_tools=["a"])
    assert sorted(kit.functions) == ["b"]


def test_toolkit_subclass_registers_its_methods() -> None:
    class Calculator(Toolkit):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__("calculator", [self.add, self.neg], **kwargs)

        def add(self, a: int, b: int) -> int:
            """Add.

            Args:
                a: First.
                b: Second.
            """
            return a + b

        def neg(self, a: int) -> int:
            return -a

    kit = Calculator(exclude_tools=["neg"])

    assert list(kit.functions) == ["add"]
    params = kit.functions["add"].parameters
    assert params["required"] == ["a", "b"]  # no "self"
    assert params["properties"]["a"]["description"] == "First."


def test_duplicate_tool_names_are_refused() -> None:
    def dup() -> None: ...

    with pytest.raises(ValueError, match="dup"):
        resolve_tools([dup, Toolkit("kit", [dup])])
    with pytest.raises(TypeError):
        resolve_tools([42])


async def test_duplicate_tool_names_fail_the_run_not_the_caller(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    def dup() -> None: ...

    agent = make_agent(tools=[dup, tool(name="dup")(lambda: None)])

    run = await agent.arun("x")

    assert run.status is RunStatus.error
    assert "dup" in (run.error or "")
    assert mock_model.requests == []


async def test_a_raising_tool_returns_its_error_to_the_model(
    make_agent: AgentMaker, mock_model: MockOpenAI, endpoint: str
) -> None:
    def explode(reason: str) -> str:
        """Fail on purpose."""
        raise RuntimeError(f"kaboom: {reason}")

    reply = mock_model.add_tool_call("explode", {"reason": "test"})
    mock_model.add_text("The tool failed, sorry.")
    agent = make_agent(tools=[explode])

    run = await agent.arun("x")

    assert run.status is RunStatus.completed
    assert run.content == "The tool failed, sorry."
    [execution] = run.tools
    assert execution.tool_call_error is True
    # As in Agno: the exception's own message, nothing added (sync and async tools alike).
    assert execution.result == "kaboom: test"
    assert _tool_outputs(mock_model.requests[1].json, endpoint) == {
        reply.call_ids[0]: execution.result
    }
    [metrics] = run.metrics.details["tool_call"]
    assert metrics.error is not None and "kaboom" in metrics.error


@pytest.mark.parametrize("arguments", ['{"city": ', '{"days": 2}', '"Oslo"'])
async def test_invalid_arguments_become_an_error_result(
    make_agent: AgentMaker, mock_model: MockOpenAI, endpoint: str, arguments: str
) -> None:
    called: list[str] = []

    def weather(city: str) -> str:
        called.append(city)
        return "sunny"

    reply = mock_model.add_tool_call("weather", arguments)
    mock_model.add_text("Could not check.")
    agent = make_agent(tools=[weather])

    run = await agent.arun("x")

    assert run.status is RunStatus.completed
    assert called == []
    [execution] = run.tools
    assert execution.tool_call_error is True
    assert "weather" in (execution.result or "")
    outputs = _tool_outputs(mock_model.requests[1].json, endpoint)
    assert outputs == {reply.call_ids[0]: execution.result}


async def test_unknown_tool_becomes_an_error_result(
    make_agent: AgentMaker, mock_model: MockOpenAI, endpoint: str
) -> None:
    mock_model.add_tool_call("nope", {})
    mock_model.add_text("ok")
    agent = make_agent(tools=[forecast])

    run = await agent.arun("x")

    assert run.status is RunStatus.completed
    [output] = _tool_outputs(mock_model.requests[1].json, endpoint).values()
    assert "unknown tool" in output and "nope" in output


async def test_each_tool_call_is_timed(
    make_agent: AgentMaker, mock_model: MockOpenAI, endpoint: str
) -> None:
    threads: list[str] = []

    def slow(n: int) -> int:
        threads.append(threading.current_thread().name)
        time.sleep(0.005)
        return n

    async def fast(n: int) -> int:
        return n

    reply = mock_model.add_tool_calls([("slow", {"n": 1}), ("fast", {"n": 2}), ("slow", {"n": 3})])
    mock_model.add_text("done")
    agent = make_agent(tools=[slow, fast])

    run = await agent.arun("x")

    entries = run.metrics.details["tool_call"]
    assert all(isinstance(e, ToolCallMetrics) for e in entries)
    assert [(e.tool_name, e.tool_call_id, e.error) for e in entries] == [
        ("slow", reply.call_ids[0], None),
        ("fast", reply.call_ids[1], None),
        ("slow", reply.call_ids[2], None),
    ]
    assert entries[0].duration >= 0.004 and entries[2].duration >= 0.004
    assert entries[1].duration >= 0
    assert [t.metrics for t in run.tools] == entries
    # Sync tools run off the event loop's thread.
    assert threading.main_thread().name not in threads
    stored = await agent.aget_run_output(run.run_id, run.session_id)
    assert stored is not None
    assert stored.metrics.details["tool_call"] == entries


async def test_stop_after_tool_call_ends_the_run_with_the_result(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    @tool(stop_after_tool_call=True)
    def final_answer(text: str) -> str:
        return text.upper()

    mock_model.add_tool_call("final_answer", {"text": "done"})
    agent = make_agent(tools=[final_answer])

    run = await agent.arun("x")

    assert (run.status, run.content) == (RunStatus.completed, "DONE")
    assert len(mock_model.requests) == 1


async def test_strict_tools_send_a_closed_schema(
    make_agent: AgentMaker, mock_model: MockOpenAI, endpoint: str
) -> None:
    @tool(strict=True)
    def book(city: str, nights: int = 1) -> str:
        return "ok"

    agent = make_agent(tools=[book])

    await agent.arun("x")

    [spec] = mock_model.requests[0].json["tools"]
    fn = spec["function"] if endpoint == "chat" else spec
    assert fn["strict"] is True
    # OpenAI's strict mode rejects open objects and optional properties.
    assert fn["parameters"]["additionalProperties"] is False
    assert sorted(fn["parameters"]["required"]) == ["city", "nights"]
    assert book.parameters["required"] == ["city"]  # the tool's own schema is left as it is


def _tool_outputs(body: dict[str, Any], endpoint: str) -> dict[str, str]:
    """Tool results sent back to the model in a request: call id -> content."""
    if endpoint == "chat":
        return {m["tool_call_id"]: m["content"] for m in body["messages"] if m["role"] == "tool"}
    return {
        item["call_id"]: item["output"]
        for item in body["input"]
        if item.get("type") == "function_call_output"
    }


def test_an_unresolvable_annotation_does_not_erase_the_other_types() -> None:
    class Local(BaseModel):  # invisible to get_type_hints under postponed annotations
        x: int

    def plan(days: int, spot: Local, note: str | None = None) -> str:
        return ""

    props = Function.from_callable(plan).parameters["properties"]

    assert props["days"] == {"type": "integer"}
    assert props["note"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
    assert props["spot"] == {}


async def test_an_agent_parameter_is_injected(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    def whoami(agent: Agent) -> str:
        return agent.name or ""

    mock_model.add_tool_call("whoami", {})
    mock_model.add_text("ok")
    agent = make_agent(name="Bob", tools=[whoami])

    run = await agent.arun("x")

    assert Function.from_callable(whoami).parameters["properties"] == {}
    assert (run.tools[0].result, run.tools[0].tool_call_error) == ("Bob", False)


async def test_tool_call_limit_stops_further_calls(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    calls: list[int] = []

    def count(n: int) -> int:
        calls.append(n)
        return n

    mock_model.add_tool_call("count", {"n": 1})
    mock_model.add_text("stopped")
    agent = make_agent(tools=[count], tool_call_limit=1)

    run = await agent.arun("x")

    assert (run.status, run.content, calls) == (RunStatus.completed, "stopped", [1])
    assert "tools" not in mock_model.requests[1].json  # no more tools offered past the limit


async def test_tool_call_limit_counts_parallel_calls(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    calls: list[int] = []

    def count(n: int) -> int:
        calls.append(n)
        return n

    mock_model.add_tool_calls([("count", {"n": 1}), ("count", {"n": 2}), ("count", {"n": 3})])
    mock_model.add_text("stopped")
    agent = make_agent(tools=[count], tool_call_limit=2)

    run = await agent.arun("x")

    assert run.status is RunStatus.completed
    assert calls == [1, 2]
    assert [t.tool_call_error for t in run.tools] == [False, False, True]
    assert "limit" in (run.tools[2].result or "")
