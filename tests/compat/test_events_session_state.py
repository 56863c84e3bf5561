"""Run events as Agno code imports and reads them: the event classes from ``agno_core.agent``,
and ``RunCompletedEvent.session_state``."""

from __future__ import annotations

from typing import Any

import agno_core.agent as agent_module
import agno_core.run.agent as run_agent
from agno_core.run import RunContext
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker


def test_event_classes_are_importable_from_agno_core_agent() -> None:
    for name in (
        "RunCompletedEvent",
        "RunContentEvent",
        "RunStartedEvent",
        "RunErrorEvent",
        "RunCancelledEvent",
        "ToolCallStartedEvent",
        "ToolCallCompletedEvent",
        "MemoryUpdateStartedEvent",
        "MemoryUpdateCompletedEvent",
        "RunEvent",
        "RunOutputEvent",
    ):
        assert getattr(agent_module, name) is getattr(run_agent, name), name
    assert "RunCompletedEvent" in agent_module.__all__


def add_item(run_context: RunContext, item: str) -> str:
    """Add an item to the shopping list."""
    assert run_context.session_state is not None
    run_context.session_state["shopping_list"].append(item)
    return f"The list is now {run_context.session_state['shopping_list']}"


async def test_run_completed_event_carries_the_final_session_state(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    agent = make_agent(session_state={"shopping_list": []}, tools=[add_item], session_id="s")
    mock_model.add_tool_call("add_item", {"item": "milk"})
    mock_model.add_text("Added.")

    events: list[Any] = [e async for e in agent.arun("Add milk", stream=True, stream_events=True)]

    [completed] = [e for e in events if isinstance(e, agent_module.RunCompletedEvent)]
    assert completed.session_state == {"shopping_list": ["milk"]}
    assert await agent.aget_session_state("s") == {"shopping_list": ["milk"]}
    assert agent_module.RunCompletedEvent(run_id="r", session_id="s").session_state is None
