"""Entry bodies, one typed class per kind: exactly the members the format allows, read strictly.

`parse_body(kind, body)` is the one reader of a body's JSON and each class's `to_json()` the one
writer, so what the archive writes and what every verifier accepts cannot drift apart. Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from archive.core.claim import Claim, ExtractionNote
from archive.core.strict import RuleError, count, hex64, members, string

RELATIONS = ("screenshot", "html-source", "pdf-print", "translation", "transcript", "redaction", "duplicate-of")
ACCESS = ("open", "restricted")
ACQUISITION_METHODS = ("file-copy",)
KINDS = ("key", "ingest", "amend", "extract", "access", "relate")
ITEM_KINDS = ("amend", "extract", "access")  # the kinds that extend an item's own chain of entries


def text(value: Mapping[str, Any], key: str, what: str) -> str:
    return string(value.get(key), f"{what}.{key}")


def digest(value: Mapping[str, Any], key: str, what: str) -> str:
    return hex64(value.get(key), f"{what}.{key}")


class Pointer(NamedTuple):
    """`previous`: the entry an item entry follows in the item's own chain."""

    seq: int
    hash: str

    @classmethod
    def from_json(cls, value: Any) -> Pointer:
        if not isinstance(value, dict):
            raise RuleError("body.previous must be an object")
        members(value, "body.previous", ("seq", "hash"))
        return cls(count(value.get("seq"), "body.previous.seq"), digest(value, "hash", "body.previous"))

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash}


IDENTIFICATION = ("by", "libmagic", "libmagic_rules", "libmagic_version", "sniff", "name")


class Identified(NamedTuple):
    """How the media type was decided at ingest: which signal decided, and what every signal said."""

    by: str  # "libmagic" or "sniff"
    libmagic: str  # libmagic's answer, "type; charset=..."
    libmagic_rules: str  # which of its rule sets gave it: "signatures", "text test" or "all rules"
    libmagic_version: str
    sniff: str  # the WHATWG HTML sniff: a media type, "no HTML pattern" or "not run"
    name: str  # what the file name's extension suggests, or "unknown" (it never decides)

    @classmethod
    def from_json(cls, value: Any) -> Identified:
        if not isinstance(value, dict):
            raise RuleError("body.object.identification must be an object")
        members(value, "body.object.identification", IDENTIFICATION)
        return cls(*(string(value[k], f"identification.{k}") for k in IDENTIFICATION))

    def to_json(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in IDENTIFICATION}


CONTENTS_FORMATS = ("warc", "wacz")


class Contents(NamedTuple):
    """What a web archive holds, as indexed at ingest: its record index's size and Merkle root.

    The rows themselves live in the database (one per record, `archive.core.records`); the ledger
    holds only their RFC 9162 root, so a row can be proven against the ingest entry.
    """

    format: str  # "warc" | "wacz"
    records: int  # rows in the record index
    root: str  # hex: the Merkle tree head over the rows' canonical bytes, in index order
    indexer: tuple[str, str]  # (name, version) of the code that made the rows

    @classmethod
    def from_json(cls, value: Any) -> Contents:
        if not isinstance(value, dict):
            raise RuleError("body.object.contents must be an object")
        members(value, "body.object.contents", ("format", "records", "root", "indexer"))
        fmt = value["format"]
        if fmt not in CONTENTS_FORMATS:
            raise RuleError(f"body.object.contents.format must be one of {', '.join(CONTENTS_FORMATS)}")
        indexer = value["indexer"]
        if not isinstance(indexer, dict):
            raise RuleError("body.object.contents.indexer must be an object")
        members(indexer, "body.object.contents.indexer", ("name", "version"))
        return cls(
            str(fmt),
            count(value["records"], "body.object.contents.records"),
            digest(value, "root", "body.object.contents"),
            (string(indexer["name"], "indexer.name"), string(indexer["version"], "indexer.version")),
        )

    def to_json(self) -> dict[str, Any]:
        name, version = self.indexer
        return {
            "format": self.format,
            "records": self.records,
            "root": self.root,
            "indexer": {"name": name, "version": version},
        }


