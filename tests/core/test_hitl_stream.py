"""Human in the loop, streamed: a paused run ends its stream with RunPaused, a continued one
starts with RunContinued; teams refuse pausing tools; Agno's pre_hook_on_continue example."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agno_core.agent import Agent, RunPausedEvent
from agno_core.run.agent import RunOutput
from agno_core.run.base import RunStatus
from agno_core.team import Team
from agno_core.tools import tool
from benchmarks._corpus_child import swap_imports
from pytest_agno.mock import MockOpenAI

AgentMaker = Callable[..., Agent]


@tool(requires_confirmation=True)
def delete_file(path: str) -> str:
    """Delete a file."""
    return f"deleted {path}"


async def test_a_streamed_run_ends_with_run_paused_and_continues_streamed(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_tool_call("delete_file", {"path": "a.txt"})
    agent = make_agent(tools=[delete_file])

    events = [e async for e in agent.arun("delete a.txt", stream=True, stream_events=True)]

    # (the Responses API's call also opens with a RunContent without content, as in Agno)
    names = [e.event for e in events if e.event not in ("ToolCallArgsDelta", "RunContent")]
    # the model's request, then the pause: the paused call is not started. As in Agno's
    # async stream, RunContentCompleted comes before RunPaused (its sync run() has none).
    assert names == [
        "RunStarted",
        "ModelRequestStarted",
        "ModelRequestCompleted",
        "RunContentCompleted",
        "RunPaused",
    ]
    paused = events[-1]
    assert isinstance(paused, RunPausedEvent) and paused.is_paused
    assert paused.content == "I have tools to execute, but I need confirmation."  # as Agno's
    run = paused.run_output
    assert run is not None and run.status is RunStatus.paused
    assert paused.requirements == run.requirements and paused.tools == run.tools
    [requirement] = paused.active_requirements

    requirement.confirm()
    mock_model.add_text("Deleted it.")
    resumed = [
        e
        async for e in agent.acontinue_run(
            run_response=run, stream=True, stream_events=True, yield_run_output=True
        )
    ]

    names = [getattr(e, "event", None) for e in resumed]
    assert names[:3] == ["RunContinued", "ToolCallStarted", "ToolCallCompleted"]
    assert names[-2:] == ["RunCompleted", None] and "RunContent" in names
    assert resumed[2].tool.result == "deleted a.txt"
    assert resumed[-1] is run and run.status is RunStatus.completed
    assert run.content == "Deleted it."


def test_sync_streams_pause_and_continue(make_agent: AgentMaker, mock_model: MockOpenAI) -> None:
    mock_model.add_tool_call("delete_file", {"path": "b.txt"})
    agent = make_agent(tools=[delete_file])

    paused = [e for e in agent.run("delete b.txt", stream=True) if e.event == "RunPaused"]
    [event] = paused
    for requirement in event.active_requirements:
        requirement.reject("keep it")
    mock_model.add_text("Kept.")
    contents = [e.content for e in agent.continue_run(run_response=event.run_output, stream=True)]

    assert "".join(c for c in contents if isinstance(c, str)).startswith("Kept.")
    stored = agent.get_run_output(event.run_id)
    assert stored is not None and stored.status is RunStatus.completed


async def test_leaving_the_stream_at_run_paused_keeps_the_run_paused(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_tool_call("delete_file", {"path": "c.txt"})
    agent = make_agent(tools=[delete_file])
    run: RunOutput | None = None

    async for event in agent.arun("delete c.txt", stream=True):
        if isinstance(event, RunPausedEvent):
            run = event.run_output
            break

    assert run is not None and run.status is RunStatus.paused
    stored = await agent.aget_run_output(run.run_id)
    assert stored is not None and stored.status is RunStatus.paused


async def test_a_team_with_a_pausing_tool_is_refused(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    member = make_agent(name="Files", tools=[delete_file])
    team = Team(members=[member], model=member.model, db=member.db)

    with pytest.raises(NotImplementedError, match="human in the loop in team runs"):
        await team.arun("delete d.txt")
    with pytest.raises(AttributeError, match="continue_run"):
        team.continue_run  # noqa: B018
    assert mock_model.requests == []


# Agno's cookbook/02_agents/09_hooks/pre_hook_on_continue.py (agno-agi/agno 6ceab44), its code
# as written there (the docstring and comments trimmed), imports swapped by the corpus harness.
PRE_HOOK_ON_CONTINUE = """
from agno.agent import Agent
from agno.hooks import hook
from agno.models.openai import OpenAIResponses
from agno.run.agent import RunInput, RunRequirement
from agno.tools import tool


def log_request(run_input: RunInput) -> None:
    print(f"[log_request] Input: {run_input.input_content[:50]}...")


@hook(run_on_continue=True)
def security_check(run_input: RunInput, user_id: str = None) -> None:
    print(f"[security_check] User: {user_id}")


@tool(requires_confirmation=True)
def transfer_funds(amount: float, to_account: str) -> str:
    return f"Transferred ${amount:.2f} to account {to_account}"


agent = Agent(
    name="Banking Agent",
    model=OpenAIResponses(id="gpt-5-mini"),
    tools=[transfer_funds],
    pre_hooks=[log_request, security_check],
    instructions=["You help users with banking operations."],
)

if __name__ == "__main__":
    run = agent.run(
        input="Transfer $100 to account 12345",
        user_id="user-123",
    )
    print(f"Status: {run.status}")

    if run.requirements:
        for req in run.requirements:
            if isinstance(req, RunRequirement):
                req.confirmation = True

        run = agent.continue_run(run_response=run, user_id="user-123")
        print(f"Status: {run.status}")
        print(run.content)
"""


def test_agnos_pre_hook_on_continue_example(
    mock_model: MockOpenAI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The replies the corpus manifest scripts for it (benchmarks/agno_corpus/agents.txt).
    reply = mock_model.add_tool_call("transfer_funds", {"amount": 100, "to_account": "12345"})
    mock_model.add_text("Transferred $100.00 to account 12345.")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "__main__"}

    exec(compile(swap_imports(PRE_HOOK_ON_CONTINUE), "example.py", "exec"), namespace)

    assert capsys.readouterr().out.splitlines() == [
        "[log_request] Input: Transfer $100 to account 12345...",
        "[security_check] User: user-123",
        "Status: RunStatus.paused",
        "[security_check] User: user-123",
        "Status: RunStatus.completed",
        "Transferred $100.00 to account 12345.",
    ]
    [output] = [
        item["output"]
        for item in mock_model.requests[1].json["input"]
        if item.get("type") == "function_call_output"
    ]
    assert output == "Transferred $100.00 to account 12345"
    assert reply.used
