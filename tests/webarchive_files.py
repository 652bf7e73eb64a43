"""Web archive test files made by the real tools: WARCs by warcio's WARCWriter (and by wget, crawling
a local server), WACZ packages by the `wacz create` command, and damaged or hostile copies of them.

Each builder returns what it wrote, so tests compare the reader against the input, not against
the reader's own output.
"""

from __future__ import annotations

import dataclasses
import gzip as gzip_module
import io
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from PIL import Image
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

SITE = "http://example.org/"
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Written:
    """One response, resource or revisit record as it was written."""

    type: str
    uri: str
    date: str
    record_id: str
    status: int | None
    content_type: str | None
    charset: str | None
    location: str | None
    refers_to: str | None
    content: bytes | None  # the content (payload without transfer- and content-coding); None for a revisit
    payload_digest: str | None
    block_digest: str | None
    corrupted: bool = False  # its bytes were changed after writing


def jpeg_bytes(width: int = 48, height: int = 32) -> bytes:
    """A small real JPEG (a colour gradient), made by Pillow."""
    image = Image.new("RGB", (width, height))
    image.putdata([(x * 5 % 256, y * 7 % 256, (x + y) % 256) for y in range(height) for x in range(width)])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def png_bytes() -> bytes:
    image = Image.new("RGB", (20, 10), (200, 30, 40))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def html(title: str, body: str) -> str:
    return f"<!doctype html><html><head><title>{title}</title></head><body><p>{body}</p></body></html>"


PAGE1 = html("Ukraine inquiry opens", "The commission began hearings in Kyiv on Monday.").encode("utf-8")
PAGE_1251 = html("Расследование", "Комиссия начала слушания в Киеве в понедельник.").encode("windows-1251")
PAGE_SJIS = html("調査開始", "委員会は月曜日にキエフで公聴会を開始した。").encode("shift_jis")
CHUNKED_PAGE = html("Chunked and gzipped", "Sent in chunks, compressed. " * 40).encode("utf-8")
ORIGINAL = html("Tampered", "ORIGINAL words that were archived.").encode("utf-8")
FORGED = ORIGINAL.replace(b"ORIGINAL", b"FORGED!!")


def chunked(data: bytes, size: int = 100) -> bytes:
    """data in HTTP/1.1 chunked transfer-coding."""
    parts = [b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size]) for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def _http(status: str, headers: list[tuple[str, str]]) -> StatusAndHeaders:
    return StatusAndHeaders(status, headers, protocol="HTTP/1.1")


class _Warc:
    """A WARCWriter that also notes what it wrote."""

    def __init__(self, out: IO[bytes], gzip: bool) -> None:
        self.out = out
        self.gzip = gzip
        self.writer = WARCWriter(out, gzip=gzip, warc_version="1.1")
        self.written: list[Written] = []

    def record(self, record: Any, content: bytes | None, **facts: Any) -> None:
        self.writer.write_record(record)
        h = record.rec_headers
        self.written.append(
            Written(
                type=record.rec_type,
                uri=h.get_header("WARC-Target-URI"),
                date=h.get_header("WARC-Date"),
                record_id=h.get_header("WARC-Record-ID"),
                content=content,
                payload_digest=h.get_header("WARC-Payload-Digest"),
                block_digest=h.get_header("WARC-Block-Digest"),
                refers_to=h.get_header("WARC-Refers-To-Target-URI"),
                **{"status": None, "content_type": None, "charset": None, "location": None, **facts},
            )
        )

    def request(self, uri: str, date: str, referer: str | None, response_id: str) -> None:
        headers = [("Host", "example.org"), ("User-Agent", "test")] + ([("Referer", referer)] if referer else [])
        req = StatusAndHeaders(f"GET {uri.removeprefix(SITE[:-1])} HTTP/1.1", headers, is_http_request=True)
        warc_headers = {"WARC-Date": date, "WARC-Concurrent-To": response_id}
        record = self.writer.create_warc_record(uri, "request", http_headers=req, warc_headers_dict=warc_headers)
        self.writer.write_record(record)

    def response(
        self,
        uri: str,
        date: str,
        body: bytes,
        header_type: str | None,
        *,
        status: str = "200 OK",
        with_request: bool = True,
        extra: list[tuple[str, str]] | None = None,
        content: bytes | None = None,
        referer: str | None = SITE,
        **facts: Any,
    ) -> Any:
        headers = ([("Content-Type", header_type)] if header_type else []) + (extra or [])
        if not any(k.lower() == "transfer-encoding" for k, _ in headers):
            headers.append(("Content-Length", str(len(body))))
        record = self.writer.create_warc_record(
            uri,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=_http(status, headers),
            warc_headers_dict={"WARC-Date": date},
        )
        self.record(record, body if content is None else content, status=int(status[:3]), **facts)
        if with_request:  # after its response, as warcio's write_request_response_pair does
            self.request(uri, date, referer, record.rec_headers.get_header("WARC-Record-ID"))
        return record


