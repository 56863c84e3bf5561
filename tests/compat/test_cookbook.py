"""Acceptance: Agno cookbook and documentation examples in our scope, with ``agno`` replaced by
``agno_core`` in their imports and nothing else changed in their code (comments trimmed; a
PostgreSQL URL pointed at the test server). They run offline on the mock model.

Sources (agno-agi/agno): cookbook/02_agents/03_context_management/datetime_format.py and
filter_tool_calls_from_history.py; cookbook/02_agents/05_state_and_session/chat_history.py,
search_session_history.py, last_n_session_messages.py, session_options.py,
session_state_basic.py, agentic_session_state.py; cookbook/02_agents/04_tools/01_callable_tools.py;
docs.agno.com/memory/agent/agentic-memory, docs.agno.com/dependencies/overview.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pytest_agno.mock import MockOpenAI
from tests.compat.wire import conversation, system_text, tool_names

AGNO_PG_URL = "postgresql+psycopg://ai:ai@localhost:5532/ai"


def run_example(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "example.py", "exec"), {"__name__": "__main__"})


DATETIME_FORMAT = """
from agno_core.agent import Agent
from agno_core.models.openai import OpenAIResponses

agent = Agent(
    model=OpenAIResponses(id="gpt-5-mini"),
    add_datetime_to_context=True,
    datetime_format="%Y-%m-%dT%H:%M:%SZ",
    timezone_identifier="US/Eastern",
)

if __name__ == "__main__":
    agent.print_response("What is the current time and timezone?", stream=True)
"""


def test_datetime_format(
    mock_model: MockOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_example(DATETIME_FORMAT, tmp_path, monkeypatch)

    system = system_text(mock_model.requests[0])
    assert re.search(r"The current time is \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\.", system), system
    assert mock_model.requests[0].stream


FILTER_TOOL_CALLS = """
import random

from agno_core.agent import Agent
from agno_core.db.sqlite import SqliteDb
from agno_core.models.openai import OpenAIResponses


def get_weather_for_city(city: str) -> str:
    conditions = ["Sunny", "Cloudy", "Rainy", "Snowy", "Foggy", "Windy"]
    temperature = random.randint(-10, 35)
    condition = random.choice(conditions)

    return f"{city}: {temperature}°C, {condition}"


cities = ["Tokyo", "Delhi", "Shanghai", "São Paulo", "Mumbai", "Beijing", "Cairo", "London"]

agent = Agent(
    model=OpenAIResponses(id="gpt-5.2-mini"),
    tools=[get_weather_for_city],
    instructions="You are a weather assistant. Get the weather using the get_weather_for_city tool.",
    max_tool_calls_from_history=3,
    db=SqliteDb(db_file="tmp/weather_data.db"),
    add_history_to_context=True,
    markdown=True,
)

if __name__ == "__main__":
    print(
        f"{'Run':<5} | {'City':<15} | {'History':<8} | {'Current':<8} | {'In Context':<11} | {'In DB':<8}"
    )
    for i, city in enumerate(cities, 1):
        run_response = agent.run(f"What's the weather in {city}?")
        history_tool_calls = sum(
            len(msg.tool_calls)
            for msg in run_response.messages
            if msg.role == "assistant"
            and msg.tool_calls
            and getattr(msg, "from_history", False)
        )
        current_tool_calls = sum(
            len(msg.tool_calls)
            for msg in run_response.messages
            if msg.role == "assistant"
            and msg.tool_calls
            and not getattr(msg, "from_history", False)
        )
        total_in_context = history_tool_calls + current_tool_calls
        saved_messages = agent.get_session_messages()
        total_in_db = (
            sum(
                len(msg.tool_calls)
                for msg in saved_messages
                if msg.role == "assistant" and msg.tool_calls
            )
            if saved_messages
            else 0
        )
        print(
            f"{i:<5} | {city:<15} | {history_tool_calls:<8} | {current_tool_calls:<8} | {total_in_context:<11} | {total_in_db:<8}"
        )
