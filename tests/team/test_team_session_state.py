"""A team's session state, as Agno has it: one state shared by the leader and every member run
(nested teams' members too), read by tools and placeholders, changed by them, stored with the
team's session."""

from __future__ import annotations

from typing import Any

from agno_core.agent import Agent
from agno_core.db import SqlDb
from agno_core.run import RunContext
from agno_core.team import Team
from pytest_agno.mock import MockOpenAI
from tests.team.team_helpers import (
    CLOCK_MODEL,
    LEADER,
    WEATHER_MODEL,
    call,
    chat,
    delegate,
    messages,
    reply,
    run_requests,
    system_text,
    tool_names,
)


def add_item(run_context: RunContext, item: str) -> str:
    """Add an item to the shopping list.

    Args:
        item: The item.
    """
    assert run_context.session_state is not None
    run_context.session_state["shopping_list"].append(item)
    return f"added {item}"


def list_items(run_context: RunContext) -> str:
    """List the shopping list."""
    assert run_context.session_state is not None
    return ", ".join(run_context.session_state["shopping_list"]) or "empty"


def reset_list(run_context: RunContext) -> str:
    """Start a new shopping list (replaces the whole state)."""
    run_context.session_state = {"shopping_list": ["bananas"], "reset": True}
    return "reset"


def _shopper(db: SqlDb, **kw: Any) -> Agent:
    return Agent(
        name="Shopper",
        role="Keeps the shopping list",
        model=chat(WEATHER_MODEL),
        tools=[add_item, reset_list],
        db=db,
        **kw,
    )


