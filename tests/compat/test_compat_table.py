"""docs/COMPATIBILITY.md is generated from the code: it must be current."""

from __future__ import annotations

import importlib.util
import inspect
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from agno_core._unsupported import UNSUPPORTED
from agno_core.agent import Agent
from agno_core.team import Team
from agno_core.team._unsupported import UNSUPPORTED_METHODS, UNSUPPORTED_PARAMETERS

ROOT = Path(__file__).resolve().parents[2]
AGNO_SOURCE = Path("/work/agno-ref/lib/python3.11/site-packages/agno")


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compat_table", ROOT / "scripts/compat_table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("compat_table", module)
    spec.loader.exec_module(module)
    return module


def test_the_committed_table_is_current(script: ModuleType) -> None:
    snapshot = json.loads((ROOT / "docs/agno_api_snapshot.json").read_text())

    table = script.render(snapshot)

    assert (ROOT / "docs/COMPATIBILITY.md").read_text() == table, (
        "docs/COMPATIBILITY.md is out of date: run .venv/bin/python scripts/compat_table.py"
    )


def test_every_agno_agent_parameter_is_handled(script: ModuleType) -> None:
    snapshot = json.loads((ROOT / "docs/agno_api_snapshot.json").read_text())
    taken = set(inspect.signature(Agent.__init__).parameters)

    unhandled = set(snapshot["params"]["Agent"]) - taken - set(UNSUPPORTED["Agent"])
    run_taken = set(inspect.signature(Agent.arun).parameters)
    run_unhandled = (
        set(snapshot["params"]["Agent.run / arun"])
        - run_taken
        - set(UNSUPPORTED["Agent.run / arun"])
    )

    assert unhandled == set() and run_unhandled == set()


def test_every_agno_team_parameter_and_method_is_taken_or_refused(script: ModuleType) -> None:
    snapshot = json.loads((ROOT / "docs/agno_api_snapshot.json").read_text())
    taken = set(inspect.signature(Team.__init__).parameters)
    methods = {m for m in snapshot["methods"]["Team methods"] if callable(getattr(Team, m, None))}

    assert set(snapshot["params"]["Team"]) - taken - UNSUPPORTED_PARAMETERS == set()
    assert taken & UNSUPPORTED_PARAMETERS == set()
    assert set(snapshot["params"]["Team"]) >= UNSUPPORTED_PARAMETERS
    assert methods & UNSUPPORTED_METHODS == set()
    assert set(snapshot["methods"]["Team methods"]) >= UNSUPPORTED_METHODS


def test_rows_follow_the_code(script: ModuleType) -> None:
    rows = script.render(
        {
            "params": {k: ["model", "knowledge", "colour"] for k in _labels(script)},
            "methods": {k: ["run", "fly", "save"] for k in _method_labels(script)},
        }
    )

    section = rows.split("## Agent\n", 1)[1].split("##", 1)[0]
    assert "| `model` | supported |" in section
    assert "| `knowledge` | default only (None): knowledge bases" in section
    assert "| `colour` | not supported |" in section
    methods = rows.split("## Agent methods\n", 1)[1].split("##", 1)[0]
    assert "| `run()` | supported |" in methods and "| `fly()` | not supported |" in methods
    team = rows.split("## Team\n", 1)[1].split("##", 1)[0]
    assert "1 of 3 supported, 1 refused by name." in team
    assert "| `knowledge` | not supported: refused by name (`UnsupportedParameterError`) |" in team
    assert "| `colour` | not supported |" in team
    team_methods = rows.split("## Team methods\n", 1)[1].split("##", 1)[0]
    refused = "| `save()` | not supported: refused by name (`UnsupportedMethodError`) |"
    assert refused in team_methods
    assert "| `fly()` | not supported |" in team_methods


@pytest.mark.skipif(not AGNO_SOURCE.is_dir(), reason="Agno's source is not on this machine")
def test_the_snapshot_matches_agnos_source(script: ModuleType) -> None:
    snapshot = json.loads((ROOT / "docs/agno_api_snapshot.json").read_text())

    assert script.agno_side(AGNO_SOURCE) == snapshot


def _labels(script: ModuleType) -> list[str]:
    return [row[0] for row in script.SCOPE]


def _method_labels(script: ModuleType) -> list[str]:
    return [row[0] for row in script.METHODS]
