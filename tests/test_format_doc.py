"""docs/format.md stays true: its worked examples, its tables and its problem codes are checked here
against what the code makes and does."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, SEEDS
from lib import open_archive, ticking_clock

from archive import schemas
from archive.core.canonical import canonical_bytes
from archive.core.checkpoint import check_checkpoint
from archive.core.claim import Claim, ExtractorId
from archive.core.entry import ENTRY_FIELDS, decode, entry_hash
from archive.core.fields import FIELDS
from archive.core.item import Fold, fold
from archive.core.merkle import inclusion_proof_from_leaves, leaf_hash, root, verify_inclusion
from archive.core.note import VerifierKey
from archive.core.problems import CODES
from archive.core.resolve import resolve
from archive.storage.upgrade import legacy_state

DOC = (REPO / "docs" / "format.md").read_text("utf-8")
GOLDEN = REPO / "tests" / "golden"
sys.path.insert(0, str(GOLDEN))

from generate import build  # noqa: E402


def examples() -> list[bytes]:
    return [line.encode("utf-8") for line in DOC.splitlines() if line.startswith('{"actor":')]


def documented_hashes() -> list[str]:
    return re.findall(r"^entry-hash: ([0-9a-f]{64})$", DOC, flags=re.MULTILINE)


def table(name: str) -> list[list[str]]:
    """The body rows of the table after `<!-- table: name -->`, as cells."""
    lines = DOC.split(f"<!-- table: {name} -->\n", 1)[1].splitlines()
    rows = []
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def ticked(cell: str) -> str:
    match = re.fullmatch(r"`([^`]*)`", cell)
    assert match is not None, cell
    return match.group(1)


def block_after(text: str) -> str:
    """The first fenced block after `text` in the document."""
    rest = DOC.split(text, 1)[1]
    return rest.split("```\n", 2)[1]


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[bytes], list[str]]:
    """The golden ledger as the code makes it now, with the fixed key and clock."""
    return build(tmp_path_factory.mktemp("golden") / "vault")


# ---- worked examples -------------------------------------------------------------------------


def test_every_worked_example_hashes_to_its_documented_hash() -> None:
    found, hashes = examples(), documented_hashes()
    assert len(found) == len(hashes) >= 4
    for data, documented in zip(found, hashes, strict=True):
        assert entry_hash(data) == documented
        assert hashlib.sha256(b"\x00" + data).hexdigest() == documented


def test_every_worked_example_is_a_canonical_valid_entry() -> None:
    for data in examples():
        entry = decode(data)
        assert canonical_bytes(entry.to_json()) == data
        assert schemas.errors("entry", json.loads(data)) == []
    legacy = decode(examples()[0])
    assert "identification" not in legacy.body["object"]
    assert Fold().apply(legacy, entry_hash(examples()[0])) == [legacy.body["item"]]


def test_the_golden_examples_are_what_the_code_makes(golden: tuple[list[bytes], list[str]]) -> None:
    entries, _ = golden
    assert entries == (GOLDEN / "ledger.jsonl").read_bytes().splitlines()
    for data in examples()[1:]:
        entry = decode(data)
        assert entries[entry.seq] == data
    assert fold((decode(e), entry_hash(e)) for e in entries).keys() == {
        decode(e).body["item"] for e in entries if decode(e).kind == "ingest"
    }


def test_the_checkpoint_and_proof_examples_verify(golden: tuple[list[bytes], list[str]]) -> None:
    entries, notes = golden
    note = block_after("The golden ledger's checkpoint of its 7 entries")
    assert note == notes[-1]
    key = VerifierKey.parse(decode(entries[0]).body["verifier_key"])
    check = check_checkpoint(note, [key], "example.org/golden")
    assert check.checkpoint is not None
    leaves = [leaf_hash(e) for e in entries]
    assert check.checkpoint.size == len(entries) == 7
    assert check.checkpoint.root == root(leaves)
    line = block_after("and the inclusion proof of its entry 5 in that tree").strip()
    head, _, hashes = line.partition(": ")
    index, size = (int(n) for n in head.split()[1:])
    proof = [base64.b64decode(h) for h in hashes.split()]
    assert proof == inclusion_proof_from_leaves(index, leaves[:size])
    assert verify_inclusion(leaves[index], index, size, proof, check.checkpoint.root)


def test_the_verifier_key_example_splits_as_documented(golden: tuple[list[bytes], list[str]]) -> None:
    entries, _ = golden
    text, name, key_id, key = (line.split(":", 1)[-1].split()[0] for line in block_after("splits so:").splitlines())
    assert text == decode(entries[0]).body["verifier_key"]
    parsed = VerifierKey.parse(text)
    assert "+" in key  # the base64 has a '+': only the first two split the text
    assert (parsed.name, f"{parsed.key_id:08x}") == (name, key_id)
    raw = base64.b64decode(key)
    assert raw[0] == 1 and raw[1:] == parsed.public_key
    digest = hashlib.sha256(name.encode() + b"\n\x01" + parsed.public_key).digest()
    assert digest[:4].hex() == key_id


def test_span_evidence_is_the_objects_bytes(golden: tuple[list[bytes], list[str]]) -> None:
    entries, _ = golden
    checked = 0
    for data in entries:
        entry = decode(data)
        if entry.kind != "ingest":
            continue
        content = (SEEDS / entry.body["acquisition"]["name"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry.body["item"]
        for claim in entry.body["claims"]:
            if "span" in claim:
                start, end = claim["span"]
                assert content[start:end].decode("utf-8") == claim["evidence"]
                checked += 1
    assert checked


# ---- the layout and the model's members ----------------------------------------------------


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new vault made as the golden one is: same origin, same clock."""
    vault = tmp_path_factory.mktemp("fresh") / "vault"
    open_archive(vault, origin="example.org/golden", clock=ticking_clock()).close()
    return vault


