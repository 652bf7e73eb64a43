"""Extract what a PDF says about itself: its document metadata, and what its text says.

Most PDFs in this archive are "print to PDF" copies of web pages, so the metadata describes
the *file*, not the article: a browser sets /Title to the page's <title>, /Producer to
itself and /CreationDate to the moment of printing. The policy, like `plaintext`'s, is
to abstain rather than guess:

* title: /Title or XMP dc:title, unless it is a file name ("Microsoft Word - x.docx"), a
  URL or a placeholder ("Untitled"). If the two disagree, neither is taken. A browser's print
  (its user agent in /Creator, or Skia in /Producer) has the page's <title> as /Title, often
  with the site's or a section's name joined on ("Headline - Site"): when a part of it between
  separators (the first or the longest, never the site's name last alone) is printed as a line
  of its own in the text, that part, the headline, is the title (rule
  "pdf-info-title-printed"; the whole /Title stays its evidence; a colon after the title's
  longer share sets parts apart too: "Headline: Column: Site"). A /Title in one part is the
  title where the text shows it (as a line, or its letters in order over the print's line
  breaks, for three words or more); else, in parts or not, it is the headline only the metadata
  states (`meta_title`, as stated); an error page's ("Forbidden") is none. The text rules'
  headline of a browser's print stands where /Title words it too, or where the print draws it
  in its largest display type, and where that type holds one headline-like paragraph that /Title
  states, only a title within it (a /Title that says more is then `meta_title`); a print with no
  title otherwise takes that paragraph (rule "pdf-largest-type").
* outlet: from the text rules; for a browser's print whose text names none, the site's name
  that ends its /Title ("Headline - Site") where the text names it too (rule
  "pdf-title-suffix": a copyright line, the name alone as a logo prints, a link about the site,
  "Search Site") or the domain of a link the print keeps spells it ("site.com").
* author: /Author or XMP dc:creator, only when every name in it looks like a person's
  ("Jane Doe", not "jdoe", "Microsoft Word" or "Administrator"). Disagreement: none.
* created: /CreationDate or XMP xmp:CreateDate, as ISO 8601 (a datetime with its offset
  when the PDF states one, else the date alone, since a time in an unknown zone is not an
  instant). It is when the file was made, never `published`.
* modified: never from the metadata. /ModDate is when the *file* last changed, while
  `modified` means the article's own update date; a ModDate other than the CreationDate
  is kept as a Note, because a file changed after it was printed is worth knowing about.
* language: the catalog's /Lang (a browser copies the page's `lang` there) or dc:language.
* text: every page's text (bounded), in NFC with typographic ligatures ("ﬁ") spelled out and
  Kangxi radicals read as the ideographs a CJK font draws them with ("⾸" as "首") so
  that words match (not NFKC, which would also rewrite what the page prints: "…" as "..."),
  shaped Arabic (presentation forms, which pypdf's layout mode gives in drawing order) read in
  reading order, a line whose every run of text was drawn twice over ("By By JANE DOEJANE DOE") read once
  (a Note says so), hard-wrapped lines joined back into paragraphs (by where each line ends on
  the page and its type size, as pypdf's layout step measures them: a headline in large type is a
  paragraph of its own, and spaced as /Title spaces it where only its spaces differ), with the
  browser's print header and footer taken out and read on their own: the footer's URL is the page's `url` (rule
  "print-footer"); the header's date is the time of printing (a Note; `created` only when
  the metadata has no creation date and the date's day/month order is unambiguous). What
  remains goes through `plaintext.extract`; its facts come back with rule "text:<rule>",
  key "pdf-text" and no byte span (a span would point into extracted text, not the PDF).

PDFs are hostile input, and pypdf can loop or balloon on a crafted file, so the parsing
runs in a child process (`python -m archive.extract.pdf --worker`) with a wall-clock
timeout and memory and CPU limits; it reports back in JSON lines, so what it found
before a timeout is still used. Nothing here raises on bad input: every failure is a Note.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

from archive.extract.api import Document, Fact, FunctionExtractor, Note, Result
from archive.extract.common.dates import When, same_time
from archive.extract.common.headlines import agrees, error_title
from archive.extract.common.headlines import starts as opens_with
from archive.extract.common.mastheads import TITLE_SEPARATOR, site_domain, title_outlet
from archive.extract.common.names import capitalize_words, is_person_name, shouting
from archive.extract.common.text import spaceless

NAME = "pdf"
VERSION = "1.9.0"
MEDIA_TYPES = frozenset({"application/pdf"})

TIMEOUT = 60.0  # seconds for the whole parse, metadata and text
MAX_PAGES = 200  # pages of text; metadata is read whatever the page count
MAX_TEXT_BYTES = 16 << 20  # as the plain-text extractor bounds what it reads
MAX_FILE_BYTES = 256 << 20  # above this, metadata only: a text pass over it would not finish in time
# Through the dispatcher a larger PDF is stored, not read, as ingest has always done (`extract`
# itself would still read its metadata).
MAX_BYTES = MAX_FILE_BYTES
MAX_XMP_BYTES = 1 << 20
MAX_VALUE_CHARS = 4096  # one metadata value; longer is not a title or a name
MEMORY_LIMIT = 2 << 30  # the worker's address space: a decompression bomb fails instead of swapping
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]
_INFO_KEYS = ("/Title", "/Author", "/Subject", "/Creator", "/Producer", "/CreationDate", "/ModDate")


@dataclass
class _Parsed:
    """What the worker reported, line by line."""

    meta: dict[str, Any] | None = None
    pages: list[str] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    geometry: list[list[tuple[float, float]] | None] = field(default_factory=list)  # per page: see `_layout_text`
    hosts: list[str] = field(default_factory=list)  # of the web links on the pages, one per link
    notes: list[Note] = field(default_factory=list)
    done: bool = False


def extract(path: Path, *, timeout: float = TIMEOUT) -> Result:
    """Facts about the PDF at `path`; never raises on bad input, only returns Notes."""
    notes: list[Note] = []
    try:
        size = path.stat().st_size
    except OSError as exc:
        return Result(NAME, VERSION, notes=(Note("not extracted", f"cannot read the file: {exc.strerror}"),))
    try:
        with path.open("rb") as file:
            head = file.read(1024)
    except OSError as exc:
        return Result(NAME, VERSION, notes=(Note("not extracted", f"cannot read the file: {exc.strerror}"),))
    if b"%PDF-" not in head:  # readers accept the header anywhere in the first 1024 bytes
        return Result(NAME, VERSION, notes=(Note("not extracted", "not a PDF (no %PDF- header)"),))
    with_text = size <= MAX_FILE_BYTES
    if not with_text:
        notes.append(Note("text not extracted", f"file larger than {MAX_FILE_BYTES} bytes: metadata only"))
    parsed = _run_worker(path, timeout=timeout, with_text=with_text)
    notes.extend(parsed.notes)
    if parsed.meta is None and not _has_eof(path, size) and not any(n.note == "incomplete" for n in notes):
        notes.append(Note("incomplete", "no %%EOF marker near the end: the file is cut short or not a whole PDF"))
    facts: list[Fact] = []
    if parsed.meta is not None:
        facts.extend(_metadata_facts(parsed.meta, notes))
    if parsed.pages:
        has_created = any(f.field == "created" for f in facts)
        text_facts, body, largest = _text_facts(parsed.pages, parsed.modes, has_created, notes, parsed.geometry)
        if parsed.meta is not None and _printed_by_browser(parsed.meta):
            titles = [f.value for f in facts if f.rule == "pdf-info-title" and isinstance(f.value, str)]
            cut = [_page_title(f, body, notes) if f.rule == "pdf-info-title" else f for f in facts]
            facts = [f for f in cut if f is not None]
            main = [_as_titled(fact, titles) for fact in _largest_headline(largest)]
            text_facts = _agreeing_titles(text_facts, titles, notes, largest)
            text_facts = _under_the_headline(text_facts, main, titles, notes)
            text_facts = _fragments_out(text_facts, facts, notes)
            facts = _as_metadata_headline(facts, main, titles, body)
            if not any(f.field == "title" for f in (*facts, *text_facts)):
                text_facts += main
            if titles and not any(f.field == "outlet" for f in text_facts):
                text_facts += _title_outlet(titles[0], body, parsed.hosts)
        facts.extend(text_facts)
    # Without byte spans, two readings of the same words (a credit repeated on a later page)
    # are one fact.
    unique: dict[tuple[str, ...], Fact] = {}
    for f in facts:
        unique.setdefault((f.field, json.dumps(f.value, sort_keys=True), f.rule, f.evidence, str(f.key)), f)
    return Result(NAME, VERSION, tuple(unique.values()), tuple(dict.fromkeys(notes)))


def _has_eof(path: Path, size: int) -> bool:
    try:
        with path.open("rb") as file:
            file.seek(max(0, size - 1024))
            return b"%%EOF" in file.read()
    except OSError:
        return False


# ---------------------------------------------------------------------------------------
# The child process
# ---------------------------------------------------------------------------------------


def _run_worker(path: Path, *, timeout: float, with_text: bool) -> _Parsed:
    # -P: the current directory must not shadow pypdf; PYTHONPATH makes the package
    # importable even when it is run from a checkout that is not installed.
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_PACKAGE_ROOT), env.get("PYTHONPATH", "")) if p)
    env["PYTHONIOENCODING"] = "utf-8"
    if not sys.executable:
        return _Parsed(notes=[Note("not extracted", "no Python interpreter to run the PDF parser in")])
    args = [sys.executable, "-P", "-m", "archive.extract.pdf", "--worker", str(path.resolve())]
    args += [str(MAX_PAGES if with_text else 0), str(MAX_TEXT_BYTES), str(int(timeout) + 1)]
    parsed = _Parsed()
    try:
        proc = subprocess.run(
            args, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired as exc:
        _read_lines(exc.stdout or b"", parsed)
        where = f"after {len(parsed.pages)} pages of text" if parsed.meta is not None else "before the metadata"
        parsed.notes.append(Note("parse timed out", f"pypdf did not finish within {timeout:g} s ({where})"))
        return parsed
    except OSError as exc:
        parsed.notes.append(Note("not extracted", f"cannot start the PDF parser: {exc}"))
        return parsed
    _read_lines(proc.stdout, parsed)
    if proc.returncode != 0 or not parsed.done:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
        parsed.notes.append(Note("parser failed", f"the PDF parser stopped early: {tail[0][:300]}"))
    return parsed


def _read_lines(output: bytes, parsed: _Parsed) -> None:
    for raw in output.splitlines():
        try:
            record = json.loads(raw)
        except ValueError:
            continue  # the last line of a killed worker may be cut off
        if not isinstance(record, dict):
            continue
        kind = record.get("kind")
        if kind == "meta":
            parsed.meta = record
        elif kind == "page":
            parsed.pages.append(str(record.get("text", "")))
            parsed.modes.append(str(record.get("mode", "plain")))
            parsed.geometry.append(_geometry(record.get("lines"), parsed.pages[-1]))
            hosts = record.get("hosts")
            if isinstance(hosts, list):
                parsed.hosts.extend(str(h) for h in hosts[:MAX_LINKS])
        elif kind == "note":
            parsed.notes.append(Note(str(record.get("note", "")), str(record.get("reason", ""))))
        elif kind == "done":
            parsed.done = True


def _geometry(lines: Any, text: str) -> list[tuple[float, float]] | None:
    """A page's line geometry as the worker reported it, or None unless it is one pair of numbers a line."""
    if not isinstance(lines, list) or len(lines) != text.count("\n") + 1 or len(lines) > MAX_GEOMETRY_LINES:
        return None
    pairs: list[tuple[float, float]] = []
    for item in lines:
        if not (isinstance(item, list) and len(item) == 2 and all(type(v) in (int, float) for v in item)):
            return None
        height, right = float(item[0]), float(item[1])
        if not (math.isfinite(height) and math.isfinite(right)) or height < 0:
            return None
        pairs.append((height, right))
    return pairs


