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
    if not isinstance(raw, list) or not all(
        isinstance(c, dict) and "field" in c and "source" in c for c in raw
    ):
        raise EntryRuleError("body.claims must be a list of claim objects")
    return [{**c, "seq": seq} for c in raw]


def item_from_ingest(entry: Entry) -> ItemState:
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
        last_seq=entry.seq,
    )


def apply(items: dict[str, ItemState], entry: Entry) -> str:
    """Apply one entry to the projection; returns the id of the item it touched.

    Raises EntryRuleError when the entry cannot apply (a second ingest of the same bytes, an
    amendment of an item the ledger does not have, an unknown kind).
    """
    if entry.kind == "ingest":
        state = item_from_ingest(entry)
        if state.id in items:
            raise EntryRuleError(
                f"item {state.id} was already ingested at entry {items[state.id].ingest_seq}"
            )
        items[state.id] = state
        return state.id
    if entry.kind == "amend":
        item_id: str = _require(entry.body, "item", str)
        state_or_none = items.get(item_id)
        if state_or_none is None:
            raise EntryRuleError(f"amends item {item_id}, which the ledger does not have")
        _require(entry.body, "reason", str)
        state_or_none.claims.extend(_claims(entry.body, entry.seq))
        state_or_none.last_seq = entry.seq
        return item_id
    raise EntryRuleError(f"unknown entry kind {entry.kind!r}")


def project(entries: Iterable[Entry]) -> dict[str, ItemState]:
    """Fold entries into items, skipping entries that break rules (verification reports those)."""
    items: dict[str, ItemState] = {}
    for entry in entries:
        try:
            apply(items, entry)
        except EntryRuleError:
            continue
    return items
