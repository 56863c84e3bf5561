"""Helpers of the team mode tests: requests read the same way on both OpenAI endpoints.

Chat Completions sends ``messages`` and ``tools[i].function``; the Responses API sends
``input`` (the system message as a ``developer`` item) and flat ``tools[i]``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agno_core.agent import Agent
from agno_core.models.openai import OpenAIChat, OpenAIResponses
from agno_core.team import Team
from tests.team.team_helpers import CLOCK_MODEL, LEADER, WEATHER_MODEL, get_time, get_weather

if TYPE_CHECKING:
    from agno_core.db import SqlDb
    from agno_core.models.openai._common import OpenAIBase
    from pytest_agno.mock import RecordedRequest

ModeTeamMaker = Callable[..., Team]


def model(endpoint: str, model_id: str) -> OpenAIBase:
    cls = OpenAIChat if endpoint == "chat" else OpenAIResponses
    return cls(id=model_id, max_retries=0)


def build_team(endpoint: str, db: SqlDb | None, **kw: Any) -> Team:
    """Weather (gpt-4o-mini, tool get_weather) and Clock (gpt-4.1-mini) led by gpt-4o."""
    weather = Agent(
        name="Weather",
        role="Knows the weather",
        model=model(endpoint, WEATHER_MODEL),
        tools=[get_weather],
        db=db,
    )
    clock = Agent(
        name="Clock",
        role="Knows the time",
        model=model(endpoint, CLOCK_MODEL),
        tools=[get_time],
        db=db,
    )
    kw.setdefault("name", "Travel Team")
    kw.setdefault("model", model(endpoint, LEADER))
    return Team(members=[weather, clock], db=db, **kw)


def tool_specs(request: RecordedRequest) -> dict[str, dict[str, Any]]:
    """The offered functions by name: ``{"description": ..., "parameters": ...}``."""
    specs = {}
    for spec in request.json.get("tools") or ():
        fn = spec["function"] if request.endpoint == "chat" else spec
        specs[fn["name"]] = fn
    return specs


def system_of(request: RecordedRequest) -> str:
    items = request.json.get("messages" if request.endpoint == "chat" else "input") or ()
    role = "developer"  # the system message on both endpoints, as Agno sends it
    for item in items:
        if isinstance(item, dict) and item.get("role") == role:
            content = item["content"]
            return content if isinstance(content, str) else str(content)
    raise AssertionError(f"no {role} message in {request.summary()}")


def user_of(request: RecordedRequest) -> str:
    text = request.last_user_message
    assert text is not None, request.summary()
    return text


def tool_outputs(request: RecordedRequest) -> list[str]:
    """The tool results sent back to the model in this request, in order."""
    if request.endpoint == "chat":
        return [m["content"] for m in request.json["messages"] if m["role"] == "tool"]
    return [
        item["output"]
        for item in request.json["input"]
        if isinstance(item, dict) and item.get("type") == "function_call_output"
    ]


def of_model(requests: list[RecordedRequest], model_id: str) -> list[RecordedRequest]:
    return [r for r in requests if r.model == model_id]
