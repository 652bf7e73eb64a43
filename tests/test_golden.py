"""Golden files: with a fixed key and clock, every entry and checkpoint is byte-for-byte as pinned."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
sys.path.insert(0, str(GOLDEN))

from generate import build  # noqa: E402


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[bytes], list[str]]:
    return build(tmp_path_factory.mktemp("golden") / "vault")


def test_entries_are_byte_for_byte_golden(built: tuple[list[bytes], list[str]]) -> None:
    entries, _ = built
    assert entries == (GOLDEN / "ledger.jsonl").read_bytes().splitlines()


def test_checkpoints_are_byte_for_byte_golden(built: tuple[list[bytes], list[str]]) -> None:
    _, notes = built
    assert "".join(n + "\n" for n in notes) == (GOLDEN / "checkpoints.txt").read_text("utf-8")
