"""Choosing and running the extractor for a stored object, inside the process that runs it.

Called in a sandbox worker (`archive.extract.tasks`), which bounds its time and memory. Failures of
any kind become notes of the Result, never exceptions: a hostile file costs one note.
"""

from __future__ import annotations

from pathlib import Path

from archive.extract.base import Note, Result

MAX_TEXT_BYTES = 16 << 20  # plain-text extraction reads the whole text: bound it
MAX_DOCUMENT_BYTES = 256 << 20  # larger HTML or PDF files are stored but not parsed
HTML_TYPES = ("text/html", "application/xhtml+xml")
IMAGE_TYPES = ("image/jpeg", "image/png", "image/tiff", "image/webp")


def _kind(media_type: str) -> str | None:
    if media_type == "text/plain":
        return "plaintext"
    if media_type in HTML_TYPES:
        return "html"
    if media_type == "application/pdf":
        return "pdf"
    if media_type in IMAGE_TYPES:
        return "image"
    return None


def extract_in_process(path: Path, media_type: str, size: int, url: str | None = None) -> Result:
    """The extractor's Result for the bytes at `path`, or a Result of notes saying why there is none."""
    kind = _kind(media_type)
    if kind is None:
        return Result("", "", notes=(Note("no extractor", f"no extractor reads {media_type}"),))
    limit = MAX_TEXT_BYTES if kind == "plaintext" else MAX_DOCUMENT_BYTES if kind != "image" else None
    if limit is not None and size > limit:
        return Result("", "", notes=(Note("not extracted", f"{kind} larger than {limit} bytes"),))
    from archive.extract.worker import run

    try:
        return run(kind, path, url)
    except (Exception, RecursionError) as exc:
        reason = f"{kind} extractor failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        return Result("", "", notes=(Note("not extracted", reason[:300]),))
