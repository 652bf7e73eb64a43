"""The PostgreSQL backend against a real PostgreSQL 15 server (tests/pg_server.py): the port's
behaviour the same as SQLite's, append-only enforced by the server for the app role and by the
triggers for everyone, one linear chain under concurrent writers, and a server restart mid-write."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from helpers import ok, run, seed_files, unique
from lib import ingest, open_archive
from pg_server import APP, OWNER, PgServer

from archive.core.entry import GENESIS_PREV, Sealed, check_entries, next_entry
from archive.core.item import IndexRow
from archive.errors import LedgerError, NotFoundError, VaultError
from archive.evidence.check import check_manifest
from archive.service.verify import verify_vault
from archive.storage import postgres
from archive.storage.backends import open_ledger
from archive.storage.port import Ledger, RecordRow, Writer
from archive.storage.sqlite import SQLiteLedger

CLOCK = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
TOOL = {"name": "archive-test", "version": "1"}


@pytest.fixture(scope="session")
def server(pg_server: PgServer) -> PgServer:
    return pg_server  # the test process's one server (tests/conftest.py)


@pytest.fixture
def database(server: PgServer) -> str:
    """A new database with the archive's schema, made by the owner role; its app-role DSN."""
    name = unique("ledger")
    server.fresh_database(name)
    postgres.migrate(server.dsn(OWNER, name), APP)
    return server.dsn(APP, name)


def _open(dsn: str, *, create: bool = False, read_only: bool = False) -> Ledger:
    return open_ledger(
        Path("/nonexistent-vault"), {"backend": "postgresql", "dsn": dsn}, create=create, read_only=read_only
    )


def _append(ledger: Ledger, count: int, kind: str = "note") -> None:
    """Append `count` entries after the head, in one write transaction."""
    with ledger.write() as w:
        _append_in(w, count, kind)


def _append_in(w: Writer, count: int, kind: str = "note") -> None:
    head = w.head()
    rows = []
    for i in range(count):
        entry, head = next_entry(head, time=CLOCK, actor="tester", tool=TOOL, kind=kind, body={"i": i})
        rows.append((head, kind, entry.prev))
    w.append(rows)


def _chain_problems(ledger: Ledger) -> list[str]:
    with ledger.read() as r:
        return [p.code for checked in check_entries(r.rows()) for p in checked.problems]


ITEMS = [
    IndexRow("ab" + "0" * 62, 2**40, "text/html", "Ünïcode name", 1, 3, "2026-01-02T03:04:05.000000Z", b"{}"),
    IndexRow("ab" + "1" * 62, 7, "application/pdf", "b", 2, 2, "2026-01-02T03:04:06.000000Z", b'{"a":1}'),
    IndexRow("cd" + "2" * 62, 9, "image/jpeg", "c", 4, 4, "2026-01-02T03:04:07.000000Z", b"\x00\xff"),
]
RECORDS = [
    RecordRow(0, "response", "https://example.org/", "2026-01-01T00:00:00Z", "text/html", 200, b'{"r":0}'),
    RecordRow(1, "response", "https://example.org/a.png", "2026-01-01T00:00:01Z", "image/png", 200, b'{"r":1}'),
    RecordRow(2, "revisit", "https://example.org/", "2026-01-01T00:00:02Z", "", 0, b'{"r":2}'),
]


def _fill(ledger: Ledger) -> None:
    """The same writes on any backend."""
    _append(ledger, 3, "ingest")
    _append(ledger, 2, "amend")
    with ledger.write() as w:
        w.put_nodes([(0, 0, b"x" * 32), (1, 0, b"a" * 32), (1, 1, b"b" * 32), (2, 0, b"c" * 32)])
        w.put_checkpoint(2, "note two\n")
        w.put_checkpoint(5, "note five\n")
        w.put_timestamp(5, "https://tsa.example/", b"\x30\x03token")
        w.put_timestamp(5, "https://tsa.example/", b"\x30\x03token")  # kept once
        w.put_timestamp(2, "https://b.example/", b"\x30\x01")
        cosigned = [(5, "b-witness", "— b sig\n", "t2"), (5, "A-witness", "— A sig\n", "t1"), (2, "c", "— c\n", "t0")]
        w.put_cosignatures(cosigned)
        w.put_cosignatures(cosigned[:1])  # a duplicate is ignored
        w.put_records(ITEMS[0].id, RECORDS)
        w.add_items(ITEMS)
        w.put_items([ITEMS[1]._replace(last_seq=4, state=b'{"a":2}')])


