"""Full verification of a vault: ledger, chain, keys, Merkle tree, checkpoints, objects and index.

Like bagit-python's validator it never stops at the first fault: each check adds what it finds to
one Report, and each problem names its stable code and the entry, item or path it concerns. A
damaged vault is reported, never a crash. Every entry is parsed once (its canonical form checked
in the same step) and folded once; index rows are compared as values.
"""

from __future__ import annotations

import base64
import gc
import itertools
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from archive.core.announce import KeyHistory, KeyRuleError
from archive.core.checkpoint import FIRST, Checkpoint, check_checkpoint
from archive.core.digest import is_hex_digest
from archive.core.entry import check_entries, format_time
from archive.core.item import Fold, IndexRow, Item
from archive.core.merkle import CompactRange, batched, consistency_proof, node_hash, verify_consistency
from archive.core.note import VerifierKey
from archive.core.problems import Problem, Report
from archive.core.strict import RuleError
from archive.errors import ArchiveError
from archive.service.vaultfiles import check_key_file, writable_directories, writable_object
from archive.service.verifybucket import check_bucket, list_keys
from archive.service.verifyweb import Facts, check_files, check_rows, web_archives
from archive.storage.backends import describe, open_ledger
from archive.storage.bucket import BucketStore, open_objects
from archive.storage.keystore import key_dir
from archive.storage.objects import ObjectStore
from archive.storage.port import Reader
from archive.storage.scan import Hashed, Scan, hash_path, stat_size
from archive.storage.upgrade import index_row
from archive.storage.vault import DEFAULT_LEDGER, Marker, read_marker

FUTURE_TOLERANCE_S = 300  # an entry up to this far past the verifier's clock is clock skew, not forgery
SMALL_AVERAGE = 1 << 20  # bytes per object below which objects are hashed after the entries are checked
# (phase, done, total): phase is "ledger" (entries) or "objects" (bytes)
ProgressFn = Callable[[str, int, int], None]


@dataclass
class LedgerFacts:
    """What one pass over the entries learned: items, keys, and the tree roots at chosen sizes."""

    items: dict[str, Item] = field(default_factory=dict)
    keys: KeyHistory = field(default_factory=KeyHistory)
    size: int = 0
    roots: dict[int, bytes] = field(default_factory=dict)
    leaves: bytearray = field(default_factory=bytearray)


@dataclass(frozen=True)
class Against:
    """A checkpoint obtained earlier, to prove the current ledger extends it."""

    note: str
    trusted: tuple[VerifierKey, ...] = ()  # keys the user pinned; empty: the ledger's own keys
    source: str = ""  # where it came from (a file name), for the report


def verify_vault(
    path: Path,
    progress: ProgressFn | None = None,
    workers: int | None = None,
    against: Iterable[Against] = (),
    now: datetime | None = None,
    tsa_roots: Sequence[bytes] = (),
) -> Report:
    """Check everything in the vault at `path` and return a report of every problem found.

    `now` is the verifier's clock (default: the system's): an entry dated more than
    FUTURE_TOLERANCE_S after it is ENTRY_FROM_FUTURE. `tsa_roots` (PEM) are trusted for
    time-stamp tokens beside the roots of the vault's configured TSAs.
    """
    if now is None:
        from datetime import UTC

        now = datetime.now(UTC)
    latest = format_time(now + timedelta(seconds=FUTURE_TOLERANCE_S))
    # The fold keeps every item alive and makes no reference cycles: the cyclic collector would
    # only rescan a growing heap over and over (about a tenth of the time), so it waits until done.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _verify(path, progress, workers, against, latest, tsa_roots)
    finally:
        if collecting:
            gc.enable()


