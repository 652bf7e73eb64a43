"""Which character encoding a text or HTML document is read in, decided by the format's own rules.

Every byte sequence is evidence: the stored bytes are never converted. Reading them for extraction
needs an encoding, decided here (pure, deterministic: ingest records the decision as the object's
`charset`, and the extractors reach the same one from the same bytes):

1. A byte order mark: UTF-8, UTF-16 (LE/BE); for plain text also UTF-32.
2. For HTML only, the charset the page declares in its first 1024 bytes (`<meta charset>` or an
   http-equiv Content-Type), read as browsers read labels (WHATWG Encoding): Latin-1 and ASCII
   labels mean windows-1252, a UTF-16 label in a page readable enough to declare it means UTF-8.
3. Valid UTF-8 is UTF-8.
4. Detection (charset-normalizer) over the first DETECT_BYTES: its best reading, except that
   windows-1252 (the web's most common single-byte encoding, then ISO-8859-1, -15) is taken when
   it is as likely or within PREFER_MARGIN of the best reading's chaos; readings found equally
   likely are named in the decision's description.
5. HTML that nothing decided is windows-1252 (the WHATWG default); text is left undecided.

Encodings are named by Python's codec names with "-" for "_" (`cp1252` is Windows code page
1252, `iso8859-2`, `utf-16-le`, `shift-jis`, ...), which `codecs.lookup` takes back.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

DETECT_BYTES = 1 << 20  # detection reads at most this much: enough, and bounded
PRESCAN_BYTES = 1024  # WHATWG: a declaration counts in the first 1024 bytes

_BOMS_HTML = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_BOMS_TEXT = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose mark it begins with
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
# As browsers read labels: Latin-1 and ASCII mean windows-1252; UTF-16 declared in a page that
# could be read well enough to find the declaration cannot be true, so it means UTF-8.
_BROWSER_READS = {
    "ascii": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
    "utf-32": "utf-8",
}
_PREFERRED = ("cp1252", "iso8859-1", "iso8859-15")
# charset-normalizer scores short Western texts in windows-1252 a little worse than in code pages
# that read one accented letter otherwise ("crème" as "crčme" in cp1250): within this much of the
# best reading's chaos, a preferred encoding is taken.
PREFER_MARGIN = 0.05


@dataclass(frozen=True)
class Decoding:
    """An encoding to read a document in, how it was decided, and how many BOM bytes to skip."""

    encoding: str
    how: str
    bom: int = 0


def name_of(codec: str) -> str | None:
    """A codec's canonical name ("-" for "_"), or None if it is unknown or not a text encoding."""
    try:
        info = codecs.lookup(codec)
        b"<".decode(info.name, errors="replace")  # refuses codecs that are not text encodings (rot13)
    except (LookupError, TypeError, ValueError):
        return None
    return info.name.replace("_", "-")


def decide(data: bytes, *, html: bool, utf8: bool | None = None) -> Decoding | None:
    """The encoding to read `data` in (module docstring), or None for text nothing decides.

    `utf8` is what the caller already knows of the whole document (`False`: it is not valid
    UTF-8, though `data`, a part of it, may be); None: find out from `data`, the whole document.
    """
    for bom, encoding in _BOMS_HTML if html else _BOMS_TEXT:
        if data.startswith(bom):
            return Decoding(encoding, "byte order mark", len(bom))
    unknown = ""
    if html:
        declared = _META_CHARSET.search(data[:PRESCAN_BYTES])
        if declared:
            label = declared[1].decode("ascii").lower()
            name = name_of(label)
            if name is not None:
                name = _BROWSER_READS.get(name, name)
                return Decoding(name, f"declared in the page ({label!r})")
            unknown = f"the page declares {label!r}, an unknown charset; "
    if utf8 is None:
        try:
            data.decode("utf-8")
            utf8 = True
        except UnicodeDecodeError:
            utf8 = False
    if utf8:
        return Decoding("utf-8", f"{unknown}valid UTF-8")
    detected = _detect(data[:DETECT_BYTES])
    if detected is not None:
        return Decoding(detected.encoding, unknown + detected.how)
    return Decoding("cp1252", f"{unknown}nothing else decided: the WHATWG default for HTML") if html else None


def decide_html(data: bytes, transport: str | None) -> Decoding:
    """HTML's encoding when the transport layer (an HTTP Content-Type, as a web archive recorded
    it) may name one: a byte order mark first, then that label, then the page's own rules."""
    for bom, encoding in _BOMS_HTML:
        if data.startswith(bom):
            return Decoding(encoding, "byte order mark", len(bom))
    name = name_of(transport) if transport else None
    if name is not None:
        return Decoding(_BROWSER_READS.get(name, name), f"declared by the HTTP Content-Type ({transport!r})")
    found = decide(data, html=True)
    assert found is not None  # HTML always gets an encoding
    return found


def _detect(sample: bytes) -> Decoding | None:
    import charset_normalizer  # lazily: only documents that are not UTF-8 need it

    matches = list(charset_normalizer.from_bytes(sample))
    if not matches:
        return None
    best = matches[0]
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    names = [n for n in (name_of(m.encoding) for m in tied) if n is not None]
    if not names:
        return None
    near = [name_of(m.encoding) for m in matches if m.chaos <= best.chaos + PREFER_MARGIN]
    chosen = next((p for p in _PREFERRED if p in names or p in near), names[0])
    others = [n for n in names if n != chosen]
    how = (
        f"detected by charset-normalizer {charset_normalizer.__version__} "
        f"(chaos {best.chaos:.2f}, coherence {best.coherence:.2f}"
        + (f"; as likely: {', '.join(others)}" if others else "")
        + ")"
    )
    return Decoding(chosen, how)


def read(data: bytes, decoding: Decoding, *, strict: bool) -> str:
    """`data` decoded (BOM skipped); `strict` raises UnicodeDecodeError where replacement would be needed."""
    return data[decoding.bom :].decode(decoding.encoding, errors="strict" if strict else "replace")
