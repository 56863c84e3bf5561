#!/usr/bin/env bash
# Set everything up and run the whole test suite (SQLite and a real PostgreSQL started by the
# fixtures from the machine's server binaries; the model is mocked at the HTTP layer).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest -n 2 --cov --cov-report=term:skip-covered "$@"
