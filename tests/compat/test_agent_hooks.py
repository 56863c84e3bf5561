"""Agent pre- and post-hooks, as Agno documents them: what they receive, what they change, and
how `InputCheckError` / `OutputCheckError` end a run."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from agno_core.agent import Agent, RunInput, RunOutput, RunStatus
from agno_core.db import SqlDb
from agno_core.exceptions import CheckTrigger, InputCheckError, OutputCheckError
from agno_core.run import RunContext
from agno_core.session import AgentSession
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker
from tests.compat.wire import conversation


async def test_pre_hook_receives_declared_arguments_and_can_rewrite_the_input(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    seen: dict[str, Any] = {}

    def rewrite(run_input: RunInput, agent: Agent, user_id: str | None) -> None:
        seen.update(text=run_input.input_content_string(), agent=agent, user_id=user_id)
        run_input.input_content = run_input.input_content.upper()

    agent = make_agent(pre_hooks=[rewrite])
    out = await agent.arun("hello there", user_id="u1")

    assert seen == {"text": "hello there", "agent": agent, "user_id": "u1"}
    assert ("user", "HELLO THERE") in conversation(mock_model.requests[0])
    assert out.input.input_content == "HELLO THERE"


async def test_async_pre_hook_with_kwargs_gets_every_argument(make_agent: AgentMaker) -> None:
    got: dict[str, Any] = {}

    async def everything(**kwargs: Any) -> None:
        got.update(kwargs)

    await make_agent(pre_hooks=[everything], metadata={"k": 1}).arun("hi")

    assert {"run_input", "run_context", "agent", "user_id", "metadata", "debug_mode"} <= set(got)
    assert got["metadata"] == {"k": 1}
    assert isinstance(got["run_context"], RunContext)


async def test_input_check_error_ends_the_run_in_error_without_a_model_call(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    def refuse(run_input: RunInput) -> None:
        raise InputCheckError("no secrets please", check_trigger=CheckTrigger.PII_DETECTED)

    out = await make_agent(pre_hooks=[refuse]).arun("my SSN is 123")

    assert out.status is RunStatus.error
    assert out.content == "no secrets please"
    assert mock_model.request_count == 0


async def test_pre_hook_session_state_change_is_stored(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    def track(run_context: RunContext, run_input: RunInput) -> None:
        if run_context.session_state is None:
            run_context.session_state = {}
        run_context.session_state.setdefault("topics", []).append(run_input.input_content)

    agent = make_agent(pre_hooks=[track])
    await agent.arun("AI agents", session_id="s")
    await agent.arun("Agno", session_id="s")

    assert agent.get_session_state(session_id="s") == {"topics": ["AI agents", "Agno"]}


async def test_post_hook_sees_the_final_output(make_agent: AgentMaker) -> None:
    seen: list[Any] = []

    def notify(run_output: RunOutput, run_context: RunContext) -> None:
        seen.append((run_output.content, run_context.metadata))

    out = await make_agent(post_hooks=[notify]).arun("hi", metadata={"email": "a@b.c"})

    assert out.status is RunStatus.completed
    assert seen == [("Mock reply.", {"email": "a@b.c"})]


async def test_output_check_error_ends_the_run_in_error_and_is_stored(
    make_agent: AgentMaker, agno_db: SqlDb
) -> None:
    def too_short(run_output: RunOutput) -> None:
        raise OutputCheckError("too brief", check_trigger=CheckTrigger.OUTPUT_NOT_ALLOWED)

    agent = make_agent(post_hooks=[too_short])
    events = [e async for e in agent.arun("hi", stream=True, stream_events=True)]

    error = events[-1]
    assert error.event == "RunError"
    assert error.error_type == "output_check_error"
    stored = await agent.aget_run_output(error.run_id)
    assert stored is not None and stored.status is RunStatus.error


async def test_a_failing_hook_is_logged_and_the_run_goes_on(
    make_agent: AgentMaker, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(run_input: RunInput) -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.WARNING, logger="agno_core"):
        out = await make_agent(pre_hooks=[broken]).arun("hi")

    assert out.status is RunStatus.completed
    assert "boom" in caplog.text


async def test_a_failed_hook_has_no_completed_event(make_agent: AgentMaker) -> None:
    def broken(run_input: RunInput) -> None:
        raise RuntimeError("boom")

    def fine(run_input: RunInput) -> None:
        pass

    agent = make_agent(pre_hooks=[broken, fine])
    events = [e.event async for e in agent.arun("hi", stream=True, stream_events=True)]

    assert events[:3] == ["PreHookStarted", "PreHookStarted", "PreHookCompleted"]
    assert events[-1] == "RunCompleted"


async def test_hooks_get_the_runs_session(make_agent: AgentMaker, db: SqlDb) -> None:
    seen: list[Any] = []

    def pre(run_input: RunInput, session: AgentSession, run_context: RunContext) -> None:
        seen.append((session.session_id, len(session.runs), session.session_state))

    def post(run_output: RunOutput, session: AgentSession) -> None:
        seen.append((session.session_id, session.agent_id, run_output.content))

    agent = make_agent(id="hooked", db=db, pre_hooks=[pre], post_hooks=[post])
    await agent.arun("first", session_id="s1", session_state={"n": 1})
    await agent.arun("second", session_id="s1")
    without_db = make_agent(id="nodb", db=None, pre_hooks=[pre], post_hooks=[post])
    await without_db.arun("hi", session_id="s2")

    assert [s[:2] for s in seen] == [
        ("s1", 0),
        ("s1", "hooked"),
        ("s1", 1),
        ("s1", "hooked"),
        ("s2", 0),
        ("s2", "nodb"),
    ]
    assert seen[0][2]["n"] == 1 and seen[2][2]["n"] == 1


async def test_run_debug_mode_logs_at_debug_level_for_that_run_only(
    make_agent: AgentMaker,
) -> None:
    logger = logging.getLogger("agno_core")
    levels: list[int] = []

    def level_now(run_input: RunInput) -> None:
        levels.append(logger.getEffectiveLevel())

    agent = make_agent(pre_hooks=[level_now])
    before = logger.level
    await agent.arun("hi", debug_mode=True)
    await agent.arun("hi")

    assert levels[0] == logging.DEBUG
    assert logger.level == before


def test_a_sync_hook_may_run_another_agent_synchronously(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    validator = make_agent()
    verdicts: list[Any] = []

    def validate(run_input: RunInput) -> None:
        verdicts.append(validator.run(f"Validate: {run_input.input_content}").content)

    out = make_agent(pre_hooks=[validate]).run("question")

    assert out.status is RunStatus.completed
    assert verdicts == ["Mock reply."]
    assert mock_model.request_count == 2


async def test_run_completed_event_carries_the_session_state(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    def add(run_context: RunContext, item: str) -> str:
        """Add an item."""
        assert run_context.session_state is not None
        run_context.session_state["items"].append(item)
        return "ok"

    mock_model.add_tool_call("add", {"item": "milk"})
    mock_model.add_text("Added.")
    agent = make_agent(session_state={"items": []}, tools=[add])
    events = [e async for e in agent.arun("hi", stream=True, stream_events=True)]

    completed = events[-1]
    assert completed.event == "RunCompleted"
    assert completed.session_state == {"items": ["milk"]}
