"""Cassette files: one pretty-printed, versioned JSON document per test, one entry per model call.

```json
{
  "format": "pytest-agno-cassette",
  "version": 1,
  "entries": [
    {
      "request": {"method": "POST", "endpoint": "chat", "url": "...", "headers": {}, "body": {}},
      "response": {"status": 200, "headers": {}, "latency": 0.012, "json": {}}
    }
  ]
}
```

A streamed response stores ``"sse": [events]`` and ``"chunks": [[seconds, bytes], ...]`` instead of
``"json"`` (see `_cassette_sse`). Keys keep their order and are indented, so a re-recording
diffs line by line. Writes are atomic (a temporary file in the same directory, then
``os.replace``) and serialised per directory with ``flock``, so an interrupted test never leaves
half a file and two xdist workers that share a cassette do not lose each other's entries.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["FORMAT", "VERSION", "Cassette", "CassetteError", "Entry"]

FORMAT = "pytest-agno-cassette"
VERSION = 1

JSON = dict[str, Any]


class CassetteError(Exception):
    """A cassette file that cannot be read (not ours, or a version this plugin does not know)."""


@dataclass(kw_only=True, slots=True)
class Entry:
    """One recorded model call.

    Attributes:
        request: ``method``, ``endpoint`` (``chat``/``responses``), ``url``, redacted
            ``headers`` and the parsed JSON ``body``.
        response: ``status``, ``headers``, ``latency`` (seconds to the response headers), and the
            body as ``json``, ``sse`` (+ ``chunks``) or ``text``.
    """

    request: JSON
    response: JSON

    def to_json(self) -> JSON:
        return {"request": self.request, "response": self.response}

    @classmethod
    def from_json(cls, data: Any, where: str) -> Entry:
        if not (isinstance(data, dict) and isinstance(data.get("request"), dict)):
            raise CassetteError(f"{where}: an entry needs a 'request' object")
        if not isinstance(data.get("response"), dict):
            raise CassetteError(f"{where}: an entry needs a 'response' object")
        return cls(request=data["request"], response=data["response"])


@dataclass(kw_only=True)
class Cassette:
    """A cassette file's entries; `load` reads it, `write` replaces it atomically."""

    path: Path
    entries: list[Entry] = field(default_factory=list)
    existed: bool = False

    @classmethod
    def load(cls, path: Path) -> Cassette:
        """Read ``path``; a missing file is an empty cassette (``existed`` False).

        Raises:
            CassetteError: The file is not a cassette, or of an unknown version.
        """
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path=path)
        return cls(path=path, entries=_parse(text, path), existed=True)

    def write(self, entries: list[Entry], *, merge: bool, check: Any = None) -> None:
        """Write ``entries`` to the file (after the ones on disk when ``merge``).

        Args:
            entries: What to write (already redacted).
            merge: Keep the entries found on disk at write time and append these.
            check: Called with the final text before it is written (the redactor's last check).
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(self.path.parent):
            if merge:
                try:
                    on_disk = _parse(self.path.read_text(encoding="utf-8"), self.path)
                except FileNotFoundError:
                    on_disk = []
                entries = [*on_disk, *entries]
            text = dumps(entries)
            if check is not None:
                check(text)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
                raise
        self.entries = entries
        self.existed = True


def dumps(entries: list[Entry]) -> str:
    """The file text for ``entries``."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "entries": [entry.to_json() for entry in entries],
    }
    # Key order is kept as received: SSE payloads replay byte for byte from it.
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _parse(text: str, path: Path) -> list[Entry]:
    try:
        document = json.loads(text)
    except ValueError as error:
        raise CassetteError(f"{path}: not valid JSON ({error})") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CassetteError(f"{path}: not a {FORMAT} file")
    if document.get("version") != VERSION:
        raise CassetteError(
            f"{path}: cassette version {document.get('version')!r}, this plugin reads {VERSION}; "
            "re-record it with --agno-record=all"
        )
    raw = document.get("entries")
    if not isinstance(raw, list):
        raise CassetteError(f"{path}: 'entries' must be a list")
    return [Entry.from_json(item, f"{path}: entry {i}") for i, item in enumerate(raw)]


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    # flock on the directory itself: no lock file is left behind, and every writer of a cassette
    # in this directory (another xdist worker included) waits its turn.
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
