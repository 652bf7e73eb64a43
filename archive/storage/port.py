"""The storage port: what the archive needs from a ledger database, whichever engine holds it.

A backend (SQLite today; PostgreSQL next) implements `Ledger`: consistent read snapshots, and
write transactions that the backend itself serialises (no two writers ever append after the same
head) and in which the ledger and checkpoint tables only grow (the database refuses UPDATE and
DELETE). Nothing outside `archive.storage` knows which engine is underneath: the rest of the
archive sees these protocols, rows as values, and `ArchiveError`s.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import NamedTuple, Protocol

from archive.core.entry import Sealed
from archive.core.item import IndexRow


class StoredRow(NamedTuple):
    """A ledger row exactly as stored, for verification: every column, none trusted.

    `data` is None and `damage` says why when the stored value is not bytes at all (a column
    overwritten with text or a number); such a row is reported, never a crash.
    """

    seq: int
    prev: str
    hash: str
    kind: str
    data: bytes | None
    damage: str | None = None


class RecordRow(NamedTuple):
    """One record of a web archive item as the record index keeps it (`row`: its canonical JSON)."""

    idx: int
    part: str
    uri: str
    date: str
    media: str  # the payload's media type, "" if none
    status: int  # the HTTP status, 0 if none
    row: bytes


class Reader(Protocol):
    """Queries over one consistent snapshot of the ledger, the index, the nodes and checkpoints."""

    def head(self) -> Sealed | None:
        """The last entry, or None for an empty ledger."""

    def size(self) -> int:
        """The number of entries (the head's seq + 1)."""

    def entries(self, start: int = 0, stop: int | None = None) -> Iterator[Sealed]:
        """Entries with start <= seq < stop, in order, streamed."""

    def entries_at(self, seqs: Sequence[int]) -> list[Sealed]:
        """The entries at these positions, in the order asked; NotFoundError if one is missing."""

    def entries_of_kind(self, kind: str) -> Iterator[Sealed]:
        """Entries whose kind column is `kind`, in order."""

    def rows(self) -> Iterator[StoredRow]:
        """Every ledger row with every column, in seq order, streamed (for verification)."""

    def nodes_at(self, coordinates: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        """Merkle nodes by (level, index), level 0 being entry hashes; missing ones are absent."""

    def nodes(self, level: int) -> Iterator[tuple[int, bytes]]:
        """All stored nodes of one level (>= 1), in index order, streamed."""

    def node_levels(self) -> list[int]:
        """The levels that have stored nodes."""

    def checkpoints(self) -> Iterator[tuple[int, str]]:
        """Every stored checkpoint (size, signed note), in size order."""

    def latest_checkpoint(self) -> tuple[int, str] | None: ...

    def timestamps(self, size: int | None = None) -> list[tuple[int, str, bytes]]:
        """Stored RFC 3161 tokens as (checkpoint size, TSA URL, token DER), of one size or all, in order."""

    def storage_faults(self) -> list[tuple[str, str, int]]:
        """(table, column, rows) for each column with rows whose value is not of the column's type."""

    def missing_guards(self) -> list[str]:
        """The names of the database's append-only guards (triggers, rules) that are absent or altered."""

    def item_ids(self, prefix: str, limit: int = 2) -> list[str]:
        """Up to `limit` item ids starting with `prefix`, sorted."""

    def known_items(self, item_ids: Sequence[str]) -> set[str]:
        """Those of `item_ids` the index holds."""

    def item_state(self, item_id: str) -> bytes | None:
        """An item's stored state (canonical JSON of the item model), or None."""

    def items(self, *, start: int = 0, limit: int | None = None) -> Iterator[IndexRow]:
        """Index rows in ingest order, skipping the first `start`, streamed."""

    def item_count(self) -> int: ...

    def index_rows(self) -> Iterator[IndexRow | tuple[str, str]]:
        """Every index row, sorted by id, streamed; (id, why) for a row that cannot be read."""

    # ---- witnesses (issue 11) ----

    def records(
        self, item_id: str, *, uri: str | None = None, part: str | None = None, media_prefix: str | None = None
    ) -> Iterator[RecordRow]:
        """A web archive item's record rows in index order, all or those of one URI, part or media type."""

    def record_count(self, item_id: str) -> int: ...

    def cosignatures(self, size: int | None = None) -> list[tuple[int, str, str, str]]:
        """Kept cosignatures (size, witness name, signature line, received time), of one size or all."""


class Writer(Reader, Protocol):
    """Appends and index updates inside one serialised write transaction."""

    def append(self, rows: Sequence[tuple[Sealed, str, str]]) -> None:
        """Insert entries given as (sealed, kind, prev)."""

    def put_nodes(self, nodes: Sequence[tuple[int, int, bytes]]) -> None:
        """Store interior Merkle nodes (level >= 1; level-0 entries are ignored)."""

    def put_checkpoint(self, size: int, note: str) -> None: ...

    def put_timestamp(self, size: int, tsa: str, token: bytes) -> None:
        """Keep a time-stamp token over the checkpoint of `size` (a token already kept is not repeated)."""

    def put_cosignatures(self, rows: Sequence[tuple[int, str, str, str]]) -> None:
        """Keep cosignatures (size, witness name, signature line, received time); duplicates are ignored."""

    def put_records(self, item_id: str, rows: Iterable[RecordRow]) -> None:
        """Keep a web archive item's record rows (once, in the transaction of its ingest)."""

    def add_items(self, rows: Sequence[IndexRow]) -> None:
        """Insert index rows for new items."""

    def put_items(self, rows: Sequence[IndexRow]) -> None:
        """Replace the index rows of existing items."""

    def clear_items(self) -> None:
        """Empty the index (it is rebuilt from the ledger by an upgrade)."""

    def set_index_layout(self, layout: int) -> None:
        """Record which layout the index rows are in (`archive.storage.upgrade`)."""


class Ledger(Protocol):
    """One vault's ledger database."""

    name: str  # the backend's name, as the vault marker gives it

    def read(self) -> AbstractContextManager[Reader]:
        """A read snapshot; never blocks writers."""

    def write(self) -> AbstractContextManager[Writer]:
        """A serialised write transaction: commits when the block ends, rolls back on any error."""

    def index_layout(self) -> int:
        """The layout the index rows are in (1: a version-1 vault's; see `archive.storage.upgrade`)."""

    def close(self) -> None: ...
