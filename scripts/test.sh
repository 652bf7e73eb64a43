#!/usr/bin/env bash
# The whole test suite plus ruff and mypy, after setting everything up.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
# Two workers: the machine CI runs on has two cores (pytest-xdist; pass -n 0 to run in one process).
.venv/bin/python -m pytest -q -n 2 "$@"
# The package as users install it: a wheel in a fresh venv outside the checkout.
scripts/smoke-installed.sh
