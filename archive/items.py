"""The index as a pure fold over ledger entries: what the ledger says each item is now.

Storage keeps this projection in tables for fast queries; verification recomputes it from the
entries and compares, so the index can never quietly disagree with the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from archive.canonical import canonical_bytes
from archive.digest import is_hex_digest
from archive.ledger import Entry
from archive.metadata import resolve


class EntryRuleError(ValueError):
    """An entry that decodes but breaks a rule of the item model (internal to the fold)."""


@dataclass
class ItemState:
    """One item as the ledger describes it at some point."""

    id: str
    size: int
    media_type: str
    charset: str | None
    name: str
    ingest_seq: int
    ingested_at: str
    ingested_by: str
    acquisition: dict[str, Any]
    claims: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    last_seq: int = 0
    last_hash: str = ""

    def current(self) -> dict[str, Any]:
        return resolve(self.claims)[0]

    def conflicts(self) -> list[str]:
        return resolve(self.claims)[1]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "size": self.size,
            "media_type": self.media_type,
            "charset": self.charset,
            "name": self.name,
            "ingest_seq": self.ingest_seq,
            "ingested_at": self.ingested_at,
            "ingested_by": self.ingested_by,
            "acquisition": self.acquisition,
            "claims": self.claims,
            "notes": self.notes,
            "last_seq": self.last_seq,
            "last_hash": self.last_hash,
            "current": self.current(),
            "conflicts": self.conflicts(),
        }

    def state_bytes(self) -> bytes:
        return canonical_bytes(self.to_json())


def _require(body: Mapping[str, Any], key: str, kind: type) -> Any:
    value = body.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise EntryRuleError(f"body.{key} must be {kind.__name__}")
    return value


def _claims(body: Mapping[str, Any], seq: int) -> list[dict[str, Any]]:
    raw = body.get("claims", [])
    if not isinstance(raw, list) or not all(isinstance(c, dict) and "field" in c and "source" in c for c in raw):
        raise EntryRuleError("body.claims must be a list of claim objects")
    return [{**c, "seq": seq} for c in raw]


def _notes(body: Mapping[str, Any], seq: int) -> list[dict[str, Any]]:
    raw = body.get("notes", [])
    if not isinstance(raw, list) or not all(isinstance(n, dict) for n in raw):
        raise EntryRuleError("body.notes must be a list of objects")
    return [{**n, "seq": seq} for n in raw]


def item_from_ingest(entry: Entry, hash_: str) -> ItemState:
    body = entry.body
    item_id = _require(body, "item", str)
    obj = _require(body, "object", dict)
    if not is_hex_digest(item_id) or obj.get("sha256") != item_id:
        raise EntryRuleError("body.item must be the object's SHA-256")
    size = _require(obj, "size", int)
    media_type = _require(obj, "media_type", str)
    charset = obj.get("charset")
    acquisition = _require(body, "acquisition", dict)
    name = _require(acquisition, "name", str)
    return ItemState(
        id=item_id,
        size=size,
        media_type=media_type,
        charset=charset if isinstance(charset, str) else None,
        name=name,
        ingest_seq=entry.seq,
        ingested_at=entry.time,
        ingested_by=entry.actor,
        acquisition=dict(acquisition),
        claims=_claims(body, entry.seq),
        notes=_notes(body, entry.seq),
        last_seq=entry.seq,
        last_hash=hash_,
    )


def apply(items: dict[str, ItemState], entry: Entry, hash_: str) -> str:
    """Apply one entry (whose entry hash is `hash_`) to the projection; returns the item it touched.

    Raises EntryRuleError when the entry cannot apply: a second ingest of the same bytes, an
    amendment of an item the ledger does not have or that does not point at the item's latest
    entry, an unknown kind.
    """
    if entry.kind == "ingest":
        state = item_from_ingest(entry, hash_)
        if state.id in items:
            raise EntryRuleError(f"item {state.id} was already ingested at entry {items[state.id].ingest_seq}")
        items[state.id] = state
        return state.id
    if entry.kind == "amend":
        item_id: str = _require(entry.body, "item", str)
        state_or_none = items.get(item_id)
        if state_or_none is None:
            raise EntryRuleError(f"amends item {item_id}, which the ledger does not have")
        reason: str = _require(entry.body, "reason", str)
        if not reason.strip():
            raise EntryRuleError("an amendment needs a reason")
        previous = _require(entry.body, "previous", dict)
        if previous != {"seq": state_or_none.last_seq, "hash": state_or_none.last_hash}:
            raise EntryRuleError(
                f"amendment points at {previous}, but the item's latest entry is {state_or_none.last_seq}"
            )
        claims = _claims(entry.body, entry.seq)
        if not claims or any(c["source"] != "asserted" for c in claims):
            raise EntryRuleError("an amendment carries one or more asserted claims")
        state_or_none.claims.extend(claims)
        state_or_none.last_seq = entry.seq
        state_or_none.last_hash = hash_
        return item_id
    raise EntryRuleError(f"unknown entry kind {entry.kind!r}")


def project(entries: Iterable[tuple[Entry, str]]) -> dict[str, ItemState]:
    """Fold (entry, entry hash) pairs into items, skipping entries that break rules."""
    items: dict[str, ItemState] = {}
    for entry, hash_ in entries:
        try:
            apply(items, entry, hash_)
        except EntryRuleError:
            continue
    return items
