"""Vault format upgrades: version 1 to 2, and the index layouts each version keeps.

The ledger is never rewritten: its bytes are signed history. An upgrade rebuilds the index (a
cache of what the ledger says) in the current layout, records that layout in the database, and
only then rewrites the marker, so a crash at any point leaves a vault that verifies and an upgrade
that can simply be run again. `verify` reads the layout from the database, so it checks a vault of
either version as it stands.

Index layouts: 1 (vault version 1): the flat state below; 2: `Item.to_json()`.

An upgrade also brings what earlier versions left on disk to today's rules, whatever the version:
it destroys retired private keys (`keys/retired/`, which verification never needed) and gives the
vault's fixed paths the modes of docs/format.md §1.2.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archive.core.canonical import canonical_bytes
from archive.core.entry import decode
from archive.core.item import Fold, IndexRow, Item
from archive.core.resolve import conflicts, current_values, resolve
from archive.core.strict import RuleError
from archive.errors import LedgerError, VaultError
from archive.storage.keystore import destroy_retired
from archive.storage.vault import VERSION, Vault, settle_modes, write_marker

INDEX_LAYOUT = 2


def legacy_state(item: Item) -> bytes:
    """The item as a version-1 index stored it (with version 1's rule for dates that agree)."""
    assert item.head is not None
    views = resolve(item.claims, item.extraction_seq, same_day=True)
    state: dict[str, Any] = {
        "id": item.id,
        "size": item.object.size,
        "media_type": item.object.media_type,
        "charset": item.object.charset,
        "name": item.name,
        "ingest_seq": item.archived.seq,
        "ingested_at": item.archived.at,
        "ingested_by": item.archived.by,
        "acquisition": dict(item.acquisition),
        "claims": [c.to_json(with_seq=True) for c in item.claims],
        "notes": [n.to_json(with_seq=True) for n in item.notes],
        "last_seq": item.head.seq,
        "last_hash": item.head.hash,
        "extraction_seq": item.extraction_seq,
        "relations": [r.to_json() for r in item.relations],
        "access": item.access.to_json(),
        "current": current_values(views),
        "conflicts": conflicts(views),
    }
    return canonical_bytes(state)


def index_row(item: Item, layout: int) -> IndexRow:
    """The row an index of `layout` holds for the item."""
    row = item.index_row()
    return row if layout == INDEX_LAYOUT else row._replace(state=legacy_state(item))


def upgrade(vault: Vault, destroyed: Callable[[str], None] | None = None) -> tuple[int, int]:
    """Bring an opened vault to the current version; returns (old version, items reindexed).

    Refuses a ledger that breaks a rule: a damaged vault is verified first, never upgraded blind.
    `destroyed` is told the file name of each retired private key removed.
    """
    old = vault.marker.version
    count = 0
    if vault.ledger.index_layout() != INDEX_LAYOUT or old != VERSION:
        with vault.ledger.write() as w:
            fold = Fold()
            for sealed in w.entries():
                try:
                    fold.apply(decode(sealed.data), sealed.hash)
                except (RuleError, LedgerError) as exc:
                    raise VaultError(
                        f"entry {sealed.seq} breaks a ledger rule ({exc}); run `archive verify` before upgrading"
                    ) from exc
            rows = [item.index_row() for item in fold.items.values()]
            w.clear_items()
            w.add_items(rows)
            w.set_index_layout(INDEX_LAYOUT)
            count = len(rows)
    if old != VERSION:
        write_marker(vault.path, vault.marker._replace(version=VERSION), replace=True)
    # Last, so that an upgrade the ledger refuses changes nothing.
    for name in destroy_retired(vault.path):
        if destroyed is not None:
            destroyed(name)
    settle_modes(vault.path, vault.marker.ledger.get("path", "ledger.sqlite"))
    return old, count
