"""Ledger at scale: append 1,000,000 entries, verify them all, and time inclusion and consistency proofs.

Prints figures; asserts nothing. Entries are real and go through the archive's own write path
(serialised transactions that store Merkle nodes and sign a checkpoint), in batches as a bulk job
would: 1,000 generated articles are ingested, then access changes (restrict/open, each pointing
at the item's previous entry) and, every hundredth, an amendment fill the ledger up to the count.
Run: `.venv/bin/python bench/bench_ledger.py [--entries N]`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from archive.core.entry import decode, format_time
from archive.core.item import apply
from archive.core.merkle import consistency_proof, inclusion_proof, root_at, verify_consistency, verify_inclusion
from archive.service.archive import Archive, Context, item_row, state_from_bytes
from archive.service.sources import collect, inspect_all
from archive.service.verify import verify_vault

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def append_entries(archive: Archive, total: int, batch: int) -> float:
    """Append `total` amend entries in transactions of `batch`; returns seconds taken."""
    ids = [s.id for s in archive.items()]
    start = time.perf_counter()
    done = 0
    while done < total:
        with archive._write() as txn:
            states = {i: state_from_bytes(txn.w.item_state(i) or b"") for i in ids}
            for n in range(min(batch, total - done)):
                item = ids[(done + n) % len(ids)]
                state = states[item]
                now = datetime.now(UTC)
                body = {
                    "item": item,
                    "previous": {"seq": state.last_seq, "hash": state.last_hash},
                    "reason": f"bench correction {done + n}",
                    "claims": [
                        {
                            "field": "note",
                            "value": f"revision {done + n}",
                            "source": "asserted",
                            "by": "bench",
                            "at": format_time(now),
                        }
                    ],
                }
                sealed = txn.append("amend", body, now)
                apply(states, decode(sealed.data), sealed.hash)
            for state in states.values():
                txn.w.put_item(item_row(state))
        done += min(batch, total - done)
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{done:,} / {total:,} entries")
    return time.perf_counter() - start


def time_proofs(archive: Archive, size: int, samples: int = 200) -> tuple[float, float]:
    rng = random.Random(7)
    inclusion: list[float] = []
    consistency: list[float] = []
    with archive.vault.store.read() as r:
        root = root_at(size, r.node)
        for _ in range(samples):
            index = rng.randrange(size)
            t = time.perf_counter()
            proof = inclusion_proof(index, size, r.node)
            inclusion.append(time.perf_counter() - t)
            assert verify_inclusion(r.leaf(index), index, size, proof, root)
            old = rng.randrange(1, size)
            t = time.perf_counter()
            cproof = consistency_proof(old, size, r.node)
            consistency.append(time.perf_counter() - t)
            assert verify_consistency(old, size, cproof, root_at(old, r.node), root)
    return statistics.median(inclusion), statistics.median(consistency)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ledger-") as tmp:
        vault = Path(tmp) / "vault"
        archive, _ = Archive.open(vault, Context(actor="bench", host="bench"), create=True)
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        words = (SEEDS / "000_db7ac71fd7a6e07f.txt").read_text("utf-8").split()
        for i in range(args.items):
            text = " ".join(words[(i * 7) % len(words) :] + words[: (i * 7) % len(words)])
            (corpus / f"article-{i:05d}.txt").write_text(f"Article number {i}\n\n{text}\n", "utf-8")
        files, _ = collect([corpus])
        t = time.perf_counter()
        for _batch in archive.ingest(inspect_all(files, raw=False), lambda _s: {}):
            pass
        ingest_s = time.perf_counter() - t
        seconds = append_entries(archive, args.entries - archive.size()[0], args.batch)
        size = archive.size()[0]
        inc, con = time_proofs(archive, size)
        archive.close()
        t = time.perf_counter()
        report = verify_vault(vault)
        verify_s = time.perf_counter() - t
        db_mb = (vault / "ledger.sqlite").stat().st_size / 1e6
    appended = size - args.items - 1
    rows = [
        ("ingest", f"{args.items / ingest_s:,.0f} items/s", f"{args.items:,} generated articles in {ingest_s:.1f} s"),
        (
            "append",
            f"{appended / seconds:,.0f} entries/s",
            f"{appended:,} entries in {seconds:.1f} s, batches of {args.batch:,}",
        ),
        (
            "verify (full)",
            f"{size / verify_s:,.0f} entries/s",
            f"{size:,} entries in {verify_s:.1f} s, ok={bool(report)}",
        ),
        ("inclusion proof", f"{inc * 1000:.3f} ms", f"median of 200 at size {size:,} (target < 50 ms)"),
        ("consistency proof", f"{con * 1000:.3f} ms", f"median of 200 at size {size:,}"),
        ("database", f"{db_mb:,.0f} MB", "ledger.sqlite after the run"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, figure, detail in rows:
        print(f"{name:<{width}}  {figure:>22}  {detail}")


if __name__ == "__main__":
    main()
