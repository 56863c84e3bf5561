"""``InMemoryDb()``: Agno's throwaway store keeps sessions, state and history in memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from agno_core.agent import Agent
from agno_core.db.in_memory import InMemoryDb
from agno_core.models.openai import OpenAIChat
from agno_core.team import Team
from pytest_agno.mock import MockOpenAI


async def test_a_team_keeps_its_session_state_and_history_in_memory(
    mock_model: MockOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    team = Team(
        members=[Agent(name="Helper", model=OpenAIChat(id="gpt-4o-mini"))],
        model=OpenAIChat(id="gpt-4o"),
        db=InMemoryDb(),
        session_state={},
        instructions="The user is {user_name}.",
        add_history_to_context=True,
    )
    mock_model.add_text("Hi John.")
    mock_model.add_text("Still John.")

    await team.arun("Who am I?", session_id="s1", session_state={"user_name": "John"})
    await team.arun("And now?", session_id="s1")

    second = mock_model.requests[1].json["messages"]
    assert "The user is John." in second[0]["content"]
    assert [m["content"] for m in second[1:]] == ["Who am I?", "Hi John.", "And now?"]
    assert team.get_session_state("s1") == {"user_name": "John"}
    assert not any(tmp_path.iterdir())  # noqa: ASYNC240 - nothing written where it runs


def test_each_in_memory_db_is_its_own_store_and_takes_no_arguments() -> None:
    first, second = InMemoryDb(), InMemoryDb()

    assert first.in_memory and second.in_memory
    assert first.db_file != second.db_file
    with pytest.raises(TypeError, match=r"InMemoryDb\(\) takes no arguments \(got db_file\)"):
        InMemoryDb(db_file="x.db")  # type: ignore[call-arg]
