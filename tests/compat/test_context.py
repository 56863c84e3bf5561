"""Context and system message, as Agno documents them: what the model receives."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from agno_core.agent import Agent
from agno_core.models.message import Message
from agno_core.run import RunContext
from agno_core.utils import location
from pytest_agno.mock import MockOpenAI
from tests.compat.conftest import AgentMaker
from tests.compat.wire import conversation, raw_roles, system_text


async def test_add_datetime_to_context_with_timezone_and_format(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    agent = make_agent(
        add_datetime_to_context=True,
        timezone_identifier="Etc/GMT-5",  # UTC+5 (POSIX sign)
        datetime_format="%Y-%m-%d %H:%M %Z",
    )

    await agent.arun("What time is it?")

    system = system_text(mock_model.requests[0])
    found = re.search(r"The current time is (\d{4}-\d\d-\d\d \d\d:\d\d) \+05\.", system)
    assert found, system
    sent = datetime.strptime(found.group(1), "%Y-%m-%d %H:%M").replace(
        tzinfo=timezone(timedelta(hours=5))
    )
    assert abs(datetime.now(UTC) - sent) < timedelta(minutes=2)


async def test_add_datetime_to_context_defaults_to_local_iso_time(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    await make_agent(add_datetime_to_context=True).arun("hi")
    await make_agent().arun("hi")

    with_time, without = (system_text(r) for r in mock_model.requests)
    found = re.search(r"The current time is (\S+ \S+)\.", with_time)
    assert found
    assert abs(datetime.fromisoformat(found.group(1)) - datetime.now()) < timedelta(minutes=2)
    assert "current time" not in without


async def test_add_location_to_context(
    mock_model: MockOpenAI, make_agent: AgentMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def lookup(timeout: float = 5.0) -> dict[str, Any]:
        return {"city": "Lyon", "region": "Auvergne-Rhone-Alpes", "country": "France"}

    monkeypatch.setattr(location, "aget_location", lookup)

    await make_agent(add_location_to_context=True).arun("Where am I?")

    system = system_text(mock_model.requests[0])
    assert "Your approximate location is: Lyon, Auvergne-Rhone-Alpes, France." in system


async def test_add_location_to_context_without_network_adds_nothing(
    mock_model: MockOpenAI, make_agent: AgentMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(location, "_cached", None)
    monkeypatch.setattr(location, "_failed_at", None)
    attempts: list[float] = []

    async def refused(timeout: float) -> dict[str, Any]:
        attempts.append(timeout)
        raise OSError("network unreachable")

    monkeypatch.setattr(location, "_lookup", refused)
    agent = make_agent(add_location_to_context=True, instructions="Be brief.")

    first = await agent.arun("hi")
    await agent.arun("again")

    assert first.status == "COMPLETED"
    assert "location" not in system_text(mock_model.requests[0])
    assert len(attempts) == 1  # a failure is remembered: the next run does not wait on it


async def test_add_name_to_context(mock_model: MockOpenAI, make_agent: AgentMaker) -> None:
    await make_agent(name="Sage", add_name_to_context=True).arun("hi")

    assert "Your name is: Sage." in system_text(mock_model.requests[0])


async def test_system_message_role(mock_model: MockOpenAI, make_agent: AgentMaker) -> None:
    run = await make_agent(instructions="Be brief.", system_message_role="developer").arun("hi")

    assert raw_roles(mock_model.requests[0])[0] == "developer"
    assert run.messages[0].role == "developer"


async def test_user_message_role(mock_model: MockOpenAI, make_agent: AgentMaker) -> None:
    run = await make_agent(user_message_role="developer").arun("hi")

    assert run.messages[-2].role == "developer"
    assert raw_roles(mock_model.requests[0])[-1] == "developer"


async def test_custom_system_message_string_replaces_the_built_one(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    agent = make_agent(
        system_message="You are a pirate.", instructions="ignored", add_datetime_to_context=True
    )

    await agent.arun("hi")

    assert system_text(mock_model.requests[0]) == "You are a pirate."


async def test_custom_system_message_callable_gets_agent_and_run_context(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    seen: list[Any] = []

    def system(agent: Agent, run_context: RunContext) -> str:
        seen.append((agent, run_context))
        return f"You help {run_context.user_id} as {agent.name}."

    agent = make_agent(name="Helper", system_message=system)

    run = await agent.arun("hi", user_id="ann")

    assert system_text(mock_model.requests[0]) == "You help ann as Helper."
    assert seen[0][0] is agent and seen[0][1].run_id == run.run_id


async def test_system_message_as_message_object(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    await make_agent(system_message=Message(role="system", content="Terse.")).arun("hi")

    assert system_text(mock_model.requests[0]) == "Terse."


async def test_callable_system_message_must_return_text(make_agent: AgentMaker) -> None:
    run = await make_agent(system_message=lambda: 42).arun("hi")

    assert run.status == "ERROR"
    assert "must return a string" in (run.error or "")


async def test_build_context_false_sends_no_system_message(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    await make_agent(instructions="Be brief.", build_context=False).arun("hi")

    assert [r for r, _ in conversation(mock_model.requests[0])] == ["user"]


async def test_additional_context_is_in_the_system_message(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    await make_agent(additional_context="The user's plan is Pro.").arun("hi")

    assert "The user's plan is Pro." in system_text(mock_model.requests[0])


async def test_resolve_in_context_fills_placeholders_from_dependencies(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    agent = make_agent(
        instructions='Greet {user_name} from {city}. Keep {unknown} and {"json": 1}.',
        expected_output="A greeting for {user_name}.",
        additional_context="Plan: {plan}.",
        description="User id: {user_id}.",
        dependencies={"user_name": "Ann", "city": "Oslo", "plan": "Pro"},
    )

    await agent.arun("hi", user_id="u-7")

    system = system_text(mock_model.requests[0])
    assert 'Greet Ann from Oslo. Keep {unknown} and {"json": 1}.' in system
    assert "User id: u-7." in system
    # As in Agno, the expected output and the additional context are sent as written.
    assert "A greeting for {user_name}." in system and "Plan: {plan}." in system


async def test_resolve_in_context_false_keeps_placeholders(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    agent = make_agent(
        instructions="Greet {user_name}.",
        dependencies={"user_name": "Ann"},
        resolve_in_context=False,
    )

    await agent.arun("hi")

    assert "Greet {user_name}." in system_text(mock_model.requests[0])


async def test_callable_dependencies_are_resolved_per_run(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    calls: list[str] = []

    async def top_story(run_context: RunContext) -> str:
        calls.append(run_context.run_id)
        return f"story-{len(calls)}"

    agent = make_agent(instructions="Today's story: {story}", dependencies={"story": top_story})

    first = await agent.arun("hi")
    await agent.arun("again")

    assert calls[0] == first.run_id and len(calls) == 2
    assert "Today's story: story-1" in system_text(mock_model.requests[0])
    assert "Today's story: story-2" in system_text(mock_model.requests[1])


async def test_run_dependencies_and_add_dependencies_to_context(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    agent = make_agent(dependencies={"a": 1}, add_dependencies_to_context=True)

    run = await agent.arun("hi", dependencies={"b": "two"})
    await agent.arun("hi", add_dependencies_to_context=False)

    with_deps, without = (conversation(r)[-1] for r in mock_model.requests)
    assert with_deps == (
        "user",
        'hi\n\n<additional context>\n{\n  "a": 1,\n  "b": "two"\n}\n</additional context>',
    )
    assert without == ("user", "hi")
    assert run.messages[-2].content == with_deps[1]


async def test_metadata_resolves_placeholders(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    agent = make_agent(instructions="Tenant {tenant}.", metadata={"tenant": "acme"})

    await agent.arun("hi")
    await agent.arun("hi", metadata={"tenant": "globex"})

    assert "Tenant acme." in system_text(mock_model.requests[0])
    assert "Tenant globex." in system_text(mock_model.requests[1])
    latest = await agent.aget_last_run_output()
    assert latest is not None and latest.metadata == {"tenant": "globex"}


async def test_placeholders_in_the_user_message(
    mock_model: MockOpenAI, make_agent: AgentMaker
) -> None:
    agent = make_agent(dependencies={"name": "John Doe"})

    await agent.arun("Write a 5 second short story about {name}")
    await make_agent(dependencies={"name": "X"}, resolve_in_context=False).arun("About {name}")

    assert conversation(mock_model.requests[0])[-1] == (
        "user",
        "Write a 5 second short story about John Doe",
    )
    assert conversation(mock_model.requests[1])[-1] == ("user", "About {name}")
