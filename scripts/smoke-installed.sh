#!/usr/bin/env bash
# The package as a user installs it: build the wheel, install it into a fresh venv outside the
# checkout, and run the main workflow from there (ingest with a sidecar, verify, list, show,
# manifests in every format, a checkpoint, and verify-manifest in a directory with no vault; a web
# archive's page shown and cited; trusted time and a witness; a move into an S3 bucket and back).
# An editable install hides missing package data; this does not.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
WORK=$(mktemp -d /tmp/archive-smoke.XXXXXX)
PIDS=()
stop() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap stop EXIT
# The output of a command, whole, then a pattern in it (`cmd | grep -q` fails under pipefail when
# grep leaves at the first match while the command is still writing: SIGPIPE).
says() { local pattern=$1; shift; local out; out=$("$@") && grep -q -- "$pattern" <<<"$out"; }
# The first line a server started in the background writes to FILE (it prints its address).
first_line() { for _ in $(seq 100); do [ -s "$1" ] && { head -n 1 "$1"; return; }; sleep 0.1; done; echo "no line in $1" >&2; exit 1; }
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
"$A" checkpoint -o cp.txt && says 'extends it' "$A" verify --against cp.txt
KEY=$("$A" key show)
cd "$WORK/elsewhere"
"$A" verify-manifest "$WORK/case/manifest.json" --key "$KEY" --files "$WORK/case/sources"
[ ! -e vault ] && [ ! -e VAULT.json ]  # checking made nothing here
# A web archive (written by warcio, from the checkout's venv): one item, its page read and cited.
"$REPO/.venv/bin/python" - "$WORK/case/capture.warc.gz" "$REPO/tests" <<'PY'
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from warc_pages import page, write_warc
body = page("Dam breach floods Kherson").encode()
write_warc(Path(sys.argv[1]), [("https://news.example/kherson", body, "200 OK", "text/html")])
PY
cd "$WORK/case"
"$A" ingest capture.warc.gz --json > warc.json
WARC=$(python3 -c 'import json; print(json.load(open("warc.json"))["items"][0]["item"])')
says 'Dam breach floods Kherson' "$A" show "$WARC#https://news.example/kherson" --json
"$A" manifest "$WARC#https://news.example/kherson" -o page-manifest.json
cd "$WORK/elsewhere"
says '^ok' "$A" verify-manifest "$WORK/case/page-manifest.json" --key "$KEY"
if "$A" ingest "$WORK/case/meta.yaml" --meta /dev/null >/dev/null 2>err.txt; then echo "a device as a sidecar was accepted" >&2; exit 1; fi
grep -q '^error: ' err.txt
# Trusted time and a witness, as a user configures them: a real TSA on 127.0.0.1 (`openssl ts
# -reply` behind tests/tsa_server.py, with a CA made here) and `archive witness serve` from the
# installed package; both stopped by pid on exit.
cd "$WORK/case"
"$REPO/.venv/bin/python" -c 'import sys; sys.path.insert(0, sys.argv[2]); from pathlib import Path; from tsa_server import make_pki; make_pki(Path(sys.argv[1]), embed_ca=False)' "$WORK/pki" "$REPO/tests"
"$REPO/.venv/bin/python" "$REPO/tests/tsa_server.py" "$WORK/pki" ok > tsa.out 2>&1 &
PIDS+=($!)
TSA_URL="http://127.0.0.1:$(first_line tsa.out | cut -d' ' -f2)/tsa"
says 'added TSA' "$A" tsa add "$TSA_URL" --roots "$WORK/pki/ca.pem"
says '^stamped' "$A" timestamp
"$A" witness serve --state "$WORK/wstate" --listen 127.0.0.1:0 --log "$KEY" > witness.out 2>witness.err &
PIDS+=($!)
W_URL=$(first_line witness.out | sed 's/.* listening on //')
WKEY=$("$A" witness key --state "$WORK/wstate")
says configured "$A" witness add "$W_URL" --key "$WKEY"
says cosigned "$A" cosign
"$A" ingest "$WORK/case/meta.yaml" --raw > /dev/null 2>ingest.err   # a write: stamped and cosigned after it
if grep -q warning ingest.err; then cat ingest.err >&2; exit 1; fi   # the TSA and the witness both answered
says 'no problems' "$A" verify
"$A" manifest --all -o timed.json
cd "$WORK/elsewhere"
says cosigned "$A" verify-manifest "$WORK/case/timed.json" --key "$KEY" --tsa-roots "$WORK/pki/ca.pem" --witness "$WKEY"
# A move, as a user makes it: the vault into a bucket with Object Lock (a real SeaweedFS on
# 127.0.0.1, from the checkout's venv; stopped by pid on exit) and back to a local folder, both
# verified, and the checkpoint kept before the move still proven against each copy.
cd "$WORK/case"
"$REPO/.venv/bin/python" - "$REPO/tests" > s3.out 2> s3.err <<'PY' &
import json, signal, sys, time
sys.path.insert(0, sys.argv[1])
from s3_server import SeaweedServer
server = SeaweedServer()
signal.signal(signal.SIGTERM, lambda *_: (server.destroy(), sys.exit(0)))
server.start()
server.make_bucket("smoke-evidence")
print(json.dumps({"AWS_ENDPOINT": server.endpoint, **server.env()}), flush=True)
while True:
    time.sleep(1)
PY
PIDS+=($!)
for _ in $(seq 600); do [ -s s3.out ] && break; sleep 0.1; done
[ -s s3.out ] || { cat s3.err >&2; exit 1; }
eval "$(python3 -c 'import json, shlex; print(" ".join(f"export {k}={shlex.quote(v)}" for k, v in json.load(open("s3.out")).items()))')"
says 'the copy verifies' "$A" migrate --into "$WORK/team" --objects s3://smoke-evidence/case \
    --s3-endpoint "$AWS_ENDPOINT" --retention-days 1
[ ! -e "$WORK/team/objects" ]   # the bytes are in the bucket
says 'extends it' "$A" verify --vault "$WORK/team" --against cp.txt
says 'the copy verifies' "$A" migrate --vault "$WORK/team" --into "$WORK/court"
says 'extends it' "$A" verify --vault "$WORK/court" --against cp.txt
echo "installed-wheel smoke test: ok"
