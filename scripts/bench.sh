#!/usr/bin/env bash
# Run the benchmarks (agno_core against the bare openai SDK and against Agno, one process, one
# respx mock) and write the results table to benchmarks/RESULTS.md. Not part of the test run.
#
#   bash scripts/bench.sh            # the whole set: ~1.5 min on a quiet 2-core box, ~7 loaded
#   bash scripts/bench.sh -k agent   # extra pytest arguments are passed through
#
# Installs the `bench` extra (Agno 3.1.10 as the peer, pytest-benchmark) into .venv first.
set -euo pipefail
cd "$(dirname "$0")/.."
AGNO_EXTRAS=bench bash scripts/setup.sh
out=benchmarks/.results
mkdir -p "$out"
json="$out/latest.json"
export AGNO_BENCH_COMMAND="bash scripts/bench.sh${*:+ $*}"
.venv/bin/python -m pytest benchmarks --benchmark-only -p no:cacheprovider -q \
    --benchmark-json="$json" --benchmark-columns=median,iqr,rounds --benchmark-sort=name "$@"
# The figures that depend on the SDK line (cassette replay, the httpx2 patch) again on openai 3.x.
AGNO_OPENAI=3 bash scripts/setup.sh
json3="$out/latest-openai3.json"
.venv-openai3/bin/python -m pytest benchmarks/bench_cassette.py --benchmark-only -p no:cacheprovider \
    -q --benchmark-json="$json3" --benchmark-columns=median,iqr,rounds "$@"
.venv/bin/python benchmarks/report.py "$json" "$json3" --out benchmarks/RESULTS.md
