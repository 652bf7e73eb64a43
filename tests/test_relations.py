"""Related captures, access entries and re-extraction: recorded as entries, shown both ways, verified."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from lib import ingest, open_archive

from archive.core.body import ExtractBody, Pointer
from archive.core.claim import ExtractorId
from archive.core.item import Access
from archive.errors import NotFoundError, UsageError
from archive.evidence.check import check_manifest
from archive.extract import plaintext
from archive.service.extraction import Extractors
from archive.service.verify import verify_vault


def tiny_png(path: Path, colour: bytes = b"\xff\x00\x00") -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" + colour))
        + chunk(b"IEND", b"")
    )
    return path


@pytest.fixture
def pair(tmp_path: Path, seeds: Path) -> tuple[Path, str, str]:
    vault = tmp_path / "vault"
    archive = open_archive(vault)
    article, shot = ingest(archive, [seeds / "000_db7ac71fd7a6e07f.txt", tiny_png(tmp_path / "shot.png")])
    archive.close()
    return vault, article.item, shot.item


def test_a_relation_shows_both_ways_and_is_recorded_once(pair: tuple[Path, str, str]) -> None:
    vault, article, shot = pair
    archive = open_archive(vault)
    first, new = archive.relate(shot, article, "screenshot", "full-page capture")
    again, new_again = archive.relate(shot, article, "screenshot")
    assert again.seq == first.seq and new and not new_again
    assert [r.to_json() for r in archive.item(shot).relations] == [
        {"seq": first.seq, "relation": "screenshot", "to": article, "note": "full-page capture"}
    ]
    assert [r.to_json() for r in archive.item(article).relations] == [
        {"seq": first.seq, "relation": "screenshot", "from": shot, "note": "full-page capture"}
    ]
    assert first.seq in archive.item(article).seqs() and first.seq in archive.item(shot).seqs()
    with pytest.raises(UsageError):
        archive.relate(shot, article, "cousin-of")
    with pytest.raises(UsageError):
        archive.relate(shot, shot, "duplicate-of")
    with pytest.raises(NotFoundError):
        archive.relate(shot, "f" * 64, "screenshot")
    archive.close()
    assert verify_vault(vault)


def test_a_redaction_keeps_the_original_and_access_is_its_own_entry(pair: tuple[Path, str, str]) -> None:
    vault, article, shot = pair
    archive = open_archive(vault)
    archive.relate(shot, article, "redaction")
    sealed = archive.set_access(article, "restricted", "names a witness")
    state = archive.item(article)
    assert state.access == Access("restricted", "names a witness", sealed.seq)
    assert archive.vault.objects.locate(article) is not None  # the bytes are still there
    doc = archive.manifest([article, shot])
    key = archive.keys().current
    archive.close()
    assert key is not None
    assert verify_vault(vault)
    assert check_manifest(doc, [key])
    item = next(i for i in doc["items"] if i["id"] == article)
    assert item["access"]["status"] == "restricted"
    assert item["relations"][0]["relation"] == "redaction"


def test_reextract_appends_only_what_changed(pair: tuple[Path, str, str]) -> None:
    vault, article, _ = pair
    archive = open_archive(vault)
    size = archive.size()[0]
    extractors = Extractors()
    assert archive.reextract(article, extractors) is None  # same extractor, same bytes: nothing to say
    assert archive.size()[0] == size
    current = archive.item(article).current()
    # An older extractor's result, recorded the way any extraction is: one credit fewer, old version.
    older = tuple(
        c.replace(extractor=ExtractorId("plaintext", "0.9.0"), seq=None)
        for c in archive.item(article).claims
        if c.source == "extracted"
    )[:-1]
    archive._item_entry(
        article, "extract", lambda item, _at: ExtractBody(item.id, item.head or Pointer(0, ""), older, ())
    )
    assert len(archive.item(article).current()["credit"]) == len(current["credit"]) - 1
    sealed = archive.reextract(article, extractors)
    assert sealed is not None
    state = archive.item(article)
    assert state.current() == current
    versions = {c.extractor.version for c in state.claims if c.extractor is not None}
    assert versions == {"0.9.0", plaintext.VERSION}  # the earlier values stay in the history
    archive.close()
    assert verify_vault(vault)


def test_ingest_with_captures_relates_them(tmp_path: Path, seeds: Path) -> None:
    vault = tmp_path / "vault"
    page = seeds / "002_5c30c1cf42327977.txt"
    shot = tiny_png(tmp_path / "shot.png", b"\x00\x00\xff")
    cmd = [sys.executable, "-m", "archive", "ingest", str(page), "--with", str(shot), "--json", "--vault", str(vault)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    doc = json.loads(out.stdout)
    assert [r["relation"] for r in doc["relations"]] == ["screenshot"]
    again = subprocess.run(cmd, capture_output=True, text=True, check=True)
    assert json.loads(again.stdout)["relations"][0]["seq"] == doc["relations"][0]["seq"]
    assert verify_vault(vault)


def test_ingesting_several_files_relates_nothing(tmp_path: Path, seeds: Path) -> None:
    vault = tmp_path / "vault"
    shot = tiny_png(tmp_path / "shot.png")
    cmd = [sys.executable, "-m", "archive", "ingest", str(seeds / "001_40422bc615495af1.txt"), str(shot)]
    out = subprocess.run([*cmd, "--json", "--vault", str(vault)], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["relations"] == []
