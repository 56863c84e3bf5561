"""The markers: agno_background, agno_cancel (three moments), and their argument checks."""

from __future__ import annotations

import pytest


def test_agno_background_runs_through_background_and_polling(
    agno_pytester: pytest.Pytester,
) -> None:
    agno_pytester.makepyfile(
        """
        import pytest
        from agno_core.agent import Agent
        from agno_core.models.openai import OpenAIChat
        from agno_core.run import RunStatus
        from agno_core.team import Team
        from pytest_agno import assert_background_parity, assert_metrics_consistent

        both_modes = pytest.mark.parametrize(
            "mode", ["direct", pytest.param("background", marks=pytest.mark.agno_background)]
        )


        @both_modes
        async def test_one_body_both_modes(agent, mode):
            out = await agent.arun("hi")
            assert isinstance(agent, Agent) and out.status is RunStatus.completed
            assert out.metrics.total_tokens == 20
            # a background run waited in the queue, and was read back from the db
            assert (out.metrics.queue_wait is not None) == (mode == "background")
            stored = await agent.aget_run_output(out.run_id, out.session_id)
            assert stored.metrics.total_tokens == 20


        @pytest.mark.agno_background(poll_interval=0.005, timeout=5)
        async def test_team_parity(team, mock_model, agno_db):
            for _ in range(2):
                mock_model.add_tool_call("delegate_task_to_member",
                                         {"member_id": "member", "task": "t"}, model="gpt-4o")
                mock_model.add_text("m", model="gpt-4o-mini", input_tokens=3, output_tokens=4)
                mock_model.add_text("done", model="gpt-4o")
            # the same team, built by hand, runs directly
            direct_team = Team(members=[Agent(name="Member", model=OpenAIChat(id="gpt-4o-mini"))],
                               model=OpenAIChat(id="gpt-4o"), db=agno_db,
                               store_member_responses=True)
            direct = await direct_team.arun("hi")
            background = await team.arun("hi")
            assert background.metrics.queue_wait is not None
            assert len(background.member_responses) == 1
            assert_metrics_consistent(direct)
            assert_metrics_consistent(background)
            assert_background_parity(direct, background)


        @pytest.mark.agno_background
        async def test_explicit_background_and_streams_pass_through(agent):
            snapshot = await agent.arun("hi", background=True)
            assert snapshot.status is RunStatus.pending
            events = [event async for event in agent.arun("hi", stream=True)]
            assert events


        @pytest.mark.agno_background
        def test_sync_run_goes_through_the_background_too(agent):
            out = agent.run("hi")
            assert out.status is RunStatus.completed and out.metrics.queue_wait is not None
        """
    )
    agno_pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=5)


def test_agno_background_times_out_with_a_clear_message(agno_pytester: pytest.Pytester) -> None:
    agno_pytester.makepyfile(
        """
        import pytest


        @pytest.mark.agno_background(timeout=0.05)
        async def test_slow(agent, mock_model):
            mock_model.add_text("late", latency=2)
            await agent.arun("hi")
        """
    )
    result = agno_pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*AssertionError: background run * is still * after 0.05 s*"])


