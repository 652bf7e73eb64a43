"""Moving a vault to a new home (`archive migrate`): a local vault into a team archive (PostgreSQL,
an S3 bucket) or a team archive to a local folder, byte for byte, then the copy verified.

The source is read in one snapshot and must verify first. Objects go first, each made durable in
its new store; then the whole ledger (entries, Merkle nodes, checkpoints, time-stamp tokens,
cosignatures, web archive records, the index) in one write transaction, so the copy is all there or
not at all; the marker is written last. The entries' bytes are those of the source, so every
checkpoint and manifest made before still verifies against the new home. A copy interrupted before
its marker can be started again: a ledger already copied whole is compared, not copied twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TypeVar

from archive.core.entry import Sealed
from archive.core.problems import Report
from archive.errors import VaultError
from archive.storage.keystore import read_key_files
from archive.storage.objects import ObjectStore, Staged
from archive.storage.port import Reader
from archive.storage.vault import DEFAULT_LEDGER, DEFAULT_OBJECTS, Vault, read_marker

ProgressFn = Callable[[str, int, int], None]
CHUNK = 2000  # rows per INSERT batch
MAX_CONFIG = 1 << 20  # a configuration file's bound
OBJECT_BATCH = 64  # objects staged before one sync and one upload round
T = TypeVar("T")


@dataclass(frozen=True)
class Migrated:
    """What a migration copied, and the copy's verification."""

    into: Path
    entries: int
    checkpoints: int
    objects: int
    bytes: int
    report: Report


def migrate(
    source: Path,
    into: Path,
    *,
    ledger: dict[str, str] | None = None,
    objects: dict[str, str] | None = None,
    progress: ProgressFn | None = None,
) -> Migrated:
    """Copy the vault at `source` to a new vault at `into` whose ledger and objects are where
    `ledger` and `objects` say (default: the new vault's own SQLite file and folder)."""
    from archive.service.verify import verify_vault

    checked = verify_vault(source)
    if not checked:
        codes = ", ".join(sorted(set(checked.codes())))
        raise VaultError(f"the vault at {source} does not verify ({codes}): run `archive verify`; nothing was copied")
    marker = read_marker(source)
    src = Vault.open(source, read_only=True)
    try:
        layout = src.ledger.index_layout()
        with src.ledger.read() as r:
            size = r.size()
            sizes = {row.id: row.size for row in r.items()}

            def fill(dst: Vault) -> None:
                with dst.ledger.read() as d:
                    if d.size():  # refused before any object is copied, unless it is this very ledger
                        _same_or_refuse(r, d, size, into)
                _copy_objects(src.objects, dst.objects, sizes, progress)
                _copy_ledger(r, dst, layout, progress)

            copy = Vault.create_copy(
                into,
                origin=marker.origin,
                created=marker.created,
                ledger=dict(ledger or DEFAULT_LEDGER),
                objects=dict(objects or DEFAULT_OBJECTS),
                key_files=read_key_files(source),
                files=_configuration(source),
                fill=fill,
            )
            copy.close()
            checkpoints = len(list(r.checkpoints()))
    finally:
        src.close()
    report = verify_vault(into)
    return Migrated(into, size, checkpoints, len(sizes), sum(sizes.values()), report)


def _configuration(source: Path) -> dict[str, bytes]:
    """The vault's own configuration files (the TSAs it asks, the witnesses it asks), as they are."""
    from archive.service.tsaconfig import CONFIG as TSA_CONFIG
    from archive.service.witnesses import CONFIG as WITNESS_CONFIG
    from archive.storage.fsutil import read_regular

    found = {}
    for name in (TSA_CONFIG, WITNESS_CONFIG):
        path = source / name
        if path.is_file() and not path.is_symlink():
            found[name] = read_regular(path, MAX_CONFIG)
    return found


# ---- objects ----------------------------------------------------------------------------------


def _copy_objects(src: ObjectStore, dst: ObjectStore, sizes: dict[str, int], progress: ProgressFn | None) -> None:
    """Every object the snapshot names, staged in the new vault (hashed as it is copied), made
    durable where its objects live, then placed. Objects the new store already holds are skipped
    by the store (a folder never overwrites; a bucket keeps a locked object with that checksum)."""
    done = 0
    with dst.stager() as stager:
        for batch in _chunks(sorted(sizes), OBJECT_BATCH):
            staged: list[Staged] = []
            for digest in batch:
                with src.fetch(digest, into=dst.staging) as path:
                    if path is None:
                        raise VaultError(f"the object {digest} is missing from the source; nothing was copied")
                    copied = stager.stage(path)
                if copied.digest.hex != digest or copied.size != sizes[digest]:
                    raise VaultError(f"the object {digest} changed while it was copied; nothing was copied")
                dst.make_room(digest)
                staged.append(copied)
            stager.sync()
            dst.publish(staged)
            for copied in staged:
                dst.place(copied.path, copied.digest.hex)
            stager.sync()
            done += len(batch)
            if progress is not None:
                progress("objects", done, len(sizes))


# ---- the ledger -------------------------------------------------------------------------------


def _copy_ledger(r: Reader, dst: Vault, layout: int, progress: ProgressFn | None) -> None:
    size = r.size()
    with dst.ledger.write() as w:
        have = w.size()
        if have:
            _same_or_refuse(r, w, size, dst.path)
            return
        copied = 0
        for rows in _chunks(r.rows(), CHUNK):
            if any(row.data is None for row in rows):
                raise VaultError("a ledger row of the source is damaged; nothing was copied")
            w.append([(Sealed(row.seq, row.hash, row.data or b""), row.kind, row.prev) for row in rows])
            copied += len(rows)
            if progress is not None:
                progress("entries", copied, size)
        for level in r.node_levels():
            for nodes in _chunks(r.nodes(level), CHUNK):
                w.put_nodes([(level, idx, digest) for idx, digest in nodes])
        for checkpoint_size, note in r.checkpoints():
            w.put_checkpoint(checkpoint_size, note)
        for token_size, tsa, token in r.timestamps():
            w.put_timestamp(token_size, tsa, token)
        w.put_cosignatures(r.cosignatures())
        for rows_of_items in _chunks(r.items(), CHUNK):
            w.add_items(rows_of_items)
            for row in rows_of_items:
                if r.record_count(row.id):
                    w.put_records(row.id, r.records(row.id))
        w.set_index_layout(layout)


def _same_or_refuse(r: Reader, d: Reader, size: int, where: Path) -> None:
    """A ledger left by an earlier attempt: it must be this whole ledger, entry for entry."""
    if d.size() != size:
        raise VaultError(
            f"the ledger database for {where} already holds {d.size()} entries, not this vault's {size}: "
            "give an empty database; nothing was copied"
        )
    for mine, theirs in zip(r.rows(), d.rows(), strict=True):
        if (mine.seq, mine.hash, mine.data) != (theirs.seq, theirs.hash, theirs.data):
            raise VaultError(
                f"the ledger database for {where} holds another ledger (entry {mine.seq} differs); nothing was copied"
            )


def _chunks(values: Iterator[T] | Sequence[T] | list[T], size: int) -> Iterator[list[T]]:
    it = iter(values)
    while batch := list(islice(it, size)):
        yield batch
