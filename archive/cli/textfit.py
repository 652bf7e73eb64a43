"""Plain text that fits a terminal: display width in cells, control characters escaped, and tables and
key/value blocks laid out for a given width. Pure and standard-library only, so commands stay fast."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Literal, NamedTuple

Kind = Literal["atom", "text"]

ELLIPSIS = "…"
GAP = "  "
MIN_TEXT = 8

_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
# Embeddings, overrides and isolates reorder everything after them on the line, other columns included.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)*")

_BASE, _EXTEND, _JOINER, _ESCAPE = range(4)


def _escape_char(ch: str) -> str | None:
    """How a character that must not reach the terminal raw is shown, or None if it may."""
    cat = unicodedata.category(ch)
    cp = ord(ch)
    if cat == "Cc":
        return _NAMED.get(ch) or f"\\x{cp:02x}"
    if cat == "Cs":
        # A lone surrogate is a byte of a file name that was not UTF-8 (os.fsdecode's surrogateescape).
        return f"\\x{cp - 0xDC00:02x}" if 0xDC80 <= cp <= 0xDCFF else f"\\u{cp:04x}"
    if ch in _BIDI or cat in ("Zl", "Zp"):
        return f"\\u{cp:04x}"
    return None


def _describe(ch: str) -> tuple[str, int, int]:
    """A character as shown, its width in cells, and how it joins its neighbours."""
    escaped = _escape_char(ch)
    cat = unicodedata.category(ch)
    if escaped is not None:
        return escaped, len(escaped), _ESCAPE
    if ch == "\u200d":
        return ch, 0, _JOINER
    if cat in ("Mn", "Me", "Mc") or 0x1160 <= ord(ch) <= 0x11FF:
        # Marks and Hangul medial/final jamo belong to the character before them.
        return ch, 1 if cat == "Mc" else 0, _EXTEND
    if cat == "Cf":
        return ch, 0, _BASE
    return ch, 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1, _BASE


class _Memo(dict[str, tuple[str, int, int]]):
    """Each character described once, on first use; bounded, since text can hold any character."""

    def __missing__(self, ch: str) -> tuple[str, int, int]:
        info = _describe(ch)
        if len(self) < 65536:
            self[ch] = info
        return info


class _Widths(dict[str, int]):
    """The widths alone, so that measuring text is one `sum(map(...))` at C speed."""

    def __missing__(self, ch: str) -> int:
        width = _CHARS[ch][1]
        if len(self) < 65536:
            self[ch] = width
        return width


_CHARS = _Memo()
_WIDTHS = _Widths()


def _clusters(text: str) -> Iterator[tuple[str, int]]:
    """Text as the units a cut may not split: a character with its marks, a joined sequence, an escape.

    Lazy, so that cutting a long title looks only at the characters it keeps.
    """
    unit, unit_width = "", 0
    glue = escaped = False
    for ch in text:
        shown, width, role = _CHARS[ch]
        # Nothing joins onto an escape: it stands for a character that is not shown as itself. A
        # joiner joins the next character, never a space (the cut may fall after "中\u200d").
        if unit and not escaped and role != _ESCAPE and ((glue and not ch.isspace()) or role in (_EXTEND, _JOINER)):
            unit += shown
            unit_width += width
        else:
            if unit:
                yield unit, unit_width
            unit, unit_width = shown, width
            escaped = role == _ESCAPE
        glue = role == _JOINER
    if unit:
        yield unit, unit_width


class _Shown(NamedTuple):
    """A cell's text as it will be printed, its width, and its units once known."""

    text: str
    width: int
    plain: bool  # printable ASCII: one cell per character
    clusters: list[tuple[str, int]] | None

    def units(self) -> Iterable[tuple[str, int]]:
        if self.clusters is not None:
            return self.clusters
        return ((c, 1) for c in self.text) if self.plain else _clusters(self.text)


def _show(text: str, verbatim: bool) -> _Shown:
    if not verbatim:
        text = " ".join(text.split())
    if text.isprintable():
        # Nothing to escape (the common case), so units are only worked out if the text is cut.
        if text.isascii():
            return _Shown(text, len(text), True, None)
        return _Shown(text, sum(map(_WIDTHS.__getitem__, text)), False, None)
    clusters = list(_clusters(text))
    return _Shown("".join(c for c, _ in clusters), sum(w for _, w in clusters), False, clusters)


