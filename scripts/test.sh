#!/usr/bin/env bash
# Set everything up and run the whole test suite (SQLite and a real PostgreSQL started by the
# fixtures from the machine's server binaries; the model is mocked at the HTTP layer), first on the
# openai 2.x line (.venv, with coverage), then again on the 3.x line (.venv-openai3, httpx2).
# AGNO_OPENAI_LINES=2 (or 3) runs one line only.
set -euo pipefail
cd "$(dirname "$0")/.."
lines="${AGNO_OPENAI_LINES:-2 3}"
for line in $lines; do
    AGNO_OPENAI="$line" bash scripts/setup.sh
done
# The plugin's HTML report is checked in headless Chromium (Debian's package); best effort.
if [ "$(id -u)" = 0 ] && ! command -v chromium >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
        >/dev/null) || true
fi
for line in $lines; do
    if [ "$line" = 2 ]; then
        echo "== the suite on openai $(.venv/bin/python -c 'import openai; print(openai.__version__)') (httpx) =="
        .venv/bin/python -m pytest -n 2 --cov --cov-report=term:skip-covered "$@"
    else
        echo "== the suite on openai $(.venv-openai3/bin/python -c 'import openai; print(openai.__version__)') (httpx2) =="
        .venv-openai3/bin/python -m pytest -n 2 -p no:cacheprovider "$@"
    fi
done