"""

CITIES = ["Tokyo", "Delhi", "Shanghai", "São Paulo", "Mumbai", "Beijing", "Cairo", "London"]


def test_filter_tool_calls_from_history(
    mock_model: MockOpenAI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for city in CITIES:
        mock_model.add_tool_call("get_weather_for_city", {"city": city})
        mock_model.add_text(f"It is nice in {city}.")

    run_example(FILTER_TOOL_CALLS, tmp_path, monkeypatch)

    rows = [line.split("|") for line in capsys.readouterr().out.splitlines()[1:]]
    history = [int(r[2]) for r in rows]
    in_db = [int(r[5]) for r in rows]
    # 3 at most from history (the filter), while the db keeps every call.
    assert history == [0, 1, 2, 3, 3, 3, 3, 3]
    assert in_db == [1, 2, 3, 4, 5, 6, 7, 8]
    london_first_call = conversation(mock_model.requests[-2])
    replayed = [t.split(":")[0] for r, t in london_first_call if r == "tool"]
    assert replayed == ["Mumbai", "Beijing", "Cairo"]


CHAT_HISTORY = """
from agno_core.agent.agent import Agent
from agno_core.db.postgres import PostgresDb
from agno_core.models.openai import OpenAIResponses

db_url = "postgresql+psycopg://ai:ai@localhost:5532/ai"

db = PostgresDb(db_url=db_url, session_table="sessions")

agent = Agent(
    model=OpenAIResponses(id="gpt-5.2-mini"),
    db=db,
    session_id="chat_history",
    instructions="You are a helpful assistant that can answer questions about space and oceans.",
    add_history_to_context=True,
)

if __name__ == "__main__":
    agent.print_response("Tell me a new interesting fact about space")
    print(agent.get_chat_history())

    agent.print_response("Tell me a new interesting fact about oceans")
    print(agent.get_chat_history())
"""


def test_chat_history(
    mock_model: MockOpenAI,
    pg_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_example(CHAT_HISTORY.replace(AGNO_PG_URL, pg_url), tmp_path, monkeypatch)

    out = capsys.readouterr().out
    assert (
        out.count("Message(role='user', content='Tell me a new interesting fact about space'") == 2
    )
    assert "Message(role='user', content='Tell me a new interesting fact about oceans'" in out
    second = conversation(mock_model.requests[1])
    assert second[1] == ("user", "Tell me a new interesting fact about space")


SEARCH_SESSION_HISTORY = """
import asyncio
import os

from agno_core.agent.agent import Agent
from agno_core.db.sqlite import AsyncSqliteDb
from agno_core.models.openai import OpenAIResponses

DB_FILE = "tmp/agent_session_history.db"
if os.path.exists(DB_FILE):
    os.remove(DB_FILE)

db = AsyncSqliteDb(db_file=DB_FILE)

agent = Agent(
    model=OpenAIResponses(id="gpt-4o"),
    db=db,
    search_session_history=True,
    num_past_sessions_to_search=10,
)


async def main() -> None:
    print("=== Session 1: Space ===")
    await agent.aprint_response(
        "Tell me about black holes",
        session_id="session_space",
        user_id="alice",
    )
    print("\\n=== Session 2: Cooking ===")
    await agent.aprint_response(
        "How do I make pasta carbonara?",
        session_id="session_cooking",
        user_id="alice",
    )
    print("\\n=== Search: browse all past sessions ===")
    await agent.aprint_response(
        "What topics did we discuss in my previous sessions?",
        session_id="session_recall",
        user_id="alice",
    )
    print("\\n=== Different user sees no history ===")
    await agent.aprint_response(
        "What did we discuss before?",
        session_id="bob_session_1",
        user_id="bob",
    )


if __name__ == "__main__":
    asyncio.run(main())
