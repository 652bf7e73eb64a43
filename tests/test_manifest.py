"""Manifests: schema-valid, true to the vault, exact citations, verifiable offline, tamper-evident, from a
vault on each ledger backend."""

from __future__ import annotations

import copy
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from backends import Backend
from lib import ingest, open_archive

from archive import schemas
from archive.core.entry import entry_hash
from archive.core.note import VerifierKey
from archive.evidence.check import check_manifest

PEOPLE = "004_1ff66ad646ea374e.txt"
ORIGIN = "example.org/test-archive"


@pytest.fixture(scope="module")
def made(
    backend: Backend, tmp_path_factory: pytest.TempPathFactory, seeds: Path
) -> tuple[Path, dict[str, Any], VerifierKey]:
    vault = backend.make(tmp_path_factory.mktemp("m") / "vault", origin=ORIGIN)
    archive = open_archive(vault, origin=ORIGIN)
    ingest(archive, sorted(seeds.glob("*.txt")))
    people = next(s for s in archive.items() if s.name == PEOPLE)
    archive.amend(
        people.id,
        {
            "outlet": ["People"],
            "published": ["2022-03-23"],
            "author": ["Tristan Balagtas"],
            "url": ["https://people.com/politics/us-believes-russia-committed-war-crimes-in-ukraine/"],
        },
        [],
        "from the article page",
    )
    doc = archive.manifest(archive.item_ids())
    key = archive.keys().current
    archive.close()
    assert key is not None
    return vault, doc, key


@pytest.fixture(scope="module")
def markdown(made: tuple[Path, dict[str, Any], VerifierKey]) -> str:
    archive = open_archive(made[0])
    out = io.StringIO()
    archive.write_manifest(None, out, fmt="md")
    archive.close()
    return out.getvalue()


def test_manifest_is_schema_valid_and_true_to_the_vault(
    made: tuple[Path, dict[str, Any], VerifierKey], seeds: Path
) -> None:
    vault, doc, _ = made
    assert schemas.errors("manifest", doc) == []
    sums = dict(line.split()[::-1] for line in (seeds / "SHA256SUMS").read_text().splitlines())
    archive = open_archive(vault)
    for item in doc["items"]:
        assert item["sha256"] == sums[item["name"]]
        state = archive.item(item["id"])
        assert item["archived"]["seq"] == state.archived.seq
        assert [e["seq"] for e in item["entries"]] == state.seqs()
        for e in item["entries"]:
            stored = next(archive.entries(e["seq"], 1))[0]
            assert e["hash"] == stored.hash == entry_hash(e["canonical"].encode())
    size, head = archive.size()
    archive.close()
    assert doc["ledger"]["size"] == size and doc["ledger"]["head"] == head


def test_citations_are_exact_for_a_fixed_item(made: tuple[Path, dict[str, Any], VerifierKey]) -> None:
    _, doc, _ = made
    item = next(i for i in doc["items"] if i["name"] == PEOPLE)
    sha = item["sha256"]
    day = item["archived"]["at"][:10]
    title = "U.S. Believes ‘Russia’s Forces Have Committed War Crimes in Ukraine’"
    url = "https://people.com/politics/us-believes-russia-committed-war-crimes-in-ukraine/"
    where = f"SHA-256 {sha}, archived {day}"
    archive_name = "Evidence archive example.org/test-archive"
    assert item["citations"]["apa"]["text"] == (
        f"Balagtas, T. (2022, March 23). U.S. Believes “Russia’s Forces Have Committed War Crimes in Ukraine.” "
        f"People. {archive_name} ({where}). {url}"
    )
    assert item["citations"]["chicago"]["text"] == (
        f"Balagtas, Tristan. “{title}.” People, March 23, 2022. {where}. {archive_name}. {url}."
    )
    assert item["citations"]["mla"]["text"] == (
        f"Balagtas, Tristan. “{title}.” People, 23 Mar. 2022, {archive_name}, {where}, {url}."
    )


