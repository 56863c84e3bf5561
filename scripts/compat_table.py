"""Agno compatibility table: Agno's public API in our scope, against agno_core's code.

    python scripts/compat_table.py --agno /path/to/site-packages/agno   # refresh the snapshot
    python scripts/compat_table.py --agno auto      # the same, with the `agno` this Python finds
    python scripts/compat_table.py                                      # table from the snapshot
    python scripts/compat_table.py --check          # exit 1 when docs/COMPATIBILITY.md is stale

Agno's side is read from its source with `ast` (nothing of Agno is imported or run) and kept in
``docs/agno_api_snapshot.json``, so the table can be regenerated without Agno installed. Our side
comes from the code: "default only" when `agno_core._unsupported` lists it (accepted at Agno's
default value, refused otherwise with `NotSupportedError`), whether or not the signature takes
it; else supported when our signature takes it. Team's constructor takes ``**kwargs``: the Agno
parameters and methods `agno_core.team._unsupported` lists are "refused by name" (any value
raises an error naming them). The output is ``docs/COMPATIBILITY.md``; a test checks it is current.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import inspect
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "docs" / "agno_api_snapshot.json"
TABLE = ROOT / "docs" / "COMPATIBILITY.md"

# (name in the table, Agno source file, class or function, what to read, our import path)
# kind: "init" (constructor parameters), "fields" (dataclass / pydantic fields),
#       "func" (a function's keyword parameters), "method:<name>" (one method's parameters).
SCOPE: list[tuple[str, str, str, str, str]] = [
    ("Agent", "agent/agent.py", "Agent", "init", "agno_core.agent:Agent"),
    ("Agent.run / arun", "agent/agent.py", "Agent", "method:arun", "agno_core.agent:Agent.arun"),
    (
        "Agent.continue_run / acontinue_run",
        "agent/agent.py",
        "Agent",
        "method:acontinue_run",
        "agno_core.agent:Agent.acontinue_run",
    ),
    ("Team", "team/team.py", "Team", "init", "agno_core.team:Team"),
    (
        "OpenAIChat",
        "models/openai/chat.py",
        "OpenAIChat",
        "fields",
        "agno_core.models.openai:OpenAIChat",
    ),
    (
        "OpenAIResponses",
        "models/openai/responses.py",
        "OpenAIResponses",
        "fields",
        "agno_core.models.openai:OpenAIResponses",
    ),
    ("SqliteDb", "db/sqlite/sqlite.py", "SqliteDb", "init", "agno_core.db.sqlite:SqliteDb"),
    (
        "PostgresDb",
        "db/postgres/postgres.py",
        "PostgresDb",
        "init",
        "agno_core.db.postgres:PostgresDb",
    ),
    (
        "PerformanceEval",
        "eval/performance.py",
        "PerformanceEval",
        "fields",
        "agno_core.eval.performance:PerformanceEval",
    ),
    ("Toolkit", "tools/toolkit.py", "Toolkit", "init", "agno_core.tools:Toolkit"),
    ("tool", "tools/decorator.py", "tool", "func", "agno_core.tools:tool"),
    ("RunOutput", "run/agent.py", "RunOutput", "fields", "agno_core.run.agent:RunOutput"),
    ("TeamRunOutput", "run/team.py", "TeamRunOutput", "fields", "agno_core.run.team:TeamRunOutput"),
    ("Message", "models/message.py", "Message", "fields", "agno_core.models.message:Message"),
    ("UserMemory", "db/schemas/memory.py", "UserMemory", "fields", "agno_core.memory:UserMemory"),
    ("RunContext", "run/base.py", "RunContext", "fields", "agno_core.run:RunContext"),
]
# Public methods compared for these classes: (name in the table, Agno file, class, ours).
METHODS: list[tuple[str, str, str, str]] = [
    ("Agent methods", "agent/agent.py", "Agent", "agno_core.agent:Agent"),
    ("Team methods", "team/team.py", "Team", "agno_core.team:Team"),
]
# Base classes whose fields Agno's dataclasses inherit (file, class).
BASES = {"Model": "models/base.py", "OpenAIChat": "models/openai/chat.py"}


# -- Agno's side (source only) -------------------------------------------------------------------
def _class(tree: ast.Module, name: str) -> ast.ClassDef:
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return node
    raise LookupError(name)


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    args = fn.args
    names = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]
    return [n for n in names if n not in ("self", "cls", "input", "args", "kwargs")]


def _fields(agno: Path, file: str, name: str) -> list[str]:
    cls = _class(ast.parse((agno / file).read_text()), name)
    found: list[str] = []
    for base in cls.bases:
        base_name = base.id if isinstance(base, ast.Name) else None
        if base_name in BASES:
            found += _fields(agno, BASES[base_name], base_name)
    for node in cls.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            field = node.target.id
            annotation = ast.unparse(node.annotation)
            if not field.startswith("_") and "ClassVar" not in annotation and field not in found:
                found.append(field)
    return found


def _functions(tree: ast.Module | ast.ClassDef, name: str) -> list[ast.FunctionDef]:
    return [
        n
        for n in tree.body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name
    ]  # type: ignore[misc]


def agno_side(agno: Path) -> dict[str, Any]:
    """Agno's parameters and public methods in our scope, read from its source."""
    api: dict[str, Any] = {"params": {}, "methods": {}}
    for label, file, name, kind, _ours in SCOPE:
        tree = ast.parse((agno / file).read_text())
        if kind == "fields":
            api["params"][label] = _fields(agno, file, name)
        elif kind == "func":
            overloads = _functions(tree, name)
            api["params"][label] = sorted({p for fn in overloads for p in _params(fn)})
        else:
            method = "__init__" if kind == "init" else kind.split(":", 1)[1]
            api["params"][label] = _params(_functions(_class(tree, name), method)[-1])
    for label, file, name, _ours in METHODS:
        cls = _class(ast.parse((agno / file).read_text()), name)
        api["methods"][label] = sorted(
            {
                n.name
                for n in cls.body
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                and not n.name.startswith("_")
            }
        )
    return api