def _cut(shown: _Shown, width: int) -> tuple[str, int]:
    """The shown text cut to `width` cells with an ellipsis if it is longer, and the width it takes."""
    if shown.width <= width:
        return shown.text, shown.width
    if width < 1:
        return "", 0
    if shown.plain:
        text = shown.text[: width - 1].rstrip(" ")
        return text + ELLIPSIS, len(text) + 1
    kept: list[str] = []
    used = 0
    for unit, unit_width in shown.units():
        if used + unit_width > width - 1:
            break
        kept.append(unit)
        used += unit_width
    text = "".join(kept)
    stripped = text.rstrip(" ")
    return stripped + ELLIPSIS, used - (len(text) - len(stripped)) + 1


def escape(text: str) -> str:
    """Text with control characters, lone surrogates and reordering controls escaped (`\\n`, `\\x1b`)."""
    return _show(text, verbatim=True).text


def display_width(text: str) -> int:
    """Cells the text takes on a terminal once escaped: wide characters 2, marks and zero-width ones 0."""
    return _show(text, verbatim=True).width


def fit(text: str, width: int, *, verbatim: bool = False) -> str:
    """Text in at most `width` cells, ending in "…" when cut, never inside a character's sequence.

    Whitespace runs, line breaks included, collapse to one space; with `verbatim` (a file name, where the
    break is part of what is named) they are kept and escaped instead.
    """
    return _cut(_show(text, verbatim), width)[0]


class Column(NamedTuple):
    """A table column. An atom (id, date, media type, number) is never cut; text is cut down to `minimum`.

    Higher `priority` is kept longer when the table is too wide. (A NamedTuple, not a dataclass: the
    table is drawn by commands that must start fast; `render_table` checks kind and minimum.)
    """

    title: str
    kind: Kind = "text"
    priority: int = 0
    minimum: int = MIN_TEXT
    verbatim: bool = False

    def check(self) -> None:
        if self.kind not in ("atom", "text"):
            raise ValueError(f"column kind must be 'atom' or 'text', not {self.kind!r}")
        if self.minimum < 1:
            raise ValueError(f"column minimum must be at least 1 cell, not {self.minimum}")


def _kept(columns: Sequence[Column], minimum: Sequence[int], width: int) -> list[int]:
    """The columns that fit: drop the lowest priority first (the rightmost among equals), keep at least one."""
    kept = set(range(len(columns)))
    for i in sorted(kept, key=lambda i: (columns[i].priority, -i)):
        if len(kept) == 1 or sum(minimum[k] for k in kept) + len(GAP) * (len(kept) - 1) <= width:
            break
        kept.remove(i)
    return sorted(kept)


