"""The one dispatcher: finds the extractor for a document's media type, runs it, and never raises.

It runs inside a bounded worker process (time and memory are the sandbox's to limit), so it
guards against everything else: a media type no extractor reads, a document larger than its
extractor reads, and any exception an extractor raises (RecursionError and MemoryError included)
each become a note in the Result. `run_json` is the same over plain JSON data, for a handler that
passes arguments between processes.

A Result the dispatcher makes itself carries the extractor's name and version when one was found,
and the dispatcher's own (`NAME`, `VERSION`) when none reads the media type.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archive.errors import BadInputError
from archive.extract.api import Document, Note, Result, result_to_json
from archive.extract.registry import REGISTRY, Registry, load

NAME = "dispatch"
VERSION = "1.0.0"
MAX_REASON_CHARS = 300


def run(doc: Document, table: Registry = REGISTRY) -> Result:
    """What the extractor for `doc.media_type` finds in the document; what it could not, as notes.

    `table` is the registry to look the media type up in (the archive's own by default).
    """
    registration = table.for_media_type(doc.media_type)
    if registration is None:
        return Result(NAME, VERSION, notes=(Note("no extractor", f"no extractor reads {doc.media_type}"),))
    try:
        extractor = load(registration)
        if doc.size > extractor.max_bytes:
            reason = f"{doc.size} bytes: the {extractor.name} extractor reads at most {extractor.max_bytes}"
            return Result(extractor.name, extractor.version, notes=(Note("not extracted", reason),))
        result = extractor.extract(doc)
        if not isinstance(result, Result):
            raise TypeError(f"extract returned {type(result).__name__}, not a Result")
        return result
    except Exception as exc:  # RecursionError and MemoryError too: one document's failure is a note
        reason = _bounded(f"{registration.name} extractor failed: {_describe(exc)}")
        return Result(registration.name, registration.version, notes=(Note("not extracted", reason),))


def run_json(args: dict[str, Any]) -> dict[str, Any]:
    """`run` over JSON data: `{"path", "media_type", "charset", "size", "url"}` in, the Result as
    `dataclasses.asdict` gives it out. Raises BadInputError if the arguments are not of that shape."""
    return result_to_json(run(document_from_json(args)))


def document_from_json(args: dict[str, Any]) -> Document:
    """A Document from `{"path", "media_type", "charset", "size", "url"}` (charset and url may be
    null or absent); raises BadInputError naming the first argument that is wrong."""
    if not isinstance(args, dict):
        raise BadInputError(f"extraction arguments must be an object, not {type(args).__name__}")
    unknown = set(args) - {"path", "media_type", "charset", "size", "url"}
    if unknown:
        raise BadInputError(f"unknown extraction argument {sorted(unknown)[0]!r}")
    path, media_type, size = args.get("path"), args.get("media_type"), args.get("size")
    charset, url = args.get("charset"), args.get("url")
    if not isinstance(path, str) or not path or "\x00" in path:
        raise BadInputError("extraction argument 'path' must be a non-empty path")
    if not isinstance(media_type, str) or not media_type:
        raise BadInputError("extraction argument 'media_type' must be a non-empty string")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise BadInputError("extraction argument 'size' must be a byte count")
    for name, value in (("charset", charset), ("url", url)):
        if value is not None and not isinstance(value, str):
            raise BadInputError(f"extraction argument {name!r} must be a string or null")
    return Document(Path(path), media_type, charset, size, url)


def _describe(exc: BaseException) -> str:
    try:
        message = str(exc)
    except Exception:  # an exception whose __str__ fails still gets its type named
        message = ""
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _bounded(text: str) -> str:
    return text if len(text) <= MAX_REASON_CHARS else text[: MAX_REASON_CHARS - 1] + "\u2026"
