"""Media-type identification at ingest: libmagic for every format, the WHATWG sniff for HTML.

libmagic runs in stages so that prose does not pay for its text rules (about 2 ms of keyword and
regex searches per article), and HTML is identified the way browsers do it (WHATWG MIME Sniffing),
because those text rules call many real news pages JavaScript.
"""

from __future__ import annotations

import functools
import mimetypes
import re
import threading
from dataclasses import dataclass
from typing import Any

HEAD_BYTES = 1 << 16  # what `identify` looks at; more is ignored, so a head and a whole file agree
UNIDENTIFIED = "application/octet-stream"
HTML = "text/html"
XHTML = "application/xhtml+xml"

# The libmagic rule sets of the stages (see `identify`).
SIGNATURES = "signatures"  # binary signatures and built-in tests (JSON, CSV), no text rules
TEXT_TEST = "text test"  # libmagic's built-in text-or-binary and charset test alone
ALL_RULES = "all rules"  # the full call: what `magic.Magic(mime=True, mime_encoding=True)` says


@dataclass(frozen=True)
class Identification:
    """What a file is, which signal decided it, and what every signal said.

    `signals` holds "libmagic" (its answer, as "type; charset=..."), "libmagic_rules" (which of
    its rule sets gave that answer), "sniff" (what the HTML sniff found, or "not run"), "name"
    (what the file name's extension suggests, or "unknown"; it never decides) and "path" (which
    step decided: "signatures", "sniff", "text test" or "all rules").
    """

    media_type: str  # e.g. "text/html"
    charset: str | None  # libmagic's charset ("utf-8", "us-ascii", "iso-8859-1", ...); None for binary
    decided_by: str  # "libmagic" or "sniff"
    signals: dict[str, str]


def identify(head: bytes, name: str) -> Identification:
    """Identify a file from its first 64 KiB (`head`; more is ignored) and its file name.

    1. libmagic's text test: text gets its charset here; binary goes on to
    2. libmagic's binary signatures: any type but "unidentified" is the answer (else the text
       test's answer, "unidentified" binary).
    3. For text, the WHATWG HTML sniff: HTML (or XHTML) is the answer.
    4. Text that may be a structured format libmagic's text rules know (code, markup, mail, ...)
       gets libmagic's full call; other text is step 2's "text/plain".
    """
    head = head[:HEAD_BYTES]
    signals = {"name": _name_signal(name), "sniff": "not run"}
    # The text test first: it costs ~25 µs where the binary signatures cost ~350 µs, and text (the
    # common case: articles and pages) never needs those; text that might carry a signature
    # (%PDF, {\rtf, <?xml, ...) is sent to the full rules by the pre-filter of step 4.
    answer = _libmagic(head, TEXT_TEST)
    media_type, charset = _parse(answer)
    if not media_type.startswith("text/"):
        found = _libmagic(head, SIGNATURES)
        found_type, found_charset = _parse(found)
        if found_type != UNIDENTIFIED:
            return _decided(found_type, found_charset, "libmagic", SIGNATURES, found, signals)
        return _decided(media_type, charset, "libmagic", TEXT_TEST, answer, signals)
    sniffed = sniff_html(head)
    signals["sniff"] = sniffed or "no HTML pattern"
    if sniffed is not None:
        signals.update(libmagic=answer, libmagic_rules=TEXT_TEST, path="sniff")
        return Identification(sniffed, charset, "sniff", signals)
    if may_be_structured(head):
        answer = _libmagic(head, ALL_RULES)
        media_type, charset = _parse(answer)
        return _decided(media_type, charset, "libmagic", ALL_RULES, answer, signals)
    return _decided(media_type, charset, "libmagic", TEXT_TEST, answer, signals)


@functools.cache
def libmagic_version() -> str:
    """The libmagic release in use, e.g. "5.44" (recorded beside what it identified)."""
    import magic

    lib: Any = magic  # the stubs of python-magic lack some of what it has
    try:
        version = int(lib.version())
    except (AttributeError, NotImplementedError, TypeError, ValueError):
        return "unknown"
    return f"{version // 100}.{version % 100:02d}"