def locate_agno() -> Path:
    """The folder of the ``agno`` package this Python would import (it is not imported)."""
    import importlib.util

    spec = importlib.util.find_spec("agno")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("agno is not installed for this Python: pass --agno /path/to/agno")
    return Path(next(iter(spec.submodule_search_locations)))


# -- our side (the code) ---------------------------------------------------------------------------
def _resolve(path: str) -> Any:
    import importlib

    module, _, attr = path.partition(":")
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


_NOT_PARAMS = {"self", "args", "kwargs", "fn", "input", "agno_options", "unsupported"}
_REFUSED_PARAM = "not supported: refused by name (`UnsupportedParameterError`)"
_REFUSED_METHOD = "not supported: refused by name (`UnsupportedMethodError`)"


def refused() -> dict[str, frozenset[str]]:
    """Per table row, the Agno names our code refuses with an error naming them."""
    from agno_core.team._unsupported import UNSUPPORTED_METHODS, UNSUPPORTED_PARAMETERS

    return {"Team": UNSUPPORTED_PARAMETERS, "Team methods": UNSUPPORTED_METHODS}


def our_params(path: str) -> set[str]:
    """What our class or function takes: dataclass fields, or the parameters of every
    ``__init__`` along the class's MRO (our constructors pass ``**kwargs`` on to their bases)."""
    obj = _resolve(path)
    if dataclasses.is_dataclass(obj):
        return {f.name for f in dataclasses.fields(obj)}
    if not inspect.isclass(obj):
        return set(inspect.signature(obj).parameters) - _NOT_PARAMS
    names: set[str] = set()
    for cls in obj.__mro__:
        if cls.__module__.startswith("agno_core") and "__init__" in vars(cls):
            names |= set(inspect.signature(cls.__init__).parameters)
    return names - _NOT_PARAMS


