#!/usr/bin/env bash
# Create .venv (once) and install the project with its dev extras into it. Idempotent and quiet on
# a second run: pip only checks that everything is already there.
#
# AGNO_OPENAI=3 builds a second venv, .venv-openai3, with the openai 3.x line (which speaks
# httpx2) instead of 2.x (plain httpx): the suite runs on both (see scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
line="${AGNO_OPENAI:-2}"
case "$line" in
    2) venv=.venv; openai_spec="openai>=2.30,<3" ;;
    3) venv=.venv-openai3; openai_spec="openai>=3,<4" ;;
    *) echo "AGNO_OPENAI must be 2 or 3, not $line" >&2; exit 2 ;;
esac
if [ ! -x "$venv/bin/python" ]; then
    "$PY" -m venv "$venv"
fi
extras="${AGNO_EXTRAS:-dev}"
stamp="$venv/.installed-$extras"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)
    "${pip[@]}" --upgrade pip
    "${pip[@]}" -e ".[$extras]" "$openai_spec"
    touch "$stamp"
fi