def _decided(
    media_type: str, charset: str | None, by: str, rules: str, answer: str, signals: dict[str, str]
) -> Identification:
    signals.update(libmagic=answer, libmagic_rules=rules, path=rules)
    return Identification(media_type, charset, by, signals)


# --- libmagic ---------------------------------------------------------------------------------

_local = threading.local()


def _libmagic(head: bytes, rules: str) -> str:
    """libmagic's answer ("type; charset=...") for `head` with one rule set."""
    # A libmagic handle is not safe to share between threads: one per thread. Each handle loads
    # its own copy of the rules (~8 MiB resident), so a thread's one handle switches flags
    # between calls rather than keeping a handle per rule set.
    state = getattr(_local, "state", None)
    if state is None:
        state = _local.state = _Handle()
    return state.ask(head, rules)


class _Handle:
    """One thread's libmagic handle and the flags of each rule set."""

    def __init__(self) -> None:
        import magic  # this module's dependency alone, loaded when first needed

        lib: Any = magic  # the stubs of python-magic lack the flags it exports
        self._lib = lib
        self._handle: Any = lib.Magic(mime=True, mime_encoding=True)
        base = int(self._handle.flags)
        self._flags = {
            SIGNATURES: base | lib.MAGIC_NO_CHECK_TEXT,
            TEXT_TEST: base | lib.MAGIC_NO_CHECK_SOFT,
            ALL_RULES: base,
        }

    def ask(self, head: bytes, rules: str) -> str:
        self._lib.magic_setflags(self._handle.cookie, self._flags[rules])
        return str(self._handle.from_buffer(head))


def _parse(answer: str) -> tuple[str, str | None]:
    """("type", charset) from libmagic's "type; charset=..."; libmagic's "binary" is no charset."""
    mime, _, params = answer.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value and value != "binary":
            charset = value
    return mime.strip() or UNIDENTIFIED, charset


# --- the file name ----------------------------------------------------------------------------


@functools.cache
def _name_table() -> mimetypes.MimeTypes:
    # The standard library's own table only: the host's /etc/mime.types would make the recorded
    # signal depend on the machine that ingested the file.
    return mimetypes.MimeTypes(filenames=())


