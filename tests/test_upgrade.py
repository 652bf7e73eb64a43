"""Vaults and manifests made by format version 1 stay checkable, and a v1 vault upgrades to v2.

The fixtures in tests/data/v1 were made by the archive at commit 7629b2e (see their README).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from helpers import ledger_rows, ok, run
from lib import fixed_key

from archive.core.note import VerifierKey
from archive.service.verify import verify_vault

V1 = Path(__file__).resolve().parent / "data" / "v1"


def _copy(target: Path) -> Path:
    """The v1 vault as a vault is kept (git keeps neither the key's 0600 nor the objects' 0444)."""
    vault = shutil.copytree(V1 / "vault", target)
    (vault / "tmp").mkdir(exist_ok=True)
    os.chmod(vault / "keys", 0o700)
    os.chmod(vault / "keys" / "signing.key", 0o600)
    for path in (vault / "objects").rglob("*"):
        if path.is_file():
            os.chmod(path, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return vault


@pytest.fixture
def v1(tmp_path: Path) -> Path:
    return _copy(tmp_path / "vault")


def test_a_v1_vault_verifies_as_it_is(v1: Path) -> None:
    report = verify_vault(v1)
    assert report, report.problems
    assert report.counts["format"] == 1


def test_other_commands_ask_for_an_upgrade_and_change_nothing(v1: Path) -> None:
    before = ledger_rows(v1)
    result = run("list", vault=v1)
    assert result.code == 3 and "archive upgrade" in result.err
    assert run("ingest", V1 / "README.md", vault=v1).code == 3
    assert ledger_rows(v1) == before
    assert json.loads((v1 / "VAULT.json").read_text("utf-8"))["version"] == 1


def test_upgrade_keeps_the_ledger_byte_for_byte_and_rebuilds_the_index(v1: Path, tmp_path: Path) -> None:
    before = ledger_rows(v1)
    answer = ok("upgrade", "--json", vault=v1).json()
    assert (answer["from"], answer["to"], answer["reindexed"]) == (1, 2, 2)
    assert ledger_rows(v1) == before
    marker = json.loads((v1 / "VAULT.json").read_text("utf-8"))
    assert marker["version"] == 2 and marker["ledger"] == {"backend": "sqlite", "path": "ledger.sqlite"}
    assert marker["origin"] == "example.org/v1"
    assert verify_vault(v1)
    assert ok("upgrade", "--json", vault=v1).json()["reindexed"] == 0  # again: nothing to do
    items = ok("list", "--json", vault=v1).json()
    restricted = [i for i in items if i["access"]["status"] == "restricted"]
    assert len(restricted) == 1 and restricted[0]["access"]["reason"] == "names a witness"
    # and the vault is a working v2 vault: it takes new entries and verifies
    ok("amend", items[0]["id"], "--set", "outlet=Later Outlet", "--reason", "after the upgrade", vault=v1)
    assert verify_vault(v1)
    out = tmp_path / "m.json"
    ok("manifest", "--all", "-o", out, vault=v1)
    key = ok("key", "show", vault=v1).out.strip()
    assert run("verify-manifest", out, "--key", key).code == 0


def test_an_interrupted_upgrade_can_be_run_again(v1: Path) -> None:
    from archive.storage.upgrade import INDEX_LAYOUT
    from archive.storage.vault import Vault

    # What a crash between the index rebuild and the marker leaves: a v2 index under a v1 marker.
    vault = Vault.open(v1, any_version=True)
    with vault.ledger.write() as w:
        w.set_index_layout(INDEX_LAYOUT)
    vault.close()
    assert verify_vault(v1).codes() == ["INDEX_MISMATCH", "INDEX_MISMATCH"]  # told, never a crash
    ok("upgrade", vault=v1)
    assert verify_vault(v1)


def test_a_v1_manifest_is_checked_offline_and_told_its_citations_are_unproven(tmp_path: Path) -> None:
    # The fixture was signed with the RFC 8032 test key: its verifier key, worked out independently.
    # Its entries and proofs still check; only the signature over the whole (version 2) is missing.
    key = str(VerifierKey.from_public_key("example.org/v1", fixed_key().public_key()))
    result = run("verify-manifest", V1 / "manifest.json", "--key", key, "--json", cwd=tmp_path)
    assert result.code == 1, str(result)
    assert [p["code"] for p in result.json()["problems"]] == ["MANIFEST_SIGNATURE_MISSING"]
