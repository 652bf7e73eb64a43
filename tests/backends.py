"""Vaults on either ledger backend, and the attacker's tools on each, for the tests that tamper with a
vault, feed it bad input, cite it or prove from it: the same SQL and the same edits run on SQLite's
file (through helpers.py) or on a PostgreSQL server as its superuser, who can do anything there.

A test takes the `backend` fixture (tests/conftest.py), parametrised sqlite and pg; its vault is
made with `backend.make(path)` and inspected or tampered with through the backend. A test about the
SQLite file itself is marked `sqlite_only`; PostgreSQL's own form of a threat, `pg_only`.
"""

from __future__ import annotations

import itertools
import json
import shutil
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import helpers
import psycopg
from helpers import Row, Snapshot, canonical, object_files, ok, rechain_rows
from pg_server import APP, OWNER, PgServer
from psycopg import sql

MARKER = "VAULT.json"
# The guards an attacker drops before an edit: those that refuse UPDATE and DELETE on the ledger.
LEDGER_GUARDS = ("ledger_no_update", "ledger_no_delete")


class PgConnection:
    """A superuser's psycopg connection in autocommit that takes SQLite's `?` placeholders (every `?`
    of a statement given parameters is one: the tests' SQL holds no other)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.raw = conn

    def execute(self, query: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        if params:
            query = query.replace("%", "%%").replace("?", "%s")
            return self.raw.execute(query.encode(), list(params))
        return self.raw.execute(query.encode())


class Backend:
    """The attacker's tools that are the same on every backend, given a way to reach the database."""

    name: str
    # What the database raises when its guards refuse a change, and when a constraint refuses a row.
    refused: type[Exception]
    integrity: type[Exception]

    def make(self, path: Path, *, origin: str | None = None) -> Path:
        raise NotImplementedError

    def database(self, vault: Path) -> Any:
        raise NotImplementedError

    def drop_trigger(self, conn: Any, name: str) -> None:
        raise NotImplementedError

    def copy_vault(self, source: Path, target: Path) -> Path:
        raise NotImplementedError

    def without_trigger(self, conn: Any, name: str) -> AbstractContextManager[None]:
        """The trigger out of the way for a while, then back exactly as it was (no warning left)."""
        raise NotImplementedError

    def drop_guards(self, conn: Any) -> None:
        for name in LEDGER_GUARDS:
            self.drop_trigger(conn, name)

    def drop_constraints(self, conn: Any) -> None:
        raise NotImplementedError

    def ledger_rows(self, vault: Path) -> list[Row]:
        with self.database(vault) as conn:
            rows = conn.execute("SELECT seq, prev, hash, kind, data FROM ledger ORDER BY seq").fetchall()
        return [Row(int(s), str(p), str(h), str(k), bytes(d)) for s, p, h, k, d in rows]

    def index_rows(self, vault: Path) -> dict[str, tuple[Any, ...]]:
        with self.database(vault) as conn:
            rows = conn.execute("SELECT * FROM item ORDER BY id").fetchall()
        return {str(r[0]): tuple(r) for r in rows}

    def snapshot(self, vault: Path) -> Snapshot:
        return Snapshot(self.ledger_rows(vault), self.index_rows(vault), object_files(vault))

    def set_entry_data(self, conn: Any, seq: int, data: bytes, *, rehash: bool) -> None:
        helpers.set_entry_data(conn, seq, data, rehash=rehash)

    def rewrite_entry(self, vault: Path, seq: int, changes: Mapping[str, Any], *, rehash: bool) -> None:
        """Edit fields of one entry in place (canonical bytes), leaving every other entry alone."""
        row = next(r for r in self.ledger_rows(vault) if r.seq == seq)
        data = canonical({**row.entry(), **changes})
        with self.database(vault) as conn:
            self.drop_guards(conn)
            self.set_entry_data(conn, seq, data, rehash=rehash)

    def rechain_from(self, vault: Path, seq: int, changes: Mapping[str, Any]) -> None:
        """The thorough forger: edit one entry, then re-link and re-hash every entry after it."""
        rows = self.ledger_rows(vault)
        with self.database(vault) as conn:
            self.drop_guards(conn)
            rechain_rows(conn, rows, seq, changes)


class SQLiteBackend(Backend):
    """The default: the ledger in the vault's `ledger.sqlite`, made by the vault's first write."""

    name = "sqlite"
    refused = sqlite3.DatabaseError
    integrity = sqlite3.IntegrityError

    def make(self, path: Path, *, origin: str | None = None) -> Path:
        """Nothing to do: the first command or `open_archive` that writes makes the vault, as ever."""
        return path

    def database(self, vault: Path) -> Any:
        return helpers.database(vault)

    def drop_trigger(self, conn: Any, name: str) -> None:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")

    def drop_guards(self, conn: Any) -> None:
        helpers.drop_guards(conn)

    @contextmanager
    def without_trigger(self, conn: Any, name: str) -> Iterator[None]:
        (definition,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
        ).fetchone()
        conn.execute(f"DROP TRIGGER {name}")
        yield
        conn.execute(definition)

    def drop_constraints(self, conn: Any) -> None:
        helpers.drop_constraints(conn)

    def ledger_rows(self, vault: Path) -> list[Row]:
        return helpers.ledger_rows(vault)

    def index_rows(self, vault: Path) -> dict[str, tuple[Any, ...]]:
        return helpers.index_rows(vault)

    def snapshot(self, vault: Path) -> Snapshot:
        return helpers.snapshot(vault)

    def rewrite_entry(self, vault: Path, seq: int, changes: Mapping[str, Any], *, rehash: bool) -> None:
        helpers.rewrite_entry(vault, seq, changes, rehash=rehash)

    def rechain_from(self, vault: Path, seq: int, changes: Mapping[str, Any]) -> None:
        helpers.rechain_from(vault, seq, changes)

    def copy_vault(self, source: Path, target: Path) -> Path:
        return helpers.copy_vault(source, target)


