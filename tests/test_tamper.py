"""Tampering with a vault on disk and in its ledger database (SQLite or PostgreSQL): `verify` names
every change by its problem code."""

from __future__ import annotations

import itertools
import json
import os
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from backends import Backend, PostgresBackend
from helpers import (
    Row,
    article,
    assert_one_error_line,
    canonical,
    entry_hash,
    is_root,
    make_writable,
    object_path,
    ok,
    run,
    seed_files,
    seed_sums,
    sha256_hex,
    write_text,
)

from archive.service.verify import verify_vault

Problems = list[dict[str, Any]]


@pytest.fixture(scope="module")
def pristine(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds ingested once per backend; every test tampers with its own copy."""
    vault = backend.make(tmp_path_factory.mktemp("pristine") / "vault")
    ok("ingest", *seed_files(), vault=vault)
    ok("verify", vault=vault)
    return vault


@pytest.fixture
def vault(backend: Backend, pristine: Path, tmp_path: Path) -> Path:
    return backend.copy_vault(pristine, tmp_path / "vault")


@pytest.fixture
def pg(backend: Backend) -> PostgresBackend:
    """The backend of a test about PostgreSQL's own form of a threat."""
    assert isinstance(backend, PostgresBackend)
    return backend


def ingest_rows(backend: Backend, vault: Path) -> list[Row]:
    return [r for r in backend.ledger_rows(vault) if r.kind == "ingest"]


def middle(backend: Backend, vault: Path) -> Row:
    """An ingest entry with entries before and after it."""
    rows = ingest_rows(backend, vault)
    return rows[len(rows) // 2]


def seed_id(index: int) -> str:
    return seed_sums()[seed_files()[index].name]


def verify_finds(vault: Path, *codes: str) -> Problems:
    """Both the CLI (exit 1, --json) and the library report at least these codes; the CLI's problems."""
    result = run("verify", "--json", vault=vault)
    assert result.code == 1, str(result)
    doc = result.json()
    assert doc["ok"] is False
    cli_codes = [p["code"] for p in doc["problems"]]
    report = verify_vault(vault)
    assert not report
    assert sorted(report.codes()) == sorted(cli_codes)
    for code in codes:
        assert code in cli_codes, str(result)
    problems: Problems = doc["problems"]
    return problems


def where(problems: Problems, code: str) -> list[dict[str, Any]]:
    return [p for p in problems if p["code"] == code]


def seqs(problems: Problems, code: str) -> set[int]:
    return {int(p["seq"]) for p in where(problems, code)}


def items(problems: Problems, code: str) -> set[str]:
    return {str(p["item"]) for p in where(problems, code)}


def test_untouched_copy_verifies(vault: Path) -> None:
    doc = ok("verify", "--json", vault=vault).json()
    assert (doc["problems"], doc["warnings"]) == ([], [])
    report = verify_vault(vault)
    assert (report.codes(), report.warning_codes()) == ([], [])


# ---- objects ----------------------------------------------------------------------------------


def test_flipped_byte_in_object(vault: Path) -> None:
    target = object_path(vault, seed_id(1))
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    make_writable(target)
    target.write_bytes(bytes(data))
    target.chmod(0o444)
    problems = verify_finds(vault, "OBJECT_HASH_MISMATCH")
    assert items(problems, "OBJECT_HASH_MISMATCH") == {seed_id(1)}
    assert {p["code"] for p in problems} == {"OBJECT_HASH_MISMATCH"}


def test_truncated_object(vault: Path) -> None:
    target = object_path(vault, seed_id(2))
    make_writable(target)
    with target.open("r+b") as f:
        f.truncate(target.stat().st_size // 2)
    problems = verify_finds(vault, "OBJECT_SIZE_MISMATCH")
    assert items(problems, "OBJECT_SIZE_MISMATCH") == {seed_id(2)}


def test_deleted_object(vault: Path) -> None:
    object_path(vault, seed_id(0)).unlink()
    problems = verify_finds(vault, "OBJECT_MISSING")
    assert items(problems, "OBJECT_MISSING") == {seed_id(0)}


def test_two_objects_swapped(vault: Path) -> None:
    first, second = object_path(vault, seed_id(0)), object_path(vault, seed_id(3))
    parked = first.with_name("parked")
    first.rename(parked)
    second.rename(first)
    parked.rename(second)
    problems = verify_finds(vault)
    flagged = items(problems, "OBJECT_SIZE_MISMATCH") | items(problems, "OBJECT_HASH_MISMATCH")
    assert flagged == {seed_id(0), seed_id(3)}


def test_unknown_extra_object(vault: Path) -> None:
    stray = b"bytes nobody ingested\n"
    digest = sha256_hex(stray)
    planted = object_path(vault, digest)
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_bytes(stray)
    oddly_named = vault / "objects" / "sha256" / seed_id(0)[:2] / "notes.txt"
    oddly_named.write_bytes(stray)
    problems = verify_finds(vault, "OBJECT_UNKNOWN")
    assert {Path(p["path"]).name for p in where(problems, "OBJECT_UNKNOWN")} == {digest, "notes.txt"}


@pytest.mark.skipif(is_root(), reason="root reads a chmod 000 file, so it cannot be made unreadable")
def test_unreadable_object(vault: Path) -> None:
    target = object_path(vault, seed_id(4))
    target.chmod(0)
    try:
        problems = verify_finds(vault, "OBJECT_UNREADABLE")
    finally:
        target.chmod(0o444)
    assert items(problems, "OBJECT_UNREADABLE") == {seed_id(4)}


def test_object_replaced_by_a_directory_is_unreadable(vault: Path) -> None:
    # Runs as root too: a directory where the object's file should be cannot be read as one.
    target = object_path(vault, seed_id(4))
    target.chmod(0o644)
    target.unlink()
    target.mkdir()
    problems = verify_finds(vault, "OBJECT_UNREADABLE")
    assert items(problems, "OBJECT_UNREADABLE") == {seed_id(4)}
    assert "directory" in where(problems, "OBJECT_UNREADABLE")[0]["message"].lower()


# ---- ledger entries ---------------------------------------------------------------------------


def test_edited_entry_keeping_its_stored_hash(backend: Backend, vault: Path) -> None:
    row = middle(backend, vault)
    backend.rewrite_entry(vault, row.seq, {"actor": "mallory"}, rehash=False)
    problems = verify_finds(vault, "ENTRY_HASH_MISMATCH", "CHAIN_BROKEN")
    assert seqs(problems, "ENTRY_HASH_MISMATCH") == {row.seq}
    assert row.seq + 1 in seqs(problems, "CHAIN_BROKEN")


def test_edited_entry_with_its_hash_recomputed(backend: Backend, vault: Path) -> None:
    row = middle(backend, vault)
    backend.rewrite_entry(vault, row.seq, {"actor": "mallory"}, rehash=True)
    problems = verify_finds(vault, "CHAIN_BROKEN")
    assert row.seq + 1 in seqs(problems, "CHAIN_BROKEN")
    assert not where(problems, "ENTRY_HASH_MISMATCH")


def test_deleted_middle_entry(backend: Backend, vault: Path) -> None:
    row = middle(backend, vault)
    with backend.database(vault) as conn:
        backend.drop_guards(conn)
        conn.execute("DELETE FROM ledger WHERE seq = ?", (row.seq,))
    problems = verify_finds(vault, "SEQ_GAP", "CHAIN_BROKEN")
    assert seqs(problems, "SEQ_GAP") == {row.seq + 1}
    assert row.seq + 1 in seqs(problems, "CHAIN_BROKEN")


def test_two_entries_swapped(backend: Backend, vault: Path) -> None:
    row = middle(backend, vault)
    with backend.database(vault) as conn:
        backend.drop_guards(conn)
        conn.execute("BEGIN")
        conn.execute("UPDATE ledger SET seq = -1 WHERE seq = ?", (row.seq,))
        conn.execute("UPDATE ledger SET seq = ? WHERE seq = ?", (row.seq, row.seq + 1))
        conn.execute("UPDATE ledger SET seq = ? WHERE seq = -1", (row.seq + 1,))
        conn.execute("COMMIT")
    problems = verify_finds(vault, "ENTRY_SEQ_MISMATCH")
    assert seqs(problems, "ENTRY_SEQ_MISMATCH") == {row.seq, row.seq + 1}
    assert row.seq in seqs(problems, "CHAIN_BROKEN")


def test_entry_inserted_in_the_middle(backend: Backend, vault: Path) -> None:
    rows = backend.ledger_rows(vault)
    at = middle(backend, vault).seq
    before = rows[at - 1]
    forged = canonical({**before.entry(), "seq": at, "prev": before.hash, "actor": "mallory"})
    with backend.database(vault) as conn:
        backend.drop_constraints(conn)
        conn.execute("BEGIN")
        conn.execute("UPDATE ledger SET seq = seq + 1 WHERE seq >= ?", (at,))
        conn.execute(
            "INSERT INTO ledger (seq, prev, hash, kind, data) VALUES (?, ?, ?, ?, ?)",
            (at, before.hash, entry_hash(forged), before.kind, forged),
        )
        conn.execute("COMMIT")
    problems = verify_finds(vault, "ENTRY_SEQ_MISMATCH", "CHAIN_BROKEN")
    assert seqs(problems, "ENTRY_SEQ_MISMATCH") == set(range(at + 1, len(rows) + 1))
    assert at + 1 in seqs(problems, "CHAIN_BROKEN")
    assert not where(problems, "SEQ_GAP")


def test_non_canonical_entry(backend: Backend, vault: Path) -> None:
    row = middle(backend, vault)
    spaced = json.dumps(row.entry(), sort_keys=True, separators=(", ", ": ")).encode("utf-8")
    assert spaced != row.data
    with backend.database(vault) as conn:
        backend.drop_guards(conn)
        backend.set_entry_data(conn, row.seq, spaced, rehash=True)
    problems = verify_finds(vault, "ENTRY_NOT_CANONICAL")
    assert seqs(problems, "ENTRY_NOT_CANONICAL") == {row.seq}
    assert not where(problems, "ENTRY_HASH_MISMATCH")


def test_back_dated_entry(backend: Backend, vault: Path) -> None:
    row = middle(backend, vault)
    # A thorough forger: the back-dated entry and every later one re-hashed and re-linked.
    backend.rechain_from(vault, row.seq, {"time": "2001-01-01T00:00:00.000000Z"})
    problems = verify_finds(vault, "TIME_REGRESSION")
    assert seqs(problems, "TIME_REGRESSION") == {row.seq}
    assert not where(problems, "CHAIN_BROKEN")
    assert not where(problems, "ENTRY_HASH_MISMATCH")


def test_malformed_entry(backend: Backend, vault: Path) -> None:
    row = middle(backend, vault)
    with backend.database(vault) as conn:
        backend.drop_guards(conn)
        backend.set_entry_data(conn, row.seq, b"this is not JSON", rehash=True)
    problems = verify_finds(vault, "ENTRY_MALFORMED")
    assert seqs(problems, "ENTRY_MALFORMED") == {row.seq}


def test_entry_breaking_a_ledger_rule(backend: Backend, vault: Path) -> None:
    rows = backend.ledger_rows(vault)
    last, again = rows[-1], ingest_rows(backend, vault)[0]
    duplicate = canonical({**again.entry(), "seq": last.seq + 1, "prev": last.hash, "time": last.entry()["time"]})
    with backend.database(vault) as conn:
        conn.execute(
            "INSERT INTO ledger (seq, prev, hash, kind, data) VALUES (?, ?, ?, ?, ?)",
            (last.seq + 1, last.hash, entry_hash(duplicate), "ingest", duplicate),
        )
    problems = verify_finds(vault, "ENTRY_INVALID")
    assert seqs(problems, "ENTRY_INVALID") == {last.seq + 1}


# ---- index ------------------------------------------------------------------------------------


def test_edited_index_row(backend: Backend, vault: Path) -> None:
    with backend.database(vault) as conn:
        conn.execute("UPDATE item SET name = 'forged.txt' WHERE id = ?", (seed_id(1),))
    problems = verify_finds(vault, "INDEX_MISMATCH")
    assert items(problems, "INDEX_MISMATCH") == {seed_id(1)}


def test_deleted_index_row(backend: Backend, vault: Path) -> None:
    with backend.database(vault) as conn:
        conn.execute("DELETE FROM item WHERE id = ?", (seed_id(2),))
    problems = verify_finds(vault, "INDEX_MISSING")
    assert items(problems, "INDEX_MISSING") == {seed_id(2)}


def test_extra_index_row(backend: Backend, vault: Path) -> None:
    fake = sha256_hex(b"an item the ledger never recorded")
    with backend.database(vault) as conn:
        cursor = conn.execute("SELECT * FROM item WHERE id = ?", (seed_id(3),))
        columns = [d[0] for d in cursor.description]
        values = list(cursor.fetchone())
        values[columns.index("id")] = fake
        marks = ", ".join("?" for _ in columns)
        conn.execute(f"INSERT INTO item ({', '.join(columns)}) VALUES ({marks})", values)
    problems = verify_finds(vault, "INDEX_EXTRA")
    assert items(problems, "INDEX_EXTRA") == {fake}


def test_a_ledger_that_does_not_open_with_its_key(backend: Backend, vault: Path) -> None:
    # The key entry's kind column and bytes relabelled (rehashed, re-chained): entry 0 is no key entry.
    backend.rechain_from(vault, 0, {"kind": "relate"})
    with backend.database(vault) as conn:
        conn.execute("UPDATE ledger SET kind = 'relate' WHERE seq = 0")
    problems = verify_finds(vault, "KEY_INVALID")
    assert 0 in seqs(problems, "KEY_INVALID")


def test_a_kind_column_that_lies_about_its_entry(backend: Backend, vault: Path) -> None:
    with backend.database(vault) as conn:
        backend.drop_guards(conn)
        conn.execute("UPDATE ledger SET kind = 'ingest' WHERE seq = 0")
    problems = verify_finds(vault, "ENTRY_COLUMN_MISMATCH")
    assert seqs(problems, "ENTRY_COLUMN_MISMATCH") == {0}


# ---- the vault as a whole ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "marker",
    [
        None,
        b"{not json",
        b'{"format": "something-else", "version": 1}',
        b'{"format": "archive-vault"}',
        b'{"format":"archive-vault","hash":"md5","origin":"example.org/x","version":1}\n',
    ],
    ids=["missing", "garbled", "foreign", "no-version", "another-hash"],
)
def test_bad_vault_marker(vault: Path, marker: bytes | None) -> None:
    if marker is None:
        (vault / "VAULT.json").unlink()
    else:
        (vault / "VAULT.json").write_bytes(marker)
    verify_finds(vault, "VAULT_FORMAT")


@pytest.mark.sqlite_only
def test_garbage_database(vault: Path) -> None:
    for leftover in ("ledger.sqlite-wal", "ledger.sqlite-shm"):
        (vault / leftover).unlink(missing_ok=True)
    (vault / "ledger.sqlite").write_bytes(random.Random(7).randbytes(16384))
    problems = verify_finds(vault, "DATABASE_UNREADABLE")
    assert {p["code"] for p in problems} == {"DATABASE_UNREADABLE"}


@pytest.mark.pg_only
def test_a_dropped_database_is_unreadable(pg: PostgresBackend, vault: Path) -> None:
    pg.drop_database(vault)
    problems = verify_finds(vault, "DATABASE_UNREADABLE")
    assert {p["code"] for p in problems} == {"DATABASE_UNREADABLE"}


@pytest.mark.pg_only
def test_an_unreachable_server_is_unreadable_and_said_in_one_line(pg: PostgresBackend, vault: Path) -> None:
    import socket

    with socket.socket() as closed:  # a port that was free a moment ago: nothing listens there
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    marker = json.loads((vault / "VAULT.json").read_text("utf-8"))
    marker["ledger"]["dsn"] = marker["ledger"]["dsn"].replace(f":{pg.server.port}/", f":{port}/")
    (vault / "VAULT.json").chmod(0o644)
    (vault / "VAULT.json").write_bytes(canonical(marker) + b"\n")
    problems = verify_finds(vault, "DATABASE_UNREADABLE")
    assert {p["code"] for p in problems} == {"DATABASE_UNREADABLE"}
    for command in (["list"], ["log"], ["show", seed_id(0)]):
        assert_one_error_line(run(*command, vault=vault), 3)


def test_every_problem_is_reported_at_once(backend: Backend, vault: Path) -> None:
    object_path(vault, seed_id(0)).unlink()
    with backend.database(vault) as conn:
        conn.execute("UPDATE item SET size = size + 1 WHERE id = ?", (seed_id(4),))
    row = middle(backend, vault)
    backend.rewrite_entry(vault, row.seq, {"actor": "mallory"}, rehash=False)
    problems = verify_finds(vault, "OBJECT_MISSING", "INDEX_MISMATCH", "ENTRY_HASH_MISMATCH")
    assert items(problems, "OBJECT_MISSING") == {seed_id(0)}
    assert seed_id(4) in items(problems, "INDEX_MISMATCH")


# ---- the database's own guards ----------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    ["UPDATE ledger SET kind = 'forged' WHERE seq = 1", "DELETE FROM ledger WHERE seq = 1"],
    ids=["update", "delete"],
)
def test_triggers_refuse_changes_to_the_ledger(backend: Backend, vault: Path, statement: str) -> None:
    before = backend.ledger_rows(vault)
    with backend.database(vault) as conn, pytest.raises(backend.refused):
        conn.execute(statement)
    assert backend.ledger_rows(vault) == before
    ok("verify", vault=vault)


@pytest.mark.parametrize("clash", ["prev", "hash", "seq"])
def test_unique_constraints_refuse_a_fork(backend: Backend, vault: Path, clash: str) -> None:
    before = backend.ledger_rows(vault)
    victim = before[1]
    data = canonical({**victim.entry(), "actor": "mallory"})
    fresh = {"seq": before[-1].seq + 1, "prev": sha256_hex(b"nowhere"), "hash": entry_hash(data)}
    fresh[clash] = getattr(victim, clash)
    with backend.database(vault) as conn, pytest.raises(backend.integrity):
        conn.execute(
            "INSERT INTO ledger (seq, prev, hash, kind, data) VALUES (?, ?, ?, ?, ?)",
            (fresh["seq"], fresh["prev"], fresh["hash"], victim.kind, data),
        )
    assert backend.ledger_rows(vault) == before


def test_tampered_vault_still_reads_for_evidence(vault: Path) -> None:
    """Tampering is reported, not hidden: listing still works and shows what the index says."""
    os.chmod(object_path(vault, seed_id(0)), 0o644)
    object_path(vault, seed_id(0)).write_bytes(b"replaced\n")
    verify_finds(vault, "OBJECT_SIZE_MISMATCH")
    assert {i["id"] for i in ok("list", "--json", vault=vault).json()} == set(seed_sums().values())


def test_object_replaced_by_a_symlink_to_the_same_bytes_is_unreadable(vault: Path, tmp_path: Path) -> None:
    # The bytes still hash right, but they are no longer in the vault: the link's target can change.
    target = object_path(vault, seed_id(3))
    outside = tmp_path / "elsewhere"
    outside.write_bytes(target.read_bytes())
    target.chmod(0o644)
    target.unlink()
    target.symlink_to(outside)
    problems = verify_finds(vault, "OBJECT_UNREADABLE")
    assert items(problems, "OBJECT_UNREADABLE") == {seed_id(3)}
    assert "symbolic link" in where(problems, "OBJECT_UNREADABLE")[0]["message"]


# ---- checkpoints deleted ----------------------------------------------------------------------


def grown(backend: Backend, vault: Path) -> list[int]:
    """One more write (an amendment), so the vault holds at least three checkpoints; their sizes."""
    ok("amend", seed_id(0), "--set", "outlet=Example Outlet", "--reason", "seen on the page", vault=vault)
    sizes = checkpoint_sizes(backend, vault)
    assert len(sizes) >= 3
    return sizes


def checkpoint_sizes(backend: Backend, vault: Path) -> list[int]:
    with backend.database(vault) as conn:
        return [int(s) for (s,) in conn.execute("SELECT size FROM checkpoint ORDER BY size")]


def delete_checkpoint(backend: Backend, vault: Path, size: int) -> None:
    with backend.database(vault) as conn:
        backend.drop_trigger(conn, "checkpoint_no_delete")
        conn.execute("DELETE FROM checkpoint WHERE size = ?", (size,))


@pytest.mark.parametrize("which", [0, 1], ids=["first", "middle"])
def test_a_deleted_historical_checkpoint_is_a_gap(backend: Backend, vault: Path, which: int) -> None:
    sizes = grown(backend, vault)
    delete_checkpoint(backend, vault, sizes[which])
    problems = verify_finds(vault, "CHECKPOINT_GAP")
    assert {p["code"] for p in problems} == {"CHECKPOINT_GAP"}
    assert str(sizes[which]) in where(problems, "CHECKPOINT_GAP")[0]["message"]


def test_a_deleted_latest_checkpoint_is_missing(backend: Backend, vault: Path) -> None:
    sizes = grown(backend, vault)
    delete_checkpoint(backend, vault, sizes[-1])
    problems = verify_finds(vault, "CHECKPOINT_MISSING")
    assert {p["code"] for p in problems} == {"CHECKPOINT_MISSING"}


def test_every_checkpoint_names_the_one_issued_before_it(backend: Backend, vault: Path) -> None:
    from archive.core.checkpoint import FIRST, Checkpoint

    sizes = grown(backend, vault)
    with backend.database(vault) as conn:
        notes = [str(n) for (n,) in conn.execute("SELECT note FROM checkpoint ORDER BY size")]
    named = [Checkpoint.parse(note.split("\n\n", 1)[0] + "\n").previous() for note in notes]
    assert named == [FIRST, *sizes[:-1]]


def resign_without_previous(backend: Backend, vault: Path) -> None:
    """Checkpoints as an archive wrote them before the `previous` line existed (same key)."""
    from archive.core.checkpoint import Checkpoint, sign_checkpoint
    from archive.storage.keystore import load_signer

    origin = json.loads((vault / "VAULT.json").read_text("utf-8"))["origin"]
    signer = load_signer(vault, origin, None)
    with backend.database(vault) as conn, backend.without_trigger(conn, "checkpoint_no_update"):
        for size, note in conn.execute("SELECT size, note FROM checkpoint").fetchall():
            old = Checkpoint.parse(str(note).split("\n\n", 1)[0] + "\n")
            plain = sign_checkpoint(Checkpoint(old.origin, old.size, old.root), signer)
            conn.execute("UPDATE checkpoint SET note = ? WHERE size = ?", (plain, size))


def test_checkpoints_written_before_the_previous_line_are_accepted(backend: Backend, vault: Path) -> None:
    sizes = grown(backend, vault)
    resign_without_previous(backend, vault)
    doc = ok("verify", "--json", vault=vault).json()
    assert (doc["problems"], doc["warnings"]) == ([], [])
    # The next write names the last old checkpoint; deleting that one is then a gap.
    ok("amend", seed_id(1), "--set", "outlet=Another", "--reason", "r", vault=vault)
    delete_checkpoint(backend, vault, sizes[-1])
    assert {p["code"] for p in verify_finds(vault, "CHECKPOINT_GAP")} == {"CHECKPOINT_GAP"}


def test_a_checkpoint_row_whose_size_column_differs_from_its_note(backend: Backend, vault: Path) -> None:
    sizes = grown(backend, vault)
    with backend.database(vault) as conn:
        backend.drop_trigger(conn, "checkpoint_no_update")
        conn.execute("UPDATE checkpoint SET size = ? WHERE size = ?", (sizes[1] - 1, sizes[1]))
    verify_finds(vault, "CHECKPOINT_INVALID")


# ---- the signing key file ---------------------------------------------------------------------


def key_file(vault: Path) -> Path:
    return vault / "keys" / "signing.key"


def verify_warns(vault: Path, *codes: str) -> Problems:
    """verify passes (exit 0, no problems) and warns with at least these codes, in JSON and text."""
    doc = ok("verify", "--json", vault=vault).json()
    assert doc["ok"] is True and doc["problems"] == [], doc
    found = [w["code"] for w in doc["warnings"]]
    report = verify_vault(vault)
    assert report and sorted(report.warning_codes()) == sorted(found)
    text = ok("verify", vault=vault)
    for code in codes:
        assert code in found, doc
        assert f"warning: {code}" in text.err, str(text)
    warnings: Problems = doc["warnings"]
    return warnings


def replace_key(vault: Path, passphrase: bytes | None = None, key: Any = None) -> None:
    from archive.storage.keyfile import generate_key, save_private_key

    key_file(vault).unlink()
    save_private_key(key_file(vault), key if key is not None else generate_key(), passphrase)


def test_a_replaced_signing_key_is_a_problem(vault: Path) -> None:
    replace_key(vault)
    problems = verify_finds(vault, "KEY_FILE_MISMATCH")
    assert {p["code"] for p in problems} == {"KEY_FILE_MISMATCH"}
    result = run("amend", seed_id(0), "--set", "outlet=X", "--reason", "r", vault=vault)
    assert result.code != 0  # the writer refuses to sign with it too


def test_a_replaced_key_is_found_even_when_encrypted(vault: Path) -> None:
    replace_key(vault, passphrase=b"correct horse")
    assert {p["code"] for p in verify_finds(vault, "KEY_FILE_MISMATCH")} == {"KEY_FILE_MISMATCH"}


def test_the_right_key_encrypted_verifies_without_its_passphrase(vault: Path) -> None:
    from archive.storage.keyfile import load_private_key

    replace_key(vault, passphrase=b"correct horse", key=load_private_key(key_file(vault), None))
    doc = ok("verify", "--json", vault=vault).json()
    assert (doc["problems"], doc["warnings"]) == ([], [])


@pytest.mark.parametrize("damage", ["garbage", "empty", "truncated", "directory", "huge"])
def test_a_damaged_signing_key_file_is_a_problem(vault: Path, damage: str) -> None:
    path = key_file(vault)
    data = path.read_bytes()
    path.unlink()
    if damage == "directory":
        path.mkdir()
    else:
        content = {
            "garbage": b"not a key\n",
            "empty": b"",
            "truncated": data[: len(data) // 2],
            "huge": b"A" * (1 << 17),
        }
        path.write_bytes(content[damage])
        path.chmod(0o600)
    problems = verify_finds(vault, "KEY_FILE_UNREADABLE")
    assert {p["code"] for p in problems} == {"KEY_FILE_UNREADABLE"}


def test_a_vault_without_its_key_verifies_with_a_warning(vault: Path) -> None:
    key_file(vault).unlink()
    warnings = verify_warns(vault, "KEY_FILE_MISSING")
    assert [w["code"] for w in warnings] == ["KEY_FILE_MISSING"]


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o666])
def test_a_key_file_others_can_read_is_a_warning(vault: Path, mode: int) -> None:
    key_file(vault).chmod(mode)
    warnings = verify_warns(vault, "KEY_FILE_MODE")
    assert [w["code"] for w in warnings] == ["KEY_FILE_MODE"]


