"""The item model: one typed description of an item, folded from the ledger entries about it. Pure.

An item is an object (its bytes' address, size and type) plus what is known about it: how and by
whom it was archived, every claim with its provenance, the notes of its current extraction, its
relations to other items, who may see its bytes, and its whole history (every entry about it, of
every kind). Everything else derives from this one model: the index row storage keeps
(`index_row`), `show` and `list --json` (`to_json`), the manifest item and its offline check
(`to_manifest`), and verification's comparison of the index with the ledger.

`Fold.apply` applies one entry; an entry that breaks a rule raises RuleError and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from archive.core.body import (
    AccessBody,
    AmendBody,
    Body,
    ExtractBody,
    IngestBody,
    KeyBody,
    ObjectFacts,
    Pointer,
    RelateBody,
    acquisition_from_json,
    parse_body,
)
from archive.core.canonical import canonical_bytes
from archive.core.claim import Claim, ExtractionNote
from archive.core.entry import Entry
from archive.core.resolve import FieldView, conflicts, current_values, resolve
from archive.core.strict import RuleError, count, hex64, mapping, members, string

STATE_VERSION = 2  # the layout of `Item.to_json` as the index stores it


class Relation(NamedTuple):
    """A relate entry as one end of it sees it: `this item is the <relation> of <other>` or the reverse."""

    seq: int
    relation: str
    other: str
    outgoing: bool  # True: this item is the relation of `other` ("to"); False: `other` is ("from")
    note: str | None = None
    part: str | None = None  # the page of this item the relation is about, if one (issue 12)
    other_part: str | None = None  # the page of `other`

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "seq": self.seq,
            "relation": self.relation,
            ("to" if self.outgoing else "from"): self.other,
        }
        if self.note is not None:
            out["note"] = self.note
        if self.part is not None:
            out["part"] = self.part
        if self.other_part is not None:
            out["other_part"] = self.other_part
        return out

    @classmethod
    def from_json(cls, value: Any) -> Relation:
        v = mapping(value, "relation")
        outgoing = "to" in v
        members(v, "relation", ("seq", "relation", "to" if outgoing else "from"), ("note", "part", "other_part"))
        note = v.get("note")
        return cls(
            count(v["seq"], "relation.seq"),
            string(v["relation"], "relation.relation"),
            hex64(v["to" if outgoing else "from"], "relation.item"),
            outgoing,
            string(note, "relation.note") if note is not None else None,
            string(v["part"], "relation.part") if "part" in v else None,
            string(v["other_part"], "relation.other_part") if "other_part" in v else None,
        )


class Access(NamedTuple):
    """Who may see the bytes: `open` until an access entry says otherwise."""

    status: str = "open"
    reason: str | None = None
    seq: int | None = None

    def to_json(self) -> dict[str, Any]:
        if self.seq is None:
            return {"status": self.status}
        return {"status": self.status, "reason": self.reason, "seq": self.seq}

    @classmethod
    def from_json(cls, value: Any) -> Access:
        v = mapping(value, "access")
        if "seq" not in v:
            members(v, "access", ("status",))
            return cls(string(v["status"], "access.status"))
        members(v, "access", ("status", "reason", "seq"))
        return cls(string(v["status"], "access.status"), string(v["reason"], "access.reason"), count(v["seq"], "seq"))


class Record(NamedTuple):
    """One entry about an item: its position, kind and entry hash."""

    seq: int
    kind: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "hash": self.hash}

    @classmethod
    def from_json(cls, value: Any) -> Record:
        v = mapping(value, "history record")
        members(v, "history record", ("seq", "kind", "hash"))
        return cls(count(v["seq"], "history.seq"), string(v["kind"], "history.kind"), hex64(v["hash"], "history.hash"))


class Archived(NamedTuple):
    """The ingest entry: when, by whom, at which position the item entered the ledger."""

    seq: int
    at: str
    by: str

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at, "by": self.by, "seq": self.seq}


class Item:
    """One item as the ledger describes it after some prefix of its entries (the fold changes it)."""

    __slots__ = (
        "_views",
        "access",
        "acquisition",
        "archived",
        "claims",
        "extraction_seq",
        "head",
        "history",
        "id",
        "notes",
        "object",
        "relations",
    )

    def __init__(
        self,
        id: str,
        object: ObjectFacts,
        acquisition: dict[str, str],
        archived: Archived,
        claims: list[Claim] | None = None,
        notes: list[ExtractionNote] | None = None,
        extraction_seq: int = 0,
        relations: list[Relation] | None = None,
        access: Access | None = None,
        history: list[Record] | None = None,
        head: Pointer | None = None,
    ) -> None:
        self.id = id
        self.object = object
        self.acquisition = acquisition
        self.archived = archived
        self.claims: list[Claim] = claims if claims is not None else []
        self.notes: list[ExtractionNote] = notes if notes is not None else []
        self.extraction_seq = extraction_seq  # the entry whose extracted claims are the current extraction
        self.relations: list[Relation] = relations if relations is not None else []
        self.access = access if access is not None else Access()
        self.history: list[Record] = history if history is not None else []  # every entry about it, in order
        self.head = head  # the item's own chain: its ingest or latest amend/extract/access
        self._views: dict[str, FieldView] | None = None

    def __repr__(self) -> str:
        return f"Item({self.id}, {len(self.history)} entries)"

    # ---- derived -----------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self.acquisition["name"]

    @property
    def size(self) -> int:
        return self.object.size

    @property
    def media_type(self) -> str:
        return self.object.media_type

    def fields(self) -> dict[str, FieldView]:
        """Each field that has claims about the item itself, with its current value and the claims behind it."""
        if self._views is None:
            self._views = resolve([c for c in self.claims if c.part is None], self.extraction_seq)
        return self._views

    def part_fields(self, part: str, extracted: Sequence[Claim] = ()) -> dict[str, FieldView]:
        """The fields of one part: the claims its record row holds (`extracted`, read at the
        ingest: `archive.core.records.page_claims`) and the item's claims about it, by the same
        rules as the item's (`archive.core.resolve`)."""
        mine = [c for c in self.claims if c.part == part]
        return resolve([*extracted, *mine], self.archived.seq)

    def page_fields(self, row: Mapping[str, Any]) -> dict[str, FieldView]:
        """The fields of the page a record row describes (`part_fields` with the row's claims)."""
        from archive.core.records import page_claims

        return self.part_fields(str(row["part"]), page_claims(row, self.archived.seq))

    def current(self) -> dict[str, Any]:
        return current_values(self.fields())

    def conflicts(self) -> list[str]:
        return conflicts(self.fields())

    def seqs(self) -> list[int]:
        return [r.seq for r in self.history]

    def _changed(self) -> None:
        self._views = None

    # ---- serialisations ----------------------------------------------------------------

    def to_manifest(self) -> dict[str, Any]:
        """The item's facts as a manifest carries them (without citations, CSL and entries)."""
        return {
            "id": self.id,
            "sha256": self.object.sha256,
            "size": self.object.size,
            "media_type": self.object.media_type,
            "charset": self.object.charset,
            "identification": self.object.identification.to_json() if self.object.identification else None,
            **({"contents": self.object.contents.to_json()} if self.object.contents is not None else {}),
            "name": self.name,
            "archived": self.archived.to_json(),
            "acquisition": dict(self.acquisition),
            "metadata": {
                "current": self.current(),
                "conflicts": self.conflicts(),
                "claims": [c.to_json(with_seq=True) for c in self.claims],
            },
            "relations": [r.to_json() for r in self.relations],
            "access": self.access.to_json(),
        }

    def to_json(self) -> dict[str, Any]:
        """Everything the model holds: the manifest facts plus the fold's own state."""
        assert self.head is not None
        return {
            **self.to_manifest(),
            "notes": [n.to_json(with_seq=True) for n in self.notes],
            "extraction_seq": self.extraction_seq,
            "head": self.head.to_json(),
            "history": [r.to_json() for r in self.history],
        }

    def state_bytes(self) -> bytes:
        return canonical_bytes(self.to_json(), model=True)

    def index_row(self) -> IndexRow:
        assert self.head is not None
        return IndexRow(
            id=self.id,
            size=self.object.size,
            media_type=self.object.media_type,
            name=self.name,
            ingest_seq=self.archived.seq,
            last_seq=self.head.seq,
            ingested_at=self.archived.at,
            state=self.state_bytes(),
        )

    @classmethod
    def from_json(cls, value: Any) -> Item:
        """Read back what `to_json` wrote (the index's `state`); RuleError if it is not that."""
        v = mapping(value, "item state")
        members(
            v,
            "item state",
            (
                "id",
                "sha256",
                "size",
                "media_type",
                "charset",
                "identification",
                "name",
                "archived",
                "acquisition",
                "metadata",
                "relations",
                "access",
                "notes",
                "extraction_seq",
                "head",
                "history",
            ),
            ("contents",),
        )
        facts = {"sha256": v["sha256"], "size": v["size"], "media_type": v["media_type"]}
        for optional in ("charset", "identification"):
            if v[optional] is not None:
                facts[optional] = v[optional]
        if "contents" in v:
            facts["contents"] = v["contents"]
        archived = mapping(v["archived"], "archived")
        meta = mapping(v["metadata"], "metadata")
        item = cls(
            id=hex64(v["id"], "id"),
            object=ObjectFacts.from_json(facts),
            acquisition=acquisition_from_json(v["acquisition"]),
            archived=Archived(count(archived.get("seq"), "archived.seq"), str(archived["at"]), str(archived["by"])),
            claims=[Claim.from_json(c, stored=True) for c in meta["claims"]],
            notes=[ExtractionNote.from_json(n, stored=True) for n in v["notes"]],
            extraction_seq=count(v["extraction_seq"], "extraction_seq"),
            relations=[Relation.from_json(r) for r in v["relations"]],
            access=Access.from_json(v["access"]),
            history=[Record.from_json(r) for r in v["history"]],
            head=Pointer.from_json(v["head"]),
        )
        return item


