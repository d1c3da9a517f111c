#!/usr/bin/env bash
# Install what the tests need (.venv, Debian chromium + gdal-bin) and run ruff and ALL tests
# (unit, AppTest and Playwright browser tests). Extra arguments go to pytest, e.g.:
#   bash scripts/test.sh -m "not browser"      bash scripts/test.sh tests/browser -x
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash "$ROOT/scripts/setup.sh" --test

export PATH="$ROOT/.venv/bin:$PATH"
export PYTHONUNBUFFERED=1

status=0

echo "== ruff check ."
if ruff check .; then
    echo "ruff: ok"
else
    echo "ruff: FAILED" >&2
    status=1
fi

echo "== pytest"
t0=$SECONDS
set +e
python -m pytest -q -rs "$@"
rc=$?
set -e
echo "pytest finished in $((SECONDS - t0)) s with exit code $rc"
if [ "$rc" -eq 5 ]; then
    echo "pytest: FAILED - no tests were collected (exit code 5); check the arguments/paths." >&2
    status=1
elif [ "$rc" -ne 0 ]; then
    echo "pytest: FAILED (exit code $rc)" >&2
    status=1
fi

if [ "$status" -eq 0 ]; then
    echo "All checks passed."
fi
exit "$status"