def write_warc(path: Path, *, gzip: bool) -> list[Written]:
    """A WARC of several kinds of record (see the list below); what was written, in file order."""
    with path.open("wb") as out:
        w = _Warc(out, gzip)
        w.writer.write_record(w.writer.create_warcinfo_record(path.name, {"software": "warcio", "format": "WARC 1.1"}))
        first = w.response(
            SITE,
            "2024-05-01T10:00:00Z",
            PAGE1,
            "text/html; charset=UTF-8",
            referer=None,
            content_type="text/html",
            charset="utf-8",
        )
        jpeg = jpeg_bytes()
        w.response(SITE + "photo.jpg", "2024-05-01T10:00:01Z", jpeg, "image/jpeg", content_type="image/jpeg")
        w.response(
            SITE + "ru.html",
            "2024-05-01T10:00:02Z",
            PAGE_1251,
            'text/html; charset="windows-1251"',
            content_type="text/html",
            charset="windows-1251",
        )
        w.response(
            SITE + "ja.html",
            "2024-05-01T10:00:03Z",
            PAGE_SJIS,
            "text/html;charset=Shift_JIS",
            content_type="text/html",
            charset="shift_jis",
            referer=SITE + "ru.html",
        )
        w.response(
            SITE + "old",
            "2024-05-01T10:00:05Z",
            b"",
            None,
            status="301 Moved Permanently",
            extra=[("Location", "/new-place?x=1")],
            location=SITE + "new-place?x=1",
        )
        revisit = w.writer.create_revisit_record(
            SITE,
            first.rec_headers.get_header("WARC-Payload-Digest"),
            SITE,
            "2024-05-01T10:00:00Z",
            http_headers=_http("200 OK", [("Content-Type", "text/html; charset=UTF-8")]),
            warc_headers_dict={"WARC-Date": "2024-05-02T09:00:00Z"},
        )
        w.record(revisit, None, status=200, content_type="text/html", charset="utf-8")
        png = png_bytes()
        shot = w.writer.create_warc_record(
            "urn:screenshot:" + SITE,
            "resource",
            payload=io.BytesIO(png),
            length=len(png),
            warc_content_type="image/png",
            warc_headers_dict={"WARC-Date": "2024-05-01T10:00:06Z"},
        )
        w.record(shot, png, content_type="image/png")
        w.response(
            SITE + "chunked.html",
            "2024-05-01T10:00:07Z",
            chunked(gzip_module.compress(CHUNKED_PAGE, mtime=0)),
            "text/html",
            extra=[("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")],
            content=CHUNKED_PAGE,
            content_type="text/html",
        )
        _write_corrupted(w)
    return w.written


def _write_corrupted(w: _Warc) -> None:
    """A response whose payload is changed after warcio wrote it (and its digests)."""
    buf = io.BytesIO()
    plain = _Warc(buf, gzip=False)
    plain.response(
        SITE + "tampered.html",
        "2024-05-01T10:00:08Z",
        ORIGINAL,
        "text/html",
        content=FORGED,
        content_type="text/html",
        with_request=False,
    )
    data = buf.getvalue()
    assert data.count(b"ORIGINAL") == 1
    data = data.replace(b"ORIGINAL", b"FORGED!!")
    w.out.write(gzip_module.compress(data) if w.gzip else data)
    w.written.append(dataclasses.replace(plain.written[-1], corrupted=True))


