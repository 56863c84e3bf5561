"""Whole-session operations, as Agno documents them: get_session, fork_session, regenerate;
and additional_input (few-shot messages). On SQLite and PostgreSQL where storage is involved."""

from __future__ import annotations

import pytest

from agno_core.agent import RunStatus
from agno_core.db import SqlDb
from agno_core.exceptions import NotSupportedError
from agno_core.models.message import Message
from agno_core.session import AgentSession
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker
from tests.compat.wire import conversation, system_text


async def test_get_session_returns_the_stored_runs_and_state(
    mock_model: MockOpenAI, make_agent: AgentMaker, db: SqlDb
) -> None:
    agent = make_agent(db=db, session_state={"n": 1})
    first = await agent.arun("one", session_id="s1", user_id="ann")
    second = await agent.arun("two", session_id="s1", user_id="ann")

    session = await agent.aget_session(session_id="s1")

    assert isinstance(session, AgentSession)
    assert [r.run_id for r in session.runs] == [first.run_id, second.run_id]
    assert session.user_id == "ann" and session.session_state == {"n": 1}
    assert await agent.aget_session(session_id="s1", user_id="bob") is None
    assert await agent.aget_session(session_id="nope") is None
    assert agent.agent_session is not None and agent.agent_session.session_id == "s1"


async def test_fork_session_copies_runs_and_state_into_an_independent_session(
    mock_model: MockOpenAI, make_agent: AgentMaker, db: SqlDb
) -> None:
    agent = make_agent(db=db, add_history_to_context=True, session_state={"topic": "japan"})
    await agent.arun("Top cities in Japan?", session_id="orig", user_id="u")

    new_id = await agent.afork_session(source_session_id="orig", user_id="u")
    await agent.arun("And Osaka food?", session_id=new_id, user_id="u")

    forked = await agent.aget_session(session_id=new_id)
    original = await agent.aget_session(session_id="orig")
    assert new_id != "orig" and forked is not None and original is not None
    assert len(original.runs) == 1 and len(forked.runs) == 2
    assert forked.runs[0].run_id != original.runs[0].run_id
    assert forked.runs[0].input == original.runs[0].input
    assert forked.session_state == {"topic": "japan"}
    # The fork's next run sees the copied history.
    assert ("user", "Top cities in Japan?") in conversation(mock_model.requests[-1])


async def test_fork_session_of_an_unknown_or_foreign_session_fails(make_agent: AgentMaker) -> None:
    agent = make_agent()
    await agent.arun("hi", session_id="mine", user_id="ann")

    with pytest.raises(ValueError, match="no runs to fork"):
        await agent.afork_session(source_session_id="mine", user_id="bob")
    with pytest.raises(ValueError, match="no runs to fork"):
        await agent.afork_session(source_session_id="missing")


async def test_regenerate_replaces_the_last_run_and_adds_instructions(
    mock_model: MockOpenAI, make_agent: AgentMaker, db: SqlDb
) -> None:
    agent = make_agent(db=db, add_history_to_context=True, instructions="Be helpful.")
    mock_model.add_text("first answer")
    mock_model.add_text("second answer")
    await agent.arun("Q1", session_id="s")
    old = await agent.arun("Q2", session_id="s")
    mock_model.add_text("regenerated")

    new = agent.regenerate(session_id="s", additional_instructions="Be surprising.")

    assert new.content == "regenerated" and new.input.input_content == "Q2"
    sent = mock_model.requests[-1]
    assert "Be surprising." in system_text(sent)
    assert [t for r, t in conversation(sent) if r != "system"] == ["Q1", "first answer", "Q2"]
    session = await agent.aget_session(session_id="s")
    assert session is not None
    assert [r.run_id for r in session.runs][-1] == new.run_id
    assert old.run_id not in {r.run_id for r in session.runs}
    # The instructions were for that run only.
    mock_model.add_text("third")
    await agent.arun("Q3", session_id="s")
    assert "Be surprising." not in system_text(mock_model.requests[-1])