def _verify(
    path: Path,
    progress: ProgressFn | None,
    workers: int | None,
    against: Iterable[Against],
    latest: str,
    tsa_roots: Sequence[bytes] = (),
) -> Report:
    report = Report()
    marker: Marker | None = None
    try:
        marker = read_marker(path)
        report.counts["format"] = marker.version
    except ArchiveError as exc:
        report.add([Problem("VAULT_FORMAT", str(exc), path=str(path))])
    # Objects are listed before the ledger is read (so every object listed is one whose entry the
    # snapshot below already holds) and hashed in the background from here on, while the entries
    # are checked.
    objects = open_objects(path, marker.objects) if marker is not None else ObjectStore(path)
    bucket = objects if isinstance(objects, BucketStore) else None
    keys = list_keys(bucket, report) if bucket is not None else None
    files = list(objects.iter_stored()) if bucket is None else []
    sized = [(p, stat_size(p)) for _, p in files]
    # Large objects hash at C speed with the GIL released: hashing them in the background while the
    # entries are checked is free. Many small ones keep the hashing threads in Python, where they
    # would slow the entry checks more than they gain, so they are hashed after.
    small = sum(max(size, 0) for _, size in sized) < SMALL_AVERAGE * max(len(sized), 1)
    scan = Scan(sized, workers or min(8, os.cpu_count() or 2), deferred=small)
    try:
        config = marker.ledger if marker is not None else DEFAULT_LEDGER
        where = describe(path, config)
        try:
            ledger = open_ledger(path, config, read_only=True)
        except ArchiveError as exc:
            report.add([Problem("DATABASE_UNREADABLE", str(exc), path=where)])
            return report
        pinned = list(against)
        try:
            layout = ledger.index_layout()
            with ledger.read() as reader:
                stored = list(reader.checkpoints())
                wanted = {size for size, _ in stored} | {_size_of(a.note) for a in pinned}
                report.add(
                    Problem("COLUMN_TYPE_MISMATCH", f"{rows} rows of {table}.{column} hold a value of another type")
                    for table, column, rows in reader.storage_faults()
                )
                facts = _check_ledger(reader, report, progress, wanted, latest)
                report.warn(
                    Problem("GUARD_MISSING", f"the trigger {name} is missing or altered: history can be changed")
                    for name in reader.missing_guards()
                )
                _check_index(reader, facts.items, layout, report)
                webs = web_archives(facts.items)
                web_facts: Facts = {}
                report.add(check_rows(reader, webs, web_facts))
                _check_nodes(reader, facts, report)
                _check_checkpoints(reader, stored, facts, report)
                _check_cosignatures(reader, stored, path, report)
                origin = facts.keys.origin or (marker.origin if marker else "")
                if marker is not None and facts.keys.origin and marker.origin != facts.keys.origin:
                    report.add(
                        [Problem("VAULT_FORMAT", f"marker origin {marker.origin!r} is not the ledger's {origin!r}")]
                    )
                for given in pinned:
                    _check_against(given, origin, facts, report)
                _check_timestamps(reader, stored, path, tsa_roots, report)
        except ArchiveError as exc:
            report.add([Problem("DATABASE_UNREADABLE", str(exc), path=where)])
            return report
        finally:
            ledger.close()
        if bucket is not None:
            sizes = {item_id: item.object.size for item_id, item in facts.items.items()}
            check_bucket(bucket, keys, sizes, report, progress, workers)
        else:
            _check_objects(objects, files, scan, facts.items, report, progress)
        if webs:
            damaged = {p.item for p in report.problems if p.code.startswith("OBJECT_")}
            report.add(check_files(_fetched(objects, [item for item in webs if item.id not in damaged]), web_facts))
        current = facts.keys.current
        problems, warnings = check_key_file(path, current.public_key if current else None)
        report.add(problems)
        report.warn(warnings)
        fans = sorted({p.parent for _, p in files})
        folders = [path / "objects", path / "objects" / "sha256", *fans] if bucket is None else []
        report.warn(writable_directories([path, *folders, key_dir(path)]))
    finally:
        scan.close()
    return report


def _fetched(objects: ObjectStore, items: Sequence[Item]) -> Iterator[tuple[Item, Path]]:
    """Each web archive's bytes as a file, one at a time (a bucket's downloaded to a private temporary
    directory outside the vault, which verification never writes to)."""
    with tempfile.TemporaryDirectory(prefix="archive-verify-") as spool:
        for item in items:
            with objects.fetch(item.id, into=Path(spool)) as where:
                if where is not None:
                    yield item, where


def _size_of(note: str) -> int:
    """The size a checkpoint claims, read before its signature is checked (to know which root to keep)."""
    text = note.split("\n\n", 1)[0].split("\n")
    return int(text[1]) if len(text) > 1 and text[1].isascii() and text[1].isdigit() else -1


