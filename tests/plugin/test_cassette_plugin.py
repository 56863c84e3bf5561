"""The cassette marker and ``--agno-record`` from a user's project, under ``-n 2``.

A generated suite records through ``OPENAI_BASE_URL`` against a local OpenAI server, then the
server is stopped and the suite replays. Every mode runs under pytest-xdist.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.plugin.conftest import CASSETTE_KEY, INI
from tests.plugin.openai_server import OpenAIServer

SUITE = """
import pytest
from agno_core.models.openai import OpenAIChat, OpenAIResponses


def weather(city: str) -> str:
    \"\"\"The weather in a city.\"\"\"
    return f"Sunny in {city}"


@pytest.mark.agno_cassette
@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
@pytest.mark.parametrize("endpoint", ["chat", "responses"])
async def test_weather(agent_factory, mock_model, endpoint, stream):
    cls = OpenAIChat if endpoint == "chat" else OpenAIResponses
    agent = agent_factory(model=cls(id="gpt-4o-mini", max_retries=0), tools=[weather])
    if stream:
        items = agent.arun("Weather in Paris?", stream=True, yield_run_output=True)
        run = [item async for item in items][-1]
    else:
        run = await agent.arun("Weather in Paris?")
    assert run.content == "Echo: Weather in Paris?", run.error
    assert run.metrics.input_tokens == 62 and run.metrics.output_tokens == 14
    assert len(mock_model.requests) == 2


@pytest.mark.agno_cassette(path="shared/custom.json", record="once")
async def test_custom_path(agent):
    run = await agent.arun("Custom?")
    assert run.content == "Echo: Custom?", run.error
"""

NEW_TEST = """

@pytest.mark.agno_cassette
async def test_new_episode(agent):
    run = await agent.arun("Something new?")
    assert run.content == "Echo: Something new?", run.error
"""

CHANGED_TEST = """

@pytest.mark.agno_cassette(path="cassettes/test_suite/test_new_episode.json")
async def test_changed_prompt(agent):
    run = await agent.arun("Something else?")
"""


def _cassettes(root: Path) -> dict[str, int]:
    """Each cassette under ``root`` (relative path) with its number of entries."""
    found = {}
    for path in sorted(root.rglob("*.json")):
        found[str(path.relative_to(root))] = len(json.loads(path.read_text())["entries"])
    return found


def test_every_record_mode_under_xdist(
    agno_pytester: pytest.Pytester,
    openai_server: OpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.base_url)
    agno_pytester.makepyfile(test_suite=SUITE)
    xdist = ("-n", "2", "-p", "no:cacheprovider")

    # once, from the ini: every test records its cassette (two model calls each).
    agno_pytester.makeini(INI + "agno_record = once\n")
    agno_pytester.runpytest_subprocess(*xdist).assert_outcomes(passed=5)
    assert len(openai_server.requests) == 9
    recorded = _cassettes(agno_pytester.path)
    assert recorded == {
        "cassettes/test_suite/test_weather-chat-json.json": 2,
        "cassettes/test_suite/test_weather-chat-sse.json": 2,
        "cassettes/test_suite/test_weather-responses-json.json": 2,
        "cassettes/test_suite/test_weather-responses-sse.json": 2,
        "shared/custom.json": 1,
    }
    agno_pytester.makeini(INI)

    # new_episodes: known calls replay, the new test records.
    agno_pytester.makepyfile(test_suite=SUITE + NEW_TEST)
    result = agno_pytester.runpytest_subprocess(*xdist, "--agno-record=new_episodes")
    result.assert_outcomes(passed=6)
    assert len(openai_server.requests) == 10
    assert _cassettes(agno_pytester.path)["cassettes/test_suite/test_new_episode.json"] == 1

    # all: everything is recorded again (the marker's record="once" keeps its cassette).
    agno_pytester.runpytest_subprocess(*xdist, "--agno-record=all").assert_outcomes(passed=6)
    assert len(openai_server.requests) == 10 + 9  # test_custom_path replayed
    assert _cassettes(agno_pytester.path) == {
        **recorded,
        "cassettes/test_suite/test_new_episode.json": 1,
    }

    # none (the default), with the server gone: every recorded test passes, a changed one fails.
    openai_server.stop()
    agno_pytester.makepyfile(test_suite=SUITE + NEW_TEST + CHANGED_TEST)
    result = agno_pytester.runpytest_subprocess(*xdist)
    result.assert_outcomes(passed=7, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*pytest_agno cassette: no recording of a model call of "
            "test_suite.py::test_changed_prompt",
            "*cassette: */cassettes/test_suite/test_new_episode.json (record mode 'none', 1 entry)",
            "*nearest recorded request: entry 0; diff:",
            '*-*"content": "Something new?"*',
            '*+*"content": "Something else?"*',
        ]
    )

    # No cassette the suite wrote holds the key it recorded with, in any form.
    for path in agno_pytester.path.rglob("*.json"):
        text = path.read_text()
        assert CASSETTE_KEY not in text and CASSETTE_KEY[3:] not in text, path


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ('record="sometimes"', "record must be one of none, once, new_episodes, all"),
        ('recrod="all"', "unknown argument(s) recrod; accepted: path, record"),
        ('"a.json"', "takes keyword arguments only"),
        ("latency=-1", "latency must be True, False or seconds >= 0"),
        ('redact=["("]', "redact pattern '(' is invalid"),
        ('match_on="model"', "match_on must be a list of strings"),
    ],
)
def test_marker_arguments_are_validated(
    agno_pytester: pytest.Pytester, marker: str, message: str
) -> None:
    agno_pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.agno_cassette({marker})
        def test_it(mock_model):
            pass
        """
    )
    result = agno_pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*@pytest.mark.agno_cassette: *{message}*"])


def test_a_bad_record_option_stops_the_session(agno_pytester: pytest.Pytester) -> None:
    agno_pytester.makeini(INI + "agno_record = sometimes\n")
    agno_pytester.makepyfile("def test_it():\n    pass\n")
    result = agno_pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*agno_record must be one of none, once, new_episodes, all*"])


def test_scenario_markers_work_on_a_replayed_run(
    agno_pytester: pytest.Pytester,
    openai_server: OpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.base_url)
    agno_pytester.makepyfile(
        """
        import pytest
        from agno_core.run import RunStatus

        CASSETTE = pytest.mark.agno_cassette(path="hello.json")


        @CASSETTE
        async def test_record(agent):
            assert (await agent.arun("Hello?")).content == "Echo: Hello?"


        @CASSETTE
        @pytest.mark.agno_background
        async def test_background(agent, mock_model):
            result = await agent.arun("Hello?")
            assert result.status is RunStatus.completed and result.content == "Echo: Hello?"
            assert result.metrics.total_tokens == 38


        @CASSETTE
        @pytest.mark.agno_background
        @pytest.mark.agno_cancel("during")
        async def test_cancel_during(agent, cancel_scenario, mock_model):
            result = await agent.arun("Hello?")
            assert result.status is RunStatus.cancelled
            assert cancel_scenario.cancel_result is True
            assert len(mock_model.requests) == 1
        """
    )
    agno_pytester.runpytest("--agno-record=once", "-k", "record").assert_outcomes(
        passed=1, deselected=2
    )
    openai_server.stop()
    agno_pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=3)
