"""Signed checkpoints and proofs catch what a plain hash chain cannot, checked against kept checkpoints,
on each ledger backend."""

from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from backends import Backend, PostgresBackend
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from lib import ingest, open_archive

from archive.core.checkpoint import check_checkpoint, sign_checkpoint
from archive.core.entry import GENESIS_PREV, Entry, decode, seal
from archive.core.item import Fold
from archive.core.merkle import CompactRange, batched, root_at
from archive.core.note import Signer
from archive.service.verify import Against, verify_vault
from archive.storage.keystore import load_signer

ORIGIN = "example.org/test-archive"


@pytest.fixture(scope="module")
def pristine(backend: Backend, tmp_path_factory: pytest.TempPathFactory, seeds: Path) -> Path:
    """Two seeds ingested once per backend; every test works on its own copy."""
    path = backend.make(tmp_path_factory.mktemp("pristine") / "vault", origin=ORIGIN)
    archive = open_archive(path)
    ingest(archive, sorted(seeds.glob("00[01]*.txt")))
    archive.close()
    return path


@pytest.fixture
def vault(backend: Backend, pristine: Path, tmp_path: Path) -> Path:
    return backend.copy_vault(pristine, tmp_path / "vault")


def _latest(path: Path) -> str:
    archive = open_archive(path)
    try:
        return archive.latest_checkpoint()[1]
    finally:
        archive.close()


def _grow(path: Path, seeds: Path) -> None:
    archive = open_archive(path)
    ingest(archive, sorted(seeds.glob("00[234]*.txt")))
    archive.close()


def test_every_write_leaves_a_signed_checkpoint_of_the_whole_ledger(vault: Path) -> None:
    archive = open_archive(vault)
    size, head = archive.size()
    _, note = archive.latest_checkpoint()
    key = archive.keys().current
    with archive.reading() as r:
        [root] = batched([partial(root_at, size)], r)
        sizes = [s for s, _ in r.checkpoints()]
    archive.close()
    check = check_checkpoint(note, [key] if key else [], "example.org/test-archive")
    assert check.checkpoint is not None
    assert (check.checkpoint.size, check.checkpoint.root) == (size, root)
    assert sizes == [1, 3]  # the key entry on creation, then one batch of two items
    assert head is not None
    assert verify_vault(vault)


def test_growth_verifies_against_an_earlier_checkpoint(vault: Path, seeds: Path) -> None:
    kept = _latest(vault)
    _grow(vault, seeds)
    report = verify_vault(vault, against=[Against(kept)])
    assert report, report.codes()


def test_dropped_last_entries_with_a_valid_chain_are_caught(backend: Backend, vault: Path, seeds: Path) -> None:
    _grow(vault, seeds)
    kept = _latest(vault)
    with backend.database(vault) as db:
        for trigger in ("ledger_no_delete", "checkpoint_no_delete"):
            backend.drop_trigger(db, trigger)
        size = db.execute("SELECT count(*) FROM ledger").fetchone()[0]
        db.execute("DELETE FROM ledger WHERE seq >= ?", (size - 2,))
        db.execute("DELETE FROM checkpoint WHERE size > ?", (size - 2,))
    codes = verify_vault(vault, against=[Against(kept)]).codes()
    assert "LEDGER_ROLLED_BACK" in codes
    assert "CHAIN_BROKEN" not in codes  # the chain itself still looks fine


@pytest.mark.sqlite_only
def test_database_replaced_by_an_older_copy_is_caught(vault: Path, seeds: Path, tmp_path: Path) -> None:
    old_copy = tmp_path / "old.sqlite"
    shutil.copy(vault / "ledger.sqlite", old_copy)
    _grow(vault, seeds)
    kept = _latest(vault)
    for suffix in ("-wal", "-shm"):
        (vault / f"ledger.sqlite{suffix}").unlink(missing_ok=True)
    shutil.copy(old_copy, vault / "ledger.sqlite")
    codes = verify_vault(vault, against=[Against(kept)]).codes()
    assert "LEDGER_ROLLED_BACK" in codes


@pytest.mark.pg_only
def test_database_replaced_by_an_older_copy_on_the_server_is_caught(backend: Backend, vault: Path, seeds: Path) -> None:
    assert isinstance(backend, PostgresBackend)
    old_copy = backend.copy_database(vault)
    _grow(vault, seeds)
    kept = _latest(vault)
    backend.replace_database(vault, old_copy)
    codes = verify_vault(vault, against=[Against(kept)]).codes()
    assert "LEDGER_ROLLED_BACK" in codes


def _rewrite_history(backend: Backend, vault: Path, target_seq: int, signer: Signer) -> None:
    """Forge a consistent history: edit one entry, then recompute every later hash, node, index
    row and checkpoint, re-signing with the vault's own key (the attacker has the machine)."""
    with backend.database(vault) as db:
        _rewrite_rows(backend, db, target_seq, signer)