def _check_ledger(
    reader: Reader, report: Report, progress: ProgressFn | None, wanted: set[int], latest: str
) -> LedgerFacts:
    total = reader.size()
    facts = LedgerFacts()
    fold = Fold()
    tree = CompactRange()
    if 0 in wanted:
        facts.roots[0] = tree.root()
    for checked in check_entries(reader.rows()):
        report.add(checked.problems)
        entry, seq = checked.entry, checked.row.seq
        if entry is not None:
            # Times sort as strings (one fixed format); a future time would make every write refuse.
            if entry.time > latest:
                report.add([Problem("ENTRY_FROM_FUTURE", f"dated {entry.time}, after the verifier's clock", seq=seq)])
            if seq == 0 and entry.kind != "key":
                report.add(
                    [Problem("KEY_INVALID", "entry 0 is not a key entry: the ledger must open with its key", seq=0)]
                )
            if entry.kind == "key":
                try:
                    facts.keys.apply(seq, entry.body)
                except KeyRuleError as exc:
                    report.add([Problem("KEY_INVALID", str(exc), seq=seq)])
            else:
                try:
                    fold.apply(entry, checked.hash)
                except RuleError as exc:
                    report.add([Problem("ENTRY_INVALID", str(exc), seq=seq)])
        leaf = bytes.fromhex(checked.hash)
        tree.append(leaf)
        facts.leaves += leaf
        if tree.size in wanted:
            facts.roots[tree.size] = tree.root()
        if progress is not None and tree.size % 1000 == 0:
            progress("ledger", tree.size, total)
    if progress is not None:
        progress("ledger", tree.size, total)
    facts.items = fold.items
    facts.size = tree.size
    if facts.size and not facts.keys.keys:
        report.add([Problem("KEY_INVALID", "the ledger announces no key (entry 0 must be a key entry)", seq=0)])
    report.counts["entries"] = facts.size
    report.counts["items"] = len(facts.items)
    return facts


def _check_nodes(reader: Reader, facts: LedgerFacts, report: Report) -> None:
    """Recompute each level of interior nodes from the one below and compare with the stored ones."""
    below = bytes(facts.leaves)
    deepest = max(reader.node_levels(), default=0)
    level = 0
    while len(below) >= 64 or level < deepest:
        level += 1
        expected = b"".join(node_hash(below[i : i + 32], below[i + 32 : i + 64]) for i in range(0, len(below) - 63, 64))
        count = len(expected) // 32
        seen = matched = 0
        for idx, hash_ in reader.nodes(level):
            seen += 1
            matched += idx < count and hash_ == expected[32 * idx : 32 * idx + 32]
        wrong = (seen - matched) + (count - matched)
        if wrong:
            report.add([Problem("NODE_MISMATCH", f"{wrong} nodes of level {level} are missing, extra or wrong")])
        below = expected


def _check_checkpoints(reader: Reader, stored: list[tuple[int, str]], facts: LedgerFacts, report: Report) -> None:
    origin = facts.keys.origin
    good: list[Checkpoint] = []
    sizes = {size for size, _ in stored}
    for size, note in stored:
        if size > facts.size:
            report.add([Problem("CHECKPOINT_AHEAD", f"checkpoint for {size} entries, the ledger has {facts.size}")])
            continue
        key = facts.keys.key_for_size(size)
        check = check_checkpoint(note, [key] if key else [], origin)
        if check.checkpoint is None or check.checkpoint.size != size:
            report.add([Problem("CHECKPOINT_INVALID", f"checkpoint {size}: {check.detail or 'size differs'}")])
            continue
        if check.checkpoint.root != facts.roots.get(size):
            report.add(
                [Problem("CHECKPOINT_ROOT_MISMATCH", f"checkpoint {size}: root differs from the tree at that size")]
            )
            continue
        named = check.checkpoint.previous()
        if named is not None and named != FIRST and named not in sizes:
            report.add(
                [
                    Problem(
                        "CHECKPOINT_GAP", f"checkpoint {size} names checkpoint {named} before it, which is not stored"
                    )
                ]
            )
        good.append(check.checkpoint)
    pairs = [(older, newer) for older, newer in itertools.pairwise(good) if older.size]
    try:
        proofs = batched([partial(consistency_proof, o.size, n.size) for o, n in pairs], reader)
    except ArchiveError:
        proofs = [[] for _ in pairs]
    for (older, newer), proof in zip(pairs, proofs, strict=True):
        if not verify_consistency(older.size, newer.size, proof, older.root, newer.root):
            report.add(
                [Problem("CHECKPOINT_INCONSISTENT", f"checkpoints {older.size} and {newer.size} are not consistent")]
            )
    if facts.size and facts.size not in {size for size, _ in stored}:
        report.add([Problem("CHECKPOINT_MISSING", f"no checkpoint for the current size {facts.size}")])
    report.counts["checkpoints"] = len(stored)


