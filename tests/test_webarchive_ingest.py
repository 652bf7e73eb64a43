"""Web archives through the CLI: a WARC written by warcio is one item, its records indexed and proven,
its pages read, addressed as ID#URL, amended, related, cited in a manifest that verifies offline.

The expected values come from the files themselves, read back with warcio (the reference reader)
and hashed here: nothing is compared with what the archive's own reader says of them.
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
from pathlib import Path

import pytest
from helpers import database, ok, run
from PIL import Image
from warc_pages import page, rfc9162_root, warcio_records, write_warc
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

KHERSON = "https://news.example/kherson"
ODESA = "https://news.example/odesa"


@pytest.fixture
def warc(tmp_path: Path) -> Path:
    return write_warc(
        tmp_path / "capture.warc.gz",
        [
            (KHERSON, page("Dam breach floods Kherson").encode(), "200 OK", "text/html; charset=utf-8"),
            (ODESA, page("Odesa port reopens").encode(), "200 OK", "text/html"),
            ("https://news.example/k", b"", "301 Moved Permanently", ""),
        ],
    )


def ingested(vault: Path, path: Path) -> str:
    result = ok("ingest", path, "--json", vault=vault).json()
    return str(result["items"][0]["item"])


def test_a_warc_is_one_item_whose_records_are_indexed_and_committed(tmp_path: Path, warc: Path) -> None:
    vault = tmp_path / "vault"
    item = ingested(vault, warc)
    shown = ok("show", item, "--json", vault=vault).json()
    assert shown["media_type"] == "application/warc"
    assert shown["identification"]["by"] == "structure"
    reference = warcio_records(warc)
    assert shown["contents"]["format"] == "warc" and shown["contents"]["records"] == len(reference) == 3
    with database(vault) as conn:
        rows = [bytes(r[0]) for r in conn.execute("SELECT row FROM record WHERE item = ? ORDER BY idx", (item,))]
    assert rfc9162_root(rows) == shown["contents"]["root"]
    parsed = [json.loads(r) for r in rows]
    for row, ref in zip(parsed, reference, strict=True):
        assert (row["uri"], row["date"], row["offset"]) == (ref["uri"], ref["date"], ref["offset"])
        assert row["part"] == f"@{ref['offset']}"
        assert row["digest"] == "ok"
        if ref["content"]:
            assert row["sha256"] == hashlib.sha256(ref["content"]).hexdigest()
    assert [r["status"] for r in parsed] == [200, 200, 301]
    assert parsed[2]["location"] == KHERSON
    # The pages (HTML records) are listed with their headlines.
    assert [p["uri"] for p in shown["pages"]] == [KHERSON, ODESA]
    text = ok("show", item, vault=vault).out
    assert "Dam breach floods Kherson" in text and "Odesa port reopens" in text
    assert ok("verify", vault=vault).code == 0
    # The file itself is cited as what it is: an untitled web archive, not an article.
    csl = json.loads(ok("manifest", item, "--format", "csl", vault=vault).out)[0]
    assert (csl["type"], csl["title"]) == ("document", "[Web archive]")


def test_a_page_is_read_with_its_url_and_its_spans_are_its_content(tmp_path: Path, warc: Path) -> None:
    vault = tmp_path / "vault"
    item = ingested(vault, warc)
    shown = ok("show", f"{item[:12]}#{KHERSON}", "--json", vault=vault).json()
    current = shown["metadata"]["current"]
    assert current["title"] == "Dam breach floods Kherson"
    assert current["outlet"] == "Example News"
    assert current["published"] == "2023-06-06T09:15:00+03:00"
    assert current["url"] == KHERSON
    assert current["captured"] == shown["record"]["date"]
    content = next(r["content"] for r in warcio_records(warc) if r["uri"] == KHERSON)
    spans = [c for c in shown["metadata"]["claims"] if "span" in c]
    assert spans, "the HTML extractor quotes the page's bytes"
    for claim in spans:
        start, end = claim["span"]
        assert content[start:end].decode("utf-8") == claim["evidence"]
    assert all(c["part"] == shown["part"] for c in shown["metadata"]["claims"])
    # The same page by its part address, and by --page.
    by_part = ok("show", f"{item}#{shown['part']}", "--json", vault=vault).json()
    assert by_part["record"] == shown["record"]
    assert ok("show", item, "--page", KHERSON, "--json", vault=vault).json()["part"] == shown["part"]
    # The file's own metadata is not the page's.
    assert "title" not in ok("show", item, "--json", vault=vault).json()["metadata"]["current"]


def test_two_pages_are_amended_related_and_cited_in_a_manifest_that_verifies(tmp_path: Path, warc: Path) -> None:
    vault = tmp_path / "vault"
    item = ingested(vault, warc)
    ok("amend", f"{item}#{ODESA}", "--set", "author=Ivan Petrenko", "--reason", "byline in print", vault=vault)
    odesa = ok("show", f"{item}#{ODESA}", "--json", vault=vault).json()
    assert odesa["metadata"]["current"]["author"] == ["Ivan Petrenko"]
    shot = tmp_path / "shot.txt"
    shot.write_text("a transcript of the Kherson page\n", encoding="utf-8")
    other = ingested(vault, shot)
    related = ok("relate", other, "--to", f"{item}#{KHERSON}", "--as", "transcript", "--json", vault=vault).json()
    assert related["to_part"] == ok("show", f"{item}#{KHERSON}", "--json", vault=vault).json()["part"]
    relations = ok("show", item, "--json", vault=vault).json()["relations"]
    assert relations == [{"seq": related["seq"], "relation": "transcript", "from": other, "part": related["to_part"]}]

    manifest = tmp_path / "m.json"
    ok("manifest", f"{item}#{KHERSON}", f"{item}#{ODESA}", "-o", manifest, vault=vault)
    key = ok("key", "show", vault=vault).out.split()[-1]
    checked = ok("verify-manifest", manifest, "--key", key, "--json")
    assert checked.json()["ok"] is True
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    assert [i["id"] for i in doc["items"]] == [item, item]
    kherson, cited_odesa = doc["items"]
    assert kherson["csl"]["id"] == f"{item}#{kherson['page']['part']}"
    assert kherson["csl"]["URL"] == KHERSON and kherson["csl"]["title"] == "Dam breach floods Kherson"
    captured = kherson["page"]["record"]["date"][:10]
    assert f"archived on {captured}" in kherson["citations"]["apa"]["text"]
    assert cited_odesa["csl"]["author"] == [{"family": "Petrenko", "given": "Ivan"}]
    content = next(r["content"] for r in warcio_records(warc) if r["uri"] == KHERSON)
    assert kherson["page"]["record"]["sha256"] == hashlib.sha256(content).hexdigest()

    # A record proof that does not lead to the committed root is caught, whatever else holds.
    proof = kherson["page"]["record_proof"]
    proof["hashes"][0] = proof["hashes"][-1][::-1]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(doc), encoding="utf-8")
    codes = {p["code"] for p in run("verify-manifest", broken, "--key", key, "--json").json()["problems"]}
    assert "MANIFEST_RECORD_PROOF_INVALID" in codes


def test_a_url_captured_twice_names_no_single_page(tmp_path: Path) -> None:
    warc = write_warc(
        tmp_path / "twice.warc",
        [
            (KHERSON, page("First").encode(), "200 OK", "text/html"),
            (KHERSON, page("Second").encode(), "200 OK", "text/html"),
        ],
        gzip=False,
    )
    vault = tmp_path / "vault"
    item = ingested(vault, warc)
    refused = run("show", f"{item}#{KHERSON}", vault=vault)
    assert refused.code != 0 and "captured 2 times" in refused.err
    parts = [p["part"] for p in ok("show", item, "--json", vault=vault).json()["pages"]]
    titles = [ok("show", f"{item}#{p}", "--json", vault=vault).json()["metadata"]["current"]["title"] for p in parts]
    assert titles == ["First", "Second"]
    missing = run("show", f"{item}#https://news.example/never", vault=vault)
    assert missing.code != 0 and missing.err.startswith("error:")


def test_a_page_in_another_encoding_is_read_by_its_http_charset(tmp_path: Path) -> None:
    body = page("Прорив дамби затопив Херсон", lang="uk", meta="windows-1251").replace(
        '<meta charset="windows-1251">', ""
    )
    warc = write_warc(
        tmp_path / "uk.warc.gz", [(KHERSON, body.encode("cp1251"), "200 OK", "text/html; charset=windows-1251")]
    )
    vault = tmp_path / "vault"
    item = ingested(vault, warc)
    shown = ok("show", f"{item}#{KHERSON}", "--json", vault=vault).json()
    assert shown["record"]["charset"] == "windows-1251"
    assert shown["metadata"]["current"]["title"] == "Прорив дамби затопив Херсон"


def test_a_corrupted_payload_is_reported_at_ingest_and_by_verify(tmp_path: Path) -> None:
    warc = write_warc(
        tmp_path / "bad.warc",
        [(KHERSON, page("Dam breach floods Kherson").encode(), "200 OK", "text/html")],
        gzip=False,
    )
    data = warc.read_bytes()
    at = data.index(b"The river rose")
    warc.write_bytes(data[:at] + b"The river fell" + data[at + len(b"The river rose") :])  # same length
    vault = tmp_path / "vault"
    result = ok("ingest", warc, vault=vault)
    assert "warning: bad.warc: WARC_DIGEST_MISMATCH" in result.err
    item_id = ok("list", "--json", vault=vault).json()[0]["id"]
    notes = ok("show", item_id, "--json", vault=vault).json()["notes"]
    assert [n["note"] for n in notes] == ["WARC_DIGEST_MISMATCH"]
    # The page is still read: the bytes are evidence as they are.
    assert ok("show", f"{item_id}#{KHERSON}", "--json", vault=vault).json()["record"]["digest"] == "mismatch"
    verified = run("verify", "--json", vault=vault)
    assert verified.code == 1
    assert [p["code"] for p in verified.json()["problems"]] == ["WARC_DIGEST_MISMATCH"]
    # Reading it again finds the same: nothing to append, and the damage stays noted.
    assert ok("reextract", item_id, "--json", vault=vault).json()[0]["changed"] is False


def test_a_tampered_record_index_is_reported(tmp_path: Path, warc: Path) -> None:
    vault = tmp_path / "vault"
    item = ingested(vault, warc)
    with database(vault) as conn:
        conn.execute("DROP TRIGGER record_no_update")
        row = conn.execute("SELECT row FROM record WHERE item = ? AND idx = 1", (item,)).fetchone()[0]
        forged = bytes(row).replace(b"odesa", b"lviv!")
        conn.execute("UPDATE record SET row = ? WHERE item = ? AND idx = 1", (forged, item))
        conn.commit()
    codes = {p["code"] for p in run("verify", "--json", vault=vault).json()["problems"]}
    assert "RECORD_INDEX_MISMATCH" in codes


def test_the_record_table_refuses_changes(tmp_path: Path, warc: Path) -> None:
    vault = tmp_path / "vault"
    ingested(vault, warc)
    with database(vault) as conn:
        for statement in ("UPDATE record SET uri = 'x'", "DELETE FROM record"):
            with pytest.raises(sqlite3.DatabaseError, match="record rows are kept as indexed"):
                conn.execute(statement)


def test_reextract_reads_a_web_archive_the_same(tmp_path: Path, warc: Path) -> None:
    vault = tmp_path / "vault"
    item = ingested(vault, warc)
    assert ok("reextract", item, "--json", vault=vault).json() == [{"item": item, "changed": False, "seq": None}]


def test_an_image_inside_is_read_by_the_photo_extractor_and_a_revisit_is_indexed(tmp_path: Path) -> None:
    picture = Image.new("RGB", (8, 6), (10, 120, 200))
    exif = Image.Exif()
    exif[0x013B] = "Olena Kovalenko"  # Artist
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif)
    jpeg = buffer.getvalue()
    image_url = "https://news.example/dam.jpg"
    warc = tmp_path / "with-image.warc.gz"
    with open(warc, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "image/jpeg")], protocol="HTTP/1.1")
        first = writer.create_warc_record(image_url, "response", payload=io.BytesIO(jpeg), http_headers=http)
        writer.write_record(first)
        digest = first.rec_headers.get_header("WARC-Payload-Digest")
        date = first.rec_headers.get_header("WARC-Date")
        again = StatusAndHeaders("200 OK", [("Content-Type", "image/jpeg")], protocol="HTTP/1.1")
        writer.write_record(writer.create_revisit_record(image_url, digest, image_url, date, http_headers=again))
    vault = tmp_path / "vault"
    item = ingested(vault, warc)
    with database(vault) as conn:
        rows = [
            json.loads(bytes(r[0])) for r in conn.execute("SELECT row FROM record WHERE item = ? ORDER BY idx", (item,))
        ]
    assert [r["type"] for r in rows] == ["response", "revisit"]
    assert rows[1]["refers_to"] == image_url and "claims" not in rows[1]
    assert rows[0]["sha256"] == hashlib.sha256(jpeg).hexdigest()
    photo = ok("show", f"{item}#{rows[0]['part']}", "--json", vault=vault).json()
    assert photo["metadata"]["current"]["credit"] == [{"photographer": "Olena Kovalenko"}]
    assert {c["extractor"]["name"] for c in photo["metadata"]["claims"]} == {"image", "webarchive"}
    # The URL names two captures, but only one served the picture: the revisit is no page of its own.
    assert ok("show", f"{item}#{image_url}", "--json", vault=vault).json()["part"] == rows[0]["part"]