"""


def test_search_session_history(
    mock_model: MockOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mock_model.add_text("Black holes are dense.")
    mock_model.add_text("Eggs and cheese.")
    mock_model.add_tool_call("search_past_sessions", {})
    mock_model.add_text("Space and cooking.")
    mock_model.add_tool_call("search_past_sessions", {})
    mock_model.add_text("Nothing yet.")

    run_example(SEARCH_SESSION_HISTORY, tmp_path, monkeypatch)

    assert tool_names(mock_model.requests[0]) == ["read_past_session", "search_past_sessions"]
    alice = conversation(mock_model.requests[3])[-1][1]
    bob = conversation(mock_model.requests[5])[-1][1]
    assert '"session_id": "session_cooking"' in alice and '"session_id": "session_space"' in alice
    assert bob == "[]"


LAST_N_SESSION_MESSAGES = """
import os

from agno_core.agent import Agent
from agno_core.db.sqlite import SqliteDb
from agno_core.models.openai import OpenAIResponses

os.remove("tmp/data.db")

agent = Agent(
    model=OpenAIResponses(id="gpt-5.2"),
    user_id="user_1",
    db=SqliteDb(db_file="tmp/data.db"),
    add_history_to_context=True,
    num_history_runs=3,
    search_session_history=True,
    num_history_sessions=2,
)

session_1_id = "session_1_id"
session_2_id = "session_2_id"
session_3_id = "session_3_id"

agent.print_response("What is the capital of South Africa?", session_id=session_1_id)
agent.print_response("What is the capital of China?", session_id=session_2_id)
agent.print_response(
    "What did I discuss in my previous conversations?", session_id=session_3_id
)
"""


def test_last_n_session_messages(
    mock_model: MockOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tmp").mkdir()
    (tmp_path / "tmp/data.db").touch()  # the example removes the db of its previous run
    mock_model.add_text("Pretoria.")
    mock_model.add_text("Beijing.")
    mock_model.add_tool_call("search_past_sessions", {})
    mock_model.add_text("Capitals.")

    run_example(LAST_N_SESSION_MESSAGES, tmp_path, monkeypatch)

    found = conversation(mock_model.requests[-1])[-1][1]
    assert "capital of China" in found and "capital of South Africa" in found


SESSION_OPTIONS = """
from agno_core.agent import Agent
from agno_core.db.sqlite import SqliteDb
from agno_core.models.openai import OpenAIResponses
from agno_core.utils.pprint import pprint_run_response

agent = Agent(
    model=OpenAIResponses(id="gpt-5.2-mini"),
    db=SqliteDb(db_file="tmp/example_no_history.db"),
    add_history_to_context=True,
    num_history_runs=3,
    store_history_messages=False,
)

if __name__ == "__main__":
    response1 = agent.run("My name is Alice and I love Python programming.")
    pprint_run_response(response1)
    response2 = agent.run("What is my name and what do I love?")
    pprint_run_response(response2)
    stored_run = agent.get_last_run_output()
    if stored_run and stored_run.messages:
        history_messages = [m for m in stored_run.messages if m.from_history]
        print(f"   Total messages stored: {len(stored_run.messages)}")
        print(f"   History messages: {len(history_messages)} (scrubbed!)")
"""


def test_session_options(
    mock_model: MockOpenAI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mock_model.add_text("Hi Alice!")
    mock_model.add_text("You are Alice and you love Python.")

    run_example(SESSION_OPTIONS, tmp_path, monkeypatch)

    assert capsys.readouterr().out.splitlines() == [
        "Hi Alice!",
        "You are Alice and you love Python.",
        "   Total messages stored: 2",
        "   History messages: 0 (scrubbed!)",
    ]
    assert ("assistant", "Hi Alice!") in conversation(mock_model.requests[1])


AGENTIC_MEMORY = """
from agno_core.agent import Agent
from agno_core.db.postgres import PostgresDb
from agno_core.models.openai import OpenAIResponses
from rich.pretty import pprint

db_url = "postgresql+psycopg://ai:ai@localhost:5532/ai"

db = PostgresDb(db_url=db_url)

john_doe_id = "john_doe@example.com"