_names = itertools.count()


class PostgresBackend(Backend):
    """The ledger in a database of its own on a test server, made by `archive init --db` as a user
    would; the attacker is the server's superuser (drops triggers, rebuilds tables, edits rows)."""

    name = "postgresql"
    refused = psycopg.errors.RestrictViolation  # the guards raise it, for the superuser too
    integrity = psycopg.errors.UniqueViolation

    def __init__(self, server: PgServer) -> None:
        self.server = server
        self.made: list[str] = []  # every database named here, in order (dropped after their test)

    def fresh_name(self) -> str:
        name = f"vault_{next(_names)}"
        self.made.append(name)
        return name

    def drop_since(self, mark: int) -> None:
        """Drop the databases named since `self.made` was `mark` long (a test's own: the server's
        cluster would otherwise grow by one database per test)."""
        names, self.made[mark:] = self.made[mark:], []
        with self.superuser() as conn:
            for name in names:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def make(self, path: Path, *, origin: str | None = None) -> Path:
        name = self.fresh_name()
        self.server.fresh_database(name)
        more = ["--origin", origin] if origin is not None else []
        ok("init", "--db", self.server.dsn(APP, name), "--db-owner", self.server.dsn(OWNER, name), *more, vault=path)
        return path

    def dsn(self, vault: Path) -> str:
        """The app role's DSN the vault's marker names."""
        marker = json.loads((vault / MARKER).read_text("utf-8"))
        return str(marker["ledger"]["dsn"])

    def database_name(self, vault: Path) -> str:
        return str(psycopg.conninfo.conninfo_to_dict(self.dsn(vault))["dbname"])

    def superuser(self, database: str = "postgres") -> psycopg.Connection[Any]:
        return psycopg.connect(self.server.dsn("postgres", database), autocommit=True)

    @contextmanager
    def database(self, vault: Path) -> Iterator[PgConnection]:
        """The vault's database as its server's superuser (autocommit), as an attacker would."""
        with self.superuser(self.database_name(vault)) as conn:
            yield PgConnection(conn)

    def drop_trigger(self, conn: Any, name: str) -> None:
        table = name.rsplit("_no_", 1)[0]
        conn.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")

    def disable_trigger(self, conn: Any, name: str) -> None:
        table = name.rsplit("_no_", 1)[0]
        conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")

    @contextmanager
    def without_trigger(self, conn: Any, name: str) -> Iterator[None]:
        table = name.rsplit("_no_", 1)[0]
        conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
        yield
        conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER {name}")

    def drop_constraints(self, conn: Any) -> None:
        """The ledger table rebuilt without its triggers, primary key and UNIQUE constraints, and
        handed back to its owner with the app role's grants, so the archive reads it as before."""
        conn.execute("BEGIN")
        conn.execute("CREATE TABLE ledger_loose AS SELECT seq, prev, hash, kind, data FROM ledger")
        conn.execute("DROP TABLE ledger")
        conn.execute("ALTER TABLE ledger_loose RENAME TO ledger")
        conn.execute(f"ALTER TABLE ledger OWNER TO {OWNER}")
        conn.execute(f"GRANT SELECT, INSERT ON ledger TO {APP}")
        conn.execute("COMMIT")

    def _database_from(self, template: str, name: str) -> None:
        """A new database copied from `template` (no session may be open on it), reachable as a
        fresh one is: owned by the owner role, CONNECT for the owner and the app role only."""
        ident = sql.Identifier
        with self.superuser() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {} OWNER {}").format(ident(name), ident(template), ident(OWNER))
            )
            conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(ident(name)))
            conn.execute(
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}, {}").format(ident(name), ident(OWNER), ident(APP))
            )

    def copy_vault(self, source: Path, target: Path) -> Path:
        """The directory copied, its database copied by TEMPLATE, and the copy's marker naming the copy."""
        shutil.copytree(source, target, symlinks=True)
        name = self.fresh_name()
        self._database_from(self.database_name(source), name)
        marker_path = target / MARKER
        marker = json.loads(marker_path.read_text("utf-8"))
        marker["ledger"]["dsn"] = self.server.dsn(APP, name)
        mode = marker_path.stat().st_mode & 0o777
        marker_path.chmod(0o644)
        marker_path.write_bytes(canonical(marker) + b"\n")
        marker_path.chmod(mode)
        return target

    def copy_database(self, vault: Path) -> str:
        """A copy of the vault's database as it is now, kept on the server; its name."""
        name = self.fresh_name()
        self._database_from(self.database_name(vault), name)
        return name

    def replace_database(self, vault: Path, older: str) -> None:
        """The vault's database dropped and an older copy renamed into its place: the marker, and
        so the archive, now read the older ledger (what a superuser restoring a backup can do)."""
        ident = sql.Identifier
        current = self.database_name(vault)
        with self.superuser() as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(ident(current)))
            conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(ident(older), ident(current)))

    def drop_database(self, vault: Path) -> None:
        """The vault's database dropped (sessions on it ended first), as a server's superuser can."""
        with self.superuser() as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(self.database_name(vault))))


BACKENDS = ("sqlite", "postgresql")
IDS = {"sqlite": "sqlite", "postgresql": "pg"}
