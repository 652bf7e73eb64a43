"""The PostgreSQL backend of the storage port, driven through psycopg 3 with plain SQL.

Two roles: the schema's owner runs `migrate` (tables from the SQLModel definitions, the append-only
guards, the grants); the archive connects as an app role that may only SELECT and INSERT on the
ledger and the tables kept with it (UPDATE and DELETE only on the rebuildable index and nodes), so
the server itself refuses a rewrite, and trigger functions refuse one even from the owner. Writers
serialise on one transaction-scoped advisory lock taken before the head is read; readers use
REPEATABLE READ READ ONLY snapshots, which never block a writer. The DSN never holds a password
(libpq's environment, service file or pgpass supply it).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.pq import TransactionStatus

from archive.core.entry import Sealed
from archive.core.item import IndexRow
from archive.errors import LedgerError, NotFoundError, VaultError
from archive.storage.port import RecordRow, StoredRow

# psycopg logs what it ignores while closing a pipeline on a lost connection ("error ignored
# terminating ..."); with no handler, Python's last resort would print it to stderr beside the one
# `error:` line the archive gives for the same failure.
logging.getLogger("psycopg").addHandler(logging.NullHandler())

NAME = "postgresql"
INDEX_LAYOUT = 2  # what a new database's index holds (archive.storage.upgrade)
PAGE = 2000
# libpq settings a DSN may override: a dead server or network is noticed within about a minute
# (TCP keepalives), so no read or write waits on it forever.
CONNECTION_DEFAULTS = {
    "connect_timeout": "10",
    "keepalives": "1",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
    "application_name": "archive",
}
LOCK_TIMEOUT = "120s"  # as long as SQLite's busy timeout: a writer waits for others, never forever
OUTCOME_POLLS, OUTCOME_POLL_S = 50, 0.1  # how long a lost commit's outcome is waited for
# The advisory lock every writer takes first, in every database that holds a ledger ("archive1").
WRITE_LOCK = 0x6172636869766531

# Tables whose rows are kept forever: the app role may only SELECT and INSERT, and triggers refuse
# UPDATE, DELETE and TRUNCATE from anyone. The index and the nodes are a cache an upgrade rebuilds.
APPEND_ONLY = ("ledger", "checkpoint", "timestamp", "cosignature", "record")
REBUILDABLE = ("item", "node")
TABLES = (*APPEND_ONLY, *REBUILDABLE, "index_layout")

REFUSE_BODY = (
    "BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP "
    "USING ERRCODE = 'restrict_violation'; END;"
)
REFUSE_FUNCTION = (
    f"CREATE OR REPLACE FUNCTION archive_refuse() RETURNS trigger LANGUAGE plpgsql AS $body$ {REFUSE_BODY} $body$"
)
# pg_trigger.tgtype bits of a statement-level BEFORE trigger on each event.
_BEFORE = 2
GUARD_EVENTS = {"update": _BEFORE | 16, "delete": _BEFORE | 8, "truncate": _BEFORE | 32}
GUARDS = {f"{table}_no_{event}": (table, tgtype) for table in APPEND_ONLY for event, tgtype in GUARD_EVENTS.items()}

# Tables SQLModel does not define (the SQLite backend's plain-SQL additive tables, translated).
PLAIN_TABLES = (
    'CREATE TABLE IF NOT EXISTS timestamp (size BIGINT NOT NULL, tsa VARCHAR COLLATE "C" NOT NULL, '
    "token BYTEA NOT NULL, PRIMARY KEY (size, tsa, token))",
    'CREATE TABLE IF NOT EXISTS record (item VARCHAR COLLATE "C" NOT NULL, idx BIGINT NOT NULL, '
    'part VARCHAR COLLATE "C" NOT NULL, uri VARCHAR COLLATE "C" NOT NULL, date VARCHAR COLLATE "C" NOT NULL, '
    'media VARCHAR COLLATE "C" NOT NULL, status BIGINT NOT NULL, "row" BYTEA NOT NULL, PRIMARY KEY (item, idx))',
    "CREATE INDEX IF NOT EXISTS record_part ON record (item, part)",
    "CREATE INDEX IF NOT EXISTS record_uri ON record (item, uri)",
    "CREATE TABLE IF NOT EXISTS index_layout (one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), "
    "layout INTEGER NOT NULL)",
    f"INSERT INTO index_layout (layout) VALUES ({INDEX_LAYOUT}) ON CONFLICT DO NOTHING",  # noqa: S608 - fixed column names
)
# Each column's type as the migration makes it (pg_type names). The server keeps every value to its
# column's type, but its superuser can change a column's type or drop a NOT NULL: verify reports
# that (COLUMN_TYPE_MISMATCH) and the reads below skip a value of another type, never crash on it.
_TEXT, _INT, _BYTES = "varchar", "int8", "bytea"
COLUMN_TYPES = {
    "ledger": {"seq": _INT, "prev": _TEXT, "hash": _TEXT, "kind": _TEXT, "data": _BYTES},
    "node": {"level": _INT, "idx": _INT, "hash": _BYTES},
    "checkpoint": {"size": _INT, "note": _TEXT},
    "timestamp": {"size": _INT, "tsa": _TEXT, "token": _BYTES},
    "cosignature": {"size": _INT, "witness": _TEXT, "line": _TEXT, "received": _TEXT},
    "record": {
        "item": _TEXT,
        "idx": _INT,
        "part": _TEXT,
        "uri": _TEXT,
        "date": _TEXT,
        "media": _TEXT,
        "status": _INT,
        "row": _BYTES,
    },
    "item": {
        "id": _TEXT,
        "size": _INT,
        "media_type": _TEXT,
        "name": _TEXT,
        "ingest_seq": _INT,
        "last_seq": _INT,
        "ingested_at": _TEXT,
        "state": _BYTES,
    },
}
_ITEM_COLUMNS = "id, size, media_type, name, ingest_seq, last_seq, ingested_at, state"
_RECORD_COLUMNS = 'idx, part, uri, date, media, status, "row"'
_ITEM_TYPES = (str, int, str, str, int, int, str, bytes)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _translate(statement: str) -> str:
    """A SQLModel statement for this backend: 64-bit integers as SQLite's, byte-order text as SQLite's
    (so ids, names and witness names sort the same whichever collation the database was made with)."""
    statement = re.sub(r"\bINTEGER\b", "BIGINT", statement)
    statement = re.sub(r"\bVARCHAR(\(\d+\))?", lambda m: f'{m[0]} COLLATE "C"', statement)
    return statement.replace("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ", 1).replace(
        "CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1
    )


def check_dsn(dsn: str) -> str:
    """The DSN if libpq can read it and it names no password (a vault marker never holds one)."""
    try:
        parts = psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as exc:
        raise VaultError(f"the PostgreSQL connection string cannot be read: {_reason(exc)}") from exc
    if "password" in parts:
        raise VaultError(
            "the PostgreSQL connection string holds a password: give it by PGPASSFILE, pgpass or a service"
        )
    return dsn


def _connect(dsn: str) -> psycopg.Connection[Any]:
    given = psycopg.conninfo.conninfo_to_dict(dsn)
    defaults = {k: v for k, v in CONNECTION_DEFAULTS.items() if k not in given}
    try:
        return psycopg.connect(psycopg.conninfo.make_conninfo(dsn, **defaults), autocommit=True)
    except psycopg.Error as exc:
        raise VaultError(f"cannot connect to the ledger database: {_reason(exc)}") from exc


def role_of(dsn: str) -> str:
    """The role a connection string connects as (its `user`); VaultError if it names none."""
    parts = psycopg.conninfo.conninfo_to_dict(check_dsn(dsn))
    user = parts.get("user")
    if not isinstance(user, str) or not user:
        raise VaultError("the PostgreSQL connection string must name the archive's role (postgresql://ROLE@HOST/DB)")
    return user


def migrate(owner_dsn: str, app_role: str) -> None:
    """Make the schema, or bring it up to date, as the role that owns it: the tables, the guards,
    and the app role's grants. Idempotent; one transaction, serialised with every writer."""
    conn = _connect(check_dsn(owner_dsn))
    try:
        with conn.transaction():
            role = conn.execute(
                b"SELECT rolsuper OR pg_has_role(rolname, current_user, 'USAGE') FROM pg_roles WHERE rolname = %s",
                (app_role,),
            ).fetchone()
            if role is None or role[0]:
                raise VaultError(
                    f"the app role {app_role!r} must exist and be neither a superuser nor the schema's owner"
                )
            encoding = conn.execute("SHOW server_encoding").fetchone()
            if encoding is None or encoding[0] != "UTF8":
                raise VaultError(f"the ledger database must be UTF8, not {encoding}")
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            from archive.storage.tables import ddl  # SQLModel is the definition of the tables

            for statement in ddl("postgresql"):
                conn.execute(_translate(statement).encode())
            for statement in PLAIN_TABLES:
                conn.execute(statement.encode())
            conn.execute(REFUSE_FUNCTION.encode())
            conn.execute(b"REVOKE ALL ON FUNCTION archive_refuse() FROM PUBLIC")
            for name, (table, tgtype) in GUARDS.items():
                event = {v: k for k, v in GUARD_EVENTS.items()}[tgtype].upper()
                trigger = (
                    "CREATE OR REPLACE TRIGGER {} BEFORE {} ON {} FOR EACH STATEMENT EXECUTE FUNCTION archive_refuse()"
                )
                conn.execute(sql.SQL(trigger).format(sql.Identifier(name), sql.SQL(event), sql.Identifier(table)))
            app = sql.Identifier(app_role)
            every = sql.SQL(", ").join(sql.Identifier(t) for t in TABLES)
            conn.execute(sql.SQL("REVOKE ALL ON {} FROM PUBLIC, {}").format(every, app))
            schema = conn.execute(b"SELECT current_schema()").fetchone()
            if schema is None or schema[0] is None:
                raise VaultError("the owner's search_path names no schema to make the tables in")
            conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema[0]), app))
            kept = sql.SQL(", ").join(sql.Identifier(t) for t in APPEND_ONLY)
            conn.execute(sql.SQL("GRANT SELECT, INSERT ON {} TO {}").format(kept, app))
            cache = sql.SQL(", ").join(sql.Identifier(t) for t in REBUILDABLE)
            conn.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON {} TO {}").format(cache, app))
            conn.execute(sql.SQL("GRANT SELECT, UPDATE ON index_layout TO {}").format(app))
    except psycopg.Error as exc:
        raise VaultError(f"migrating the ledger database failed: {_reason(exc)}") from exc
    finally:
        conn.close()


