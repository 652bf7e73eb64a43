"""Tampering with a vault on disk and in SQLite: `verify` names every change by its problem code."""

from __future__ import annotations

import json
import os
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    Row,
    canonical,
    copy_vault,
    database,
    drop_constraints,
    drop_guards,
    entry_hash,
    is_root,
    ledger_rows,
    make_writable,
    object_path,
    ok,
    rechain_from,
    rewrite_entry,
    run,
    seed_files,
    seed_sums,
    set_entry_data,
    sha256_hex,
)

from archive.service.verify import verify_vault

Problems = list[dict[str, Any]]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds ingested once; every test tampers with its own copy."""
    vault = tmp_path_factory.mktemp("pristine") / "vault"
    ok("ingest", *seed_files(), vault=vault)
    ok("verify", vault=vault)
    return vault


@pytest.fixture
def vault(pristine: Path, tmp_path: Path) -> Path:
    return copy_vault(pristine, tmp_path / "vault")


def ingest_rows(vault: Path) -> list[Row]:
    return [r for r in ledger_rows(vault) if r.kind == "ingest"]


def middle(vault: Path) -> Row:
    """An ingest entry with entries before and after it."""
    rows = ingest_rows(vault)
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
    assert ok("verify", "--json", vault=vault).json()["problems"] == []
    assert verify_vault(vault).codes() == []


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


def test_edited_entry_keeping_its_stored_hash(vault: Path) -> None:
    row = middle(vault)
    rewrite_entry(vault, row.seq, {"actor": "mallory"}, rehash=False)
    problems = verify_finds(vault, "ENTRY_HASH_MISMATCH", "CHAIN_BROKEN")
    assert seqs(problems, "ENTRY_HASH_MISMATCH") == {row.seq}
    assert row.seq + 1 in seqs(problems, "CHAIN_BROKEN")


def test_edited_entry_with_its_hash_recomputed(vault: Path) -> None:
    row = middle(vault)
    rewrite_entry(vault, row.seq, {"actor": "mallory"}, rehash=True)
    problems = verify_finds(vault, "CHAIN_BROKEN")
    assert row.seq + 1 in seqs(problems, "CHAIN_BROKEN")
    assert not where(problems, "ENTRY_HASH_MISMATCH")


def test_deleted_middle_entry(vault: Path) -> None:
    row = middle(vault)
    with database(vault) as conn:
        drop_guards(conn)
        conn.execute("DELETE FROM ledger WHERE seq = ?", (row.seq,))
    problems = verify_finds(vault, "SEQ_GAP", "CHAIN_BROKEN")
    assert seqs(problems, "SEQ_GAP") == {row.seq + 1}
    assert row.seq + 1 in seqs(problems, "CHAIN_BROKEN")


def test_two_entries_swapped(vault: Path) -> None:
    row = middle(vault)
    with database(vault) as conn:
        drop_guards(conn)
        conn.execute("BEGIN")
        conn.execute("UPDATE ledger SET seq = -1 WHERE seq = ?", (row.seq,))
        conn.execute("UPDATE ledger SET seq = ? WHERE seq = ?", (row.seq, row.seq + 1))
        conn.execute("UPDATE ledger SET seq = ? WHERE seq = -1", (row.seq + 1,))
        conn.execute("COMMIT")
    problems = verify_finds(vault, "ENTRY_SEQ_MISMATCH")
    assert seqs(problems, "ENTRY_SEQ_MISMATCH") == {row.seq, row.seq + 1}
    assert row.seq in seqs(problems, "CHAIN_BROKEN")


def test_entry_inserted_in_the_middle(vault: Path) -> None:
    rows = ledger_rows(vault)
    at = middle(vault).seq
    before = rows[at - 1]
    forged = canonical({**before.entry(), "seq": at, "prev": before.hash, "actor": "mallory"})
    with database(vault) as conn:
        drop_constraints(conn)
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


def test_non_canonical_entry(vault: Path) -> None:
    row = middle(vault)
    spaced = json.dumps(row.entry(), sort_keys=True, separators=(", ", ": ")).encode("utf-8")
    assert spaced != row.data
    with database(vault) as conn:
        drop_guards(conn)
        set_entry_data(conn, row.seq, spaced, rehash=True)
    problems = verify_finds(vault, "ENTRY_NOT_CANONICAL")
    assert seqs(problems, "ENTRY_NOT_CANONICAL") == {row.seq}
    assert not where(problems, "ENTRY_HASH_MISMATCH")


def test_back_dated_entry(vault: Path) -> None:
    row = middle(vault)
    # A thorough forger: the back-dated entry and every later one re-hashed and re-linked.
    rechain_from(vault, row.seq, {"time": "2001-01-01T00:00:00.000000Z"})
    problems = verify_finds(vault, "TIME_REGRESSION")
    assert seqs(problems, "TIME_REGRESSION") == {row.seq}
    assert not where(problems, "CHAIN_BROKEN")
    assert not where(problems, "ENTRY_HASH_MISMATCH")


def test_malformed_entry(vault: Path) -> None:
    row = middle(vault)
    with database(vault) as conn:
        drop_guards(conn)
        set_entry_data(conn, row.seq, b"this is not JSON", rehash=True)
    problems = verify_finds(vault, "ENTRY_MALFORMED")
    assert seqs(problems, "ENTRY_MALFORMED") == {row.seq}


def test_entry_breaking_a_ledger_rule(vault: Path) -> None:
    rows = ledger_rows(vault)
    last, again = rows[-1], ingest_rows(vault)[0]
    duplicate = canonical({**again.entry(), "seq": last.seq + 1, "prev": last.hash, "time": last.entry()["time"]})
    with database(vault) as conn:
        conn.execute(
            "INSERT INTO ledger (seq, prev, hash, kind, data) VALUES (?, ?, ?, ?, ?)",
            (last.seq + 1, last.hash, entry_hash(duplicate), "ingest", duplicate),
        )
    problems = verify_finds(vault, "ENTRY_INVALID")
    assert seqs(problems, "ENTRY_INVALID") == {last.seq + 1}


# ---- index ------------------------------------------------------------------------------------


def test_edited_index_row(vault: Path) -> None:
    with database(vault) as conn:
        conn.execute("UPDATE item SET name = 'forged.txt' WHERE id = ?", (seed_id(1),))
    problems = verify_finds(vault, "INDEX_MISMATCH")
    assert items(problems, "INDEX_MISMATCH") == {seed_id(1)}


def test_deleted_index_row(vault: Path) -> None:
    with database(vault) as conn:
        conn.execute("DELETE FROM item WHERE id = ?", (seed_id(2),))
    problems = verify_finds(vault, "INDEX_MISSING")
    assert items(problems, "INDEX_MISSING") == {seed_id(2)}


def test_extra_index_row(vault: Path) -> None:
    fake = sha256_hex(b"an item the ledger never recorded")
    with database(vault) as conn:
        cursor = conn.execute("SELECT * FROM item WHERE id = ?", (seed_id(3),))
        columns = [d[0] for d in cursor.description]
        values = list(cursor.fetchone())
        values[columns.index("id")] = fake
        marks = ", ".join("?" for _ in columns)
        conn.execute(f"INSERT INTO item ({', '.join(columns)}) VALUES ({marks})", values)
    problems = verify_finds(vault, "INDEX_EXTRA")
    assert items(problems, "INDEX_EXTRA") == {fake}


def test_a_ledger_that_does_not_open_with_its_key(vault: Path) -> None:
    # The key entry's kind column and bytes relabelled (rehashed, re-chained): entry 0 is no key entry.
    rechain_from(vault, 0, {"kind": "relate"})
    with database(vault) as conn:
        conn.execute("UPDATE ledger SET kind = 'relate' WHERE seq = 0")
    problems = verify_finds(vault, "KEY_INVALID")
    assert 0 in seqs(problems, "KEY_INVALID")


def test_a_kind_column_that_lies_about_its_entry(vault: Path) -> None:
    with database(vault) as conn:
        drop_guards(conn)
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


def test_garbage_database(vault: Path) -> None:
    for leftover in ("ledger.sqlite-wal", "ledger.sqlite-shm"):
        (vault / leftover).unlink(missing_ok=True)
    (vault / "ledger.sqlite").write_bytes(random.Random(7).randbytes(16384))
    problems = verify_finds(vault, "DATABASE_UNREADABLE")
    assert {p["code"] for p in problems} == {"DATABASE_UNREADABLE"}


def test_every_problem_is_reported_at_once(vault: Path) -> None:
    object_path(vault, seed_id(0)).unlink()
    with database(vault) as conn:
        conn.execute("UPDATE item SET size = size + 1 WHERE id = ?", (seed_id(4),))
    row = middle(vault)
    rewrite_entry(vault, row.seq, {"actor": "mallory"}, rehash=False)
    problems = verify_finds(vault, "OBJECT_MISSING", "INDEX_MISMATCH", "ENTRY_HASH_MISMATCH")
    assert items(problems, "OBJECT_MISSING") == {seed_id(0)}
    assert seed_id(4) in items(problems, "INDEX_MISMATCH")


# ---- the database's own guards ----------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    ["UPDATE ledger SET kind = 'forged' WHERE seq = 1", "DELETE FROM ledger WHERE seq = 1"],
    ids=["update", "delete"],
)
def test_triggers_refuse_changes_to_the_ledger(vault: Path, statement: str) -> None:
    before = ledger_rows(vault)
    with database(vault) as conn, pytest.raises(sqlite3.DatabaseError):
        conn.execute(statement)
    assert ledger_rows(vault) == before
    ok("verify", vault=vault)


@pytest.mark.parametrize("clash", ["prev", "hash", "seq"])
def test_unique_constraints_refuse_a_fork(vault: Path, clash: str) -> None:
    before = ledger_rows(vault)
    victim = before[1]
    data = canonical({**victim.entry(), "actor": "mallory"})
    fresh = {"seq": before[-1].seq + 1, "prev": sha256_hex(b"nowhere"), "hash": entry_hash(data)}
    fresh[clash] = getattr(victim, clash)
    with database(vault) as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO ledger (seq, prev, hash, kind, data) VALUES (?, ?, ?, ?, ?)",
            (fresh["seq"], fresh["prev"], fresh["hash"], victim.kind, data),
        )
    assert ledger_rows(vault) == before


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