def write_bomb_warc(path: Path, decoded: int = 1 << 30) -> None:
    """A WARC whose one response is gzip content-coding of `decoded` zero bytes (about 1 MB stored)."""
    with tempfile.TemporaryFile() as payload:
        comp = zlib.compressobj(9, zlib.DEFLATED, 31)
        block = bytes(1 << 20)
        for _ in range(decoded >> 20):
            payload.write(comp.compress(block))
        payload.write(comp.flush())
        length = payload.tell()
        payload.seek(0)
        with path.open("wb") as out:
            writer = WARCWriter(out, gzip=True)
            headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("Content-Length", str(length))]
            record = writer.create_warc_record(
                SITE + "bomb.html", "response", payload=payload, length=length, http_headers=_http("200 OK", headers)
            )
            writer.write_record(record)
            page = writer.create_warc_record(
                SITE + "after.html",
                "response",
                payload=io.BytesIO(PAGE1),
                length=len(PAGE1),
                http_headers=_http("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(PAGE1)))]),
            )
            writer.write_record(page)


def write_zeros_warc(path: Path, size: int) -> None:
    """A .warc.gz (by warcio) whose resource record holds `size` zero bytes: a tiny gzip member."""
    with tempfile.TemporaryFile() as payload:
        block = bytes(1 << 20)
        for _ in range(size >> 20):
            payload.write(block)
        payload.seek(0)
        with path.open("wb") as out:
            writer = WARCWriter(out, gzip=True)
            record = writer.create_warc_record(
                "urn:zeros", "resource", payload=payload, length=size, warc_content_type="application/octet-stream"
            )
            writer.write_record(record)


# WACZ ---------------------------------------------------------------------------------------------


def make_wacz(warcs: list[Path], out: Path, *extra: str) -> None:
    """A WACZ made by py-wacz's `wacz create` command, pages detected."""
    result = subprocess.run(
        [str(BIN / "wacz"), "create", "-o", str(out), *map(str, warcs), "--detect-pages", *extra],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0 or not out.is_file():
        raise RuntimeError(f"wacz create failed: {result.stdout[-2000:]} {result.stderr[-2000:]}")


def rezip(
    src: Path,
    dst: Path,
    *,
    compress: int | None = None,
    replace: dict[str, bytes] | None = None,
    add: dict[str, tuple[Path, int]] | None = None,
    drop: tuple[str, ...] = (),
) -> None:
    """A copy of a zip, members rewritten with correct CRCs: recompressed (compress), some replaced by
    other bytes, some dropped, some added from files (name: (path, compression))."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            new = zipfile.ZipInfo(info.filename, info.date_time)
            new.compress_type = info.compress_type if compress is None else compress
            if replace and info.filename in replace:
                zout.writestr(new, replace[info.filename])
                continue
            with zin.open(info) as fin, zout.open(new, "w", force_zip64=info.file_size > (1 << 31)) as fout:
                shutil.copyfileobj(fin, fout, 1 << 20)
        for name, (path, method) in (add or {}).items():
            zout.write(path, name, compress_type=method)


def zeros_file(path: Path, size: int) -> Path:
    with path.open("wb") as f:
        block = bytes(1 << 20)
        for _ in range(size >> 20):
            f.write(block)
    return path


# wget ---------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def local_site(root: Path) -> Iterator[str]:
    """root served by Python's http.server on 127.0.0.1 (stopped by its pid afterwards); its base URL."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=10)


def wget_warc(site: Path, out_base: Path) -> Path:
    """A WARC written by wget --warc-file, crawling site (an index.html linking the rest) recursively."""
    with local_site(site) as base:
        options = ["-q", "-r", "-l", "2", "--no-proxy", "--tries=5", "--timeout=60", "--waitretry=1"]
        mirror = str(out_base.parent / "mirror")
        subprocess.run(
            ["wget", *options, "--directory-prefix", mirror, f"--warc-file={out_base}", base],
            check=False,
            timeout=600,
            capture_output=True,
        )
    path = Path(f"{out_base}.warc.gz")
    if not path.is_file():
        raise RuntimeError("wget wrote no WARC")
    return path
