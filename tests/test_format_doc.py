"""docs/format.md stays true: its worked example and its problem-code table are checked here."""

from __future__ import annotations

import hashlib
import re

from conftest import REPO

from archive.core.canonical import canonical_bytes
from archive.core.entry import decode, entry_hash
from archive.core.item import Fold
from archive.core.problems import CODES

DOC = (REPO / "docs" / "format.md").read_text("utf-8")


def _example() -> bytes:
    lines = [line for line in DOC.splitlines() if line.startswith('{"actor":')]
    assert len(lines) == 1
    return lines[0].encode("utf-8")


def test_worked_example_hash_matches_the_documented_value() -> None:
    data = _example()
    documented = re.search(r"entry-hash: ([0-9a-f]{64})", DOC)
    assert documented is not None
    assert entry_hash(data) == documented.group(1)
    assert hashlib.sha256(b"\x00" + data).hexdigest() == documented.group(1)


def test_worked_example_is_a_canonical_valid_ingest_entry() -> None:
    data = _example()
    entry = decode(data)
    assert canonical_bytes(entry.to_json()) == data
    assert Fold().apply(entry, entry_hash(data)) == [entry.body["item"]]


def test_every_problem_code_is_documented() -> None:
    table = set(re.findall(r"^\| `([A-Z_]+)` \|", DOC, flags=re.MULTILINE))
    assert table == set(CODES)