def _name_signal(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    # "./" keeps guess_type from reading a name such as "data:text/html,x" as a data: URL.
    media_type, encoding = _name_table().guess_type("./" + base, strict=False)
    if media_type is None:
        return "unknown"
    return f"{media_type} ({encoding})" if encoding else media_type


# --- the WHATWG HTML sniff --------------------------------------------------------------------

_WHITESPACE = re.compile(rb"[\t\n\x0c\r ]*")  # the standard's whitespace bytes
# The standard's HTML patterns (rules for identifying an unknown MIME type, sniff-scriptable
# table): after leading whitespace, one of these, case-insensitively, then a tag-terminating
# byte. The standard's terminators are space and ">"; any whitespace byte is accepted here, as
# the HTML tokenizer ends a tag name on it ("<!DOCTYPE html\n  PUBLIC ..." is a real page).
_TAG_END = rb"[\t\n\x0c\r >]"
_HTML_START = re.compile(
    rb"<(?:!DOCTYPE HTML|HTML|HEAD|SCRIPT|IFRAME|H1|DIV|FONT|TABLE|A|STYLE|TITLE|B|BODY|BR|P)" + _TAG_END,
    re.IGNORECASE,
)
_XHTML_ROOT = re.compile(rb"<(?:!DOCTYPE HTML|HTML)" + _TAG_END, re.IGNORECASE)
_UTF8_BOM = b"\xef\xbb\xbf"


def sniff_html(head: bytes) -> str | None:
    """How `head` begins: as HTML ("text/html"), as XHTML ("application/xhtml+xml"), or neither (None).

    The standard's HTML patterns, with these departures, each because real pages need it:
    a UTF-8 byte order mark is skipped and UTF-16 (with its mark) is read as text, since a
    browser decodes before it parses; comments (conditional ones too) are skipped rather than
    taken as HTML on their own, so "<!--[if IE]><html>" is HTML and "<!-- x --><svg>" is not;
    an XML declaration ("<?xml", which the standard calls text/xml) followed by an HTML
    doctype or an <html> root is XHTML.
    """
    data = _as_ascii(head)
    pos = _skip(_WHITESPACE, data, 0)
    xml = data.startswith(b"<?xml", pos)
    while True:
        if data.startswith(b"<!--", pos):
            end = _comment_end(data, pos)
        elif xml and data.startswith(b"<?", pos):  # the declaration, and any processing instruction
            end = data.find(b"?>", pos + 2)
            end = end + 2 if end >= 0 else -1
        else:
            break
        if end < 0:
            return None  # unterminated within the head: no verdict
        pos = _skip(_WHITESPACE, data, end)
    if xml:
        return XHTML if _XHTML_ROOT.match(data, pos) else None
    return HTML if _HTML_START.match(data, pos) else None


def _skip(run: re.Pattern[bytes], data: bytes, pos: int) -> int:
    """Where a run of `run`'s bytes that starts at `pos` ends."""
    match = run.match(data, pos)
    return match.end() if match else pos


def _as_ascii(head: bytes) -> bytes:
    """The head as bytes the ASCII patterns can be matched on (without a byte order mark)."""
    if head.startswith(_UTF8_BOM):
        return head[len(_UTF8_BOM) :]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if head[0] == 0xFF else "utf-16-be"
        return head[2:].decode(codec, "replace").encode("utf-8")
    return head


def _comment_end(data: bytes, pos: int) -> int:
    """Where the comment opened at `pos` ends (after "-->"), or -1; "<!-->" and "<!--->" are empty."""
    if data.startswith(b">", pos + 4):
        return pos + 5
    if data.startswith(b"->", pos + 4):
        return pos + 6
    end = data.find(b"-->", pos + 4)
    return end + 3 if end >= 0 else -1


# --- the pre-filter before libmagic's text rules ----------------------------------------------

_BLANK = re.compile(rb"[\t\n\x0b\x0c\r ]*")
# First lines libmagic's mail and news rules look for (case-insensitively here: asking only costs
# time, as the answer is libmagic's either way).
_MAIL_START = re.compile(
    rb"From |Article |Forward to |Pipe to |BABYL|N#! rnews|"
    rb"(?:From|Date|Received|Return-Path|Delivered-To|Relay-Version|Path|Xref|Message-ID|MIME-Version):",
    re.IGNORECASE,
)
_HEADER_FIELD = re.compile(rb"[A-Za-z][A-Za-z0-9-]*:[ \t]")
_CODE_MARKS = re.compile(rb"[{};=]|\w\(")  # braces, statements, assignments, calls
_LOWERCASE = re.compile(rb"[a-z]")


def may_be_structured(head: bytes) -> bool:
    """Whether text might be a format libmagic's text rules name (code, markup, mail, subtitles...).

    True sends the text to libmagic's full call; False keeps libmagic's built-in "text/plain".
    It decides when to ask, never the answer, so it errs towards asking: prose (a headline in
    sentence case, then paragraphs) is what it lets through. Found by running libmagic's full
    rules over some 4,000 text files of 500 kinds and looking at how those it names begin.
    """
    data = head[len(_UTF8_BOM) :] if head.startswith(_UTF8_BOM) else head
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return True  # UTF-16/32: libmagic converts before its rules run; not worth parsing here
    pos = _skip(_BLANK, data, 0)
    if pos == len(data):
        return False
    first = data[pos]
    if first >= 0x80:
        return False  # a letter of another script, or a typographic quote: prose
    if not (0x30 <= first <= 0x39 or 0x41 <= first <= 0x5A or 0x61 <= first <= 0x7A):
        return True  # { [ < # % @ \ . / ; ( " ' - = ...: markup, code, data, a #! line
    if 0x61 <= first <= 0x7A:
        return True  # "import", "const", "body {", "dnl": prose starts with a capital
    lines = data[pos : pos + 2048].split(b"\n", 2)
    line = lines[0]
    if _MAIL_START.match(line) or line.strip().isdigit() or _CODE_MARKS.search(line):
        return True  # a mail or news header, a subtitle number, "BODY {", "PROC x =", "INCLUDE(x)"
    if not _LOWERCASE.search(line):
        return True  # "WEBVTT", "BEGIN": a keyword line (an all-caps headline only costs time)
    return len(lines) > 1 and bool(_HEADER_FIELD.match(line) and _HEADER_FIELD.match(lines[1]))
