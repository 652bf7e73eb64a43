#!/usr/bin/env bash
# Set up everything on a fresh machine: system libraries, a venv, pinned Python packages.
# Idempotent: a second run only checks. Used by scripts/demo.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
# python-magic needs libmagic; PDF and photo extraction need exiftool.
ldconfig -p 2>/dev/null | grep -q libmagic.so.1 || need_apt+=(libmagic1)
command -v exiftool >/dev/null 2>&1 || need_apt+=(libimage-exiftool-perl)
# The PostgreSQL ledger backend's tests run a throwaway PostgreSQL 15 server (tests/pg_server.py).
[ -x /usr/lib/postgresql/15/bin/postgres ] && [ -x /usr/lib/postgresql/15/bin/initdb ] || need_apt+=(postgresql-15)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "setup: installing system packages: ${need_apt[*]}" >&2
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(cat constraints.txt pyproject.toml | sha256sum | cut -c1-16)
if [ ! -e "$stamp" ]; then
  echo "setup: installing pinned packages (constraints.txt)" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt "pip==$(grep '^pip==' constraints.txt | cut -d= -f3)"
  .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi
