"""Ledger at scale: append 1,000,000 entries, verify them all, and time inclusion and consistency proofs.

Prints figures; asserts nothing. Entries are real and go through the archive's own write path
(`Archive.write`: serialised transactions that store Merkle nodes, update the index and sign a
checkpoint), in batches as a bulk job would: 1,000 generated articles are ingested (identified and
extracted, as `archive ingest` does), then access changes (restrict/open, each pointing at the
item's previous entry) and, every hundredth, an amendment fill the ledger up to the count.
In-process and after imports, so start-up is not in it; it runs on the checkout's own venv.
Run: `.venv/bin/python bench/bench_ledger.py [--entries N]`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from archive.core.body import AccessBody, AmendBody, Body
from archive.core.claim import Claim
from archive.core.entry import decode, format_time
from archive.core.item import Fold
from archive.core.merkle import (
    batched,
    consistency_proof,
    inclusion_proof,
    root_at,
    verify_consistency,
    verify_inclusion,
)
from archive.service.archive import Archive, Context
from archive.service.ingest import IngestRequest
from archive.service.verify import verify_vault
from archive.storage.reads import load_item

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def append_entries(archive: Archive, total: int, batch: int) -> float:
    """Append `total` access and amend entries in transactions of `batch`; returns seconds taken."""
    ids = archive.item_ids()
    start = time.perf_counter()
    done = 0
    while done < total:
        with archive.write() as txn:
            fold = Fold()
            for item_id in ids:
                item = load_item(txn.w, item_id)
                assert item is not None
                fold.items[item_id] = item
            for n in range(min(batch, total - done)):
                number = done + n
                item = fold.items[ids[number % len(ids)]]
                assert item.head is not None
                now = archive.ctx.clock()
                body: Body
                if number % 100 == 99:
                    note = Claim.asserted("note", f"revision {number}", by=archive.ctx.actor, at=format_time(now))
                    body = AmendBody(item.id, item.head, f"bench correction {number}", (note,))
                    kind = "amend"
                else:
                    status = "restricted" if item.access.status == "open" else "open"
                    body = AccessBody(item.id, item.head, status, f"bench access change {number}")
                    kind = "access"
                sealed = txn.append(kind, body, now)
                fold.apply(decode(sealed.data), sealed.hash)
            txn.w.put_items([item.index_row() for item in fold.items.values()])
        done += min(batch, total - done)
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{done:,} / {total:,} entries")
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    return time.perf_counter() - start


def time_proofs(archive: Archive, size: int, samples: int = 200) -> tuple[float, float]:
    """Median seconds of one inclusion and one consistency proof at `size`, each checked."""
    rng = random.Random(7)
    inclusion: list[float] = []
    consistency: list[float] = []
    with archive.reading() as r:
        [root] = batched([partial(root_at, size)], r)
        for _ in range(samples):
            index = rng.randrange(size)
            t = time.perf_counter()
            [proof] = batched([partial(inclusion_proof, index, size)], r)
            inclusion.append(time.perf_counter() - t)
            leaf = bytes.fromhex(r.entries_at([index])[0].hash)
            assert verify_inclusion(leaf, index, size, proof, root)
            old = rng.randrange(1, size)
            t = time.perf_counter()
            [cproof] = batched([partial(consistency_proof, old, size)], r)
            consistency.append(time.perf_counter() - t)
            [old_root] = batched([partial(root_at, old)], r)
            assert verify_consistency(old, size, cproof, old_root, root)
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
        t = time.perf_counter()
        report = archive.ingest(IngestRequest(paths=[corpus]))
        ingest_s = time.perf_counter() - t
        if report.ingested != args.items:
            raise SystemExit(f"ingested {report.ingested} of {args.items} articles")
        seconds = append_entries(archive, args.entries - archive.size()[0], args.batch)
        size = archive.size()[0]
        inc, con = time_proofs(archive, size)
        archive.close()
        t = time.perf_counter()
        verified = verify_vault(vault)
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
            f"{size:,} entries in {verify_s:.1f} s, ok={bool(verified)}",
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