def _worker(path: str, max_pages: int, max_text: int, seconds: int) -> int:
    """Parse the PDF and print JSON lines: meta, then pages, notes, and done."""
    _limit_resources(seconds)
    import logging
    import warnings

    from pypdf import PdfReader

    class _Collect(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.WARNING)
            self.count = 0
            self.first = ""

        def emit(self, record: logging.LogRecord) -> None:
            self.count += 1
            self.first = self.first or record.getMessage()[:200]

    collected = _Collect()
    logging.getLogger("pypdf").addHandler(collected)
    logging.getLogger("pypdf").propagate = False
    warnings.simplefilter("ignore")

    def emit(record: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(record, ensure_ascii=True) + "\n")
        sys.stdout.flush()

    try:
        reader = PdfReader(path, strict=False)
    except Exception as exc:
        reader = _salvage(path)
        if reader is None:
            emit({"kind": "note", "note": "not a readable PDF", "reason": _describe(exc)})
            emit({"kind": "done"})
            return 0
        emit({"kind": "note", "note": "incomplete", "reason": f"{_describe(exc)}; read what is there"})
    meta: dict[str, Any] = {"kind": "meta", "encrypted": False}
    try:
        if reader.is_encrypted:
            meta["encrypted"] = True
            # Many PDFs are "encrypted" only to set permissions, with an empty user password.
            if reader.decrypt(""):
                meta["decrypted"] = True
            else:
                emit(meta)
                emit({"kind": "note", "note": "encrypted", "reason": "the PDF needs a password to be read"})
                emit({"kind": "done"})
                return 0
    except Exception as exc:
        emit(meta)
        emit({"kind": "note", "note": "encrypted", "reason": f"cannot decrypt: {_describe(exc)}"})
        emit({"kind": "done"})
        return 0
    meta.update(_worker_metadata(reader))
    try:
        count = len(reader.pages)
    except Exception as exc:
        count = 0
        emit({"kind": "note", "note": "no text", "reason": f"cannot read the page tree: {_describe(exc)}"})
    meta["pages"] = count
    emit(meta)
    if max_pages and count > max_pages:
        emit({"kind": "note", "note": "text truncated", "reason": f"{count} pages: text of the first {max_pages} only"})
    total = 0
    for index in range(min(count, max_pages)):
        try:
            page = reader.pages[index]
            geometry: list[list[float]] | None = None
            try:
                text, geometry = _layout_text(page)
                mode = "layout"
            except Exception:
                # Layout mode is the younger code path; the plain one reads more odd fonts.
                text, mode = page.extract_text(), "plain"
        except Exception as exc:
            emit({"kind": "note", "note": "page not read", "reason": f"page {index + 1}: {_describe(exc)}"})
            continue
        total += len(text.encode("utf-8", "surrogatepass"))
        if total > max_text:
            emit({"kind": "note", "note": "text truncated", "reason": f"more than {max_text} bytes of text"})
            break
        record = {"kind": "page", "index": index, "text": text, "mode": mode, "hosts": _link_hosts(page)}
        if geometry is not None:
            record["lines"] = geometry
        emit(record)
    if collected.count:
        # One note: the messages after the first are mostly its consequences.
        reason = f"pypdf worked around {collected.count} problem(s), the first: {collected.first}"
        emit({"kind": "note", "note": "damaged PDF", "reason": reason})
    emit({"kind": "done"})
    return 0


MAX_LINKS = 1000  # link annotations read on a page: a page of links has a few hundred
MAX_GEOMETRY_LINES = 20_000  # lines of a page measured: a printed page has a few hundred


