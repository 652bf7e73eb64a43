"""In-process ingest through the library, timed after imports: `python -m bench.inproc CORPUS VAULT`.

Runs what `archive ingest` runs (`collect`, `inspect_all`, `Archive.ingest`) without the CLI, and
prints one JSON object: wall time of each phase, and the time spent inside a few package functions
(summed over the threads that call them, so these can exceed the wall time of their phase).
With `--profile FILE` the run is under cProfile instead (main thread only: time that worker
threads spend shows as waiting on a lock) and the statistics go to FILE.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

from archive.service.archive import Archive, Context
from archive.service.sources import Source, collect, inspect_all
from archive.storage.objects import ObjectStore, Stager

_totals: dict[str, float] = {}
_counts: dict[str, int] = {}
_lock = threading.Lock()


def _instrument(owner: object, name: str, label: str) -> None:
    """Wrap `owner.name` (a class or a module) to add its time to `label` (skipped when absent)."""
    original = getattr(owner, name, None)
    if original is None:
        return

    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent = time.perf_counter() - start
            with _lock:
                _totals[label] = _totals.get(label, 0.0) + spent
                _counts[label] = _counts.get(label, 0) + 1

    setattr(owner, name, timed)


def _no_claims(_source: Source) -> dict[str, list[Any]]:
    return {}


def ingest(corpus: Path, vault: Path, *, raw: bool, batch_size: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    files, _skipped = collect([corpus])
    t1 = time.perf_counter()
    sources = inspect_all(files, raw=raw)
    t2 = time.perf_counter()
    archive, _created = Archive.open(vault, Context(actor="bench"), create=True)
    t3 = time.perf_counter()
    ingested = 0
    try:
        for batch in archive.ingest(sources, _no_claims, batch_size=batch_size):
            ingested += sum(1 for r in batch if r.status == "ingested")
    finally:
        archive.close()
    t4 = time.perf_counter()
    phases = {"collect": t1 - t0, "inspect": t2 - t1, "open": t3 - t2, "ingest": t4 - t3, "total": t4 - t0}
    return {"files": len(files), "ingested": ingested, "phases": phases}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("vault", type=Path)
    parser.add_argument("--raw", action="store_true")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--profile", type=Path, help="run under cProfile and write the stats here")
    args = parser.parse_args(argv)

    def go() -> dict[str, Any]:
        return ingest(args.corpus, args.vault, raw=args.raw, batch_size=args.batch_size)

    if args.profile is not None:
        profiler = cProfile.Profile()
        result = profiler.runcall(go)
        profiler.dump_stats(args.profile)
    else:
        hooks: list[tuple[object, str, str]] = [
            (Stager, "stage", "stage (copy+hash)"),
            (Stager, "sync", "syncfs"),
            (ObjectStore, "place", "place"),
            (ObjectStore, "recover", "recover"),
            (Archive, "_commit", "commit (ledger+index transaction)"),
        ]
        for owner, name, label in hooks:
            _instrument(owner, name, label)
        _instrument_sources()
        result = go()
    result["inside"] = {k: {"seconds": v, "calls": _counts[k]} for k, v in sorted(_totals.items())}
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


def _instrument_sources() -> None:
    """Time libmagic detection and the UTF-8 check inside `inspect` (looked up on the module)."""
    import archive.service.sources as sources_module

    _instrument(sources_module, "detect", "libmagic detect")
    _instrument(sources_module, "check_utf8", "utf-8 check")


if __name__ == "__main__":
    raise SystemExit(main())
