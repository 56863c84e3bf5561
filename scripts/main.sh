#!/usr/bin/env bash
# Set everything up and run the product's main job: the example agent test suite on the embedded
# default (SQLite, mocked model, no API key), with the --agno-eval report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest examples --agno-eval -p no:cacheprovider "$@"
