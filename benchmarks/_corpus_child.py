"""One Agno example run offline with its imports swapped to agno_core; see `agno_corpus`.

Usage (by `benchmarks.agno_corpus`, one process per example): ``python -m
benchmarks._corpus_child EXAMPLE.py RESULT.json``. The example runs as ``__main__`` after
`swap_imports`, with the OpenAI API answered by `MockOpenAI` (default replies), yfinance served by
`YahooStub` and every connection beyond loopback refused. The verdict goes to RESULT.json.
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
    """Collects what the runtime reported as going wrong: warnings, errors, failed runs."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        failed_run = isinstance(record.msg, str) and record.msg.startswith("run %s failed")
        if record.levelno >= logging.WARNING or failed_run:
            self.seen.append(f"{record.levelname} {record.name}: {record.getMessage()}"[:500])


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


def main(example: Path, result_path: Path) -> int:
    problems = _Problems()
    core_log = logging.getLogger("agno_core")
    core_log.addHandler(problems)
    core_log.setLevel(logging.INFO)
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]

    from pytest_agno.mock import MockOpenAI

    source = example.read_text()
    mock = MockOpenAI().start()
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
    verdict = {"ok": not error and not problems.seen, "error": error, "problems": problems.seen}
    result_path.write_text(json.dumps(verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