def test_a_rotated_key_verifies_and_an_unfinished_rotation_is_a_warning(vault: Path) -> None:
    keys = vault / "keys"
    old = (keys / "signing.key").read_bytes()  # the rotation destroys it: keep a copy to put back
    ok("key", "rotate", vault=vault)
    doc = ok("verify", "--json", vault=vault).json()
    assert (doc["problems"], doc["warnings"]) == ([], [])
    # As if the writer died between committing the rotation and swapping the key files.
    (keys / "signing.key").rename(keys / "signing.key.next")
    (keys / "signing.key").write_bytes(old)
    (keys / "signing.key").chmod(0o600)
    assert [w["code"] for w in verify_warns(vault, "KEY_ROTATION_UNFINISHED")] == ["KEY_ROTATION_UNFINISHED"]
    # The next write finishes the rotation (regression: it failed, a read nested in its transaction).
    ok("ingest", write_text(vault.parent / "after.txt", article("after the rotation")), vault=vault)
    doc = ok("verify", "--json", vault=vault).json()
    assert (doc["problems"], doc["warnings"]) == ([], [])
    assert sorted(p.name for p in keys.iterdir()) == ["signing.key"]


def test_the_old_key_back_in_place_after_a_rotation_is_a_mismatch(vault: Path) -> None:
    keys = vault / "keys"
    old = (keys / "signing.key").read_bytes()
    ok("key", "rotate", vault=vault)
    (keys / "signing.key").write_bytes(old)
    assert {p["code"] for p in verify_finds(vault, "KEY_FILE_MISMATCH")} == {"KEY_FILE_MISMATCH"}