def _lost(unknown: bool, exc: psycopg.Error) -> str:
    if unknown:
        return (
            "the connection to the ledger database was lost while committing: the write is whole or absent, "
            f"never partial; look at the ledger's head before retrying ({_reason(exc)})"
        )
    return f"the connection to the ledger database was lost: this write was not made; retry ({_reason(exc)})"


def _sealed(row: Any) -> Sealed:
    seq, hash_, data = row
    if not isinstance(data, bytes) or type(seq) is not int:
        raise VaultError(f"ledger entry {seq!r:.40} is not stored as bytes at an integer; run `archive verify`")
    return Sealed(seq, str(hash_), data)


def _index_row(row: Any) -> IndexRow:
    for value, kind in zip(row, _ITEM_TYPES, strict=True):
        if type(value) is not kind:
            raise VaultError(f"the index row of item {row[0]!r:.80} is damaged; run `archive verify`")
    return IndexRow(*row)


class Reader:
    """Queries over one snapshot (the connection is inside a REPEATABLE READ transaction)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def _one(self, query: str, args: Sequence[Any] = ()) -> Any:
        return self.conn.execute(query.encode(), args).fetchone()

    def _all(self, query: str, args: Sequence[Any] = ()) -> list[Any]:
        return self.conn.execute(query.encode(), args).fetchall()

    def head(self) -> Sealed | None:
        row = self._one("SELECT seq, hash, data FROM ledger WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1")
        return None if row is None else _sealed(row)

    def size(self) -> int:
        row = self._one("SELECT max(seq) FROM ledger")
        return row[0] + 1 if row is not None and type(row[0]) is int else 0

    def entries(self, start: int = 0, stop: int | None = None) -> Iterator[Sealed]:
        after = start - 1
        end = (1 << 62) if stop is None else stop
        while True:
            rows = self._all(
                "SELECT seq, hash, data FROM ledger WHERE seq > %s AND seq < %s ORDER BY seq LIMIT %s",
                (after, end, PAGE),
            )
            if not rows:
                return
            yield from (_sealed(row) for row in rows)
            after = rows[-1][0]  # as stored: a page always starts past the last one

    def entries_at(self, seqs: Sequence[int]) -> list[Sealed]:
        rows = self._all("SELECT seq, hash, data FROM ledger WHERE seq = ANY(%s::bigint[])", (sorted(set(seqs)),))
        found = {sealed.seq: sealed for sealed in map(_sealed, rows)}
        missing = [s for s in seqs if s not in found]
        if missing:
            raise NotFoundError(f"no ledger entry {missing[0]}")
        return [found[s] for s in seqs]

    def entries_of_kind(self, kind: str) -> Iterator[Sealed]:
        after = -1
        while True:
            rows = self._all(
                "SELECT seq, hash, data FROM ledger WHERE kind = %s AND seq > %s ORDER BY seq LIMIT %s",
                (kind, after, PAGE),
            )
            if not rows:
                return
            yield from (_sealed(row) for row in rows)
            after = rows[-1][0]  # as stored: a page always starts past the last one

    def rows(self) -> Iterator[StoredRow]:
        after = -1
        while True:
            rows = self._all(
                "SELECT seq, prev, hash, kind, data FROM ledger WHERE seq > %s ORDER BY seq LIMIT %s", (after, PAGE)
            )
            if not rows:
                return
            for seq, prev, hash_, kind, data in rows:
                if type(seq) is not int:
                    continue  # a seq of another type (COLUMN_TYPE_MISMATCH): no position to check it at
                damage = None if isinstance(data, bytes) else f"stored as {type(data).__name__}, not bytes"
                yield StoredRow(
                    seq, str(prev), str(hash_), str(kind), data if isinstance(data, bytes) else None, damage
                )
            after = rows[-1][0]

    def nodes_at(self, coordinates: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        wanted = sorted(set(coordinates))
        found: dict[tuple[int, int], bytes] = {}
        leaves = [idx for level, idx in wanted if level == 0]
        if leaves:
            for seq, hash_ in self._all("SELECT seq, hash FROM ledger WHERE seq = ANY(%s::bigint[])", (leaves,)):
                if type(seq) is int and isinstance(hash_, str) and re.fullmatch(r"[0-9a-f]{64}", hash_):
                    found[(0, seq)] = bytes.fromhex(hash_)
        inner = [(level, idx) for level, idx in wanted if level > 0]
        if inner:
            rows = self._all(
                "SELECT n.level, n.idx, n.hash FROM node n JOIN unnest(%s::bigint[], %s::bigint[]) AS w(level, idx) "
                "ON n.level = w.level AND n.idx = w.idx",
                ([c[0] for c in inner], [c[1] for c in inner]),
            )
            found.update(
                ((level, idx), hash_)
                for level, idx, hash_ in rows
                if type(level) is int and type(idx) is int and isinstance(hash_, bytes)
            )
        return found

    def nodes(self, level: int) -> Iterator[tuple[int, bytes]]:
        after = -1
        while True:
            rows = self._all(
                "SELECT idx, hash FROM node WHERE level = %s AND idx > %s ORDER BY idx LIMIT %s", (level, after, 5000)
            )
            if not rows:
                return
            yield from ((idx, hash_ if isinstance(hash_, bytes) else b"") for idx, hash_ in rows if type(idx) is int)
            after = rows[-1][0]

    def node_levels(self) -> list[int]:
        return [r[0] for r in self._all("SELECT DISTINCT level FROM node ORDER BY level") if type(r[0]) is int]

    def checkpoints(self) -> Iterator[tuple[int, str]]:
        for size, note in self._all("SELECT size, note FROM checkpoint ORDER BY size"):
            if type(size) is int:
                yield size, note if isinstance(note, str) else ""

    def latest_checkpoint(self) -> tuple[int, str] | None:
        row = self._one("SELECT size, note FROM checkpoint WHERE size IS NOT NULL ORDER BY size DESC LIMIT 1")
        if row is None or type(row[0]) is not int:
            return None
        return row[0], row[1] if isinstance(row[1], str) else ""

    def timestamps(self, size: int | None = None) -> list[tuple[int, str, bytes]]:
        if size is None:
            rows = self._all("SELECT size, tsa, token FROM timestamp ORDER BY size, tsa")
        else:
            rows = self._all("SELECT size, tsa, token FROM timestamp WHERE size = %s ORDER BY tsa", (size,))
        return [(s, t, b) for s, t, b in rows if type(s) is int and isinstance(t, str) and isinstance(b, bytes)]

    def storage_faults(self) -> list[tuple[str, str, int]]:
        """Columns whose type is not the one the migration made, with how many rows they hold, and
        columns whose NOT NULL was dropped, with how many NULLs they hold."""
        made = {
            (str(table), str(column)): (str(kind), nullable == "YES")
            for table, column, kind, nullable in self._all(
                "SELECT table_name, column_name, udt_name, is_nullable FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = ANY(%s::text[])",
                (list(COLUMN_TYPES),),
            )
        }
        faults: list[tuple[str, str, int]] = []
        for table, columns in COLUMN_TYPES.items():
            for column, kind in columns.items():
                found = made.get((table, column))
                if found is None:
                    continue  # a column gone: reading the table fails, and says so
                if found[0] != kind:
                    count = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
                elif found[1]:
                    count = sql.SQL("SELECT count(*) FROM {} WHERE {} IS NULL").format(
                        sql.Identifier(table), sql.Identifier(column)
                    )
                else:
                    continue
                rows = int(self.conn.execute(count).fetchone()[0])  # type: ignore[index]
                if rows:
                    faults.append((table, column, rows))
        return faults

    def missing_guards(self) -> list[str]:
        """Each guard must be a statement-level BEFORE trigger on its table and event, enabled, with no
        WHEN and no column list, calling `archive_refuse()` whose body is the refusal, unchanged."""
        rows = self._all(
            "SELECT t.tgname, c.relname, t.tgtype, p.proname, p.prosrc FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
            "JOIN pg_language l ON l.oid = p.prolang "
            "WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal "
            "AND t.tgenabled IN ('O', 'A') AND t.tgqual IS NULL AND cardinality(t.tgattr::int2[]) = 0 "
            "AND l.lanname = 'plpgsql' AND p.pronargs = 0"
        )
        intact = {
            str(name)
            for name, table, tgtype, function, body in rows
            if GUARDS.get(str(name)) == (table, tgtype)
            and function == "archive_refuse"
            and " ".join(str(body).split()) == REFUSE_BODY
        }
        return sorted(set(GUARDS) - intact)

    def item_ids(self, prefix: str, limit: int = 2) -> list[str]:
        # A range scan on the primary key (byte order): ids are lowercase hex, so the prefix's upper
        # bound is the prefix followed by a letter after every hex digit.
        rows = self._all(
            "SELECT id FROM item WHERE id >= %s AND id <= %s ORDER BY id LIMIT %s", (prefix, prefix + "g", limit)
        )
        return [str(r[0]) for r in rows if str(r[0]).startswith(prefix)]

    def known_items(self, item_ids: Sequence[str]) -> set[str]:
        rows = self._all("SELECT id FROM item WHERE id = ANY(%s::text[])", (list(item_ids),))
        return {str(r[0]) for r in rows}

    def item_state(self, item_id: str) -> bytes | None:
        row = self._one("SELECT state FROM item WHERE id = %s", (item_id,))
        if row is None:
            return None
        if not isinstance(row[0], bytes):
            raise VaultError(f"the index row of item {item_id} is damaged; run `archive verify`")
        return row[0]

    def items(self, *, start: int = 0, limit: int | None = None) -> Iterator[IndexRow]:
        left = limit
        rows = self._all(
            f"SELECT {_ITEM_COLUMNS} FROM item ORDER BY ingest_seq LIMIT %s OFFSET %s",  # noqa: S608 - fixed column names
            (PAGE if left is None else min(PAGE, left), start),
        )
        while rows:
            yield from (_index_row(row) for row in rows)
            if left is not None:
                left -= len(rows)
                if left <= 0:
                    return
            rows = self._all(
                f"SELECT {_ITEM_COLUMNS} FROM item WHERE ingest_seq > %s ORDER BY ingest_seq LIMIT %s",  # noqa: S608 - fixed column names
                (rows[-1][4], PAGE if left is None else min(PAGE, left)),
            )

    def item_count(self) -> int:
        return int(self._one("SELECT count(*) FROM item")[0])

    def index_rows(self) -> Iterator[IndexRow | tuple[str, str]]:
        after: Any = ""
        while True:
            rows = self._all(f"SELECT {_ITEM_COLUMNS} FROM item WHERE id > %s ORDER BY id LIMIT %s", (after, PAGE))  # noqa: S608 - fixed column names
            if not rows:
                return
            for row in rows:
                try:
                    yield _index_row(row)
                except VaultError as exc:
                    yield str(row[0]), str(exc)
            after = rows[-1][0]  # as stored (an id of another type too): the next page starts past it

    def records(
        self, item_id: str, *, uri: str | None = None, part: str | None = None, media_prefix: str | None = None
    ) -> Iterator[RecordRow]:
        where, args = "item = %s", list[Any]([item_id])
        if uri is not None:
            where, args = where + " AND uri = %s", [*args, uri]
        if part is not None:
            where, args = where + " AND part = %s", [*args, part]
        if media_prefix is not None:
            where, args = where + " AND left(media, %s) = %s", [*args, len(media_prefix), media_prefix]
        after = -1
        while True:
            rows = self._all(
                f"SELECT {_RECORD_COLUMNS} FROM record WHERE {where} AND idx > %s ORDER BY idx LIMIT %s",  # noqa: S608 - fixed column names
                [*args, after, PAGE],
            )
            if not rows:
                return
            for idx, part_, uri_, date, media, status, row in rows:
                if type(idx) is int and isinstance(row, bytes) and isinstance(part_, str) and isinstance(uri_, str):
                    yield RecordRow(idx, part_, uri_, str(date), str(media), status if type(status) is int else 0, row)
            after = rows[-1][0]

    def record_count(self, item_id: str) -> int:
        return int(self._one("SELECT count(*) FROM record WHERE item = %s", (item_id,))[0])

    def cosignatures(self, size: int | None = None) -> list[tuple[int, str, str, str]]:
        where, args = ("WHERE size = %s", (size,)) if size is not None else ("", ())
        order = "ORDER BY size, witness, received"
        rows = self._all(f"SELECT size, witness, line, received FROM cosignature {where} {order}", args)  # noqa: S608
        return [
            (a, b, c, str(d)) for a, b, c, d in rows if type(a) is int and isinstance(b, str) and isinstance(c, str)
        ]


class Writer(Reader):
    """Appends and index updates inside one transaction that holds the write lock."""

    def _many(self, query: str, rows: Iterable[Sequence[Any]]) -> None:
        with self.conn.cursor() as cursor:
            cursor.executemany(query.encode(), list(rows))

    def append(self, rows: Sequence[tuple[Sealed, str, str]]) -> None:
        self._many(
            "INSERT INTO ledger (seq, prev, hash, kind, data) VALUES (%s, %s, %s, %s, %s)",
            [(s.seq, prev, s.hash, kind, s.data) for s, kind, prev in rows],
        )

    def put_nodes(self, nodes: Sequence[tuple[int, int, bytes]]) -> None:
        self._many("INSERT INTO node (level, idx, hash) VALUES (%s, %s, %s)", [n for n in nodes if n[0] > 0])

    def put_checkpoint(self, size: int, note: str) -> None:
        self.conn.execute(b"INSERT INTO checkpoint (size, note) VALUES (%s, %s)", (size, note))

    def put_timestamp(self, size: int, tsa: str, token: bytes) -> None:
        self.conn.execute(
            b"INSERT INTO timestamp (size, tsa, token) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING", (size, tsa, token)
        )

    def put_cosignatures(self, rows: Sequence[tuple[int, str, str, str]]) -> None:
        self._many(
            "INSERT INTO cosignature (size, witness, line, received) VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            rows,
        )

    def put_records(self, item_id: str, rows: Iterable[RecordRow]) -> None:
        self._many(
            f"INSERT INTO record (item, {_RECORD_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",  # noqa: S608 - fixed column names
            ((item_id, *r) for r in rows),
        )

    def add_items(self, rows: Sequence[IndexRow]) -> None:
        self._many(f"INSERT INTO item ({_ITEM_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", rows)  # noqa: S608 - fixed column names

    def put_items(self, rows: Sequence[IndexRow]) -> None:
        replace = ", ".join(f"{c} = EXCLUDED.{c}" for c in _ITEM_COLUMNS.split(", ")[1:])
        self._many(
            f"INSERT INTO item ({_ITEM_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "  # noqa: S608 - fixed column names
            f"ON CONFLICT (id) DO UPDATE SET {replace}",
            rows,
        )

    def clear_items(self) -> None:
        self.conn.execute(b"DELETE FROM item")

    def set_index_layout(self, layout: int) -> None:
        self.conn.execute(b"UPDATE index_layout SET layout = %s", (int(layout),))


class PostgresLedger:
    """A vault's ledger in a PostgreSQL database whose schema `migrate` made."""

    name = NAME

    def __init__(self, dsn: str, *, create: bool = False, read_only: bool = False) -> None:
        self.dsn = check_dsn(dsn)
        self._read_only = read_only
        self._conn: psycopg.Connection[Any] | None = None
        with self.read() as r:
            # One round trip for every table: opening a vault is most of a short command's time.
            found = r._all("SELECT t FROM unnest(%s::text[]) AS t WHERE to_regclass(t) IS NOT NULL", (list(TABLES),))
            present = {row[0] for row in found}
            missing = [t for t in TABLES if t not in present]
            if missing:
                raise VaultError(
                    f"the ledger database has no archive schema (missing {', '.join(missing)}): "
                    "run the migration as the schema's owner"
                )
            if create and r.size():
                raise VaultError("the ledger database already holds a ledger: a new vault needs an empty one")
            if not read_only:
                self._check_role(r)

    @staticmethod
    def _check_role(r: Reader) -> None:
        """Append-only must not rest on the triggers alone: a role that may rewrite rows, or owns the
        tables (and so may drop the triggers), is refused for writing."""
        row = r._one(
            "SELECT current_user, bool_or(pg_has_role(current_user, c.relowner, 'USAGE') "
            "OR has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE') "
            "OR has_table_privilege(c.oid, 'TRUNCATE')) FROM pg_class c "
            "WHERE c.oid = ANY(%s::regclass[])",
            (list(APPEND_ONLY),),
        )
        if row[1]:
            raise VaultError(
                f"the role {row[0]} may change or own the ledger: the archive connects as a role that may only "
                "SELECT and INSERT there"
            )

    def _connect(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            self._conn = _connect(self.dsn)
        return self._conn

    def _begin(self, *statements: bytes) -> psycopg.Connection[Any]:
        """Open a transaction. A connection the server dropped while idle (a restart between two
        transactions) is replaced once: nothing of this transaction was sent yet."""
        conn = self._connect()
        if not conn.broken and conn.info.transaction_status != TransactionStatus.IDLE:
            # PostgreSQL would only warn, and this transaction's end would end the open one.
            raise VaultError("a ledger transaction is already open on this connection")
        try:
            for statement in statements:
                conn.execute(statement)
        except psycopg.OperationalError:
            if not conn.broken:
                raise
            self._discard()
            conn = self._connect()
            for statement in statements:
                conn.execute(statement)
        return conn

    def _discard(self) -> None:
        """Forget a connection that failed (the next read or write opens a new one)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def _rollback(self, conn: psycopg.Connection[Any]) -> None:
        if conn.broken:
            self._discard()
            return
        if conn.info.transaction_status != TransactionStatus.IDLE:
            try:
                conn.execute(b"ROLLBACK")
            except psycopg.Error:
                self._discard()

    @contextmanager
    def read(self) -> Iterator[Reader]:
        try:
            conn = self._begin(b"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        except psycopg.Error as exc:
            self._discard()
            raise VaultError(f"reading the ledger database failed: {_reason(exc)}") from exc
        try:
            yield Reader(conn)
        except psycopg.Error as exc:
            self._rollback(conn)
            raise VaultError(f"reading the ledger database failed: {_reason(exc)}") from exc
        finally:
            if self._conn is conn and not conn.broken and conn.info.transaction_status != TransactionStatus.IDLE:
                try:
                    conn.execute(b"COMMIT")
                except psycopg.Error:
                    self._discard()

    @contextmanager
    def write(self) -> Iterator[Writer]:
        if self._read_only:
            raise VaultError("the vault is opened read-only")
        try:
            # Every writer queues on the lock before it reads the head, so no two append after the same one.
            conn = self._begin(
                b"BEGIN ISOLATION LEVEL READ COMMITTED",
                f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'".encode(),
                f"SELECT pg_advisory_xact_lock({WRITE_LOCK})".encode(),
            )
            xid = conn.execute(b"SELECT pg_current_xact_id()::text").fetchone()
        except psycopg.Error as exc:
            self._discard()
            raise VaultError(f"cannot lock the ledger database for writing: {_reason(exc)}") from exc
        assert xid is not None
        committing = False
        try:
            yield Writer(conn)
            committing = True
            conn.execute(b"COMMIT")
        except psycopg.IntegrityError as exc:
            self._rollback(conn)
            raise LedgerError(f"the ledger refused the write: {_reason(exc)}") from exc
        except psycopg.Error as exc:
            lost = conn.broken or conn.closed
            self._rollback(conn)
            if not lost:
                raise VaultError(f"writing the ledger database failed, nothing was written: {_reason(exc)}") from exc
            status = self._committed(str(xid[0])) if committing else False
            if status:
                return  # the commit reached the server; only its answer was lost
            raise VaultError(_lost(status is None, exc)) from exc
        except BaseException:
            self._rollback(conn)
            raise

    def _committed(self, xid: str) -> bool | None:
        """Whether a transaction whose COMMIT lost its answer did commit (None: the server cannot say
        now). Its server process may not yet have seen the connection go: it is asked again a while."""
        try:
            conn = self._connect()
            for _ in range(OUTCOME_POLLS):
                row = conn.execute(b"SELECT pg_xact_status(%s::xid8)", (xid,)).fetchone()
                if row is None or row[0] != "in progress":
                    break
                time.sleep(OUTCOME_POLL_S)
        except (psycopg.Error, VaultError):
            self._discard()
            return None
        if row is None or row[0] not in ("committed", "aborted"):
            return None
        return bool(row[0] == "committed")

    def index_layout(self) -> int:
        with self.read() as r:
            row = r._one("SELECT layout FROM index_layout")
        return int(row[0]) if row is not None else 1

    def close(self) -> None:
        self._discard()


def open_from_marker(vault: Path, config: dict[str, str], *, create: bool, read_only: bool) -> PostgresLedger:
    """The backend entry point (`archive.storage.backends`): `dsn` is a libpq connection string
    naming the database and the app role, never a password. `vault` is not used: the ledger lives
    in the database alone."""
    dsn = config.get("dsn", "")
    if not dsn or set(config) - {"backend", "dsn"}:
        raise VaultError("the vault marker's postgresql ledger must give exactly a `dsn` (no password)")
    return PostgresLedger(dsn, create=create, read_only=read_only)