async def test_a_member_tool_changes_the_team_state_and_the_team_stores_it(
    mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    team = Team(
        members=[_shopper(agno_db)],
        model=chat(LEADER),
        db=agno_db,
        session_id="s1",
        session_state={"shopping_list": []},
        tools=[list_items],
        instructions="The list holds {shopping_list}.",
    )
    delegate(mock_model, "shopper", "Add milk")
    call(mock_model, "add_item", {"item": "milk"}, model=WEATHER_MODEL)
    reply(mock_model, "Added milk.", model=WEATHER_MODEL)
    call(mock_model, "list_items", {}, model=LEADER)
    reply(mock_model, "Your list: milk.")

    run = await team.arun("Add milk, then tell me the list")

    requests = run_requests(mock_model)
    assert "The list holds []." in system_text(requests[0])
    # The leader's own tool read what the member's tool wrote, in the same run.
    assert messages(requests[4])[-1] == {
        "role": "tool",
        "content": "milk",
        "tool_call_id": messages(requests[4])[-2]["tool_calls"][0]["id"],
    }
    assert run.session_state == {"shopping_list": ["milk"]}
    assert team.get_session_state("s1") == {"shopping_list": ["milk"]}
    # The next run starts from the stored state.
    reply(mock_model, "Still milk.")
    await team.arun("What is on it?")
    assert "The list holds ['milk']." in system_text(run_requests(mock_model)[-1])


async def test_members_resolve_placeholders_from_the_team_state(
    mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    advisor = Agent(
        name="Advisor",
        role="Knows the user",
        model=chat(WEATHER_MODEL),
        instructions="The user's name is {user_name}.",
    )
    team = Team(members=[advisor], model=chat(LEADER), db=agno_db, session_id="s2")
    delegate(mock_model, "advisor", "Who am I?")
    reply(mock_model, "You are John.", model=WEATHER_MODEL)
    reply(mock_model, "John.")

    run = await team.arun("Who am I?", session_state={"user_name": "John"})

    member_request = run_requests(mock_model)[1]
    assert member_request.json["model"] == WEATHER_MODEL
    assert "The user's name is John." in system_text(member_request)
    assert run.session_state == {"user_name": "John"}
    assert await team.aget_session_state("s2") == {"user_name": "John"}


async def test_nested_team_members_share_the_top_state(
    mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    inner = Team(
        name="Inner",
        members=[_shopper(agno_db)],
        model=chat(CLOCK_MODEL),
    )
    outer = Team(
        name="Outer",
        members=[inner],
        model=chat(LEADER),
        db=agno_db,
        session_id="s3",
        session_state={"shopping_list": ["tea"]},
    )
    delegate(mock_model, "inner", "Add eggs")
    delegate(mock_model, "shopper", "Add eggs", model=CLOCK_MODEL)
    call(mock_model, "add_item", {"item": "eggs"}, model=WEATHER_MODEL)
    reply(mock_model, "Added.", model=WEATHER_MODEL)
    reply(mock_model, "Done.", model=CLOCK_MODEL)
    reply(mock_model, "Eggs added.")

    run = await outer.arun("Add eggs")

    assert run.session_state == {"shopping_list": ["tea", "eggs"]}
    assert outer.get_session_state("s3") == {"shopping_list": ["tea", "eggs"]}
    # Member runs store no state of their own: the session holds the team's.
    [member_run] = run.member_responses
    assert member_run.session_state is None


async def test_a_member_tool_that_replaces_the_state_replaces_the_team_state(
    mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    team = Team(
        members=[_shopper(agno_db)],
        model=chat(LEADER),
        db=agno_db,
        session_id="s4",
        session_state={"shopping_list": ["tea"]},
    )
    delegate(mock_model, "shopper", "Start over")
    call(mock_model, "reset_list", {}, model=WEATHER_MODEL)
    reply(mock_model, "Reset.", model=WEATHER_MODEL)
    reply(mock_model, "New list.")

    run = await team.arun("Start over with bananas")

    assert run.session_state == {"shopping_list": ["bananas"], "reset": True}
    assert team.get_session_state("s4") == {"shopping_list": ["bananas"], "reset": True}


async def test_agentic_state_and_state_in_context_on_the_team(
    mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    team = Team(
        members=[_shopper(agno_db)],
        model=chat(LEADER),
        db=agno_db,
        session_id="s5",
        session_state={"shopping_list": []},
        add_session_state_to_context=True,
        enable_agentic_state=True,
    )
    call(
        mock_model,
        "update_session_state",
        {"session_state_updates": {"shopping_list": ["milk"]}},
        model=LEADER,
    )
    reply(mock_model, "Noted.")

    run = await team.arun("Remember milk")

    first = run_requests(mock_model)[0]
    assert "update_session_state" in tool_names(first)
    assert "shopping_list" in system_text(first)
    assert run.session_state == {"shopping_list": ["milk"]}
    assert team.get_session_state("s5") == {"shopping_list": ["milk"]}


async def test_overwrite_db_session_state_starts_each_run_from_the_given_state(
    mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    team = Team(
        members=[_shopper(agno_db)],
        model=chat(LEADER),
        db=agno_db,
        session_id="s6",
        session_state={},
        overwrite_db_session_state=True,
    )
    reply(mock_model, "One.")
    reply(mock_model, "Two.")

    await team.arun("first", session_state={"shopping_list": ["potatoes"]})
    assert team.get_session_state("s6") == {"shopping_list": ["potatoes"]}
    await team.arun("second", session_state={"secret_number": 43})
    assert team.get_session_state("s6") == {"secret_number": 43}


async def test_a_team_that_shows_its_state_shows_it_to_its_members(
    mock_model: MockOpenAI,
) -> None:
    def system_of(request: Any) -> str:
        first = request.json["messages"][0]
        return str(first["content"]) if first["role"] == "developer" else ""

    for shows in (True, False):
        mock_model.reset()
        mock_model.add_tool_call(
            "delegate_task_to_member", {"member_id": "shopper", "task": "add milk"}
        )
        mock_model.add_text("added")
        mock_model.add_text("done")
        team = Team(
            members=[Agent(name="Shopper", id="shopper")],
            session_state={"shopping_list": ["eggs"]},
            add_session_state_to_context=shows,
        )

        await team.arun("add milk")

        member_request = mock_model.requests[1]
        block = "<session_state>\n{'shopping_list': ['eggs']}\n</session_state>"
        assert (block in system_of(member_request)) is shows
