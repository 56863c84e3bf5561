"""Seeds 001, 002 and 003 as written (imports agno -> agno_core), offline, on both backends."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import pytest

from agno_core.run import RunStatus
from pytest_agno.mock import MockOpenAI


async def test_seed_002_background_execution(
    load_seed: Callable[[str], ModuleType],
    seed_offline: MockOpenAI,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed = load_seed("background_execution")
    await seed.main()
    out = capsys.readouterr().out
    assert "Status: RunStatus.pending" in out
    assert "The capital of France is Paris." in out
    assert "Cancel requested: True" in out
    assert "Status after cancel: RunStatus.cancelled" in out
    assert out.rstrip().endswith("Status: RunStatus.cancelled")  # cancel before start
    # The pre-cancelled run never reached the model.
    assert not any("won't run" in (r.last_user_message or "") for r in seed_offline.requests)
    assert all(r.endpoint == "responses" for r in seed_offline.requests)


async def test_seed_001_background_metrics(
    load_seed: Callable[[str], ModuleType],
    seed_offline: MockOpenAI,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed = load_seed("background_execution_metrics")
    await seed.main()
    out = capsys.readouterr().out
    assert "model:" in out and "tool_call:" in out
    agent = seed.agent
    runs = await agent.db.aget_session_runs(agent.session_id)
    assert len(runs) == 1
    result = runs[0]
    assert result.status is RunStatus.completed
    assert [t.tool_name for t in result.metrics.details["tool_call"]] == ["get_current_stock_price"]
    assert result.tools[0].result == "189.8400"
    m = result.metrics
    assert m.input_tokens == 150 + 80 and m.output_tokens == 20 + 40
    assert m.total_tokens == m.input_tokens + m.output_tokens
    assert m.duration and m.time_to_first_token and m.time_to_first_token <= m.duration
    session = agent.get_session_metrics()
    assert session.total_tokens == m.total_tokens and session.runs == 1


async def test_seed_003_structured_and_concurrent(
    load_seed: Callable[[str], ModuleType],
    seed_offline: MockOpenAI,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed = load_seed("background_execution_structured")
    parsed = await seed.structured_background_run()
    assert parsed is not None
    assert [c.city for c in parsed.cities] == ["Tokyo", "Paris", "New York"]
    results = await seed.concurrent_background_runs()
    assert len(results) == 3
    assert {r.status for r in results.values()} == {RunStatus.completed}
    assert len({r.session_id for r in results.values()}) == 3
    out = capsys.readouterr().out
    assert "Status: RunStatus.pending" in out and "not finished" not in out
