"""The WARC / WACZ reader against files made by the real tools (warcio, wget, `wacz create`), their
damaged copies, and hostile ones (bombs, truncations, absurd lengths)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter
from webarchive_files import (
    BIN,
    CHUNKED_PAGE,
    FORGED,
    SITE,
    Written,
    jpeg_bytes,
    make_wacz,
    rezip,
    wget_warc,
    write_bomb_warc,
    write_warc,
    write_zeros_warc,
    zeros_file,
)

from archive.core.problems import CODES as PROBLEM_CODES
from archive.errors import BadInputError
from archive.webarchive.detect import sniff
from archive.webarchive.records import CODES, Indexed, Problem, Record
from archive.webarchive.wacz import MAX_PAGES, Page, content, read_package, records

WARC = "application/warc"
WACZ = "application/wacz"


def index(path: Path, media_type: str = WARC, **kwargs: object) -> tuple[list[Record], list[Problem]]:
    problems: list[Problem] = []
    found = [ix.record for ix in records(path, media_type, problems=problems, **kwargs)]  # type: ignore[arg-type]
    return found, problems


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


def warcio_offsets(path: Path) -> list[tuple[str, str, int, int]]:
    with path.open("rb") as f:
        it = ArchiveIterator(f)
        return [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), it.get_record_offset(), it.get_record_length())
            for r in it
            if r.rec_type in ("response", "resource", "revisit")
        ]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[Written]]]:
    root = tmp_path_factory.mktemp("warcs")
    out = {}
    for name, gz in (("gzip", True), ("plain", False)):
        path = root / ("capture.warc.gz" if gz else "capture.warc")
        out[name] = (path, write_warc(path, gzip=gz))
    return out


@pytest.fixture(scope="module")
def wacz(made: dict[str, tuple[Path, list[Written]]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wacz") / "capture.wacz"
    make_wacz([made["gzip"][0]], path)
    return path


# WARC records ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["gzip", "plain"])
def test_every_record_says_what_was_written(made: dict[str, tuple[Path, list[Written]]], kind: str) -> None:
    path, written = made[kind]
    found, problems = index(path)
    assert [r.uri for r in found] == [w.uri for w in written]
    for r, w in zip(found, written, strict=True):
        assert (r.type, r.date, r.record_id, r.status) == (w.type, w.date, w.record_id, w.status)
        assert (r.content_type, r.charset, r.location, r.refers_to) == (
            w.content_type,
            w.charset,
            w.location,
            w.refers_to,
        )
        assert (r.payload_digest, r.block_digest) == (w.payload_digest, w.block_digest)
        assert r.file == "" and r.part == f"@{r.offset}"
        if w.content is None:
            assert (r.sha256, r.size) == (None, None)
        else:
            assert (r.sha256, r.size) == (hashlib.sha256(w.content).hexdigest(), len(w.content))
        assert r.digest == ("mismatch" if w.corrupted else "ok"), r.uri
    assert {w.type for w in written} == {"response", "revisit", "resource"}
    assert codes(problems) == ["WARC_DIGEST_MISMATCH"]


@pytest.mark.parametrize("kind", ["gzip", "plain"])
def test_offsets_and_lengths_are_warcios(made: dict[str, tuple[Path, list[Written]]], kind: str) -> None:
    path, _ = made[kind]
    found, _ = index(path)
    assert [(r.type, r.uri, r.offset, r.length) for r in found] == warcio_offsets(path)


def test_warcio_extract_finds_each_record_at_its_offset(made: dict[str, tuple[Path, list[Written]]]) -> None:
    path, written = made["gzip"]
    found, _ = index(path)
    for r, w in zip(found, written, strict=True):
        head = subprocess.run(
            [str(BIN / "warcio"), "extract", "--headers", str(path), str(r.offset)], capture_output=True, check=True
        ).stdout
        assert f"WARC-Record-ID: {w.record_id}".encode() in head
        if w.content is not None:
            payload = subprocess.run(
                [str(BIN / "warcio"), "extract", "--payload", str(path), str(r.offset)], capture_output=True, check=True
            ).stdout
            assert payload == w.content == content(path, WARC, "", r.offset, 1 << 20)


def test_a_payload_changed_after_writing_is_a_digest_mismatch(made: dict[str, tuple[Path, list[Written]]]) -> None:
    path, written = made["plain"]
    found, problems = index(path)
    (bad,) = [r for r in found if r.digest == "mismatch"]
    assert bad.uri == next(w.uri for w in written if w.corrupted)
    assert bad.digest_detail is not None
    assert "WARC-Block-Digest" in bad.digest_detail and "WARC-Payload-Digest" in bad.digest_detail
    assert bad.sha256 == hashlib.sha256(FORGED).hexdigest()
    (problem,) = problems
    assert problem.code == "WARC_DIGEST_MISMATCH" and bad.part in problem.message and "\n" not in problem.message


def test_chunked_gzip_content_is_decoded(made: dict[str, tuple[Path, list[Written]]]) -> None:
    found, _ = index(made["gzip"][0])
    (r,) = [r for r in found if r.uri.endswith("chunked.html")]
    assert r.digest == "ok" and r.sha256 == hashlib.sha256(CHUNKED_PAGE).hexdigest()
    assert content(made["gzip"][0], WARC, "", r.offset, 1 << 20) == CHUNKED_PAGE


def test_kept_records_are_spooled_byte_for_byte(made: dict[str, tuple[Path, list[Written]]], tmp_path: Path) -> None:
    path, written = made["gzip"]
    spool = tmp_path / "spool"
    spool.mkdir()
    seen: list[Indexed] = list(records(path, WARC, spool_dir=spool, keep=lambda r: r.content_type == "text/html"))
    expected = {w.uri: w.content for w in written if w.content_type == "text/html" and w.content is not None}
    spooled = {ix.record.uri: ix.content.read_bytes() for ix in seen if ix.content is not None}
    assert spooled == expected
    assert sorted(spool.iterdir()) == sorted(ix.content for ix in seen if ix.content is not None)
    for ix in seen:
        if ix.content is not None:
            ix.content.unlink()
    # content above max_content is not spooled, and leaves no file behind
    big = list(records(path, WARC, spool_dir=spool, keep=lambda r: True, max_content=200))
    kept = {ix.record.uri for ix in big if ix.content is not None}
    assert kept == {w.uri for w in written if w.content is not None and len(w.content) <= 200}
    assert len(list(spool.iterdir())) == len(kept)


def test_content_by_address_seeks_to_the_record(made: dict[str, tuple[Path, list[Written]]], tmp_path: Path) -> None:
    path, written = made["gzip"]
    found, _ = index(path)
    data = path.read_bytes()
    for r, w in zip(found, written, strict=True):
        if w.content is None:
            continue
        # Everything but the record overwritten: reading it cannot have needed the rest of the file.
        alone = tmp_path / "alone.warc.gz"
        alone.write_bytes(b"\0" * r.offset + data[r.offset : r.offset + r.length] + b"\xff" * 1000)
        assert content(alone, WARC, "", r.offset, 1 << 20) == w.content
    jpeg = next(r for r in found if r.content_type == "image/jpeg")
    with pytest.raises(BadInputError):
        content(path, WARC, "", jpeg.offset, 100)  # larger than the limit
    with pytest.raises(BadInputError):
        content(path, WARC, "", jpeg.offset + 1, 1 << 20)  # no record starts there


def test_to_json_has_every_member_but_the_empty_ones(made: dict[str, tuple[Path, list[Written]]]) -> None:
    found, _ = index(made["gzip"][0])
    revisit = next(r for r in found if r.type == "revisit")
    as_json = revisit.to_json()
    assert "sha256" not in as_json and "size" not in as_json and as_json["refers_to"] == SITE
    assert json.loads(json.dumps(as_json)) == as_json
    fields = set(Record.__dataclass_fields__)
    for r in found:
        assert Record(**{**dict.fromkeys(fields), **r.to_json()}) == r


def _warc_with(headers: dict[str, str], body: bytes, *, extra: list[tuple[str, str]] | None = None) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    http_headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), *(extra or [])], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            SITE + "x", "response", payload=io.BytesIO(body), length=len(body), http_headers=http_headers,
            warc_headers_dict=headers,
        )
    )  # fmt: skip
    return out.getvalue()


def test_digests_in_every_encoding_and_algorithm(tmp_path: Path) -> None:
    body = b"<p>hello</p>"
    sha256 = hashlib.sha256(body).digest()
    cases = {
        "sha256:" + sha256.hex(): "ok",
        "sha256:" + sha256.hex().upper(): "ok",
        "sha256:" + base64.b64encode(sha256).decode(): "ok",
        "sha256:" + base64.urlsafe_b64encode(sha256).decode().rstrip("="): "ok",
        "sha256:" + base64.b32encode(sha256).decode(): "ok",
        "SHA-1:" + base64.b32encode(hashlib.sha1(body).digest()).decode().lower(): "ok",
        "md5:" + hashlib.md5(body).hexdigest(): "ok",
        "sha256:" + hashlib.sha256(body + b"!").hexdigest(): "mismatch",
    }
    for value, expected in cases.items():
        path = tmp_path / "d.warc"
        path.write_bytes(_warc_with({"WARC-Payload-Digest": value}, body))
        (r,), _ = index(path)
        assert (r.digest, r.payload_digest) == (expected, value)
    # an unknown algorithm for both digests: nothing to check
    path.write_bytes(_warc_with({"WARC-Payload-Digest": "crc99:AAAA", "WARC-Block-Digest": "sha1:notbase32"}, body))
    (r,), problems = index(path)
    assert r.digest == "unsupported" and problems == []
    # no digest headers at all
    data = _warc_with({}, body)
    data = re.sub(rb"WARC-(Block|Payload)-Digest: [^\r]*\r\n", b"", data)
    path.write_bytes(data)
    (r,), _ = index(path)
    assert (r.digest, r.block_digest, r.payload_digest) == ("absent", None, None)


def test_a_payload_digest_over_the_dechunked_body_is_accepted_too(tmp_path: Path) -> None:
    body = b"<p>" + b"chunk " * 50 + b"</p>"
    stored = b"".join(b"%x\r\n%s\r\n" % (len(body[i : i + 64]), body[i : i + 64]) for i in range(0, len(body), 64))
    stored += b"0\r\n\r\n"
    for digested, expected in ((body, "ok"), (body + b"x", "mismatch")):
        value = "sha1:" + base64.b32encode(hashlib.sha1(digested).digest()).decode()
        path = tmp_path / "c.warc"
        path.write_bytes(_warc_with({"WARC-Payload-Digest": value}, stored, extra=[("Transfer-Encoding", "chunked")]))
        (r,), _ = index(path)
        assert (r.digest, r.sha256) == (expected, hashlib.sha256(body).hexdigest())


def test_content_codings_that_cannot_be_undone(tmp_path: Path) -> None:
    body = b"<p>stored as it was sent</p>"
    path = tmp_path / "e.warc"
    # brotli is not supported: the content is unknown, the digests still checked
    path.write_bytes(_warc_with({}, b"\x1b\x03\x00\xf8" + body, extra=[("Content-Encoding", "br")]))
    (r,), problems = index(path)
    assert (r.digest, r.sha256, r.size) == ("ok", None, None) and codes(problems) == ["WARC_CONTENT_UNDECODABLE"]
    # a body stored decoded under its original Content-Encoding header is taken as it is (as in warcio)
    path.write_bytes(_warc_with({}, body, extra=[("Content-Encoding", "gzip")]))
    (r,), problems = index(path)
    assert (r.sha256, problems) == (hashlib.sha256(body).hexdigest(), [])
    # gzip that breaks after it started decoding
    broken = gzip.compress(body * 200)
    broken = broken[:40] + bytes(b ^ 0xFF for b in broken[40:60]) + broken[60:]
    path.write_bytes(_warc_with({}, broken, extra=[("Content-Encoding", "gzip")]))
    (r,), problems = index(path)
    assert (r.digest, r.sha256) == ("ok", None) and codes(problems) == ["WARC_CONTENT_UNDECODABLE"]
    # deflate sent as raw deflate rather than zlib
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    path.write_bytes(_warc_with({}, raw.compress(body) + raw.flush(), extra=[("Content-Encoding", "deflate")]))
    (r,), problems = index(path)
    assert (r.sha256, problems) == (hashlib.sha256(body).hexdigest(), [])


def test_a_warc_written_by_wget(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    jpeg = jpeg_bytes(64, 40)
    page = b'<html><head><title>Home</title></head><body><a href="ru.html">ru</a><img src="p.jpg"></body></html>'
    ru = "<html><head><meta charset=windows-1251><title>Дом</title></head></html>".encode("windows-1251")
    (site / "index.html").write_bytes(page)
    (site / "ru.html").write_bytes(ru)
    (site / "p.jpg").write_bytes(jpeg)
    path = wget_warc(site, tmp_path / "crawl")
    found, problems = index(path)
    assert problems == []
    assert [(r.type, r.uri, r.offset, r.length) for r in found] == warcio_offsets(path)
    assert all(r.digest == "ok" for r in found)
    by_name = {r.uri.rsplit("/", 1)[-1]: r for r in found if r.type == "response"}
    assert by_name[""].sha256 == hashlib.sha256(page).hexdigest() and by_name[""].content_type == "text/html"
    assert by_name["ru.html"].sha256 == hashlib.sha256(ru).hexdigest()
    assert (by_name["p.jpg"].content_type, by_name["p.jpg"].size) == ("image/jpeg", len(jpeg))
    assert content(path, WARC, "", by_name["p.jpg"].offset, 1 << 20) == jpeg


# WACZ --------------------------------------------------------------------------------------------


def test_a_wacz_made_by_wacz_create(wacz: Path, made: dict[str, tuple[Path, list[Written]]]) -> None:
    package = read_package(wacz)
    assert package.problems == ()
    assert package.wacz_version == "1.1.1"
    assert package.software is not None and package.software.startswith("py-wacz ")
    assert package.created is not None and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", package.created)
    assert package.warcs == ("archive/capture.warc.gz",)
    with zipfile.ZipFile(wacz) as zf:
        assert package.datapackage == zf.read("datapackage.json")
        assert package.datapackage_digest == zf.read("datapackage-digest.json")
        lines = [json.loads(line) for line in zf.read("pages/pages.jsonl").splitlines()]
        listed = json.loads(zf.read("datapackage.json"))["resources"]
    assert lines[0]["format"] == "json-pages-1.0"
    assert [(p.url, p.ts, p.title, p.id) for p in package.pages] == [
        (e["url"], e["ts"], e["title"], e["id"]) for e in lines[1:]
    ]
    assert {p.url for p in package.pages} <= {w.uri for w in made["gzip"][1] if w.content_type == "text/html"}
    assert package.resources == tuple((e["path"], e["hash"], e["bytes"]) for e in listed)
    warc = made["gzip"][0].read_bytes()
    assert ("archive/capture.warc.gz", "sha256:" + hashlib.sha256(warc).hexdigest(), len(warc)) in package.resources


def test_wacz_records_are_the_warcs_records(wacz: Path, made: dict[str, tuple[Path, list[Written]]]) -> None:
    inside, problems = index(wacz, WACZ)
    alone, _ = index(made["gzip"][0])
    name = "archive/capture.warc.gz"
    assert [r.file for r in inside] == [name] * len(alone)
    assert [r.part for r in inside] == [f"{name}@{r.offset}" for r in alone]
    assert [{**r.to_json(), "file": "", "part": ""} for r in inside] == [
        {**r.to_json(), "file": "", "part": ""} for r in alone
    ]
    assert codes(problems) == ["WARC_DIGEST_MISMATCH"] and name in problems[0].message
    photo = next(r for r in inside if r.content_type == "image/jpeg")
    assert hashlib.sha256(content(wacz, WACZ, name, photo.offset, 1 << 20)).hexdigest() == photo.sha256


def test_deflated_warc_members_read_the_same(wacz: Path, tmp_path: Path) -> None:
    deflated = tmp_path / "deflated.wacz"
    rezip(wacz, deflated, compress=zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(deflated) as zf:
        assert zf.getinfo("archive/capture.warc.gz").compress_type == zipfile.ZIP_DEFLATED
    assert read_package(deflated).problems == ()
    stored, _ = index(wacz, WACZ)
    found, _ = index(deflated, WACZ)
    assert found == stored
    page = next(r for r in found if r.uri.endswith("ru.html"))
    assert content(deflated, WACZ, page.file, page.offset, 1 << 20) == content(
        wacz, WACZ, page.file, page.offset, 1 << 20
    )


def test_a_tampered_wacz_is_a_resource_mismatch(wacz: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(wacz) as zf:
        pages = zf.read("pages/pages.jsonl")
    tampered = tmp_path / "tampered.wacz"
    rezip(wacz, tampered, replace={"pages/pages.jsonl": pages.replace(b"ru.html", b"xx.html")})
    problems = read_package(tampered).problems
    assert [(p.code, "pages/pages.jsonl" in p.message) for p in problems] == [("WACZ_RESOURCE_MISMATCH", True)]
    # another WARC in the place of the listed one
    other = tmp_path / "other.warc.gz"
    write_warc(other, gzip=True)
    rezip(wacz, tampered, replace={"archive/capture.warc.gz": other.read_bytes()})
    assert codes(list(read_package(tampered).problems)) == ["WACZ_RESOURCE_MISMATCH"]


def test_missing_and_unlisted_members(wacz: Path, tmp_path: Path) -> None:
    changed = tmp_path / "changed.wacz"
    extra = tmp_path / "notes.txt"
    extra.write_text("added later")
    rezip(wacz, changed, drop=("indexes/index.idx",), add={"notes.txt": (extra, zipfile.ZIP_DEFLATED)})
    problems = read_package(changed).problems
    assert sorted(codes(list(problems))) == ["WACZ_RESOURCE_MISSING", "WACZ_UNLISTED_MEMBER"]
    no_package = tmp_path / "bare.wacz"
    rezip(wacz, no_package, drop=("datapackage.json",))
    package = read_package(no_package)
    assert "WACZ_MALFORMED" in codes(list(package.problems)) and package.wacz_version is None
    assert package.warcs == ("archive/capture.warc.gz",)  # still found, in zip order
    assert len(index(no_package, WACZ)[0]) == len(index(wacz, WACZ)[0])


def test_pages_files_are_read_within_bounds(wacz: Path, tmp_path: Path) -> None:
    header = json.dumps({"format": "json-pages-1.0", "id": "pages"}).encode()
    good = [json.dumps({"url": f"{SITE}{i}", "ts": "2024-05-01T10:00:00Z", "id": str(i)}).encode() for i in range(3)]
    lines = [header, *good, b"{not json", b'{"title": "no url"}', b'{"url": "' + b"x" * (9 << 20) + b'"}', good[0]]
    changed = tmp_path / "pages.wacz"
    rezip(wacz, changed, replace={"pages/pages.jsonl": b"\n".join(lines)})
    package = read_package(changed)
    assert [p.url for p in package.pages] == [f"{SITE}{i}" for i in (0, 1, 2, 0)]
    assert package.pages[0] == Page(f"{SITE}0", "2024-05-01T10:00:00Z", None, "0")
    assert sorted(codes(list(package.problems))) == ["WACZ_MALFORMED", "WACZ_RESOURCE_MISMATCH"]
    many = [header] + [json.dumps({"url": f"{SITE}{i}"}).encode() for i in range(MAX_PAGES + 5)]
    rezip(wacz, changed, replace={"pages/pages.jsonl": b"\n".join(many)})
    package = read_package(changed)
    assert len(package.pages) == MAX_PAGES
    assert sorted(codes(list(package.problems))) == ["WACZ_PAGES_LIMIT", "WACZ_RESOURCE_MISMATCH"]


def test_not_a_zip_is_bad_input(tmp_path: Path) -> None:
    junk = tmp_path / "junk.wacz"
    junk.write_bytes(b"PK\x03\x04" + os.urandom(5000))
    with pytest.raises(BadInputError):
        read_package(junk)
    with pytest.raises(BadInputError):
        list(records(junk, WACZ))
    with pytest.raises(BadInputError):
        read_package(tmp_path)


# sniff -------------------------------------------------------------------------------------------


def test_sniff(made: dict[str, tuple[Path, list[Written]]], wacz: Path, tmp_path: Path) -> None:
    assert sniff(made["gzip"][0]) == WARC
    assert sniff(made["plain"][0]) == WARC
    assert sniff(wacz) == WACZ
    plain_zip = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain_zip, "w") as zf:
        zf.writestr("readme.txt", "hello")
    other_gzip = tmp_path / "notes.gz"
    other_gzip.write_bytes(gzip.compress(b"not a WARC at all"))
    random_bytes = tmp_path / "random.bin"
    random_bytes.write_bytes(os.urandom(100_000))
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    broken_gzip = tmp_path / "broken.gz"
    broken_gzip.write_bytes(b"\x1f\x8b" + os.urandom(200))
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path in (plain_zip, other_gzip, random_bytes, empty, broken_gzip, fifo, tmp_path, tmp_path / "missing"):
        assert sniff(path) is None, path


# Hostile and damaged input -----------------------------------------------------------------------

# The child's peak RSS is its own memory's high-water mark (VmHWM), which starts afresh with the
# new program; getrusage's ru_maxrss would also count the parent it was forked from (a test worker).
_CHILD = """
import json, sys
from pathlib import Path
from archive.webarchive.wacz import records
problems = []
found = [ix.record.to_json() for ix in records(Path(sys.argv[1]), sys.argv[2], problems=problems)]
status = Path("/proc/self/status").read_text().splitlines()
peak = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))
print(json.dumps({"records": found, "problems": [[p.code, p.message] for p in problems], "peak": peak}))
"""


def _index_in_child(path: Path, media_type: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), media_type], capture_output=True, check=True, timeout=300
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


def test_a_gzip_bomb_in_a_payload_stops_at_the_bound(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.warc.gz"
    write_bomb_warc(bomb, decoded=256 << 20)  # a reader holding it would pass 150 MB
    assert bomb.stat().st_size < 1 << 20
    result = _index_in_child(bomb, WARC)
    found = result["records"]
    assert isinstance(found, list)
    assert [(r["uri"], "sha256" in r, r["digest"]) for r in found] == [
        (SITE + "bomb.html", False, "ok"),
        (SITE + "after.html", True, "ok"),
    ]
    assert [code for code, _ in result["problems"]] == ["WARC_CONTENT_LIMIT"]  # type: ignore[attr-defined]
    assert isinstance(result["peak"], int) and result["peak"] < 150 << 20


def test_a_gzip_bomb_member_of_the_warc_stops_there(tmp_path: Path) -> None:
    bomb = tmp_path / "zeros.warc.gz"
    write_zeros_warc(bomb, 128 << 20)
    assert bomb.stat().st_size < 1 << 20
    result = _index_in_child(bomb, WARC)
    assert result["records"] == []
    assert [code for code, _ in result["problems"]] == ["WARC_GZIP_LIMIT"]  # type: ignore[attr-defined]
    assert isinstance(result["peak"], int) and result["peak"] < 150 << 20


def test_a_zip_bomb_member_is_not_read(wacz: Path, tmp_path: Path) -> None:
    zeros = zeros_file(tmp_path / "zeros", 300 << 20)
    bombed = tmp_path / "bombed.wacz"
    rezip(wacz, bombed, add={"archive/zeros.warc": (zeros, zipfile.ZIP_DEFLATED)})
    zeros.unlink()
    package = read_package(bombed)
    assert "archive/zeros.warc" in package.warcs
    assert sorted(codes(list(package.problems))) == ["WACZ_UNLISTED_MEMBER"]  # unlisted: never hashed
    problems: list[Problem] = []
    found = [ix.record for ix in records(bombed, WACZ, problems=problems)]
    assert len(found) == len(index(wacz, WACZ)[0])
    assert sorted(codes(problems)) == ["WACZ_MALFORMED", "WARC_DIGEST_MISMATCH"]
    assert any("archive/zeros.warc" in p.message and "bomb" in p.message for p in problems)


@pytest.mark.parametrize("kind", ["gzip", "plain"])
def test_a_truncated_warc_keeps_the_records_before_the_cut(
    made: dict[str, tuple[Path, list[Written]]], kind: str, tmp_path: Path
) -> None:
    path, _ = made[kind]
    whole, _ = index(path)
    photo = next(i for i, r in enumerate(whole) if r.content_type == "image/jpeg")
    cut = tmp_path / path.name
    for end in (whole[photo].offset + whole[photo].length // 2, whole[photo].offset + 20):
        cut.write_bytes(path.read_bytes()[:end])
        found, problems = index(cut)
        assert found == whole[:photo]
        assert codes(problems) == ["WARC_TRUNCATED"]


def test_absurd_and_broken_content_lengths(made: dict[str, tuple[Path, list[Written]]], tmp_path: Path) -> None:
    path, _ = made["plain"]
    data = path.read_bytes()
    whole, _ = index(path)
    photo = next(r for r in whole if r.content_type == "image/jpeg")
    head_end = data.index(b"\r\n\r\n", photo.offset)
    record_head = data[photo.offset : head_end]
    length = re.search(rb"Content-Length: (\d+)", record_head)
    assert length is not None
    for value, code in ((b"999999999999999999", "WARC_TRUNCATED"), (b"12abc", "WARC_MALFORMED")):
        changed = tmp_path / "changed.warc"
        changed.write_bytes(
            data[: photo.offset] + record_head.replace(length.group(0), b"Content-Length: " + value) + data[head_end:]
        )
        found, problems = index(changed)
        assert [r.uri for r in found] == [r.uri for r in whole[: whole.index(photo)]]
        assert codes(problems) == [code]


def test_headers_that_are_not_utf8(made: dict[str, tuple[Path, list[Written]]], tmp_path: Path) -> None:
    path, _ = made["plain"]
    data = path.read_bytes()
    changed = tmp_path / "latin1.warc"
    target = b"WARC-Target-URI: " + SITE.encode() + b"ru.html\r\n"
    assert data.count(target) == 2  # the response and its request
    changed.write_bytes(data.replace(target, b"WARC-Target-URI: " + SITE.encode() + b"caf\xe9.html\r\n"))
    found, problems = index(changed)
    assert SITE + "caf\xe9.html" in [r.uri for r in found]
    assert codes(problems) == ["WARC_DIGEST_MISMATCH"]


def test_a_bad_gzip_member_stops_there(made: dict[str, tuple[Path, list[Written]]], tmp_path: Path) -> None:
    path, _ = made["gzip"]
    whole, _ = index(path)
    photo = next(i for i, r in enumerate(whole) if r.content_type == "image/jpeg")
    data = bytearray(path.read_bytes())
    middle = whole[photo].offset + whole[photo].length // 2
    data[middle : middle + 8] = bytes(b ^ 0x55 for b in data[middle : middle + 8])
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(bytes(data))
    found, problems = index(broken)
    assert found == whole[:photo]
    assert codes(problems) == ["WARC_MALFORMED"]


def test_a_whole_file_gzip_is_not_addressable(made: dict[str, tuple[Path, list[Written]]], tmp_path: Path) -> None:
    one_member = tmp_path / "one.warc.gz"
    one_member.write_bytes(gzip.compress(made["plain"][0].read_bytes()))
    assert sniff(one_member) == WARC
    found, problems = index(one_member)
    assert found == [] and codes(problems) == ["WARC_GZIP_NOT_PER_RECORD"]


def test_not_a_warc_at_all(tmp_path: Path) -> None:
    junk = tmp_path / "junk.warc"
    junk.write_bytes(os.urandom(10_000))
    found, problems = index(junk)
    assert found == [] and codes(problems) == ["WARC_MALFORMED"]
    with pytest.raises(BadInputError):
        list(records(tmp_path, WARC))
    with pytest.raises(ValueError, match="media type"):
        list(records(junk, "text/html"))


@pytest.mark.parametrize("kind", ["gzip", "plain"])
def test_damage_never_changes_the_records_before_it(
    made: dict[str, tuple[Path, list[Written]]], kind: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path, _ = made[kind]
    data = path.read_bytes()
    whole, _ = index(path)
    damaged = tmp_path_factory.mktemp("damaged") / path.name

    @settings(max_examples=40, deadline=None)
    @given(st.integers(0, len(data) - 1), st.binary(min_size=1, max_size=40), st.booleans())
    def check(at: int, junk: bytes, cut: bool) -> None:
        damaged.write_bytes(data[:at] + (b"" if cut else junk + data[at + len(junk) :]))
        found, problems = index(damaged)
        before = [r for r in whole if r.offset + r.length <= at]
        assert found[: len(before)] == before
        assert {p.code for p in problems} <= set(CODES)

    check()


def test_every_code_is_documented() -> None:
    source = "".join(
        p.read_text("utf-8") for p in (Path(__file__).parent.parent / "archive" / "webarchive").glob("*.py")
    )
    used = set(re.findall(r'"((?:WARC|WACZ)_[A-Z_]+)"', source))
    assert used <= set(PROBLEM_CODES)  # every code the package writes is a problem code with its meaning
