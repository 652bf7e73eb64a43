"""Full verification of a vault: ledger, chain, objects and index, every problem reported.

Like bagit-python's validator it never stops at the first fault: each check adds what it finds to
one Report, and each problem names its stable code and the entry, item or path it concerns.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.digest import hash_file, is_hex_digest
from archive.errors import ArchiveError
from archive.items import EntryRuleError, ItemState, apply
from archive.ledger import check_entries
from archive.objects import ObjectStore
from archive.problems import Problem, Report
from archive.storage import Reader, Store
from archive.vault import DATABASE, read_marker

# (phase, done, total): phase is "ledger" (entries) or "objects" (bytes)
ProgressFn = Callable[[str, int, int], None]


@dataclass(frozen=True)
class _Expected:
    item: str
    size: int


def verify_vault(path: Path, progress: ProgressFn | None = None, workers: int | None = None) -> Report:
    """Check everything in the vault at `path` and return a report of every problem found."""
    report = Report()
    try:
        read_marker(path)
    except ArchiveError as exc:
        report.add([Problem("VAULT_FORMAT", str(exc), path=str(path))])
    try:
        store = Store.sqlite(path / DATABASE, create=False)
    except ArchiveError as exc:
        report.add([Problem("DATABASE_UNREADABLE", str(exc), path=str(path / DATABASE))])
        return report
    try:
        with store.read() as reader:
            items = _check_ledger(reader, report, progress)
            _check_index(reader, items, report)
    except ArchiveError as exc:
        report.add([Problem("DATABASE_UNREADABLE", str(exc), path=str(path / DATABASE))])
        return report
    finally:
        store.close()
    _check_objects(ObjectStore(path), items, report, progress, workers or min(8, os.cpu_count() or 2))
    return report


def _check_ledger(reader: Reader, report: Report, progress: ProgressFn | None) -> dict[str, ItemState]:
    total = reader.size()
    items: dict[str, ItemState] = {}
    count = 0
    for checked in check_entries(reader.entries()):
        report.add(checked.problems)
        if checked.entry is not None:
            try:
                apply(items, checked.entry, checked.hash)
            except EntryRuleError as exc:
                report.add([Problem("ENTRY_INVALID", str(exc), seq=checked.row.seq)])
        count += 1
        if progress is not None and count % 500 == 0:
            progress("ledger", count, total)
    if progress is not None:
        progress("ledger", count, total)
    report.counts["entries"] = count
    report.counts["items"] = len(items)
    return items


def _check_index(reader: Reader, items: dict[str, ItemState], report: Report) -> None:
    rows = dict(reader.index_rows())
    for item_id, state in items.items():
        row = rows.pop(item_id, None)
        if row is None:
            report.add([Problem("INDEX_MISSING", "the index has no row for this item", item=item_id)])
            continue
        differing = _differences(row, state)
        if differing:
            report.add(
                [
                    Problem(
                        "INDEX_MISMATCH",
                        f"index disagrees with the ledger on {', '.join(differing)}",
                        item=item_id,
                    )
                ]
            )
    for item_id in sorted(rows):
        report.add(
            [Problem("INDEX_EXTRA", "the index has a row for an item the ledger does not have", item=item_id)]
        )


def _differences(row: dict[str, Any], state: ItemState) -> list[str]:
    expected = {
        "size": state.size,
        "media_type": state.media_type,
        "name": state.name,
        "ingest_seq": state.ingest_seq,
        "last_seq": state.last_seq,
        "ingested_at": state.ingested_at,
        "state": state.state_bytes(),
    }
    return [k for k, v in expected.items() if (bytes(row[k]) if k == "state" else row[k]) != v]


def _check_objects(
    objects: ObjectStore,
    items: dict[str, ItemState],
    report: Report,
    progress: ProgressFn | None,
    workers: int,
) -> None:
    expected = {item_id: _Expected(item_id, s.size) for item_id, s in items.items()}
    for name, path in objects.iter_stored():
        if not is_hex_digest(name) or name not in expected or path.parent.name != name[:2]:
            report.add(
                [
                    Problem(
                        "OBJECT_UNKNOWN",
                        "a file in the object store the ledger does not know",
                        path=str(path),
                    )
                ]
            )
    total = sum(e.size for e in expected.values())
    done = 0

    def check(exp: _Expected) -> list[Problem]:
        path = objects.locate(exp.item)
        if path is None:
            return [Problem("OBJECT_MISSING", "the object is not in the vault", item=exp.item)]
        try:
            size = path.stat().st_size
            if size != exp.size:
                return [
                    Problem(
                        "OBJECT_SIZE_MISMATCH",
                        f"{size} bytes, the ledger says {exp.size}",
                        item=exp.item,
                        path=str(path),
                    )
                ]
            digest, _ = hash_file(path)
        except OSError as exc:
            return [
                Problem("OBJECT_UNREADABLE", f"cannot read: {exc.strerror}", item=exp.item, path=str(path))
            ]
        if digest.hex != exp.item:
            return [
                Problem("OBJECT_HASH_MISMATCH", f"bytes hash to {digest.hex}", item=exp.item, path=str(path))
            ]
        return []

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for exp, problems in zip(expected.values(), pool.map(check, expected.values()), strict=True):
            report.add(problems)
            done += exp.size
            if progress is not None:
                progress("objects", done, total)
    report.counts["objects"] = len(expected)
    report.counts["bytes"] = total
