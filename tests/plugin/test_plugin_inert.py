"""A suite that does not use the plugin sees nothing of it; the public surface stays as declared."""

from __future__ import annotations

import pytest

HEAVY = ("agno_core", "openai", "httpx", "respx", "sqlalchemy", "aiosqlite", "psycopg", "pydantic")
# All of pytest_agno a suite that uses none of it loads: the plugin, the modules that define its
# fixtures, and the marker help lines (the parsers, the perf engine and the report stay out).
IDLE_MODULES = [
    "pytest_agno",
    "pytest_agno._asyncio_support",
    "pytest_agno._plugin_markers",
    "pytest_agno._plugin_options",
    "pytest_agno._sqlite_fixtures",
    "pytest_agno.perf",
    "pytest_agno.perf._keywords",
    "pytest_agno.plugin",
    "pytest_agno.postgres",
    "pytest_agno.postgres._db_fixtures",
    "pytest_agno.postgres._fixtures",
]


def test_plain_suite_imports_nothing_heavy_and_prints_nothing(
    agno_pytester: pytest.Pytester,
) -> None:
    pytester = agno_pytester
    pytester.makeconftest(
        f"""
        import sys


        def pytest_collection_finish(session):
            loaded = sorted(
                name for name in sys.modules if name.split(".")[0] in {HEAVY!r}
            )
            assert not loaded, loaded
        """
    )
    pytester.makepyfile(
        f"""
        import sys

        import pytest


        @pytest.mark.parametrize("n", range(3))
        def test_plain(n, tmp_path):
            assert "pytest_agno.plugin" in sys.modules  # loaded, and idle
            ours = sorted(name for name in sys.modules if name.startswith("pytest_agno"))
            assert ours == {IDLE_MODULES!r}
        """
    )
    # respx registers its own pytest plugin, which imports httpx: leave it out of the count
    result = pytester.runpytest_subprocess("-p", "no:respx", "-p", "no:cacheprovider", "-rA")
    result.assert_outcomes(passed=3)
    output = (result.stdout.str() + result.stderr.str()).lower()
    lines = [line for line in output.splitlines() if "agno" in line and "plugins:" not in line]
    assert lines == []


def test_options_have_a_group_and_help(agno_pytester: pytest.Pytester) -> None:
    result = agno_pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "agno_core agent testing:",
            "  --agno-pg-url=AGNO_PG_URL",
            "*--agno-db=*",
            "  --agno-eval * Report every perf_eval and the agent/team run metrics*",
            "  --agno-eval-json=PATH",
            "  --agno-eval-html=PATH",
            "  --agno-eval-dir=DIR *",
            "  --agno-eval-save=NAME",
            "  --agno-eval-compare=NAME|PATH",
            "  --agno-eval-fail=EXPR",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "  agno_eval (bool): * Default for --agno-eval.",
            "  agno_eval_json (string):",
            "  * Default for --agno-eval-json.",
            "  agno_eval_fail (string):",
        ]
    )


def test_fixtures_listing_has_no_empty_section(agno_pytester: pytest.Pytester) -> None:
    # `pytest --fixtures` heads each defining module with a rule and hides private fixtures:
    # a module defining only the private event-loop fixture showed a header with nothing under.
    result = agno_pytester.runpytest("--fixtures")

    lines = [line for line in result.stdout.lines if line.strip()]
    headers = [i for i, line in enumerate(lines) if "fixtures defined from pytest_agno" in line]
    assert len(headers) >= 3
    for index in headers:
        assert "fixtures defined from" not in lines[index + 1], lines[index]
    result.stdout.fnmatch_lines(["*fixtures defined from pytest_agno.plugin*", "mock_model -- *"])
