"""Web archives as items: a WARC or WACZ indexed record by record, its pages and images read.

The file is stored unchanged as one item. Its records become the item's record index: one row
each, spooled to files and then kept in the database, never held in memory, whose Merkle root
the ingest entry holds. Each HTML page and image inside is read by the sandboxed extractors with
its URL as base, and what they find (claims about that *part* of the item, and notes) is kept in
the record's row, so it is proven with the row and never makes the ingest entry grow with the
crawl. A WACZ's own description (datapackage.json, its signature) gives claims about the item
itself, in the entry. Damage inside (a payload that does not match its digest, a resource that
does not match its listed hash, a broken signature) is recorded with a problem code as a note,
never a refusal: the bytes are evidence as they are.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from archive.core.body import Contents
from archive.core.canonical import canonical_bytes
from archive.core.claim import Claim, ExtractionNote, ExtractorId
from archive.core.records import IndexTree, row_bytes
from archive.errors import BadInputError
from archive.extract.registry import for_media_type
from archive.service.extraction import Doc, Extracted
from archive.storage.port import RecordRow

if TYPE_CHECKING:
    from archive.service.extraction import Extractors
    from archive.webarchive.records import Indexed, Problem, Record
    from archive.webarchive.wacz import Page

NAME = "webarchive"
VERSION = "1.0.0"
INDEXER = (NAME, VERSION)
FORMATS = {"application/warc": "warc", "application/wacz": "wacz"}
MAX_CONTENT = 32 << 20  # a page or image larger than this is indexed, not read
_READ_TYPES = ("text/html", "application/xhtml+xml")
_ID = ExtractorId(NAME, VERSION)
_PAGES_KEY = "wacz:pages/pages.jsonl#title"


def is_web_archive(media_type: str) -> bool:
    return media_type in FORMATS


@dataclass(frozen=True)
class Capture:
    """What reading a web archive gave: its contents (for the ingest entry's object facts), the
    spooled record rows (canonical JSON lines, for the database), and claims and notes."""

    contents: Contents
    rows: Path
    claims: tuple[Claim, ...]
    notes: tuple[ExtractionNote, ...]

    def record_rows(self) -> Iterator[RecordRow]:
        """The spooled rows as the record index keeps them, read back a line at a time."""
        from archive.core.records import read_row

        with open(self.rows, "rb") as lines:
            for index, line in enumerate(lines):
                data = line.rstrip(b"\n")
                row = read_row(data)
                media = str(row.get("content_type") or "")
                status = row.get("status")
                yield RecordRow(
                    index, row["part"], row["uri"], row["date"], media, status if isinstance(status, int) else 0, data
                )

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.rows)


def _readable(record: Record) -> bool:
    """A record whose content an extractor reads: a page or an image that was served."""
    if record.type not in ("response", "resource") or record.content_type is None:
        return False
    if record.status is not None and not 200 <= record.status < 300:
        return False
    return record.content_type in _READ_TYPES or (
        record.content_type.startswith("image/") and for_media_type(record.content_type) is not None
    )


def _fact(field: str, value: Any, rule: str, key: str) -> Claim:
    return Claim(field, value, "extracted", extractor=_ID, rule=rule, evidence=str(value), key=key)


def read(path: Path, media_type: str, extractors: Extractors, spool: Path) -> Capture:
    """Index a stored WARC or WACZ and read its pages and images (module docstring).

    `spool` is a directory for the rows files and the contents handed to the extractors (the
    ingest's staging directory). Raises BadInputError only if the file cannot be read at all.
    Memory stays flat: the records' facts and what was read from them are spooled to two files as
    they come (the extractors answer in order, some records behind), then merged into the rows.
    """
    from archive.webarchive.wacz import records

    fmt = FORMATS[media_type]
    claims: list[Claim] = []
    notes: list[ExtractionNote] = []
    problems: list[Problem] = []
    listed: dict[str, Page] = {}
    if fmt == "wacz":
        listed = _package(path, claims, notes)
    stem = spool / f".rows-{os.getpid()}-{os.urandom(6).hex()}"
    facts_path, reading_path, rows_path = (stem.with_suffix(s) for s in (".facts", ".reading", ".rows"))
    in_flight: deque[tuple[int, Indexed]] = deque()

    def docs(out: IO[bytes]) -> Iterator[Doc]:
        index = 0
        for indexed in records(
            path, media_type, spool_dir=spool, keep=_readable, max_content=MAX_CONTENT, problems=problems
        ):
            record = indexed.record
            out.write(row_bytes(record.to_json()) + b"\n")
            index += 1
            if indexed.content is None:
                continue
            in_flight.append((index - 1, indexed))
            media = record.content_type or "application/octet-stream"
            if record.charset and media in _READ_TYPES:
                media = f"{media}; charset={record.charset}"
            yield Doc(indexed.content, media, None, record.size or 0, url=record.uri)

    try:
        with open(facts_path, "xb") as facts, open(reading_path, "xb") as reading:
            for found in extractors.run(docs(facts)):
                index, indexed = in_flight.popleft()
                _remove(indexed.content)
                said = _reading(indexed.record, found, listed.get(indexed.record.uri))
                reading.write(canonical_bytes({"index": index, **said}) + b"\n")
        tree = _merge(facts_path, reading_path, rows_path)
    except BaseException:
        while in_flight:
            _remove(in_flight.popleft()[1].content)
        for leftover in (facts_path, reading_path, rows_path):
            _remove(leftover)
        raise
    for leftover in (facts_path, reading_path):
        _remove(leftover)
    notes.extend(ExtractionNote(p.code, p.message) for p in problems)
    contents = Contents(fmt, tree.size, tree.root(), INDEXER)
    return Capture(contents, rows_path, tuple(claims), tuple(notes))


def reread(path: Path, media_type: str) -> Extracted:
    """What the ingest's entry says of a web archive itself, read again (for `archive reextract`):
    its package's claims, and the notes of what is damaged inside. The pages are not read again:
    what their rows say stays as the ingest made it."""
    from archive.webarchive.wacz import records

    claims: list[Claim] = []
    notes: list[ExtractionNote] = []
    problems: list[Problem] = []
    if FORMATS[media_type] == "wacz":
        _package(path, claims, notes)
    for _ in records(path, media_type, problems=problems):
        pass
    notes.extend(ExtractionNote(p.code, p.message) for p in problems)
    return Extracted(tuple(claims), tuple(notes))


def _merge(facts_path: Path, reading_path: Path, rows_path: Path) -> IndexTree:
    """The rows: each record's facts with what was read from its content, in index order (both
    files are in that order), written to `rows_path` and made durable; returns their tree."""
    tree = IndexTree()
    with open(facts_path, "rb") as facts, open(reading_path, "rb") as reading, open(rows_path, "xb") as out:
        pending = _next_reading(reading)
        for index, line in enumerate(facts):
            row = json.loads(line)
            if pending is not None and pending["index"] == index:
                row.update({k: v for k, v in pending.items() if k != "index" and v})
                pending = _next_reading(reading)
            data = row_bytes(row)
            tree.add(data)
            out.write(data + b"\n")
        out.flush()
        os.fsync(out.fileno())
    return tree


def _next_reading(reading: IO[bytes]) -> dict[str, Any] | None:
    line = reading.readline()
    return json.loads(line) if line else None


def _remove(content: Path | None) -> None:
    if content is not None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(content)


def _reading(record: Record, found: Extracted, listed: Page | None) -> dict[str, Any]:
    """What was read from one record's content, as its row keeps it: the extractor's claims and
    the record's own (its capture time and URL; for a page a WACZ lists, the title its capture
    tool recorded where the page gives none), and the extractor's notes."""
    out = list(found.claims)
    out.append(_fact("captured", record.date, "warc-date", "warc:WARC-Date"))
    if not any(c.field == "url" for c in out) and record.uri.startswith(("http://", "https://")):
        out.append(_fact("url", record.uri, "warc-target-uri", "warc:WARC-Target-URI"))
    if listed is not None and listed.title and listed.title.strip() and not any(c.field == "title" for c in out):
        out.append(_fact("title", listed.title.strip(), "wacz-page-title", _PAGES_KEY))
    return {"claims": [c.to_json() for c in out], "notes": [n.to_json() for n in found.notes]}