def test_the_marker_example_is_what_a_new_vault_writes(fresh: Path) -> None:
    marker = block_after("followed by one newline (`0x0A`). Version 2:")
    assert (fresh / "VAULT.json").read_text("utf-8") == marker
    assert {ticked(row[0]) for row in table("marker")} == set(json.loads(marker))


def test_the_database_table_is_the_schema_a_new_vault_has(fresh: Path) -> None:
    documented = {(ticked(row[0]), ticked(row[1])) for row in table("database")}
    with sqlite3.connect(fresh / "ledger.sqlite") as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        actual = {(t, c[1]) for t in tables for c in conn.execute(f"PRAGMA table_info({t})")}
        triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        layout = conn.execute("PRAGMA user_version").fetchone()[0]
    assert documented == actual
    assert all(f"`{name}`" in DOC for name in triggers) and len(triggers) == 10
    assert layout == 2


def test_the_envelope_and_field_tables_are_the_models() -> None:
    assert [ticked(row[0]) for row in table("envelope")] == list(ENTRY_FIELDS)
    rows = table("fields")
    assert [ticked(row[0]) for row in rows] == list(FIELDS)
    assert [row[2] == "yes" for row in rows] == [spec.multi for spec in FIELDS.values()]


def test_the_state_table_and_the_legacy_layout_are_the_models(golden: tuple[list[bytes], list[str]]) -> None:
    entries, _ = golden
    items = fold((decode(e), entry_hash(e)) for e in entries)
    item = next(iter(items.values()))
    assert [ticked(row[0]) for row in table("state")] == list(item.to_json())
    paragraph = DOC.split("A version-1 index's `state` is the canonical JSON of this flat object:", 1)[1]
    legacy = re.findall(r"`([a-z_]+)`", paragraph.split("with the values", 1)[0])
    assert sorted(legacy) == list(json.loads(legacy_state(item)))


# ---- current values: the worked cases --------------------------------------------------------


def _cell(text: str) -> Any:
    return json.loads(ticked(text))


@pytest.mark.parametrize("row", table("current"), ids=lambda row: row[0])
def test_the_current_value_cases_are_what_resolve_gives(row: list[str]) -> None:
    _, field, extracted, asserted, expected = row
    name = ticked(field)
    claims = [
        Claim(name, v, "extracted", extractor=ExtractorId("t", "1"), rule="r", evidence="e", span=(0, 0), seq=0)
        for v in _cell(extracted)
    ]
    for seq, values in enumerate(_cell(asserted), start=1):
        claims += [Claim.asserted(name, v, by="a", at="t").with_seq(seq) for v in values]
    view = resolve(claims, 0)[name]
    if expected == "conflict":
        assert view.conflict and view.value is None
    elif expected == "none":
        assert not view.conflict and not view.has_value
    else:
        assert not view.conflict and view.value == _cell(expected)


# ---- problem codes -------------------------------------------------------------------------


def test_every_problem_code_is_documented() -> None:
    documented = [ticked(row[0]) for row in table("problems")]
    assert documented == list(CODES)
    for code in CODES:
        assert DOC.count(f"`{code}`") >= 2, f"{code} is in the table but no step says when it is reported"
