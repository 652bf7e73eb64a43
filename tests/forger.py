"""A forger who holds the vault's signing key and rewrites history so that the vault agrees with itself.

Built only from the library's public pieces (entries and their hashing, the fold and the index
row, the Merkle tree, checkpoints and the signer loaded from `keys/signing.key`), as an attacker
with the machine would: the whole ledger is replaced by an edited list of entries, renumbered and
rechained, every Merkle node, index row and checkpoint rebuilt (each checkpoint re-signed and
naming its predecessor), the objects made to match and the append-only triggers put back. Plain
`archive verify` cannot tell; only a checkpoint kept outside the vault can.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from archive.core.checkpoint import Checkpoint, previous_line, sign_checkpoint
from archive.core.entry import GENESIS_PREV, Entry, decode, format_time, seal
from archive.core.item import Fold
from archive.core.merkle import CompactRange
from archive.storage.keystore import load_signer
from archive.storage.sqlite import GUARDS, RECORD_SCHEMA, TIMESTAMP_SCHEMA
from archive.storage.upgrade import index_row

DATABASE = "ledger.sqlite"
Edit = Callable[[list[Entry]], list[Entry]]


def entries(vault: Path) -> list[Entry]:
    """Every entry of the vault's ledger, decoded, in order."""
    with closing(sqlite3.connect(vault / DATABASE)) as db:
        return [decode(bytes(data)) for (data,) in db.execute("SELECT data FROM ledger ORDER BY seq")]


def object_path(vault: Path, digest: str) -> Path:
    return vault / "objects" / "sha256" / digest[:2] / digest


