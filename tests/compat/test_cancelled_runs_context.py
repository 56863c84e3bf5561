"""``add_cancelled_runs_to_context`` (Agent and Team), as Agno documents it: a cancelled run's
partial answer is replayed as history, its unanswered tool calls closed; off by default."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from agno_core.agent import Agent
from agno_core.db import SqlDb
from agno_core.models.openai._common import OpenAIBase
from agno_core.run.base import RunStatus
from agno_core.team import Team
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker
from tests.compat.wire import conversation


async def _cancel_mid_stream(runner: Agent | Team, mock_model: MockOpenAI, prompt: str) -> str:
    """Stream a run, cancel it after two chunks; the text streamed until then."""
    mock_model.add_text("Ember the dragon learned Python at night", chunks=7)
    seen: list[str] = []
    last = None
    async for event in runner.arun(prompt, stream=True, session_id="s"):
        last = event
        if event.event in ("RunContent", "TeamRunContent") and event.content:
            seen.append(event.content)
            if len(seen) == 2:
                assert await runner.acancel_run(event.run_id) is True
    assert last is not None and last.event in ("RunCancelled", "TeamRunCancelled")
    return "".join(seen)


async def test_the_partial_answer_of_a_cancelled_run_is_history_when_asked(
    mock_model: MockOpenAI, make_agent: AgentMaker, db: SqlDb
) -> None:
    agent = make_agent(db=db, add_history_to_context=True, add_cancelled_runs_to_context=True)
    partial = await _cancel_mid_stream(agent, mock_model, "Tell a dragon story")
    stored = await agent.aget_last_run_output(session_id="s")
    assert stored is not None and stored.status is RunStatus.cancelled
    # The interrupted call's text is stored as the run's assistant message.
    assert [(m.role, m.content) for m in stored.messages][-1] == ("assistant", partial)

    mock_model.add_text("Ember, learning Python")
    out = await agent.arun("What was the dragon's name?", session_id="s")

    assert conversation(mock_model.requests[-1]) == [
        ("user", "Tell a dragon story"),
        ("assistant", partial),
        ("user", "What was the dragon's name?"),
    ]
    assert [m.content for m in out.messages if m.from_history] == ["Tell a dragon story", partial]


async def test_cancelled_runs_stay_out_of_history_by_default(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    agent = make_agent(add_history_to_context=True)
    assert agent.add_cancelled_runs_to_context is False
    await _cancel_mid_stream(agent, mock_model, "Tell a dragon story")

    mock_model.add_text("No idea")
    await agent.arun("What was the dragon's name?", session_id="s")

    assert conversation(mock_model.requests[-1]) == [("user", "What was the dragon's name?")]


async def test_failed_runs_stay_out_even_with_cancelled_runs_in(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    agent = make_agent(add_history_to_context=True, add_cancelled_runs_to_context=True)
    mock_model.add_error(400, "bad request")
    failed = await agent.arun("ERROR_MARKER", session_id="s")
    assert failed.status is RunStatus.error
    partial = await _cancel_mid_stream(agent, mock_model, "Tell a dragon story")

    mock_model.add_text("ok")
    await agent.arun("next", session_id="s")

    sent = conversation(mock_model.requests[-1])
    assert ("user", "ERROR_MARKER") not in sent
    assert sent == [("user", "Tell a dragon story"), ("assistant", partial), ("user", "next")]


async def test_a_tool_call_the_cancel_left_unanswered_is_closed_in_history(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    started = asyncio.Event()

    def quick(x: int) -> str:
        """Answers at once."""
        return "quick result"

    async def slow(x: int) -> str:
        """Never finishes."""
        started.set()
        await asyncio.sleep(30)
        return "never"

    agent = make_agent(
        tools=[quick, slow], add_history_to_context=True, add_cancelled_runs_to_context=True
    )
    mock_model.add_tool_calls([("quick", {"x": 1}), ("slow", {"x": 2})])
    run = await agent.arun("use the tools", background=True, session_id="s")
    await asyncio.wait_for(started.wait(), 10)
    assert await agent.acancel_run(run.run_id) is True
    await agent.adrain()

    mock_model.add_text("done")
    out = await agent.arun("next", session_id="s")

    assert out.status is RunStatus.completed
    assert conversation(mock_model.requests[-1]) == [
        ("user", "use the tools"),
        ("call", "quick"),
        ("call", "slow"),
        ("tool", "quick result"),
        ("tool", '{"status": "cancelled"}'),
        ("user", "next"),
    ]


async def test_a_team_replays_its_cancelled_run_when_asked(
    mock_model: MockOpenAI,
    make_agent: AgentMaker,
    make_model: Callable[..., OpenAIBase],
    agno_db: SqlDb,
) -> None:
    def team(flag: bool) -> Team:
        return Team(
            model=make_model(),
            members=[make_agent(db=None, name="Writer")],
            db=agno_db,
            add_history_to_context=True,
            add_cancelled_runs_to_context=flag,
        )

    on = team(True)
    partial = await _cancel_mid_stream(on, mock_model, "Tell a dragon story")
    mock_model.add_text("Ember")
    await on.arun("Name?", session_id="s")
    sent = conversation(mock_model.requests[-1])
    assert sent[-3:] == [("user", "Tell a dragon story"), ("assistant", partial), ("user", "Name?")]

    off = team(False)
    mock_model.add_text("?")
    await off.arun("Name again?", session_id="s")
    later = [t for r, t in conversation(mock_model.requests[-1]) if r != "system"]
    assert "Tell a dragon story" not in later and partial not in later