def test_verify_never_shows_the_key(backend: Backend, vault: Path) -> None:
    body = [line for line in key_file(vault).read_text("ascii").splitlines() if "PRIVATE KEY" not in line]
    key_file(vault).chmod(0o644)
    with backend.database(vault) as conn:
        backend.drop_trigger(conn, "ledger_no_update")
    for args in (("verify",), ("verify", "--json")):
        result = run(*args, vault=vault)
        assert not any(line in result.out + result.err for line in body)


# ---- hardening lost: warnings, never problems -------------------------------------------------


@pytest.mark.parametrize("mode", [0o644, 0o666, 0o744, 0o446])
def test_a_writable_object_is_a_warning(vault: Path, mode: int) -> None:
    target = object_path(vault, seed_id(2))
    target.chmod(mode)
    warnings = verify_warns(vault, "OBJECT_WRITABLE")
    assert [w["path"] for w in warnings] == [str(target)]


@pytest.mark.parametrize(
    "trigger", ["ledger_no_update", "ledger_no_delete", "checkpoint_no_update", "checkpoint_no_delete"]
)
def test_a_dropped_trigger_is_a_warning(backend: Backend, vault: Path, trigger: str) -> None:
    with backend.database(vault) as conn:
        backend.drop_trigger(conn, trigger)
    warnings = verify_warns(vault, "GUARD_MISSING")
    assert [w["code"] for w in warnings] == ["GUARD_MISSING"]
    assert trigger in warnings[0]["message"]


