"""The fixtures work whatever OpenAI settings the user's shell has, and a request that escapes
the mock's URL fails the test, from a user's project (pytest-asyncio in strict mode).

Users often have ``OPENAI_BASE_URL`` set (a proxy, a gateway) and a real ``OPENAI_API_KEY``, or
neither. The mock serves the URL the SDK will use; a model given a URL of its own is refused
and, since the SDK turns that into a run that just ends ERROR, the test fails at teardown.
"""

from __future__ import annotations

import pytest

from pytest_agno.mock._failures import unmocked_message

SUITE = """
from agno_core.models.openai import OpenAIChat, OpenAIResponses
from agno_core.run.base import RunStatus


async def test_agent(agent, mock_model):
    result = await agent.arun("hi")
    assert result.status is RunStatus.completed, result.content
    assert result.content == "Mock reply."
    assert len(mock_model.requests) == 1


async def test_team(team, mock_model):
    result = await team.arun("hi")
    assert result.status is RunStatus.completed, result.content


async def test_a_model_of_the_test(agent_factory, mock_model):
    agent = agent_factory(model=OpenAIResponses(id="gpt-4o-mini"))
    result = await agent.arun("hi")
    assert result.status is RunStatus.completed, result.content
"""

GATEWAY = "https://Gateway.Example.com:443/openai/v1/"


@pytest.mark.parametrize("base_url", [None, GATEWAY, "http://localhost:4000"])
@pytest.mark.parametrize("api_key", [None, "", "sk-proj-real-looking-key"])
def test_fixtures_work_whatever_the_openai_environment(
    agno_pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    base_url: str | None,
    api_key: str | None,
) -> None:
    for name, value in (("OPENAI_BASE_URL", base_url), ("OPENAI_API_KEY", api_key)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    agno_pytester.makepyfile(test_env=SUITE)

    result = agno_pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=3)


def test_the_mock_serves_the_sdks_url_under_openai_base_url(
    agno_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", GATEWAY)
    agno_pytester.makepyfile(
        """
        async def test_url(agent, mock_model):
            await agent.arun("hi")
            url = mock_model.requests[0].url
            assert url == "https://gateway.example.com/openai/v1/chat/completions", url
            assert mock_model.base_url == "https://gateway.example.com/openai/v1"
        """
    )
    agno_pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


ESCAPING = """
from agno_core.models.openai import OpenAIChat
from agno_core.run.base import RunStatus


def own_url_agent(agent_factory):
    model = OpenAIChat(id="gpt-4o-mini", base_url="http://llm.internal:8000/v1", max_retries=0)
    return agent_factory(model=model)


async def test_escapes(agent_factory):
    result = await own_url_agent(agent_factory).arun("hi")
    assert result.status is RunStatus.error  # the run alone would pass the test


async def test_escapes_on_purpose(agent_factory, mock_model):
    result = await own_url_agent(agent_factory).arun("hi")
    assert result.status is RunStatus.error
    mock_model.unmocked.clear()
"""


def test_a_request_to_a_url_the_mock_does_not_serve_fails_the_test(
    agno_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    agno_pytester.makepyfile(test_escaping=ESCAPING)

    result = agno_pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_escapes*",
            "E * MockOpenAI: 1 request(s) went to a URL the mock does not serve (refused, never "
            "sent; an agent run then just ends ERROR):",
            "E * - POST http://llm.internal:8000/v1/chat/completions",
            "E * The mock serves POST https://api.openai.com/v1{/chat/completions, /responses}; "
            "OPENAI_BASE_URL, when set, is served too. A model or client built with its own "
            "base_url= sends elsewhere*",
        ]
    )
    assert "test_escapes_on_purpose" not in result.stdout.str().split("short test summary")[1]


def test_repeated_unmocked_requests_are_named_once_with_their_count() -> None:
    message = unmocked_message(["POST http://x/v1/responses"] * 3, "POST http://y/v1{...}")

    assert "3 request(s) went to a URL" in message
    assert "  - POST http://x/v1/responses (x3)\n" in message
    assert "AGNO_TELEMETRY" not in message


def test_agnos_telemetry_is_named_with_the_switch_that_stops_it() -> None:
    telemetry = "POST https://os-api.agno.com/telemetry/runs"
    message = unmocked_message([telemetry] * 2, "POST http://y/v1{...}")

    assert f"  - {telemetry} (x2)" in message
    assert "Agno's telemetry (the agno package, not agno_core): set AGNO_TELEMETRY=false" in message


def test_a_retried_scripted_error_hints_at_the_sdks_retries(
    agno_pytester: pytest.Pytester,
) -> None:
    agno_pytester.makepyfile(
        """
        from agno_core.models.openai import OpenAIChat
        from agno_core.run.base import RunStatus


        async def test_own_model_retries(agent_factory, mock_model):
            agent = agent_factory(model=OpenAIChat(id="gpt-4o-mini", max_retries=1))
            mock_model.add_error(500, "model down")
            result = await agent.arun("hi")
            assert result.status is RunStatus.error


        async def test_fixture_model_does_not_retry(agent, mock_model):
            mock_model.add_error(500, "model down")
            result = await agent.arun("hi")
            assert result.status is RunStatus.error
            assert "model down" in result.content
        """
    )

    result = agno_pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_own_model_retries*",
            "E * MockOpenAI: 1 request(s) matched no scripted reply:",
            "E * This request was an SDK retry: the openai client retries 408/409/429/5xx "
            "answers (max_retries=2 by default) and each retry takes a scripted reply. Build "
            "the model with max_retries=0 (as the agent/team fixtures do), or script the error "
            "with times=N.",
        ]
    )


UNITTEST_SUITE = """
import os
import unittest

from agno_core.agent import Agent
from agno_core.models.openai import OpenAIChat, OpenAIResponses
from pytest_agno import MockOpenAI


class TestSync(unittest.TestCase):
    def test_chat(self):
        with MockOpenAI() as mock:
            mock.add_text("Hello.")
            result = Agent(model=OpenAIChat(id="gpt-4o-mini")).run("hi")
        self.assertEqual(result.content, "Hello.")
        self.assertEqual(len(mock.requests), 1)
        self.assertIsNone(os.environ.get("OPENAI_API_KEY"))  # put back as it was


class TestAsync(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.mock = MockOpenAI().start()

    async def asyncTearDown(self):
        self.mock.stop()

    async def test_responses(self):
        self.mock.add_text("Hi there.")
        result = await Agent(model=OpenAIResponses(id="gpt-4o-mini")).arun("hi")
        self.assertEqual(result.content, "Hi there.")
        self.assertEqual(self.mock.requests[0].endpoint, "responses")
"""


@pytest.mark.parametrize("api_key", [None, ""])
def test_mock_openai_on_its_own_needs_no_api_key(
    agno_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, api_key: str | None
) -> None:
    # unittest suites (and scripts) use the mock without the fixture, which sets a dummy key:
    # without a key the model refused to start ("no OpenAI API key") and every run ended ERROR.
    if api_key is None:
        monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    else:
        monkeypatch.setenv("OPENAI_API_KEY", api_key)
    agno_pytester.makepyfile(
        test_unittest_style=UNITTEST_SUITE.replace(
            'self.assertIsNone(os.environ.get("OPENAI_API_KEY"))',
            f"self.assertEqual(os.environ.get('OPENAI_API_KEY'), {api_key!r})",
        )
    )

    result = agno_pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=2)
