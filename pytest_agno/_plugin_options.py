"""The plugin's command-line options and ini keys, and what ``pytest_configure`` makes of them.

`add_options` declares them (one group, each option with its ini twin); `configure` registers the
markers' help lines, checks the cassette settings when recording is asked for, and, only when an
``--agno-eval*`` option is set, reads the eval settings and starts the report session;
`db_backend` reads ``--agno-db`` for the ``agno_db`` fixture. Imported by the plugin on every
pytest start: the perf, mock and report modules load inside `configure` only when their option is
on.
"""

from __future__ import annotations

from typing import Literal

import pytest

__all__ = ["EVAL_OPTIONS", "add_options", "configure", "db_backend"]


def add_options(parser: pytest.Parser) -> None:
    """Declare the ``--agno-*`` options and their ini twins (``pytest_addoption``)."""
    group = parser.getgroup("agno", "agno_core agent testing")
    group.addoption(
        "--agno-pg-url",
        dest="agno_pg_url",
        default=None,
        help="Use this PostgreSQL server (a postgresql:// URL with rights to create databases) "
        "instead of starting one from the machine's binaries. Env: AGNO_PG_URL.",
    )
    parser.addini("agno_pg_url", "Default for --agno-pg-url.", default="")
    group.addoption(
        "--agno-db",
        dest="agno_db",
        choices=("sqlite", "postgres"),
        default=None,
        help="Backend of the agno_db fixture (and so of the agent/team fixtures): sqlite "
        "(default, a file in the test's tmp dir) or postgres (a fresh database per test).",
    )
    parser.addini("agno_db", "Default for --agno-db.", default="sqlite")
    group.addoption(
        "--agno-eval",
        action="store_true",
        dest="agno_eval",
        default=None,
        help="Report every perf_eval and the agent/team run metrics of each test at the end of "
        "the session (implied by the other --agno-eval-* options but --agno-eval-dir).",
    )
    parser.addini("agno_eval", "Default for --agno-eval.", type="bool", default=False)
    group.addoption(
        "--agno-record",
        dest="agno_record",
        choices=("none", "once", "new_episodes", "all"),
        default=None,
        help="Cassette tests (@pytest.mark.agno_cassette): none (default: replay only, a call "
        "with no recording fails), once (record a missing cassette), new_episodes (replay known "
        "calls, record new ones) or all (re-record). Recording calls the real endpoint "
        "(OPENAI_API_KEY, OPENAI_BASE_URL).",
    )
    parser.addini("agno_record", "Default for --agno-record.", default="")
    parser.addini(
        "agno_cassette_dir",
        "Where cassettes go, relative to the rootdir (default: cassettes/ next to each test file).",
        default="",
    )
    parser.addini(
        "agno_cassette_redact",
        "Extra regular expressions redacted from every cassette (one per line).",
        type="linelist",
        default=[],
    )
    for name, metavar, text in EVAL_OPTIONS:
        group.addoption(f"--{name.replace('_', '-')}", dest=name, metavar=metavar, help=text)
        if name in _COUNTS:
            # An int, so that pytest 9's native [tool.pytest] table takes `= 10` (a "string" key
            # refused it: "expects a string, got int"), and [tool.pytest.ini_options] does too
            # without a deprecation warning. pytest < 8.4 has no int type: read as a string.
            kind: Literal["int", "string"] = (
                "int" if pytest.version_tuple[:2] >= (8, 4) else "string"
            )
            parser.addini(name, f"Default for --{name.replace('_', '-')}.", type=kind, default=None)
        else:
            parser.addini(name, f"Default for --{name.replace('_', '-')}.", default="")


_COUNTS = ("agno_eval_history_size", "agno_eval_confirm")  # whole numbers
EVAL_OPTIONS = (
    # (dest and ini name, metavar, help) of each --agno-eval-* option taking a value
    ("agno_eval_json", "PATH", "Write the --agno-eval report as JSON to PATH."),
    (
        "agno_eval_html",
        "PATH",
        "Write the --agno-eval report as one self-contained HTML page (with plots) to PATH.",
    ),
    (
        "agno_eval_dir",
        "DIR",
        "Where named baselines are kept (default: .agno-eval under the rootdir).",
    ),
    (
        "agno_eval_save",
        "NAME",
        "Save this session's perf evals as baseline NAME (DIR/NAME.json; a path also works).",
    ),
    (
        "agno_eval_compare",
        "NAME|PATH",
        "Compare every perf eval with this baseline; a missing baseline is reported, not an error.",
    ),
    (
        "agno_eval_fail",
        "EXPR",
        "Fail a test whose perf eval regressed against the compare baseline: comma-separated "
        "conditions, e.g. 'regression' or 'runtime>10%%,growth>1KiB' "
        "(metrics: runtime, p95, memory, growth, any).",
    ),
    (
        "agno_eval_history",
        "DIR",
        "Append this session's perf eval results (with commit and machine) to DIR/history.jsonl; "
        "the HTML report then plots each eval's runtime and growth over the last runs.",
    ),
    (
        "agno_eval_history_size",
        "N",
        "How many runs --agno-eval-history keeps (default 50; older ones are dropped).",
    ),
    (
        "agno_eval_confirm",
        "N",
        "Measure an eval again, up to N times, when it broke a --agno-eval-fail rule or passed "
        "only by its load allowance; a rerun decides, unless the other measurement was made "
        "under mild, lesser load (default 1; 0 judges the first measurement alone).",
    ),
)


def configure(config: pytest.Config) -> None:
    """Register the markers; set up cassettes and the eval report if asked (pytest_configure)."""
    from pytest_agno.perf._keywords import MARKER_HELP

    for line in MARKER_HELP:
        config.addinivalue_line("markers", line)
    if config.getoption("agno_record", None) or config.getini("agno_record"):
        from pytest_agno.mock._cassette_options import validate_ini

        validate_ini(config)
    names = ("agno_eval", *(name for name, _, _ in EVAL_OPTIONS))
    if not any(_given(config, name) for name in names):
        return  # no --agno-eval* option: perf_eval runs with no settings (no report, no baseline)
    from pytest_agno.perf._settings import SETTINGS_KEY, read_settings

    settings = read_settings(config)
    config.stash[SETTINGS_KEY] = settings
    if settings.report:
        from pytest_agno.report._session import SESSION_KEY, EvalSession

        session = EvalSession(config, settings)
        config.stash[SESSION_KEY] = session
        config.pluginmanager.register(session, "agno-eval-session")


def _given(config: pytest.Config, name: str) -> bool:
    if config.getoption(name, None):
        return True
    try:
        value = config.getini(name)
    except (TypeError, ValueError, pytest.UsageError):
        return True  # an ini value pytest cannot read: read_settings says which, and why
    return value is not None and value != "" and value is not False


def db_backend(config: pytest.Config) -> str:
    """The ``agno_db`` fixture's backend: ``--agno-db``, else the ini key, else ``sqlite``."""
    value = config.getoption("agno_db") or config.getini("agno_db") or "sqlite"
    if value not in ("sqlite", "postgres"):
        raise pytest.UsageError(f"agno_db must be 'sqlite' or 'postgres', not {value!r}")
    return str(value)
