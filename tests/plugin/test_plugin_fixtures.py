"""The fixtures: agent/team and their factories, and perf_eval with its gates."""

from __future__ import annotations

import pytest


def test_agent_team_and_factories_run_on_the_mock(agno_pytester: pytest.Pytester) -> None:
    agno_pytester.makepyfile(
        """
        from agno_core.agent import Agent
        from agno_core.run import RunStatus
        from agno_core.team import Team


        async def test_agent(agent, mock_model):
            out = await agent.arun("hi")
            assert type(agent) is Agent and agent.name == "Test Agent"
            assert out.status is RunStatus.completed and out.content == "Mock reply."
            assert out.metrics.total_tokens == 20
            assert mock_model.requests[0].model == "gpt-4o-mini"


        async def test_team(team, mock_model):
            mock_model.add_tool_call(
                "delegate_task_to_member", {"member_id": "member", "task": "t"}, model="gpt-4o"
            )
            mock_model.add_text("member says", model="gpt-4o-mini")
            mock_model.add_text("team says", model="gpt-4o")
            out = await team.arun("hi")
            assert type(team) is Team and out.content == "team says"
            [member] = out.member_responses
            assert member.content == "member says"


        def test_factories_take_any_argument(agent_factory, team_factory, agno_db):
            agent = agent_factory(name="Custom", instructions="Be brief.")
            team = team_factory(members=[agent], name="Crew")
            assert agent.db is agno_db and team.db is agno_db
            assert team.members == [agent] and team.store_member_responses
            assert agent.run("hi").content == "Mock reply."
        """
    )
    agno_pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=3)


def test_fixtures_are_documented(agno_pytester: pytest.Pytester) -> None:
    result = agno_pytester.runpytest("--fixtures", "-p", "no:cacheprovider")
    for name in (
        "mock_model",
        "agno_db",
        "pg_db",
        "agent_factory",
        "agent",
        "team_factory",
        "team",
        "cancel_scenario",
        "perf_eval",
    ):
        home = "_db_fixtures.py" if name == "pg_db" else "plugin.py"
        result.stdout.fnmatch_lines([f"{name} -- *pytest_agno*{home}:*"])
    result.stdout.fnmatch_lines(["*Measure a function with `PerformanceEval`*"])


def test_perf_eval_sync_and_async_return_results(agno_pytester: pytest.Pytester) -> None:
    agno_pytester.makepyfile(
        """
        from agno_core.eval.performance import PerformanceResult


        def test_sync(perf_eval):
            result = perf_eval(lambda: sum(range(100)), num_iterations=3, warmup_runs=0)
            assert isinstance(result, PerformanceResult)
            assert result.name == "<lambda>" and len(result.run_times) == 3
            assert perf_eval.results == [result]


        def test_sync_measures_an_async_function(perf_eval):
            async def work():
                return 1

            result = perf_eval(work, num_iterations=2, warmup_runs=0, measure_memory=False)
            assert result.name == "work" and len(result.run_times) == 2


        async def test_async(perf_eval, agent):
            result = await perf_eval.arun(
                lambda: agent.arun("hi"), name="agent run", num_iterations=2, warmup_runs=0
            )
            assert result.name == "agent run" and len(result.memory_usages) == 2


        def test_names_are_unique_within_a_test(perf_eval):
            def f():
                pass

            first = perf_eval(f, num_iterations=1, warmup_runs=0, measure_memory=False)
            second = perf_eval(f, num_iterations=1, warmup_runs=0, measure_memory=False)
            assert (first.name, second.name) == ("f", "f#2")
        """
    )
    agno_pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=4)


def test_perf_eval_fails_with_metric_limit_measured_and_growth_site(
    agno_pytester: pytest.Pytester,
) -> None:
    agno_pytester.makepyfile(
        """
        LEAK = []


        def leaky():
            LEAK.append(bytearray(40_000))


        def test_leak(perf_eval):
            perf_eval(leaky, num_iterations=3, warmup_runs=0, max_growth_kib=8,
                      measure_runtime=False)


        def test_slow(perf_eval):
            perf_eval(lambda: sum(range(1000)), num_iterations=3, warmup_runs=0,
                      max_runtime_ms=1e-9, measure_memory=False)
        """
    )
    result = agno_pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*PerfGateError: perf_eval 'leaky' crossed 1 gate:",
            "*memory growth per iteration: limit 8 KiB, measured 3[89].* KiB (max_growth_kib)",
            "*top growth site: *test_perf_eval_fails_with_metric_limit_measured_and_growth_site"
            ".py:5 +117.* KiB*",
            "*PerfGateError: perf_eval '<lambda>' crossed 1 gate:",
            "*median runtime: limit 1e-09 ms, measured * ms (max_runtime_ms)",
        ]
    )


