"""The database tables, defined once with SQLModel: every backend creates its schema from these.

Imported only when a schema is made or checked (SQLModel and SQLAlchemy take ~0.5 s to import);
reads and writes go through each backend's driver with the same table and column names.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel


class LedgerRow(SQLModel, table=True):
    """One entry, stored as its exact canonical bytes; `prev`, `hash` and `kind` repeat what the
    bytes say (for constraints and lookups) and verification checks that they do."""

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


def ddl(dialect: str) -> list[str]:
    """CREATE TABLE and CREATE INDEX statements for `dialect` ("sqlite", "postgresql"), in order."""
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    compiler: Any = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}[dialect]  # type: ignore[no-untyped-call]
    statements = []
    for table in SQLModel.metadata.sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=compiler)).strip())
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            statements.append(str(CreateIndex(index).compile(dialect=compiler)).strip())
    return statements


# ---- witnesses (issue 11): cosignatures of checkpoints --------------------------------------


class CosignatureRow(SQLModel, table=True):
    """A witness's cosignature of the checkpoint of `size` entries, as received, kept forever."""

    __tablename__ = "cosignature"
    size: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    witness: str = Field(primary_key=True)  # the witness key's name
    line: str = Field(primary_key=True)  # the signed-note signature line, newline included
    received: str = Field(max_length=32)  # when the archive received it (a time)
