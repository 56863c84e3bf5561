"""The architecture, written down and checked (see ARCHITECTURE.md).

The import graph of `agno_core` and `pytest_agno` is read from the source with `ast`: every
import counts, at module level, inside functions (lazy) and under ``if TYPE_CHECKING:``, because
a reader has to follow each of them. The tests fail on an import cycle, on an arrow between two
parts of a package that the tables below do not allow, and on a private name used across
packages (or from `examples/` and `benchmarks/`, which show users what to import).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("agno_core", "pytest_agno")

# pytest_agno: each subpackage, and what it may import of its siblings. The package's own
# `__init__` is the public facade; `plugin` is the hook layer that wires everything.
PYTEST_AGNO_ALLOWED: dict[str, set[str]] = {
    "mock": set(),
    "stubs": set(),
    "postgres": set(),
    "report": set(),
    "perf": {"report"},
    "scenarios": {"perf", "mock"},
    # the package facade re-exports every part's public names (mock, stubs, postgres lazily)
    "__init__": {"mock", "stubs", "postgres", "perf", "report", "scenarios"},
    # ``python -m pytest_agno merge ...``: merges --agno-eval-json reports (report, perf's rules)
    "__main__": {"perf", "report"},
    # the hook layer's own helpers: zero-config asyncio, and the per-test SQLite databases
    "_asyncio_support": set(),
    "_sqlite_fixtures": set(),
    # the options and pytest_configure (cassette ini checks, eval settings, the report session)
    "_plugin_options": {"mock", "perf", "report"},
    # marker checks and the scenario markers' run plan (the parsers, the cassette options)
    "_plugin_markers": {"mock", "perf", "scenarios"},
    "plugin": {
        "mock",
        "stubs",
        "postgres",
        "report",
        "perf",
        "scenarios",
        "_asyncio_support",
        "_plugin_markers",
        "_plugin_options",
        "_sqlite_fixtures",
    },
}

# agno_core, bottom to top: which modules form each layer (longest prefix wins) and what each
# layer may import. `run.records` is the run's data (status, output, events, end listeners) that
# storage writes; the run engine is `run`'s private machinery plus the runner that drives it.
AGNO_CORE_LAYERS: dict[str, tuple[str, ...]] = {
    "base": (
        "agno_core",
        "agno_core._sync",
        "agno_core._logging",
        "agno_core.metrics",
        "agno_core.exceptions",
        "agno_core.memory",
        "agno_core.settings",
        "agno_core.hooks",
        # The registry of Agno options accepted at their default only: read by the models and
        # the runners, it imports only the exceptions.
        "agno_core._unsupported",
    ),
    "tools": ("agno_core.tools",),
    "models": ("agno_core.models",),
    "run.records": (
        "agno_core.run",
        "agno_core.run.base",
        "agno_core.run._output",
        "agno_core.run._tool_execution",
        "agno_core.run._requirement",
        "agno_core.run.requirement",
        "agno_core.run._events",
        "agno_core.run.agent",
        "agno_core.run.team",
        "agno_core.run.hooks",
        "agno_core.run._options",
        "agno_core.run._input",
        "agno_core.run.messages",
        "agno_core.session",
        # Agno's module path for ToolExecution, a run record: an alias, not part of the models.
        "agno_core.models.response",
    ),
    "utils": ("agno_core.utils",),
    "db": ("agno_core.db",),
    # input checks over a run's input (records); the hook runner of the engine calls them
    "guardrails": ("agno_core.guardrails",),
    "run.engine": (
        "agno_core.run._settings",
        "agno_core.run._context",
        "agno_core.run._engine",
        "agno_core.run._start",
        "agno_core.run._model_loop",
        "agno_core.run._tool_steps",
        "agno_core.run._structured_output",
        "agno_core.run._finish",
        "agno_core.run._storage_view",
        "agno_core.run._tools",
        "agno_core.run._registry",
        "agno_core.run._scheduler",
        "agno_core.run.concurrency",
        "agno_core.run._persist",
        "agno_core.run.cancel",
        "agno_core._options",
        "agno_core._run_extras",
        "agno_core._runner",
        "agno_core._session_api",
        "agno_core._session_name",
        "agno_core._session_summary",
        "agno_core._run_tools",
        "agno_core._prompt",
        "agno_core._context_parts",
        "agno_core._history",
        "agno_core._session_state",
        "agno_core._past_sessions",
        "agno_core._history_tools",
        "agno_core._memory",
        "agno_core._agentic_memory",
        "agno_core.memory._manager",
        "agno_core.memory._search",
        "agno_core.memory.manager",
        "agno_core.tools.memory",
        "agno_core.run._run_hooks",
        "agno_core._session_ops",
        "agno_core._session_fork",
        "agno_core._callable_cache",
        "agno_core.run._followups",
        "agno_core.run._retry",
        "agno_core.run._output_model",
        "agno_core.run._event_factory",
        "agno_core.run._pause",
    ),
    "agent": ("agno_core.agent",),
    "team": ("agno_core.team",),
    "eval": ("agno_core.eval",),
}
AGNO_CORE_ALLOWED: dict[str, set[str]] = {
    "base": set(),
    "tools": {"base"},
    "models": {"base", "tools"},
    # tools: a paused tool call's user input fields (`UserInputField`, where Agno has it)
    "run.records": {"base", "tools", "models"},
    "utils": {"base", "run.records"},
    "db": {"base", "run.records"},
    "guardrails": {"base", "run.records"},
    "run.engine": {"base", "tools", "models", "run.records", "utils", "db", "guardrails"},
    # guardrails: the type of ``pre_hooks``/``post_hooks`` (a hook may be a guardrail object)
    "agent": {"base", "models", "db", "run.records", "run.engine", "guardrails"},
    "team": {"base", "tools", "models", "db", "run.records", "run.engine", "guardrails"},
    "eval": {"base", "tools", "models", "db", "run.records", "agent", "team"},
}


@dataclass(frozen=True, slots=True)
class Import:
    """One imported module (and name, for ``from m import name``) at a line of a file."""

    path: Path
    line: int
    module: str
    name: str | None


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_modules(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """``{dotted name: file}`` of every module of ``packages`` under ``root``."""
    return {
        _module_name(path, root): path
        for package in packages
        for path in sorted((root / package).rglob("*.py"))
    }


def imports(path: Path, module: str) -> Iterator[Import]:
    """Every import in a file, wherever it stands, with relative imports resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(path, node.lineno, alias.name, None)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                yield Import(path, node.lineno, base, alias.name)