def test_perf_gate_error_carries_the_result(agno_pytester: pytest.Pytester) -> None:
    agno_pytester.makepyfile(
        """
        import pytest
        from pytest_agno import PerfGateError

        LEAK = []


        def test_leak_is_caught(perf_eval):
            with pytest.raises(PerfGateError) as caught:
                perf_eval(lambda: LEAK.append(bytearray(20_000)), num_iterations=3,
                          warmup_runs=0, max_growth_kib=4, measure_runtime=False)
            assert caught.value.result.avg_growth_per_iteration > 19_000
            assert caught.value.failures[0].startswith("memory growth per iteration")
        """
    )
    agno_pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_perf_eval_rejects_bad_keywords_and_a_blocking_call(agno_pytester: pytest.Pytester) -> None:
    agno_pytester.makepyfile(
        """
        import pytest


        def f():
            pass


        @pytest.mark.parametrize(
            "kwargs, message",
            [
                ({"max_runtime": 3}, "unknown argument(s) max_runtime"),
                ({"max_peak_mib": -1}, "max_peak_mib must be greater than 0"),
                ({"num_iterations": 0}, "num_iterations must be an integer of at least 1"),
                ({"memory_growth_tracking": "yes"}, "must be True or False"),
                (
                    {"max_growth_kib": 1, "memory_growth_tracking": False},
                    "max_growth_kib needs memory_growth_tracking",
                ),
                ({"max_runtime_ms": 1, "measure_runtime": False}, "needs measure_runtime"),
            ],
        )
        def test_bad(perf_eval, kwargs, message):
            with pytest.raises(TypeError, match="perf_eval") as caught:
                perf_eval(f, **kwargs)
            assert message in str(caught.value)


        async def test_sync_call_of_async_func_in_async_test(perf_eval):
            async def work():
                pass

            with pytest.raises(pytest.fail.Exception, match="await perf_eval.arun"):
                perf_eval(work)
        """
    )
    agno_pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=7)


def test_agno_perf_marker_sets_defaults_that_calls_override(agno_pytester: pytest.Pytester) -> None:
    agno_pytester.makepyfile(
        """
        import pytest
        from pytest_agno import PerfGateError

        LEAK = []


        @pytest.mark.agno_perf(num_iterations=2, warmup_runs=0, max_growth_kib=4,
                               measure_runtime=False)
        def test_marker_gate_applies(perf_eval):
            with pytest.raises(PerfGateError, match="max_growth_kib"):
                perf_eval(lambda: LEAK.append(bytearray(20_000)))
            assert len(perf_eval.results[0].growth_per_iteration) == 2


        @pytest.mark.agno_perf(num_iterations=2, warmup_runs=0, max_growth_kib=4,
                               measure_runtime=False)
        def test_call_overrides_marker(perf_eval):
            result = perf_eval(lambda: LEAK.append(bytearray(20_000)), max_growth_kib=1000,
                               num_iterations=3)
            assert len(result.growth_per_iteration) == 3
        """
    )
    agno_pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_mock_model_sets_a_dummy_key_only_for_its_test(
    agno_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    agno_pytester.makepyfile(
        """
        import os

        import pytest


        @pytest.fixture
        def key_after():
            yield
            assert "OPENAI_API_KEY" not in os.environ  # put back by mock_model's teardown


        async def test_without_a_key(key_after, agent):
            assert os.environ["OPENAI_API_KEY"] == "sk-agno-mock-key"
            assert (await agent.arun("hi")).content == "Mock reply."


        def test_next_test_has_no_key():
            assert "OPENAI_API_KEY" not in os.environ
        """
    )
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    agno_pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)
    monkeypatch.setenv("OPENAI_API_KEY", "")  # empty counts as none, and is put back as found
    agno_pytester.makepyfile(
        test_empty="""
        import os


        def test_key(mock_model):
            assert os.environ["OPENAI_API_KEY"] == "sk-agno-mock-key"


        def test_after():
            assert os.environ["OPENAI_API_KEY"] == ""
        """
    )
    agno_pytester.runpytest("-p", "no:randomly", "test_empty.py").assert_outcomes(passed=2)