@pytest.mark.pg_only
@pytest.mark.parametrize(
    "trigger", ["ledger_no_update", "ledger_no_truncate", "record_no_delete", "timestamp_no_update"]
)
def test_a_disabled_trigger_is_a_warning(pg: PostgresBackend, vault: Path, trigger: str) -> None:
    with pg.database(vault) as conn:
        pg.disable_trigger(conn, trigger)
    warnings = verify_warns(vault, "GUARD_MISSING")
    assert [w["code"] for w in warnings] == ["GUARD_MISSING"]
    assert trigger in warnings[0]["message"]


@pytest.mark.pg_only
def test_a_row_the_superuser_deleted_with_the_triggers_off_breaks_the_chain(pg: PostgresBackend, vault: Path) -> None:
    row = middle(pg, vault)
    with pg.database(vault) as conn:
        conn.execute("ALTER TABLE ledger DISABLE TRIGGER ALL")
        conn.execute("DELETE FROM ledger WHERE seq = ?", (row.seq,))
    problems = verify_finds(vault, "SEQ_GAP", "CHAIN_BROKEN")
    assert seqs(problems, "SEQ_GAP") == {row.seq + 1}
    assert row.seq + 1 in seqs(problems, "CHAIN_BROKEN")
    warned = verify_vault(vault).warnings
    assert {w.message.split()[2] for w in warned} >= {"ledger_no_update", "ledger_no_delete", "ledger_no_truncate"}


