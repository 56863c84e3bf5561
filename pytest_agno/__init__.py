"""pytest_agno: test agno_core agents offline, deterministically, in CI.

The plugin module (`pytest_agno.plugin`) is registered through the `pytest11` entry point. Importing
this package is cheap: heavy pieces (respx, the PostgreSQL launcher, the report) load only when a
fixture or option asks for them.
"""

from __future__ import annotations

__all__: list[str] = []
