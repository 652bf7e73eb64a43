"""In-process ingest through the library, timed after imports: `python bench/inproc.py CORPUS VAULT`.

Runs what `archive ingest` runs (`plan`: find, check and identify every file; then `run`: the
sandbox's workers copy, hash and read each file while a committer thread makes each batch durable)
without the CLI, and prints one JSON object: the wall time of each phase, and the time spent inside
a few package functions, or waiting on them (summed over the threads that call them, so these can
exceed the wall time of their phase). Run it as a script with
the benchmark venv's python, so that `archive` is the installed package, not the checkout.
With `--profile FILE` the run is under cProfile instead (main thread only: time that worker
threads and the extraction processes spend shows as waiting) and the statistics go to FILE.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import json
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from archive.service.archive import Archive, Context
from archive.service.extraction import Extractors
from archive.service.ingest import IngestRequest, plan, run
from archive.storage.objects import ObjectStore, Stager

_totals: dict[str, float] = {}
_counts: dict[str, int] = {}
_lock = threading.Lock()


def _add(label: str, spent: float) -> None:
    with _lock:
        _totals[label] = _totals.get(label, 0.0) + spent
        _counts[label] = _counts.get(label, 0) + 1


def _instrument(owner: object, name: str, label: str, *, waits: bool = False) -> None:
    """Wrap `owner.name` (a class or a module) to add its time to `label` (skipped when absent).

    `waits`: the function returns an iterator; what counts is the time its caller waits in each
    `next` (the work itself runs elsewhere, in the sandbox's processes).
    """
    original = getattr(owner, name, None)
    if original is None:
        return

    def waited(items: Iterator[Any]) -> Iterator[Any]:
        while True:
            start = time.perf_counter()
            try:
                item = next(items)
            except StopIteration:
                return
            finally:
                _add(label, time.perf_counter() - start)
            yield item

    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            result = original(*args, **kwargs)
            return waited(iter(result)) if waits else result
        finally:
            if not waits:
                _add(label, time.perf_counter() - start)

    setattr(owner, name, timed)


def _instrument_all() -> None:
    import archive.service.ingest as ingest_module
    import archive.service.sources as sources_module

    hooks: list[tuple[object, str, str, bool]] = [
        (sources_module, "identify", "identify (libmagic + sniff)", False),
        (sources_module, "_utf8_problem", "utf-8 check", False),
        (Extractors, "map", "waiting for the sandbox (copy+hash+extract)", True),
        (Stager, "stage", "stage in the writer (large files)", False),
        (ingest_module, "_hand_over", "waiting for the committer", False),
        (Stager, "sync", "syncfs", False),
        (ingest_module, "_commit", "commit (ledger+index transaction)", False),
        (ObjectStore, "place", "place", False),
        (ObjectStore, "recover", "recover", False),
    ]
    for owner, name, label, waits in hooks:
        _instrument(owner, name, label, waits=waits)


def ingest(corpus: Path, vault: Path, *, raw: bool, batch_size: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    planned = plan(IngestRequest(paths=[corpus], raw=raw, batch_size=batch_size), "bench")
    t1 = time.perf_counter()
    archive, _created = Archive.open(vault, Context(actor="bench"), create=True)
    t2 = time.perf_counter()
    ingested = 0
    try:
        with Extractors() as extractors:
            for batch in run(archive, planned, extractors, batch_size=batch_size):
                ingested += sum(1 for r in batch if r.status == "ingested")
    finally:
        archive.close()
    t3 = time.perf_counter()
    phases = {"plan": t1 - t0, "open": t2 - t1, "ingest": t3 - t2, "total": t3 - t0}
    return {"files": len(planned.sources), "ingested": ingested, "phases": phases}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("vault", type=Path)
    parser.add_argument("--raw", action="store_true")
    parser.add_argument("--batch-size", type=int, default=IngestRequest.batch_size)
    parser.add_argument("--profile", type=Path, help="run under cProfile and write the stats here")
    args = parser.parse_args(argv)

    def go() -> dict[str, Any]:
        return ingest(args.corpus, args.vault, raw=args.raw, batch_size=args.batch_size)

    if args.profile is not None:
        profiler = cProfile.Profile()
        result = profiler.runcall(go)
        profiler.dump_stats(args.profile)
    else:
        _instrument_all()
        result = go()
    result["inside"] = {k: {"seconds": v, "calls": _counts[k]} for k, v in sorted(_totals.items())}
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
