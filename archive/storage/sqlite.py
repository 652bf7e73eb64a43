"""All SQL lives here: the ledger table, the index, and their transactions (SQLModel/SQLAlchemy).

The ledger table is append-only in the database itself: triggers refuse UPDATE and DELETE, and
UNIQUE constraints on sequence, previous hash and hash refuse a fork. Writers serialise with
`BEGIN IMMEDIATE` on SQLite, so concurrent processes can never append two entries after the same
head. The engine comes from a URL, so another database is a matter of configuration.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Column, LargeBinary, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlmodel import Field, SQLModel, col, create_engine, delete, func, insert, select

from archive.core.entry import Sealed
from archive.errors import LedgerError, NotFoundError, VaultError

BUSY_TIMEOUT_MS = 120_000


class LedgerRow(SQLModel, table=True):
    """One entry, stored as its exact canonical bytes."""

    __tablename__ = "ledger"
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    prev: str = Field(unique=True, max_length=64)
    hash: str = Field(unique=True, max_length=64)
    kind: str = Field(max_length=32, index=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ItemRow(SQLModel, table=True):
    """The index: each item's current state as the ledger describes it (a rebuildable cache)."""

    __tablename__ = "item"
    id: str = Field(primary_key=True, max_length=64)
    size: int
    media_type: str = Field(max_length=255)
    name: str
    ingest_seq: int = Field(index=True)
    last_seq: int
    ingested_at: str = Field(max_length=32)
    state: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class NodeRow(SQLModel, table=True):
    """A Merkle tree node: the root of the perfect subtree over leaves [idx*2^level, (idx+1)*2^level).

    Level 0 (the leaves) is not stored here: it is the ledger's entry hashes.
    """

    __tablename__ = "node"
    level: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    idx: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    hash: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class CheckpointRow(SQLModel, table=True):
    """A signed checkpoint the archive issued, kept forever."""

    __tablename__ = "checkpoint"
    size: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    note: str


_SQLITE_GUARDS = (
    "CREATE TRIGGER IF NOT EXISTS ledger_no_update BEFORE UPDATE ON ledger "
    "BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: UPDATE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS ledger_no_delete BEFORE DELETE ON ledger "
    "BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: DELETE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS checkpoint_no_update BEFORE UPDATE ON checkpoint "
    "BEGIN SELECT RAISE(ABORT, 'checkpoints are kept as issued: UPDATE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS checkpoint_no_delete BEFORE DELETE ON checkpoint "
    "BEGIN SELECT RAISE(ABORT, 'checkpoints are kept as issued: DELETE refused'); END",
)


def _reason(exc: SQLAlchemyError) -> str:
    return str(exc.orig) if isinstance(exc, DBAPIError) else str(exc).splitlines()[0]


def _row_to_sealed(row: Any) -> Sealed:
    return Sealed(int(row.seq), str(row.hash), bytes(row.data))


_LEAF = text("SELECT hash FROM ledger WHERE seq = :seq")
_NODE = text("SELECT hash FROM node WHERE level = :level AND idx = :idx")


