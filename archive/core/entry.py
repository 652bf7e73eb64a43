"""Ledger rules over bytes and hashes: how an entry is made, sealed, decoded and chained.

Pure: no database and no clock. Storage hands rows in, these functions decide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from archive.core.canonical import canonical_bytes, parse_json, read_canonical
from archive.core.problems import Problem

if TYPE_CHECKING:
    from datetime import datetime
from archive.errors import LedgerError

FORMAT_VERSION = 1
GENESIS_PREV = "0" * 64
LEAF_PREFIX = b"\x00"
ENTRY_FIELDS = ("v", "seq", "prev", "time", "actor", "tool", "kind", "body")
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")  # ASCII digits only
_HEX64 = re.compile(r"[0-9a-f]{64}")


def format_time(moment: datetime) -> str:
    """RFC 3339 UTC with exactly six fractional digits, so times sort as strings."""
    from datetime import UTC  # lazily, as the module's other users: reading commands never write a time

    if moment.tzinfo is None:
        raise LedgerError("entry times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(data: bytes) -> str:
    """SHA-256(0x00 || bytes): the chain hash and the RFC 9162 Merkle leaf hash at once."""
    import hashlib  # here, not at the top: reading commands never hash, and OpenSSL is slow to load

    return hashlib.sha256(LEAF_PREFIX + data).hexdigest()


class Entry(NamedTuple):
    """One ledger entry, as its fields."""

    seq: int
    prev: str
    time: str
    actor: str
    tool: Mapping[str, str]
    kind: str
    body: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "v": FORMAT_VERSION,
            "seq": self.seq,
            "prev": self.prev,
            "time": self.time,
            "actor": self.actor,
            "tool": dict(self.tool),
            "kind": self.kind,
            "body": dict(self.body),
        }


class Sealed(NamedTuple):
    """An entry as stored: its position, its canonical bytes and their hash."""

    seq: int
    hash: str
    data: bytes


def seal(entry: Entry, *, model: bool = False) -> Sealed:
    """The entry's canonical bytes and hash (`model`: its body was built by the archive's model)."""
    data = canonical_bytes(entry.to_json(), model=model)
    return Sealed(entry.seq, entry_hash(data), data)


def next_entry(
    head: Sealed | None,
    *,
    time: datetime,
    actor: str,
    tool: Mapping[str, str],
    kind: str,
    body: Mapping[str, Any],
) -> tuple[Entry, Sealed]:
    """Make and seal the entry that follows `head` (None: the first entry of a ledger)."""
    if not actor.strip():
        raise LedgerError("an entry needs an actor")
    seq = 0 if head is None else head.seq + 1
    prev = GENESIS_PREV if head is None else head.hash
    entry = Entry(seq, prev, format_time(time), actor, tool, kind, body)
    return entry, seal(entry, model=True)


def decode(data: bytes) -> Entry:
    """Parse an entry's bytes and check its shape (not its place in the chain)."""
    return decode_value(parse_json(data))


