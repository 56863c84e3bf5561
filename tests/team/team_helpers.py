"""Helpers of the team tests: tools, mock scripting and checks (fixtures are in conftest.py).

Routing: the leader runs on ``gpt-4o``, the members on ``gpt-4o-mini`` (Weather) and
``gpt-4.1-mini`` (Clock), so each scripted reply names the model it answers. Memory extraction
requests are recognised by their ``_MemoryExtraction`` response format, and every other reply
refuses them, so a memory call can never eat a reply meant for a run.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import pytest

from agno_core.models.openai import OpenAIChat

if TYPE_CHECKING:
    from agno_core.db import SqlDb
    from agno_core.metrics import RunMetrics, SessionMetrics
    from agno_core.run.agent import RunOutput
    from agno_core.team import Team
    from pytest_agno.mock import MockOpenAI, RecordedRequest, Reply

LEADER = "gpt-4o"
WEATHER_MODEL = "gpt-4o-mini"
CLOCK_MODEL = "gpt-4.1-mini"
DELEGATE = "delegate_task_to_member"

TeamMaker = Callable[..., "Team"]


def get_weather(city: str) -> str:
    """Get the current weather in a city.

    Args:
        city: The city's name.
    """
    return f"The weather in {city} is sunny, 21 C."


def get_time(city: str) -> str:
    """Get the local time in a city.

    Args:
        city: The city's name.
    """
    return f"It is 10:30 in {city}."


def chat(model_id: str) -> OpenAIChat:
    return OpenAIChat(id=model_id, max_retries=0)


# -- requests ------------------------------------------------------------------------------------


def tool_names(request: RecordedRequest) -> list[str]:
    """The function names offered in a chat request's ``tools``."""
    return [t["function"]["name"] for t in request.json.get("tools") or ()]


def is_memory(request: RecordedRequest) -> bool:
    """True for a memory extraction request (its response format is ``_MemoryExtraction``)."""
    response_format = request.json.get("response_format") or {}
    return bool(response_format.get("json_schema", {}).get("name") == "_MemoryExtraction")


def not_memory(request: RecordedRequest) -> bool:
    return not is_memory(request)


def messages(request: RecordedRequest) -> list[dict[str, Any]]:
    return list(request.json.get("messages") or ())


def system_text(request: RecordedRequest) -> str:
    first = messages(request)[0]
    assert first["role"] == "developer", first
    return str(first["content"])


def run_requests(mock: MockOpenAI) -> list[RecordedRequest]:
    """The requests made by runs (memory extraction excluded)."""
    return [r for r in mock.requests if not is_memory(r)]


# -- scripting -----------------------------------------------------------------------------------


def delegate(
    mock: MockOpenAI, member_id: str, task: str, *, model: str = LEADER, **usage: Any
) -> Reply:
    """The leader delegates ``task`` to ``member_id``."""
    return mock.add_tool_call(
        DELEGATE, {"member_id": member_id, "task": task}, model=model, match=not_memory, **usage
    )


def reply(mock: MockOpenAI, text: str, *, model: str = LEADER, **options: Any) -> Reply:
    """A text answer of ``model`` (never taken by a memory request)."""
    return mock.add_text(text, model=model, match=not_memory, **options)


def call(mock: MockOpenAI, tool: str, args: dict[str, Any], *, model: str, **usage: Any) -> Reply:
    """``model`` calls ``tool`` with ``args``."""
    return mock.add_tool_call(tool, args, model=model, match=not_memory, **usage)


def script_two_member_run(mock: MockOpenAI, final: str = "Sunny and 10:30 in Paris.") -> int:
    """A full run of `two_member_team`: the leader asks Weather, then Clock, then answers.

    Every reply has distinct usage. Returns the total tokens the run must report.
    """
    delegate(mock, "weather", "Weather in Paris?", input_tokens=101, output_tokens=11)
    call(
        mock,
        "get_weather",
        {"city": "Paris"},
        model=WEATHER_MODEL,
        input_tokens=31,
        output_tokens=3,
    )
    reply(mock, "Sunny, 21 C.", model=WEATHER_MODEL, input_tokens=41, output_tokens=4)
    delegate(mock, "clock", "Time in Paris?", input_tokens=151, output_tokens=13)
    call(mock, "get_time", {"city": "Paris"}, model=CLOCK_MODEL, input_tokens=23, output_tokens=2)
    reply(mock, "10:30.", model=CLOCK_MODEL, input_tokens=29, output_tokens=5)
    reply(mock, final, input_tokens=211, output_tokens=17)
    return LEADER_TOKENS + WEATHER_TOKENS + CLOCK_TOKENS


LEADER_TOKENS = (101 + 11) + (151 + 13) + (211 + 17)
WEATHER_TOKENS = (31 + 3) + (41 + 4)
CLOCK_TOKENS = (23 + 2) + (29 + 5)


# -- checks --------------------------------------------------------------------------------------


def model_token_sum(metrics: RunMetrics) -> int:
    return sum(entry.total_tokens for entry in metrics.model_entries())


def entry(metrics: RunMetrics | SessionMetrics, key: str, model_id: str) -> Any:
    found = [e for e in metrics.details.get(key, ()) if e.id == model_id]
    assert len(found) == 1, (key, model_id, metrics.details)
    return found[0]


async def stored(db: SqlDb, session_id: str) -> dict[str, RunOutput]:
    """Every stored run of the session (members included), by run id."""
    runs = await db.aget_session_runs(session_id, top_level_only=False)
    return {run.run_id: run for run in runs}


async def wait_for(check: Callable[[], Awaitable[Any] | Any], within: float = 10.0) -> None:
    """Poll ``check`` until it is true; fail after ``within`` seconds (a hang, not a timing)."""
    deadline = time.monotonic() + within
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"condition not reached within {within} s")
        await asyncio.sleep(0.01)
