"""The record index of a web archive: its rows, their Merkle tree, and reading a row strictly. Pure.

A WARC or WACZ item holds records (responses, resources, revisits). Each is one *row*: a JSON
object of the record's facts and of what the extractors read from its content (its `claims` and
`notes`), and its bytes are the row's canonical form (RFC 8785). The rows, in index order, are the
leaves of an RFC 9162 Merkle tree whose root the item's ingest entry holds
(`object.contents.root`), so one row, and with it what was read from that page, is proven against
the ledger with an inclusion proof, without the others (docs/format.md §21).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from archive.core.canonical import canonical_bytes, parse_canonical
from archive.core.claim import Claim, ExtractionNote
from archive.core.merkle import CompactRange, inclusion_proof_from_leaves, leaf_hash, verify_inclusion
from archive.core.strict import RuleError, count, members, string

# The members of a row: required, then optional (absent when the record has no such fact).
ROW_REQUIRED = ("part", "file", "offset", "length", "type", "uri", "date", "record_id", "digest")
ROW_OPTIONAL = (
    "status",
    "content_type",
    "charset",
    "location",
    "refers_to",
    "payload_digest",
    "block_digest",
    "digest_detail",
    "sha256",
    "size",
    "claims",
    "notes",
)
READING = ("claims", "notes")  # what was read from the content, beside the record's own facts
RECORD_TYPES = ("response", "resource", "revisit")
DIGEST_RESULTS = ("ok", "mismatch", "absent", "unsupported")
_COUNTS = ("offset", "length", "size")


def row_bytes(row: Mapping[str, Any]) -> bytes:
    """A row's bytes: its canonical JSON."""
    return canonical_bytes(dict(row))


def row_leaf(data: bytes) -> bytes:
    """The Merkle leaf hash of a row's bytes."""
    return leaf_hash(data)


class IndexTree:
    """The record index's tree, built a row at a time in constant memory."""

    def __init__(self) -> None:
        self._range = CompactRange()

    def add(self, data: bytes) -> int:
        """Add the next row's bytes; returns its index."""
        index = self._range.size
        self._range.append(row_leaf(data))
        return index

    @property
    def size(self) -> int:
        return self._range.size

    def root(self) -> str:
        return self._range.root().hex()


def root_of(rows: Iterable[bytes]) -> tuple[int, str]:
    """(count, hex root) of rows' bytes, in order."""
    tree = IndexTree()
    for data in rows:
        tree.add(data)
    return tree.size, tree.root()


def row_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The inclusion proof of row `index` among all the rows' leaf hashes."""
    return inclusion_proof_from_leaves(index, leaves)


def proves(data: bytes, index: int, size: int, proof: Sequence[bytes], root_hex: str) -> bool:
    """Whether `proof` shows the row `data` at `index` in an index of `size` rows with root `root_hex`."""
    return verify_inclusion(row_leaf(data), index, size, proof, bytes.fromhex(root_hex))


def read_row(data: bytes) -> dict[str, Any]:
    """A row from its bytes, checked: canonical JSON with exactly the row's members of the right types.

    Raises RuleError naming what is wrong.
    """
    try:
        value = parse_canonical(data)
    except ValueError as exc:
        raise RuleError(f"a record row is not canonical JSON: {exc}") from exc
    return check_row(value)


def check_row(value: Any) -> dict[str, Any]:
    """A row's JSON value checked (see `read_row`)."""
    if not isinstance(value, dict):
        raise RuleError("a record row is an object")
    members(value, "a record row", ROW_REQUIRED, ROW_OPTIONAL)
    for name in ("part", "uri", "date", "record_id"):
        string(value[name], f"row.{name}")
    if not isinstance(value["file"], str):
        raise RuleError("row.file must be a string")
    for name in _COUNTS:
        if name in value:
            count(value[name], f"row.{name}")
    if value["type"] not in RECORD_TYPES:
        raise RuleError(f"row.type must be one of {', '.join(RECORD_TYPES)}")
    if value["digest"] not in DIGEST_RESULTS:
        raise RuleError(f"row.digest must be one of {', '.join(DIGEST_RESULTS)}")
    if "status" in value and (not isinstance(value["status"], int) or isinstance(value["status"], bool)):
        raise RuleError("row.status must be an integer")
    for name in ("content_type", "charset", "location", "refers_to", "payload_digest", "block_digest", "digest_detail"):
        if name in value:
            string(value[name], f"row.{name}")
    if "sha256" in value and (not isinstance(value["sha256"], str) or len(value["sha256"]) != 64):
        raise RuleError("row.sha256 must be 64 hex digits")
    if value["part"] != f"{value['file']}@{value['offset']}":
        raise RuleError("row.part must be the row's file, '@' and its offset")
    for name, reader in (("claims", _claim), ("notes", ExtractionNote.from_json)):
        if name in value:
            if not isinstance(value[name], list) or not value[name]:
                raise RuleError(f"row.{name} must be a non-empty array")
            for member in value[name]:
                reader(member)
    return value


def _claim(value: Any) -> Claim:
    claim = Claim.from_json(value)
    if claim.source != "extracted" or claim.part is not None:
        raise RuleError("a record row's claims are extracted claims without a part (the row is the part)")
    return claim


def facts_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row without what was read from its content: the record's own facts."""
    return {k: v for k, v in row.items() if k not in READING}


def page_claims(row: Mapping[str, Any], seq: int) -> list[Claim]:
    """A row's claims as claims about its part, made by the ingest entry `seq`."""
    part = str(row["part"])
    return [Claim.from_json(c, seq=seq).replace(part=part) for c in row.get("claims", ())]


def page_notes(row: Mapping[str, Any], seq: int) -> list[ExtractionNote]:
    return [ExtractionNote.from_json(n, seq=seq) for n in row.get("notes", ())]