def _everything(ledger: Ledger) -> dict[str, Any]:
    """What every Reader method answers, as plain values."""
    with ledger.read() as r:
        seen: dict[str, Any] = {
            "head": r.head(),
            "size": r.size(),
            "entries": list(r.entries()),
            "entries 1..3": list(r.entries(1, 3)),
            "entries_at": r.entries_at([3, 0, 3]),
            "of kind": list(r.entries_of_kind("amend")),
            "rows": list(r.rows()),
            "nodes_at": r.nodes_at([(0, 1), (0, 9), (1, 0), (1, 1), (2, 0), (3, 0)]),
            "nodes 1": list(r.nodes(1)),
            "levels": r.node_levels(),
            "checkpoints": list(r.checkpoints()),
            "latest": r.latest_checkpoint(),
            "timestamps": r.timestamps(),
            "timestamps 5": r.timestamps(5),
            "faults": r.storage_faults(),
            "guards": r.missing_guards(),
            "ids ab": r.item_ids("ab"),
            "ids ab 1": r.item_ids("ab", limit=1),
            "ids cd2": r.item_ids("cd2", limit=5),
            "known": r.known_items([ITEMS[0].id, "ff" * 32, ITEMS[2].id]),
            "state": r.item_state(ITEMS[1].id),
            "no state": r.item_state("ee" * 32),
            "items": list(r.items()),
            "items 1+1": list(r.items(start=1, limit=1)),
            "count": r.item_count(),
            "index": list(r.index_rows()),
            "records": list(r.records(ITEMS[0].id)),
            "records uri": list(r.records(ITEMS[0].id, uri="https://example.org/")),
            "records part": list(r.records(ITEMS[0].id, part="revisit")),
            "records image": list(r.records(ITEMS[0].id, media_prefix="image/")),
            "record count": r.record_count(ITEMS[0].id),
            "cosignatures": r.cosignatures(),
            "cosignatures 5": r.cosignatures(5),
        }
        with pytest.raises(NotFoundError):
            r.entries_at([0, 42])
    seen["layout"] = ledger.index_layout()
    return seen


def test_every_read_answers_as_the_sqlite_backend_does(database: str, tmp_path: Path) -> None:
    pg = _open(database, create=True)
    lite = SQLiteLedger(tmp_path / "ledger.sqlite", create=True)
    try:
        _fill(pg)
        _fill(lite)
        ours, theirs = _everything(pg), _everything(lite)
        assert ours == theirs
        # The comparison is not between two empty answers.
        assert ours["size"] == 5 and [s.seq for s in ours["entries_at"]] == [3, 0, 3]
        assert ours["items"][0].size == 2**40 and ours["state"] == b'{"a":2}'
        assert [c[1] for c in ours["cosignatures 5"]] == ["A-witness", "b-witness"]
        assert _chain_problems(pg) == []
        for ledger in (pg, lite):
            with ledger.write() as w:
                w.clear_items()
                w.set_index_layout(1)
        assert _everything(pg) == _everything(lite)
        assert pg.index_layout() == 1
    finally:
        pg.close()
        lite.close()


def test_a_read_is_one_snapshot_and_never_blocks_a_writer(database: str) -> None:
    reader, writer = _open(database, create=True), _open(database)
    try:
        _append(writer, 1)
        with reader.read() as r:
            assert r.size() == 1
            done = threading.Thread(target=_append, args=(writer, 2))
            done.start()
            done.join(timeout=30)
            assert not done.is_alive()  # committed while the snapshot is open
            assert r.size() == 1 and len(list(r.entries())) == 1
        with reader.read() as r:
            assert r.size() == 3
    finally:
        reader.close()
        writer.close()


@pytest.mark.parametrize("table", ["ledger", "checkpoint"])
def test_the_server_refuses_the_app_role_any_rewrite(database: str, table: str) -> None:
    ledger = _open(database, create=True)
    _fill(ledger)
    ledger.close()
    for statement in (f"UPDATE {table} SET size = size", f"DELETE FROM {table}", f"TRUNCATE {table}"):
        statement = statement.replace("size", "seq") if table == "ledger" else statement
        with psycopg.connect(database, autocommit=True) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement.encode())


