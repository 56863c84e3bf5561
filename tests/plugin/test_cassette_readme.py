"""The README's cassette example end to end: its record command, its excerpt, its replay test."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.plugin.conftest import CASSETTE_KEY
from tests.plugin.openai_server import OpenAIServer

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
SECTION = README[README.index("### Cassettes:") : README.index("### Options")]
TEST = next(b for b in re.findall(r"```python\n(.*?)```", SECTION, re.S) if "agno_cassette" in b)
COMMANDS = re.findall(r"```bash\n(.*?)```", SECTION, re.S)[0]
EXCERPT = re.findall(r"```json\n(.*?)```", SECTION, re.S)[0]


def test_the_readme_cassette_example_records_and_replays(
    agno_pytester: pytest.Pytester, openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "pytest tests/test_weather.py --agno-record=once" in COMMANDS
    assert "tests/cassettes/test_weather/test_weather_agent.json" in COMMANDS
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.base_url)
    tests = agno_pytester.mkdir("tests")
    (tests / "test_weather.py").write_text(TEST)

    agno_pytester.runpytest_subprocess(
        "tests/test_weather.py", "--agno-record=once"
    ).assert_outcomes(passed=1)
    cassette = tests / "cassettes" / "test_weather" / "test_weather_agent.json"
    text = cassette.read_text()
    assert CASSETTE_KEY not in text
    assert len(json.loads(text)["entries"]) == 2 == len(openai_server.requests)
    # Every line the README shows is a line of the recorded cassette.
    missing = [line for line in EXCERPT.splitlines() if line.strip() not in text]
    assert missing == []

    openai_server.stop()
    agno_pytester.runpytest_subprocess("tests/test_weather.py").assert_outcomes(passed=1)
