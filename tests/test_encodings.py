"""Every byte sequence is evidence: text and HTML not in UTF-8 are stored unchanged, never refused
or converted, and read for extraction in the encoding their format's rules decide (BOM, the page's
declared charset, detection), which the object's charset records. Spans are byte offsets into the
original bytes, and each evidence string is exactly those bytes decoded in that charset."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from helpers import ledger_rows, object_path, ok, write_bytes

ARTICLE = (
    "Café owners in Zürich brace for the winter season\n\n"
    "By José García and Zoë Müller\n\n"
    "ZÜRICH — Owners of the city’s cafés said on Tuesday that prices would rise, "
    "and that the crème brûlée would stay on the menu.\n"
)
PAGE = (
    "<!doctype html><html><head>{meta}<title>Кафе в Києві</title></head>"
    "<body><h1>Кафе в Києві готуються до зими</h1><p>Автор: Олена Петренко</p></body></html>"
)


def _ingest(tmp_path: Path, name: str, data: bytes) -> tuple[Path, dict[str, Any]]:
    vault = tmp_path / "vault"
    source = write_bytes(tmp_path / "in" / name, data)
    ok("ingest", source, vault=vault)
    (row,) = [r for r in ledger_rows(vault) if r.kind == "ingest"]
    return vault, row.entry()["body"]


CASES = [
    ("latin.txt", ARTICLE.encode("cp1252"), "cp1252"),
    ("utf16.txt", ARTICLE.encode("utf-16"), "utf-16-le"),  # with its byte order mark
    ("utf16be.txt", b"\xfe\xff" + ARTICLE.encode("utf-16-be"), "utf-16-be"),
    ("declared.html", PAGE.format(meta='<meta charset="windows-1251">').encode("cp1251"), "cp1251"),
    ("undeclared.html", PAGE.format(meta="").encode("cp1251"), "cp1251"),
]


@pytest.mark.parametrize(("name", "data", "charset"), CASES, ids=[c[0] for c in CASES])
def test_stored_unchanged_and_read_in_the_encoding_recorded(
    tmp_path: Path, name: str, data: bytes, charset: str
) -> None:
    vault, body = _ingest(tmp_path, name, data)
    digest = hashlib.sha256(data).hexdigest()
    assert body["item"] == digest
    assert object_path(vault, digest).read_bytes() == data
    assert body["object"]["charset"] == charset
    assert "libmagic" in body["object"]["identification"]  # what libmagic said is kept beside it
    assert any(n["note"] == "decoded" and f"read as {charset}" in n["reason"] for n in body.get("notes", []))
    claims = [c for c in body["claims"] if c["source"] == "extracted"]
    assert claims, body
    for claim in claims:
        if "span" in claim:
            start, end = claim["span"]
            assert data[start:end].decode(charset) == claim["evidence"]
    ok("verify", vault=vault)


def test_a_latin_text_cites_its_accented_names(tmp_path: Path) -> None:
    _, body = _ingest(tmp_path, "latin.txt", ARTICLE.encode("cp1252"))
    authors = [c["value"] for c in body["claims"] if c["field"] == "author"]
    assert authors == ["José García", "Zoë Müller"]
    title = [c["value"] for c in body["claims"] if c["field"] == "title"]
    assert title == ["Café owners in Zürich brace for the winter season"]


def test_a_declared_page_is_read_as_declared(tmp_path: Path) -> None:
    _, body = _ingest(tmp_path, "declared.html", PAGE.format(meta='<meta charset="windows-1251">').encode("cp1251"))
    titles = {c["value"] for c in body["claims"] if c["field"] == "title"}
    assert "Кафе в Києві готуються до зими" in titles


def test_utf8_text_is_recorded_as_before(tmp_path: Path) -> None:
    _, body = _ingest(tmp_path, "plain.txt", ARTICLE.encode("utf-8"))
    assert body["object"]["charset"] == "utf-8"
    assert not any(n["note"] == "decoded" for n in body.get("notes", []))