@pytest.mark.parametrize(
    "body",
    [
        "BEFORE UPDATE ON ledger BEGIN SELECT 1; END",
        "BEFORE UPDATE ON ledger WHEN 0 BEGIN SELECT RAISE(ABORT, 'x'); END",
    ],
    ids=["no-op", "never-fires"],
)
@pytest.mark.sqlite_only
def test_a_trigger_replaced_by_one_that_does_not_guard_is_a_warning(backend: Backend, vault: Path, body: str) -> None:
    with backend.database(vault) as conn:
        conn.execute("DROP TRIGGER ledger_no_update")
        conn.execute(f"CREATE TRIGGER ledger_no_update {body}")
    assert [w["code"] for w in verify_warns(vault, "GUARD_MISSING")] == ["GUARD_MISSING"]


@pytest.mark.pg_only
@pytest.mark.parametrize(
    "replacement",
    [
        "CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger FOR EACH STATEMENT EXECUTE FUNCTION archive_allow()",
        "CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger FOR EACH ROW WHEN (false) "
        "EXECUTE FUNCTION archive_refuse()",
        "CREATE TRIGGER ledger_no_update BEFORE UPDATE OF kind ON ledger FOR EACH STATEMENT "
        "EXECUTE FUNCTION archive_refuse()",
        "CREATE TRIGGER ledger_no_update AFTER UPDATE ON ledger FOR EACH STATEMENT EXECUTE FUNCTION archive_refuse()",
    ],
    ids=["no-op", "never-fires", "one-column", "after"],
)
def test_a_postgresql_trigger_replaced_by_one_that_does_not_guard_is_a_warning(
    pg: PostgresBackend, vault: Path, replacement: str
) -> None:
    with pg.database(vault) as conn:
        conn.execute("CREATE FUNCTION archive_allow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$")
        conn.execute("DROP TRIGGER ledger_no_update ON ledger")
        conn.execute(replacement)
    assert [w["code"] for w in verify_warns(vault, "GUARD_MISSING")] == ["GUARD_MISSING"]


