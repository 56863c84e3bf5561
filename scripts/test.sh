#!/usr/bin/env bash
# Set everything up and run the whole test suite (SQLite and a real PostgreSQL started by the
# fixtures from the machine's server binaries; the model is mocked at the HTTP layer).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The plugin's HTML report is checked in headless Chromium (Debian's package); best effort.
if [ "$(id -u)" = 0 ] && ! command -v chromium >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
        >/dev/null) || true
fi
exec .venv/bin/python -m pytest -n 2 --cov --cov-report=term:skip-covered "$@"