def status(label: str, name: str, ours: set[str]) -> str:
    from agno_core._unsupported import UNSUPPORTED

    # First: the models take these as fields (with Agno's default) and refuse other values.
    entry = UNSUPPORTED.get(label, {}).get(name)
    if entry is not None:
        return f"default only ({entry.default!r}): {entry.reason}"
    if name in ours:
        return "supported"
    if name in refused().get(label, ()):
        return _REFUSED_PARAM
    return "not supported"


def method_status(label: str, name: str, cls: Any) -> str:
    if callable(getattr(cls, name, None)):
        return "supported"
    return _REFUSED_METHOD if name in refused().get(label, ()) else "not supported"


def render(api: dict[str, Any]) -> str:
    lines = [
        "# Agno compatibility",
        "",
        "Generated by `scripts/compat_table.py` from agno_core's code and a snapshot of Agno's "
        "public API (`docs/agno_api_snapshot.json`, read from Agno's source). Do not edit by hand.",
        "",
        "- **supported**: agno_core takes the parameter (or has the field) and implements it.",
        "- **default only**: accepted at Agno's default value (which is what agno_core does); any "
        "other value raises `NotSupportedError` naming the parameter.",
        "- **not supported**: not accepted (a constructor raises `TypeError`; a field is absent).",
        "- **refused by name**: not supported, and the error names it (`Team` takes `**kwargs`: "
        "an Agno parameter or method it lacks raises `UnsupportedParameterError` / "
        "`UnsupportedMethodError`, a typo a plain `TypeError` / `AttributeError`).",
        "",
    ]
    header_end = len(lines)
    total = supported = 0
    for label, *_rest, ours_path in SCOPE:
        ours = our_params(ours_path)
        names = api["params"][label]
        rows = [(n, status(label, n, ours)) for n in names]
        ok = sum(1 for _, s in rows if s == "supported")
        default_only = sum(1 for _, s in rows if s.startswith("default only"))
        refused_here = sum(1 for _, s in rows if s == _REFUSED_PARAM)
        total += len(rows)
        supported += ok
        summary = f"{ok} of {len(rows)} supported"
        if default_only:
            summary += f", {default_only} accepted at Agno's default only"
        if refused_here:
            summary += f", {refused_here} refused by name"
        lines += [f"## {label}", "", summary + ".", ""]
        lines += ["| Parameter | agno_core |", "| --- | --- |"]
        lines += [f"| `{n}` | {s} |" for n, s in rows]
        lines.append("")
    for label, _file, _name, ours_path in METHODS:
        cls = _resolve(ours_path)
        rows = [(m, method_status(label, m, cls)) for m in api["methods"][label]]
        ok = sum(1 for _, s in rows if s == "supported")
        refused_here = sum(1 for _, s in rows if s == _REFUSED_METHOD)
        summary = f"{ok} of {len(rows)} supported"
        if refused_here:
            summary += f", {refused_here} refused by name"
        lines += [f"## {label}", "", summary + ".", ""]
        lines += ["| Method | agno_core |", "| --- | --- |"]
        lines += [f"| `{m}()` | {s} |" for m, s in rows]
        lines.append("")
    lines.insert(header_end, f"Parameters and fields supported: {supported} of {total}.\n")
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--agno", help="Agno's package folder, or 'auto' to locate it (refreshes the snapshot)"
    )
    parser.add_argument("--check", action="store_true", help="fail if the table is not current")
    args = parser.parse_args(argv)
    if args.agno is not None:
        source = locate_agno() if args.agno == "auto" else Path(args.agno)
        SNAPSHOT.write_text(json.dumps(agno_side(source), indent=1, sort_keys=True) + "\n")
    table = render(json.loads(SNAPSHOT.read_text()))
    if args.check:
        if TABLE.read_text() != table:
            print(f"{TABLE} is out of date: run scripts/compat_table.py", file=sys.stderr)
            return 1
        return 0
    TABLE.write_text(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