def put_object(vault: Path, data: bytes) -> str:
    """Store bytes in the object store as the archive does (read-only); returns their SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    path = object_path(vault, digest)
    path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(0o444)
    return digest


def forge(vault: Path, edit: Edit) -> list[Entry]:
    """Replace the ledger by `edit(entries)`: everything inside the vault is rebuilt to agree with it."""
    old = entries(vault)
    origin = str(old[0].body["origin"])
    signer = load_signer(vault, origin, None)
    wanted = edit(old)
    with closing(sqlite3.connect(vault / DATABASE, isolation_level=None)) as db:
        sizes = [int(s) for (s,) in db.execute("SELECT size FROM checkpoint ORDER BY size")]
        layout = int(db.execute("PRAGMA user_version").fetchone()[0]) or 1
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            db.execute(f"DROP TRIGGER {name}")
        db.execute("BEGIN")
        for table in ("ledger", "node", "checkpoint", "item"):
            db.execute(f"DELETE FROM {table}")
        db.execute(TIMESTAMP_SCHEMA[0])
        db.execute("DELETE FROM timestamp")  # tokens over the old checkpoints would give the rewrite away
        tree, fold, prev, forged = CompactRange(), Fold(), GENESIS_PREV, []
        issued = sorted({s for s in sizes if s <= len(wanted)} | {len(wanted)})
        last: int | None = None
        for seq, entry in enumerate(wanted):
            entry = entry._replace(seq=seq, prev=prev)
            item = fold.items.get(str(entry.body.get("item")))
            if "previous" in entry.body and item is not None and item.head is not None:
                # An entry about an item points at the item's latest entry: re-point it, as a writer would.
                entry = with_body(entry, previous=item.head.to_json())
            sealed = seal(entry)
            db.execute(
                "INSERT INTO ledger (seq, prev, hash, kind, data) VALUES (?, ?, ?, ?, ?)",
                (seq, prev, sealed.hash, entry.kind, sealed.data),
            )
            for level, idx, node in tree.append(bytes.fromhex(sealed.hash)):
                if level > 0:
                    db.execute("INSERT INTO node (level, idx, hash) VALUES (?, ?, ?)", (level, idx, node))
            if entry.kind != "key":
                fold.apply(decode(sealed.data), sealed.hash)
            if tree.size in issued:
                note = sign_checkpoint(Checkpoint(origin, tree.size, tree.root(), (previous_line(last),)), signer)
                db.execute("INSERT INTO checkpoint (size, note) VALUES (?, ?)", (tree.size, note))
                last = tree.size
            prev = sealed.hash
            forged.append(entry)
        for item in fold.items.values():
            row = index_row(item, layout)
            db.execute(
                "INSERT INTO item (id, size, media_type, name, ingest_seq, last_seq, ingested_at, state)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (row.id, row.size, row.media_type, row.name, row.ingest_seq, row.last_seq, row.ingested_at, row.state),
            )
        db.execute("COMMIT")
        for statement in (*GUARDS, *TIMESTAMP_SCHEMA[1:], *RECORD_SCHEMA):
            db.execute(statement)
    for path in (vault / "objects" / "sha256").glob("*/*"):
        if path.name not in fold.items:
            path.unlink()  # an object whose item the forged ledger no longer has
    return forged


# ---- edits --------------------------------------------------------------------------------------


def ingests(old: list[Entry]) -> list[int]:
    return [i for i, e in enumerate(old) if e.kind == "ingest"]


def middle_ingest(old: list[Entry]) -> int:
    found = ingests(old)
    return found[len(found) // 2]


def with_body(entry: Entry, **changes: Any) -> Entry:
    return entry._replace(body={**entry.body, **changes})


def edit_claim_value(old: list[Entry]) -> list[Entry]:
    """The value of one claim of the middle item changed (the first claim, or an outlet added)."""
    at = middle_ingest(old)
    claims = [dict(c) for c in old[at].body.get("claims", [])]
    if claims and isinstance(claims[0].get("value"), str):
        claims[0]["value"] = "Forged " + claims[0]["value"]
    else:
        claims.append(
            {"field": "outlet", "value": "Forged Times", "source": "asserted", "by": old[at].actor, "at": old[at].time}
        )
    return [*old[:at], with_body(old[at], claims=claims), *old[at + 1 :]]


def delete_item(old: list[Entry]) -> list[Entry]:
    """The middle item and every entry about it removed."""
    item = old[middle_ingest(old)].body["item"]
    return [e for e in old if e.body.get("item") != item]


def new_ingest(vault: Path, like: Entry, data: bytes, name: str) -> Entry:
    """An ingest entry of new bytes, shaped like an existing one (stored in the object store too)."""
    digest = put_object(vault, data)
    obj = {**like.body["object"], "sha256": digest, "size": len(data)}
    acquisition = {**like.body["acquisition"], "name": name, "path": f"/tmp/{name}"}
    return with_body(like, item=digest, object=obj, acquisition=acquisition, claims=[])


def insert_item(vault: Path) -> Edit:
    def edit(old: list[Entry]) -> list[Entry]:
        at = middle_ingest(old)
        made = new_ingest(vault, old[at], b"A statement that was never collected.\n", "planted.txt")
        return [*old[:at], made._replace(time=old[at - 1].time), *old[at:]]

    return edit


def alter_acquisition(old: list[Entry]) -> list[Entry]:
    """Where the middle item came from rewritten: another host and path."""
    at = middle_ingest(old)
    acquisition = {**old[at].body["acquisition"], "host": "elsewhere", "path": "/elsewhere/source.txt"}
    return [*old[:at], with_body(old[at], acquisition=acquisition), *old[at + 1 :]]


def shifted(time: str, days: int) -> str:
    moment = datetime.strptime(time, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return format_time(moment - timedelta(days=days))


def back_date(old: list[Entry]) -> list[Entry]:
    """The middle item (and, to keep times in order, every entry before it) dated 30 days earlier."""
    at = middle_ingest(old)
    return [e._replace(time=shifted(e.time, 30)) if i <= at else e for i, e in enumerate(old)]


def truncate_and_append(vault: Path, keep: int, new: int) -> Edit:
    """History cut after `keep` entries, then `new` fresh ingests appended."""

    def edit(old: list[Entry]) -> list[Entry]:
        like = old[ingests(old)[0]]
        added = [
            new_ingest(vault, like, f"Fresh material number {i}.\n".encode(), f"fresh-{i}.txt")._replace(
                time=old[-1].time
            )
            for i in range(new)
        ]
        return [*old[:keep], *added]

    return edit


def future_entry(old: list[Entry]) -> list[Entry]:
    """The last entry dated in the year 9999."""
    return [*old[:-1], old[-1]._replace(time="9999-01-01T00:00:00.000000Z")]
