"""Whether a file is a WARC or a WACZ, from a bounded prefix and the zip central directory alone."""

from __future__ import annotations

import zlib
from pathlib import Path

from archive.webarchive.wacz import DATAPACKAGE, WACZ, WARC, open_zip
from archive.webarchive.warc import open_regular

PREFIX = 1 << 16


def sniff(path: Path) -> str | None:
    """ "application/warc" for a WARC (plain, or gzip whose first member starts with WARC/1.),
    "application/wacz" for a zip holding datapackage.json, else None (also for what cannot be read).

    Never raises: any bytes, a FIFO, a directory or a missing file give None.
    """
    try:
        with open_regular(path) as f:
            head = f.read(PREFIX)
            if head.startswith(b"WARC/1."):
                return WARC
            if head[:2] == b"\x1f\x8b":
                try:
                    start = zlib.decompressobj(31).decompress(head, 16)
                except zlib.error:
                    return None
                return WARC if start.startswith(b"WARC/1.") else None
            if head[:4] != b"PK\x03\x04":
                return None
            with open_zip(f, str(path)) as zf:
                names = {i.filename for i in zf.infolist()}
            return WACZ if DATAPACKAGE in names else None
    except Exception:  # whatever the bytes or the path: not identified
        return None
