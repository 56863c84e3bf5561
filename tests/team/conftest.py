"""Fixtures of the team tests: the db on both backends and a two-member team with tools."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from agno_core.agent import Agent
from agno_core.team import Team
from tests.team.mode_helpers import ModeTeamMaker, build_team
from tests.team.team_helpers import (
    CLOCK_MODEL,
    LEADER,
    WEATHER_MODEL,
    TeamMaker,
    chat,
    get_time,
    get_weather,
)

if TYPE_CHECKING:
    from agno_core.db import SqlDb
    from pytest_agno.mock import MockOpenAI


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite_db", "pg_db"])
def db(request: pytest.FixtureRequest) -> SqlDb:
    """The storage-related tests run on SQLite and on a real PostgreSQL."""
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


@pytest.fixture
def make_team(mock_model: MockOpenAI, agno_db: SqlDb) -> TeamMaker:
    """``make_team(db=..., **team_kwargs)``: a team led by gpt-4o with two tool-using members."""

    def make(
        *, db: SqlDb | None = None, member_kwargs: dict[str, Any] | None = None, **kw: Any
    ) -> Team:
        target = agno_db if db is None else db
        extra = member_kwargs or {}
        weather = Agent(
            name="Weather",
            role="Knows the weather",
            model=chat(WEATHER_MODEL),
            tools=[get_weather],
            db=target,
            **extra,
        )
        clock = Agent(
            name="Clock",
            role="Knows the time",
            model=chat(CLOCK_MODEL),
            tools=[get_time],
            db=target,
            **extra,
        )
        kw.setdefault("name", "Travel Team")
        kw.setdefault("model", chat(LEADER))
        return Team(members=[weather, clock], db=target, **kw)

    return make


@pytest.fixture(params=["chat", "responses"])
def endpoint(request: pytest.FixtureRequest) -> str:
    """Both OpenAI endpoints: ``"chat"`` (OpenAIChat) and ``"responses"`` (OpenAIResponses)."""
    return str(request.param)


@pytest.fixture
def make_mode_team(mock_model: MockOpenAI, agno_db: SqlDb, endpoint: str) -> ModeTeamMaker:
    """``make_mode_team(db=..., **team_kwargs)``: `make_team`'s team on the test's endpoint."""

    def make(*, db: SqlDb | None = None, **kw: Any) -> Team:
        return build_team(endpoint, agno_db if db is None else db, **kw)

    return make
