"""Without the ``[pytest]`` extra (pytest, httpx), what needs it says so in one line.

The base install (``pip install agno-core``) brings the openai SDK, which on its 3.x line sends
through httpx2 and brings no httpx; pytest comes only with the extra. Each case runs in a fresh
interpreter in which the missing module cannot be imported (``sys.modules[name] = None``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HINT = "pip install 'agno-core[pytest]'"


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, check=False
    )


def test_the_merge_command_without_pytest(tmp_path: Path) -> None:
    report = tmp_path / "a.json"
    report.write_text("{}")
    completed = _python(
        "import sys\n"
        "sys.modules['pytest'] = None\n"
        "from pytest_agno.__main__ import main\n"
        f"raise SystemExit(main(['merge', {str(report)!r}]))\n",
        tmp_path,
    )

    assert completed.returncode == 2
    assert completed.stderr == f"pytest_agno: pytest is not installed: {HINT}\n"


def test_importing_the_mock_without_httpx(tmp_path: Path) -> None:
    completed = _python(
        "import sys\n"
        "sys.modules['httpx'] = None\n"
        "import pytest_agno\n"
        "try:\n"
        "    pytest_agno.MockOpenAI\n"
        "except ModuleNotFoundError as error:\n"
        "    print(error.name, error)\n",
        tmp_path,
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == (
        f"httpx pytest_agno.MockOpenAI needs httpx, which is not installed: {HINT}\n"
    )


def test_the_mock_model_fixture_without_httpx(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")
    pytester.makeconftest("import sys\n\nsys.modules['httpx'] = None\n")
    pytester.makepyfile("def test_mock(mock_model):\n    pass\n")

    # respx's own pytest plugin imports httpx before the conftest runs: leave it out
    result = pytester.runpytest_subprocess("-p", "no:respx", "-p", "no:asyncio")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [f"pytest_agno: mock_model needs httpx, which is not installed: {HINT}"]
    )
    assert "Traceback" not in result.stdout.str()
    assert "During handling" not in result.stdout.str()
