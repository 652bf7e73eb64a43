#!/usr/bin/env bash
# The main job: set up, ingest the seed articles into ./vault, verify it, show what it holds, and
# write a citation manifest of the seeds (JSON, checkable offline, and Markdown for a report).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
A=.venv/bin/archive
$A ingest seeds/*.txt --vault vault
$A verify --vault vault
$A list --vault vault
mkdir -p out
$A manifest --all --vault vault -o out/manifest.json
$A manifest --all --vault vault --format md -o out/manifest.md
$A checkpoint --vault vault -o out/checkpoint.txt
$A verify-manifest out/manifest.json --key "$($A key show --vault vault)" --files seeds
echo "manifest: out/manifest.json (verify offline: archive verify-manifest out/manifest.json --key KEY), out/manifest.md (for a report)"
echo "checkpoint: out/checkpoint.txt (keep it; archive verify --against out/checkpoint.txt proves the ledger still extends it)"