def import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    """``{module: modules it imports}``, within ``packages`` only.

    ``from pkg import sub`` points at ``pkg.sub`` when that is a module, else at ``pkg``; a name
    beyond the known modules points at the closest module that holds it.
    """
    modules = source_modules(root, packages)

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = set()
        for item in imports(path, module):
            full = f"{item.module}.{item.name}" if item.name else item.module
            target = full if full in modules else resolve(item.module)
            if target is not None and target != module:
                targets.add(target)
        graph[module] = targets
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as ``[a, b, ..., a]``, or None when the graph has none."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path = [start]
        stack = [iter(sorted(graph[start]))]
        while stack:
            target = next(stack[-1], None)
            if target is None:
                stack.pop()
                done.add(path.pop())
            elif target in path:
                return [*path[path.index(target) :], target]
            elif target not in done:
                path.append(target)
                stack.append(iter(sorted(graph.get(target, ()))))
    return None


def _package_imports(package: str) -> Iterator[Import]:
    for module, path in source_modules(ROOT, (package,)).items():
        yield from imports(path, module)


def _where(item: Import) -> str:
    return f"{item.path.relative_to(ROOT)}:{item.line}"


def _pytest_agno_part(module: str) -> str:
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def _agno_core_layer(module: str) -> str | None:
    matches = [
        (len(prefix), layer)
        for layer, prefixes in AGNO_CORE_LAYERS.items()
        for prefix in prefixes
        if module == prefix or (module.startswith(prefix + ".") and "." in prefix)
    ]
    return max(matches)[1] if matches else None


def _arrows(package: str, part_of: dict[str, str]) -> Iterator[tuple[Import, str, str]]:
    """``(import, from part, to part)`` for every import between two parts of ``package``."""
    for module, path in source_modules(ROOT, (package,)).items():
        for item in imports(path, module):
            target = f"{item.module}.{item.name}" if item.name else item.module
            if not target.startswith(package + ".") and item.module != package:
                continue
            source_part, target_part = part_of.get(module), part_of.get(target)
            if target_part is None:  # `from pkg.sub import name`: the module is what counts
                target_part = part_of.get(item.module)
            if source_part is None or target_part is None or target_part == source_part:
                continue
            yield item, source_part, target_part