class ObjectFacts(NamedTuple):
    """What the bytes are: address, size, and what they were identified as at ingest."""

    sha256: str
    size: int
    media_type: str
    charset: str | None = None
    identification: Identified | None = None  # absent in entries written before it was recorded
    contents: Contents | None = None  # web archives only: their record index

    @classmethod
    def from_json(cls, value: Any) -> ObjectFacts:
        if not isinstance(value, dict):
            raise RuleError("body.object must be an object")
        members(value, "body.object", ("sha256", "size", "media_type"), ("charset", "identification", "contents"))
        charset = value.get("charset")
        if "charset" in value and (not isinstance(charset, str) or not charset):
            raise RuleError("body.object.charset must be a non-empty string when present")
        found = Identified.from_json(value["identification"]) if "identification" in value else None
        contents = Contents.from_json(value["contents"]) if "contents" in value else None
        return cls(
            digest(value, "sha256", "body.object"),
            count(value.get("size"), "body.object.size"),
            text(value, "media_type", "body.object"),
            charset,
            found,
            contents,
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"sha256": self.sha256, "size": self.size, "media_type": self.media_type}
        if self.charset is not None:
            out["charset"] = self.charset
        if self.identification is not None:
            out["identification"] = self.identification.to_json()
        if self.contents is not None:
            out["contents"] = self.contents.to_json()
        return out


_FILE_COPY = ("method", "name", "path", "host", "file_modified")


def acquisition_from_json(value: Any) -> dict[str, str]:
    """How the bytes came in; the member set depends on the method."""
    if not isinstance(value, dict):
        raise RuleError("body.acquisition must be an object")
    method = value.get("method")
    if method not in ACQUISITION_METHODS:
        raise RuleError(f"body.acquisition.method must be one of {', '.join(ACQUISITION_METHODS)}")
    members(value, "body.acquisition", _FILE_COPY)
    return {k: text(value, k, "body.acquisition") for k in _FILE_COPY}


def _claims(value: Mapping[str, Any], source: str | None, seq: int | None) -> tuple[Claim, ...]:
    raw = value.get("claims")
    if not isinstance(raw, list):
        raise RuleError("body.claims must be a list")
    claims = tuple(Claim.from_json(c, seq=seq) for c in raw)
    if source is not None and any(c.source != source for c in claims):
        raise RuleError(f"this kind of entry carries only {source} claims")
    return claims


def _notes(value: Mapping[str, Any], seq: int | None) -> tuple[ExtractionNote, ...]:
    raw = value.get("notes")
    if not isinstance(raw, list):
        raise RuleError("body.notes must be a list")
    return tuple(ExtractionNote.from_json(n, seq=seq) for n in raw)


class KeyBody(NamedTuple):
    origin: str
    verifier_key: str
    note: str
    previous_key: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"origin": self.origin, "verifier_key": self.verifier_key, "note": self.note}
        if self.previous_key is not None:
            out["previous_key"] = self.previous_key
        return out


class IngestBody(NamedTuple):
    item: str
    object: ObjectFacts
    acquisition: Mapping[str, str]
    claims: tuple[Claim, ...] = ()
    notes: tuple[ExtractionNote, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "item": self.item,
            "object": self.object.to_json(),
            "acquisition": dict(self.acquisition),
            "claims": [c.to_json() for c in self.claims],
        }
        if self.notes:
            out["notes"] = [n.to_json() for n in self.notes]
        return out


class AmendBody(NamedTuple):
    item: str
    previous: Pointer
    reason: str
    claims: tuple[Claim, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "previous": self.previous.to_json(),
            "reason": self.reason,
            "claims": [c.to_json() for c in self.claims],
        }


class ExtractBody(NamedTuple):
    item: str
    previous: Pointer
    claims: tuple[Claim, ...]
    notes: tuple[ExtractionNote, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "previous": self.previous.to_json(),
            "claims": [c.to_json() for c in self.claims],
            "notes": [n.to_json() for n in self.notes],
        }


class AccessBody(NamedTuple):
    item: str
    previous: Pointer
    access: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"item": self.item, "previous": self.previous.to_json(), "access": self.access, "reason": self.reason}