class IndexRow(NamedTuple):
    """An item's row in the index, as a value: verification compares these, column by column."""

    id: str
    size: int
    media_type: str
    name: str
    ingest_seq: int
    last_seq: int
    ingested_at: str
    state: bytes

    def differences(self, other: IndexRow) -> list[str]:
        """The columns in which two rows differ."""
        return [c for c, mine, theirs in zip(self._fields, self, other, strict=True) if mine != theirs]


def _provenance(claims: Iterable[Claim], entry: Entry) -> None:
    """An asserted claim's who and when are its entry's: the entry's actor and time are the truth."""
    for claim in claims:
        if claim.source == "asserted" and (claim.by != entry.actor or claim.at != entry.time):
            raise RuleError(
                f"an asserted claim of {claim.field} says by {claim.by!r} at {claim.at!r}, "
                f"but its entry is by {entry.actor!r} at {entry.time}"
            )


class Fold:
    """Items folded from entries in ledger order; `apply` takes one entry at a time.

    `partial`: the entries are those of some items only (a manifest's), so a relation's far end may
    be absent; the ends that are present are still updated.
    """

    def __init__(self, *, partial: bool = False) -> None:
        self.items: dict[str, Item] = {}
        self.partial = partial

    def apply(self, entry: Entry, entry_hash: str) -> list[str]:
        """Apply one entry; returns the ids of the items it concerns ([] for a key entry).

        Raises RuleError, changing nothing, when the body is malformed for its kind, or the entry
        cannot apply: a second ingest of the same bytes, an entry about an item the ledger does not
        have, an item entry whose `previous` is not the item's head, a claim whose provenance is
        not its entry's.
        """
        return self.apply_body(entry, parse_body(entry.kind, entry.body, entry.seq), entry_hash)

    def apply_body(self, entry: Entry, body: Body, entry_hash: str) -> list[str]:
        """`apply` for a body already read (or just built by the writer): the same rules, no parse.

        Claims and notes without a `seq` are given the entry's.
        """
        if isinstance(body, IngestBody | AmendBody | ExtractBody):
            body = _with_seq(body, entry.seq)
        record = Record(entry.seq, entry.kind, entry_hash)
        if isinstance(body, KeyBody):
            return []
        if isinstance(body, IngestBody):
            return [self._ingest(entry, body, record)]
        if isinstance(body, RelateBody):
            return self._relate(entry, body, record)
        item = self.items.get(body.item)
        if item is None:
            raise RuleError(f"{entry.kind} of item {body.item}, which the ledger does not have")
        if body.previous != item.head:
            head = item.head.seq if item.head else None
            raise RuleError(f"{entry.kind} points at entry {body.previous.seq}, but the item's latest entry is {head}")
        if isinstance(body, AmendBody):
            _provenance(body.claims, entry)
            item.claims.extend(body.claims)
        elif isinstance(body, ExtractBody):
            item.claims.extend(body.claims)
            item.notes = list(body.notes)
            item.extraction_seq = entry.seq
        elif isinstance(body, AccessBody):
            item.access = Access(body.access, body.reason, entry.seq)
        item.history.append(record)
        item.head = Pointer(entry.seq, entry_hash)
        item._changed()
        return [item.id]

    def _ingest(self, entry: Entry, body: IngestBody, record: Record) -> str:
        known = self.items.get(body.item)
        if known is not None:
            raise RuleError(f"item {body.item} was already ingested at entry {known.archived.seq}")
        _provenance(body.claims, entry)
        self.items[body.item] = Item(
            id=body.item,
            object=body.object,
            acquisition=dict(body.acquisition),
            archived=Archived(entry.seq, entry.time, entry.actor),
            claims=list(body.claims),
            notes=list(body.notes),
            extraction_seq=entry.seq,
            history=[record],
            head=Pointer(entry.seq, record.hash),
        )
        return body.item

    def _relate(self, entry: Entry, body: RelateBody, record: Record) -> list[str]:
        source, target = self.items.get(body.item), self.items.get(body.to)
        for item_id, found in ((body.item, source), (body.to, target)):
            if found is None and not (self.partial and (source or target)):
                raise RuleError(f"relates item {item_id}, which the ledger does not have")
        touched = []
        if source is not None:
            source.relations.append(
                Relation(entry.seq, body.relation, body.to, True, body.note, body.item_part, body.to_part)
            )
            source.history.append(record)
            touched.append(source.id)
        if target is not None:
            target.relations.append(
                Relation(entry.seq, body.relation, body.item, False, body.note, body.to_part, body.item_part)
            )
            target.history.append(record)
            touched.append(target.id)
        return touched


def _with_seq(body: IngestBody | AmendBody | ExtractBody, seq: int) -> Any:
    if all(c.seq == seq for c in body.claims) and all(n.seq == seq for n in getattr(body, "notes", ())):
        return body
    claims = tuple(c if c.seq == seq else c.with_seq(seq) for c in body.claims)
    if isinstance(body, AmendBody):
        return body._replace(claims=claims)
    notes = tuple(ExtractionNote(n.note, n.reason, seq) for n in body.notes)
    return body._replace(claims=claims, notes=notes)


def fold(entries: Iterable[tuple[Entry, str]]) -> dict[str, Item]:
    """Items from (entry, entry hash) pairs; entries that break a rule are skipped."""
    f = Fold()
    for entry, hash_ in entries:
        try:
            f.apply(entry, hash_)
        except RuleError:
            continue
    return f.items


def about(entry: Entry) -> list[str]:
    """The items an entry concerns, read from its body without judging it."""
    body: Mapping[str, Any] = entry.body
    ids = [body.get("item"), body.get("to") if entry.kind == "relate" else None]
    return [i for i in ids if isinstance(i, str)]
