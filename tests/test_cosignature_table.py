"""The `cosignature` table is additive: a vault made before it verifies without it (read-only, it
is read as empty), gains it with its guards on the next writable open, and the database refuses
to change or delete a kept cosignature."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from lib import open_archive

from archive.service.archive import Archive, Context
from archive.service.verify import verify_vault


def _tables_and_triggers(db: Path) -> tuple[set[str], set[str]]:
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger')").fetchall()
    return {n for t, n in rows if t == "table"}, {n for t, n in rows if t == "trigger"}


def test_an_older_vault_verifies_without_the_table_and_gains_it_when_opened_for_writing(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    open_archive(vault).close()
    db = vault / "ledger.sqlite"
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("DROP TABLE cosignature")  # as a vault made before issue 11 is
        conn.commit()
    assert "cosignature" not in _tables_and_triggers(db)[0]
    report = verify_vault(vault)
    assert report.codes() == [] and report.warning_codes() == []

    Archive.open(vault, Context(actor="t"))[0].close()
    tables, triggers = _tables_and_triggers(db)
    assert "cosignature" in tables
    assert {"cosignature_no_update", "cosignature_no_delete"} <= triggers
    assert verify_vault(vault).warning_codes() == []


def test_a_kept_cosignature_cannot_be_changed_or_deleted(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    archive = open_archive(vault)
    with archive.vault.ledger.write() as w:
        w.put_cosignatures([(1, "w.example", "\u2014 w.example AAAA\n", "2026-01-02T03:04:05.000000Z")])
    archive.close()
    with closing(sqlite3.connect(vault / "ledger.sqlite")) as conn:
        for sql in ("UPDATE cosignature SET line = 'x'", "DELETE FROM cosignature"):
            with pytest.raises(sqlite3.IntegrityError):
                conn.execute(sql)
    codes = verify_vault(vault).codes()
    assert codes == ["COSIGNATURE_INVALID"]  # the line kept is not a cosignature/v1
