"""Imports Agno's cookbook uses beyond the core classes: team events from ``agno.team``, the
logging helpers of ``agno.utils.log``, the exceptions tools and providers raise."""

from __future__ import annotations

import logging

import pytest

from agno_core.agent import Agent
from pytest_agno.mock import MockOpenAI


async def test_team_events_from_the_team_module(mock_model: MockOpenAI) -> None:
    from agno_core.team import RunContentEvent, Team, TeamRunEvent, TeamRunOutputEvent

    team = Team(members=[Agent(name="Helper")])

    events = [e async for e in team.arun("hi", stream=True, stream_events=True)]

    contents = [e for e in events if e.event == TeamRunEvent.run_content]
    assert contents and all(isinstance(e, RunContentEvent) for e in contents)
    assert all(isinstance(e, TeamRunOutputEvent) for e in events)


def test_logging_helpers_log_to_the_agno_core_logger(caplog: pytest.LogCaptureFixture) -> None:
    from agno_core.utils.log import log_debug, log_error, log_info, log_warning, logger

    caplog.set_level(logging.DEBUG, logger="agno_core")
    log_debug("checking", center=True, symbol="=")
    log_info("hello %s", "there")
    log_warning("careful")
    log_error("broken")

    assert logger.name == "agno_core"
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("DEBUG", "checking"),
        ("INFO", "hello there"),
        ("WARNING", "careful"),
        ("ERROR", "broken"),
    ]


def test_exceptions_agno_code_imports() -> None:
    from agno_core.exceptions import ModelProviderError, RetryAgentRun, StopAgentRun
    from agno_core.models.base import ModelProviderError as FromModels

    assert ModelProviderError is FromModels
    assert StopAgentRun("x").stop_execution and not RetryAgentRun("x").stop_execution


def test_more_of_agnos_module_paths() -> None:
    from agno_core.models.response import ToolExecution
    from agno_core.run.agent import ToolExecution as FromRun
    from agno_core.session.agent import AgentSession
    from agno_core.session.team import TeamSession
    from agno_core.tools import FunctionCall as Plain
    from agno_core.tools.function import FunctionCall

    assert ToolExecution is FromRun and FunctionCall is Plain
    assert AgentSession.__name__ == "AgentSession" and TeamSession.__name__ == "TeamSession"


async def test_a_tool_returning_a_tool_result(mock_model: MockOpenAI) -> None:
    from agno_core.tools.function import ToolResult

    def lookup(city: str) -> ToolResult:
        """Look a city up."""
        return ToolResult(content=f"{city}: sunny", metadata={"source": "cache"})

    mock_model.add_tool_call("lookup", {"city": "Oslo"})
    mock_model.add_text("Sunny.")

    run = await Agent(tools=[lookup]).arun("Weather?")

    assert run.tools[0].result == "Oslo: sunny"
    with pytest.raises(ValueError, match="images"):
        ToolResult(content="x", images=["a.png"])  # type: ignore[call-arg]


def test_performance_result_run_id() -> None:
    from agno_core.eval.performance import PerformanceEval

    result = PerformanceEval(func=lambda: None, num_iterations=2, warmup_runs=0).run()

    assert result.run_id == result.eval_id and result.run_id
