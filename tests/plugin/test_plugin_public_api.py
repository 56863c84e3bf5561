"""The public API: `pytest_agno.__all__` is the documented list, and nothing public is private.

Also what `pytest --fixtures` and `pytest --markers` say about the plugin's pieces.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import pytest_agno
from agno_core.eval.performance import PerformanceEval
from pytest_agno import plugin
from pytest_agno.mock import _cassette_options
from pytest_agno.perf import _gates, _keywords
from pytest_agno.perf._markers import PERF_KEYWORDS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def _documented_names() -> list[str]:
    section = README.split("### Public API (`from pytest_agno import ...`)", 1)[1]
    section = section.split("\n### ", 1)[0]
    return re.findall(r"^- `(\w+)`", section, flags=re.M)


def _private_modules() -> list[str]:
    """Every private module of the package, in its subpackages too (``pytest_agno.mock._wire``)."""
    return [
        info.name
        for info in pkgutil.walk_packages(pytest_agno.__path__, "pytest_agno.")
        if any(part.startswith("_") for part in info.name.split(".")[1:])
        and not info.name.endswith("__main__")
    ]


def test_all_is_the_documented_list() -> None:
    documented = _documented_names()
    assert len(documented) == len(set(documented))
    assert sorted(pytest_agno.__all__) == sorted(documented)
    for name in pytest_agno.__all__:
        value = getattr(pytest_agno, name)
        assert value is not None
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__doc__, f"{name} has no docstring"
    assert set(pytest_agno.__all__) <= set(dir(pytest_agno))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'MockOpenAi'"):
        _ = pytest_agno.MockOpenAi  # type: ignore[attr-defined]


def test_user_facing_code_never_imports_a_private_module() -> None:
    sources = [README, *(path.read_text() for path in (ROOT / "examples").rglob("*.py"))]
    for text in sources:
        assert not re.search(r"pytest_agno\._\w+", text)


def _named_types(annotation: object) -> set[str]:
    return set(re.findall(r"[A-Za-z_]\w*", str(annotation)))


def _public_classes_in_private_modules() -> dict[str, object]:
    found: dict[str, object] = {}
    for name in _private_modules():
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if inspect.isclass(value) and value.__module__ == name and not attr.startswith("_"):
                found[attr] = value
    return found


def test_every_type_a_user_gets_is_exported() -> None:
    """The types fixtures return, and public methods of exported classes return or take.

    Constructors are left out: the fixtures build `PerfEval` and the mock builds `Reply`.
    """
    reachable: set[str] = set()
    for name in dir(plugin):
        fixture = getattr(plugin, name)
        wrapped = getattr(fixture, "_get_wrapped_function", None)
        if wrapped is not None:
            reachable |= _named_types(wrapped().__annotations__.get("return", ""))
    for name in pytest_agno.__all__:
        value = getattr(pytest_agno, name)
        if not inspect.isclass(value):
            continue
        for attr, member in vars(value).items():
            if attr.startswith("_") and attr not in ("__call__", "__enter__"):
                continue
            function = member.fget if isinstance(member, property) else member
            for annotation in getattr(function, "__annotations__", {}).values():
                reachable |= _named_types(annotation)
    private_classes = _public_classes_in_private_modules()
    assert {"MockOpenAI", "Reply", "RecordedRequest", "PerfEval"} <= reachable
    missing = sorted(
        name for name in reachable & set(private_classes) if name not in pytest_agno.__all__
    )
    assert missing == [], missing


def test_importing_the_package_stays_light() -> None:
    code = (
        "import sys, pytest_agno\n"
        "heavy = [m for m in ('httpx', 'openai', 'agno_core', 'sqlalchemy') "
        "if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "pytest_agno.MockOpenAI\n"
        "assert 'httpx' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_fixture_has_a_documented_first_paragraph(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")
    result = pytester.runpytest("--fixtures", "-p", "no:asyncio", "-p", "no:cacheprovider")
    lines = result.stdout.lines
    fixtures = [
        "mock_model",
        "sqlite_db",
        "pg_db",
        "agno_db",
        "agent_factory",
        "agent",
        "team_factory",
        "team",
        "cancel_scenario",
        "perf_eval",
        "agno_pg_server",
        "agno_pg_pool",
        "agno_pg_tables_pool",
        "pg_url",
        "agno_sqlite_template",
    ]
    for name in fixtures:
        [index] = [i for i, line in enumerate(lines) if line.startswith(f"{name} ")]
        assert "pytest_agno" in lines[index], lines[index]
        doc = lines[index + 1].strip()
        assert doc and "no docstring available" not in doc, (name, doc)


def test_every_marker_documents_its_keywords(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")
    result = pytester.runpytest("--markers", "-p", "no:asyncio", "-p", "no:cacheprovider")
    text = result.stdout.str()
    [background] = re.findall(r"@pytest\.mark\.agno_background\(.*", text)
    [cancel] = re.findall(r"@pytest\.mark\.agno_cancel\(.*", text)
    [perf] = re.findall(r"@pytest\.mark\.agno_perf\(.*", text)
    assert background.startswith("@pytest.mark.agno_background(poll_interval=0.01, timeout=30.0)")
    assert cancel.startswith("@pytest.mark.agno_cancel(when, timeout=10.0)")
    for keyword in ("before_start", "during", "after_completion"):
        assert keyword in cancel
    signature = perf.split(")", 1)[0]
    for keyword in PERF_KEYWORDS:
        assert f"{keyword}=" in signature, keyword
    [cassette] = re.findall(r"@pytest\.mark\.agno_cassette\(.*", text)
    for keyword in _cassette_options._KEYWORDS:
        assert f"{keyword}=" in cassette.split("): ", 1)[0], keyword


def test_the_marker_keywords_are_the_parsers_and_the_gates() -> None:
    # The help lines are plain names (cheap to import on every start); the parsers use them.
    assert tuple(_gates.GATES) == _keywords.GATE_KEYWORDS
    accepted = set(inspect.signature(PerformanceEval).parameters)
    assert set(_keywords.INT_EVAL_ARGS) | set(_keywords.BOOL_EVAL_ARGS) <= accepted


def test_an_unknown_perf_eval_argument_lists_every_accepted_one(
    perf_eval: pytest_agno.PerfEval,
) -> None:
    with pytest.raises(TypeError) as error:
        perf_eval(lambda: None, max_runtime=5)  # type: ignore[arg-type]

    message = str(error.value)
    assert message.startswith("perf_eval(): unknown argument(s) max_runtime; accepted: ")
    accepted = message.split("accepted: ", 1)[1].split(", ")
    own = [
        name
        for name, parameter in inspect.signature(perf_eval.__call__).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    assert own == ["name", "expect_errors"]
    assert accepted == [*own, *PERF_KEYWORDS]
