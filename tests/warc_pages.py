"""WARC files written by warcio for tests, and what warcio (the reference reader) reads back from them."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="{meta}">
<title>{title} | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="{published}">
</head><body><article><h1>{title}</h1><p class="byline">By Jane Reporter</p>
<figure><img src="/dam.jpg"><figcaption>The flooded embankment. Photo: John Smith/Reuters</figcaption></figure>
<p>The river rose overnight, officials said.</p></article></body></html>"""


def page(title: str, published: str = "2023-06-06T09:15:00+03:00", *, lang: str = "en", meta: str = "utf-8") -> str:
    return PAGE.format(title=title, published=published, lang=lang, meta=meta)


Response = tuple[str, bytes, str, str]  # url, body, HTTP status line, content type


def write_warc(path: Path, responses: Sequence[Response], *, gzip: bool = True) -> Path:
    """A WARC written by warcio: one response record per (url, body, status, content type)."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        for url, body, status, content_type in responses:
            headers = [("Content-Type", content_type)] if content_type else []
            if status.startswith("301"):
                headers.append(("Location", "/kherson"))
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
    return path


def warcio_records(path: Path) -> list[dict[str, Any]]:
    """What warcio itself reads: each response's URI, date, offset and content (decoded)."""
    found = []
    with open(path, "rb") as stream:
        it = ArchiveIterator(stream)
        for record in it:
            if record.rec_type != "response":
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI")
            date = record.rec_headers.get_header("WARC-Date")
            content = record.content_stream().read()
            found.append({"uri": uri, "date": date, "offset": it.get_record_offset(), "content": content})
    return found


def rfc9162_root(leaves: Sequence[bytes]) -> str:
    """The RFC 9162 Merkle tree hash of the data items, written out here from the RFC."""

    def mth(items: Sequence[bytes]) -> bytes:
        if len(items) == 1:
            return hashlib.sha256(b"\x00" + items[0]).digest()
        k = 1 << ((len(items) - 1).bit_length() - 1)
        return hashlib.sha256(b"\x01" + mth(items[:k]) + mth(items[k:])).digest()

    return (mth(leaves) if leaves else hashlib.sha256(b"").digest()).hex()