@pytest.mark.parametrize("table", postgres.APPEND_ONLY)
def test_the_guards_refuse_a_rewrite_even_by_the_owner(server: PgServer, database: str, table: str) -> None:
    ledger = _open(database, create=True)
    _fill(ledger)
    ledger.close()
    owner = database.replace(f"//{APP}@", f"//{OWNER}@")
    for statement in (f"UPDATE {table} SET size = size", f"DELETE FROM {table}", f"TRUNCATE {table}"):
        column = {"ledger": "seq", "record": "idx"}.get(table, "size")
        with psycopg.connect(owner, autocommit=True) as conn, pytest.raises(psycopg.errors.RestrictViolation):
            conn.execute(statement.replace("size", column).encode())
    with psycopg.connect(owner, autocommit=True) as conn:
        assert conn.execute(f"SELECT count(*) FROM {table}".encode()).fetchone() != (0,)


def test_a_guard_disabled_or_altered_is_reported(database: str) -> None:
    ledger = _open(database, create=True)
    owner = database.replace(f"//{APP}@", f"//{OWNER}@")
    try:
        with ledger.read() as r:
            assert r.missing_guards() == []
        with psycopg.connect(owner, autocommit=True) as conn:
            conn.execute(b"ALTER TABLE ledger DISABLE TRIGGER ledger_no_update")
            conn.execute(b"DROP TRIGGER checkpoint_no_truncate ON checkpoint")
        with ledger.read() as r:
            assert r.missing_guards() == ["checkpoint_no_truncate", "ledger_no_update"]
        with psycopg.connect(owner, autocommit=True) as conn:
            conn.execute(
                b"CREATE OR REPLACE FUNCTION archive_refuse() RETURNS trigger LANGUAGE plpgsql "
                b"AS $$ BEGIN RETURN NULL; END $$"
            )
        with ledger.read() as r:
            assert len(r.missing_guards()) == len(postgres.GUARDS)
        postgres.migrate(owner, APP)  # the migration puts them back
        with ledger.read() as r:
            assert r.missing_guards() == []
    finally:
        ledger.close()


def test_a_fork_is_refused_and_nothing_of_the_write_is_kept(database: str) -> None:
    ledger = _open(database, create=True)
    try:
        _append(ledger, 2)
        with pytest.raises(LedgerError), ledger.write() as w:
            first = next(w.entries())
            w.put_checkpoint(2, "kept only if the write commits")
            entry, sealed = next_entry(None, time=CLOCK, actor="forker", tool=TOOL, kind="note", body={})
            assert sealed.seq == first.seq
            w.append([(sealed, "note", entry.prev)])  # a second entry 0: UNIQUE(seq), UNIQUE(prev)
        with ledger.read() as r:
            assert r.size() == 2 and r.latest_checkpoint() is None
        assert _chain_problems(ledger) == []
    finally:
        ledger.close()


def test_a_transaction_inside_another_is_refused_not_merged(database: str) -> None:
    ledger = _open(database, create=True)
    try:
        with pytest.raises(LedgerError), ledger.write() as w:
            _append_in(w, 1)
            with pytest.raises(VaultError), ledger.read():
                pass  # would have ended the write early: PostgreSQL only warns on a nested BEGIN
            w.append([(next(w.entries()), "note", GENESIS_PREV)])  # then a fork: the whole write goes
        with ledger.read() as r:
            assert r.size() == 0
    finally:
        ledger.close()


def test_the_marker_names_a_dsn_without_a_password(server: PgServer, database: str) -> None:
    with pytest.raises(VaultError):
        _open(database.replace(f"//{APP}@", f"//{APP}:secret@"))
    with pytest.raises(VaultError):
        open_ledger(Path("/v"), {"backend": "postgresql", "dsn": database, "path": "x"})
    with pytest.raises(VaultError):
        open_ledger(Path("/v"), {"backend": "postgresql"})


def test_opening_refuses_what_is_not_a_usable_ledger(server: PgServer, database: str) -> None:
    no_schema = unique("no_schema")
    server.fresh_database(no_schema)
    with pytest.raises(VaultError):
        _open(server.dsn(APP, no_schema))  # no migration ran
    first = _open(database, create=True)
    _append(first, 1)
    first.close()
    with pytest.raises(VaultError):
        _open(database, create=True)  # a new vault needs an empty ledger
    owner = database.replace(f"//{APP}@", f"//{OWNER}@")
    with pytest.raises(VaultError):
        _open(owner)  # the owner may drop the guards: never the archive's writer
    reading = _open(owner, read_only=True)
    try:
        assert _chain_problems(reading) == []
        with pytest.raises(VaultError), reading.write():
            pass
    finally:
        reading.close()


