"""Tools that steer their run with Agno's exceptions: `RetryAgentRun` sends the model back with
a hint, `StopAgentRun` ends the run after the round of tool calls (compared with Agno 3.1.10 on
the same mock: same tool results, same messages, same requests)."""

from __future__ import annotations

from agno_core.agent import Agent
from agno_core.exceptions import RetryAgentRun, StopAgentRun
from agno_core.models.message import Message
from agno_core.run.base import RunStatus
from agno_core.tools import tool
from pytest_agno.mock import MockOpenAI
from tests.compat.wire import conversation


def book(city: str) -> str:
    """Book a trip."""
    if city != "Paris":
        raise RetryAgentRun("Only Paris can be booked", user_message="Book Paris instead.")
    return f"Booked {city}"


def spend(amount: int) -> str:
    """Spend money."""
    raise StopAgentRun("Budget exceeded", agent_message="I stopped: the budget is spent.")


async def test_retry_agent_run_sends_the_model_back_with_the_hint(mock_model: MockOpenAI) -> None:
    mock_model.add_tool_call("book", {"city": "Rome"})
    mock_model.add_tool_call("book", {"city": "Paris"})
    mock_model.add_text("Booked Paris for you.")

    run = await Agent(tools=[book]).arun("Book a trip")

    assert run.status is RunStatus.completed
    assert run.content == "Booked Paris for you."
    assert [(t.result, t.tool_call_error) for t in run.tools] == [
        ("Only Paris can be booked", True),
        ("Booked Paris", False),
    ]
    assert conversation(mock_model.requests[1])[-2:] == [
        ("tool", "Only Paris can be booked"),
        ("user", "Book Paris instead."),
    ]
    assert run.metrics.details["tool_call"][0].error == "RetryAgentRun: Only Paris can be booked"


async def test_stop_agent_run_ends_the_run_without_another_model_call(
    mock_model: MockOpenAI,
) -> None:
    mock_model.add_tool_call("spend", {"amount": 500})

    run = await Agent(tools=[spend]).arun("Buy it")

    assert mock_model.request_count == 1
    assert run.status is RunStatus.completed
    assert run.content == "I stopped: the budget is spent."
    assert [(m.role, m.content) for m in run.messages][-2:] == [
        ("tool", "Budget exceeded"),
        ("assistant", "I stopped: the budget is spent."),
    ]
    assert (run.tools[0].result, run.tools[0].tool_call_error) == ("Budget exceeded", True)


async def test_stop_without_a_message_has_the_exceptions_text_as_content(
    mock_model: MockOpenAI,
) -> None:
    def halt() -> str:
        """Halt."""
        raise StopAgentRun("Halted by policy", messages=[{"role": "user", "content": "noted"}])

    mock_model.add_tool_call("halt", {})

    events = [e async for e in Agent(tools=[halt]).arun("go", stream=True, stream_events=True)]

    run = events[-1].run_output
    assert events[-1].event == "RunCompleted" and run.content == "Halted by policy"
    assert [e.event for e in events].count("ToolCallError") == 1
    assert run.messages[-1] == Message(role="user", content="noted")


async def test_a_tool_pre_hook_may_stop_the_run(mock_model: MockOpenAI) -> None:
    def guard(fc) -> None:  # type: ignore[no-untyped-def]
        if fc.arguments["amount"] > 100:
            raise StopAgentRun("Too expensive")

    @tool(pre_hook=guard)
    def pay(amount: int) -> str:
        """Pay."""
        return "paid"

    mock_model.add_tool_call("pay", {"amount": 500})

    run = await Agent(tools=[pay]).arun("Pay 500")

    assert (run.status, run.content, mock_model.request_count) == (
        RunStatus.completed,
        "Too expensive",
        1,
    )
