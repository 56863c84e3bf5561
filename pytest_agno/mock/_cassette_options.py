"""What a cassette test asks for: ``--agno-record``, its ini twins and the ``agno_cassette`` marker.

``@pytest.mark.agno_cassette`` opts a test in (the ``mock_model`` fixture then records/replays
instead of answering from a script). Its keywords override the session's settings for that test:
``path``, ``record``, ``match_on``, ``ignore``, ``redact`` and ``latency``; they are validated when
the tests are collected, like the plugin's other markers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pytest_agno.mock._cassette_match import DEFAULT_IGNORE, DEFAULT_MATCH_ON

__all__ = [
    "RECORD_MODES",
    "CassetteOptions",
    "cassette_marker_kwargs",
    "cassette_options",
    "default_cassette_path",
    "validate_ini",
]

RECORD_MODES = ("none", "once", "new_episodes", "all")

_KEYWORDS = ("path", "record", "match_on", "ignore", "redact", "latency")


@dataclass(frozen=True, kw_only=True)
class CassetteOptions:
    """One test's cassette settings.

    Attributes:
        path: The cassette file.
        record: ``none`` (replay only), ``once`` (record when the file is missing),
            ``new_episodes`` (replay known requests, record new ones) or ``all`` (re-record).
        test_id: The test's node id, for failure messages.
        match_on: Body fields that take part in matching.
        ignore: Keys ignored at any depth inside them.
        redact: Extra regular expressions redacted from everything written (and matched).
        latency: False: replay at once; True: wait the recorded time to the headers and between
            stream chunks; a number: wait that many seconds before each answer.
    """

    path: Path
    record: str = "none"
    test_id: str = ""
    match_on: tuple[str, ...] = DEFAULT_MATCH_ON
    ignore: tuple[str, ...] = DEFAULT_IGNORE
    redact: tuple[str, ...] = field(default=())
    latency: bool | float = False


def _mode(value: Any, where: str) -> str:
    if value not in RECORD_MODES:
        raise ValueError(f"{where} must be one of {', '.join(RECORD_MODES)}, not {value!r}")
    return str(value)


def _names(name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError(f"{name} must be a list of strings, not {value!r}")
    if not all(isinstance(item, str) and item for item in value):
        raise ValueError(f"{name} must be a list of non-empty strings, not {value!r}")
    return tuple(value)


def cassette_marker_kwargs(mark: pytest.Mark) -> dict[str, Any]:
    """The validated keywords of ``@pytest.mark.agno_cassette(...)`` (only those given).

    Raises:
        ValueError: For positional or unknown arguments and invalid values.
    """
    if mark.args:
        raise ValueError(f"takes keyword arguments only, got {mark.args!r}")
    unknown = sorted(set(mark.kwargs) - set(_KEYWORDS))
    if unknown:
        raise ValueError(
            f"unknown argument(s) {', '.join(unknown)}; accepted: {', '.join(_KEYWORDS)}"
        )
    kwargs: dict[str, Any] = {}
    for name, value in mark.kwargs.items():
        if value is None:
            continue
        if name == "path":
            if not isinstance(value, str | Path) or not str(value):
                raise ValueError(f"path must be a str or Path, not {value!r}")
            kwargs[name] = Path(value)
        elif name == "record":
            kwargs[name] = _mode(value, "record")
        elif name in ("match_on", "ignore"):
            kwargs[name] = _names(name, value)
        elif name == "redact":
            patterns = _names(name, value)
            for pattern in patterns:
                try:
                    re.compile(pattern)
                except re.error as error:
                    raise ValueError(f"redact pattern {pattern!r} is invalid: {error}") from None
            kwargs[name] = patterns
        else:
            ok = isinstance(value, bool) or (isinstance(value, int | float) and value >= 0)
            if not ok:
                raise ValueError(f"latency must be True, False or seconds >= 0, not {value!r}")
            kwargs[name] = value
    return kwargs


def default_cassette_path(item: pytest.Item, directory: str) -> Path:
    """``<dir>/<module>/<test name>.json``; ``<dir>`` is ``cassettes`` next to the test file
    unless the ``agno_cassette_dir`` ini names one (relative to the rootdir)."""
    module = item.path.stem
    base = item.config.rootpath / directory if directory else item.path.parent / "cassettes"
    name = "::".join(item.nodeid.split("::")[1:]) or item.name
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.") or "test"
    return base / module / f"{safe}.json"


def cassette_options(item: pytest.Item, mark: pytest.Mark) -> CassetteOptions:
    """The settings of ``item``: the marker's keywords over the options and ini values."""
    config = item.config
    kwargs = cassette_marker_kwargs(mark)
    record = kwargs.pop("record", None) or config.getoption("agno_record", None)
    record = record or str(config.getini("agno_record") or "none")
    path = kwargs.pop("path", None)
    if path is None:
        path = default_cassette_path(item, str(config.getini("agno_cassette_dir") or ""))
    elif not path.is_absolute():
        path = item.path.parent / path
    ini_redact = tuple(str(p) for p in config.getini("agno_cassette_redact") or ())
    redact = (*ini_redact, *kwargs.pop("redact", ()))
    return CassetteOptions(
        path=path,
        record=_mode(record, "--agno-record / agno_record"),
        test_id=item.nodeid,
        redact=redact,
        **kwargs,
    )


def validate_ini(config: pytest.Config) -> None:
    """Fail the session early on a bad ``agno_record`` ini value or ``--agno-record``."""
    for where, value in (
        ("--agno-record", config.getoption("agno_record", None)),
        ("agno_record", config.getini("agno_record") or None),
    ):
        if value is not None and value not in RECORD_MODES:
            raise pytest.UsageError(
                f"{where} must be one of {', '.join(RECORD_MODES)}, not {value!r}"
            )