agent = Agent(
    model=OpenAIResponses(id="gpt-5.2"),
    db=db,
    enable_agentic_memory=True,
)

agent.print_response(
    "My name is John Doe and I like to hike in the mountains on weekends.",
    stream=True,
    user_id=john_doe_id,
)

memories = agent.get_user_memories(user_id=john_doe_id)
print("Memories about John Doe:")
pprint(memories)

agent.print_response(
    "Remove all existing memories of me.",
    stream=True,
    user_id=john_doe_id,
)

memories = agent.get_user_memories(user_id=john_doe_id)
print("Memories about John Doe:")
pprint(memories)
"""


def test_agentic_memory(
    mock_model: MockOpenAI,
    pg_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mock_model.add_tool_call("update_user_memory", {"task": "Name John Doe; hikes on weekends"})
    mock_model.add_tool_calls(
        [
            ("add_memory", {"memory": "Name is John Doe", "topics": ["name"]}),
            ("add_memory", {"memory": "Hikes in the mountains on weekends"}),
        ]
    )
    mock_model.add_text("Added.")
    mock_model.add_text("Nice to meet you, John!")
    mock_model.add_tool_call("update_user_memory", {"task": "Clear every memory"})
    # As in Agno 3.1.10, the built-in memory manager offers no clear_memory tool (clearing is
    # off by default): the memory model tries it anyway and is told it does not exist.
    mock_model.add_tool_call("clear_memory", {})
    mock_model.add_text("I cannot clear memories.")
    mock_model.add_text("Sorry, I could not forget.")

    run_example(AGENTIC_MEMORY.replace(AGNO_PG_URL, pg_url), tmp_path, monkeypatch)

    out = capsys.readouterr().out
    first, second = out.split("Memories about John Doe:")[1:]
    assert "memory='Name is John Doe'" in first and "topics=['name']" in first
    assert "memory='Hikes in the mountains on weekends'" in first
    assert "memory='Name is John Doe'" in second  # nothing was cleared, as in Agno
    assert "Nice to meet you, John!" in out
    memory_call = mock_model.requests[-2].json
    assert "unknown tool 'clear_memory'" in str(memory_call.get("messages") or memory_call["input"])


SESSION_STATE_BASIC = '''
from agno_core.agent import Agent, RunOutput  # noqa
from agno_core.db.sqlite import SqliteDb
from agno_core.models.openai import OpenAIResponses
from agno_core.run import RunContext


def add_item(run_context: RunContext, item: str) -> str:
    """Add an item to the shopping list."""
    if run_context.session_state is None:
        run_context.session_state = {}

    run_context.session_state["shopping_list"].append(item)  # type: ignore
    return f"The shopping list is now {run_context.session_state['shopping_list']}"  # type: ignore


agent = Agent(
    model=OpenAIResponses(id="gpt-5.2-mini"),
    session_state={"shopping_list": []},
    db=SqliteDb(db_file="tmp/agents.db"),
    tools=[add_item],
    instructions="Current state (shopping list) is: {shopping_list}",
    markdown=True,
)

if __name__ == "__main__":
    agent.print_response("Add milk, eggs, and bread to the shopping list", stream=True)
    print(f"Final session state: {agent.get_session_state()}")
'''


def test_session_state_basic(
    mock_model: MockOpenAI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mock_model.add_tool_calls([("add_item", {"item": i}) for i in ("milk", "eggs", "bread")])
    mock_model.add_text("Added milk, eggs and bread.")

    run_example(SESSION_STATE_BASIC, tmp_path, monkeypatch)

    out = capsys.readouterr().out
    assert "Final session state: {'shopping_list': ['milk', 'eggs', 'bread']}" in out
    assert "Current state (shopping list) is: []" in system_text(mock_model.requests[0])


AGENTIC_SESSION_STATE = """
from agno_core.agent import Agent
from agno_core.db.sqlite import SqliteDb
from agno_core.models.openai import OpenAIResponses