@pytest.mark.pg_only
def test_the_refusing_function_replaced_is_every_guard_missing(pg: PostgresBackend, vault: Path) -> None:
    from archive.storage.postgres import GUARDS

    with pg.database(vault) as conn:
        conn.execute(
            "CREATE OR REPLACE FUNCTION archive_refuse() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN RETURN NULL; END $$"
        )
    warnings = verify_warns(vault, "GUARD_MISSING")
    assert len(warnings) == len(GUARDS) and {w["code"] for w in warnings} == {"GUARD_MISSING"}


@pytest.mark.parametrize("directory", ["objects", "objects/sha256", "keys", "."])
def test_a_vault_directory_others_can_write_is_a_warning(vault: Path, directory: str) -> None:
    (vault / directory).chmod(0o777)
    warnings = verify_warns(vault, "DIRECTORY_WRITABLE")
    assert [Path(w["path"]) for w in warnings] == [vault / directory if directory != "." else vault]


def test_hardening_lost_everywhere_is_still_exit_0(backend: Backend, vault: Path) -> None:
    object_path(vault, seed_id(0)).chmod(0o666)
    key_file(vault).chmod(0o644)
    (vault / "objects").chmod(0o777)
    with backend.database(vault) as conn:
        backend.drop_guards(conn)
    warnings = verify_warns(vault, "OBJECT_WRITABLE", "KEY_FILE_MODE", "DIRECTORY_WRITABLE", "GUARD_MISSING")
    assert len(warnings) == 5


