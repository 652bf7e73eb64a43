#!/usr/bin/env bash
# The package as a user installs it: build the wheel, install it into a fresh venv outside the
# checkout, and run the main workflow from there (ingest with a sidecar, verify, list, show,
# manifests in every format, a checkpoint, and verify-manifest in a directory with no vault).
# An editable install hides missing package data; this does not.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=$(mktemp -d /tmp/archive-smoke.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
.venv/bin/python -m pip wheel -q --no-deps --disable-pip-version-check -w "$WORK/dist" . >/dev/null
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q --disable-pip-version-check -c constraints.txt "$WORK"/dist/archive-*.whl
A="$WORK/venv/bin/archive"
mkdir -p "$WORK/case/sources" "$WORK/elsewhere"
cp seeds/*.txt "$WORK/case/sources/"
cat > "$WORK/case/sources/page.html" <<'HTML'
<!-- saved from a browser -->
<html><head><meta property="og:site_name" content="Kyiv Independent"><title>Court hears witnesses</title></head>
<body><h1>Court hears witnesses</h1><p>The hearing began on Monday in the district court.</p></body></html>
HTML
cat > "$WORK/case/meta.yaml" <<'YAML'
outlet: Courthouse News Service
items:
  002_5c30c1cf42327977.txt:
    published: 2022-03-23
YAML
cd "$WORK/case"
"$A" --version
"$A" ingest sources --meta meta.yaml --json > ingest.json
grep -q '"ingested": 6' ingest.json
"$A" verify
"$A" list > list.txt && grep -q 'Courthouse News Service' list.txt
PAGE=$(python3 -c 'import json; print([i["item"] for i in json.load(open("ingest.json"))["items"] if i["name"] == "page.html"][0])')
"$A" show "$PAGE" --json > page.json
grep -q '"media_type": "text/html"' page.json
grep -q 'Kyiv Independent' page.json   # extracted in the sandbox, from the installed package
"$A" manifest --all -o manifest.json
"$A" manifest --all --format md -o manifest.md && grep -q '^# Evidence manifest' manifest.md
"$A" manifest --all --format csl -o refs.json && python3 -c 'import json,sys; assert len(json.load(open("refs.json"))) == 6'
"$A" checkpoint -o cp.txt && "$A" verify --against cp.txt | grep -q 'extends it'
KEY=$("$A" key show)
cd "$WORK/elsewhere"
"$A" verify-manifest "$WORK/case/manifest.json" --key "$KEY" --files "$WORK/case/sources"
[ ! -e vault ] && [ ! -e VAULT.json ]  # checking made nothing here
if "$A" ingest "$WORK/case/meta.yaml" --meta /dev/null >/dev/null 2>err.txt; then echo "a device as a sidecar was accepted" >&2; exit 1; fi
grep -q '^error: ' err.txt
echo "installed-wheel smoke test: ok"
