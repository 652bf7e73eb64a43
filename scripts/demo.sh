#!/usr/bin/env bash
# The main job: set up, ingest the seed articles into ./vault, verify it, show what it holds.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
A=.venv/bin/archive
$A ingest seeds/*.txt --vault vault
$A verify --vault vault
$A list --vault vault