def test_the_migration_refuses_an_app_role_that_could_rewrite(server: PgServer) -> None:
    refused = unique("refused")
    server.fresh_database(refused)
    for app in (OWNER, "postgres", "nobody"):
        with pytest.raises(VaultError):
            postgres.migrate(server.dsn(OWNER, refused), app)
    with pytest.raises(VaultError):
        _open(server.dsn(APP, refused))  # nothing was made


def _writer(dsn: str, count: int, errors: list[BaseException]) -> None:
    ledger = _open(dsn)
    try:
        for _ in range(count):
            _append(ledger, 1)
    except BaseException as exc:  # reported by the test, not lost in the thread
        errors.append(exc)
    finally:
        ledger.close()


@pytest.mark.slow
def test_concurrent_writers_make_one_linear_chain(database: str) -> None:
    _open(database, create=True).close()
    writers, each = 8, 25
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_writer, args=(database, each, errors)) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    ledger = _open(database, read_only=True)
    try:
        with ledger.read() as r:
            rows = list(r.rows())
        assert [row.seq for row in rows] == list(range(writers * each))
        assert [row.prev for row in rows] == [GENESIS_PREV] + [row.hash for row in rows[:-1]]
        assert _chain_problems(ledger) == []
    finally:
        ledger.close()


@pytest.mark.slow
def test_a_server_restart_during_a_write_loses_the_write_whole_and_the_next_succeeds(
    server: PgServer, database: str
) -> None:
    ledger = _open(database, create=True)
    try:
        _append(ledger, 2)
        with pytest.raises(VaultError), ledger.write() as w:
            head = w.head()
            entry, sealed = next_entry(head, time=CLOCK, actor="tester", tool=TOOL, kind="note", body={})
            w.append([(sealed, "note", entry.prev)])
            w.put_checkpoint(3, "half of a write")
            server.restart()
        with ledger.read() as r:
            assert r.size() == 2 and r.latest_checkpoint() is None
        _append(ledger, 1)  # the same ledger object: a new connection, a clean retry
        with ledger.read() as r:
            assert r.size() == 3
        assert _chain_problems(ledger) == []
    finally:
        ledger.close()


@pytest.mark.slow
def test_a_server_restart_between_writes_is_not_an_error(server: PgServer, database: str) -> None:
    ledger = _open(database, create=True)
    try:
        _append(ledger, 1)
        server.restart()
        _append(ledger, 1)  # the idle connection died with the server; the write opens a new one
        server.restart()
        with ledger.read() as r:
            assert r.size() == 2
    finally:
        ledger.close()


def _postgres_vault(tmp_path: Path, dsn: str) -> Path:
    """A vault made the ordinary way, its ledger then moved byte for byte into PostgreSQL and its
    marker naming that database (what `archive init --db` is to write), no SQLite file left."""
    vault = tmp_path / "vault"
    open_archive(vault).close()
    lite = SQLiteLedger(vault / "ledger.sqlite", read_only=True)
    with lite.read() as r, _open(dsn, create=True).write() as w:
        w.append([(Sealed(row.seq, row.hash, row.data or b""), row.kind, row.prev) for row in r.rows()])
        for level in r.node_levels():
            w.put_nodes([(level, idx, hash_) for idx, hash_ in r.nodes(level)])
        for size, note in r.checkpoints():
            w.put_checkpoint(size, note)
        w.add_items(list(r.items()))
    lite.close()
    marker = json.loads((vault / "VAULT.json").read_text())
    marker["ledger"] = {"backend": "postgresql", "dsn": dsn}
    (vault / "VAULT.json").write_text(json.dumps(marker))
    for left in vault.glob("ledger.sqlite*"):
        left.unlink()
    return vault


@pytest.mark.slow
def test_a_vault_on_postgresql_ingests_cites_and_verifies(database: str, tmp_path: Path) -> None:
    vault = _postgres_vault(tmp_path, database)
    archive = open_archive(vault)
    try:
        results = ingest(archive, seed_files())
        doc = archive.manifest(None)
        key = archive.keys().current
    finally:
        archive.close()
    assert key is not None and len(doc["items"]) == len(results) > 0
    assert check_manifest(doc, [key], seed_files()[0].parent)
    assert verify_vault(vault)
    assert not list(vault.glob("ledger.sqlite*"))
    listed = ok("log", "--json", vault=vault).json()  # the CLI, unchanged, on the same database
    ledger = _open(database, read_only=True)
    with ledger.read() as r:
        assert [e["hash"] for e in listed] == [e.hash for e in r.entries()]
    ledger.close()
    assert ok("verify", vault=vault).code == 0