def _parts(package: str, part: Callable[[str], str | None]) -> dict[str, str]:
    """``{module: the part it belongs to}`` for the modules of ``package`` that have one."""
    named = {module: part(module) for module in source_modules(ROOT, (package,))}
    return {module: name for module, name in named.items() if name is not None}


def _private_use(item: Import) -> str | None:
    """Why an import from agno_core/pytest_agno is not public API, or None when it is."""
    if item.module.split(".")[0] not in PACKAGES:
        return None
    if any(part.startswith("_") for part in item.module.split(".")[1:]):
        return f"private module {item.module}"
    if item.name is None:
        return None
    if item.name.startswith("_"):
        return f"private name {item.module}.{item.name}"
    module = importlib.import_module(item.module)
    value = getattr(module, item.name, None)
    if value is None and importlib.util.find_spec(f"{item.module}.{item.name}") is not None:
        return None  # a public submodule
    exported = getattr(module, "__all__", None)
    if exported is not None and item.name not in exported and not _is_module(value):
        return f"{item.module}.{item.name} is not in {item.module}.__all__"
    return None


def _is_module(value: object) -> bool:
    return isinstance(value, ModuleType)


# -- the tests ---------------------------------------------------------------------------------


def test_no_import_cycle() -> None:
    cycle = find_cycle(import_graph(ROOT, PACKAGES))
    assert cycle is None, "import cycle: " + " -> ".join(cycle or ())


def test_the_graph_sees_lazy_and_type_only_imports(tmp_path: Path) -> None:
    package = tmp_path / "demo"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from demo import b\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .c import C\n"
    )
    (package / "c.py").write_text("def f():\n    from demo.a import x\n")
    graph = import_graph(tmp_path, ("demo",))
    assert graph == {
        "demo": set(),
        "demo.a": {"demo.b"},
        "demo.b": {"demo.c"},
        "demo.c": {"demo.a"},
    }
    assert find_cycle(graph) == ["demo.a", "demo.b", "demo.c", "demo.a"]
    (package / "c.py").write_text("import json\n")
    assert find_cycle(import_graph(tmp_path, ("demo",))) is None


def _layout(package: str) -> tuple[Callable[[str], str | None], dict[str, set[str]]]:
    """How ``package`` is cut into parts, and the arrows allowed between them."""
    if package == "agno_core":
        return _agno_core_layer, AGNO_CORE_ALLOWED
    return _pytest_agno_part, PYTEST_AGNO_ALLOWED


@pytest.mark.parametrize("package", PACKAGES)
def test_every_module_belongs_to_a_known_part(package: str) -> None:
    part, allowed = _layout(package)
    modules = source_modules(ROOT, (package,))
    unknown = sorted(module for module in modules if part(module) not in allowed)
    assert not unknown, f"place these modules in the tables above (and ARCHITECTURE.md): {unknown}"


@pytest.mark.parametrize("package", PACKAGES)
def test_parts_import_only_allowed_parts(package: str) -> None:
    part, allowed = _layout(package)
    wrong = [
        f"{_where(item)}: {source} imports {target} ({item.module})"
        for item, source, target in _arrows(package, _parts(package, part))
        if target not in allowed.get(source, set())
    ]
    assert not wrong, "\n".join(wrong)


def test_agno_core_imports_neither_the_plugin_nor_agno() -> None:
    wrong = [
        f"{_where(item)}: {item.module}"
        for item in _package_imports("agno_core")
        if item.module.split(".")[0] in ("pytest_agno", "agno")
    ]
    assert not wrong, "\n".join(wrong)


def test_pytest_agno_uses_only_public_agno_core_names() -> None:
    wrong = [
        f"{_where(item)}: {reason}"
        for item in _package_imports("pytest_agno")
        if item.module.startswith("agno_core") and (reason := _private_use(item))
    ]
    assert not wrong, "\n".join(wrong)


# Benchmarks that time an internal choice against its alternative (the measurement is the point):
# file -> the private modules it may name. Nothing else in benchmarks/ or examples/ may.
MEASURES_INTERNALS: dict[str, set[str]] = {
    # the httpx2 transport patch against an injected MockTransport client on the same routes
    "benchmarks/bench_cassette.py": {
        "pytest_agno.mock._openai",
        "pytest_agno.mock._scripted_transport",
    },
    # how many traced calls an iteration makes depends on the eval's memory sample size
    "benchmarks/eval_overhead.py": {"agno_core.eval._engine"},
}


