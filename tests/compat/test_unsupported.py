"""Agno parameters agno_core does not implement: a clear error naming them, never ignored."""

from __future__ import annotations

import pytest

from agno_core._unsupported import UNSUPPORTED
from agno_core.agent import Agent
from agno_core.exceptions import NotSupportedError
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker


def test_unsupported_agent_parameter_names_itself() -> None:
    with pytest.raises(NotSupportedError, match=r"Agent\(knowledge=\.\.\.\) is not supported"):
        Agent(knowledge=object())


def test_unsupported_agent_parameter_at_agnos_default_is_accepted() -> None:
    agent = Agent(store_media=True, retries=0, knowledge=None, session_state=None)

    assert agent.name is None


def test_unknown_agent_parameter_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'") as info:
        Agent(colour="blue")  # type: ignore[call-arg]

    assert not isinstance(info.value, NotSupportedError)


async def test_unsupported_run_parameter(make_agent: AgentMaker) -> None:
    agent = make_agent()

    with pytest.raises(NotSupportedError, match=r"Agent\.run\(images=\.\.\.\)"):
        agent.arun("hi", images=["cat.png"])


async def test_unsupported_run_parameter_at_default_runs(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    run = await make_agent().arun("hi", images=None, session_state=None)

    assert run.status == "COMPLETED"


def test_registry_does_not_list_what_the_agent_takes() -> None:
    import inspect

    taken = set(inspect.signature(Agent.__init__).parameters)

    assert not taken & set(UNSUPPORTED["Agent"])


def test_both_history_limits_keep_runs(caplog: pytest.LogCaptureFixture) -> None:
    agent = Agent(num_history_runs=2, num_history_messages=5)

    assert (agent.num_history_runs, agent.num_history_messages) == (2, None)
    assert "cannot both be set" in caplog.text