# ---- times from the future ---------------------------------------------------------------------


@pytest.mark.sqlite_only  # the forger rebuilds a SQLite ledger; the test below is the form on every backend
def test_an_entry_dated_in_the_future_is_a_problem_and_the_writer_names_the_remedy(
    backend: Backend, vault: Path
) -> None:
    import forger

    forger.forge(vault, forger.future_entry)
    problems = verify_finds(vault, "ENTRY_FROM_FUTURE")
    assert {p["code"] for p in problems} == {"ENTRY_FROM_FUTURE"}
    assert seqs(problems, "ENTRY_FROM_FUTURE") == {backend.ledger_rows(vault)[-1].seq}
    refused = run("amend", seed_id(0), "--set", "outlet=X", "--reason", "r", vault=vault)
    assert refused.code == 3, str(refused)
    assert "check the system clock" in refused.err and "archive verify" in refused.err


def test_an_entry_written_by_a_clock_running_ahead_is_a_problem_and_the_writer_names_the_remedy(
    backend: Backend, vault: Path
) -> None:
    from datetime import UTC, datetime

    from lib import open_archive

    ahead = open_archive(vault, clock=lambda: datetime(9999, 1, 1, tzinfo=UTC))
    try:
        ahead.amend(seed_id(1), {"outlet": ["Tomorrow"]}, [], "written by a machine whose clock runs ahead")
    finally:
        ahead.close()
    problems = verify_finds(vault, "ENTRY_FROM_FUTURE")
    assert {p["code"] for p in problems} == {"ENTRY_FROM_FUTURE"}
    assert seqs(problems, "ENTRY_FROM_FUTURE") == {backend.ledger_rows(vault)[-1].seq}
    refused = run("amend", seed_id(0), "--set", "outlet=X", "--reason", "r", vault=vault)
    assert refused.code == 3, str(refused)
    assert "check the system clock" in refused.err and "archive verify" in refused.err