# ---- witnesses (issue 11) ----


def _check_cosignatures(reader: Reader, stored: list[tuple[int, str]], vault: Path, report: Report) -> None:
    """Each kept cosignature reads, is of a stored checkpoint, and (for a configured witness) verifies."""
    from archive.core.cosignature import Cosignature
    from archive.errors import CryptoError
    from archive.service.witnesses import load_config

    try:
        keys = {w.key.name: w.key for w in load_config(vault)}
    except ArchiveError:
        keys = {}  # an unreadable configuration only means the lines cannot be checked here
    notes = dict(stored)
    kept = reader.cosignatures()
    for size, witness, line, _ in kept:
        where = f"cosignature of checkpoint {size} by {witness}"
        try:
            cosig = Cosignature.parse(line)
        except CryptoError as exc:
            report.add([Problem("COSIGNATURE_INVALID", f"{where}: {exc}")])
            continue
        note = notes.get(size)
        if note is None or cosig.name != witness:
            report.add(
                [Problem("COSIGNATURE_INVALID", f"{where}: no such checkpoint, or the line names another witness")]
            )
            continue
        key = keys.get(witness)
        if key is not None and not cosig.verifies(note[: note.rfind("\n\n") + 1], key):
            report.add([Problem("COSIGNATURE_INVALID", f"{where}: does not verify with the configured key {key}")])
    report.counts["cosignatures"] = len(kept)


def _b64(raw: bytes | None) -> str:
    return base64.b64encode(raw).decode() if raw is not None else "none"


def _check_against(given: Against, origin: str, facts: LedgerFacts, report: Report) -> None:
    keys = list(given.trusted) or facts.keys.all()
    check = check_checkpoint(given.note, keys, origin or None)
    if check.checkpoint is None:
        report.add([Problem("PINNED_CHECKPOINT_UNVERIFIED", check.detail, path=given.source or None)])
        return
    cp = check.checkpoint
    proved = {"source": given.source, "size": cp.size, "root": _b64(cp.root), "extended": False}
    report.against.append(proved)
    if cp.size > facts.size:
        report.add(
            [
                Problem(
                    "LEDGER_ROLLED_BACK",
                    f"the checkpoint covers {cp.size} entries but the ledger has only {facts.size}",
                    path=given.source or None,
                )
            ]
        )
        return
    actual = facts.roots.get(cp.size)
    if actual != cp.root:
        report.add(
            [
                Problem(
                    "LEDGER_FORKED",
                    f"root at size {cp.size}: checkpoint {_b64(cp.root)}, ledger {_b64(actual)}",
                    path=given.source or None,
                )
            ]
        )
        return
    proved["extended"] = True


def _check_index(reader: Reader, items: dict[str, Item], layout: int, report: Report) -> None:
    """Every index row equals, as a value, the row the fold gives for its item (a merge by id)."""
    expected = iter(sorted(items))
    pending = next(expected, None)
    for row in reader.index_rows():
        row_id = row.id if isinstance(row, IndexRow) else row[0]
        while pending is not None and pending < row_id:
            report.add([Problem("INDEX_MISSING", "the index has no row for this item", item=pending)])
            pending = next(expected, None)
        if pending != row_id:
            report.add(
                [Problem("INDEX_EXTRA", "the index has a row for an item the ledger does not have", item=row_id)]
            )
            continue
        if not isinstance(row, IndexRow):
            report.add([Problem("INDEX_MISMATCH", f"the index row is damaged: {row[1]}", item=row_id)])
        else:
            differing = index_row(items[row_id], layout).differences(row)
            if differing:
                report.add(
                    [
                        Problem(
                            "INDEX_MISMATCH", f"index disagrees with the ledger on {', '.join(differing)}", item=row_id
                        )
                    ]
                )
        pending = next(expected, None)
    while pending is not None:
        report.add([Problem("INDEX_MISSING", "the index has no row for this item", item=pending)])
        pending = next(expected, None)