db = SqliteDb(db_file="tmp/agents.db")
agent = Agent(
    model=OpenAIResponses(id="gpt-5.2-mini"),
    db=db,
    session_state={"shopping_list": []},
    add_session_state_to_context=True,
    enable_agentic_state=True,
)

if __name__ == "__main__":
    agent.print_response("Add milk, eggs, and bread to the shopping list")

    agent.print_response("I picked up the eggs, now what's on my list?")

    print(f"Session state: {agent.get_session_state()}")
"""


def test_agentic_session_state(
    mock_model: MockOpenAI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mock_model.add_tool_call(
        "update_session_state",
        {"session_state_updates": {"shopping_list": ["milk", "eggs", "bread"]}},
    )
    mock_model.add_text("Added.")
    mock_model.add_tool_call(
        "update_session_state", {"session_state_updates": {"shopping_list": ["milk", "bread"]}}
    )
    mock_model.add_text("Milk and bread.")

    run_example(AGENTIC_SESSION_STATE, tmp_path, monkeypatch)

    assert "Session state: {'shopping_list': ['milk', 'bread']}" in capsys.readouterr().out
    assert "{'shopping_list': ['milk', 'eggs', 'bread']}" in system_text(mock_model.requests[2])


CALLABLE_TOOLS = '''
from agno_core.agent import Agent
from agno_core.models.openai import OpenAIResponses
from agno_core.run import RunContext


def search_web(query: str) -> str:
    """Search the web for information."""
    return f"Search results for: {query}"


def search_internal_docs(query: str) -> str:
    """Search internal documentation (admin only)."""
    return f"Internal doc results for: {query}"


def get_account_balance(account_id: str) -> str:
    """Get account balance (finance only)."""
    return f"Balance for {account_id}: $42,000"


def tools_for_user(run_context: RunContext):
    """Return different tools based on the user's role stored in session_state."""
    role = (run_context.session_state or {}).get("role", "viewer")
    print(f"--> Resolving tools for role: {role}")

    base_tools = [search_web]
    if role == "admin":
        base_tools.append(search_internal_docs)
    if role in ("admin", "finance"):
        base_tools.append(get_account_balance)

    return base_tools


agent = Agent(
    model=OpenAIResponses(id="gpt-5.2-mini"),
    tools=tools_for_user,
    instructions=[
        "You are a helpful assistant.",
        "Use the tools available to you to answer the user's question.",
    ],
)

if __name__ == "__main__":
    print("=== Run as viewer ===")
    agent.print_response(
        "Search for recent news about AI agents",
        user_id="viewer_user",
        session_state={"role": "viewer"},
        stream=True,
    )
    print("\\n=== Run as admin ===")
    agent.print_response(
        "Search internal docs for the deployment guide and check account balance for ACC-001",
        user_id="admin_user",
        session_state={"role": "admin"},
        stream=True,
    )
'''


def test_callable_tools(
    mock_model: MockOpenAI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_example(CALLABLE_TOOLS, tmp_path, monkeypatch)

    out = capsys.readouterr().out
    assert "--> Resolving tools for role: viewer" in out
    assert "--> Resolving tools for role: admin" in out
    assert [tool_names(r) for r in mock_model.requests] == [
        ["search_web"],
        ["get_account_balance", "search_internal_docs", "search_web"],
    ]


DEPENDENCIES = """
from agno_core.agent import Agent
from agno_core.models.openai import OpenAIResponses

agent = Agent(
    model=OpenAIResponses(id="gpt-5.2"),
    dependencies={"name": "John Doe"},
    instructions="You are a story writer. The current user is {name}."
)

agent.print_response("Write a 5 second short story about {name}")
"""


def test_dependencies(
    mock_model: MockOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_example(DEPENDENCIES, tmp_path, monkeypatch)

    sent = conversation(mock_model.requests[0])
    assert sent[0] == ("system", "You are a story writer. The current user is John Doe.")
    assert sent[1] == ("user", "Write a 5 second short story about John Doe")
