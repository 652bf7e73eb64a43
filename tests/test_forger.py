"""An attacker who holds the vault's key and rewrites history consistently: plain `archive verify`
passes (that is the point), and only a checkpoint kept before the rewrite tells."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import forger
import pytest
from helpers import copy_vault, ok, run, seed_files, write_text

Rewrite = Callable[[Path], forger.Edit]
REWRITES: dict[str, Rewrite] = {
    "claim-value-edited": lambda vault: forger.edit_claim_value,
    "item-deleted": lambda vault: forger.delete_item,
    "item-inserted": forger.insert_item,
    "acquisition-altered": lambda vault: forger.alter_acquisition,
    "entry-back-dated": lambda vault: forger.back_date,
    "truncated-then-shorter": lambda vault: forger.truncate_and_append(vault, keep=3, new=1),
    "truncated-then-longer": lambda vault: forger.truncate_and_append(vault, keep=3, new=6),
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds ingested and one amended: several writes, so several checkpoints."""
    vault = tmp_path_factory.mktemp("forger") / "vault"
    ok("ingest", *seed_files(), vault=vault)
    first = ok("list", "--json", vault=vault).json()[0]["id"]
    ok("amend", first, "--set", "outlet=Example Outlet", "--reason", "seen on the page", vault=vault)
    return vault


@pytest.fixture
def vault(pristine: Path, tmp_path: Path) -> Path:
    return copy_vault(pristine, tmp_path / "vault")


def kept_checkpoint(vault: Path, where: Path) -> Path:
    """`archive checkpoint > saved`, as a careful archivist does after each session."""
    return write_text(where, ok("checkpoint", vault=vault).out)


@pytest.mark.parametrize("kind", sorted(REWRITES))
def test_a_consistent_rewrite_passes_verify_but_not_against_a_kept_checkpoint(
    vault: Path, tmp_path: Path, kind: str
) -> None:
    saved = kept_checkpoint(vault, tmp_path / "saved.checkpoint")
    before = forger.entries(vault)
    after = forger.forge(vault, REWRITES[kind](vault))
    assert [e.to_json() for e in after] != [e.to_json() for e in before]
    # Inside the vault everything agrees: no problem and not even a warning (the triggers are back).
    clean = ok("verify", "--json", vault=vault).json()
    assert (clean["problems"], clean["warnings"]) == ([], [])
    result = run("verify", "--json", "--against", saved, vault=vault)
    assert result.code == 1, str(result)
    codes = [p["code"] for p in result.json()["problems"]]
    assert codes in (["LEDGER_FORKED"], ["LEDGER_ROLLED_BACK"]), str(result)
    expected = "LEDGER_ROLLED_BACK" if len(after) < len(before) else "LEDGER_FORKED"
    assert codes == [expected]
    assert result.json()["against"][0]["extended"] is False


def test_the_forged_vault_accepts_new_writes_and_still_fails_against_the_kept_checkpoint(
    vault: Path, tmp_path: Path
) -> None:
    saved = kept_checkpoint(vault, tmp_path / "saved.checkpoint")
    forger.forge(vault, forger.edit_claim_value)
    ok("ingest", write_text(tmp_path / "later.txt", "Something ingested after the forgery.\n"), vault=vault)
    assert ok("verify", vault=vault).code == 0
    assert [p["code"] for p in run("verify", "--json", "--against", saved, vault=vault).json()["problems"]] == [
        "LEDGER_FORKED"
    ]


def test_an_untouched_vault_extends_its_kept_checkpoint(vault: Path, tmp_path: Path) -> None:
    """The control: the same check passes when nothing was rewritten, even after more writes."""
    saved = kept_checkpoint(vault, tmp_path / "saved.checkpoint")
    forger.forge(vault, lambda old: old)  # a forger who changes nothing rebuilds the same bytes
    ok("ingest", write_text(tmp_path / "later.txt", "Something ingested later.\n"), vault=vault)
    doc = ok("verify", "--json", "--against", saved, vault=vault).json()
    assert doc["problems"] == [] and doc["against"][0]["extended"] is True