def _share(spare: int, widths: list[int], natural: Sequence[int]) -> None:
    """Give spare cells to the columns in `widths` in proportion to their natural width, none past it."""
    while spare > 0:
        growing = [i for i, w in enumerate(widths) if w < natural[i]]
        if not growing:
            return
        total = sum(natural[i] for i in growing)
        given = 0
        for i in growing:
            add = min(natural[i] - widths[i], spare * natural[i] // total)
            widths[i] += add
            given += add
        if given == 0:
            # Every share rounded down to nothing: the widest column takes the next cell.
            widths[max(growing, key=lambda i: natural[i])] += 1
            given = 1
        spare -= given


def _pad(text: str, text_width: int, width: int, right: bool) -> str:
    fill = " " * (width - text_width)
    return fill + text if right else text + fill


def render_table(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int, *, ascii: bool = False
) -> list[str]:
    """A header, a rule and one line per row, each at most `width` cells, columns two spaces apart.

    Columns that do not fit are dropped silently (lowest priority first); the one column left is shown even
    when it is an atom wider than `width`, the only case in which a line exceeds it.
    """
    if width < 1:
        raise ValueError(f"table width must be at least 1 cell, not {width}")
    if not columns:
        raise ValueError("a table needs at least one column")
    for column in columns:
        column.check()
    for n, row in enumerate(rows):
        if len(row) != len(columns):
            raise ValueError(f"row {n} has {len(row)} cells for {len(columns)} columns")
    titles = [_show(c.title, verbatim=False) for c in columns]
    cells = [[_show(row[i], c.verbatim or c.kind == "atom") for row in rows] for i, c in enumerate(columns)]
    natural = [max([titles[i].width] + [s.width for s in cells[i]]) for i in range(len(columns))]
    minimum = [
        n if c.kind == "atom" else min(n, max(c.minimum, t.width))
        for c, n, t in zip(columns, natural, titles, strict=True)
    ]
    kept = _kept(columns, minimum, width)
    widths = [minimum[i] for i in kept]
    spare = width - sum(widths) - len(GAP) * (len(kept) - 1)
    if spare < 0 and columns[kept[0]].kind == "text":
        widths = [width]  # the lone column left, cut to the width
    elif spare > 0:
        grow = [j for j, i in enumerate(kept) if columns[i].kind == "text"]
        text_widths = [widths[j] for j in grow]
        _share(spare, text_widths, [natural[kept[j]] for j in grow])
        for j, w in zip(grow, text_widths, strict=True):
            widths[j] = w
    # A number column reads right-aligned; one blank cell (an unknown size) does not change that.
    numbers = [[s.text for s in cells[i] if s.text] for i in kept]
    right = [
        columns[i].kind == "atom" and bool(texts) and all(_NUMBER.fullmatch(t) for t in texts)
        for i, texts in zip(kept, numbers, strict=True)
    ]

    def line(parts: list[_Shown]) -> str:
        out = [_pad(*_cut(s, w), w, r) for s, w, r in zip(parts, widths, right, strict=True)]
        return GAP.join(out).rstrip(" ")

    rule = "-" if ascii else "─"
    lines = [line([titles[i] for i in kept]), GAP.join(rule * w for w in widths).rstrip(" ")]
    lines += [line([cells[i][n] for i in kept]) for n in range(len(rows))]
    return lines


class Pair(NamedTuple):
    """A labelled value in a key/value block: text may wrap onto more lines, an atom is never split."""

    label: str
    value: str
    kind: Kind = "text"
    verbatim: bool = False


def _wrap(shown: _Shown, room: int) -> list[str]:
    """Text in lines of at most `room` cells, broken at spaces; a word longer than a line breaks anywhere."""
    lines: list[str] = []
    line: list[str] = []
    used = 0
    word: list[tuple[str, int]] = []

    def place(units: list[tuple[str, int]]) -> None:
        nonlocal used
        word_width = sum(w for _, w in units)
        if used and used + 1 + word_width > room:
            lines.append("".join(line))
            line.clear()
            used = 0
        if used:
            line.append(" ")
            used += 1
        for unit, unit_width in units:
            if used and used + unit_width > room:
                lines.append("".join(line))
                line.clear()
                used = 0
            line.append(unit)
            used += unit_width

    for unit in [*shown.units(), (" ", 1)]:
        if unit == (" ", 1):
            place(word)
            word = []
        else:
            word.append(unit)
    if line:
        lines.append("".join(line))
    return lines


def render_pairs(pairs: Sequence[Pair], width: int) -> list[str]:
    """Labels in one column and values beside them, wrapped at word boundaries under the value column.

    When the longest label leaves less than MIN_TEXT cells, each value goes under its label instead, as does
    an atom value too long for its place (whole, indented less). Only an atom or a label wider than `width`,
    or on a line of a few cells a character or escape wider than the value column, makes a line exceed it.
    """
    if width < 1:
        raise ValueError(f"block width must be at least 1 cell, not {width}")
    labels = [_show(p.label, verbatim=True) for p in pairs]
    label_width = max((s.width for s in labels), default=0)
    beside = width - label_width - len(GAP) >= MIN_TEXT
    indent = label_width + len(GAP) if beside else max(0, min(len(GAP), width - len(GAP)))
    lines: list[str] = []
    for pair, label in zip(pairs, labels, strict=True):
        value = _show(pair.value, pair.verbatim or pair.kind == "atom")
        if pair.kind == "text":
            chunks = _wrap(value, width - indent)
        elif value.width <= width - indent:
            chunks = [value.text] if value.text else []
        else:
            lines += [label.text, (GAP if value.width <= width - len(GAP) else "") + value.text]
            continue
        if beside and chunks:
            lines.append(_pad(label.text, label.width, label_width, False) + GAP + chunks.pop(0))
        else:
            lines.append(label.text)
        lines += [" " * indent + chunk for chunk in chunks]
    return [line.rstrip(" ") for line in lines]