def _check_objects(
    objects: ObjectStore,
    files: list[tuple[str, Path]],
    scan: Scan,
    items: dict[str, Item],
    report: Report,
    progress: ProgressFn | None,
) -> None:
    sizes = {item_id: item.object.size for item_id, item in items.items()}
    report.warn(w for _, path in files if (w := writable_object(path)) is not None)
    for name, path in files:
        if not is_hex_digest(name) or name not in sizes or path.parent.name != name[:2]:
            report.add(
                [Problem("OBJECT_UNKNOWN", "a file in the object store the ledger does not know", path=str(path))]
            )
    found: dict[Path, Hashed] = {}
    for path, result, done in scan.results():
        found[path] = result
        if progress is not None:
            progress("objects", done, scan.total)
    for item, size in sizes.items():
        where = objects.path_for(item)
        hashed = found.get(where)
        if hashed is None:
            # Not in the store when it was listed: placed since, or committed but still staged.
            located = objects.locate(item)
            if located is None:
                report.add([Problem("OBJECT_MISSING", "the object is not in the vault", item=item)])
                continue
            where, hashed = located, hash_path(located)
        report.add(_object_problems(item, size, where, hashed))
    report.counts["objects"] = len(sizes)
    report.counts["bytes"] = sum(sizes.values())


def _object_problems(item: str, size: int, path: Path, hashed: Hashed) -> list[Problem]:
    if hashed.sha256 is None:
        return [Problem("OBJECT_UNREADABLE", f"cannot read: {hashed.error}", item=item, path=str(path))]
    if hashed.size != size:
        return [
            Problem("OBJECT_SIZE_MISMATCH", f"{hashed.size} bytes, the ledger says {size}", item=item, path=str(path))
        ]
    if hashed.sha256 != item:
        return [Problem("OBJECT_HASH_MISMATCH", f"bytes hash to {hashed.sha256}", item=item, path=str(path))]
    return []


# ---- RFC 3161 time-stamp tokens (issue 11) ------------------------------------------------------

_TOKEN_CODES = {
    "malformed": "TIMESTAMP_MALFORMED",
    "imprint": "TIMESTAMP_IMPRINT_MISMATCH",
    "signature": "TIMESTAMP_SIGNATURE_INVALID",
    "untrusted": "TIMESTAMP_UNTRUSTED",
    "eku": "TIMESTAMP_EKU",
    "early": "TIMESTAMP_BEFORE_ENTRIES",
}


def _check_timestamps(
    reader: Reader, stored: list[tuple[int, str]], path: Path, extra_roots: Sequence[bytes], report: Report
) -> None:
    """Every stored token, against the stored checkpoint of its size, the roots configured for its
    TSA (and any given), and the time of the newest entry that checkpoint covers."""
    tokens = reader.timestamps()
    report.counts["timestamps"] = len(tokens)
    if not tokens:
        return
    from archive.evidence.tokens import check_token, load_roots  # rfc3161-client: only for tokens
    from archive.service.tsaconfig import read_config

    configured: dict[str, bytes] = {}
    try:
        configured = {t.url: t.roots.encode("utf-8") for t in read_config(path)}
    except ArchiveError as exc:
        report.add([Problem("TIMESTAMP_CONFIG_UNREADABLE", str(exc), path=str(path / "tsa.json"))])
    given = [cert for pem in extra_roots for cert in load_roots(pem)]
    notes = dict(stored)
    for size, tsa, token in tokens:
        where = f"token of checkpoint {size} by {tsa}"
        note = notes.get(size)
        if note is None:
            report.add([Problem("TIMESTAMP_IMPRINT_MISMATCH", f"{where}: no checkpoint of size {size} is stored")])
            continue
        roots = given + (load_roots(configured[tsa]) if tsa in configured else [])
        check = check_token(token, note, roots, newest_entry=_entry_time(reader, size))
        if check.reason is not None:
            report.add([Problem(_TOKEN_CODES[check.reason], f"{where}: {check.detail}")])
        elif not check.trusted:
            report.warn(
                [
                    Problem(
                        "TIMESTAMP_UNCHECKED",
                        f"{where}: the TSA is not configured and no --tsa-roots were given: "
                        "its signature and certificate chain were not checked",
                    )
                ]
            )
        report.timestamps.append(
            {
                "size": size,
                "tsa": tsa,
                "gen_time": check.gen_time,
                "authority": check.authority,
                "verified": bool(check) and check.trusted,
            }
        )


def _entry_time(reader: Reader, size: int) -> datetime | None:
    """The time of the last entry a checkpoint of `size` covers (None when it cannot be read: the
    entry checks report why)."""
    from archive.core.entry import decode

    if size < 1:
        return None
    try:
        return datetime.fromisoformat(decode(reader.entries_at([size - 1])[0].data).time)
    except (ArchiveError, ValueError):
        return None
