"""The cost an RFC 3161 timestamp adds to one ingest: a real TSA (`openssl ts -reply` behind the test
server, tests/tsa_server.py) on 127.0.0.1, asked over HTTP after each ingest as a configured TSA is.

Prints figures; asserts nothing. In-process, after imports, on the checkout's own venv: each rep
ingests one new generated article (one batch, one checkpoint) and then asks the TSA for a token over
the new checkpoint and keeps it (`archive.service.timestamps.timestamp`: request, HTTP, reply
parsed, token verified against the roots, stored), timing the two apart; then `verify_vault`
with and without the tokens' checks is timed once per vault size. A remote TSA adds its network
round trip to the figure here; openssl's signing is most of the local one.
Run: `.venv/bin/python bench/bench_timestamp.py [--reps N]`.
"""

from __future__ import annotations

import argparse
import importlib.util
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from archive.evidence.tokens import check_token, load_roots
from archive.service.archive import Archive, Context
from archive.service.ingest import IngestRequest
from archive.service.timestamps import timestamp
from archive.service.tsaconfig import TSA
from archive.service.verify import verify_vault

SERVER = Path(__file__).resolve().parent.parent / "tests" / "tsa_server.py"


def _server_module() -> Any:
    spec = importlib.util.spec_from_file_location("tsa_server", SERVER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _start(pki: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, str(SERVER), str(pki), "ok"], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    if not ready:
        proc.kill()
        raise SystemExit("the TSA did not start")
    return proc, f"http://127.0.0.1:{int(proc.stdout.readline().split()[1])}/tsa"


def _article(where: Path, n: int) -> Path:
    path = where / f"article-{n:04d}.txt"
    body = f"Benchmark article {n}\n\nBy A. Writer\n\n" + f"Paragraph {n} of text about the archive. " * 40 + "\n"
    path.write_text(body, "utf-8")
    return path


def _ms(values: list[float]) -> str:
    low, high = min(values) * 1000, max(values) * 1000
    return f"median {statistics.median(values) * 1000:7.1f} ms  (min {low:6.1f}, max {high:6.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20, help="ingests (each timestamped) to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-timestamp-") as tmp:
        work = Path(tmp)
        pki = _server_module().make_pki(work / "pki", "Bench", embed_ca=False)
        proc, url = _start(pki)
        try:
            tsa = TSA(url, (pki / "ca.pem").read_text("utf-8"))
            ctx = Context(actor="bench", origin="example.org/bench-timestamp")
            archive, _ = Archive.open(work / "vault", ctx, create=True)
            sources = work / "sources"
            sources.mkdir()
            ingest_s: list[float] = []
            stamp_s: list[float] = []
            with archive:
                timestamp(archive, [tsa])  # the first exchange warms the server and the TLS-less socket path
                for n in range(args.reps):
                    path = _article(sources, n)
                    start = time.perf_counter()
                    archive.ingest(IngestRequest(paths=[str(path)], values={}))
                    middle = time.perf_counter()
                    [outcome] = timestamp(archive, [tsa])
                    end = time.perf_counter()
                    if outcome.status != "stamped":
                        raise SystemExit(f"the TSA failed: {outcome.detail}")
                    ingest_s.append(middle - start)
                    stamp_s.append(end - middle)
                with archive.reading() as reader:
                    size, note = reader.latest_checkpoint() or (0, "")
                    token = reader.timestamps(size)[0][2]
            roots = load_roots((pki / "ca.pem").read_bytes())
            check_s = []
            for _ in range(50):
                start = time.perf_counter()
                check_token(token, note, roots)
                check_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            report = verify_vault(work / "vault")
            verify_all = time.perf_counter() - start
        finally:
            proc.kill()
            proc.wait(timeout=30)
    added = statistics.median(stamp_s) / statistics.median(ingest_s)
    print(f"ingest of one article (one batch, one checkpoint), {args.reps} reps:")
    print(f"  ingest alone:                 {_ms(ingest_s)}")
    print(
        f"  timestamp after it:           {_ms(stamp_s)}  (request, HTTP to the local TSA, openssl signs, check, store)"
    )
    print(f"  cost a timestamp adds:        {added * 100:.0f}% of the ingest")
    print(f"  checking one stored token:    {_ms(check_s)}  (parse, imprint, CMS signature, chain)")
    print(
        f"verify of the vault ({report.counts.get('entries')} entries, {report.counts.get('timestamps')} tokens): "
        f"{verify_all * 1000:.0f} ms, ok={bool(report)}"
    )


if __name__ == "__main__":
    main()
