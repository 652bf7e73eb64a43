"""Media type and character set detection with libmagic (the one owner of python-magic).

Detection runs once, at ingest, on the head of the file; the result is recorded in the ledger and
never re-detected, so a newer libmagic cannot change what an item was recorded as.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

HEAD_BYTES = 1 << 16  # libmagic looks at no more than this by default
_local = threading.local()


@dataclass(frozen=True)
class MediaType:
    mime: str
    charset: str | None  # None for binary formats

    @property
    def is_text(self) -> bool:
        return self.mime.startswith("text/") or self.mime in {
            "application/json",
            "application/xml",
            "application/xhtml+xml",
        }


def _detector() -> object:
    # A libmagic handle is not safe to share between threads: one per thread.
    handle = getattr(_local, "magic", None)
    if handle is None:
        import magic

        handle = magic.Magic(mime=True, mime_encoding=True)
        _local.magic = handle
    return handle


def detect(head: bytes) -> MediaType:
    """Media type and charset of bytes that begin a file (pass at least the first 64 KiB)."""
    handle = _detector()
    answer: str = handle.from_buffer(head)  # type: ignore[attr-defined]
    mime, _, params = answer.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key == "charset" and value and value != "binary":
            charset = value
    return MediaType(mime.strip() or "application/octet-stream", charset)


def libmagic_version() -> str:
    import magic

    try:
        return str(magic.version())  # type: ignore[no-untyped-call]
    except (AttributeError, NotImplementedError):
        return "unknown"
