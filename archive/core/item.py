"""The index as a pure fold over ledger entries: what the ledger says each item is now.

Storage keeps this projection in tables for fast queries; verification recomputes it from the
entries and compares, so the index can never quietly disagree with the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from archive.core.canonical import canonical_bytes
from archive.core.digest import is_hex_digest
from archive.core.entry import Entry
from archive.core.fields import resolve


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
    extraction_seq: int = 0  # the entry whose extracted claims are the current extraction
    relations: list[dict[str, Any]] = field(default_factory=list)
    access: dict[str, Any] = field(default_factory=lambda: {"status": "open"})

    def current(self) -> dict[str, Any]:
        return resolve(self.claims, self.extraction_seq)[0]

    def conflicts(self) -> list[str]:
        return resolve(self.claims, self.extraction_seq)[1]

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
            "extraction_seq": self.extraction_seq,
            "relations": self.relations,
            "access": self.access,
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
        extraction_seq=entry.seq,
    )


def apply(items: dict[str, ItemState], entry: Entry, hash_: str) -> str:
    """Apply one entry (whose entry hash is `hash_`) to the projection; returns the item it touched.

    Kinds: ingest (a new item), amend (asserted corrections), extract (a re-extraction replacing the
    current extracted claims), access (open or restricted), relate (a link between two items).
    Raises EntryRuleError when the entry cannot apply: a second ingest of the same bytes, an entry
    about an item the ledger does not have, an amend/extract/access that does not point at the
    item's latest entry, an unknown kind.
    """
    if entry.kind == "ingest":
        new = item_from_ingest(entry, hash_)
        if new.id in items:
            raise EntryRuleError(f"item {new.id} was already ingested at entry {items[new.id].ingest_seq}")
        items[new.id] = new
        return new.id
    if entry.kind in ("amend", "extract", "access"):
        item_id: str = _require(entry.body, "item", str)
        state = items.get(item_id)
        if state is None:
            raise EntryRuleError(f"{entry.kind} of item {item_id}, which the ledger does not have")
        _check_previous(entry, state)
        if entry.kind == "amend":
            _amend(entry, state)
        elif entry.kind == "extract":
            _reextract(entry, state)
        else:
            _access(entry, state)
        state.last_seq = entry.seq
        state.last_hash = hash_
        return item_id
    if entry.kind == "relate":
        return _relate(items, entry)
    raise EntryRuleError(f"unknown entry kind {entry.kind!r}")


RELATIONS = ("screenshot", "html-source", "pdf-print", "translation", "transcript", "redaction", "duplicate-of")
ACCESS = ("open", "restricted")


def _check_previous(entry: Entry, state: ItemState) -> None:
    previous = _require(entry.body, "previous", dict)
    if previous != {"seq": state.last_seq, "hash": state.last_hash}:
        raise EntryRuleError(f"{entry.kind} points at {previous}, but the item's latest entry is {state.last_seq}")


def _reason(entry: Entry) -> str:
    reason: str = _require(entry.body, "reason", str)
    if not reason.strip():
        raise EntryRuleError(f"{entry.kind} needs a reason")
    return reason


def _amend(entry: Entry, state: ItemState) -> None:
    _reason(entry)
    claims = _claims(entry.body, entry.seq)
    if not claims or any(c["source"] != "asserted" for c in claims):
        raise EntryRuleError("an amendment carries one or more asserted claims")
    state.claims.extend(claims)


def _reextract(entry: Entry, state: ItemState) -> None:
    claims = _claims(entry.body, entry.seq)
    if any(c["source"] != "extracted" for c in claims):
        raise EntryRuleError("a re-extraction carries only extracted claims")
    state.claims.extend(claims)
    state.notes = _notes(entry.body, entry.seq)
    state.extraction_seq = entry.seq


def _access(entry: Entry, state: ItemState) -> None:
    status = entry.body.get("access")
    if status not in ACCESS:
        raise EntryRuleError(f"access must be one of {', '.join(ACCESS)}")
    state.access = {"status": status, "reason": _reason(entry), "seq": entry.seq}


def _relate(items: dict[str, ItemState], entry: Entry) -> str:
    source: str = _require(entry.body, "item", str)
    target: str = _require(entry.body, "to", str)
    relation = entry.body.get("relation")
    if relation not in RELATIONS:
        raise EntryRuleError(f"relation must be one of {', '.join(RELATIONS)}")
    if source == target:
        raise EntryRuleError("an item cannot be related to itself")
    for item_id in (source, target):
        if item_id not in items:
            raise EntryRuleError(f"relates item {item_id}, which the ledger does not have")
    note = entry.body.get("note")
    extra = {"note": note} if isinstance(note, str) else {}
    items[source].relations.append({"seq": entry.seq, "relation": relation, "to": target, **extra})
    items[target].relations.append({"seq": entry.seq, "relation": relation, "from": source, **extra})
    return source


def project(entries: Iterable[tuple[Entry, str]]) -> dict[str, ItemState]:
    """Fold (entry, entry hash) pairs into items, skipping entries that break rules."""
    items: dict[str, ItemState] = {}
    for entry, hash_ in entries:
        try:
            apply(items, entry, hash_)
        except EntryRuleError:
            continue
    return items