def test_unknown_outlet_and_date_are_said_not_invented(made: tuple[Path, dict[str, Any], VerifierKey]) -> None:
    _, doc, _ = made
    item = next(i for i in doc["items"] if i["name"].startswith("000_"))
    assert "(n.d.)" in item["citations"]["apa"]["text"]
    assert "n.d." in item["citations"]["chicago"]["text"]
    assert "issued" not in item["csl"]


def test_markdown_is_a_report_appendix(made: tuple[Path, dict[str, Any], VerifierKey], markdown: str) -> None:
    _, doc, _ = made
    text = markdown
    assert text.startswith("# Evidence manifest")
    assert text.count("\n## ") == len(doc["items"]) + 1  # the items, and the section on time
    for item in doc["items"]:
        assert item["sha256"] in text
        assert item["citations"]["apa"]["markdown"] in text
    assert doc["checkpoint"].rstrip("\n") in text


def test_verifies_offline_in_a_directory_with_no_vault(
    made: tuple[Path, dict[str, Any], VerifierKey], seeds: Path, tmp_path: Path
) -> None:
    _, doc, key = made
    copy_dir = tmp_path / "elsewhere"
    copy_dir.mkdir()
    (copy_dir / "manifest.json").write_text(json.dumps(doc))
    loaded = json.loads((copy_dir / "manifest.json").read_text())
    assert check_manifest(loaded, [key], seeds)
    assert check_manifest(loaded, [], None).codes() == ["MANIFEST_KEY_UNTRUSTED"]


def _tampered(doc: dict[str, Any], change: str) -> dict[str, Any]:
    bad = copy.deepcopy(doc)
    item = bad["items"][0]
    entry = item["entries"][0]
    if change == "entry":
        entry["canonical"] = entry["canonical"].replace('"size":', '"size": ', 1)
    elif change == "proof":
        proof = entry["inclusion_proof"]
        proof[0] = proof[0][:4] + ("A" if proof[0][4] != "A" else "B") + proof[0][5:]
        entry.pop("tlog_proof")
    elif change == "signature":
        note = bad["checkpoint"]
        sig_at = note.index("— ") + 40
        bad["checkpoint"] = note[:sig_at] + ("A" if note[sig_at] != "A" else "B") + note[sig_at + 1 :]
    elif change == "metadata":
        item["metadata"]["current"]["outlet"] = "Somebody Else"
    return bad


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("entry", "MANIFEST_ENTRY_HASH"),
        ("proof", "MANIFEST_PROOF_INVALID"),
        ("signature", "MANIFEST_CHECKPOINT_INVALID"),
        ("metadata", "MANIFEST_ITEM_MISMATCH"),
    ],
)
def test_altered_manifest_fails_with_the_right_code(
    made: tuple[Path, dict[str, Any], VerifierKey], change: str, code: str
) -> None:
    _, doc, key = made
    assert code in check_manifest(_tampered(doc, change), [key]).codes()


def test_altered_file_fails(made: tuple[Path, dict[str, Any], VerifierKey], seeds: Path, tmp_path: Path) -> None:
    _, doc, key = made
    files = tmp_path / "files"
    shutil.copytree(seeds, files)
    target = files / PEOPLE
    data = bytearray(target.read_bytes())
    data[100] ^= 1
    target.write_bytes(bytes(data))
    assert check_manifest(doc, [key], files).codes() == ["MANIFEST_FILE_MISMATCH"]
    target.unlink()
    assert check_manifest(doc, [key], files).codes() == ["MANIFEST_FILE_MISSING"]


def test_a_key_that_is_not_trusted_does_not_verify(made: tuple[Path, dict[str, Any], VerifierKey]) -> None:
    _, doc, _ = made
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other = VerifierKey.from_public_key("example.org/test-archive", Ed25519PrivateKey.generate().public_key())
    # The manifest's own signature is by the checkpoint's key; with that unproven, it is not checked.
    assert check_manifest(doc, [other]).codes() == ["MANIFEST_CHECKPOINT_INVALID"]
