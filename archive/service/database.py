"""Where a new vault keeps its ledger: the vault's own SQLite file, or a PostgreSQL database.

`archive init --db postgresql://ROLE@HOST/DB` names a database; the vault's marker then holds that
connection string (never a password: libpq reads it from PGPASSFILE, ~/.pgpass or a service file).
With `--db-owner`, the schema is made (or brought up to date) first, as the role that owns it, and
ROLE is granted only what the archive needs (docs/format.md §9.1).
"""

from __future__ import annotations

from archive.errors import UsageError

SCHEMES = ("postgresql://", "postgres://")


def ledger_config(dsn: str, *, owner: str | None = None) -> dict[str, str]:
    """The marker's `ledger` member for a PostgreSQL database, its schema made first with `owner`."""
    if not dsn.startswith(SCHEMES):
        raise UsageError("--db takes a PostgreSQL connection string, postgresql://ROLE@HOST[:PORT]/DB")
    if owner is not None and not owner.startswith(SCHEMES):
        raise UsageError("--db-owner takes a PostgreSQL connection string, postgresql://OWNER@HOST[:PORT]/DB")
    from archive.storage.postgres import check_dsn, migrate, role_of

    role = role_of(check_dsn(dsn))
    if owner is not None:
        migrate(owner, role)
    return {"backend": "postgresql", "dsn": dsn}
