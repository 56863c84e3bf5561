"""Human in the loop: a tool call waiting for the user pauses the run; ``continue_run`` resumes
it (confirmation, rejection, user input, external execution), from the returned output or from
the db in a fresh Agent, with metrics that keep adding up and a stored row that never stays
RUNNING."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agno_core.agent import Agent
from agno_core.db._sql import SqlDb
from agno_core.exceptions import NotSupportedError, RunNotContinuableError, RunNotFoundError
from agno_core.hooks import hook
from agno_core.run.agent import RunInput, RunOutput, RunRequirement, ToolExecution
from agno_core.run.base import RunStatus
from agno_core.tools import Toolkit, tool
from pytest_agno.mock import MockOpenAI

AgentMaker = Callable[..., Agent]


class Bank:
    """A transfer tool that records the transfers it made."""

    def __init__(self) -> None:
        self.sent: list[tuple[float, str]] = []

        @tool(requires_confirmation=True)
        def transfer_funds(amount: float, to_account: str) -> str:
            """Transfer funds to another account."""
            self.sent.append((amount, to_account))
            return f"Transferred ${amount:.2f} to account {to_account}"

        self.tool = transfer_funds


def tool_outputs(body: dict[str, Any]) -> dict[str, str]:
    """Tool results a request sent back to the model (either endpoint): call id -> content."""
    if "messages" in body:
        return {m["tool_call_id"]: m["content"] for m in body["messages"] if m["role"] == "tool"}
    return {
        item["call_id"]: item["output"]
        for item in body["input"]
        if item.get("type") == "function_call_output"
    }


async def paused_transfer(
    make_agent: AgentMaker, mock_model: MockOpenAI, bank: Bank, **agent_kwargs: Any
) -> tuple[Agent, RunOutput, str]:
    reply = mock_model.add_tool_call(
        "transfer_funds", {"amount": 100, "to_account": "12345"}, input_tokens=11, output_tokens=7
    )
    agent = make_agent(tools=[bank.tool], **agent_kwargs)
    run = await agent.arun("Transfer $100 to account 12345", user_id="user-1")
    return agent, run, reply.call_ids[0]


async def test_a_confirmation_tool_pauses_the_run_and_stores_it_paused(
    make_agent: AgentMaker, mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    bank = Bank()
    agent, run, call_id = await paused_transfer(make_agent, mock_model, bank)

    assert run.status is RunStatus.paused and run.is_paused
    assert run.content == "I have tools to execute, but I need confirmation."
    assert bank.sent == []
    [paused] = run.tools
    assert paused.tool_call_id == call_id
    assert paused.tool_args == {"amount": 100.0, "to_account": "12345"}
    assert paused.requires_confirmation and paused.is_paused and paused.confirmed is None
    assert run.tools_requiring_confirmation == [paused]
    [requirement] = run.requirements or []
    assert requirement.tool_execution is paused
    assert run.active_requirements == [requirement]
    assert requirement.needs_confirmation and requirement.pause_type == "confirmation"
    assert len(mock_model.requests) == 1
    # Stored PAUSED without a lease: a lapsed lease would turn a live run into ERROR.
    agno_db.run_lease_seconds = 1e-9
    stored = await agent.aget_run_output(run.run_id)
    assert stored is not None and stored.status is RunStatus.paused
    assert await agno_db.aexpire_leases() == 0
    [stored_requirement] = stored.requirements or []
    assert stored_requirement.id == requirement.id
    assert stored_requirement.tool_execution is stored.tools[0]  # one object, as returned
    assert stored.metrics == run.metrics


async def test_a_confirmed_call_runs_and_the_model_goes_on(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    bank = Bank()
    agent, run, call_id = await paused_transfer(make_agent, mock_model, bank)
    mock_model.add_text("Done: $100 sent.", input_tokens=20, output_tokens=5)
    paused_duration, first_token = run.metrics.duration, run.metrics.time_to_first_token
    assert paused_duration is not None and first_token is not None

    run.active_requirements[0].confirm()
    result = await agent.acontinue_run(run_response=run)

    assert result is run  # completed in place, as in Agno
    assert run.status is RunStatus.completed and run.content == "Done: $100 sent."
    assert bank.sent == [(100.0, "12345")]
    assert tool_outputs(mock_model.requests[1].json) == {
        call_id: "Transferred $100.00 to account 12345"
    }
    [done] = run.tools
    assert done.confirmed is True and not done.is_paused and not done.tool_call_error
    assert run.active_requirements == [] and run.requirements and run.requirements[0].is_resolved()
    assert run.tools_requiring_confirmation == []
    # Metrics add up across the pause: both model calls and the tool call.
    assert (run.metrics.input_tokens, run.metrics.output_tokens) == (31, 12)
    [model] = run.metrics.details["model"]
    assert (model.input_tokens, model.output_tokens, model.requests) == (31, 12, 2)
    assert [t.tool_name for t in run.metrics.details["tool_call"]] == ["transfer_funds"]
    # The clock goes on from the pause (the wait is not counted); the first token stays first.
    assert run.metrics.duration is not None and run.metrics.duration >= paused_duration
    assert run.metrics.time_to_first_token == pytest.approx(first_token)
    stored = await agent.aget_run_output(run.run_id)
    assert stored is not None and stored.status is RunStatus.completed
    assert stored.metrics == run.metrics
    session = await agent.aget_session_metrics()
    assert session.total_tokens == run.metrics.total_tokens == 43


async def test_a_rejected_call_is_reported_to_the_model_as_rejected(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    bank = Bank()
    agent, run, call_id = await paused_transfer(make_agent, mock_model, bank)
    mock_model.add_text("Understood, no transfer.")

    run.active_requirements[0].reject("not today")
    await agent.acontinue_run(run_response=run)

    assert run.status is RunStatus.completed and run.content == "Understood, no transfer."
    assert bank.sent == []
    assert tool_outputs(mock_model.requests[1].json) == {call_id: "not today"}
    [rejected] = run.tools
    assert rejected.confirmed is False and rejected.tool_call_error is True
    assert rejected.confirmation_note == "not today"
    assert "tool_call" not in run.metrics.details  # nothing ran


async def test_an_unanswered_confirmation_counts_as_rejected(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    bank = Bank()
    agent, run, call_id = await paused_transfer(make_agent, mock_model, bank)
    mock_model.add_text("Not sent.")

    await agent.acontinue_run(run_response=run)

    assert bank.sent == []
    assert tool_outputs(mock_model.requests[1].json) == {
        call_id: "Function call was rejected by the user"
    }
    assert run.tools[0].confirmation_note == "Tool call was rejected"


async def test_a_fresh_agent_continues_the_run_from_the_db(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    bank = Bank()
    agent, run, call_id = await paused_transfer(make_agent, mock_model, bank)
    mock_model.add_text("Sent.", input_tokens=20, output_tokens=5)
    # Another process: the paused run as an API would hand it out, answered there.
    [requirement] = RunOutput.from_dict(json.loads(json.dumps(run.to_dict()))).requirements or []
    requirement.confirmation = True  # as the pre_hook_on_continue cookbook example does

    db = type(agent.db)(db_url=agent.db.db_url)  # type: ignore[union-attr,call-arg]
    try:
        other = Agent(model=agent.model, db=db, tools=[bank.tool])
        result = await other.acontinue_run(run_id=run.run_id, requirements=[requirement])
        stored = await other.aget_run_output(run.run_id)
    finally:
        await db.aclose()

    assert result.status is RunStatus.completed and result.content == "Sent."
    assert bank.sent == [(100.0, "12345")]
    assert run.status is RunStatus.paused  # the caller's old copy is not touched
    sent = mock_model.requests[1].json
    assert tool_outputs(sent) == {call_id: "Transferred $100.00 to account 12345"}
    # The model gets the conversation the run paused in, system message included.
    assert json.dumps(sent).count("Transfer $100 to account 12345") == 1
    assert result.metrics.total_tokens == 18 + 25
    assert stored is not None and stored.status is RunStatus.completed
    assert stored.metrics == result.metrics


async def test_a_run_is_continued_once(make_agent: AgentMaker, mock_model: MockOpenAI) -> None:
    bank = Bank()
    agent, run, _ = await paused_transfer(make_agent, mock_model, bank)
    stale = await agent.aget_run_output(run.run_id)
    assert stale is not None
    mock_model.add_text("Sent.")
    run.requirements[0].confirm()  # type: ignore[index]
    await agent.acontinue_run(run_response=run)

    stale.requirements[0].confirm()  # type: ignore[index]
    again = await agent.acontinue_run(run_response=stale)

    # The stored run moved on: the stale copy may not run the transfer a second time.
    assert again.status is RunStatus.error
    assert "the stored run is COMPLETED" in (again.error or "")
    assert bank.sent == [(100.0, "12345")]
    stored = await agent.aget_run_output(run.run_id)
    assert stored is not None and stored.status is RunStatus.completed
    with pytest.raises(RunNotContinuableError, match="only a paused run"):
        await agent.acontinue_run(run_id=run.run_id)


async def test_continue_refuses_what_it_cannot_do(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    bank = Bank()
    agent, run, _ = await paused_transfer(make_agent, mock_model, bank)

    with pytest.raises(RunNotFoundError):
        await agent.acontinue_run(run_id="no-such-run")
    with pytest.raises(ValueError, match="run_response= or run_id="):
        agent.acontinue_run()
    with pytest.raises(NotSupportedError, match=r"continue_run\(fork=...\)"):
        agent.acontinue_run(run_response=run, fork=True)
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        agent.acontinue_run(run_response=run, bogus=1)
    with pytest.raises(ValueError, match="belongs to another user"):
        await agent.acontinue_run(run_response=run, user_id="someone-else")
    assert run.status is RunStatus.paused and bank.sent == []


async def test_only_pre_hooks_marked_run_on_continue_run_again(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    seen: list[tuple[str, Any]] = []

    def log_request(run_input: RunInput) -> None:
        seen.append(("log", run_input.input_content))

    @hook(run_on_continue=True)
    def security_check(run_input: RunInput, user_id: str | None = None) -> None:
        seen.append(("security", user_id))

    @hook
    async def plain_async(run_input: RunInput) -> None:
        seen.append(("plain", None))

    bank = Bank()
    agent, run, _ = await paused_transfer(
        make_agent, mock_model, bank, pre_hooks=[log_request, security_check, plain_async]
    )
    mock_model.add_text("Sent.")
    run.requirements[0].confirm()  # type: ignore[index]
    await agent.acontinue_run(run_response=run, user_id="user-1")

    assert seen == [
        ("log", "Transfer $100 to account 12345"),
        ("security", "user-1"),
        ("plain", None),
        ("security", "user-1"),
    ]


def test_hook_refuses_background_hooks() -> None:
    with pytest.raises(NotSupportedError, match="run_in_background"):
        hook(run_in_background=True)


async def test_other_calls_of_the_response_run_and_the_run_can_pause_again(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    bank = Bank()

    def balance() -> str:
        """The account balance."""
        return "$500"

    first = mock_model.add_tool_calls(
        [("balance", {}), ("transfer_funds", {"amount": 1, "to_account": "a"})]
    )
    agent = make_agent(tools=[bank.tool, balance])
    run = await agent.arun("pay a")
    assert run.is_paused and [t.tool_name for t in run.tools] == ["balance", "transfer_funds"]
    assert run.tools[0].result == "$500" and not run.tools[0].is_paused

    second = mock_model.add_tool_call("transfer_funds", {"amount": 2, "to_account": "b"})
    run.requirements[0].confirm()  # type: ignore[index]
    await agent.acontinue_run(run_response=run)

    assert run.is_paused and bank.sent == [(1.0, "a")]
    assert tool_outputs(mock_model.requests[1].json) == {
        first.call_ids[0]: "$500",
        first.call_ids[1]: "Transferred $1.00 to account a",
    }
    assert len(run.requirements or []) == 2
    [active] = run.active_requirements
    assert active.tool_execution.tool_call_id == second.call_ids[0]

    mock_model.add_text("Both paid.")
    active.confirm()
    await agent.acontinue_run(run_id=run.run_id, requirements=run.requirements)
    stored = await agent.aget_run_output(run.run_id)
    assert stored is not None and stored.status is RunStatus.completed
    assert stored.content == "Both paid." and bank.sent == [(1.0, "a"), (2.0, "b")]
    assert stored.metrics.details["model"][0].requests == 3


async def test_user_input_fields_are_asked_of_the_user(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    sent: list[tuple[str, str, int]] = []

    @tool(requires_user_input=True, user_input_fields=["to_address"])
    def send_email(subject: str, to_address: str, priority: int = 1) -> str:
        """Send an email.

        Args:
            subject: The subject line.
            to_address: Who receives it.
            priority: 1 (low) to 3 (high).
        """
        sent.append((subject, to_address, priority))
        return f"sent {subject!r} to {to_address}"

    assert set(send_email.parameters["properties"]) == {"subject", "priority"}
    reply = mock_model.add_tool_call("send_email", {"subject": "Hi"})
    agent = make_agent(tools=[send_email])
    run = await agent.arun("email the team")

    assert run.is_paused and run.content == "I have tools to execute, but I need user input."
    [requirement] = run.active_requirements
    assert requirement.needs_user_input and requirement.pause_type == "user_input"
    fields = {f.name: f for f in requirement.user_input_schema or []}
    assert set(fields) == {"subject", "to_address", "priority"}
    assert fields["subject"].value == "Hi" and fields["to_address"].value is None
    assert fields["priority"].field_type is int
    assert fields["to_address"].description == "Who receives it."
    assert run.tools_requiring_user_input == run.tools

    requirement.provide_user_input({"to_address": "team@example.com"})
    assert requirement.is_resolved()
    mock_model.add_text("Email sent.")
    await agent.acontinue_run(run_response=run)

    assert run.status is RunStatus.completed and run.content == "Email sent."
    assert sent == [("Hi", "team@example.com", 1)]
    assert tool_outputs(mock_model.requests[1].json) == {
        reply.call_ids[0]: "sent 'Hi' to team@example.com"
    }
    assert run.tools[0].answered is True and not run.tools[0].is_paused


async def test_an_external_call_takes_the_result_the_caller_gives(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    @tool(external_execution=True)
    def run_shell(command: str) -> str:
        """Run a shell command."""
        raise AssertionError("executed outside the agent, never here")

    reply = mock_model.add_tool_call("run_shell", {"command": "ls"})
    agent = make_agent(tools=[run_shell])
    run = await agent.arun("list files")
    assert run.content == "I have tools to execute, but it needs external execution."
    [requirement] = run.active_requirements
    assert requirement.needs_external_execution and run.tools_awaiting_external_execution

    with pytest.raises(RunNotContinuableError, match="give its result"):
        await agent.acontinue_run(run_response=run)
    assert run.is_paused

    requirement.set_external_execution_result("a.txt b.txt")
    mock_model.add_text("Two files.")
    await agent.acontinue_run(run_response=run)

    assert run.status is RunStatus.completed and run.content == "Two files."
    assert tool_outputs(mock_model.requests[1].json) == {reply.call_ids[0]: "a.txt b.txt"}


def test_tool_flags_are_checked() -> None:
    with pytest.raises(ValueError, match="only one of"):
        tool(requires_confirmation=True, external_execution=True)(lambda: None)
    with pytest.raises(ValueError, match="does not require confirmation"):
        RunRequirement(ToolExecution(tool_name="t", requires_user_input=True)).confirm()


def test_without_a_db_the_run_still_pauses_and_continues(mock_model: MockOpenAI) -> None:
    from agno_core.models.openai import OpenAIChat

    bank = Bank()
    mock_model.add_tool_call("transfer_funds", {"amount": 5, "to_account": "x"})
    mock_model.add_text("ok")
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini"), tools=[bank.tool])

    run = agent.run("pay x")
    assert run.is_paused
    for requirement in run.active_requirements:
        requirement.confirm()
    run = agent.continue_run(run_response=run)

    assert run.status is RunStatus.completed and bank.sent == [(5.0, "x")]
    with pytest.raises(RunNotFoundError, match="has none"):
        agent.continue_run(run_id=run.run_id)


async def test_a_toolkit_names_its_tools_that_wait_for_the_user(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    def wipe(disk: str) -> str:
        """Wipe a disk."""
        return f"wiped {disk}"

    def backup(disk: str) -> str:
        """Back a disk up."""
        return f"backed up {disk}"

    kit = Toolkit(
        name="disks",
        tools=[wipe, backup],
        requires_confirmation_tools=["wipe"],
        external_execution_required_tools=["backup"],
    )
    assert kit.functions["wipe"].requires_confirmation
    assert kit.functions["backup"].external_execution
    mock_model.add_tool_calls([("wipe", {"disk": "d1"}), ("backup", {"disk": "d2"})])
    agent = make_agent(tools=[kit])

    run = await agent.arun("clean up")

    kinds = [r.pause_type for r in run.active_requirements]
    assert kinds == ["confirmation", "external_execution"]
    assert run.content == "I have tools to execute, but I need confirmation or external execution."


async def test_a_paused_run_can_be_cancelled_and_then_not_continued(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    bank = Bank()
    agent, run, _ = await paused_transfer(make_agent, mock_model, bank)

    assert await agent.acancel_run(run.run_id) is True

    stored = await agent.aget_run_output(run.run_id)
    assert stored is not None and stored.status is RunStatus.cancelled
    assert stored.error == "cancelled while paused"
    run.requirements[0].confirm()  # type: ignore[index]
    refused = await agent.acontinue_run(run_response=run)
    assert refused.status is RunStatus.error and bank.sent == []
    with pytest.raises(RunNotContinuableError, match="CANCELLED"):
        await agent.acontinue_run(run_id=run.run_id)


CONTINUE_IN_ANOTHER_PROCESS = """
import sys