def _package(path: Path, claims: list[Claim], notes: list[ExtractionNote]) -> dict[str, Page]:
    """What a WACZ says of itself, and whether its signature holds, as claims about the item;
    returns the pages its pages.jsonl lists, by URL."""
    from archive.webarchive.wacz import read_package

    try:
        package = read_package(path)
    except BadInputError as exc:
        notes.append(ExtractionNote("WACZ_MALFORMED", str(exc)))
        return {}
    where = "wacz:datapackage.json"
    if package.title:
        claims.append(_fact("title", package.title, "wacz-title", f"{where}#title"))
    if package.created:
        claims.append(_fact("captured", package.created, "wacz-created", f"{where}#created"))
    if package.software:
        claims.append(_fact("generator", package.software, "wacz-software", f"{where}#software"))
    if package.main_page_url and package.main_page_url.startswith(("http://", "https://")):
        claims.append(_fact("url", package.main_page_url, "wacz-main-page", f"{where}#mainPageURL"))
    notes.extend(ExtractionNote(p.code, p.message) for p in package.problems)
    claims.extend(signature_claims(package.datapackage_digest, package.datapackage, notes))
    listed: dict[str, Page] = {}
    for page in package.pages:
        if not page.extra:
            listed.setdefault(page.url, page)
    return listed


def signature_claims(digest: bytes | None, datapackage: bytes | None, notes: list[ExtractionNote]) -> list[Claim]:
    """A WACZ signature's check as claims (signature_status, signed_by, signed_at, problems)."""
    from archive.webarchive.signing import check

    result = check(digest, datapackage)
    where = "wacz:datapackage-digest.json"
    out: list[Claim] = []
    for code, message in result.problems:
        notes.append(ExtractionNote(code, message))
    if result.status == "unsigned":
        return out
    out.append(_fact("signature_status", result.status, "wacz-signature", f"{where}#signedData"))
    for code, message in result.problems:
        out.append(_fact("signature_problem", f"{code}: {message}", "wacz-signature", f"{where}#signedData"))
    if result.signer:
        out.append(_fact("signed_by", result.signer, "wacz-signature", f"{where}#signedData"))
    if result.created:
        out.append(_fact("signed_at", result.created, "wacz-signature", f"{where}#signedData.created"))
    return out