def _layout_text(page: Any) -> tuple[str, list[list[float]] | None]:
    """The page's layout-mode text, and each of its lines' font height and right edge, when known.

    pypdf groups the page's text runs into lines (by their drawn height) before it lays them
    out in fixed-width columns, where sizes are lost. The groups are read at that step, from
    pypdf's layout module: `[height, right]` per line of the text (the tallest run's effective
    font height and the right end of its last run, in PDF units; `[0, 0]` for a blank line),
    with a line of display type and smaller runs split in two (`_line_geometry`). Where that
    step is not there to read (another pypdf) or its lines do not give the text's lines back,
    the geometry is None and the text is pypdf's as ever.
    """
    try:
        from pypdf._text_extraction import _layout_mode
    except ImportError:
        return page.extract_text(extraction_mode="layout"), None
    original = getattr(_layout_mode, "fixed_width_page", None)
    if original is None:
        return page.extract_text(extraction_mode="layout"), None
    seen: list[tuple[Any, Any]] = []

    def recording(ty_groups: Any, char_width: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append((ty_groups, char_width))
        return original(ty_groups, char_width, *args, **kwargs)

    _layout_mode.fixed_width_page = recording
    try:
        text = page.extract_text(extraction_mode="layout")
    finally:
        _layout_mode.fixed_width_page = original
    if len(seen) != 1 or text.count("\n") >= MAX_GEOMETRY_LINES:
        return text, None
    try:
        measured = _line_geometry(text, seen[0][0], seen[0][1], original)
    except Exception:
        measured = None  # pypdf's groups are not what this reads: the text alone
    return (text, None) if measured is None else measured


def _line_geometry(text: str, groups: Any, char_width: Any, lay_out: Any) -> tuple[str, list[list[float]]] | None:
    """`text` and each of its lines' [height, right], matched in order to the line groups that drew
    them. A line where display type and smaller runs share a height on the page (a menu item
    beside a headline's line, drawn at its height) comes back as two lines: the display type's,
    then the rest, each measured on its own."""
    body = _usual_height((float(run["font_height"]), str(run["text"])) for group in groups.values() for run in group)

    def measured(runs: list[Any]) -> tuple[str, list[float]]:
        line = lay_out({0: runs}, char_width, False, 1).strip("\n")
        height = max(float(run["font_height"]) for run in runs)
        right = max(float(run["displaced_tx"]) for run in runs)
        return line, [round(height, 2), round(right, 2)]

    drawn: list[tuple[str, list[tuple[str, list[float]]]]] = []
    for group in groups.values():
        line, size = measured(group)
        if not line.strip():
            continue
        tallest = size[0]
        tall = [run for run in group if float(run["font_height"]) >= (1 - _SAME_SIZE) * tallest]
        taken = {id(run) for run in tall}
        small = [run for run in group if id(run) not in taken and str(run["text"]).strip()]
        if body > 0 and tallest > _LARGER * body and small and any(str(r["text"]).strip() for r in tall):
            drawn.append((line, [measured(tall), measured(small)]))
        else:
            drawn.append((line, [(line, size)]))
    lines: list[str] = []
    geometry: list[list[float]] = []
    at = 0
    for line in text.split("\n"):
        if not line.strip():
            lines.append(line)
            geometry.append([0.0, 0.0])
            continue
        while at < len(drawn) and drawn[at][0] != line:
            at += 1
        if at == len(drawn):
            return None
        for part, size in drawn[at][1]:
            lines.append(part)
            geometry.append(size)
        at += 1
    return "\n".join(lines), geometry


def _link_hosts(page: Any) -> list[str]:
    """The host of each web link on a page (a browser's print keeps the page's links as URI
    annotations); a link that cannot be read is passed over."""
    try:
        annotations = page.get("/Annots") or []
        annotations = list(annotations.get_object() if hasattr(annotations, "get_object") else annotations)
    except Exception:
        return []
    return [host for annotation in annotations[:MAX_LINKS] if (host := _link_host(annotation))]


def _link_host(annotation: Any) -> str | None:
    try:
        action = annotation.get_object().get("/A")
        uri = action.get_object().get("/URI") if action is not None else None
        if not isinstance(uri, str) or len(uri) > 2000:
            return None
        parts = urlsplit(uri)
        if parts.scheme.lower() in ("http", "https") and parts.hostname:
            return parts.hostname.lower().removeprefix("www.")
    except Exception:  # a damaged annotation: no link
        return None
    return None


_CATALOG = re.compile(rb"(\d{1,10})\s+(\d{1,5})\s+obj\s*<<(?:(?!endobj).){0,4000}?/Type\s*/Catalog\b", re.DOTALL)


def _salvage(path: str) -> Any:
    """A reader for a PDF cut short (an interrupted download), or None.

    The cross-reference table and trailer come last, so a cut file has neither: give it a
    trailer naming its catalog, and pypdf rebuilds the table by scanning the objects.
    """
    from io import BytesIO

    from pypdf import PdfReader

    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            return None
        with open(path, "rb") as file:
            data = file.read()
        if b"%%EOF" in data[-1024:]:
            return None  # not cut short: broken in some other way
        catalog = _CATALOG.search(data)
        if catalog is None:
            return None
        trailer = b"\ntrailer\n<< /Root %s %s R >>\nstartxref\n0\n%%%%EOF\n" % (catalog[1], catalog[2])
        reader = PdfReader(BytesIO(data + trailer), strict=False)
        len(reader.pages)  # the page tree must be there too
        return reader
    except Exception:
        return None


def _worker_metadata(reader: Any) -> dict[str, Any]:
    """The document info strings, the raw XMP packet and the catalog's /Lang."""
    found: dict[str, Any] = {"info": {}, "xmp": None, "lang": None}
    try:
        info = reader.trailer.get("/Info")
        info = info.get_object() if info is not None else None
        if isinstance(info, dict):
            for key in _INFO_KEYS:
                value = info.get(key)
                value = value.get_object() if value is not None else None
                if isinstance(value, str):
                    found["info"][key] = value[:MAX_VALUE_CHARS]
    except Exception as exc:
        found["info_error"] = _describe(exc)
    try:
        root = reader.trailer["/Root"].get_object()
        lang = root.get("/Lang")
        lang = lang.get_object() if lang is not None else None
        if isinstance(lang, str):
            found["lang"] = lang[:64]
        stream = root.get("/Metadata")
        stream = stream.get_object() if stream is not None else None
        if stream is not None and hasattr(stream, "get_data"):
            data = stream.get_data()
            if len(data) <= MAX_XMP_BYTES:
                found["xmp"], error = _parse_xmp(data.decode("utf-8", "replace"))
                if error:
                    found["xmp_error"] = error
            else:
                found["xmp_error"] = f"XMP packet larger than {MAX_XMP_BYTES} bytes"
    except Exception as exc:
        found["xmp_error"] = _describe(exc)
    return found


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:300]}"


def _limit_resources(seconds: int) -> None:
    """Cap the worker's memory, and its CPU time in case the parent dies before its timeout."""
    try:
        import resource
    except ImportError:  # not on POSIX: the parent's timeout is the only bound
        return
    for limit, value in ((resource.RLIMIT_AS, MEMORY_LIMIT), (resource.RLIMIT_CPU, seconds + 30)):
        try:
            soft, hard = resource.getrlimit(limit)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            if soft == resource.RLIM_INFINITY or soft > value:
                resource.setrlimit(limit, (value, hard))
        except (ValueError, OSError):
            pass  # a stricter limit is already in place


# ---------------------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------------------

_XMP_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _metadata_facts(meta: dict[str, Any], notes: list[Note]) -> list[Fact]:
    info = meta.get("info") or {}
    if not isinstance(info, dict):
        info = {}
    for key in ("info_error", "xmp_error"):
        if meta.get(key):
            notes.append(Note("metadata not read", str(meta[key])))
    xmp = _xmp_dict(meta.get("xmp"))
    if meta.get("encrypted") and meta.get("decrypted"):
        notes.append(Note("encrypted", "encrypted with an empty user password: read without one"))

    facts: list[Fact] = []
    facts.extend(_title_facts(info, xmp, notes))
    facts.extend(_author_facts(info, xmp, notes))
    facts.extend(_created_facts(info, xmp, notes))
    facts.extend(_language_facts(meta.get("lang"), xmp, notes))
    return facts


def _parse_xmp(packet: str) -> tuple[dict[str, list[str]], str | None]:
    """The dc:title, dc:creator, dc:language, xmp:CreateDate and xmp:ModifyDate values.

    Runs in the worker, under its limits. Properties are read wherever an rdf:Description
    holds them (as attribute or element), whatever its rdf:about; an rdf:Alt gives its
    x-default item first.
    """
    # XMP never needs a DTD, and entities are how XML parsers are attacked: refuse them.
    if "<!DOCTYPE" in packet or "<!ENTITY" in packet:
        return {}, "XMP declares a DTD or entities: not read"
    start = packet.find("<")
    try:
        root = ElementTree.fromstring(packet[max(start, 0) :].rstrip("\x00 \r\n\t"))  # noqa: S314 (no DTD, see above)
    except ElementTree.ParseError as exc:
        return {}, f"XMP is not well-formed XML: {exc}"
    wanted = {
        f"{{{_XMP_NS['dc']}}}title": "XMP-dc:Title",
        f"{{{_XMP_NS['dc']}}}creator": "XMP-dc:Creator",
        f"{{{_XMP_NS['dc']}}}language": "XMP-dc:Language",
        f"{{{_XMP_NS['xmp']}}}CreateDate": "XMP-xmp:CreateDate",
        f"{{{_XMP_NS['xmp']}}}ModifyDate": "XMP-xmp:ModifyDate",
    }
    found: dict[str, list[str]] = {}
    for desc in root.iter(f"{{{_XMP_NS['rdf']}}}Description"):
        for name, value in desc.attrib.items():
            if name in wanted and value.strip():
                found.setdefault(wanted[name], [value.strip()[:MAX_VALUE_CHARS]])
        for child in desc:
            if child.tag in wanted:
                values = _xmp_values(child)
                if values:
                    found.setdefault(wanted[child.tag], values)
    return found, None


def _xmp_dict(value: Any) -> dict[str, list[str]]:
    """The worker's XMP readings, checked: it is another process's output."""
    if not isinstance(value, dict):
        return {}
    return {str(k): [str(x) for x in v] for k, v in value.items() if isinstance(v, list)}


def _xmp_values(element: ElementTree.Element) -> list[str]:
    items = list(element.iter(f"{{{_XMP_NS['rdf']}}}li"))
    if not items:
        text = (element.text or "").strip()
        return [text] if text else []
    # In an rdf:Alt the x-default item is the one meant for any reader.
    items.sort(key=lambda li: li.get(_XML_LANG) != "x-default")
    return [text[:MAX_VALUE_CHARS] for li in items[:50] if (text := " ".join((li.text or "").split()))]