def decode_value(value: Any) -> Entry:
    """An entry from its parsed JSON, shape checked: exactly the members of §3, each well typed."""
    if not isinstance(value, dict) or len(value) != len(ENTRY_FIELDS) or not all(k in value for k in ENTRY_FIELDS):
        raise LedgerError(f"an entry is an object with exactly the fields {', '.join(ENTRY_FIELDS)}")
    if value["v"] != FORMAT_VERSION or isinstance(value["v"], bool):
        raise LedgerError(f"unknown entry version {str(value['v'])[:20]!r}")
    seq, prev, time, actor = value["seq"], value["prev"], value["time"], value["actor"]
    tool, kind, body = value["tool"], value["kind"], value["body"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise LedgerError("seq must be a non-negative integer")
    if not isinstance(prev, str) or not _HEX64.fullmatch(prev):
        raise LedgerError("prev must be 64 lowercase hex digits")
    if not isinstance(time, str) or not _TIME.fullmatch(time):
        raise LedgerError("time must be RFC 3339 UTC with microseconds, e.g. 2026-01-02T03:04:05.000000Z")
    if not isinstance(actor, str) or not actor.strip():
        raise LedgerError("actor must be a non-empty string")
    if (
        not isinstance(tool, dict)
        or sorted(tool) != ["name", "version"]
        or not all(isinstance(tool[k], str) and tool[k] for k in tool)
    ):
        raise LedgerError("tool must be an object of exactly a string name and version")
    if not isinstance(kind, str) or not kind:
        raise LedgerError("kind must be a non-empty string")
    if not isinstance(body, dict):
        raise LedgerError("body must be an object")
    return Entry(seq, prev, time, actor, tool, kind, body)


class Checked(NamedTuple):
    """A stored row as judged by the chain rules."""

    row: StoredRowLike
    entry: Entry | None  # None when the bytes do not decode as an entry
    hash: str  # the hash of the row's actual bytes
    problems: list[Problem]


class StoredRowLike(Protocol):
    """A ledger row as stored: every column, none trusted."""

    @property
    def seq(self) -> int: ...
    @property
    def prev(self) -> str: ...
    @property
    def hash(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def data(self) -> bytes | None: ...
    @property
    def damage(self) -> str | None: ...


def check_entries(rows: Iterable[StoredRowLike]) -> Iterator[Checked]:
    """Walk stored rows in position order and judge each one against the rules of the chain.

    Yields every row with its decoded entry and the problems found, so a caller can go on
    checking bodies without a second pass. The chain link is judged against the hash of the
    previous row's actual bytes, so an edit shows even when its stored hash was kept; the columns
    that repeat what the bytes say (`prev`, `kind`) are checked against them.
    """
    expected_seq = 0
    prev_hash = GENESIS_PREV
    prev_time = ""
    for row in rows:
        problems: list[Problem] = []
        data = row.data if row.data is not None else b""
        actual = entry_hash(data)
        if row.seq != expected_seq:
            problems.append(Problem("SEQ_GAP", f"expected entry {expected_seq}, found {row.seq}", seq=row.seq))
        if actual != row.hash:
            problems.append(
                Problem("ENTRY_HASH_MISMATCH", f"stored hash {row.hash[:80]} but bytes hash to {actual}", seq=row.seq)
            )
        entry: Entry | None = None
        if row.data is None:
            problems.append(Problem("ENTRY_MALFORMED", f"the entry's bytes are damaged: {row.damage}", seq=row.seq))
        else:
            try:
                value, canonical = read_canonical(data)
                entry = decode_value(value)
                if not canonical:
                    problems.append(
                        Problem("ENTRY_NOT_CANONICAL", "bytes are not RFC 8785 canonical JSON", seq=row.seq)
                    )
            except LedgerError as exc:
                problems.append(Problem("ENTRY_MALFORMED", str(exc), seq=row.seq))
        if entry is not None:
            if entry.seq != row.seq:
                problems.append(
                    Problem(
                        "ENTRY_SEQ_MISMATCH",
                        f"entry says seq {entry.seq} but is stored at {row.seq}",
                        seq=row.seq,
                    )
                )
            if entry.prev != prev_hash:
                problems.append(
                    Problem(
                        "CHAIN_BROKEN",
                        f"prev is {entry.prev} but the entry before hashes to {prev_hash}",
                        seq=row.seq,
                    )
                )
            if row.prev != entry.prev or row.kind != entry.kind:
                column = "prev" if row.prev != entry.prev else "kind"
                shown = (row.prev if column == "prev" else row.kind)[:80]
                problems.append(
                    Problem(
                        "ENTRY_COLUMN_MISMATCH",
                        f"the row's {column} column says {shown!r}, its bytes say otherwise",
                        seq=row.seq,
                    )
                )
            if entry.time < prev_time:
                problems.append(Problem("TIME_REGRESSION", f"time {entry.time} is before {prev_time}", seq=row.seq))
            prev_time = max(prev_time, entry.time)
        yield Checked(row, entry, actual, problems)
        prev_hash = actual
        expected_seq = row.seq + 1
