"""``fail_on_output_parse_error``: an answer that does not fit ``output_schema`` ends the run
ERROR with an ``output_parse_error`` event in ``RunOutput.events`` (Agno's opt-in behaviour;
agno_core's only one)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from agno_core.agent import RunErrorEvent, RunStatus
from agno_core.exceptions import NotSupportedError
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker


class Ticket(BaseModel):
    category: str
    priority: int


async def test_unparseable_output_ends_the_run_with_an_output_parse_error_event(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_text('{"category": "printer"}')

    run = await make_agent(output_schema=Ticket, fail_on_output_parse_error=True).arun(
        "Classify: the printer is jammed."
    )

    assert run.status is RunStatus.error
    assert run.events is not None
    (event,) = [e for e in run.events if isinstance(e, RunErrorEvent)]
    assert event.error_type == "output_parse_error"
    assert "priority" in (event.content or "")


async def test_parseable_output_completes(mock_model: MockOpenAI, make_agent: AgentMaker) -> None:
    mock_model.add_json({"category": "printer", "priority": 2})

    run = await make_agent(output_schema=Ticket, fail_on_output_parse_error=True).arun("x")

    assert run.status is RunStatus.completed
    assert run.content == Ticket(category="printer", priority=2)
    assert run.events is None


def test_warning_only_mode_is_refused() -> None:
    from agno_core.agent import Agent

    with pytest.raises(NotSupportedError, match="fail_on_output_parse_error"):
        Agent(output_schema=Ticket, fail_on_output_parse_error=False)
