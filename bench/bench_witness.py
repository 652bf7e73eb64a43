"""The cost a witness cosignature adds to one ingest: the same small ingests into a vault without a
witness and into one with a witness configured (a real `archive witness serve` on 127.0.0.1,
started here and stopped by its pid), and the cosign round trip alone.

Prints figures; asserts nothing. In-process and after imports, so start-up is not in it; the
extractor pool is started once and shared. Each ingest is one new file (one write transaction,
one checkpoint); with a witness, the request (with a consistency proof from the size it last
cosigned) happens after the commit, as in `archive ingest`.
Run: `.venv/bin/python bench/bench_witness.py [--ingests N]`.
"""

from __future__ import annotations

import argparse
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from archive.service.archive import Archive, Context
from archive.service.extraction import Extractors
from archive.service.ingest import IngestRequest
from archive.service.witnesses import add_witness, cosign

ARCHIVE = Path(sys.executable).parent / "archive"


def _ingests(archive: Archive, folder: Path, count: int, tag: str, runner: Extractors) -> list[float]:
    times = []
    for i in range(count):
        path = folder / f"{tag}-{i}.txt"
        path.write_text(f"Bench article {tag} {i}\n\nA short text to ingest, number {i}.\n")
        began = time.perf_counter()
        archive.ingest(IngestRequest(paths=[path]), runner)
        times.append(time.perf_counter() - began)
        if archive.warnings:
            raise SystemExit(f"a witness failed during the benchmark: {archive.warnings}")
    return times


def _ms(values: list[float]) -> str:
    cut = sorted(values)
    p90 = cut[min(len(cut) - 1, int(len(cut) * 0.9))]
    return f"median {statistics.median(values) * 1000:7.2f} ms   p90 {p90 * 1000:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ingests", type=int, default=40)
    count = parser.parse_args().ingests
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        plain, _ = Archive.open(root / "plain", Context(actor="bench", origin="bench.example/plain"), create=True)
        witnessed, _ = Archive.open(root / "witnessed", Context(actor="bench", origin="bench.example/w"), create=True)
        key = str(witnessed.keys().current)
        serve = [str(ARCHIVE), "witness", "serve", "--state", str(root / "ws"), "--listen", "127.0.0.1:0"]
        proc = subprocess.Popen(
            [*serve, "--log", key, "--name", "bench.example/witness"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert proc.stdout is not None
            if not select.select([proc.stdout], [], [], 60)[0]:
                raise SystemExit("the witness did not start")
            url = proc.stdout.readline().split(" on ", 1)[1].strip()
            wkey = proc.stdout.readline().split(": ", 1)[1].strip()
            add_witness(witnessed.vault.path, url, wkey)
            cosign(witnessed)  # the first cosignature (old size 0) is not what an ingest pays
            with Extractors() as runner:
                _ingests(plain, root, 3, "warm-plain", runner)
                _ingests(witnessed, root, 3, "warm-witnessed", runner)
                without = _ingests(plain, root, count, "plain", runner)
                with_witness = _ingests(witnessed, root, count, "witnessed", runner)
            rounds = []
            for _ in range(count):
                began = time.perf_counter()
                report = cosign(witnessed)
                rounds.append(time.perf_counter() - began)
                assert [o.status for o in report.outcomes] == ["cosigned"]
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            plain.close()
            witnessed.close()
    added = statistics.median(with_witness) - statistics.median(without)
    print(f"{count} ingests of one small text file each (one write transaction and checkpoint each):")
    print(f"  without a witness      {_ms(without)}")
    print(f"  with one witness       {_ms(with_witness)}")
    print(f"  added per ingest       {added * 1000:7.2f} ms (difference of medians)")
    print(f"  cosign round trip      {_ms(rounds)}  (archive cosign's work, in-process, localhost witness)")


if __name__ == "__main__":
    main()
