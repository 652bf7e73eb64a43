"""Verifying objects kept in an S3 bucket: every object streamed and hashed from the bucket in
parallel, its current version's COMPLIANCE lock checked against the vault's declared retention, and
keys the ledger does not know reported (an address that is no object as a problem; an upload whose
entry never committed as a warning, since a locked object cannot be removed)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from archive.core.digest import is_hex_digest
from archive.core.problems import Problem, Report
from archive.errors import ArchiveError
from archive.storage.bucket import BucketStore

ProgressFn = Callable[[str, int, int], None]
WORKERS = 8  # objects read from the bucket at once: network-bound, so more than the cores


def list_keys(store: BucketStore, report: Report) -> list[tuple[str, str]] | None:
    """The bucket's object keys, or None (and a problem) when the bucket cannot be listed."""
    try:
        return list(store.iter_keys())
    except ArchiveError as exc:
        report.add([Problem("OBJECT_UNREADABLE", f"cannot list the objects: {exc}", path=store.where)])
        return None


def check_bucket(
    store: BucketStore,
    keys: list[tuple[str, str]] | None,
    sizes: Mapping[str, int],
    report: Report,
    progress: ProgressFn | None,
    workers: int | None = None,
) -> None:
    """Each object the ledger names, and each key the bucket holds (listed before the ledger was read)."""
    report.counts["objects"] = len(sizes)
    report.counts["bytes"] = sum(sizes.values())
    if keys is None:
        return
    for name, key in keys:
        if not is_hex_digest(name) or key != store.s3.key_for(name):
            report.add([Problem("OBJECT_UNKNOWN", "a key in the bucket that is not an object's address", path=key)])
        elif name not in sizes:
            report.warn([Problem("OBJECT_UNCOMMITTED", "an object in the bucket that no entry names", path=key)])
    for done, (digest, problem) in enumerate(store.check_all(sizes, workers or WORKERS), start=1):
        if problem is not None:
            report.add([problem._replace(item=digest)])
        if progress is not None:
            progress("objects", done, len(sizes))