def test_entries_within_the_tolerance_pass_and_beyond_it_fail(backend: Backend, vault: Path) -> None:
    from datetime import UTC, datetime, timedelta

    last = datetime.strptime(backend.ledger_rows(vault)[-1].entry()["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=UTC
    )
    assert verify_vault(vault, now=last - timedelta(minutes=4, seconds=59))
    late = verify_vault(vault, now=last - timedelta(minutes=5, seconds=1))
    assert set(late.codes()) == {"ENTRY_FROM_FUTURE"}


# ---- every column of every table, with every SQLite storage class -------------------------------

COLUMNS = {
    "ledger": ["seq", "prev", "hash", "kind", "data"],
    "node": ["level", "idx", "hash"],
    "checkpoint": ["size", "note"],
    "item": ["id", "size", "media_type", "name", "ingest_seq", "last_seq", "ingested_at", "state"],
}
BLOB_COLUMNS = {("ledger", "data"), ("node", "hash"), ("item", "state")}
INTEGER_COLUMNS = {("ledger", "seq"), ("node", "level"), ("node", "idx"), ("checkpoint", "size")}
INTEGER_COLUMNS |= {("item", c) for c in ("size", "ingest_seq", "last_seq")}
VALUES: dict[str, Any] = {"text": "x", "integer": 5, "real": 1.5, "null": None, "blob": b"\x00\x01"}


def loosen(conn: sqlite3.Connection, table: str) -> None:
    """The table rebuilt without its constraints (NOT NULL, keys) or triggers, as an attacker can."""
    for trigger in ("ledger_no_update", "ledger_no_delete", "checkpoint_no_update", "checkpoint_no_delete"):
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.execute(f"CREATE TABLE loose AS SELECT * FROM {table}")
    conn.execute(f"DROP TABLE {table}")
    conn.execute(f"ALTER TABLE loose RENAME TO {table}")


@pytest.mark.sqlite_only  # SQLite's storage classes; the PostgreSQL form changes a column's type
@pytest.mark.parametrize("kind", sorted(VALUES))
@pytest.mark.parametrize("column", [f"{t}.{c}" for t, cs in COLUMNS.items() for c in cs])
def test_any_value_in_any_column_is_reported_never_a_crash(
    backend: Backend, vault: Path, column: str, kind: str
) -> None:
    table, name = column.split(".")
    with backend.database(vault) as conn:
        loosen(conn, table)
        victim = f"(SELECT rowid FROM {table} ORDER BY rowid LIMIT 1 OFFSET 1)"
        conn.execute(f"UPDATE {table} SET {name} = ? WHERE rowid = {victim}", (VALUES[kind],))
        stored = conn.execute(f"SELECT typeof({name}) FROM {table} WHERE rowid = {victim}").fetchone()[0]
    result = run("verify", "--json", vault=vault)
    assert result.code == 1, str(result)
    assert "internal error" not in result.err and "Traceback" not in result.err
    codes = {p["code"] for p in result.json()["problems"]}
    own = "blob" if (table, name) in BLOB_COLUMNS else "integer" if (table, name) in INTEGER_COLUMNS else "text"
    assert ("COLUMN_TYPE_MISMATCH" in codes) == (stored != own), (stored, codes)


# PostgreSQL keeps every value to its column's type, but its superuser can change the type (or drop a
# NOT NULL): each column of each table changed so, with the values converted, or one value made NULL.
PG_OTHER_TYPE = {
    "blob": "text USING encode({c}, 'hex')",
    "integer": "text USING {c}::text",
    "text": "bytea USING convert_to({c}, 'UTF8')",
}


@pytest.mark.pg_only
@pytest.mark.parametrize("change", ["type", "null"])
@pytest.mark.parametrize("column", [f"{t}.{c}" for t, cs in COLUMNS.items() for c in cs])
def test_a_column_of_another_type_or_a_null_is_reported_never_a_crash(
    pg: PostgresBackend, vault: Path, column: str, change: str
) -> None:
    table, name = column.split(".")
    own = "blob" if (table, name) in BLOB_COLUMNS else "integer" if (table, name) in INTEGER_COLUMNS else "text"
    with pg.database(vault) as conn:
        conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        if change == "type":
            conn.execute(f"ALTER TABLE {table} ALTER COLUMN {name} TYPE {PG_OTHER_TYPE[own].format(c=name)}")
        else:
            conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_pkey")
            conn.execute(f"ALTER TABLE {table} ALTER COLUMN {name} DROP NOT NULL")
            conn.execute(f"UPDATE {table} SET {name} = NULL WHERE ctid = (SELECT ctid FROM {table} LIMIT 1 OFFSET 1)")
    result = run("verify", "--json", vault=vault)
    assert result.code == 1, str(result)
    assert "internal error" not in result.err and "Traceback" not in result.err
    assert "COLUMN_TYPE_MISMATCH" in {p["code"] for p in result.json()["problems"]}, str(result)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("value", ["", 5], ids=["text", "integer"])
def test_entry_bytes_overwritten_with_another_type(backend: Backend, vault: Path, value: Any) -> None:
    with backend.database(vault) as conn:
        backend.drop_guards(conn)
        conn.execute("UPDATE ledger SET data = ? WHERE seq = 5", (value,))
    problems = verify_finds(vault, "COLUMN_TYPE_MISMATCH", "ENTRY_MALFORMED")
    assert seqs(problems, "ENTRY_MALFORMED") == {5}


def test_every_warning_code_is_documented() -> None:
    """docs/format.md §17.1 lists the warning codes in the code's order, and a step says when each is given."""
    from archive.core.problems import WARNINGS

    doc = (Path(__file__).resolve().parent.parent / "docs" / "format.md").read_text("utf-8")
    lines = doc.split("<!-- table: warnings -->\n", 1)[1].splitlines()[2:]
    rows = [line.split("|")[1].strip().strip("`") for line in itertools.takewhile(lambda x: x.startswith("|"), lines)]
    assert rows == list(WARNINGS)
    for code in WARNINGS:
        assert doc.count(f"`{code}`") >= 2, f"{code} is in the table but no step says when it is given"


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE item SET size = 'x'",
        "UPDATE item SET state = 5",
        "UPDATE item SET ingest_seq = 'a'",
        "UPDATE item SET last_seq = 2.5",
        "UPDATE item SET id = x'00' WHERE rowid = 1",
        "UPDATE item SET ingested_at = x'00'",
    ],
)
def test_reads_of_a_damaged_index_row_say_so_in_one_line(
    backend: Backend, vault: Path, statement: str, tmp_path: Path
) -> None:
    with backend.database(vault) as conn:
        conn.execute(statement)
    _index_reads_say_damaged(vault, statement, tmp_path)


def _index_reads_say_damaged(vault: Path, statement: str, tmp_path: Path) -> None:
    """Commands that read index rows say in one line that the index is damaged; `show` reads only the
    item's state, so only a damaged state stops it, and nothing crashes."""
    for args in (("list",), ("list", "--json"), ("manifest", "--all", "-o", tmp_path / "m.json")):
        result = run(*args, vault=vault)
        assert_one_error_line(result, 3)
        assert "damaged; run `archive verify`" in result.err
    for item in seed_sums().values():  # show reads the item's state alone: only a damaged state stops it
        result = run("show", item, vault=vault)
        if "state" in statement:
            assert_one_error_line(result, 3)
        else:
            assert "internal error" not in result.err and "Traceback" not in result.err, str(result)


@pytest.mark.pg_only
@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE item ALTER COLUMN size TYPE text",
        "ALTER TABLE item ALTER COLUMN state TYPE bigint USING 5",
        "ALTER TABLE item ALTER COLUMN ingest_seq TYPE text",
        "ALTER TABLE item ALTER COLUMN last_seq TYPE double precision",
        "ALTER TABLE item ALTER COLUMN id TYPE bytea USING convert_to(id, 'UTF8')",
        "ALTER TABLE item ALTER COLUMN ingested_at TYPE bytea USING convert_to(ingested_at, 'UTF8')",
    ],
    ids=["size", "state", "ingest_seq", "last_seq", "id", "ingested_at"],
)
def test_reads_of_an_index_column_of_another_type_say_so_in_one_line(
    pg: PostgresBackend, vault: Path, statement: str, tmp_path: Path
) -> None:
    with pg.database(vault) as conn:
        conn.execute(statement)
    _index_reads_say_damaged(vault, statement, tmp_path)