_FILE_NAME = re.compile(r"(?i)\.(?:docx?|pdf|html?|rtf|odt|pages|indd|txt|xlsx?|pptx?|jpe?g|png|tiff?|eps|ps)$")
_APP_PREFIX = re.compile(r"(?i)^(?:microsoft\s+(?:word|powerpoint|excel)|adobe\s+\w+)\s+-\s+")
_PLACEHOLDER_TITLE = re.compile(r"(?i)^(?:untitled(?:\s+document)?|no\s+title|title|document\s*\d*|print|about:blank)$")
_URL_LIKE = re.compile(r"(?i)^(?:https?|file|about|chrome|data):")


# The Latin and Armenian presentation-form ligatures (U+FB00-FB06, U+FB13-FB17): a font's glyphs for
# letter pairs, which text extraction hands back as one character. And the Kangxi radicals
# (U+2F00-2FD5, two of the CJK radicals supplement): a CJK font draws a radical and the ideograph
# it equals ('⾸', '首') with one glyph, and the PDF's map back to text may name the radical.
_LIGATURES = {
    c: unicodedata.normalize("NFKC", chr(c))
    for c in (*range(0xFB00, 0xFB07), *range(0xFB13, 0xFB18), *range(0x2F00, 0x2FD6), 0x2E9F, 0x2EF3)
}


def _faithful(text: str) -> str:
    """The text in NFC with ligatures spelled out: every other character as the PDF has it."""
    return unicodedata.normalize("NFC", text.translate(_LIGATURES))


# Arabic presentation forms: the shaped glyphs (initial, medial, final, isolated; ligatures) that
# a print's fonts map back to, in the order they are drawn, left to right, which is visual order.
_SHAPED = re.compile(r"[\ufb50-\ufdff\ufe70-\ufeff]")
# What keeps its own left-to-right order inside right-to-left text: Latin words and numbers.
_LTR_WORD = r"[0-9A-Za-z\u00c0-\u024f](?:[0-9A-Za-z\u00c0-\u024f.,:/%'+-]*[0-9A-Za-z\u00c0-\u024f%])?"
_LEFT_TO_RIGHT = re.compile(rf"{_LTR_WORD}(?: +{_LTR_WORD})*")
_MIRRORED = str.maketrans("()[]{}<>\u00ab\u00bb", ")(][}{><\u00bb\u00ab")


def _logical_order(line: str) -> str:
    """A line of shaped Arabic as it is read: pypdf's layout mode gives the glyphs in drawing
    order, so 'دمشق' comes out as the glyphs of 'قشمد'. Such a line (one with presentation forms)
    is read backwards, but for the Latin words and numbers in it, which keep their order, with
    brackets mirrored, and each glyph then as its letters (NFKC: 'ﻻ' is 'لا'). Other lines are
    as they are: unshaped text is in reading order already."""
    if not _SHAPED.search(line):
        return line
    body = line.strip()
    pieces: list[str] = []
    at = 0
    for match in _LEFT_TO_RIGHT.finditer(body):
        pieces.append(body[at : match.start()][::-1].translate(_MIRRORED))
        pieces.append(match.group())
        at = match.end()
    pieces.append(body[at:][::-1].translate(_MIRRORED))
    read = "".join(reversed(pieces))
    read = _SHAPED.sub(lambda m: unicodedata.normalize("NFKC", m.group()), read)
    return line[: len(line) - len(line.lstrip())] + read


def _clean(value: str) -> str:
    return " ".join(_faithful(value).split())


def _title_facts(info: dict[str, Any], xmp: dict[str, list[str]], notes: list[Note]) -> list[Fact]:
    candidates: list[tuple[str, str, str]] = []  # (key, raw, value)
    if isinstance(info.get("/Title"), str):
        candidates.append(("pdf:/Title", info["/Title"], _clean(info["/Title"])))
    if xmp.get("XMP-dc:Title"):
        raw = xmp["XMP-dc:Title"][0]
        candidates.append(("XMP-dc:Title", raw, _clean(raw)))
    good = []
    for key, raw, value in candidates:
        if not value:
            continue
        if _APP_PREFIX.match(value) or _FILE_NAME.search(value):
            notes.append(Note("title not taken", f"{key} {value!r} is a file name, not a title"))
        elif _URL_LIKE.match(value) or _PLACEHOLDER_TITLE.match(value):
            notes.append(Note("title not taken", f"{key} {value!r} is a placeholder or an address, not a title"))
        else:
            good.append((key, raw, value))
    if len({value.casefold() for _, _, value in good}) > 1:
        notes.append(Note("title not taken", " and ".join(key for key, _, _ in good) + " disagree"))
        return []
    if not good:
        return []
    key, raw, value = good[0]
    return [Fact("title", value, "pdf-info-title" if key == "pdf:/Title" else "xmp-title", raw, key=key)]


# Words that make a value software, an account or an institution rather than a person.
_NOT_NAME = frozenset(
    """
    microsoft word excel powerpoint office adobe acrobat distiller indesign photoshop illustrator
    quark pdf pdfcreator user admin administrator owner unknown author windows mac apple google
    docs chrome firefox safari mozilla libreoffice openoffice writer scanner scan canon epson hp
    xerox ricoh konica brother printer staff editor editors reporter news press desk team default
    guest test the of and for inc ltd llc corp company agency service media group
    """.split()  # noqa: SIM905
)


def _person(value: str) -> str | None:
    """The value as a person's name ('Jane Doe', 'JANE DOE' -> 'Jane Doe'), or None."""
    tokens = value.split()
    if not is_person_name(tokens, not_names=_NOT_NAME, any_case=True):
        return None
    return capitalize_words(value) if shouting(value) else " ".join(tokens)


_NAME_LIST = re.compile(r"\s*;\s*|\s*,\s*|\s+(?:and|&)\s+")


def _author_facts(info: dict[str, Any], xmp: dict[str, list[str]], notes: list[Note]) -> list[Fact]:
    sources: list[tuple[str, str, list[str]]] = []  # (key, raw, names)
    if isinstance(info.get("/Author"), str) and info["/Author"].strip():
        raw = info["/Author"]
        sources.append(("pdf:/Author", raw, [p for p in _NAME_LIST.split(_clean(raw)) if p]))
    for raw in xmp.get("XMP-dc:Creator", []):
        sources.append(("XMP-dc:Creator", raw, [p for p in _NAME_LIST.split(_clean(raw)) if p]))
    facts: list[Fact] = []
    for key, raw, parts in sources:
        names = [_person(p) for p in parts]
        if not parts or None in names:
            notes.append(Note("author not taken", f"{key} {_clean(raw)!r} does not read as a person's name"))
            continue
        facts.extend(
            Fact("author", name, "pdf-info-author" if key == "pdf:/Author" else "xmp-creator", raw, key=key)
            for name in names
            if name
        )
    info_names = {str(f.value) for f in facts if f.key == "pdf:/Author"}
    xmp_names = {str(f.value) for f in facts if f.key == "XMP-dc:Creator"}
    if info_names and xmp_names and info_names != xmp_names:
        notes.append(Note("author not taken", "pdf:/Author and XMP-dc:Creator name different people"))
        return []
    if info_names and xmp_names:
        facts = [f for f in facts if f.key == "pdf:/Author"]  # the same names twice: keep one reading
    return facts


