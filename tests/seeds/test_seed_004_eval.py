"""Seed 004 as written: PerformanceEval with memory growth tracking over real team runs."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import pytest

from agno_core.run import RunStatus
from pytest_agno.mock import MockOpenAI


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)  # as the seed; heavy to run
async def test_seed_004_memory_growth_of_team_runs(
    load_seed: Callable[[str], ModuleType],
    seed_offline: MockOpenAI,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed = load_seed("team_response_with_memory_simple")
    result = await seed.team_response_with_memory_impact.arun(
        print_results=True, print_summary=True
    )
    # The team really ran in every iteration (plus the eval's one untimed priming call).
    team = seed.team
    runs = await team.db.aget_session_runs(team.session_id)
    assert len(runs) == 1 + 5
    assert {r.status for r in runs} == {RunStatus.completed}
    assert all(r.metrics.details.get("member_model") for r in runs)
    assert all(r.metrics.details.get("memory_model") for r in runs)
    delegations = [r for r in seed_offline.requests if "delegate_task_to_member" in str(r.json)]
    assert len(delegations) >= 6
    # Memories were extracted and stored for the (default) user.
    assert [m.memory for m in await team.aget_user_memories()] == ["The user loves big cities."]
    # Growth tracking: one figure per iteration, sites with file:line, in the printed summary.
    assert result.run_times == []
    assert len(result.memory_usages) == 5
    assert len(result.growth_per_iteration) == 5
    assert result.growth_sites and all(s.filename and s.lineno for s in result.growth_sites)
    out = capsys.readouterr().out
    assert "growth per iteration" in out