class RelateBody(NamedTuple):
    item: str
    to: str
    relation: str
    note: str | None = None
    item_part: str | None = None  # a page of a web archive item, at either end (issue 12)
    to_part: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"item": self.item, "to": self.to, "relation": self.relation}
        if self.note is not None:
            out["note"] = self.note
        if self.item_part is not None:
            out["item_part"] = self.item_part
        if self.to_part is not None:
            out["to_part"] = self.to_part
        return out


Body = KeyBody | IngestBody | AmendBody | ExtractBody | AccessBody | RelateBody
ItemBody = AmendBody | ExtractBody | AccessBody


def _key(b: Mapping[str, Any], seq: int | None) -> KeyBody:
    members(b, "body", ("origin", "verifier_key", "note"), ("previous_key",))
    previous = b.get("previous_key")
    if "previous_key" in b and not isinstance(previous, str):
        raise RuleError("body.previous_key must be a string")
    return KeyBody(text(b, "origin", "body"), text(b, "verifier_key", "body"), text(b, "note", "body"), previous)


def _ingest(b: Mapping[str, Any], seq: int | None) -> IngestBody:
    members(b, "body", ("item", "object", "acquisition", "claims"), ("notes",))
    item = digest(b, "item", "body")
    facts = ObjectFacts.from_json(b["object"])
    if facts.sha256 != item:
        raise RuleError("body.item must be the object's SHA-256")
    notes = _notes(b, seq) if "notes" in b else ()
    return IngestBody(item, facts, acquisition_from_json(b["acquisition"]), _claims(b, None, seq), notes)


def _reason(b: Mapping[str, Any]) -> str:
    return text(b, "reason", "body")


def _amend(b: Mapping[str, Any], seq: int | None) -> AmendBody:
    members(b, "body", ("item", "previous", "reason", "claims"))
    claims = _claims(b, "asserted", seq)
    if not claims:
        raise RuleError("an amendment carries one or more asserted claims")
    return AmendBody(digest(b, "item", "body"), Pointer.from_json(b["previous"]), _reason(b), claims)


def _extract(b: Mapping[str, Any], seq: int | None) -> ExtractBody:
    members(b, "body", ("item", "previous", "claims", "notes"))
    claims = _claims(b, "extracted", seq)
    return ExtractBody(digest(b, "item", "body"), Pointer.from_json(b["previous"]), claims, _notes(b, seq))


def _access(b: Mapping[str, Any], seq: int | None) -> AccessBody:
    members(b, "body", ("item", "previous", "access", "reason"))
    status = b.get("access")
    if status not in ACCESS:
        raise RuleError(f"body.access must be one of {', '.join(ACCESS)}")
    return AccessBody(digest(b, "item", "body"), Pointer.from_json(b["previous"]), str(status), _reason(b))


def _relate(b: Mapping[str, Any], seq: int | None) -> RelateBody:
    members(b, "body", ("item", "to", "relation"), ("note", "item_part", "to_part"))
    relation = b.get("relation")
    if relation not in RELATIONS:
        raise RuleError(f"body.relation must be one of {', '.join(RELATIONS)}")
    note = b.get("note")
    if "note" in b and (not isinstance(note, str) or not note.strip()):
        raise RuleError("body.note must be a non-empty string when present")
    item, to = digest(b, "item", "body"), digest(b, "to", "body")
    if item == to:
        raise RuleError("an item cannot be related to itself")
    parts = [string(b[k], f"body.{k}") if k in b else None for k in ("item_part", "to_part")]
    return RelateBody(item, to, str(relation), note, parts[0], parts[1])


_READERS: dict[str, Callable[[Mapping[str, Any], int | None], Body]] = {
    "key": _key,
    "ingest": _ingest,
    "amend": _amend,
    "extract": _extract,
    "access": _access,
    "relate": _relate,
}


def parse_body(kind: str, body: Mapping[str, Any], seq: int | None = None) -> Body:
    """The typed body of an entry of `kind` (its claims and notes marked as made by entry `seq`, if
    given); raises RuleError for an unknown kind or a bad body."""
    reader = _READERS.get(kind)
    if reader is None:
        raise RuleError(f"unknown entry kind {kind[:40]!r}")
    parsed: Body = reader(body, seq)
    return parsed