@pytest.mark.parametrize("folder", ["examples", "benchmarks"])
def test_examples_and_benchmarks_use_only_public_names(folder: str) -> None:
    files = sorted((ROOT / folder).rglob("*.py"))
    assert files
    wrong = [
        f"{_where(item)}: {reason}"
        for path in files
        for item in imports(path, _module_name(path, ROOT))
        if (reason := _private_use(item))
        and item.module not in MEASURES_INTERNALS.get(path.relative_to(ROOT).as_posix(), set())
    ]
    assert not wrong, "\n".join(wrong)


def test_private_names_are_caught() -> None:
    here = ROOT / "examples" / "x.py"
    assert _private_use(Import(here, 1, "agno_core.db._sql", "SqlDb")) == (
        "private module agno_core.db._sql"
    )
    assert _private_use(Import(here, 1, "agno_core.db", "_sql")) == "private name agno_core.db._sql"
    assert _private_use(Import(here, 1, "agno_core.db.sqlite", "SqlDb")) == (
        "agno_core.db.sqlite.SqlDb is not in agno_core.db.sqlite.__all__"
    )
    assert _private_use(Import(here, 1, "agno_core.db", "SqlDb")) is None
    assert _private_use(Import(here, 1, "agno_core.db", "sqlite")) is None
    assert _private_use(Import(here, 1, "pytest_agno.mock", "MockOpenAI")) is None


# The public names of pytest_agno's subpackages (the top-level package's are guarded in
# tests/plugin/test_plugin_inert.py).
PYTEST_AGNO_FACADES: dict[str, list[str]] = {
    "pytest_agno.mock": [
        "CassetteMock",
        "CassetteOptions",
        "MockOpenAI",
        "RecordedRequest",
        "Reply",
        "ReplyOptions",
        "RequestPredicate",
        "UnusedRepliesWarning",
    ],
    "pytest_agno.perf": ["PerfEval", "PerfGateError"],
    "pytest_agno.postgres": [
        "DatabasePool",
        "PostgresServer",
        "PostgresUnavailable",
        "connect_external",
        "start_postgres",
    ],
    "pytest_agno.report": [
        "REPORT_SCHEMA",
        "EvalRecord",
        "GateCheck",
        "RunRecord",
        "TestRecord",
        "TokenTally",
    ],
    "pytest_agno.scenarios": [
        "CancelScenario",
        "arun_background",
        "assert_background_parity",
        "assert_metrics",
        "assert_metrics_consistent",
    ],
    "pytest_agno.stubs": [
        "YFINANCE_WARNING_FILTERS",
        "StubRequest",
        "UnexpectedYahooRequest",
        "YahooStub",
    ],
}


def test_every_subpackage_has_a_guarded_facade() -> None:
    subpackages = {
        module
        for module, path in source_modules(ROOT, ("pytest_agno",)).items()
        if path.name == "__init__.py" and module != "pytest_agno"
    }
    assert subpackages == set(PYTEST_AGNO_FACADES)


@pytest.mark.parametrize("name", sorted(PYTEST_AGNO_FACADES))
def test_subpackage_facade(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__doc__ and "may import" in module.__doc__  # what it owns, what it may use
    assert module.__all__ == PYTEST_AGNO_FACADES[name]
    missing = [public for public in module.__all__ if not hasattr(module, public)]
    assert not missing


def test_modules_inside_subpackages_are_private() -> None:
    public = [
        module
        for module, path in source_modules(ROOT, ("pytest_agno",)).items()
        if module.count(".") >= 2 and path.name != "__init__.py"
        if not module.rpartition(".")[2].startswith("_")
    ]
    assert not public, f"modules of a subpackage are private (`_name.py`): {public}"


def test_the_settings_protocol_declares_every_agno_option() -> None:
    # The engine's helpers read a runner through `RunSettings`; mypy checks that RunnerBase
    # matches it, this that an option added to `AgnoOptions` is declared there too.
    from agno_core._options import OPTION_DEFAULTS, AgnoOptions
    from agno_core.run._settings import RunSettings

    assert set(OPTION_DEFAULTS) == set(AgnoOptions.__annotations__)
    assert set(OPTION_DEFAULTS) <= set(RunSettings.__annotations__)
