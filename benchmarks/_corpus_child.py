"""One Agno example run offline with its imports swapped to agno_core; see `agno_corpus`.

Usage (by `benchmarks.agno_corpus`, one process per example): ``python -m
benchmarks._corpus_child EXAMPLE.py RESULT.json [SCRIPT.json]``. The example runs as ``__main__``
after `swap_imports`, with the OpenAI API answered by `MockOpenAI` (default replies, or the
replies SCRIPT.json lists: ``{"replies": [["text", ...], ["json", ...], ["tool_call", name,
arguments]], "refused": N}``), yfinance served by `YahooStub` and every connection beyond
loopback refused. The verdict goes to RESULT.json.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import socket
import sys
import traceback
import types
from pathlib import Path
from typing import Any

_IMPORT = re.compile(r"^(\s*)(from|import)(\s+)agno(?=[.\s,]|$)", re.MULTILINE)
_REAL_CONNECT = socket.socket.connect


def swap_imports(source: str) -> str:
    """Replace `agno` by `agno_core` in the import statements of `source`, nothing else."""
    return _IMPORT.sub(lambda m: f"{m[1]}{m[2]}{m[3]}agno_core", source)


class _Problems(logging.Handler):
    """Collects what the runtime reported as going wrong: warnings, errors, failed runs.

    A run refused by one of the example's own check hooks is counted apart (`refused`): whether
    that is a problem depends on what the manifest says the example means to show.
    """

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seen: list[str] = []
        self.refused: set[str] = set()
        self._failed: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.msg if isinstance(record.msg, str) else ""
        run_id = str(record.args[0]) if isinstance(record.args, tuple) and record.args else ""
        line = f"{record.levelname} {record.name}: {record.getMessage()}"[:500]
        if message.startswith("run %s refused by a hook"):
            self.refused.add(run_id)
        elif message.startswith("run %s failed"):
            self._failed.append((run_id, line))
        elif record.levelno >= logging.WARNING:
            self.seen.append(line)

    def verdict(self, expected_refusals: int) -> list[str]:
        """The problems: warnings, failed runs, and refusals other than the expected count."""
        failed = [line for run_id, line in self._failed if run_id not in self.refused]
        problems = self.seen + failed
        if len(self.refused) != expected_refusals:
            problems.append(
                f"{len(self.refused)} run(s) refused by the example's own check hooks, "
                f"{expected_refusals} expected"
            )
        return problems


def _script(mock: Any, replies: list[list[str]]) -> None:
    for kind, *rest in replies:
        if kind == "text":
            mock.add_text(rest[0])
        elif kind == "json":
            mock.add_json(json.loads(rest[0]))
        else:
            mock.add_tool_call(rest[0], json.loads(rest[1]))


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    host = address if isinstance(address, str | bytes) else address[0]
    loopback = isinstance(host, str | bytes) and (
        isinstance(address, str | bytes) or host in ("localhost", "")
    )
    if not loopback:
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
    if not loopback:
        raise ConnectionRefusedError(
            f"corpus network guard: the example tried to reach {address!r}"
        )
    return _REAL_CONNECT(self, address)


def main(example: Path, result_path: Path, script_path: Path | None = None) -> int:
    problems = _Problems()
    core_log = logging.getLogger("agno_core")
    core_log.addHandler(problems)
    core_log.setLevel(logging.INFO)
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]

    from pytest_agno.mock import MockOpenAI

    source = example.read_text()
    script = json.loads(script_path.read_text()) if script_path is not None else {}
    mock = MockOpenAI().start()
    _script(mock, script.get("replies", []))
    yahoo = None
    if "yfinance" in source.lower():
        from pytest_agno.stubs import YahooStub

        yahoo = YahooStub()
        yahoo.install()
    error = ""
    try:
        code = compile(swap_imports(source), str(example), "exec")
        sys.argv = [str(example)]
        # The example is `__main__` itself, as under `python example.py`: pydantic resolves a
        # model's annotations through `sys.modules[cls.__module__]`.
        module = types.ModuleType("__main__")
        module.__file__ = str(example)
        sys.modules["__main__"] = module
        exec(code, module.__dict__)
    except SystemExit as stop:
        if stop.code not in (None, 0):
            error = f"SystemExit({stop.code!r})"
    except BaseException:
        error = traceback.format_exc()
    finally:
        try:
            mock.stop()
        except AssertionError as unanswered:
            problems.seen.append(str(unanswered)[:500])
        if yahoo is not None:
            yahoo.uninstall()
    found = problems.verdict(int(script.get("refused", 0)))
    verdict = {"ok": not error and not found, "error": error, "problems": found}
    result_path.write_text(json.dumps(verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]), *(Path(a) for a in sys.argv[3:4])))
