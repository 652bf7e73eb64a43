"""An item's whole history is one list in the model: show, manifests and proofs carry every entry.

Regression: after `access --restrict` then `access --open`, the manifest left out the first access
entry, so `verify-manifest` failed (MANIFEST_ITEM_MISMATCH: "points at seq 2, but the item's latest
entry is 1"), `export proof` failed the same way, and `show` dropped it from the history.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from backends import Backend
from helpers import ok, run, seed_files

from archive.service.verify import verify_vault


@pytest.fixture(scope="module")
def changed(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A vault (on each backend) whose first item went through every kind of item entry, two of them
    twice; the tests only read it."""
    vault = backend.make(tmp_path_factory.mktemp("history") / "vault")
    ingested = ok("ingest", *seed_files()[:2], "--json", vault=vault).json()["items"]
    item, other = ingested[0]["item"], ingested[1]["item"]
    ok("access", item, "--restrict", "--reason", "a", vault=vault)
    ok("access", item, "--open", "--reason", "b", vault=vault)
    ok("amend", item, "--set", "outlet=First", "--reason", "c", vault=vault)
    ok("relate", other, "--to", item, "--as", "translation", vault=vault)
    ok("amend", item, "--set", "outlet=Second", "--reason", "d", vault=vault)
    key = ok("key", "show", vault=vault).out.strip()
    return vault, item, key


def test_show_lists_every_entry_about_the_item(changed: tuple[Path, str, str]) -> None:
    vault, item, _ = changed
    shown = ok("show", item, "--json", vault=vault).json()
    kinds = [h["kind"] for h in shown["history"]]
    assert kinds == ["ingest", "access", "access", "amend", "relate", "amend"]
    assert [h["seq"] for h in shown["history"]] == sorted(h["seq"] for h in shown["history"])
    assert shown["access"]["status"] == "open" and shown["access"]["reason"] == "b"
    text = ok("show", item, vault=vault).out
    assert text.count(" access ") == 2


def test_a_manifest_after_two_access_changes_verifies(changed: tuple[Path, str, str], tmp_path: Path) -> None:
    vault, item, key = changed
    out = tmp_path / "m.json"
    ok("manifest", "--all", "-o", out, vault=vault)
    doc = json.loads(out.read_text("utf-8"))
    entries = next(i for i in doc["items"] if i["id"] == item)["entries"]
    kinds = [json.loads(e["canonical"])["kind"] for e in entries]
    assert kinds == ["ingest", "access", "access", "amend", "relate", "amend"]
    elsewhere = tmp_path / "reader"
    elsewhere.mkdir()
    result = run("verify-manifest", out, "--key", key, cwd=elsewhere)
    assert result.code == 0, str(result)
    assert verify_vault(vault)


def test_an_exported_proof_after_two_access_changes_verifies(changed: tuple[Path, str, str], tmp_path: Path) -> None:
    vault, item, key = changed
    proof = tmp_path / "item.proof.json"
    ok("export", "proof", item[:12], "-o", proof, vault=vault)
    assert json.loads(proof.read_text("utf-8"))["format"] == "archive-proof"
    assert run("verify-manifest", proof, "--key", key).code == 0


def test_leaving_out_an_entry_in_the_middle_is_caught(changed: tuple[Path, str, str], tmp_path: Path) -> None:
    vault, item, key = changed
    out = tmp_path / "m.json"
    ok("manifest", item, "-o", out, vault=vault)
    doc = json.loads(out.read_text("utf-8"))
    del doc["items"][0]["entries"][1]  # the first access entry
    out.write_text(json.dumps(doc), "utf-8")
    result = run("verify-manifest", out, "--key", key, "--json")
    assert result.code == 1
    assert "MANIFEST_ITEM_MISMATCH" in {p["code"] for p in json.loads(result.out)["problems"]}