from agno_core.agent import Agent
from agno_core.db.sqlite import SqliteDb
from agno_core.models.openai import OpenAIChat
from agno_core.tools import tool
from pytest_agno.mock import MockOpenAI


@tool(requires_confirmation=True)
def transfer_funds(amount: float, to_account: str) -> str:
    return f"Transferred ${amount:.2f} to account {to_account}"


db_file, run_id = sys.argv[1:3]
with MockOpenAI() as mock:
    mock.add_text("Sent from another process.")
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini"), db=SqliteDb(db_file=db_file),
                  tools=[transfer_funds])
    paused = agent.get_run_output(run_id)
    for requirement in paused.active_requirements:
        requirement.confirm()
    run = agent.continue_run(run_id=run_id, requirements=paused.requirements)
    print(run.status, run.content)
"""


async def test_another_process_continues_the_paused_run(
    mock_model: MockOpenAI, tmp_path: Path
) -> None:
    from agno_core.db.sqlite import SqliteDb
    from agno_core.models.openai import OpenAIChat

    bank = Bank()
    mock_model.add_tool_call("transfer_funds", {"amount": 100, "to_account": "12345"})
    db = SqliteDb(db_file=tmp_path / "hitl.db")
    agent = Agent(model=OpenAIChat(id="gpt-4o-mini"), db=db, tools=[bank.tool])
    run = await agent.arun("Transfer $100 to account 12345")
    assert run.is_paused
    await db.aclose()
    script = tmp_path / "continue_run.py"
    script.write_text(CONTINUE_IN_ANOTHER_PROCESS)

    child = await asyncio.create_subprocess_exec(
        sys.executable,
        str(script),
        str(tmp_path / "hitl.db"),
        run.run_id,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "OPENAI_API_KEY": "sk-hitl-test"},
    )
    out, err = await child.communicate()

    assert child.returncode == 0, err.decode()
    assert out.decode().strip() == "RunStatus.completed Sent from another process."
    stored = await agent.aget_run_output(run.run_id)
    assert stored is not None and stored.status is RunStatus.completed
    assert [t.result for t in stored.tools] == ["Transferred $100.00 to account 12345"]
    assert stored.metrics.details["model"][0].requests == 2


async def test_agno_2_updated_tools_answer_a_run_too(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    bank = Bank()
    agent, run, _ = await paused_transfer(make_agent, mock_model, bank)
    mock_model.add_text("Sent.")
    copy = RunOutput.from_dict(run.to_dict())
    for paused in copy.tools:
        paused.confirmed = True

    result = await agent.acontinue_run(run_id=run.run_id, updated_tools=copy.tools)

    assert result.status is RunStatus.completed and bank.sent == [(100.0, "12345")]
    assert result.requirements and result.requirements[0].tool_execution is result.tools[0]


async def test_a_background_run_pauses_and_is_continued_in_the_foreground(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    bank = Bank()
    mock_model.add_tool_call("transfer_funds", {"amount": 3, "to_account": "bg"})
    agent = make_agent(tools=[bank.tool])

    pending = await agent.arun("pay bg", background=True)
    await agent.adrain()
    paused = await agent.aget_run_output(pending.run_id)

    assert paused is not None and paused.status is RunStatus.paused
    mock_model.add_text("Paid.")
    for requirement in paused.active_requirements:
        requirement.confirm()
    done = await agent.acontinue_run(run_response=paused)
    assert done.status is RunStatus.completed and bank.sent == [(3.0, "bg")]
