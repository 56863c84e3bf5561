"""The pytest plugin entry point (`pytest11`).

Inert until used: registering options and markers is all that happens for a suite that does not
touch the fixtures; every heavy import sits inside a fixture or behind an option.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("agno", "agno_core agent testing")
    group.addoption(
        "--agno-pg-url",
        dest="agno_pg_url",
        default=None,
        help="Use this PostgreSQL server (a postgresql:// URL with rights to create databases) "
        "instead of starting one from the machine's binaries. Env: AGNO_PG_URL.",
    )
    parser.addini("agno_pg_url", "Default for --agno-pg-url.", default="")
