"""Tasks mode (``TeamMode.tasks``): the leader's task tools, members executing tasks (one, or
several concurrently), the loop that sends the leader back while work remains, its bounds.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING, Any

import pytest

from agno_core.run.base import RunStatus
from agno_core.team import TeamMode
from agno_core.team._task_list import Task, TaskList, TaskStatus, new_task_id
from pytest_agno import assert_metrics_consistent
from tests.team.mode_helpers import (
    ModeTeamMaker,
    of_model,
    system_of,
    tool_outputs,
    tool_specs,
    user_of,
)
from tests.team.team_helpers import (
    CLOCK_MODEL,
    LEADER,
    WEATHER_MODEL,
    model_token_sum,
    reply,
    stored,
    wait_for,
)

if TYPE_CHECKING:
    from agno_core.db import SqlDb
    from pytest_agno.mock import MockOpenAI

TASK_TOOLS = [
    "create_task",
    "execute_task",
    "execute_tasks_parallel",
    "update_task_status",
    "list_tasks",
    "add_task_note",
    "mark_all_complete",
]


def leader(mock: MockOpenAI, tool: str, args: dict[str, Any], **usage: int) -> None:
    mock.add_tool_call(tool, args, model=LEADER, **usage)


def plan_two(mock: MockOpenAI) -> None:
    mock.add_tool_calls(
        [
            (
                "create_task",
                {"title": "Weather", "description": "Weather in Oslo?", "assignee": "weather"},
            ),
            ("create_task", {"title": "Time", "description": "Time in Oslo?", "assignee": "clock"}),
        ],
        model=LEADER,
        input_tokens=90,
        output_tokens=20,
    )


async def test_the_leader_plans_members_execute_and_the_goal_ends_the_run(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(mode=TeamMode.tasks)
    plan_two(mock_model)
    leader(
        mock_model,
        "execute_tasks_parallel",
        {"task_ids": ["t1", "t2"]},
        input_tokens=100,
        output_tokens=10,
    )
    reply(mock_model, "Snowing.", model=WEATHER_MODEL, input_tokens=20, output_tokens=2)
    reply(mock_model, "08:00.", model=CLOCK_MODEL, input_tokens=30, output_tokens=3)
    leader(
        mock_model,
        "mark_all_complete",
        {"summary": "Both known."},
        input_tokens=110,
        output_tokens=9,
    )
    reply(mock_model, "Snowing at 08:00 in Oslo.", input_tokens=120, output_tokens=8)

    result = await team.arun("Oslo now?")

    assert result.status is RunStatus.completed, result.error
    assert result.content == "Snowing at 08:00 in Oslo."
    first = mock_model.requests[0]
    assert list(tool_specs(first)) == sorted(TASK_TOOLS)  # sorted by name, as Agno sends them
    assert "Tasks mode" in system_of(first)
    assert [user_of(r) for r in of_model(mock_model.requests, WEATHER_MODEL)] == [
        "Weather in Oslo?"
    ]
    assert [user_of(r) for r in of_model(mock_model.requests, CLOCK_MODEL)] == ["Time in Oslo?"]
    leaders = of_model(mock_model.requests, LEADER)
    assert len(leaders) == 4  # no extra turn after the goal
    assert tool_outputs(leaders[1]) == [
        "Task created: [t1] Weather (status: pending)",
        "Task created: [t2] Time (status: pending)",
    ]
    assert tool_outputs(leaders[2])[2] == (
        "Task [t1] completed. Result: Snowing.\nTask [t2] completed. Result: 08:00."
    )
    assert [m.agent_id for m in result.member_responses] == ["weather", "clock"]
    assert result.metrics.total_tokens == 110 + 110 + 22 + 33 + 119 + 128
    assert result.metrics.total_tokens == model_token_sum(result.metrics)
    assert_metrics_consistent(result)


async def test_the_leader_is_sent_back_while_tasks_remain(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(mode=TeamMode.tasks)
    leader(
        mock_model,
        "create_task",
        {"title": "Time", "description": "Time in Rome?", "assignee": "clock"},
    )
    reply(mock_model, "I will get to it.")
    leader(mock_model, "execute_task", {"task_id": "t1"})
    reply(mock_model, "10:00.", model=CLOCK_MODEL)
    reply(mock_model, "It is 10:00 in Rome.")

    result = await team.arun("Time in Rome?")

    assert result.content == "It is 10:00 in Rome."
    leaders = of_model(mock_model.requests, LEADER)
    assert len(leaders) == 4  # create, idle answer, execute, final answer (all tasks done)
    assert user_of(leaders[2]) == (
        "<current_task_state>\nTasks (1 total: 1 pending):\n"
        "  [t1] Time - PENDING (assigned: clock)\n"
        "</current_task_state>\n\nContinue: create, execute or update tasks as needed. When the "
        "goal is met, write your answer and call mark_all_complete."
    )
    assert tool_outputs(leaders[3])[-1] == "Task [t1] completed. Result: 10:00."


async def test_a_request_that_needs_no_task_ends_after_one_reminder(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(mode=TeamMode.tasks)
    reply(mock_model, "Hello!")
    reply(mock_model, "Hello again!")

    result = await team.arun("Hi")

    assert result.content == "Hello again!"
    assert len(mock_model.requests) == 2
    assert user_of(mock_model.requests[1]).startswith("<current_task_state>\nNo tasks created yet.")


async def test_max_iterations_bounds_the_loop(
    mock_model: MockOpenAI,
    make_mode_team: ModeTeamMaker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    team = make_mode_team(mode=TeamMode.tasks, max_iterations=2)
    leader(mock_model, "create_task", {"title": "Later"})
    reply(mock_model, "Thinking.")
    reply(mock_model, "Still thinking.")

    with caplog.at_level(logging.WARNING, logger="agno_core"):
        result = await team.arun("Plan something.")

    assert result.status is RunStatus.completed
    assert result.content == "Still thinking."
    assert len(mock_model.requests) == 3
    assert "max_iterations=2" in caplog.text


async def test_bookkeeping_tools_report_to_the_leader(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(mode=TeamMode.tasks)
    mock_model.add_tool_calls(
        [
            ("create_task", {"title": "Look", "assignee": "weather"}),
            ("create_task", {"title": "look", "assignee": "clock"}),  # same title
            ("create_task", {"title": "Report", "depends_on": ["t1"]}),
            ("add_task_note", {"task_id": "t1", "note": "Use Celsius."}),
            ("update_task_status", {"task_id": "t1", "status": "completed", "result": "Done."}),
            ("update_task_status", {"task_id": "t2", "status": "blocked"}),
            ("list_tasks", {}),
            ("mark_all_complete", {"summary": "All done."}),
        ],
        model=LEADER,
    )
    reply(mock_model, "Done.")

    await team.arun("Go.")

    outputs = tool_outputs(mock_model.requests[1])
    assert outputs == [
        # Agno's words, each of them.
        "Task created: [t1] Look (status: pending)",
        "Task already exists: [t1] Look (status: pending). Use this task instead of creating a "
        "duplicate.",
        "Task created: [t2] Report (status: blocked)",
        "Note added to task [t1].",
        "Task [t1] 'Look' updated to completed.",
        "Cannot manually set status to 'blocked'. Blocked status is managed automatically based "
        "on task dependencies.",
        "Tasks (2 total: 1 completed, 1 pending):\n"
        "  [t1] Look - COMPLETED (assigned: weather)\n      Result: Done.\n"
        "      Note: Use Celsius.\n"
        "  [t2] Report - PENDING (unassigned)\n      Depends on: ['t1']",
        "Goal marked as complete. Summary: All done.",
    ]


async def test_a_failed_member_fails_its_task_and_its_dependents(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(mode=TeamMode.tasks)
    mock_model.add_tool_calls(
        [
            ("create_task", {"title": "Weather", "assignee": "weather"}),
            ("create_task", {"title": "Summary", "assignee": "clock", "depends_on": ["t1"]}),
            ("execute_tasks_parallel", {"task_ids": ["t2"]}),
            ("execute_task", {"task_id": "t1"}),
            ("list_tasks", {}),
        ],
        model=LEADER,
    )
    mock_model.add_error(500, "down", model=WEATHER_MODEL)
    reply(mock_model, "The weather member failed.")
    leader(mock_model, "mark_all_complete", {"summary": "Failed."})
    reply(mock_model, "Could not get the weather.")

    result = await team.arun("Weather summary?")

    outputs = tool_outputs(mock_model.requests[2])
    assert outputs[2] == "Task [t2] is blocked, cannot execute."
    assert outputs[3].startswith("Task [t1] failed: Error: member weather ended ERROR")
    assert "  [t2] Summary - FAILED (assigned: clock)" in outputs[4]  # its dependency failed
    assert "Result: Automatically failed: a dependency failed." in outputs[4]
    assert result.content == "Could not get the weather."
    assert [m.status for m in result.member_responses] == [RunStatus.error]


async def test_a_streamed_tasks_run_passes_member_events_through(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(mode=TeamMode.tasks)
    leader(mock_model, "create_task", {"title": "Time", "assignee": "clock"})
    leader(mock_model, "execute_task", {"task_id": "t1"})
    reply(mock_model, "Noon.", model=CLOCK_MODEL)
    reply(mock_model, "It is noon.")

    events = [e async for e in team.arun("Time?", stream=True, stream_events=True)]

    result = events[-1].run_output
    assert result.content == "It is noon."
    [clock] = result.member_responses
    assert any(e.event == "RunCompleted" and e.run_id == clock.run_id for e in events)
    names = [e.tool.tool_name for e in events if e.event == "TeamToolCallCompleted"]
    assert names == ["create_task", "execute_task"]


async def test_cancelling_a_tasks_run_cancels_the_executing_members(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, db: SqlDb, endpoint: str
) -> None:
    team = make_mode_team(db=db, mode=TeamMode.tasks, store_member_responses=True)
    mock_model.add_tool_calls(
        [
            ("create_task", {"title": "A", "assignee": "weather"}),
            ("create_task", {"title": "B", "assignee": "clock"}),
            ("execute_tasks_parallel", {"task_ids": ["t1", "t2"]}),
        ],
        model=LEADER,
    )
    reply(mock_model, "Late.", model=WEATHER_MODEL, latency=10.0)
    reply(mock_model, "Late.", model=CLOCK_MODEL, latency=10.0)
    run_id = f"tasks-{uuid.uuid4().hex[:12]}"
    task = asyncio.create_task(team.arun("Go.", run_id=run_id))
    await wait_for(lambda: len(mock_model.requests) == 3)

    assert await team.acancel_run(run_id) is True
    result = await asyncio.wait_for(task, 5.0)

    assert result.status is RunStatus.cancelled
    assert [m.status for m in result.member_responses] == [RunStatus.cancelled] * 2
    rows = await stored(db, result.session_id)
    assert {rows[m.run_id].status for m in result.member_responses} == {RunStatus.cancelled}


def test_task_dependencies_block_until_completed() -> None:
    tasks = TaskList(
        tasks=[Task(id="t1", title="a"), Task(id="t2", title="b", dependencies=["t1"])]
    )
    tasks.refresh()
    assert [t.status for t in tasks.tasks] == [TaskStatus.pending, TaskStatus.blocked]

    tasks.tasks[0].status = TaskStatus.completed
    tasks.refresh()
    assert tasks.tasks[1].status is TaskStatus.pending
    assert not tasks.all_terminal()

    tasks.tasks[1].status = TaskStatus.completed
    assert tasks.all_terminal()


async def test_tasks_deliver_the_leaders_text_with_the_shared_context(
    mock_model: MockOpenAI, make_mode_team: ModeTeamMaker, endpoint: str
) -> None:
    team = make_mode_team(
        mode=TeamMode.tasks, determine_input_for_members=False, share_member_interactions=True
    )
    plan_two(mock_model)
    leader(mock_model, "execute_task", {"task_id": "t1"})
    reply(mock_model, "Snowing.", model=WEATHER_MODEL)
    leader(mock_model, "execute_task", {"task_id": "t2"})
    reply(mock_model, "08:00.", model=CLOCK_MODEL)
    reply(mock_model, "Snowing at 08:00.")

    await team.arun("Oslo now?")

    [weather] = of_model(mock_model.requests, WEATHER_MODEL)
    [clock] = of_model(mock_model.requests, CLOCK_MODEL)
    assert user_of(weather) == "Weather in Oslo?"  # not the user's input
    assert user_of(clock).startswith("<member_interaction_context>")
    assert "Member: Weather\nTask: Weather in Oslo?\nResponse: Snowing." in user_of(clock)
    assert user_of(clock).endswith("Time in Oslo?")


def test_created_tasks_are_numbered_and_a_direct_one_has_agnos_id() -> None:
    ids = {new_task_id() for _ in range(5)}
    assert len(ids) == 5
    assert all(len(i) == 8 and int(i, 16) >= 0 for i in ids)
    assert len(Task(title="x").id) == 8