async def test_regenerate_preserve_original_keeps_the_run_out_of_the_new_context(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    agent = make_agent(add_history_to_context=True)
    mock_model.add_text("original")
    await agent.arun("Q", session_id="s")
    mock_model.add_text("again")

    new = await agent.aregenerate(session_id="s", preserve_original=True)

    assert new.status is RunStatus.completed and new.content == "again"
    assert "original" not in [t for _, t in conversation(mock_model.requests[-1])]
    session = await agent.aget_session(session_id="s")
    assert session is not None and len(session.runs) == 2
    with pytest.raises(NotSupportedError, match="aregenerate"):
        agent.regenerate(session_id="s", stream=True)


async def test_additional_input_goes_between_system_and_user_message(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    examples = [
        Message(role="user", content="I forgot my password"),
        Message(role="assistant", content="Click 'Forgot password'."),
        {"role": "user", "content": "Charged twice"},
    ]
    agent = make_agent(instructions="Support agent.", additional_input=examples)

    await agent.arun("Enable 2FA?")

    assert conversation(mock_model.requests[0]) == [
        ("system", system_text(mock_model.requests[0])),
        ("user", "I forgot my password"),
        ("assistant", "Click 'Forgot password'."),
        ("user", "Charged twice"),
        ("user", "Enable 2FA?"),
    ]


async def test_a_runs_input_is_a_run_input(mock_model: MockOpenAI, make_agent: AgentMaker) -> None:
    from agno_core.run.agent import RunInput

    agent = make_agent()
    run = await agent.arun("What is the capital of France?")

    session = await agent.aget_session()
    assert session is not None
    stored = session.runs[0].input
    assert isinstance(run.input, RunInput) and isinstance(stored, RunInput)
    assert stored.input_content == run.input.input_content == "What is the capital of France?"
    assert stored.input_content_string() == "What is the capital of France?"


def lookup(city: str) -> str:
    """Look a city up."""
    return f"{city}: sunny"


async def test_session_objects_answer_agnos_message_helpers(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    mock_model.add_tool_call("lookup", {"city": "Oslo"})
    mock_model.add_text("Sunny in Oslo.")
    mock_model.add_text("You are welcome.")
    agent = make_agent(tools=[lookup], instructions="Be brief.")
    await agent.arun("Weather in Oslo?")
    await agent.arun("Thanks")

    session = await agent.aget_session()
    assert session is not None

    assert [(m.role, m.content) for m in session.get_chat_history()] == [
        ("user", "Weather in Oslo?"),
        ("assistant", None),
        ("assistant", "Sunny in Oslo."),
        ("user", "Thanks"),
        ("assistant", "You are welcome."),
    ]
    last = session.get_messages(last_n_runs=1, skip_roles=["system"])
    assert [m.content for m in last] == ["Thanks", "You are welcome."]
    everything = session.get_messages()
    assert everything[0].role == "system" and sum(m.role == "system" for m in everything) == 1
    assert [m.role for m in session.get_messages(limit=2)] == ["system", "assistant"]
    [call] = session.get_tool_calls()
    assert call["function"] == {"name": "lookup", "arguments": '{"city": "Oslo"}'}
    data = session.to_dict()
    assert len(data["runs"]) == 2 and "runs" not in session.to_dict(include_runs=False)
    first = everything[1]
    assert first.id and isinstance(first.created_at, int)
    assert stored_ids(agent, session.session_id) == [m.id for m in everything]


def stored_ids(agent, session_id):  # type: ignore[no-untyped-def]
    """The message ids as read back again: ids are stored, not made anew on each read."""
    return [m.id for m in agent.get_session(session_id).get_messages()]


async def test_a_session_has_agnos_attributes(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    agent = make_agent(metadata={"m": 1})
    await agent.arun("hi")

    session = await agent.aget_session()

    assert session is not None
    assert session.metadata == {"m": 1}
    assert (session.team_id, session.workflow_id, session.summary) == (None, None, None)
    assert isinstance(session.created_at, int) and session.updated_at >= session.created_at
    assert {"created_at", "metadata", "summary", "team_id"} <= set(session.to_dict())


async def test_last_run_output_is_this_agents_in_a_shared_session(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    a, b = make_agent(name="A"), make_agent(name="B")
    await b.arun("from b", session_id="shared")
    await a.arun("from a", session_id="shared")

    last_b = await b.aget_last_run_output(session_id="shared")

    assert last_b is not None and last_b.input_content == "from b"
    assert (await a.aget_last_run_output(session_id="shared")).input_content == "from a"
    assert await make_agent(name="C").aget_last_run_output(session_id="shared") is None


def test_run_outputs_answer_agnos_media_and_reasoning_fields() -> None:
    from agno_core.run.agent import RunOutput

    run = RunOutput(run_id="r", session_id="s")

    assert (run.images, run.files, run.reasoning_content, run.citations, run.workflow_id) == (
        None,
        None,
        None,
        None,
        None,
    )
