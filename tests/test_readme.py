"""Every Python example in the README runs (offline, against the scripted mock)."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

from examples.seeds._mock import script_seed_replies
from pytest_agno.mock import MockOpenAI
from pytest_agno.stubs import YahooStub

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
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
    pytester.makepyfile(test_readme_example=code)
    pytester.makeini("[pytest]\nasyncio_mode = auto\n")
    env_key = os.environ.get("OPENAI_API_KEY")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    assert env_key == os.environ.get("OPENAI_API_KEY")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0 and outcomes.get("errors", 0) == 0, result.stdout.str()
    # Every test function ran (a parametrized one more than once).
    assert outcomes.get("passed", 0) >= len(re.findall(r"^(?:async )?def test_", code, re.M))