def _rewrite_rows(backend: Backend, db: Any, target_seq: int, signer: Signer) -> None:
    for trigger in ("ledger_no_update", "ledger_no_delete", "checkpoint_no_update", "checkpoint_no_delete"):
        backend.drop_trigger(db, trigger)
    db.execute("BEGIN")
    rows = db.execute("SELECT seq, data FROM ledger ORDER BY seq").fetchall()
    sizes = [s for (s,) in db.execute("SELECT size FROM checkpoint ORDER BY size")]
    db.execute("DELETE FROM ledger")
    db.execute("DELETE FROM node")
    db.execute("DELETE FROM checkpoint")
    db.execute("DELETE FROM item")
    prev = None
    tree = CompactRange()
    fold = Fold()
    notes = {}
    for seq, data in rows:
        entry = decode(bytes(data))
        body = dict(entry.body)
        if seq == target_seq:
            body["claims"] = [
                *body.get("claims", []),
                {"field": "outlet", "value": "Forged Times", "source": "asserted", "by": entry.actor, "at": entry.time},
            ]
        sealed = seal(
            Entry(
                seq, GENESIS_PREV if prev is None else prev.hash, entry.time, entry.actor, entry.tool, entry.kind, body
            )
        )
        db.execute(
            "INSERT INTO ledger (seq, prev, hash, kind, data) VALUES (?, ?, ?, ?, ?)",
            (seq, GENESIS_PREV if prev is None else prev.hash, sealed.hash, entry.kind, sealed.data),
        )
        for level, idx, h in tree.append(bytes.fromhex(sealed.hash)):
            if level > 0:
                db.execute("INSERT INTO node (level, idx, hash) VALUES (?, ?, ?)", (level, idx, h))
        if entry.kind != "key":
            fold.apply(decode(sealed.data), sealed.hash)
        if tree.size in sizes:
            from archive.core.checkpoint import Checkpoint

            notes[tree.size] = sign_checkpoint(Checkpoint("example.org/test-archive", tree.size, tree.root()), signer)
        prev = sealed
    for size, note in notes.items():
        db.execute("INSERT INTO checkpoint (size, note) VALUES (?, ?)", (size, note))
    for state in fold.items.values():
        row = state.index_row()
        db.execute(
            "INSERT INTO item (id, size, media_type, name, ingest_seq, last_seq, ingested_at, state)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (row.id, row.size, row.media_type, row.name, row.ingest_seq, row.last_seq, row.ingested_at, row.state),
        )
    db.execute("COMMIT")


def test_a_rewritten_history_passes_inside_the_vault_but_fails_against_a_kept_checkpoint(
    backend: Backend, vault: Path, seeds: Path
) -> None:
    _grow(vault, seeds)
    kept = _latest(vault)
    signer = load_signer(vault, "example.org/test-archive", None)
    _rewrite_history(backend, vault, 2, signer)
    assert verify_vault(vault), "the forgery is self-consistent: only an outside checkpoint can tell"
    codes = verify_vault(vault, against=[Against(kept)]).codes()
    assert codes == ["LEDGER_FORKED"]


def test_a_stored_checkpoint_resigned_with_another_key_is_caught(backend: Backend, vault: Path) -> None:
    other = Signer("example.org/test-archive", Ed25519PrivateKey.generate())
    from archive.core.note import sign_note

    with backend.database(vault) as db:
        backend.drop_trigger(db, "checkpoint_no_update")
        size, note = db.execute("SELECT size, note FROM checkpoint ORDER BY size DESC LIMIT 1").fetchone()
        body = note.split("\n\n")[0] + "\n"
        db.execute("UPDATE checkpoint SET note = ? WHERE size = ?", (sign_note(body, [other]), size))
    assert "CHECKPOINT_INVALID" in verify_vault(vault).codes()


def test_a_kept_checkpoint_resigned_with_another_key_is_refused(vault: Path) -> None:
    kept = _latest(vault)
    other = Signer("example.org/test-archive", Ed25519PrivateKey.generate())
    from archive.core.note import sign_note

    forged = sign_note(kept.split("\n\n")[0] + "\n", [other])
    assert verify_vault(vault, against=[Against(forged)]).codes() == ["PINNED_CHECKPOINT_UNVERIFIED"]


def test_key_rotation_is_followed_and_an_unannounced_key_fails(backend: Backend, vault: Path, seeds: Path) -> None:
    archive = open_archive(vault)
    first = archive.keys().current
    archive.rotate_key()
    second = archive.keys().current
    archive.close()
    assert first is not None and second is not None and str(first) != str(second)
    _grow(vault, seeds)
    assert verify_vault(vault)
    # a key entry whose announcement is not signed by the key it replaces is refused
    with backend.database(vault) as db:
        backend.drop_trigger(db, "ledger_no_update")
        seq, data = db.execute("SELECT seq, data FROM ledger WHERE kind = 'key' ORDER BY seq DESC LIMIT 1").fetchone()
    entry = decode(bytes(data))
    intruder = Signer("example.org/test-archive", Ed25519PrivateKey.generate())
    from archive.core.announce import announcement_text, key_body
    from archive.core.note import sign_note

    body = key_body(
        "example.org/test-archive",
        intruder.verifier(),
        first,
        sign_note(announcement_text("example.org/test-archive", intruder.verifier(), first), [intruder]),
    )
    forged = seal(Entry(entry.seq, entry.prev, entry.time, entry.actor, entry.tool, "key", body.to_json()))
    with backend.database(vault) as db:
        db.execute("UPDATE ledger SET data = ?, hash = ? WHERE seq = ?", (forged.data, forged.hash, seq))
    codes = verify_vault(vault).codes()
    assert "KEY_INVALID" in codes
    assert "CHECKPOINT_INVALID" in codes  # later checkpoints were signed by a key no longer announced
