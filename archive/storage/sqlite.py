"""The SQLite backend of the storage port: one file, WAL mode, driven through the stdlib `sqlite3`.

The tables are those of `archive.storage.tables` (created from the SQLModel definitions when a
vault is made); every query here is plain SQL through the driver, so a command that only reads
never imports SQLAlchemy. Append-only is the database's own rule: triggers refuse UPDATE and DELETE
on the ledger and checkpoint tables, and UNIQUE(seq), UNIQUE(prev), UNIQUE(hash) refuse a fork.
Writers serialise with `BEGIN IMMEDIATE`. A vault on read-only media is opened read-only (and,
where SQLite cannot even keep its shared-memory file there, as an immutable file).
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from archive.core.digest import is_hex_digest
from archive.core.entry import Sealed
from archive.core.item import IndexRow
from archive.errors import LedgerError, NotFoundError, VaultError
from archive.storage.port import RecordRow, StoredRow

NAME = "sqlite"
INDEX_LAYOUT = 2  # what a new database's index holds (archive.storage.upgrade)
BUSY_TIMEOUT_MS = 120_000
PAGE = 2000
_CHUNK = 500  # parameters per IN (...) query, well under SQLite's limit

# ---- witnesses (issue 11): the cosignature table's guards ----
COSIGNATURE_GUARDS = (
    "CREATE TRIGGER IF NOT EXISTS cosignature_no_update BEFORE UPDATE ON cosignature "
    "BEGIN SELECT RAISE(ABORT, 'cosignatures are kept as received: UPDATE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS cosignature_no_delete BEFORE DELETE ON cosignature "
    "BEGIN SELECT RAISE(ABORT, 'cosignatures are kept as received: DELETE refused'); END",
)
GUARDS = (
    "CREATE TRIGGER IF NOT EXISTS ledger_no_update BEFORE UPDATE ON ledger "
    "BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: UPDATE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS ledger_no_delete BEFORE DELETE ON ledger "
    "BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: DELETE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS checkpoint_no_update BEFORE UPDATE ON checkpoint "
    "BEGIN SELECT RAISE(ABORT, 'checkpoints are kept as issued: UPDATE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS checkpoint_no_delete BEFORE DELETE ON checkpoint "
    "BEGIN SELECT RAISE(ABORT, 'checkpoints are kept as issued: DELETE refused'); END",
    *COSIGNATURE_GUARDS,
)
# A guard as SQLite keeps it (sqlite_master.sql, spaces collapsed): any other text (a WHEN clause,
# a body that does not abort) no longer guards. The message inside is free.
_GUARD_SQL = re.compile(
    r"CREATE TRIGGER (\w+) BEFORE (UPDATE|DELETE) ON (\w+) BEGIN SELECT RAISE\(ABORT, '[^']*'\); END", re.IGNORECASE
)
_GUARDED = {
    "ledger_no_update": ("UPDATE", "ledger"),
    "ledger_no_delete": ("DELETE", "ledger"),
    "checkpoint_no_update": ("UPDATE", "checkpoint"),
    "checkpoint_no_delete": ("DELETE", "checkpoint"),
    "timestamp_no_update": ("UPDATE", "timestamp"),  # guards of an additive table: expected where it exists
    "timestamp_no_delete": ("DELETE", "timestamp"),
    "cosignature_no_update": ("UPDATE", "cosignature"),
    "cosignature_no_delete": ("DELETE", "cosignature"),
    "record_no_update": ("UPDATE", "record"),
    "record_no_delete": ("DELETE", "record"),
}
# The storage class every column must hold (SQLite keeps whatever it is given in a BLOB column, and
# a value its affinity cannot convert in any other): verification reports each column that holds
# another, and the readers below skip such rows rather than read them as what they are not.
STORAGE_CLASSES = {
    "ledger": {"seq": "integer", "prev": "text", "hash": "text", "kind": "text", "data": "blob"},
    "node": {"level": "integer", "idx": "integer", "hash": "blob"},
    "checkpoint": {"size": "integer", "note": "text"},
    "timestamp": {"size": "integer", "tsa": "text", "token": "blob"},
    "cosignature": {"size": "integer", "witness": "text", "line": "text", "received": "text"},
    "record": {
        "item": "text",
        "idx": "integer",
        "part": "text",
        "uri": "text",
        "date": "text",
        "media": "text",
        "status": "integer",
        "row": "blob",
    },
    "item": {
        "id": "text",
        "size": "integer",
        "media_type": "text",
        "name": "text",
        "ingest_seq": "integer",
        "last_seq": "integer",
        "ingested_at": "text",
        "state": "blob",
    },
}
# What an SQLite URI filename must escape: its own delimiters and the escape character itself.
_URI_ESCAPES = {"%": "%25", "?": "%3F", "#": "%23"}
# ---- RFC 3161 time-stamp tokens (issue 11) ------------------------------------------------------
# Tokens over checkpoints, kept like the checkpoints themselves: append-only. The table is
# additive: a vault made before it existed gains it (and its guards) the first time it is opened
# for writing, and a reader treats a missing table as one holding no token. Plain SQL here rather
# than a SQLModel table, so that opening a vault never imports SQLAlchemy.
TIMESTAMP_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS timestamp (size INTEGER NOT NULL, tsa VARCHAR NOT NULL, token BLOB NOT NULL, "
    "PRIMARY KEY (size, tsa, token))",
    "CREATE TRIGGER IF NOT EXISTS timestamp_no_update BEFORE UPDATE ON timestamp "
    "BEGIN SELECT RAISE(ABORT, 'time-stamp tokens are kept as received: UPDATE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS timestamp_no_delete BEFORE DELETE ON timestamp "
    "BEGIN SELECT RAISE(ABORT, 'time-stamp tokens are kept as received: DELETE refused'); END",
)
# ---- the record index of web archives (issue 12) -----------------------------------------------
# One row per record of a WARC or WACZ item, in index order; `row` is the row's canonical JSON,
# whose Merkle root the item's ingest entry holds (archive.core.records). Rows are written once,
# with the ingest, and never changed: guarded like the tokens.
RECORD_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS record (item VARCHAR NOT NULL, idx INTEGER NOT NULL, part VARCHAR NOT NULL, "
    "uri VARCHAR NOT NULL, date VARCHAR NOT NULL, media VARCHAR NOT NULL, status INTEGER NOT NULL, "
    "row BLOB NOT NULL, PRIMARY KEY (item, idx))",
    "CREATE INDEX IF NOT EXISTS record_part ON record (item, part)",
    "CREATE INDEX IF NOT EXISTS record_uri ON record (item, uri)",
    "CREATE TRIGGER IF NOT EXISTS record_no_update BEFORE UPDATE ON record "
    "BEGIN SELECT RAISE(ABORT, 'record rows are kept as indexed: UPDATE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS record_no_delete BEFORE DELETE ON record "
    "BEGIN SELECT RAISE(ABORT, 'record rows are kept as indexed: DELETE refused'); END",
)
_RECORD_COLUMNS = "idx, part, uri, date, media, status, row"

# Tables added after vault format version 2 was released: an older vault gains each (with its
# guards) the first time it is opened for writing; opened read-only, it is read as empty. Each
# value is what makes the table's guards (and, for a table SQLModel does not define, the table).
ADDITIVE_TABLES = {"cosignature": COSIGNATURE_GUARDS, "timestamp": TIMESTAMP_SCHEMA, "record": RECORD_SCHEMA}


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


_ITEM_COLUMNS = "id, size, media_type, name, ingest_seq, last_seq, ingested_at, state"


def _sealed(row: Any) -> Sealed:
    seq, hash_, data = row
    if not isinstance(data, bytes):
        raise VaultError(f"ledger entry {seq} is not stored as bytes; run `archive verify`")
    return Sealed(int(seq), str(hash_), data)


_ITEM_TYPES = (str, int, str, str, int, int, str, bytes)


def _index_row(row: Any) -> IndexRow:
    """An index row as stored, or VaultError if a column holds another kind of value (a damaged
    or tampered index is reported, never a crash: the index is rebuilt from the ledger)."""
    for value, kind in zip(row, _ITEM_TYPES, strict=True):
        if type(value) is not kind:
            shown = row[0] if isinstance(row[0], str) else repr(row[0])[:80]
            raise VaultError(f"the index row of item {shown} is damaged; run `archive verify`")
    return IndexRow(*row)


class Reader:
    """Queries over one snapshot (the connection is inside a transaction)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def _one(self, sql: str, args: Sequence[Any] = ()) -> Any:
        return self.conn.execute(sql, args).fetchone()

    def head(self) -> Sealed | None:
        row = self._one("SELECT seq, hash, data FROM ledger WHERE typeof(seq) = 'integer' ORDER BY seq DESC LIMIT 1")
        return None if row is None else _sealed(row)

    def size(self) -> int:
        row = self._one("SELECT max(seq) FROM ledger WHERE typeof(seq) = 'integer'")
        return 0 if row is None or row[0] is None else int(row[0]) + 1

    def entries(self, start: int = 0, stop: int | None = None) -> Iterator[Sealed]:
        after = start - 1
        end = (1 << 62) if stop is None else stop  # a plain range, so SQLite walks the primary key
        while True:
            rows = self.conn.execute(
                "SELECT seq, hash, data FROM ledger WHERE seq > ? AND seq < ? ORDER BY seq LIMIT ?",
                (after, end, PAGE if stop is None else max(1, min(PAGE, stop - after - 1))),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _sealed(row)
            after = int(rows[-1][0])

    def entries_at(self, seqs: Sequence[int]) -> list[Sealed]:
        found: dict[int, Sealed] = {}
        wanted = sorted(set(seqs))
        for i in range(0, len(wanted), _CHUNK):
            part = wanted[i : i + _CHUNK]
            marks = ",".join("?" * len(part))
            for row in self.conn.execute(f"SELECT seq, hash, data FROM ledger WHERE seq IN ({marks})", part):  # noqa: S608
                found[int(row[0])] = _sealed(row)
        missing = [s for s in seqs if s not in found]
        if missing:
            raise NotFoundError(f"no ledger entry {missing[0]}")
        return [found[s] for s in seqs]

    def entries_of_kind(self, kind: str) -> Iterator[Sealed]:
        for row in self.conn.execute("SELECT seq, hash, data FROM ledger WHERE kind = ? ORDER BY seq", (kind,)):
            yield _sealed(row)

    def rows(self) -> Iterator[StoredRow]:
        after = -1
        while True:
            rows = self.conn.execute(
                "SELECT seq, prev, hash, kind, data FROM ledger WHERE typeof(seq) = 'integer' AND seq > ? "
                "ORDER BY seq LIMIT ?",
                (after, PAGE),
            ).fetchall()
            if not rows:
                return
            for seq, prev, hash_, kind, data in rows:
                damage = None if isinstance(data, bytes) else f"stored as {type(data).__name__}, not bytes"
                yield StoredRow(
                    int(seq), str(prev), str(hash_), str(kind), data if isinstance(data, bytes) else None, damage
                )
            after = int(rows[-1][0])

    def nodes_at(self, coordinates: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        wanted = sorted(set(coordinates))
        found: dict[tuple[int, int], bytes] = {}
        leaves = [idx for level, idx in wanted if level == 0]
        for i in range(0, len(leaves), _CHUNK):
            part = leaves[i : i + _CHUNK]
            marks = ",".join("?" * len(part))
            for seq, hash_ in self.conn.execute(f"SELECT seq, hash FROM ledger WHERE seq IN ({marks})", part):  # noqa: S608
                if isinstance(seq, int) and isinstance(hash_, str) and is_hex_digest(hash_):
                    found[(0, seq)] = bytes.fromhex(hash_)
        inner = [(level, idx) for level, idx in wanted if level > 0]
        for i in range(0, len(inner), _CHUNK // 2):
            pairs = inner[i : i + _CHUNK // 2]
            where = " OR ".join("(level = ? AND idx = ?)" for _ in pairs)
            args = [v for pair in pairs for v in pair]
            for level, idx, hash_ in self.conn.execute(f"SELECT level, idx, hash FROM node WHERE {where}", args):  # noqa: S608
                if isinstance(level, int) and isinstance(idx, int) and isinstance(hash_, bytes):
                    found[(level, idx)] = hash_
        return found

    def nodes(self, level: int) -> Iterator[tuple[int, bytes]]:
        after = -1
        while True:
            rows = self.conn.execute(
                "SELECT idx, hash FROM node WHERE level = ? AND typeof(idx) = 'integer' AND idx > ? "
                "ORDER BY idx LIMIT ?",
                (level, after, 5000),
            ).fetchall()
            if not rows:
                return
            for idx, hash_ in rows:
                yield int(idx), hash_ if isinstance(hash_, bytes) else b""
            after = int(rows[-1][0])

    def node_levels(self) -> list[int]:
        query = "SELECT DISTINCT level FROM node WHERE typeof(level) = 'integer' ORDER BY level"
        return [int(r[0]) for r in self.conn.execute(query)]

    def checkpoints(self) -> Iterator[tuple[int, str]]:
        for size, note in self.conn.execute(
            "SELECT size, note FROM checkpoint WHERE typeof(size) = 'integer' ORDER BY size"
        ):
            yield int(size), note if isinstance(note, str) else ""

    def storage_faults(self) -> list[tuple[str, str, int]]:
        faults: list[tuple[str, str, int]] = []
        present = _tables(self.conn)
        for table, columns in STORAGE_CLASSES.items():
            if table in ADDITIVE_TABLES and table not in present:
                continue  # a vault made before the table existed: nothing stored there
            counts = ", ".join(f"sum(typeof({c}) != '{kind}')" for c, kind in columns.items())
            found = self._one(f"SELECT {counts} FROM {table}")  # noqa: S608 - names from the table above
            faults.extend((table, c, int(n)) for c, n in zip(columns, found, strict=True) if n)
        return faults

    def missing_guards(self) -> list[str]:
        intact = set()
        for name, sql in self.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"):
            match = _GUARD_SQL.fullmatch(" ".join(str(sql).split()))
            if match and (match[2].upper(), match[3]) == _GUARDED.get(str(name)) and match[1] == name:
                intact.add(str(name))
        present = _tables(self.conn)
        expected = {name for name, (_, table) in _GUARDED.items() if table not in ADDITIVE_TABLES or table in present}
        return sorted(expected - intact)

    def timestamps(self, size: int | None = None) -> list[tuple[int, str, bytes]]:
        if "timestamp" not in _tables(self.conn):
            return []
        where = "typeof(size) = 'integer' AND typeof(tsa) = 'text' AND typeof(token) = 'blob'"
        if size is None:
            rows = self.conn.execute(f"SELECT size, tsa, token FROM timestamp WHERE {where} ORDER BY size, tsa")  # noqa: S608
        else:
            rows = self.conn.execute(
                f"SELECT size, tsa, token FROM timestamp WHERE {where} AND size = ? ORDER BY tsa",  # noqa: S608
                (size,),
            )
        return [(int(s), str(t), bytes(b)) for s, t, b in rows]

    # ---- witnesses (issue 11) ---------------------------------------------------------------

    def cosignatures(self, size: int | None = None) -> list[tuple[int, str, str, str]]:
        """Stored cosignatures (size, witness, line, received), of one checkpoint size or all, in order."""
        if "cosignature" not in _tables(self.conn):
            return []
        where, args = ("WHERE size = ?", (size,)) if size is not None else ("", ())
        rows = self.conn.execute(
            f"SELECT size, witness, line, received FROM cosignature {where} ORDER BY size, witness, received",  # noqa: S608
            args,
        )
        return [
            (int(a), str(b), str(c), str(d))
            for a, b, c, d in rows
            if isinstance(a, int) and isinstance(b, str) and isinstance(c, str)
        ]

    # ---- the record index of web archives (issue 12) ---------------------------------------

    def records(
        self, item_id: str, *, uri: str | None = None, part: str | None = None, media_prefix: str | None = None
    ) -> Iterator[RecordRow]:
        """An item's record rows in index order (those of one URI, one part, or one media type prefix)."""
        if "record" not in _tables(self.conn):
            return
        where, args = "item = ?", list[Any]([item_id])
        if uri is not None:
            where, args = where + " AND uri = ?", [*args, uri]
        if part is not None:
            where, args = where + " AND part = ?", [*args, part]
        if media_prefix is not None:
            where, args = where + " AND substr(media, 1, ?) = ?", [*args, len(media_prefix), media_prefix]
        sql = f"SELECT {_RECORD_COLUMNS} FROM record WHERE {where} ORDER BY idx"  # noqa: S608 - fixed text
        for idx, part_, uri_, date, media, status, row in self.conn.execute(sql, args):
            if isinstance(idx, int) and isinstance(row, bytes) and isinstance(part_, str) and isinstance(uri_, str):
                yield RecordRow(idx, part_, uri_, str(date), str(media), status if isinstance(status, int) else 0, row)

    def record_count(self, item_id: str) -> int:
        if "record" not in _tables(self.conn):
            return 0
        return int(self._one("SELECT count(*) FROM record WHERE item = ?", (item_id,))[0])

    def latest_checkpoint(self) -> tuple[int, str] | None:
        row = self._one("SELECT size, note FROM checkpoint WHERE typeof(size) = 'integer' ORDER BY size DESC LIMIT 1")
        return None if row is None else (int(row[0]), str(row[1]))

    def item_ids(self, prefix: str, limit: int = 2) -> list[str]:
        # A range scan on the primary key: ids are lowercase hex, so the prefix's upper bound is
        # the prefix followed by the highest hex digit repeated.
        rows = self.conn.execute(
            "SELECT id FROM item WHERE id >= ? AND id <= ? ORDER BY id LIMIT ?",
            (prefix, prefix + "g", limit),
        )
        return [str(r[0]) for r in rows if str(r[0]).startswith(prefix)]

    def known_items(self, item_ids: Sequence[str]) -> set[str]:
        known: set[str] = set()
        for i in range(0, len(item_ids), _CHUNK):
            part = list(item_ids[i : i + _CHUNK])
            marks = ",".join("?" * len(part))
            known.update(str(r[0]) for r in self.conn.execute(f"SELECT id FROM item WHERE id IN ({marks})", part))  # noqa: S608
        return known

    def item_state(self, item_id: str) -> bytes | None:
        row = self._one("SELECT state FROM item WHERE id = ?", (item_id,))
        if row is None:
            return None
        if not isinstance(row[0], bytes):
            raise VaultError(f"the index row of item {item_id} is damaged; run `archive verify`")
        return bytes(row[0])

    def items(self, *, start: int = 0, limit: int | None = None) -> Iterator[IndexRow]:
        left = limit
        rows = self.conn.execute(
            f"SELECT {_ITEM_COLUMNS} FROM item ORDER BY ingest_seq LIMIT ? OFFSET ?",  # noqa: S608
            (PAGE if left is None else min(PAGE, left), start),
        ).fetchall()
        while rows:
            for row in rows:
                yield _index_row(row)
            if left is not None:
                left -= len(rows)
                if left <= 0:
                    return
            rows = self.conn.execute(
                f"SELECT {_ITEM_COLUMNS} FROM item WHERE ingest_seq > ? ORDER BY ingest_seq LIMIT ?",  # noqa: S608
                (int(rows[-1][4]), PAGE if left is None else min(PAGE, left)),
            ).fetchall()

    def item_count(self) -> int:
        return int(self._one("SELECT count(*) FROM item")[0])

    def index_rows(self) -> Iterator[IndexRow | tuple[str, str]]:
        after = ""
        while True:
            rows = self.conn.execute(
                f"SELECT {_ITEM_COLUMNS} FROM item WHERE typeof(id) = 'text' AND id > ? ORDER BY id LIMIT ?",  # noqa: S608
                (after, PAGE),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                try:
                    if not isinstance(row[7], bytes):
                        raise TypeError("state is not stored as bytes")
                    yield _index_row(row)
                except (TypeError, ValueError) as exc:
                    yield str(row[0]), str(exc)
            after = str(rows[-1][0])


class Writer(Reader):
    """Appends and index updates inside one serialised transaction."""

    def append(self, rows: Sequence[tuple[Sealed, str, str]]) -> None:
        self.conn.executemany(
            "INSERT INTO ledger (seq, prev, hash, kind, data) VALUES (?, ?, ?, ?, ?)",
            [(s.seq, prev, s.hash, kind, s.data) for s, kind, prev in rows],
        )

    def put_nodes(self, nodes: Sequence[tuple[int, int, bytes]]) -> None:
        self.conn.executemany("INSERT INTO node (level, idx, hash) VALUES (?, ?, ?)", [n for n in nodes if n[0] > 0])

    def put_checkpoint(self, size: int, note: str) -> None:
        self.conn.execute("INSERT INTO checkpoint (size, note) VALUES (?, ?)", (size, note))

    def put_timestamp(self, size: int, tsa: str, token: bytes) -> None:
        self.conn.execute("INSERT OR IGNORE INTO timestamp (size, tsa, token) VALUES (?, ?, ?)", (size, tsa, token))

    def put_cosignatures(self, rows: Sequence[tuple[int, str, str, str]]) -> None:
        """Keep cosignatures (size, witness, line, received); one already kept is not added twice."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO cosignature (size, witness, line, received) VALUES (?, ?, ?, ?)", rows
        )

    def put_records(self, item_id: str, rows: Iterable[RecordRow]) -> None:
        """Keep an item's record rows (written once, with its ingest)."""
        self.conn.executemany(
            f"INSERT INTO record (item, {_RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
            ((item_id, *r) for r in rows),
        )

    def add_items(self, rows: Sequence[IndexRow]) -> None:
        self.conn.executemany(
            f"INSERT INTO item ({_ITEM_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
            [_values(r) for r in rows],
        )

    def put_items(self, rows: Sequence[IndexRow]) -> None:
        self.conn.executemany(
            f"INSERT OR REPLACE INTO item ({_ITEM_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
            [_values(r) for r in rows],
        )

    def clear_items(self) -> None:
        self.conn.execute("DELETE FROM item")

    def set_index_layout(self, layout: int) -> None:
        self.conn.execute(f"PRAGMA user_version = {int(layout)}")


def _values(r: IndexRow) -> tuple[Any, ...]:
    return (r.id, r.size, r.media_type, r.name, r.ingest_seq, r.last_seq, r.ingested_at, r.state)


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):  # an unusable connection discards it when closed
            conn.execute("ROLLBACK")


def _reason(exc: sqlite3.Error) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


class SQLiteLedger:
    """A vault's ledger in one SQLite file."""

    name = NAME

    def __init__(self, path: Path, *, create: bool = False, read_only: bool = False) -> None:
        self.path = path
        self._read_only = read_only
        self._conn: sqlite3.Connection | None = None
        if create:
            self._create()
        elif not path.is_file():
            raise VaultError(f"ledger database missing: {path}")
        if not read_only:
            self._add_missing_tables()
        try:
            with self.read() as r:
                r.size()  # a probe that reads no entry: a damaged one is for verify to report
        except sqlite3.Error as exc:
            raise VaultError(f"ledger database unreadable: {path}: {_reason(exc)}") from exc

    def _connect(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        try:
            if self._read_only:
                conn = self._open_read_only()
            else:
                # One thread at a time, not always the one that opened it (ingest commits on its own).
                conn = sqlite3.connect(
                    self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
                )
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.Error as exc:
            raise VaultError(f"ledger database unreadable: {self.path}: {_reason(exc)}") from exc
        self._conn = conn
        return conn

    def _open_read_only(self) -> sqlite3.Connection:
        """Read-only: the WAL's shared-memory file needs a writable directory; failing that, the
        file is opened as immutable (safe on read-only media, where nobody else can write)."""
        uri = "file:" + "".join(_URI_ESCAPES.get(c, c) for c in str(self.path.resolve()))
        try:
            conn = sqlite3.connect(
                f"{uri}?mode=ro",
                uri=True,
                isolation_level=None,
                timeout=BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
            )
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None, check_same_thread=False)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn

    def _create(self) -> None:
        from archive.storage.tables import ddl  # SQLModel is the definition of the tables

        with self.write() as w:
            for statement in ddl("sqlite"):
                w.conn.execute(
                    statement.replace("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ", 1).replace(
                        "CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1
                    )
                )
            for statement in GUARDS:
                w.conn.execute(statement)
            w.set_index_layout(INDEX_LAYOUT)

    def _add_missing_tables(self) -> None:
        """Give an older vault the tables added since (issue 11: `timestamp`, `cosignature`), guards
        included. Best effort: a vault that cannot take them now (read-only media, out of space,
        locked) is read as before, its write reports its own error, and the next writable open
        adds them."""
        try:
            with self.read() as r:
                missing = [t for t in ADDITIVE_TABLES if t not in _tables(r.conn)]
            if not missing:
                return
            from archive.storage.tables import ddl

            with self.write() as w:
                for statement in ddl("sqlite"):
                    if any(f"CREATE TABLE {t} " in statement or f"CREATE TABLE {t}(" in statement for t in missing):
                        w.conn.execute(statement.replace("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ", 1))
                for table in missing:
                    for statement in ADDITIVE_TABLES[table]:
                        w.conn.execute(statement)
        except (sqlite3.Error, VaultError, LedgerError):
            return  # a vault that cannot be written now (read-only media) is read as before

    @contextmanager
    def read(self) -> Iterator[Reader]:
        conn = self._connect()
        try:
            conn.execute("BEGIN")
            try:
                yield Reader(conn)
            finally:
                if self._conn is conn and conn.in_transaction:  # a stream left late may outlive close()
                    conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise VaultError(f"reading the ledger database failed: {_reason(exc)}") from exc

    @contextmanager
    def write(self) -> Iterator[Writer]:
        if self._read_only:
            raise VaultError(f"the vault is opened read-only: {self.path}")
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise VaultError(f"cannot lock the ledger database for writing: {_reason(exc)}") from exc
        try:
            yield Writer(conn)
            conn.execute("COMMIT")
        except sqlite3.IntegrityError as exc:
            _rollback(conn)
            raise LedgerError(f"the ledger refused the write: {_reason(exc)}") from exc
        except sqlite3.Error as exc:
            _rollback(conn)
            raise VaultError(f"writing the ledger database failed: {_reason(exc)}") from exc
        except BaseException:
            _rollback(conn)
            raise

    def index_layout(self) -> int:
        version = int(self._connect().execute("PRAGMA user_version").fetchone()[0])
        return version or 1  # version-1 vaults never set it

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def open_from_marker(vault: Path, config: dict[str, str], *, create: bool, read_only: bool) -> SQLiteLedger:
    """The backend entry point (`archive.storage.backends`): `path` is a file name in the vault."""
    name = config.get("path", "")
    if not name or "/" in name or name.startswith(".") or set(config) - {"backend", "path"}:
        raise VaultError(f"the vault marker's sqlite ledger must name a file in the vault, not {name!r}")
    return SQLiteLedger(vault / name, create=create, read_only=read_only)