@pytest.mark.slow
def test_verify_on_postgresql_finds_a_rewrite_the_owner_forced(database: str, tmp_path: Path) -> None:
    vault = _postgres_vault(tmp_path, database)
    archive = open_archive(vault)
    ingest(archive, seed_files()[:2])
    archive.close()
    owner = database.replace(f"//{APP}@", f"//{OWNER}@")
    with psycopg.connect(owner, autocommit=True) as conn:
        conn.execute(b"ALTER TABLE ledger DISABLE TRIGGER ledger_no_update")
        conn.execute(b"UPDATE ledger SET data = data || ' '::bytea WHERE seq = 1")
    report = verify_vault(vault)
    assert "ENTRY_HASH_MISMATCH" in report.codes()
    assert report.warning_codes() == ["GUARD_MISSING"]


class CommitCutter:
    """A TCP relay to the server that, once armed, cuts the next connection to send COMMIT: either
    before the server gets it, or after the server has answered (the answer never arrives)."""

    def __init__(self, port: int) -> None:
        self.upstream = port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.mode: str | None = None  # "before" or "after" the server gets the COMMIT
        self.cuts = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                client, _ = self.listener.accept()
                server = socket.create_connection(("127.0.0.1", self.upstream), timeout=30)
                cut = threading.Event()
                threading.Thread(target=self._pump, args=(client, server, cut, True), daemon=True).start()
                threading.Thread(target=self._pump, args=(server, client, cut, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, cut: threading.Event, outbound: bool) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if cut.is_set():
                    break  # the server's answer to the COMMIT: dropped
                if outbound and self.mode and b"COMMIT\x00" in data:
                    mode, self.mode = self.mode, None
                    self.cuts += 1
                    cut.set()
                    if mode == "before":
                        break
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def dsn(self, dsn: str, server: PgServer) -> str:
        return dsn.replace(f":{server.port}/", f":{self.port}/")

    def close(self) -> None:
        self.listener.close()


@pytest.mark.parametrize("mode", ["before", "after"])
def test_a_commit_whose_answer_is_lost_is_settled_by_asking_the_server(
    server: PgServer, database: str, mode: str
) -> None:
    cutter = CommitCutter(server.port)
    ledger = _open(cutter.dsn(database, server), create=True)
    try:
        _append(ledger, 1)
        cutter.mode = mode
        if mode == "before":  # the server never got the COMMIT: the write is absent, and said to be
            with pytest.raises(VaultError):
                _append(ledger, 1)
        else:  # the server committed and its answer was lost: the write happened, and is not an error
            _append(ledger, 1)
        assert cutter.cuts == 1
        with ledger.read() as r:
            assert r.size() == (1 if mode == "before" else 2)
        _append(ledger, 1)
        assert _chain_problems(ledger) == []
    finally:
        ledger.close()
        cutter.close()


@pytest.mark.slow
def test_init_db_makes_a_vault_whose_ledger_is_in_postgresql(server: PgServer, tmp_path: Path) -> None:
    """`archive init --db DSN --db-owner OWNER_DSN` as a user runs it: the schema made by the owner,
    the marker naming the app role's DSN (no password), every command working on it unchanged."""
    name = unique("ledger")
    server.fresh_database(name)
    app, owner = server.dsn(APP, name), server.dsn(OWNER, name)
    vault = tmp_path / "vault"
    made = ok("init", "--db", app, "--db-owner", owner, "--json", vault=vault).json()
    marker = json.loads((vault / "VAULT.json").read_text(encoding="utf-8"))
    assert marker["ledger"] == {"backend": "postgresql", "dsn": app}
    assert "password" not in (vault / "VAULT.json").read_text(encoding="utf-8")
    assert not list(vault.glob("ledger.sqlite*"))
    ingested = ok("ingest", *seed_files(), "--json", vault=vault).json()
    assert ingested["ingested"] == len(seed_files())
    manifest = tmp_path / "m.json"
    ok("manifest", "--all", "-o", manifest, vault=vault)
    assert ok("verify-manifest", manifest, "--key", made["verifier_key"], "--json").json()["ok"] is True
    assert ok("verify", vault=vault).code == 0
    # The ledger is the database's: the app role cannot rewrite it there.
    with psycopg.connect(app) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("DELETE FROM ledger")
    # A connection string with a password is refused before anything is made.
    with_password = app.replace(f"{APP}@", f"{APP}:secret@", 1)
    refused = run("init", "--db", with_password, vault=tmp_path / "other")
    assert refused.code != 0 and "password" in refused.err and not (tmp_path / "other").exists()