def test_agno_cancel_each_moment_direct_and_in_background(agno_pytester: pytest.Pytester) -> None:
    agno_pytester.makepyfile(
        """
        import pytest
        from agno_core.run import RunStatus

        CASES = [
            ("before_start", RunStatus.cancelled, False, 0),
            ("during", RunStatus.cancelled, True, 1),
            ("after_completion", RunStatus.completed, False, 1),
        ]


        @pytest.mark.parametrize(
            "status, cancel_result, requests",
            [
                pytest.param(
                    status, result, requests,
                    marks=[pytest.mark.agno_cancel(when)]
                    + ([pytest.mark.agno_background] if background else []),
                    id=f"{when}-{'background' if background else 'direct'}",
                )
                for when, status, result, requests in CASES
                for background in (False, True)
            ],
        )
        async def test_agent(agent, cancel_scenario, mock_model, status, cancel_result, requests):
            out = await agent.arun("hi")
            assert out.status is status, out.error
            assert cancel_scenario.output is out and cancel_scenario.status is status
            assert cancel_scenario.run_id == out.run_id
            assert cancel_scenario.cancel_result is cancel_result
            assert len(mock_model.requests) == requests
            stored = await agent.aget_run_output(out.run_id, out.session_id)
            assert stored.status is status
            # only the first run is cancelled; the mock answers at once again
            again = await agent.arun("again")
            assert again.status is RunStatus.completed


        @pytest.mark.agno_cancel("during")
        async def test_team_during_with_a_scripted_slow_reply(team, cancel_scenario, mock_model):
            mock_model.add_text("partial", latency=5, model="gpt-4o")
            out = await team.arun("hi")
            assert out.status is RunStatus.cancelled and cancel_scenario.cancel_result is True


        @pytest.mark.agno_cancel(when="during")
        async def test_during_needs_the_reply_in_flight(agent, mock_model):
            mock_model.add_text("instant")
            await agent.arun("hi")


        def test_cancel_scenario_needs_the_marker(cancel_scenario):
            pass
        """
    )
    result = agno_pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=7, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_cancel_scenario_needs_the_marker*",
            "the cancel_scenario fixture needs @pytest.mark.agno_cancel(when=...) on the test",
            "*test_during_needs_the_reply_in_flight*",
            "agno_cancel(when='during'): run * completed before the cancel landed; give the "
            "scripted reply a latency*",
        ]
    )


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        (
            "agno_cancel",
            "when= must be one of 'before_start', 'during', 'after_completion', got nothing",
        ),
        ("agno_cancel(when='durring')", "got 'durring'"),
        ("agno_cancel('during', when='during')", "takes one moment"),
        ("agno_cancel(when='during', after=1)", "unknown argument(s) after"),
        ("agno_cancel(when='during', timeout=0)", "timeout must be greater than 0"),
        ("agno_background(timeout='soon')", "timeout must be a number, not 'soon'"),
        ("agno_background(5)", "takes keyword arguments only"),
        ("agno_background(interval=1)", "unknown argument(s) interval; accepted: poll_interval"),
        ("agno_perf(max_growth=1)", "unknown argument(s) max_growth"),
        ("agno_perf(max_runtime_ms=-1)", "max_runtime_ms must be greater than 0"),
        ("agno_perf(num_iterations=1.5)", "num_iterations must be an integer of at least 1"),
        ("agno_perf(max_regression=True)", "max_regression must be a number"),
    ],
)
def test_invalid_marker_arguments_fail_the_test_before_it_runs(
    agno_pytester: pytest.Pytester, marker: str, message: str
) -> None:
    agno_pytester.makepyfile(
        f"""
        import pytest

        RAN = []


        @pytest.mark.{marker}
        def test_marked():
            RAN.append(1)


        def test_unmarked():
            assert not RAN
        """
    )
    result = agno_pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    name = marker.split("(")[0]
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_marked*",
            "pytest_agno: invalid marker arguments: "
            f"test_invalid_marker_arguments_fail_the_test_before_it_runs.py::test_marked: "
            f"@pytest.mark.{name}: *",
        ]
    )
    assert message in result.stdout.str()
    assert "Traceback" not in result.stdout.str()


def test_markers_are_registered(agno_pytester: pytest.Pytester) -> None:
    result = agno_pytester.runpytest("--markers", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(
        [
            "@pytest.mark.agno_background(poll_interval=0.01, timeout=30.0): *",
            "@pytest.mark.agno_cancel(when, timeout=10.0): *",
            "@pytest.mark.agno_perf(max_runtime_ms=*",
        ]
    )


def test_an_agno_cancel_that_never_cancelled_fails_the_test(
    agno_pytester: pytest.Pytester,
) -> None:
    agno_pytester.makepyfile(
        """
        import pytest
        from agno_core.agent import Agent
        from agno_core.models.openai import OpenAIChat


        @pytest.mark.agno_cancel("before_start")
        async def test_own_agent_only(agno_db):
            agent = Agent(model=OpenAIChat(id="gpt-4o-mini"), db=agno_db)
            await agent.arun("hi")  # not the fixtures' agent: the marker has nothing to cancel


        @pytest.mark.agno_cancel(when="after_completion")
        async def test_streamed_only(agent):
            [event async for event in agent.arun("hi", stream=True)]


        @pytest.mark.agno_cancel(when="during")
        def test_no_run_at_all():
            pass


        @pytest.mark.agno_cancel(when="during")
        def test_failing_for_its_own_reason(agent):
            assert False, "its own failure"


        @pytest.mark.agno_cancel("after_completion")
        async def test_cancelled(agent, cancel_scenario):
            await agent.arun("hi")
            assert cancel_scenario.cancel_result is False
        """
    )
    result = agno_pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=4)
    never = (
        "never cancelled anything: the test made no run it applies to, i.e. a first `await "
        "x.arun(...)` or `x.run(...)` (not streamed, without background=) of the agent/team "
        "fixtures or of what agent_factory/team_factory built"
    )
    result.stdout.fnmatch_lines(
        [
            "*_ test_own_agent_only _*",
            f"@pytest.mark.agno_cancel(when='before_start') {never}",
            "*_ test_streamed_only _*",
            f"@pytest.mark.agno_cancel(when='after_completion') {never}",
            "*_ test_no_run_at_all _*",
            f"@pytest.mark.agno_cancel(when='during') {never}",
            "*_ test_failing_for_its_own_reason _*",
            "E       AssertionError: its own failure",
        ]
    )
    # Counted in the failure sections (with CI=true, pytest's summary repeats each message).
    failures = result.stdout.str().split("short test summary info")[0]
    assert failures.count("never cancelled anything") == 3
