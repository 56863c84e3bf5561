"""Async tests that use the plugin's fixtures run with no asyncio configuration at all.

Every project here is a `pytester` project with an ini of its own that says nothing about asyncio
(our pyproject's ``asyncio_mode = auto`` is not inherited: the control test proves it). The
deprecation warning pytest-asyncio prints when its fixture loop scope is unset is pytest-asyncio's
own, so these projects do not turn warnings into errors; outcomes are asserted exactly.
"""

from __future__ import annotations

import pytest

# An in-process run's configure-time warning (pytest-asyncio's, about its unset fixture loop
# scope) reaches this session, which turns warnings into errors.
pytestmark = pytest.mark.filterwarnings(
    "ignore:The configuration option .asyncio_default_fixture_loop_scope. is unset"
)

SUITE = """
import asyncio

import pytest

LOOPS = []


async def test_agent_runs(agent, mock_model):
    mock_model.add_text("Paris.")
    result = await agent.arun("Capital of France?")
    assert result.content == "Paris."
    LOOPS.append(asyncio.get_running_loop())


@pytest.fixture
async def greeted(agent):
    result = await agent.arun("hi")
    yield result
    assert (await agent.arun("bye")).content == "Mock reply."


async def test_async_fixture_on_the_plugin(greeted, mock_model):
    assert greeted.content == "Mock reply."
    LOOPS.append(asyncio.get_running_loop())


class TestInAClass:
    @pytest.mark.parametrize("n", [1, 2])
    async def test_team_runs(self, team, n):
        assert (await team.arun("hi")).content == "Mock reply."


def test_each_test_had_a_loop_of_its_own():
    assert len(LOOPS) == 2 and LOOPS[0] is not LOOPS[1]


def test_sync_tests_are_untouched(agent):
    assert agent.run("hi").content == "Mock reply."


async def test_without_the_plugin_is_left_alone():
    pass
"""

ALONE = "test_without_the_plugin_is_left_alone"
NOT_SUPPORTED = "*async def functions are not natively supported*"


@pytest.fixture
def bare(pytester: pytest.Pytester) -> pytest.Pytester:
    """A fresh project: an ini with no asyncio settings, the suite above."""
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(test_suite=SUITE)
    return pytester


def _assert_plugin_tests_ran(result: pytest.RunResult, *, alone_fails: bool = True) -> None:
    if alone_fails:
        result.assert_outcomes(passed=6, failed=1)
        result.stdout.fnmatch_lines([f"FAILED test_suite.py::{ALONE} - Failed: async d*"])
    else:
        result.assert_outcomes(passed=7)


def test_control_other_async_tests_still_fail(bare: pytest.Pytester) -> None:
    # Proves the project has no asyncio auto mode from anywhere: an async test that uses none
    # of the plugin's fixtures fails the way a new user's does.
    result = bare.runpytest("-p", "no:cacheprovider", "-k", "alone")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([NOT_SUPPORTED])


def test_pytest_asyncio_strict_mode_by_default(bare: pytest.Pytester) -> None:
    result = bare.runpytest("-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["asyncio: mode=*STRICT*"])
    _assert_plugin_tests_ran(result)


def test_pytest_asyncio_strict_mode_given_explicitly(bare: pytest.Pytester) -> None:
    result = bare.runpytest("-p", "no:cacheprovider", "-o", "asyncio_mode=strict")
    _assert_plugin_tests_ran(result)


def test_pytest_asyncio_auto_mode(bare: pytest.Pytester) -> None:
    result = bare.runpytest("-p", "no:cacheprovider", "-o", "asyncio_mode=auto")
    _assert_plugin_tests_ran(result, alone_fails=False)  # auto mode runs it: not our doing


def test_without_pytest_asyncio(bare: pytest.Pytester) -> None:
    result = bare.runpytest("-p", "no:cacheprovider", "-p", "no:asyncio")
    assert "asyncio: mode" not in result.stdout.str()
    _assert_plugin_tests_ran(result)


def test_with_the_anyio_plugin(bare: pytest.Pytester) -> None:
    bare.makepyfile(
        test_anyio="""
        import asyncio

        import pytest


        @pytest.fixture
        def anyio_backend():
            return "asyncio"


        @pytest.mark.anyio
        async def test_anyio_runs_it(agent):
            assert (await agent.arun("hi")).content == "Mock reply."


        async def test_ours_runs_it(agent):
            assert (await agent.arun("hi")).content == "Mock reply."
        """
    )
    for extra in (("-p", "anyio"), ("-p", "anyio", "-p", "no:asyncio")):
        result = bare.runpytest("-p", "no:cacheprovider", *extra, "test_anyio.py", "-v")
        result.assert_outcomes(passed=2)
        result.stdout.fnmatch_lines(["*test_anyio_runs_it PASSED*", "*test_ours_runs_it PASSED*"])


@pytest.mark.parametrize("asyncio_plugin", ["asyncio", "no:asyncio"])
def test_under_xdist(bare: pytest.Pytester, asyncio_plugin: str) -> None:
    # Spread over two workers, the two tests that record their loops may not share a process:
    # the check that compares them is left out.
    result = bare.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "-p",
        asyncio_plugin,
        "-n",
        "2",
        "--deselect",
        "test_suite.py::test_each_test_had_a_loop_of_its_own",
    )
    result.stdout.fnmatch_lines(["*2 workers*"])
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines([f"FAILED test_suite.py::{ALONE}*"])


def test_an_explicit_loop_scope_wins(bare: pytest.Pytester) -> None:
    bare.makepyfile(
        test_scoped="""
        import asyncio

        import pytest

        LOOPS = []


        @pytest.mark.asyncio(loop_scope="module")
        async def test_one(agent):
            LOOPS.append(asyncio.get_running_loop())


        @pytest.mark.asyncio(loop_scope="module")
        async def test_two(agent):
            LOOPS.append(asyncio.get_running_loop())
            assert LOOPS[0] is LOOPS[1]  # one module loop, not one per test


        async def test_three(agent):
            assert asyncio.get_running_loop() is not LOOPS[0]
        """
    )
    result = bare.runpytest("-p", "no:cacheprovider", "test_scoped.py")
    result.assert_outcomes(passed=3)
