"""The text a person gets by selecting a whole page in a browser (Ctrl+A, Ctrl+C) and pasting it
into a plain-text editor: what the archive receives when someone saves an article by copy and paste.

Deterministic and stdlib only (`html.parser`): the page's visible body text, blocks on their own
lines, table cells joined by tabs, whitespace collapsed as CSS `white-space: normal` does (kept
inside `<pre>`), no-break spaces copied as spaces, no meta tags, no hidden elements, no image alt text.
Stylesheets are not applied: what a class hides (a collapsed menu, a modal) is copied here, which a
browser would leave out; inline `style="display:none"` is honoured.
Run: `python -m bench.paste PAGE [OUT]` (a .gz page is decompressed first; OUT defaults to stdout).
"""

from __future__ import annotations

import codecs
import gzip
import io
import re
import sys
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

MAX_PAGE = 64 << 20  # a saved page is a few MB; anything larger is not a page

# Elements whose content a browser does not render as text (or renders in another document).
SKIP = frozenset(
    {"script", "style", "noscript", "template", "svg", "iframe", "title", "textarea", "select", "datalist", "object",
     "video", "audio", "canvas", "noembed", "noframes"}
)  # fmt: skip
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
# Blocks that a browser's copy separates by a blank line (they have vertical margins).
PARAGRAPHS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6"})
BLOCKS = PARAGRAPHS | {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup",
    "hr", "html", "legend", "li", "listing", "main", "menu", "nav", "ol", "pre", "section", "summary",
    "table", "tbody", "tfoot", "thead", "tr", "ul",
}  # fmt: skip
CELLS = frozenset({"td", "th"})
PREFORMATTED = frozenset({"pre", "listing"})
# An open element of the first kind is closed by a start tag of the second (the HTML parser's implied
# end tags), looking no further up than the third.
IMPLIED = {
    "p": (BLOCKS - {"body", "html", "caption", "td", "th"}, {"button", "table", "td", "th", "caption", "html"}),
    "li": ({"li"}, {"ul", "ol", "menu", "table"}),
    "dt": ({"dt", "dd"}, {"dl", "table"}),
    "dd": ({"dt", "dd"}, {"dl", "table"}),
    "td": ({"td", "th", "tr", "tbody", "thead", "tfoot"}, {"table"}),
    "th": ({"td", "th", "tr", "tbody", "thead", "tfoot"}, {"table"}),
    "tr": ({"tr", "tbody", "thead", "tfoot"}, {"table"}),
    "option": ({"option", "optgroup"}, {"select"}),
}
# WHATWG encoding labels that name a different codec than Python's codec of the same name.
LABELS = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "l1": "cp1252",
    "ascii": "cp1252", "us-ascii": "cp1252", "iso-8859-9": "cp1254", "latin5": "cp1254", "tis-620": "cp874",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs",
    "shift_jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "euc-kr": "cp949", "ks_c_5601-1987": "cp949",
    "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8", "unicode": "utf-8",  # a meta cannot say UTF-16
}  # fmt: skip
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META = re.compile(rb"<meta\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(rb"""([a-zA-Z_:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_BODY = re.compile(rb"<body\b", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\n\r\f]+")
_DISPLAY_NONE = re.compile(r"(?:^|;)\s*display\s*:\s*none\b", re.IGNORECASE)


def _codec(label: bytes) -> str | None:
    name = label.decode("ascii", "replace").strip().lower()
    name = LABELS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def encoding(html: bytes) -> str:
    """The page's encoding as a browser decides it without an HTTP header: BOM, then the first
    `<meta charset>` or `http-equiv` Content-Type in the head (first 64 KiB), then UTF-8."""
    for bom, name in BOMS:
        if html.startswith(bom):
            return name
    head = html[:65536]
    body = _BODY.search(head)
    for meta in _META.finditer(head, 0, body.start() if body else len(head)):
        attrs = {m[1].lower(): m[2] or m[3] or m[4] or b"" for m in _ATTR.finditer(meta[1])}
        label = attrs.get(b"charset")
        if label is None and attrs.get(b"http-equiv", b"").lower() == b"content-type":
            found = _CHARSET.search(attrs.get(b"content", b""))
            label = found[1] if found else None
        if label is not None and (codec := _codec(label)) is not None:
            return codec
    return "utf-8"


def _hidden(attrs: list[tuple[str, str | None]]) -> bool:
    for name, value in attrs:
        if name == "hidden":
            return True
        if name == "aria-hidden" and (value or "").strip().lower() == "true":
            return True
        if name == "style" and value and _DISPLAY_NONE.search(value):
            return True
    return False


class _Writer:
    """Text as the browser lays it out for copying: collapsed spaces, line breaks between blocks
    (a run of required breaks counts once, as its largest), none at the start or end."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.breaks = 0  # required line breaks before the next text
        self.space = False  # a collapsed space before the next text on this line

    def _start(self) -> None:
        if self.breaks:
            self.pieces.append("\n" * self.breaks)
            self.breaks = 0
            self.space = False
        elif self.space:
            self.pieces.append(" ")
            self.space = False

    def text(self, data: str) -> None:
        collapsed = _SPACE.sub(" ", data)
        if not collapsed:
            return
        words = collapsed.strip(" ")
        if collapsed[0] == " " and self.pieces:
            self.space = True
        if not words:
            return
        self._start()
        self.pieces.append(words)
        self.space = collapsed[-1] == " "

    def raw(self, data: str) -> None:
        if data:
            self.space = False
            self._start()
            self.pieces.append(data.replace("\r\n", "\n").replace("\r", "\n"))

    def block(self, count: int) -> None:
        if self.pieces:
            self.breaks = max(self.breaks, count)
        self.space = False

    def forced(self, data: str) -> None:
        """A line break or tab that is content (`<br>`, between cells): not collapsed away."""
        self.space = False
        if self.breaks:
            self.pieces.append("\n" * self.breaks)
            self.breaks = 0
        self.pieces.append(data)

    def result(self) -> str:
        # Browsers copy a no-break space as a space (it is kept, not collapsed, while laid out).
        text = "".join(self.pieces).replace("\u00a0", " ")
        lines = [line if line.strip() else "" for line in text.split("\n")]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
        return text + "\n" if text else ""


@dataclass
class _Open:
    tag: str
    skipped: bool  # it or an ancestor is not shown
    cells: bool = False  # a row: a cell has begun in it
    closed: bool = False  # a <details> without `open`: only its <summary> is shown


class _Paste(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = _Writer()
        self.stack: list[_Open] = []
        self.open: Counter[str] = Counter()  # tags in the stack: most lookups end here, not in a scan
        self.skipped = 0
        self.pre = 0
        self.foreign = 0
        self.after_pre = False

    def _close(self, index: int) -> None:
        while len(self.stack) > index:
            top = self.stack.pop()
            self.open[top.tag] -= 1
            tag, skipped = top.tag, top.skipped
            if skipped:
                self.skipped -= 1
                if tag in ("svg", "math"):
                    self.foreign -= 1
                continue
            if tag in ("svg", "math"):
                self.foreign -= 1
            if tag in PREFORMATTED:
                self.pre -= 1
            if tag in BLOCKS:
                self.out.block(2 if tag in PARAGRAPHS else 1)

    def _find(self, tags: frozenset[str] | set[str], scope: set[str]) -> int | None:
        if not any(self.open[t] for t in tags):
            return None
        for i in range(len(self.stack) - 1, -1, -1):
            tag = self.stack[i].tag
            if tag in tags:
                return i
            if tag in scope:
                return None
        return None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.after_pre = False
        for kind, (closers, scope) in IMPLIED.items():
            if tag in closers and (found := self._find({kind}, scope)) is not None:
                self._close(found)
        if tag == "body" or tag == "html":
            return  # a second body or html tag only adds attributes
        shown = not self.skipped
        if tag in VOID:
            if shown and tag == "br":
                self.out.forced("\n")
            elif shown and tag == "hr":
                self.out.block(1)
            return
        parent = self.stack[-1] if self.stack else None
        skip = tag in SKIP or _hidden(attrs) or (parent is not None and parent.closed and tag != "summary")
        shut = tag in ("dialog", "details") and not any(name == "open" for name, _ in attrs)
        skip = skip or (shut and tag == "dialog")  # the browser's own stylesheet hides a closed dialog
        self.open[tag] += 1
        self.stack.append(_Open(tag, bool(self.skipped) or skip, closed=shut and tag == "details"))
        if tag in ("svg", "math"):
            self.foreign += 1
        if self.skipped or skip:
            self.skipped += 1
            return
        if tag in BLOCKS:
            self.out.block(2 if tag in PARAGRAPHS else 1)
        if tag in PREFORMATTED:
            self.pre += 1
            self.after_pre = True
        if tag in CELLS:
            row = self._find({"tr"}, {"table"})
            if row is not None:
                if self.stack[row].cells:
                    self.out.forced("\t")
                self.stack[row].cells = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # In HTML a self-closing slash means nothing (`<div/>` opens a div); in SVG and MathML it closes.
        self.handle_starttag(tag, attrs)
        if self.foreign and tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        self.after_pre = False
        if tag == "br":  # browsers read </br> as <br>
            self.handle_starttag("br", [])
            return
        found = self._find({tag}, set())
        if found is not None:
            self._close(found)

    def handle_data(self, data: str) -> None:
        if self.skipped or (self.stack and self.stack[-1].closed):
            return
        if self.pre:
            if self.after_pre and data.startswith("\n"):
                data = data[1:]  # the parser drops a newline right after <pre>
            self.out.raw(data)
        else:
            self.out.text(data)
        self.after_pre = False


def paste(html: bytes) -> str:
    """The page's visible body text as a browser copies it after select-all, newline-terminated."""
    name = encoding(html)
    text = html.decode(name, "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    parser = _Paste()
    parser.feed(text)
    parser.close()
    parser._close(0)
    return parser.out.result()


def read_page(path: Path) -> bytes:
    """A saved page's bytes, bounded; a .gz page decompressed (also bounded)."""
    if not path.is_file():
        raise OSError(f"{path}: not a regular file")
    with path.open("rb") as f:
        data = f.read(MAX_PAGE + 1)
    if path.suffix == ".gz":
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as g:
            data = g.read(MAX_PAGE + 1)
    if len(data) > MAX_PAGE:
        raise OSError(f"{path}: larger than {MAX_PAGE >> 20} MiB, not a saved page")
    return data


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (1, 2):
        print("usage: python -m bench.paste PAGE [OUT]", file=sys.stderr)
        return 2
    try:
        text = paste(read_page(Path(args[0])))
        if len(args) == 2:
            Path(args[1]).write_text(text, "utf-8")
        else:
            sys.stdout.write(text)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
