"""Misuse gets one readable line, never a traceback from inside the plugin.

Each case runs in a fresh `pytester` project with no asyncio configuration (pytest-asyncio is
left out: the plugin runs the async tests itself, and pytest-asyncio's own deprecation warning
about its unset fixture loop scope stays out of the outcome counts).
"""

from __future__ import annotations

import socket

import pytest

NO_ASYNCIO = ("-p", "no:asyncio", "-p", "no:cacheprovider")


@pytest.fixture
def bare(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini("[pytest]\n")
    return pytester


def _no_plugin_traceback(result: pytest.RunResult) -> None:
    output = result.stdout.str()
    assert "Traceback" not in output
    assert "pytest_agno/" not in output.replace("pytest_agno/plugin.py:", "")


def test_a_wrong_marker_keyword_is_one_line(bare: pytest.Pytester) -> None:
    bare.makepyfile(
        """
        import pytest


        @pytest.mark.agno_perf(max_runtime=5)
        def test_typo(perf_eval):
            pass
        """
    )
    result = bare.runpytest(*NO_ASYNCIO)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "pytest_agno: invalid marker arguments: test_a_wrong_marker_keyword_is_one_line.py::"
            "test_typo: @pytest.mark.agno_perf: unknown argument(s) max_runtime; accepted: "
            "max_runtime_ms, *"
        ]
    )
    _no_plugin_traceback(result)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("ci", ["", "true"])
def test_pg_db_without_postgresql(
    bare: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    monkeypatch.setenv("AGNO_PG_URL", f"postgresql://nobody@127.0.0.1:{_closed_port()}/x")
    monkeypatch.setenv("CI", ci)
    bare.makepyfile(
        """
        def test_needs_postgres(pg_db):
            pass
        """
    )
    # A process of its own: psycopg's C extension raises the error classes of the psycopg module
    # it was first imported with, which an in-process run would import afresh.
    result = bare.runpytest_subprocess(*NO_ASYNCIO, "-rs")
    if ci:
        result.assert_outcomes(errors=1)
        result.stdout.fnmatch_lines(
            [
                "____* ERROR at setup of test_needs_postgres *___",
                "PostgreSQL is required on CI: cannot use nobody@127.0.0.1:*: connection failed: "
                "* Is the server running on that host *",
                "===* 1 error in *",
            ]
        )
    else:
        result.assert_outcomes(skipped=1)
        result.stdout.fnmatch_lines(["SKIPPED * PostgreSQL unavailable: *127.0.0.1*"])
    _no_plugin_traceback(result)


def test_perf_eval_that_would_block_the_loop_is_one_line(bare: pytest.Pytester) -> None:
    bare.makepyfile(
        """
        async def test_blocks(perf_eval, agent):
            perf_eval(lambda: agent.run("hi"), num_iterations=2)
        """
    )
    result = bare.runpytest(*NO_ASYNCIO)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "perf_eval(...) on a function inside an async test would block the test's event "
            "loop for the whole eval: use `await perf_eval.arun(...)`, *"
        ]
    )
    _no_plugin_traceback(result)


def test_unused_replies_are_named_in_a_warning_at_teardown(bare: pytest.Pytester) -> None:
    bare.makepyfile(
        """
        async def test_scripts_too_much(agent, mock_model):
            mock_model.add_text("Paris.")
            mock_model.add_tool_call("get_weather", {"city": "Paris"})
            mock_model.add_text("Sunny.", times=3)
            assert (await agent.arun("hi")).content == "Paris."


        async def test_uses_everything(agent, mock_model):
            mock_model.add_text("Paris.")
            await agent.arun("hi")


        def test_opted_out(mock_model):
            mock_model.warn_unused = False
            mock_model.add_text("never asked")
        """
    )
    # A process of its own: this session's "warnings are errors" would reach an in-process run.
    result = bare.runpytest_subprocess(*NO_ASYNCIO)
    result.assert_outcomes(passed=3, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "*test_scripts_too_much*",
            "*UnusedRepliesWarning: mock_model: 2 scripted replies never used: "
            "tool_calls get_weather; text 'Sunny.' x3 (script only what the test uses, *",
        ]
    )
    # Under -W error it fails that test at teardown, in one line.
    strict = bare.runpytest(*NO_ASYNCIO, "-W", "error::pytest_agno.UnusedRepliesWarning")
    strict.assert_outcomes(passed=3, errors=1)
    strict.stdout.fnmatch_lines(
        ["E   pytest_agno.UnusedRepliesWarning: mock_model: 2 scripted replies never used: *"]
    )


def test_a_test_that_failed_gets_no_unused_replies_error_on_top(
    agno_pytester: pytest.Pytester,
) -> None:
    # Under warnings-as-errors a test that failed before using its script was also reported
    # as an ERROR at teardown ("2 scripted replies never used"): one problem counted twice.
    agno_pytester.makepyfile(
        """
        import pytest


        async def test_fails_first(agent, mock_model):
            mock_model.add_text("one")
            mock_model.add_text("two")
            assert False, "the test's own failure"


        def test_skips_midway(mock_model):
            mock_model.add_text("one")
            pytest.skip("not today")


        @pytest.mark.xfail(reason="known", strict=True)
        def test_xfails(agent, mock_model):
            mock_model.add_text("one")
            mock_model.add_text("two")
            agent.run("hi")
            raise RuntimeError("known")


        def test_passes_with_replies_left(agent, mock_model):
            mock_model.add_text("one")
            mock_model.add_text("two")
            agent.run("hi")
        """
    )

    result = agno_pytester.runpytest("-p", "no:cacheprovider")

    # the passing test still fails at teardown on its unused reply (filterwarnings = error)
    result.assert_outcomes(failed=1, skipped=1, xfailed=1, passed=1, errors=1)
    result.stdout.fnmatch_lines(["ERROR *::test_passes_with_replies_left*"])
    errors = [line for line in result.stdout.lines if line.startswith("E ")]
    unused = [line for line in errors if "UnusedRepliesWarning" in line]
    assert len(unused) == 1 and "1 scripted reply never used" in unused[0], errors
