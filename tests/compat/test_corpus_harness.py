"""The corpus harness (benchmarks/agno_corpus.py) judges an Agno example the way a user would."""

from __future__ import annotations

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
    verdicts = {line.split()[2]: line for line in lines if line.startswith(("pass", "FAIL"))}
    assert verdicts["sub/passing.py"].startswith("pass")
    assert "No module named 'agno_core.models.anthropic'" in verdicts["missing_module.py"]
    assert "INFO agno_core: run" in verdicts["failed_run.py"], verdicts["failed_run.py"]
    assert "1 of 3 examples ran unchanged (33%)" in lines[-1]
