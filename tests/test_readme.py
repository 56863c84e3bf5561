"""Every Python example in the README runs (offline, against the scripted mock)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import textwrap
from pathlib import Path

import pytest

from examples.seeds._mock import script_seed_replies
from pytest_agno import MockOpenAI, YahooStub

README = Path(__file__).resolve().parent.parent / "README.md"
# Blocks inside a list item are indented with it.
BLOCKS = [
    textwrap.dedent(block)
    for block in re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
]
SCRIPTS = [b for b in BLOCKS if "def test_" not in b]
# Cassette examples need a recording first: tests/plugin/test_cassette_readme.py runs them.
TESTS = [b for b in BLOCKS if "def test_" in b and "agno_cassette" not in b]


def _first_line(block: str) -> str:
    for line in block.splitlines():
        if line.strip() and not line.startswith(("import", "from")):
            return line.strip()[:40]
    return "block"


@pytest.mark.parametrize("code", SCRIPTS, ids=[_first_line(b) for b in SCRIPTS])
def test_readme_script_runs(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-readme-test")
    out = io.StringIO()
    with MockOpenAI() as mock, YahooStub() as yahoo, contextlib.redirect_stdout(out):
        yahoo.set_price("AAPL", 189.84)
        mock.add_json(
            {"name": "Kyoto", "country": "Japan"},
            match=lambda r: "City" in str(r.json.get("response_format") or r.json.get("text")),
            times=100,
        )
        script_seed_replies(mock)
        exec(compile(code, str(README), "exec"), {"__name__": "__readme__"})
        mock.reset()
    assert out.getvalue().strip(), "the example printed nothing"
    assert "ERROR" not in out.getvalue()


@pytest.mark.parametrize("code", TESTS, ids=[f"test-block-{i}" for i in range(len(TESTS))])
def test_readme_test_examples_pass(code: str, pytester: pytest.Pytester) -> None:
    # As a user's project: no ini file, no asyncio configuration.
    pytester.makepyfile(test_readme_example=code)
    env_key = os.environ.get("OPENAI_API_KEY")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    assert env_key == os.environ.get("OPENAI_API_KEY")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0 and outcomes.get("errors", 0) == 0, result.stdout.str()
    # Every test function ran (a parametrized one more than once).
    assert outcomes.get("passed", 0) >= len(re.findall(r"^(?:async )?def test_", code, re.M))


PLUGIN_SECTION = README.read_text().split("## Testing agents with pytest: `pytest_agno`", 1)[1]
FIRST_TEST = re.search(r"```python\n(.*?)```", PLUGIN_SECTION, flags=re.S)


@pytest.mark.parametrize("asyncio_plugin", ["asyncio", "no:asyncio"])
def test_the_plugin_sections_first_test_runs_as_written(
    pytester: pytest.Pytester, asyncio_plugin: str
) -> None:
    assert FIRST_TEST is not None and PLUGIN_SECTION.lstrip().startswith("```python")
    code = FIRST_TEST.group(1)
    assert len(code.strip().splitlines()) == 3
    pytester.makepyfile(test_first=code)  # a fresh project: no ini, no conftest, no marks
    result = pytester.runpytest_subprocess("-p", asyncio_plugin, "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
