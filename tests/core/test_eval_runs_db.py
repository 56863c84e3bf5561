"""Eval runs read back as Agno does (``db.get_eval_runs``, ``db.get_eval_run``,
``db.rename_eval_run``, ``db.delete_eval_runs``, ``EvalRunRecord``), on SQLite and a real
PostgreSQL, including tables made by an older agno_core."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, Column, Float, MetaData, String, Table, text
from sqlalchemy.dialects.postgresql import JSONB

from agno_core.db import SqlDb
from agno_core.db.postgres import AsyncPostgresDb
from agno_core.db.schemas import EvalRunRecord as ExportedRecord
from agno_core.db.schemas.evals import EvalFilterType, EvalRunRecord, EvalType
from agno_core.db.sqlite import AsyncSqliteDb, SqliteDb
from agno_core.eval._persist import eval_run_record
from agno_core.eval.performance import PerformanceEval, PerformanceResult
from agno_core.models.openai import OpenAIChat

SECRET = "sk-secret-eval-0123456789SECRET"


@pytest.fixture(params=["sqlite_db", "pg_db"])
def db(request: pytest.FixtureRequest) -> SqlDb:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def _work() -> None:
    sum(range(100))


def _record(
    eval_id: str, created_at: float, user_id: str | None = None, **fields: Any
) -> dict[str, Any]:
    result = PerformanceResult(eval_id=eval_id, name=fields.pop("name", eval_id))
    result.run_times = [0.5, 0.25]
    result.memory_usages = [1.0]
    result.num_iterations = 2
    result.created_at = created_at
    result.compute_stats()
    record = eval_run_record(result, **fields)
    return record if user_id is None else {**record, "user_id": user_id}


async def _store_five(db: SqlDb) -> None:
    records = [
        _record("a1", 1.0, "ann", agent_id="helper", model_id="gpt-4o"),
        _record("a2", 2.0, "ann", agent_id="helper", model_id="gpt-4o-mini"),
        _record("t1", 3.0, team_id="travel", model_id="gpt-4o"),
        _record("w1", 4.0, workflow_id="flow"),
        _record("f1", 5.0, name="plain"),
    ]
    for record in records:
        await db.asave_eval_run(record)


def test_a_performance_eval_reads_back_as_agnos_record(db: SqlDb) -> None:
    evaluation = PerformanceEval(func=_work, name="tiny", num_iterations=2, warmup_runs=0, db=db)

    result = evaluation.run()

    (record,) = db.get_eval_runs()
    assert isinstance(record, EvalRunRecord) and ExportedRecord is EvalRunRecord
    assert record.run_id == result.run_id and record.name == "tiny"
    assert record.eval_type is EvalType.PERFORMANCE
    assert (record.agent_id, record.team_id, record.model_id) == (None, None, None)
    assert record.eval_input == {"num_iterations": 2, "warmup_runs": 0}
    # Agno's layout: the statistics under "result", one entry per iteration under "runs".
    assert record.eval_data["result"]["avg_run_time"] == result.avg_run_time
    assert record.eval_data["result"]["p95_memory_usage"] == result.p95_memory_usage
    assert record.eval_data["runs"] == [
        {"runtime": t, "memory": m}
        for t, m in zip(result.run_times, result.memory_usages, strict=True)
    ]
    assert PerformanceResult.from_dict(record.eval_data["result"]) == result
    assert db.get_eval_run(result.run_id) == record


async def test_known_ids_are_stored_and_filtered_on(db: SqlDb) -> None:
    await _store_five(db)

    by_agent = await db.aget_eval_runs(agent_id="helper")
    assert [r.run_id for r in by_agent] == ["a2", "a1"]  # newest first
    assert [(r.agent_id, r.model_id) for r in by_agent] == [
        ("helper", "gpt-4o-mini"),
        ("helper", "gpt-4o"),
    ]
    assert [r.run_id for r in await db.aget_eval_runs(team_id="travel")] == ["t1"]
    assert [r.run_id for r in await db.aget_eval_runs(workflow_id="flow")] == ["w1"]
    assert [r.run_id for r in await db.aget_eval_runs(model_id="gpt-4o")] == ["t1", "a1"]
    assert [r.run_id for r in await db.aget_eval_runs(user_id="ann")] == ["a2", "a1"]
    assert [r.run_id for r in await db.aget_eval_runs(name="plain")] == ["f1"]
    for kind, expected in [
        (EvalFilterType.AGENT, ["a2", "a1"]),
        (EvalFilterType.TEAM, ["t1"]),
        ("workflow", ["w1"]),
    ]:
        assert [r.run_id for r in await db.aget_eval_runs(filter_type=kind)] == expected
    assert len(await db.aget_eval_runs(eval_type=[EvalType.PERFORMANCE])) == 5
    assert await db.aget_eval_runs(eval_type=[EvalType.ACCURACY, "reliability"]) == []
    assert len(await db.aget_eval_runs(eval_type=[])) == 5  # as Agno: no filter


async def test_undeserialized_runs_are_agnos_dicts_with_the_total(db: SqlDb) -> None:
    await _store_five(db)

    page, total = await db.aget_eval_runs(limit=2, page=2, deserialize=False)

    assert total == 5
    assert [row["run_id"] for row in page] == ["t1", "a2"]
    assert set(page[1]) == {
        "run_id",
        "eval_type",
        "eval_data",
        "eval_input",
        "name",
        "agent_id",
        "team_id",
        "workflow_id",
        "model_id",
        "model_provider",
        "evaluated_component_name",
        "user_id",
        "created_at",
        "updated_at",
    }
    assert page[1]["eval_type"] == "performance" and page[1]["user_id"] == "ann"
    assert (page[1]["created_at"], page[1]["updated_at"]) == (2, 2)
    assert EvalRunRecord.model_validate(page[1]) == await db.aget_eval_run("a2")
    assert await db.aget_eval_run("a2", deserialize=False) == page[1]
    # The total counts every match, on a page past the end too.
    assert await db.aget_eval_runs(limit=2, page=9, deserialize=False) == ([], 5)
    assert (await db.aget_eval_runs(agent_id="helper", deserialize=False))[1] == 2


async def test_sorting_and_paging(db: SqlDb) -> None:
    await _store_five(db)

    async def ids(**kwargs: Any) -> list[str]:
        return [r.run_id for r in await db.aget_eval_runs(**kwargs)]

    assert await ids() == ["f1", "w1", "t1", "a2", "a1"]
    assert await ids(sort_by="created_at", sort_order="asc") == ["a1", "a2", "t1", "w1", "f1"]
    assert await ids(sort_by="run_id", sort_order="asc") == ["a1", "a2", "f1", "t1", "w1"]
    assert await ids(sort_by="name", sort_order="desc") == ["w1", "t1", "f1", "a2", "a1"]
    assert await ids(sort_by="no_such_field") == await ids()
    assert await ids(limit=2) == ["f1", "w1"]
    assert await ids(limit=2, page=3) == ["a1"]
    with pytest.raises(ValueError, match="without `limit`"):
        await db.aget_eval_runs(page=2)
    with pytest.raises(ValueError, match="1-indexed"):
        await db.aget_eval_runs(limit=2, page=0)


async def test_rename_delete_and_owner(db: SqlDb) -> None:
    await _store_five(db)

    renamed = await db.arename_eval_run("t1", "Renamed")
    assert isinstance(renamed, EvalRunRecord) and renamed.name == "Renamed"
    assert (await db.aget_eval_run("t1")).name == "Renamed"  # type: ignore[union-attr]
    as_dict = await db.arename_eval_run("t1", "Again", deserialize=False)
    assert isinstance(as_dict, dict) and as_dict["updated_at"] >= as_dict["created_at"]
    # Another user's run is neither renamed nor read nor deleted.
    assert await db.arename_eval_run("a1", "Mine", user_id="bob") is None
    assert await db.aget_eval_run("a1", user_id="bob") is None
    await db.adelete_eval_runs(["a1"], user_id="bob")
    assert (await db.aget_eval_run("a1", user_id="ann")).name == "a1"  # type: ignore[union-attr]

    await db.aupdate_eval_run_user_id("t1", "bob")
    assert await db.aget_eval_run("t1", user_id="bob") is not None
    await db.adelete_eval_runs(["a1", "a2", "unknown"], user_id="ann")
    await db.adelete_eval_run("w1")
    assert [r.run_id for r in await db.aget_eval_runs()] == ["f1", "t1"]
    assert await db.aget_eval_run("unknown") is None


def test_the_sync_names_and_an_agno_record(db: SqlDb) -> None:
    made = EvalRunRecord(
        run_id="mine",
        eval_type=EvalType.ACCURACY,
        eval_data={"score": 9},
        eval_input={"expected": "4"},
        agent_id="helper",
        model_id="gpt-4o",
        model_provider="OpenAI",
        name="by hand",
        evaluated_component_name="Helper",
    )

    assert db.create_eval_run(made) is made
    assert db.get_eval_run("mine") == made
    assert db.get_eval_runs(eval_type=[EvalType.ACCURACY]) == [made]
    assert db.rename_eval_run("mine", "renamed").name == "renamed"
    db.update_eval_run_user_id("mine", "ann")
    assert db.get_eval_runs(user_id="ann", deserialize=False)[1] == 1
    db.delete_eval_runs(["mine"], user_id="ann")
    assert db.get_eval_runs() == [] and db.get_eval_runs(deserialize=False) == ([], 0)
    db.create_eval_run(made)
    db.delete_eval_run("mine")
    assert db.get_eval_run("mine") is None


def test_an_unknown_eval_type_is_refused_on_write(sqlite_db: SqliteDb) -> None:
    with pytest.raises(ValueError, match="not a valid EvalType"):
        sqlite_db.save_eval_run({"eval_id": "x", "eval_type": "vibes", "result": {}})
    assert sqlite_db.get_eval_runs() == []


async def _on_the_async_db(db: AsyncSqliteDb | AsyncPostgresDb) -> None:
    result = await PerformanceEval(func=_work, num_iterations=1, warmup_runs=0, db=db).arun()
    eval_id = str(result.run_id)

    (record,) = await db.get_eval_runs()
    assert record.run_id == eval_id
    assert (await db.get_eval_runs(deserialize=False))[1] == 1
    assert (await db.get_eval_run(eval_id)) == record
    assert (await db.rename_eval_run(eval_id, "named")).name == "named"
    await db.update_eval_run_user_id(eval_id, "ann")
    await db.delete_eval_runs([eval_id], user_id="ann")
    assert await db.get_eval_runs() == []
    created = EvalRunRecord(run_id="r", eval_type=EvalType.PERFORMANCE, eval_data={})
    assert await db.create_eval_run(created) is created
    await db.delete_eval_run("r")
    assert await db.get_eval_run("r") is None
    await db.aclose()


async def test_on_the_async_sqlite_db_the_methods_are_coroutines(tmp_path: Path) -> None:
    await _on_the_async_db(AsyncSqliteDb(db_file=tmp_path / "agno.db"))


async def test_on_the_async_postgres_db_the_methods_are_coroutines(pg_url: str) -> None:
    await _on_the_async_db(AsyncPostgresDb(db_url=pg_url))


def test_sync_and_async_names_take_agnos_parameters() -> None:
    agno = {
        "get_eval_runs": [
            "limit",
            "page",
            "sort_by",
            "sort_order",
            "agent_id",
            "team_id",
            "workflow_id",
            "model_id",
            "filter_type",
            "eval_type",
            "deserialize",
            "user_id",
        ],
        "get_eval_run": ["eval_run_id", "deserialize", "user_id"],
        "rename_eval_run": ["eval_run_id", "name", "deserialize", "user_id"],
        "delete_eval_runs": ["eval_run_ids", "user_id"],
        "delete_eval_run": ["eval_run_id"],
        "create_eval_run": ["eval_run"],
        "update_eval_run_user_id": ["eval_run_id", "user_id"],
    }
    for cls in (SqliteDb, AsyncSqliteDb, AsyncPostgresDb):
        for name, params in agno.items():
            for method in (name, f"a{name}"):
                taken = list(inspect.signature(getattr(cls, method)).parameters)[1:]
                assert taken[: len(params)] == params, (cls, method)


def test_the_record_has_agnos_fields() -> None:
    agno_evals = pytest.importorskip("agno.db.schemas.evals")

    assert EvalRunRecord.model_fields.keys() == agno_evals.EvalRunRecord.model_fields.keys()
    assert {e.name: e.value for e in EvalType} == {e.name: e.value for e in agno_evals.EvalType}
    assert {e.value for e in EvalFilterType} == {e.value for e in agno_evals.EvalFilterType}


async def test_tables_from_an_older_version_are_completed_and_read(db: SqlDb) -> None:
    """An eval table of schema version 2 (no agent/model/user columns) with a row written then
    gets the new columns on first use; the old row reads back as a full record."""
    url = db._url.render_as_string(hide_password=False)
    await db.aready()
    engine = await db._engine()
    old = _version_2_evals(db.tables.evals.name, db.tables.metadata.schema)
    old_record = _record("old", 7.0)
    async with engine.begin() as conn:
        await conn.execute(text(f"DROP TABLE {db.tables.evals.fullname}"))
        await conn.run_sync(old.metadata.create_all)
        await conn.execute(
            old.insert().values(
                eval_id="old", name="old", eval_type="performance", created_at=7.0, data=old_record
            )
        )
        await conn.execute(db.tables.versions.update().values(version=2))
    await db.aclose()

    again = type(db)(db_url=url)
    (record,) = await again.aget_eval_runs()
    assert await again.aschema_version() == 4
    assert record.run_id == "old" and record.eval_type is EvalType.PERFORMANCE
    assert record.eval_data["result"]["avg_run_time"] == 0.375
    assert record.eval_data["runs"] == [
        {"runtime": 0.5, "memory": 1.0},
        {"runtime": 0.25, "memory": None},
    ]
    assert record.eval_input == {"num_iterations": 2, "warmup_runs": 0}
    rows, total = await again.aget_eval_runs(sort_by="updated_at", deserialize=False)
    assert total == 1 and rows[0]["updated_at"] == rows[0]["created_at"] == 7
    await again.aupdate_eval_run_user_id("old", "ann")
    renamed = await again.arename_eval_run("old", "new", user_id="ann")
    assert isinstance(renamed, EvalRunRecord) and renamed.name == "new"
    await again.aclose()


def _version_2_evals(name: str, schema: str | None) -> Table:
    return Table(
        name,
        MetaData(schema=schema),
        Column("eval_id", String(64), primary_key=True),
        Column("name", String(256)),
        Column("eval_type", String(32), nullable=False),
        Column("created_at", Float, nullable=False),
        Column("data", JSON().with_variant(JSONB(), "postgresql"), nullable=False),
    )


def test_no_secret_is_stored(tmp_path: Path) -> None:
    db = SqliteDb(db_file=tmp_path / "evals.db")
    model = OpenAIChat(id="gpt-4o-mini", api_key=SECRET)
    result = PerformanceEval(func=_work, name="keyed", num_iterations=1, warmup_runs=0).run()

    db.save_eval_run(eval_run_record(result, model_id=model.id, model_provider=model.provider))
    (record,) = db.get_eval_runs(model_id="gpt-4o-mini")
    db.close()

    assert record.model_provider == model.provider
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("evals"))
    assert b"keyed" in stored and SECRET.encode() not in stored


def test_a_performance_eval_run_twice_stores_two_runs_with_its_ids(agno_db: Any) -> None:
    from agno_core.eval.performance import PerformanceEval

    def work() -> None:
        sum(range(100))

    perf = PerformanceEval(
        name="twice",
        func=work,
        num_iterations=2,
        warmup_runs=0,
        db=agno_db,
        agent_id="agent-1",
        model_id="gpt-4o-mini",
        model_provider="OpenAI",
        show_spinner=False,
    )
    first = perf.run()
    second = perf.run()

    assert first.run_id != second.run_id and perf.eval_id == second.eval_id
    records = agno_db.get_eval_runs()
    assert sorted(r.run_id for r in records) == sorted([first.run_id, second.run_id])
    assert {(r.agent_id, r.model_id, r.model_provider) for r in records} == {
        ("agent-1", "gpt-4o-mini", "OpenAI")
    }
    assert {r.evaluated_component_name for r in records} == {"work"}
