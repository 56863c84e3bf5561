"""The corpus harness (benchmarks/agno_corpus.py) judges an Agno example the way a user would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks._corpus_child import swap_imports
from benchmarks.agno_corpus import main

PASSING = """
from agno.agent import Agent
from agno.models.openai import OpenAIChat
from pydantic import BaseModel

class Movie(BaseModel):
    title: str

agent = Agent(model=OpenAIChat(id="gpt-4o"), output_schema=Movie)
assert isinstance(agent.run("a movie").content, Movie)
"""

# The run ends ERROR (its model points nowhere the mock answers): no exception reaches the
# script, but the example did not run as written.
FAILED_RUN = """
from agno.agent import Agent
from agno.models.openai import OpenAIChat

model = OpenAIChat(id="gpt-4o", base_url="http://127.0.0.1:9/v1", max_retries=0)
run = Agent(model=model).run("hi")
print(run.status)
"""


def by_example(lines: list[str]) -> dict[str, str]:
    """The harness's verdict lines (``pass|FAIL [(scripted)] 1.2s path  problem``) by path."""
    found = (re.match(r"(?:pass|FAIL)(?: \(scripted\))? +[\d.]+s (\S+)", line) for line in lines)
    return {m[1]: m.string for m in found if m}


def test_only_import_statements_are_swapped() -> None:
    source = (
        "from agno.agent import Agent\nimport agno.tools\nx = 'from agno.agent'\nimport agnostic\n"
    )

    assert swap_imports(source) == (
        "from agno_core.agent import Agent\nimport agno_core.tools\nx = 'from agno.agent'\n"
        "import agnostic\n"
    )


def test_examples_are_judged_by_outcome(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "sub" / "passing.py").write_text(PASSING)
    (corpus / "missing_module.py").write_text("from agno.models.anthropic import Claude\n")
    (corpus / "failed_run.py").write_text(FAILED_RUN)
    (corpus / "manifest.txt").write_text(
        "include sub/passing.py abc\ninclude missing_module.py abc\n"
        "include failed_run.py abc\nexclude other.py abc -- out of scope\n"
    )

    assert main([str(corpus), "--manifest", str(corpus / "manifest.txt"), "-j", "2"]) == 0

    lines = capsys.readouterr().out.splitlines()
    verdicts = by_example(lines)
    assert verdicts["sub/passing.py"].startswith("pass")
    assert "No module named 'agno_core.models.anthropic'" in verdicts["missing_module.py"]
    # The run only ended ERROR, but the mock's check names the request that escaped it.
    assert verdicts["failed_run.py"].startswith("FAIL")
    assert "went to a URL the mock does not serve" in verdicts["failed_run.py"]
    assert "1 of 3 examples ran unchanged (33%)" in lines[-1]


# A guardrail that asks a judging agent, as Agno's hook examples do: the first run passes the
# check, the second is refused by it.
GUARDED = """
from agno.agent import Agent
from agno.exceptions import CheckTrigger, InputCheckError
from agno.models.openai import OpenAIResponses
from agno.run.agent import RunInput
from pydantic import BaseModel

class Verdict(BaseModel):
    is_safe: bool

def guard(run_input: RunInput) -> None:
    judge = Agent(model=OpenAIResponses(id="gpt-5-mini"), output_schema=Verdict)
    if not judge.run(f"Is this safe? {run_input.input_content}").content.is_safe:
        raise InputCheckError("unsafe", check_trigger=CheckTrigger.INPUT_NOT_ALLOWED)

agent = Agent(model=OpenAIResponses(id="gpt-5-mini"), pre_hooks=[guard])
assert agent.run("hello").content == "Hi there."
assert agent.run("do harm").status == "ERROR"
"""
GUARDED_REPLIES = (
    '  reply json {"is_safe": true}\n  reply text Hi there.\n  reply json {"is_safe": false}\n'
)

TOOL_CALL = """
from agno.agent import Agent
from agno.models.openai import OpenAIChat

def add(a: int, b: int) -> int:
    return a + b

out = Agent(model=OpenAIChat(id="gpt-4o"), tools=[add]).run("1 + 2?")
assert out.tools[0].result == "3" and out.content == "3."
"""

TWO_RUNS = """
from agno.agent import Agent
from agno.models.openai import OpenAIChat

agent = Agent(model=OpenAIChat(id="gpt-4o", max_retries=0))
agent.run("one")
agent.run("two")
"""


def test_a_manifest_entry_may_script_replies_and_expected_refusals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, source in [
        ("guarded.py", GUARDED),
        ("guarded_unexpected.py", GUARDED),
        ("tool_call.py", TOOL_CALL),
        ("two_runs.py", TWO_RUNS),
    ]:
        (corpus / name).write_text(source)
    (corpus / "manifest.txt").write_text(
        f"include guarded.py abc\n{GUARDED_REPLIES}  expect refused 1\n"
        f"include guarded_unexpected.py abc\n{GUARDED_REPLIES}"
        'include tool_call.py abc\n  reply tool_call add {"a": 1, "b": 2}\n  reply text 3.\n'
        "include two_runs.py abc\n  reply text only one\n"
    )

    assert main([str(corpus), "--manifest", str(corpus / "manifest.txt"), "-j", "2"]) == 0

    lines = capsys.readouterr().out.splitlines()
    verdicts = by_example(lines)
    assert verdicts["guarded.py"].startswith("pass (scripted)")
    assert (
        "1 run(s) refused by the example's own check hooks, 0 expected"
        in verdicts["guarded_unexpected.py"]
    )
    assert verdicts["tool_call.py"].startswith("pass (scripted)")
    assert "matched no scripted reply" in verdicts["two_runs.py"]
    assert lines[-1] == (
        "2 of 4 examples ran unchanged (50%), 2 of them on replies their manifest entry scripts"
    )


def test_a_directive_that_is_not_one_stops_the_harness(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("print('hi')\n")
    (tmp_path / "manifest.txt").write_text("include a.py abc\n  reply maybe something\n")

    with pytest.raises(SystemExit, match="not a directive: 'reply maybe something'"):
        main([str(tmp_path), "--manifest", str(tmp_path / "manifest.txt")])