_PDF_DATE = re.compile(
    r"^(?:D:)?(?P<y>\d{4})(?P<mo>\d{2})?(?P<d>\d{2})?(?P<h>\d{2})?(?P<mi>\d{2})?(?P<s>\d{2})?"
    r"(?:(?P<z>[Zz])(?:00'?(?:00'?)?)?|(?P<sign>[+\-])(?P<oh>\d{2})'?(?:(?P<om>\d{2})'?)?)?$"
)
_ISO_DATE = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<mo>\d{2})(?:-(?P<d>\d{2})(?:T(?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"(?:(?P<z>Z)|(?P<sign>[+\-])(?P<oh>\d{2}):?(?P<om>\d{2}))?)?)?)?$"
)
_EARLIEST_YEAR = 1993  # PDF 1.0: an earlier date was never a PDF's


def _pdf_date(raw: str) -> When | None:
    """A PDF or XMP date: a datetime with offset when one is stated, else a date."""
    text = raw.strip()
    match = _PDF_DATE.match(text) or _ISO_DATE.match(text)
    if not match or not match["mo"] or not match["d"]:
        return None
    try:
        day = date(int(match["y"]), int(match["mo"]), int(match["d"]))
    except ValueError:
        return None
    if day.year < _EARLIEST_YEAR:
        return None
    if match["h"] is None or (match["z"] is None and match["sign"] is None):
        return When(day)  # no time, or a time in an unknown zone: the date is all we know
    hour, minute, second = int(match["h"]), int(match["mi"] or 0), int(match["s"] or 0)
    oh, om = int(match["oh"] or 0), int(match["om"] or 0)
    if hour > 23 or minute > 59 or second > 59 or oh > 23 or om > 59:
        return None
    offset = "+00:00" if match["z"] else f"{match['sign']}{oh:02d}:{om:02d}"
    return When(day, time(hour, minute, second), offset)


def _created_facts(info: dict[str, Any], xmp: dict[str, list[str]], notes: list[Note]) -> list[Fact]:
    readings: list[tuple[str, str, When]] = []
    for key, raw in (
        ("pdf:/CreationDate", info.get("/CreationDate")),
        ("XMP-xmp:CreateDate", _first(xmp, "XMP-xmp:CreateDate")),
    ):
        if not isinstance(raw, str) or not raw.strip():
            continue
        when = _pdf_date(raw)
        if when is None:
            notes.append(Note("created not taken", f"{key} {raw.strip()!r} is not a valid date"))
        else:
            readings.append((key, raw, when))
    if len(readings) == 2 and not same_time(readings[0][2], readings[1][2]):
        notes.append(
            Note(
                "created not taken",
                f"pdf:/CreationDate and XMP-xmp:CreateDate disagree: {readings[0][2].iso()} and {readings[1][2].iso()}",
            )
        )
        return []
    for key, raw in (("pdf:/ModDate", info.get("/ModDate")), ("XMP-xmp:ModifyDate", _first(xmp, "XMP-xmp:ModifyDate"))):
        changed = _pdf_date(raw) if isinstance(raw, str) else None
        if changed and readings and not same_time(changed, readings[0][2]):
            notes.append(
                Note(
                    "file modified",
                    f"{key} {changed.iso()}: the file was changed after it was made "
                    f"(when the file changed, not when the article was updated)",
                )
            )
            break
    if not readings:
        return []
    key, raw, when = readings[0]
    rule = "pdf-info-created" if key == "pdf:/CreationDate" else "xmp-created"
    return [Fact("created", when.iso(), rule, raw, key=key)]


def _first(xmp: dict[str, list[str]], key: str) -> str | None:
    values = xmp.get(key)
    return values[0] if values else None


_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def _language_facts(lang: Any, xmp: dict[str, list[str]], notes: list[Note]) -> list[Fact]:
    for key, raw in (("pdf:/Lang", lang), ("XMP-dc:Language", _first(xmp, "XMP-dc:Language"))):
        if not isinstance(raw, str) or not raw.strip():
            continue
        tag = raw.strip()
        if _LANGUAGE_TAG.match(tag) and tag.lower() not in ("und", "mul", "zxx"):
            return [Fact("language", tag, "pdf-catalog-lang" if key == "pdf:/Lang" else "xmp-language", raw, key=key)]
        notes.append(Note("language not taken", f"{key} {tag[:64]!r} is not a language tag"))
    return []


# ---------------------------------------------------------------------------------------
# Text: the browser's print header and footer, then the article
# ---------------------------------------------------------------------------------------

# Browsers print the local date and time in the locale's short form: "3/23/22, 2:15 PM"
# (en-US), "23/03/2022, 14:15" (en-GB), "23.03.22, 14:15" (de).
_PRINT_TIME = (
    r"(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{2}|\d{4}),?\s+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::\d{2})?"
    r"(?:\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?))?"
)
_COUNTER = r"(?:(?i:page)\s+)?(?P<n>\d{1,4})\s*(?:/|(?i:of))\s*(?P<of>\d{1,4})"
_URL = r"(?P<url>(?:https?|file)://\S+|about:blank)"
_FURNITURE = (
    re.compile(rf"^{_PRINT_TIME}(?:\s+(?P<rest>.*))?$"),
    re.compile(rf"^(?P<rest>.*?)\s+{_PRINT_TIME}$"),
    re.compile(rf"^{_URL}(?:\s+(?P<rest>.*?))?\s+{_COUNTER}$"),
    re.compile(rf"^(?:(?P<rest>.*?)\s+)?{_COUNTER}$"),
    re.compile(rf"^{_COUNTER}\s+(?P<rest>.*)$"),
    re.compile(rf"^(?:(?P<rest>.*?)\s+)?{_URL}$"),
    re.compile(rf"^{_URL}(?:\s+(?P<rest>.*))?$"),
)
_ELIDED = re.compile(r"\u2026|\.\.\.")


@dataclass(frozen=True)
class _Furniture:
    """A print header or footer line: what it shows."""

    text: str
    url: str | None
    printed: str | None  # the print time as shown
    printed_iso: str | None  # its date, when the day/month order is certain
    counter: tuple[int, int] | None


def _furniture(line: str) -> _Furniture | None:
    """Read a line as a print header or footer, or None when it is not one."""
    text = " ".join(line.split())
    url = printed = printed_iso = None
    counter = None
    for pattern in _FURNITURE:
        match = pattern.match(text)
        if not match:
            continue
        groups = match.groupdict()
        if groups.get("n"):
            counter = (int(groups["n"]), int(groups["of"]))
            if not 1 <= counter[0] <= counter[1]:
                return None
        if groups.get("url"):
            url = groups["url"]
        if groups.get("h"):
            printed = text[match.start("a") : match.end("ampm") if groups.get("ampm") else match.end("mi")]
            printed_iso = _print_date(groups)
        rest = groups.get("rest") or ""
        inner = _furniture(rest) if rest and rest != text else None
        if inner:  # "URL   1/5", "1 of 5   3/23/22, 2:15 PM"
            url, printed, printed_iso = url or inner.url, printed or inner.printed, printed_iso or inner.printed_iso
            counter = counter or inner.counter
        return _Furniture(text, url, printed, printed_iso, counter)
    return None


def _print_date(groups: dict[str, str | None]) -> str | None:
    a, b, year = int(groups["a"] or 0), int(groups["b"] or 0), int(groups["y"] or 0)
    year = year + 2000 if year < 100 else year
    if a > 12 >= b:
        day, month = a, b
    elif b > 12 >= a or a == b:
        month, day = a, b
    else:
        return None  # 3/4/22: March 4 or 3 April, depending on the printer's locale
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


@dataclass
class _Page:
    lines: list[str]  # `_faithful`
    candidates: dict[int, _Furniture]  # first and last non-blank lines that read as furniture
    geometry: list[tuple[float, float]] | None = None  # each line's (font height, right edge), when known


def _candidates(lines: Sequence[str]) -> dict[int, _Furniture]:
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    found = {}
    for index in {*nonblank[:1], *nonblank[-1:]}:
        if len(lines[index]) > 400:
            continue  # a paragraph, not a header; and the patterns backtrack on long lines
        item = _furniture(lines[index])
        if item is not None:
            found[index] = item
    return found


def _strip_furniture(pages: Sequence[_Page]) -> tuple[list[_Page], list[_Furniture]]:
    """Each page's article lines, and the print headers and footers taken out of them.

    A print time, or a page counter that matches the page's number, is a sure sign of a print
    header or footer. A line with only an address is one when its page has such a sign, or
    when every page (two or more) ends or starts with it; otherwise it may be the article's.
    """
    sure = [{i: f for i, f in page.candidates.items() if _sure(f, number)} for number, page in enumerate(pages, 1)]
    url_only = [
        {i: f for i, f in page.candidates.items() if i not in s and f.url} for page, s in zip(pages, sure, strict=True)
    ]
    repeated = {f.url for f in url_only[0].values()} if url_only else set()
    for found in url_only[1:]:
        repeated &= {f.url for f in found.values()}
    kept: list[_Page] = []
    furniture: list[_Furniture] = []
    for page, certain, maybe in zip(pages, sure, url_only, strict=True):
        take = dict(certain)
        if certain or (len(pages) > 1 and repeated):
            take.update({i: f for i, f in maybe.items() if certain or f.url in repeated})
        furniture.extend(take[i] for i in sorted(take))
        lines = [line for i, line in enumerate(page.lines) if i not in take]
        geometry = None if page.geometry is None else [g for i, g in enumerate(page.geometry) if i not in take]
        kept.append(_Page(lines, {}, geometry))
    return kept, furniture


def _sure(item: _Furniture, number: int) -> bool:
    return item.printed is not None or (item.counter is not None and item.counter[0] == number)


_LARGER = 1.25  # a line drawn this much taller than the page's text is display type: a headline's
_SAME_SIZE = 0.15  # font heights this close (as a share of the larger) are one size
_BESIDE = 6  # lines: how far a wrapped display line's next line may be, past a column beside it
_BESIDE_WORDS = 4  # words: a line of the column beside a headline (a menu item), not text


def _usual_height(drawn: Iterable[tuple[float, str]]) -> float:
    """The font height most of the characters of (height, text) pairs are drawn in, the smaller
    of two as common; 0 when no height is known."""
    weight: Counter[float] = Counter()
    for height, text in drawn:
        if height > 0:
            weight[height] += len("".join(text.split()))
    return max(weight, key=lambda h: (weight[h], -h)) if weight else 0.0


def _reflow(lines: Sequence[str], layout: bool, geometry: Sequence[tuple[float, float]] | None = None) -> list[str]:
    """The page's paragraphs, one a line: see `_sized_paragraphs`."""
    return [text for text, _ in _sized_paragraphs(lines, layout, geometry)]


def _sized_paragraphs(
    lines: Sequence[str], layout: bool, geometry: Sequence[tuple[float, float]] | None = None
) -> list[tuple[str, float]]:
    """Join hard-wrapped lines back into paragraphs, one a line, as `plaintext` expects.

    In layout mode pypdf puts blank lines where the page has vertical space and keeps each
    line's horizontal extent, so a line that stops well short of the text's right edge ends a
    paragraph (a byline, a short last line), and one that reaches it wrapped, unless the
    next line starts in lower case, which continues, unless it is a line of dates only ('on
    December 29, 2014 at 3:02 PM' under 'Email the author | Follow on Twitter'). Plain mode
    has no geometry: its lines are kept as they are.

    With each line's font height and right edge (`geometry`, from `_layout_text`), a line's
    extent is where it ends on the page, not how many characters it has (a headline's few large
    letters reach the edge too), a paragraph does not change size within it, and display type
    (a line `_LARGER` than the page's usual size, weighed by characters) is set apart by blank
    lines from the text around it that is not its size: a headline printed right under a link
    to another story stays a paragraph of its own; a wrapped display line is read on with its next
    line past a column of menu items beside it (`_display_runs`). Each paragraph comes with its
    font height (0 when unknown, and for the blank lines between paragraphs).
    """
    if not layout:
        return [(" ".join(line.split()), 0.0) for line in lines]
    from archive.extract.plaintext import is_date_line

    if geometry is not None and len(geometry) != len(lines):
        geometry = None
    extent: list[float] = [float(len(line.rstrip())) for line in lines]
    heights: list[float] = [0.0] * len(lines)
    body = 0.0
    if geometry is not None:
        extent = [right for _, right in geometry]
        heights = [height for height, _ in geometry]
        body = _usual_height(zip(heights, lines, strict=True))
    right = max((e for e, line in zip(extent, lines, strict=True) if line.strip()), default=0.0)

    def same_size(a: float, b: float) -> bool:
        return abs(a - b) <= _SAME_SIZE * max(a, b)

    def display(height: float) -> bool:
        return body > 0 and height > _LARGER * body

    order = list(range(len(lines)))
    if body > 0:
        order = _display_runs(lines, heights, extent, display, same_size, right)
    paragraphs: list[tuple[str, float]] = []
    current: list[str] = []
    size = 0.0  # the current paragraph's
    previous = -1  # the index of the line before, when it is not blank
    for index in order:
        line = lines[index]
        stripped = " ".join(line.split())
        if not stripped:
            if current:
                paragraphs.append((" ".join(current), size))
                current = []
            paragraphs.append(("", 0.0))
            previous = -1
            continue
        sized = previous < 0 or same_size(heights[previous], heights[index])
        wrapped = previous >= 0 and extent[previous] >= 0.8 * right
        lower = stripped[0].islower() and not is_date_line(stripped)
        if current and sized and (wrapped or lower):
            current.append(stripped)
        else:
            if current:
                paragraphs.append((" ".join(current), size))
                if not sized and (display(heights[previous]) or display(heights[index])):
                    paragraphs.append(("", 0.0))
            current, size = [stripped], heights[index]
        previous = index
    if current:
        paragraphs.append((" ".join(current), size))
    return paragraphs


def _display_runs(
    lines: Sequence[str],
    heights: Sequence[float],
    extent: Sequence[float],
    display: Callable[[float], bool],
    same_size: Callable[[float, float], bool],
    right: float,
) -> list[int]:
    """The order to read lines in: a display line that reaches the right edge (a headline wrapped)
    is read with its next line in the same type, though a column of short lines in smaller type
    (a menu beside the headline, which pypdf puts between its lines as they share their heights)
    comes between them; that column is read after. Other lines keep their order."""
    order: list[int] = []
    moved: set[int] = set()
    for index in range(len(lines)):
        if index in moved:
            continue
        order.append(index)
        if not (display(heights[index]) and lines[index].strip() and extent[index] >= 0.8 * right):
            continue
        beside: list[int] = []
        for later in range(index + 1, min(len(lines), index + 1 + _BESIDE)):
            text = lines[later].split()
            if text and same_size(heights[index], heights[later]):
                if any(lines[k].strip() for k in beside):  # a column came between: read past it
                    order.append(later)
                    moved.add(later)
                    order.extend(beside)
                    moved.update(beside)
                break
            if text and (display(heights[later]) or len(text) > _BESIDE_WORDS):
                break
            beside.append(later)
    return order


def _largest_type(pages: Sequence[_Page], paragraphs: Sequence[tuple[str, float]]) -> list[str]:
    """The paragraphs in the document's largest type, where that is display type (`_LARGER` than
    the size most of its text is in): a printed page's main headline, as its <h1> is drawn."""
    drawn = (
        (height, line) for page in pages for line, (height, _) in zip(page.lines, page.geometry or (), strict=False)
    )
    body = _usual_height(drawn)
    if not body:
        return []
    largest = max((height for text, height in paragraphs if text), default=0.0)
    if largest <= _LARGER * body:
        return []
    return [text for text, height in paragraphs if text and largest - height <= _SAME_SIZE * largest]


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ue000-\uf8ff]")


def _decoded_lines(text: str) -> tuple[list[str], list[int]]:
    """A page's lines, less those that are glyph ids rather than characters, and how many.

    A font without a Unicode map (or one lost from a file cut short) makes pypdf return the
    glyph ids, mostly control characters. Only "\n" breaks lines: "\x0b", "\x0c" and "\r"
    there are glyph ids too. Returned with the index of each kept line among the text's lines.
    """
    kept: list[str] = []
    where: list[int] = []
    for index, line in enumerate(text.split("\n")):
        controls = len(_CONTROL.findall(line))
        if controls <= 0.25 * len("".join(line.split())):
            kept.append(_CONTROL.sub(" ", line) if controls else line)  # a stray one is noise
            where.append(index)
    return kept, where


_DOUBLED_MIN = 8  # characters: a shorter line is left as it is
_DOUBLED_MAX = 2000  # characters: a longer line is not looked at
_DOUBLED_PIECE = 3  # characters: one drawn piece at least this long
_DOUBLED_BUDGET = 200_000  # characters compared, at most, for one line


def _undoubled(line: str) -> str | None:
    """The line as printed once, where each piece of its text was drawn twice in a row, or None.

    Some prints draw every run of text twice over itself (a fake bold, a layered heading); the
    text then reads 'By By BILL HOPPEBILL HOPPE | Special | Special', a space the layout put
    between two runs standing once. The line is undoubled only when the whole of it splits into
    pieces each followed by itself (a single space between two pieces), one of them three
    characters or more: 'Bye Bye' or 'New York New York' do not split so, and stay as they are.
    """
    core = line.strip()
    n = len(core)
    if not _DOUBLED_MIN <= n <= _DOUBLED_MAX:
        return None
    # position -> (piece length, 0 for a space passed over; whether a long piece came before)
    came: dict[int, tuple[int, bool]] = {0: (0, False)}
    budget = _DOUBLED_BUDGET
    for i in range(n):
        if i not in came:
            continue
        size_before, long_before = came[i]
        if core[i] == " " and size_before and i + 1 not in came:
            came[i + 1] = (0, long_before)  # a space between two pieces, drawn once
        j = core.find(core[i], i + 1)
        while j > 0 and 2 * j - i <= n and budget > 0:
            size = j - i
            budget -= size
            if 2 * j - i not in came and core[i:j] == core[j : 2 * j - i]:
                came[2 * j - i] = (size, long_before or size >= _DOUBLED_PIECE)
            j = core.find(core[i], j + 1)
    if n not in came or not came[n][0] or not came[n][1]:
        return None
    pieces: list[str] = []
    end = n
    while end:
        size = came[end][0]
        pieces.append(core[end - 2 * size : end - size] if size else " ")
        end -= 2 * size if size else 1
    return line[: len(line) - len(line.lstrip())] + "".join(reversed(pieces))


def _text_facts(
    pages: Sequence[str],
    modes: Sequence[str],
    has_created: bool,
    notes: list[Note],
    geometry: Sequence[list[tuple[float, float]] | None] = (),
) -> tuple[list[Fact], list[str], list[str]]:
    """The facts the pages' text states, the text's lines after the print furniture is taken out,
    and its paragraphs in the largest type where that is display type (`_largest_type`)."""
    normalised: list[_Page] = []
    for number, text in enumerate(pages, 1):
        faithful = _faithful(text)
        lines, where = _decoded_lines(faithful)
        lines = [_logical_order(line) for line in lines]
        drawn = geometry[number - 1] if number <= len(geometry) else None
        if drawn is not None and len(drawn) != faithful.count("\n") + 1:
            drawn = None
        if dropped := faithful.count("\n") + 1 - len(lines):
            notes.append(
                Note(
                    "text not decoded",
                    f"page {number}: {dropped} line(s) of glyph ids, not text (a font with no Unicode map): left out",
                )
            )
        undoubled = [_undoubled(line) for line in lines]
        if doubled := sum(once is not None for once in undoubled):
            lines = [line if once is None else once for line, once in zip(lines, undoubled, strict=True)]
            notes.append(Note("text drawn twice", f"page {number}: {doubled} line(s) drawn twice over: read once"))
        normalised.append(_Page(lines, _candidates(lines), None if drawn is None else [drawn[i] for i in where]))
    kept, furniture = _strip_furniture(normalised)
    facts = _furniture_facts(furniture, has_created, notes)
    paragraphs: list[tuple[str, float]] = []
    for page, mode in zip(kept, modes, strict=True):
        paragraphs.extend(_sized_paragraphs(page.lines, mode == "layout", page.geometry))
        paragraphs.append(("", 0.0))
    largest = _largest_type(kept, paragraphs)
    text = _collapse_blank("\n".join(text for text, _ in paragraphs))
    if not text.strip():
        notes.append(
            Note("no text", "no page has extractable text (a scan without OCR, or pages that could not be read)")
        )
        return facts, [], []
    from archive.extract import plaintext

    lines = text.splitlines()
    try:
        found = plaintext.extract(text.encode("utf-8", "surrogatepass"))
    except (ValueError, RecursionError) as exc:
        notes.append(Note("text not read", f"plaintext extractor failed: {exc}"))
        return facts, lines, largest
    facts.extend(Fact(e.field, e.value, f"text:{e.rule}", e.evidence, key="pdf-text") for e in found)
    return facts, lines, largest


# A browser names itself in /Creator (its user agent: "Mozilla/5.0 ... HeadlessChrome/...") or
# /Producer ("Skia/PDF m120" for Chromium, "cairo" only with Firefox's user agent beside it).
_BROWSER = re.compile(r"Mozilla/\d|Chrome/|Chromium|Firefox/|Safari/|Skia/PDF|\bEdg/")
_HEADLINE_LINES = 3  # a printed headline wraps over at most this many lines


def _printed_by_browser(meta: dict[str, Any]) -> bool:
    info = meta.get("info") or {}
    if not isinstance(info, dict):
        return False
    return any(isinstance(info.get(key), str) and _BROWSER.search(info[key]) for key in ("/Creator", "/Producer"))


def _same_words(text: str) -> str:
    return " ".join(_faithful(text).split()).casefold()


_HEADLINE_WIDE = 4  # CJK characters: a headline written without spaces is this long at least


def _wide_chars(text: str) -> int:
    """Characters that take two columns: Chinese and Japanese, and Korean syllables."""
    return sum(1 for c in text if spaceless(c) or "\uac00" <= c <= "\ud7af")


def _width(text: str) -> int:
    """Columns a text takes: CJK characters two."""
    return len(text.strip()) + _wide_chars(text)


def _headline_in_title(title: str, lines: Sequence[str]) -> str | None:
    """The part of a web page's <title> that the printed page shows as a line of its own (its
    headline): the whole title, or its headline with the site's or a section's name joined on
    ("Headline - Site", "Section | Headline | Site", "Headline: Column: Site"); None when no such
    part is printed. The headline opens the title or holds its longest part, and is not its last
    part alone: another part printed alone is the site's name in the masthead or a section's in
    the menu ('Headline - Business Insider', 'Headline | Latest News | Daily Star')."""
    cuts = [(m.start(), m.end()) for m in TITLE_SEPARATOR.finditer(title)]
    starts = [0] + [end for _, end in cuts]
    ends = [start for start, _ in cuts] + [len(title)]
    longest = max(range(len(starts)), key=lambda k: _width(title[starts[k] : ends[k]]))
    last = len(starts) - 1
    runs = [
        title[starts[i] : ends[j]]
        for i in range(len(starts))
        for j in range(i, len(ends))
        if (i == 0 or i <= longest <= j) and not (i == j == last > 0)
    ]
    printed: set[str] = set()
    for i in range(len(lines)):
        for n in range(1, _HEADLINE_LINES + 1):
            if i + n <= len(lines) and all(lines[i : i + n]):
                printed.add(_same_words(" ".join(lines[i : i + n])))
    # 'Headline: Column: Site': a colon sets the site's parts apart too, where what it opens is
    # the title's longer share (a section's 'Opinion: Headline' is not cut so).
    runs += [run for m in _COLON.finditer(title) if opens_with(title, run := title[: m.start()])]
    for run in sorted(runs, key=_width, reverse=True):
        if (len(run.split()) >= 2 or _wide_chars(run) >= _HEADLINE_WIDE) and _same_words(run) in printed:
            return run.strip()
    return None


_COLON = re.compile(r"\s?:\s")


_SHOWN_WORDS = 3  # words: a title this long found in the text is its headline, however the print laid it out


def _letters(text: str) -> str:
    return "".join(c for c in _faithful(text).casefold() if c.isalnum())


def _shown(title: str, lines: Sequence[str]) -> bool:
    """Whether the text shows a title of a few words or more, its letters and digits in order, over
    line breaks, spaced capitals ('C L I M A T E') and a word broken at a glyph ('dr ones'): a
    print's text runs a headline into the menu's words beside it, or breaks it where the layout
    does. A short title ('Business Insider') so found may be the site's name in the masthead."""
    return len(title.split()) >= _SHOWN_WORDS and _letters(title) in _letters("".join(lines))


def _shown_opening(title: str, lines: Sequence[str]) -> str | None:
    """The longest opening run of a title's parts ('Headline' of 'Headline — Site') that the text
    shows (`_shown`), a headline's length at least; None if none."""
    for cut in reversed([m.start() for m in TITLE_SEPARATOR.finditer(title)]):
        run = title[:cut].strip()
        if len(run.split()) >= _SHOWN_WORDS and _shown(run, lines):
            return run
    return None


def _fragments_out(facts: list[Fact], titles: Sequence[Fact], notes: list[Note]) -> list[Fact]:
    """Text titles that are only a part of a title the print shows whole (/Title's headline wrapped
    over lines, its first or last line read as the headline: '… soldiers near' of '… soldiers near
    barricaded fuel plant') give way to it."""
    shown = [_same_words(str(t.value)) for t in titles if t.field == "title" and isinstance(t.value, str)]
    kept: list[Fact] = []
    for fact in facts:
        words = _same_words(fact.value) if fact.field == "title" and isinstance(fact.value, str) else ""
        if words and any(words != whole and words in whole for whole in shown):
            notes.append(
                Note("title not taken", f"the printed line {fact.value!r} is a part of the headline /Title states")
            )
            continue
        kept.append(fact)
    return kept


def _page_title(fact: Fact, lines: Sequence[str], notes: list[Note]) -> Fact | None:
    """A browser's /Title is the page's <title>: cite the headline part of it the page prints; a
    title the page prints nowhere is kept, as stated, as the metadata's headline (`meta_title`,
    never cited: of a title in parts, which part is the headline and which the site's or a
    section's name, the title does not say)."""
    if not isinstance(fact.value, str):
        return fact
    headline = _headline_in_title(fact.value, lines)
    if headline is not None and _same_words(headline) != _same_words(fact.value):
        return Fact("title", headline, "pdf-info-title-printed", fact.evidence, key=fact.key)
    if headline is not None or _shown(fact.value, lines):
        return fact
    if run := _shown_opening(fact.value, lines):
        # 'Headline — Site' whose headline the print wraps over lines a column's text runs between.
        return Fact("title", run, "pdf-info-title-printed", fact.evidence, key=fact.key)
    if error_title(fact.value):
        notes.append(Note("title not taken", f"{fact.key} {fact.value!r} is an error page's title"))
        return None
    # Printed nowhere as a line: the headline the page's metadata states (a search headline, the
    # site's name alone, a title in parts), not the one the page shows.
    return Fact("meta_title", fact.value, fact.rule, fact.evidence, key=fact.key)


def _title_outlet(title: str, lines: Sequence[str], hosts: Sequence[str] = ()) -> list[Fact]:
    """Rule "pdf-title-suffix": a browser's print whose text names no outlet by the plain-text
    rules, whose /Title ends with a site's name that the text names too (its copyright line, its
    masthead: `archive.extract.common.mastheads.title_outlet`) or that the domain of a link the
    print keeps spells ('dealbreaker.com': the page's links to its own site)."""
    name = title_outlet(title, lines, "\n".join(lines), (site_domain(host) for host in dict.fromkeys(hosts)))
    return [Fact("outlet", name, "pdf-title-suffix", title, key="pdf:/Title suffix")] if name else []


def _agreeing_titles(
    facts: list[Fact], titles: Sequence[str], notes: list[Note], largest: Sequence[str] = ()
) -> list[Fact]:
    """A browser's print names the page's <title> in /Title: a headline the text rules read that
    it does not state (`headlines.agrees`: the same, or one opening or closing the other) is a
    printed page's other heading (a related story, 'Loading Photo Gallery'), not the headline,
    unless the print draws it in its largest display type (`largest`), as a page draws its
    headline and not another story's (an SEO <title> need not word the headline as printed)."""
    if not titles:
        return facts
    kept: list[Fact] = []
    for fact in facts:
        shown = isinstance(fact.value, str) and any(fact.value in paragraph for paragraph in largest)
        if (
            fact.field == "title"
            and isinstance(fact.value, str)
            and not shown
            and not any(agrees(fact.value, t) for t in titles)
        ):
            notes.append(Note("title not taken", f"the printed line {fact.value!r} is not the headline /Title states"))
            continue
        kept.append(_as_titled(fact, titles))
    return kept


def _as_titled(fact: Fact, titles: Sequence[str]) -> Fact:
    """A title fact with the spacing and marks /Title gives the same letters (`_title_spacing`)."""
    if fact.field == "title" and isinstance(fact.value, str) and (spelled := _title_spacing(fact.value, titles)):
        return Fact(fact.field, spelled, fact.rule, fact.evidence, fact.start, fact.end, fact.key)
    return fact


def _largest_headline(largest: Sequence[str]) -> list[Fact]:
    """A browser's print that gives no title otherwise: the one paragraph in its largest display
    type that reads as a headline (`plaintext.headline_like`: not a masthead's one or two words,
    not a sentence), as a page draws its <h1> (rule "pdf-largest-type")."""
    from archive.extract.plaintext import headline_like

    found = [text for text in dict.fromkeys(largest) if headline_like(text)]
    if len(found) != 1:
        return []
    return [Fact("title", found[0], "pdf-largest-type", found[0], key="pdf-text")]


def _under_the_headline(
    facts: list[Fact], main: Sequence[Fact], titles: Sequence[str], notes: list[Note]
) -> list[Fact]:
    """Where the print's one headline in its largest type (`main`) is the one /Title states too,
    a headline the text rules read elsewhere (an infographic's heading, a related story's) is
    not the page's: only a title that the largest type holds stands."""
    if not main or not isinstance(main[0].value, str) or not any(agrees(main[0].value, t) for t in titles):
        return facts
    headline = main[0].value
    kept: list[Fact] = []
    for fact in facts:
        if fact.field == "title" and isinstance(fact.value, str) and not _within(fact.value, headline):
            notes.append(
                Note("title not taken", f"the printed line {fact.value!r} is not in the print's headline type")
            )
            continue
        kept.append(fact)
    return kept


def _within(title: str, headline: str) -> bool:
    """Whether a title's letters stand in the headline's, wherever the spaces fall (the print's
    display type may read with spaces inside a word)."""
    return "".join(title.split()) in "".join(headline.split())


def _as_metadata_headline(
    facts: list[Fact], main: Sequence[Fact], titles: Sequence[str], lines: Sequence[str] = ()
) -> list[Fact]:
    """Where the print's one headline in its largest type is the one /Title states, a /Title that
    says more ('Headline from Site', shown in a breadcrumb) is the metadata's headline
    (`meta_title`), not the printed one; unless the more is the headline's own last line, printed
    right below it (a wrapped headline whose last line is set apart: `_continues`)."""
    if not main or not isinstance(main[0].value, str) or not any(agrees(main[0].value, t) for t in titles):
        return facts
    headline = main[0].value
    return [
        Fact("meta_title", f.value, f.rule, f.evidence, f.start, f.end, f.key)
        if f.field == "title"
        and isinstance(f.value, str)
        and not _within(f.value, headline)
        and not _continues(headline, f.value, lines)
        else f
        for f in facts
    ]


_CONTINUATION_LINES = 2  # lines below a headline's paragraph that may hold the rest of it


def _continues(head: str, whole: str, lines: Sequence[str]) -> bool:
    """Whether `whole` is `head` and more, the more printed on the lines right below the line that
    ends with `head` ('… soldiers near' / 'barricaded fuel plant'), blank lines between."""
    start, full = _letters(head), _letters(whole)
    if not start or not full.startswith(start) or full == start:
        return False
    rest = full[len(start) :]
    for number, line in enumerate(lines):
        if _letters(line).endswith(start):
            below = [text for text in lines[number + 1 : number + 1 + 2 * _CONTINUATION_LINES] if text.strip()]
            if _letters("".join(below[:_CONTINUATION_LINES])).startswith(rest):
                return True
    return False


def _title_spacing(headline: str, titles: Sequence[str]) -> str | None:
    """The part of a /Title (between its separators) that is `headline` but for where the spaces
    fall and the combining marks the print's text lost or split, as /Title writes it: display
    type's kerning reads as spaces inside a word in the text ('and dr       ones' for the 'and
    drones' printed), which the page's <title> does not have, and a Thai print's text may drop
    its tone marks ('แม่นํ าโขง' for 'แม่น้ำโขง'). The part may go on past the headline
    ('…の成否\u3000（写真＝ロイター）'): its opening, up to a word's end, is taken."""
    letters = _bare(headline)
    for title in titles:
        cuts = list(TITLE_SEPARATOR.finditer(title))
        starts = [0, *(m.end() for m in cuts)]
        ends = [*(m.start() for m in cuts), len(title)]
        for first, start in enumerate(starts):
            for end in ends[first:]:
                part = _opening(title[start:end].strip(), letters)
                if part is not None and part != headline:
                    return part
    return None


def _bare(text: str) -> str:
    """A text's letters alone: compatibility forms folded (NFKC: 'ำ' is 'ํา'), spaces and
    combining marks left out."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if not c.isspace() and not _mark(c))


def _mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def _opening(part: str, letters: str) -> str | None:
    """The opening of `part`, up to a word's end, whose letters (`_bare`) are `letters`; None if
    part does not open with them."""
    if not letters:
        return None
    for end in range(1, len(part) + 1):
        if end < len(part) and not part[end].isspace():
            continue
        opening = part[:end].rstrip()
        bare = _bare(opening)
        if bare == letters:
            return opening
        if not letters.startswith(bare):
            return None
    return None


def _collapse_blank(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


def _furniture_facts(furniture: Sequence[_Furniture], has_created: bool, notes: list[Note]) -> list[Fact]:
    facts: list[Fact] = []
    urls = {item.url for item in furniture if item.url}
    web = {url for url in urls if url.lower().startswith(("http://", "https://"))}
    if urls - web:
        notes.append(Note("url not taken", f"printed from {sorted(urls - web)[0]}, not from a web address"))
    if len(web) > 1:
        notes.append(Note("url not taken", f"the print footers show {len(web)} different addresses"))
    elif web:
        url = next(iter(web))
        if _ELIDED.search(url):
            notes.append(Note("url not taken", f"the print footer shortens the address: {url}"))
        else:
            facts.append(Fact("url", url, "print-footer", url, key="pdf-text"))
    printed = next((item for item in furniture if item.printed), None)
    if printed is not None and printed.printed:
        when = f"{printed.printed} ({printed.printed_iso})" if printed.printed_iso else printed.printed
        notes.append(
            Note(
                "print time",
                f"the print header shows {when}: when the page was printed, in the "
                "printer's local time, not when it was published (it was published before)",
            )
        )
        if not has_created and printed.printed_iso:
            facts.append(Fact("created", printed.printed_iso, "print-header", printed.printed, key="pdf-text"))
    return facts


def _extract_document(doc: Document) -> Result:
    """The extractor protocol's entry: the file is read by path, in the bounded child process."""
    return extract(doc.checked_path())


def _main(argv: Sequence[str]) -> int:
    if len(argv) == 5 and argv[0] == "--worker":
        return _worker(argv[1], int(argv[2]), int(argv[3]), int(argv[4]))
    print("usage: python -m archive.extract.pdf --worker PATH MAX_PAGES MAX_TEXT_BYTES SECONDS", file=sys.stderr)
    return 2


EXTRACTOR = FunctionExtractor(NAME, VERSION, MEDIA_TYPES, MAX_BYTES, _extract_document)

if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
