"""Both OpenAI models: provider errors end runs as ERROR, client options, sync entry points."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import openai
import pytest

from agno_core.agent import Agent
from agno_core.db._sql import SqlDb
from agno_core.models.openai._common import OpenAIBase
from agno_core.run.agent import RunCompletedEvent, RunContentEvent, RunErrorEvent
from agno_core.run.base import RunStatus
from pytest_agno.mock import MockOpenAI
from tests.openai_line import sdk_http

AgentMaker = Callable[..., Agent]
ModelFactory = Callable[..., OpenAIBase]


async def _final(agent: Agent, stream: bool, **kwargs: Any) -> Any:
    """The run's output, whether it streams or not.

    A plain stream yields no RunCompleted (as in Agno); a failed run's stream ends with RunError.
    """
    if not stream:
        return await agent.arun("x", **kwargs)
    *events, output = [
        e async for e in agent.arun("x", stream=True, yield_run_output=True, **kwargs)
    ]
    assert not any(isinstance(e, RunCompletedEvent) for e in events)
    if output.status is RunStatus.error:
        assert isinstance(events[-1], RunErrorEvent)
    return output


@pytest.fixture(params=[False, True], ids=["json", "sse"])
def stream(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (400, "Invalid value for 'messages'."),
        (401, "Incorrect API key provided."),
        (429, "Rate limit reached."),
        (503, "The engine is overloaded."),
    ],
)
async def test_http_errors_end_the_run_as_error_with_the_provider_message(
    make_agent: AgentMaker, mock_model: MockOpenAI, stream: bool, status: int, message: str
) -> None:
    mock_model.add_error(status, message)
    agent = make_agent()

    run = await _final(agent, stream)

    assert run.status is RunStatus.error
    assert message in (run.error or "")
    assert str(status) in (run.error or "")
    assert run.content == run.error  # as in Agno, a failed run's content says why
    stored = await agent.aget_run_output(run.run_id, run.session_id)
    assert stored is not None
    assert (stored.status, stored.error) == (RunStatus.error, run.error)


@pytest.mark.parametrize("body", ["{not json", "", "[1, 2"])
async def test_malformed_json_is_an_error_not_a_crash(
    make_agent: AgentMaker, mock_model: MockOpenAI, body: str
) -> None:
    mock_model.add_raw(200, body)
    agent = make_agent()

    run = await agent.arun("x")

    assert run.status is RunStatus.error
    assert run.error and "invalid response" in run.error


@pytest.mark.parametrize(
    "body",
    [
        '{"unexpected": true}',
        '{"id": "x", "object": "chat.completion", "created": 1, "model": "m", "choices": []}',
    ],
    ids=["foreign-object", "no-choices"],
)
async def test_json_that_is_not_an_answer_is_an_error(
    make_agent: AgentMaker, mock_model: MockOpenAI, body: str
) -> None:
    mock_model.add_raw(200, body)
    agent = make_agent()

    run = await agent.arun("x")

    assert run.status is RunStatus.error
    assert run.error and "invalid response" in run.error


async def test_malformed_sse_is_an_error_not_a_crash(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_raw(200, "data: {broken\n\n", content_type="text/event-stream")
    agent = make_agent()

    run = await _final(agent, stream=True)

    assert run.status is RunStatus.error
    assert run.error


async def test_error_event_is_the_streams_last_event(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_error(500, "Boom.")
    agent = make_agent()

    events = [e async for e in agent.arun("x", stream=True, stream_events=True)]

    last = events[-1]
    assert isinstance(last, RunErrorEvent)
    assert last.content is not None and "Boom." in last.content
    assert last.run_id == last.run_output.run_id
    assert not any(isinstance(e, RunCompletedEvent) for e in events)


async def test_max_retries_retries_server_errors(
    make_agent: AgentMaker, make_model: ModelFactory, mock_model: MockOpenAI, fast_retries: None
) -> None:
    mock_model.add_error(503, "Busy.", times=2)
    mock_model.add_text("Finally.")
    agent = make_agent(model=make_model(max_retries=2))

    run = await agent.arun("x")

    assert run.status is RunStatus.completed
    assert run.content == "Finally."
    assert len(mock_model.requests) == 3


async def test_retries_exhausted_is_an_error(
    make_agent: AgentMaker, make_model: ModelFactory, mock_model: MockOpenAI, fast_retries: None
) -> None:
    mock_model.add_error(500, "Still down.", times=2)
    agent = make_agent(model=make_model(max_retries=1))

    run = await agent.arun("x")

    assert run.status is RunStatus.error
    assert "Still down." in (run.error or "")
    assert len(mock_model.requests) == 2


async def test_client_errors_are_not_retried(
    make_agent: AgentMaker, make_model: ModelFactory, mock_model: MockOpenAI, fast_retries: None
) -> None:
    mock_model.add_error(400, "Bad request.")
    agent = make_agent(model=make_model(max_retries=3))

    run = await agent.arun("x")

    assert run.status is RunStatus.error
    assert len(mock_model.requests) == 1


@pytest.mark.parametrize("failure", ["ReadTimeout", "ConnectError"])
async def test_transport_failures_are_errors_not_crashes(
    make_agent: AgentMaker,
    make_model: ModelFactory,
    mock_model: MockOpenAI,
    stream: bool,
    failure: str,
) -> None:
    # The SDK's own HTTP library (httpx on 2.x, httpx2 on 3.x) fails the way a dead network does.
    http = sdk_http()
    error = getattr(http, failure)(f"{failure} on purpose")

    def fail(request: Any) -> Any:
        raise error

    transport = http.MockTransport(fail)
    client = openai.AsyncOpenAI(
        api_key="sk-test",
        base_url="https://unreachable.example/v1",
        max_retries=0,
        http_client=http.AsyncClient(transport=transport),
    )
    agent = make_agent(model=make_model(client=client))

    run = await _final(agent, stream)

    assert run.status is RunStatus.error
    assert run.error is not None
    assert "could not reach OpenAI" in run.error
    assert str(error) in run.error or failure in run.error


async def test_options_reach_the_sdk_client(
    make_model: ModelFactory, mock_model: MockOpenAI
) -> None:
    model = make_model(
        api_key="sk-test-options",
        base_url="https://proxy.example.com/v1",
        timeout=12.5,
        max_retries=4,
        organization="org-1",
    )

    client = model.get_client()

    assert client.api_key == "sk-test-options"
    assert str(client.base_url) == "https://proxy.example.com/v1/"
    assert client.max_retries == 4
    assert client.timeout == 12.5
    assert client.organization == "org-1"
    assert model.get_client() is client  # one client per event loop


async def test_api_key_is_sent_as_bearer_token(
    make_agent: AgentMaker, make_model: ModelFactory, mock_model: MockOpenAI
) -> None:
    agent = make_agent(model=make_model(api_key="sk-given-key"))

    await agent.arun("x")

    assert mock_model.requests[0].headers["authorization"] == "Bearer sk-given-key"


async def test_missing_api_key_is_an_error(
    make_agent: AgentMaker, mock_model: MockOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    agent = make_agent()

    run = await agent.arun("x")

    assert run.status is RunStatus.error
    assert "api key" in (run.error or "").lower()
    assert mock_model.requests == []


async def test_base_url_of_another_host(
    make_agent: AgentMaker, make_model: ModelFactory, mock_model: MockOpenAI, stream: bool
) -> None:
    with MockOpenAI(base_url="https://llm.internal.example/v1") as other:
        other.add_text("From the other host.")
        agent = make_agent(model=make_model(base_url="https://llm.internal.example/v1"))

        run = await _final(agent, stream)

    assert run.status is RunStatus.completed
    assert run.content == "From the other host."
    assert other.requests[0].url.startswith("https://llm.internal.example/v1/")
    assert mock_model.requests == []


async def test_injected_client_is_used(
    make_agent: AgentMaker, make_model: ModelFactory, mock_model: MockOpenAI
) -> None:
    with MockOpenAI(base_url="https://injected.example/v1") as other:
        other.add_text("Injected.")
        async with openai.AsyncOpenAI(
            api_key="sk-injected", base_url=other.base_url, max_retries=0
        ) as client:
            agent = make_agent(model=make_model(client=client))
            run = await agent.arun("x")

    assert run.content == "Injected."
    assert other.requests[0].headers["authorization"] == "Bearer sk-injected"
    assert mock_model.requests == []


def test_sync_run(make_agent: AgentMaker, mock_model: MockOpenAI) -> None:
    mock_model.add_text("Sync answer.", input_tokens=4, output_tokens=2)
    agent = make_agent()

    run = agent.run("x")

    assert run.status is RunStatus.completed
    assert run.content == "Sync answer."
    assert run.metrics.total_tokens == 6
    assert agent.get_run_output(run.run_id, run.session_id) is not None


def test_sync_run_stream(make_agent: AgentMaker, mock_model: MockOpenAI) -> None:
    mock_model.add_text("one two three")
    agent = make_agent()

    events = list(agent.run("x", stream=True, stream_events=True))

    assert (
        "".join(e.content or "" for e in events if isinstance(e, RunContentEvent))
        == "one two three"
    )
    assert isinstance(events[-1], RunCompletedEvent)
    assert events[-1].run_output.status is RunStatus.completed


async def test_sync_run_inside_a_running_event_loop(
    make_agent: AgentMaker, mock_model: MockOpenAI
) -> None:
    mock_model.add_text("Blocking call.")
    mock_model.add_text("a b")
    agent = make_agent()
    asyncio.get_running_loop()

    run = agent.run("x")
    events = list(agent.run("y", stream=True, stream_events=True))

    assert (run.status, run.content) == (RunStatus.completed, "Blocking call.")
    assert isinstance(events[-1], RunCompletedEvent)
    assert events[-1].run_output.content == "a b"
    assert agent.get_session_metrics().runs == 2


async def test_arun_never_raises_for_a_provider_failure_even_without_db(
    make_model: ModelFactory, mock_model: MockOpenAI, agno_db: SqlDb
) -> None:
    mock_model.add_error(500, "No db, still no raise.")
    agent = Agent(model=make_model())

    run = await agent.arun("x")

    assert run.status is RunStatus.error
    assert "No db, still no raise." in (run.error or "")