class Store:
    """A connection to one vault's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def sqlite(cls, path: Path, *, create: bool) -> Store:
        if not create and not path.is_file():
            raise VaultError(f"ledger database missing: {path}")
        engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn: Any, _record: Any) -> None:
            # Take transaction control from sqlite3 so that writers can BEGIN IMMEDIATE.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("archive_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        store = cls(engine)
        try:
            if create:
                store.create_schema()
            else:
                with store.read() as r:
                    r.size()
        except SQLAlchemyError as exc:
            raise VaultError(f"ledger database unreadable: {path}: {_reason(exc)}") from exc
        return store

    def create_schema(self) -> None:
        with self.write() as w:
            SQLModel.metadata.create_all(w.conn)
            if self.engine.dialect.name == "sqlite":
                for statement in _SQLITE_GUARDS:
                    w.conn.exec_driver_sql(statement)

    @contextmanager
    def write(self) -> Iterator[Writer]:
        """A serialised write transaction: commits on success, rolls back on any error."""
        try:
            with self.engine.connect().execution_options(archive_write=True) as conn, conn.begin():
                yield Writer(conn)
        except IntegrityError as exc:
            raise LedgerError(f"the ledger refused the write: {_reason(exc)}") from exc
        except SQLAlchemyError as exc:
            raise VaultError(f"writing the ledger database failed: {_reason(exc)}") from exc

    @contextmanager
    def read(self) -> Iterator[Reader]:
        """A read transaction: one consistent snapshot of ledger and index."""
        try:
            with self.engine.connect() as conn, conn.begin():
                yield Reader(conn)
        except SQLAlchemyError as exc:
            raise VaultError(f"reading the ledger database failed: {_reason(exc)}") from exc

    def close(self) -> None:
        self.engine.dispose()


class Reader:
    """Queries over one snapshot."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def size(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(LedgerRow)).scalar_one())

    def head(self) -> Sealed | None:
        row = self.conn.execute(
            select(LedgerRow.seq, LedgerRow.hash, LedgerRow.data).order_by(LedgerRow.seq.desc()).limit(1)  # type: ignore[attr-defined]
        ).first()
        return None if row is None else _row_to_sealed(row)

    def entries(self, start: int = 0, stop: int | None = None, batch: int = 2000) -> Iterator[Sealed]:
        """Stream entries in sequence order (in pages, so memory stays flat)."""
        after = start - 1
        while True:
            query = select(LedgerRow.seq, LedgerRow.hash, LedgerRow.data).where(LedgerRow.seq > after)
            if stop is not None:
                query = query.where(LedgerRow.seq < stop)
            rows = self.conn.execute(query.order_by(LedgerRow.seq).limit(batch)).all()  # type: ignore[arg-type]
            if not rows:
                return
            for row in rows:
                yield _row_to_sealed(row)
            after = int(rows[-1].seq)

    def entries_of_kind(self, kind: str) -> list[Sealed]:
        query = select(LedgerRow.seq, LedgerRow.hash, LedgerRow.data).where(LedgerRow.kind == kind)
        return [_row_to_sealed(r) for r in self.conn.execute(query.order_by(col(LedgerRow.seq))).all()]

    def entry(self, seq: int) -> Sealed:
        row = self.conn.execute(
            select(LedgerRow.seq, LedgerRow.hash, LedgerRow.data).where(LedgerRow.seq == seq)
        ).first()
        if row is None:
            raise NotFoundError(f"no ledger entry {seq}")
        return _row_to_sealed(row)

    def leaf(self, seq: int) -> bytes:
        row = self.conn.execute(_LEAF, {"seq": seq}).first()
        if row is None:
            raise NotFoundError(f"no ledger entry {seq}")
        return bytes.fromhex(str(row[0]))

    def node(self, level: int, idx: int) -> bytes:
        """A Merkle node (level 0: an entry hash); the `get_node` of archive.merkle.

        Plain prepared text statements: proofs make a few dozen of these lookups, and the ORM's
        per-statement overhead would dominate them.
        """
        if level == 0:
            return self.leaf(idx)
        row = self.conn.execute(_NODE, {"level": level, "idx": idx}).first()
        if row is None:
            raise NotFoundError(f"Merkle node ({level}, {idx}) is missing")
        return bytes(row[0])

    def nodes(self, level: int, batch: int = 5000) -> Iterator[tuple[int, bytes]]:
        """All stored nodes of one level in index order (streamed)."""
        after = -1
        while True:
            rows = self.conn.execute(
                select(NodeRow.idx, NodeRow.hash)
                .where(NodeRow.level == level, NodeRow.idx > after)
                .order_by(NodeRow.idx)  # type: ignore[arg-type]
                .limit(batch)
            ).all()
            if not rows:
                return
            for idx, hash_ in rows:
                yield int(idx), bytes(hash_)
            after = int(rows[-1][0])

    def node_levels(self) -> list[int]:
        return [
            int(v) for v in self.conn.execute(select(NodeRow.level).distinct().order_by(col(NodeRow.level))).scalars()
        ]

    def checkpoints(self) -> list[tuple[int, str]]:
        rows = self.conn.execute(select(CheckpointRow.size, CheckpointRow.note).order_by(col(CheckpointRow.size))).all()
        return [(int(size), str(note)) for size, note in rows]

    def latest_checkpoint(self) -> tuple[int, str] | None:
        row = self.conn.execute(
            select(CheckpointRow.size, CheckpointRow.note).order_by(CheckpointRow.size.desc()).limit(1)  # type: ignore[attr-defined]
        ).first()
        return None if row is None else (int(row[0]), str(row[1]))

    def item_ids(self, prefix: str) -> list[str]:
        query = select(ItemRow.id).where(ItemRow.id.startswith(prefix)).order_by(ItemRow.id).limit(2)
        return [str(r) for r in self.conn.execute(query).scalars()]

    def has_item(self, item_id: str) -> bool:
        return self.conn.execute(select(ItemRow.id).where(ItemRow.id == item_id)).first() is not None

    def known_items(self, item_ids: list[str], chunk: int = 500) -> set[str]:
        """Those of `item_ids` the index holds (one query per `chunk` ids)."""
        known: set[str] = set()
        for start in range(0, len(item_ids), chunk):
            query = select(ItemRow.id).where(col(ItemRow.id).in_(item_ids[start : start + chunk]))
            known.update(str(v) for v in self.conn.execute(query).scalars())
        return known

    def item_state(self, item_id: str) -> bytes | None:
        row = self.conn.execute(select(ItemRow.state).where(ItemRow.id == item_id)).first()
        return None if row is None else bytes(row[0])

    def items(self) -> Iterator[ItemRow]:
        """Index rows in ingest order."""
        for row in self.conn.execute(select(ItemRow).order_by(ItemRow.ingest_seq)).all():  # type: ignore[arg-type]
            yield ItemRow.model_validate(row._mapping)

    def index_rows(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for row in self.conn.execute(select(ItemRow)).all():
            mapping = dict(row._mapping)
            yield str(mapping["id"]), mapping


class Writer(Reader):
    """Appends and index updates inside one serialised transaction."""

    def append(self, rows: list[tuple[Sealed, str, str]]) -> None:
        """Insert entries (sealed, kind, prev) in one executemany."""
        if rows:
            self.conn.execute(
                insert(LedgerRow),
                [{"seq": s.seq, "prev": prev, "hash": s.hash, "kind": kind, "data": s.data} for s, kind, prev in rows],
            )

    def put_nodes(self, nodes: list[tuple[int, int, bytes]]) -> None:
        rows = [{"level": lv, "idx": ix, "hash": h} for lv, ix, h in nodes if lv > 0]
        if rows:
            self.conn.execute(insert(NodeRow), rows)

    def put_checkpoint(self, size: int, note: str) -> None:
        self.conn.execute(insert(CheckpointRow).values(size=size, note=note))

    def add_items(self, rows: list[ItemRow]) -> None:
        """Insert index rows for new items in one executemany."""
        if rows:
            self.conn.execute(insert(ItemRow), [row.model_dump() for row in rows])

    def put_item(self, row: ItemRow) -> None:
        values = row.model_dump()
        self.conn.execute(delete(ItemRow).where(ItemRow.id == row.id))  # type: ignore[arg-type]
        self.conn.execute(insert(ItemRow).values(**values))
