"""Extract what a plain-text news article says about itself, each value with its evidence.

Input is an article pasted as UTF-8 text. The output is a list of `Extracted` facts: the
outlet that published it, its stated publication (and modification) date, a lower bound
on the publication date, its headline, its authors, and photo credits with captions. Each
fact carries the byte span of the text that supports it and the id of the rule that fired.

The standard is a careful human reader, and the policy is to abstain rather than guess: a
wrong outlet or date in an evidence archive is worse than a missing one. In particular:

* outlet: only self-identifying signals count (a wire dateline, self-promotion such as
  "read more from", "get the X app", "sign up for X's newsletter", "Follow X's coverage",
  an "X and news agencies" source line, a news-foundation credit, a footer's statement of the
  site beside its company: "Grazia Daily is part of the Bauer Media Network"), a copyright or trademark
  line whose name the page repeats as its own (its masthead, an "About X" link, "Search X",
  "reporter for the X"; a copyright line alone names the rights holder, often a parent
  company), the outlet the article's byline credits ("By Troy L. Smith, Cleveland.com") where
  the page also names it as its own (not merely prints it: a site carries sister papers'
  stories), and two of a page's menu statements about itself ("Back to IndieWire", "Popular on
  IndieWire"; rule "site-menu"). Cited sources ("according to the New York Times", "told
  Reuters", "CNN reported"), photo agencies and a wire agency's byline never name the outlet;
  "told X" is how articles cite other outlets' interviews as often as their own, so it is no
  signal at all. If signals name different outlets,
  nothing is emitted. Names are styled by a small table of known brands, then by
  title-casing ALL-CAPS names (PEOPLE -> "People", "WASHINGTON EXAMINER" -> "Washington
  Examiner").
* published / modified: only a date the text states about itself: a labelled line
  ("Published ...", "Posted on ...", "Updated ...", "Last modified on ...") anywhere, or
  a line holding nothing but a date in the header (the lines before the body), or, failing
  those, the date on the article's byline line or alone right beside it. Dates in
  the story are never the publication date. The value is an ISO date, or a full ISO
  datetime when a time and a known zone are stated (`archive.extract.common.printed` reads
  the forms, in English and the corpus's other languages; US "ET"/"PT" are resolved by the
  US daylight-saving rules since 2007; an unknown zone gives the date only).
  An "Updated" date is emitted as `modified`, never as `published`.
* published_not_before: when no publication date is stated, the latest full date
  (day, month and year) that the text shows to be in the past: an embedded post's date
  line, a credited photo caption, or a past-tense sentence with no future or modal
  wording. It is a lower bound, labelled as such.
* credit: `{"photographer": ..., "agency": ..., "caption": ...}`; a key is omitted when
  the text does not give it, so a bare "Getty Images" credit has an agency and no
  photographer, and "Photo by Jane Doe" a photographer and no agency; the source of a
  "Courtesy X" or "Image via X" credit is its agency. Agencies are kept as written ("Getty",
  "REUTERS"), except that "AP Photo" and "AFP Photo" are the agencies AP and AFP and a pool
  photo's mark is dropped ("Jane Doe/Pool/Getty Images"). The rules are those of
  `archive.extract.common.credits`, shared with the HTML extractor. Photographers and authors
  written in ALL CAPS are title-cased.

The module is pure: the result is a function of the bytes alone.
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from archive.extract.api import Document, Fact, FunctionExtractor, Note, Result
from archive.extract.common import bylines, credits, headlines, mastheads, printed
from archive.extract.common.dates import When
from archive.extract.common.encoding import Decoding, decide, read
from archive.extract.common.names import INITIALS, SUFFIXES, is_person_name, person_value, shouting, title_case
from archive.extract.common.outlets import is_section, outlet_key
from archive.extract.common.text import fold, has_any, spaceless

NAME = "plaintext"
VERSION = "1.10.0"
MEDIA_TYPES = frozenset({"text/plain"})
MAX_BYTES = 16 << 20  # the whole text is read, and the rules are linear in it: bound it

FIELDS = (
    "outlet",
    "published",
    "modified",
    "published_not_before",
    "title",
    "author",
    "credit",
)


@dataclass(frozen=True)
class Extracted:
    """One fact the text states about itself, with the byte span that supports it."""

    field: str  # one of FIELDS
    value: str | dict[str, str]  # a dict only for "credit"
    start: int  # byte offset into the original bytes
    end: int  # byte offset, exclusive
    evidence: str  # exactly data[start:end].decode("utf-8")
    rule: str  # short id of the rule that fired


@dataclass(frozen=True)
class _Hit:
    """A fact located by character offsets into the decoded text; bytes come last."""

    field: str
    value: str | dict[str, str]
    start: int
    end: int
    rule: str


# ---------------------------------------------------------------------------------------
# The text as lines
# ---------------------------------------------------------------------------------------

# Everything str.isspace() knows (bar line breaks, which split lines) plus the BOM and the
# zero-width characters that pasting from web pages leaves behind.
_SPACE = (
    "".join(chr(i) for i in range(0x3001) if chr(i).isspace() and chr(i) not in "\r\n")
    + "\ufeff\u200b\u200c\u200d\u2060"
)
_BREAK = re.compile(r"(\r\n|\r|\n)")


class _Line(NamedTuple):
    """One line with surrounding blanks stripped; `start` is its offset in the text.

    `folded` is the text folded for cheap tests (`archive.extract.common.text`): a line whose
    folded text lacks every word a pattern needs skips the pattern.
    """

    number: int
    start: int
    text: str
    folded: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def _split_lines(text: str) -> list[_Line]:
    """Split on LF, CRLF and lone CR, keeping the offsets of each line's stripped text."""
    # Without a CR every break is one LF, and str.split is ten times faster than the pattern.
    parts = _BREAK.split(text) if "\r" in text else text.split("\n")
    step = 2 if "\r" in text else 1  # the pattern's split keeps the breaks: line, break, line, ...
    lines: list[_Line] = []
    pos = 0
    for number, raw in enumerate(parts[::step]):
        stripped = raw.strip(_SPACE) if raw else raw
        lead = len(raw) - len(raw.lstrip(_SPACE)) if stripped and raw[0] in _SPACE else 0
        lines.append(_Line(number, pos + lead, stripped, fold(stripped)))
        index = step * number + 1
        pos += len(raw) + (1 if step == 1 else len(parts[index]) if index < len(parts) else 0)
    return lines


# An author's picture's name run into the byline it heads ('National Desk By National Desk on
# December 27, 2014', 'Eric By Eric Song, IGN Staff'): a print or a copy keeps the image's text.
_AVATAR_NAME = re.compile(
    r"(?P<name>[^\W\d_][\w.'\u2019-]*(?:[ \t]+[^\W\d_][\w.'\u2019-]*){0,3})[ \t]+(?=By[ \t]+(?P=name)\b)"
)


def _without_avatar(line: _Line) -> _Line:
    """The line from its byline on, where an author's picture's name runs into it."""
    if avatar := _AVATAR_NAME.match(line.text):
        rest = line.text[avatar.end() :]
        return _Line(line.number, line.start + avatar.end(), rest, fold(rest))
    return line


class _Doc:
    """The decoded text with its lines and the header (the lines before the body)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = [_without_avatar(line) if " By " in line.text else line for line in _split_lines(text)]
        self.nonblank = [line for line in self.lines if line.text]
        self.index = {line.number: i for i, line in enumerate(self.nonblank)}  # line number -> in nonblank
        self.header = _header(self.nonblank)
        self.late_header = _late_header(self.nonblank)
        self.header_numbers = {line.number for line in self.header} | self.late_header
        self.starts = [line.start for line in self.lines]
        # The index in nonblank of the story's first line, read once: rules ask for it line by line.
        self.story = _first_story_line(self.nonblank)

    def above(self, line: _Line) -> _Line | None:
        """The line directly above, if it has text (no blank line between)."""
        if line.number == 0:
            return None
        above = self.lines[line.number - 1]
        return above if above.text else None

    def below(self, line: _Line) -> _Line | None:
        """The line directly below, if it has text."""
        if line.number + 1 >= len(self.lines):
            return None
        below = self.lines[line.number + 1]
        return below if below.text else None

    def next_nonblank(self, line: _Line) -> _Line | None:
        """The next line with text, if no more than two blank lines come first."""
        for later in self.lines[line.number + 1 : line.number + 4]:
            if later.text:
                return later
        return None

    def line_at(self, offset: int) -> int:
        """The number of the line holding the character at offset."""
        return bisect_right(self.starts, offset) - 1


_STORY_WORDS = 20  # a story line: this many words or more, ending a sentence
_LATE_HEADER = 8  # nonblank lines above a late story start that may hold its headline, byline, date


# What ends a sentence: Latin, CJK, Arabic ('؟', '۔'), Devanagari ('।', '॥'), Burmese ('။'), Khmer
# ('។'), Ethiopic ('።') and Armenian ('։') marks.
_STOPS = tuple(".!?:\u3002\uff01\uff1f\u061f\u06d4\u0964\u0965\u104b\u17d4\u1362\u0589")


def _unpunctuated(c: str) -> bool:
    """Whether c is a letter of a script that ends no sentence with a mark (Thai, Lao)."""
    return "\u0e00" <= c <= "\u0eff" and c.isalpha()


def _prose(text: str) -> bool:
    """A story's line: twenty words or more ending a sentence (in Thai or Lao, which mark no
    sentence's end, ending in a letter)."""
    core = text.rstrip("\"'\u201d\u2019)]\u300d\u300f ")
    return _word_count(text) >= _STORY_WORDS and (core.endswith(_STOPS) or _unpunctuated(core[-1:]))


_WIDE_PER_WORD = 2  # characters of Chinese or Japanese that say about as much as a word


def _word_count(text: str) -> int:
    """Words of a line, a run of Chinese or Japanese counted by its characters (two a word)."""
    if not any(spaceless(c) for c in text):
        return len(text.split())
    wide = sum(1 for c in text if spaceless(c))
    spaced = sum(1 for w in text.split() if not any(spaceless(c) for c in w))
    return spaced + -(-wide // _WIDE_PER_WORD)


def _late_header(nonblank: Sequence[_Line]) -> set[int]:
    """In text pasted from a whole page, navigation comes before the article: the story starts
    far down, and its headline, byline and date are the few lines right above it. The story's
    start is the first of two consecutive prose lines (a menu or a cookie notice is rarely two
    sentences-long lines in a row); the lines above it count as header too. Empty when the story
    starts within the first twelve lines (the header of `_header` already covers it)."""
    for i in range(len(nonblank) - 1):
        if _prose(nonblank[i].text) and _prose(nonblank[i + 1].text):
            return {line.number for line in nonblank[i - _LATE_HEADER : i]} if i >= 12 else set()
    return set()


def _header(nonblank: Sequence[_Line]) -> list[_Line]:
    """The header: the lines above the story, such as title, standfirst, byline and date.

    It ends at the first line of prose (a sentence, or twenty words or more), or at the
    second one if the text opens with a headline (the first is then the standfirst), and
    never runs past twelve lines: a date alone on a line in the story is not the article's
    own date.
    """
    header: list[_Line] = []
    allowed = 1 if any(headline_like(line.text) for line in nonblank[:2]) else 0
    for line in nonblank[:12]:
        core = line.text.rstrip("\"'\u201d\u2019)] ")
        if len(line.text.split()) >= 20 or core.endswith((".", "!", "?")):
            allowed -= 1
            if allowed < 0:
                break
        header.append(line)
    return header


def _byte_offsets(text: str, positions: Iterable[int]) -> dict[int, int]:
    """The byte offset in the UTF-8 encoding of text of each character position given.

    Encodes the stretches between consecutive positions once each, so the cost is one pass
    over the text however many positions there are.
    """
    if text.isascii():
        return {i: i for i in positions}
    offsets: dict[int, int] = {}
    done = total = 0
    for i in sorted(set(positions)):
        total += len(text[done:i].encode("utf-8"))
        done = i
        offsets[i] = total
    return offsets


_SENTENCE_REACH = 500  # characters: longer than any sentence a rule needs to read
_SENTENCE_END = re.compile(r"(?<=[^\W_][.!?])[\"\u201d\u2019')\]]*\s+(?=[\"\u201c\u2018'(\[]?[A-Z0-9])")


class _Sentences:
    """The sentences of one line, found once, so that looking many up stays linear.

    Only a period after a letter or digit ends a sentence, so "U.S. Believes" and
    "Feb. 24" do not split.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        ends = list(_SENTENCE_END.finditer(text))
        self.starts = [0] + [m.end() for m in ends]
        self.stops = [m.start() for m in ends] + [len(text)]

    def around(self, start: int, end: int) -> str:
        """The sentence around text[start:end] (several, if the span crosses a boundary).

        At most _SENTENCE_REACH characters either side of the span: text that runs on longer
        without a sentence boundary is not prose to judge, and the bound keeps a line with
        many matches linear to scan.
        """
        first = bisect_right(self.starts, start) - 1
        last = max(first, bisect_left(self.stops, end))
        lo = max(self.starts[first], start - _SENTENCE_REACH)
        hi = min(self.stops[min(last, len(self.stops) - 1)], end + _SENTENCE_REACH)
        return self.text[lo:hi]


def _mid_sentence(text: str, index: int) -> bool:
    """Whether index is mid-sentence, judged by the nearest non-space character before it."""
    before = text[max(0, index - _SENTENCE_REACH) : index].rstrip()
    return bool(before) and before[-1] not in '.!?:"\u201c\u201d'


# ---------------------------------------------------------------------------------------
# Names: people, outlets, agencies
# ---------------------------------------------------------------------------------------

# Words that make a capitalised phrase an institution, a title or a date, not a person.
_NOT_PERSON = frozenset(
    """
    a an and or of the to for in on at with from by via photo photos photograph image
    images picture pictures video pool handout staff file stringer str getty reuters ap
    afp epa efe upi xinhua anadolu sputnik tass shutterstock alamy sipa nurphoto zuma
    bloomberg courtesy credit source press news agency service network media foundation
    team desk wire editorial board office ministry department government police army
    forces military university times post journal independent guardian telegraph herald
    tribune daily weekly magazine channel radio tv television online digital report
    reporters reporter correspondent editor writer contributor columnist president
    secretary minister prime senator governor mayor general king queen pope state states
    united nations national international republic monday tuesday wednesday thursday
    friday saturday sunday today yesterday january february march april september
    october november december published updated posted related read more click here sign
    follow
    """.split()  # noqa: SIM905
)


# Bylines also hold job titles, desks and interface text ('Political Commentator', 'See All Articles').
# 'April' is a given name as often as a month (as 'May' and 'June', which the list leaves out).
_NOT_NAME = (_NOT_PERSON - {"april"}) | bylines.NOT_NAME_WORDS


def _is_person(phrase: str) -> bool:
    """Whether a phrase looks like a person's name: 'Nariman El-Mofty', 'Jane A. Doe', not
    'Associated Press', 'President Biden', 'Monday Morning' or 'Share This Article' (see
    `is_person_name`)."""
    return is_person_name(phrase.split(), not_names=_NOT_NAME, suffixes=SUFFIXES)


# Canonical styling of outlets, keyed by the casefolded name without a leading "the".
_BRANDS = {
    "afp": "Agence France-Presse",
    "agence france-presse": "Agence France-Presse",
    "al jazeera": "Al Jazeera",
    "ap": "The Associated Press",
    "associated press": "The Associated Press",
    "atlantic": "The Atlantic",
    "bbc news": "BBC News",
    "courthouse news": "Courthouse News Service",
    "courthouse news service": "Courthouse News Service",
    "economist": "The Economist",
    "guardian": "The Guardian",
    "hill": "The Hill",
    "independent": "The Independent",
    "kyiv independent": "The Kyiv Independent",
    "new york times": "The New York Times",
    "people": "People",
    "telegraph": "The Telegraph",
    "upi": "United Press International",
    "wall street journal": "The Wall Street Journal",
    "washington post": "The Washington Post",
}
_OUTLET_CONNECTORS = frozenset({"of", "and", "&", "for", "de", "the", "on"})


def _outlet_name(raw: str, *, mid_sentence: bool) -> str | None:
    """Normalise an outlet name as written in a self-referential phrase, or None.

    A leading "the" is an article unless written "The" mid-sentence in mixed case ("from
    The Hill"); ALL-CAPS names are title-cased; known brands get their own styling. A
    person's name without "the" is refused: "sign up for Jane Doe's newsletter" and
    "Copyright 2022 Jane Doe" name a writer, not the publisher.
    """
    words = raw.split()
    while words and not words[-1].strip(".,:;!?\u00bb\u203a>\"\u201d\u2019'"):
        words.pop()
    if words:
        words[-1] = words[-1].rstrip(".,:;!?\u00bb\u203a>\"\u201d\u2019'")
    keep_the = False
    had_the = bool(words) and words[0].lower() == "the"
    if had_the:
        keep_the = words[0] == "The" and mid_sentence and not shouting(raw)
        words = words[1:]
    if not words or len(words) > 6 or not words[0][:1].isupper():
        return None
    for word in words[1:]:
        if not (word[:1].isupper() or word[:1].isdigit() or word.lower() in _OUTLET_CONNECTORS):
            return None
    name = " ".join(words)
    if shouting(name):
        name = title_case(name)
    brand = _BRANDS.get(name.casefold())
    if brand:
        return brand
    if not had_the and _is_person(name):
        return None
    return f"The {name}" if keep_the else name


# ---------------------------------------------------------------------------------------
# Dates and times
# ---------------------------------------------------------------------------------------

# What every date the reader (`archive.extract.common.printed`) reads contains: a year of two
# digits or more. A line without two digits in a row holds no date.
_YEAR_NEEDLE = re.compile(r"\d\d")


@dataclass(frozen=True)
class _Dated:
    """A date found at text[start:end], with a time and zone offset when the text states both."""

    start: int
    end: int
    when: When

    def shifted(self, base: int) -> _Dated:
        """The same date with offsets relative to base (a line's start)."""
        return _Dated(base + self.start, base + self.end, self.when)


def _dates_in(text: str) -> list[tuple[int, int, date]]:
    """Every full date in text as (start, end, value), without overlaps."""
    if not _YEAR_NEEDLE.search(text):
        return []  # most lines: the reader costs more than this test
    return [(p.start, p.end, p.day) for p in printed.printed_in(text, limit=1000)]


def _when_at(text: str, pos: int) -> _Dated | None:
    """A date, or date and time, starting at pos, in any order a dateline uses:
    'March 23, 2022 9:15 AM ET', 'Wed 23 Mar 2022 18.32 GMT', '9:15 AM EDT, March 23, 2022',
    '2022-03-23T09:15:00Z'. A time in an unknown zone does not fix an instant: the date only."""
    found = printed.printed_at(text, pos)
    return None if found is None else _Dated(found.start, found.end, found.when)


# ---------------------------------------------------------------------------------------
# published, modified: the dates an article states about itself
# ---------------------------------------------------------------------------------------

# Labels of a date, in English and the corpus's other languages; those in _MODIFIED_LABEL mean an update.
_DATE_LABEL = re.compile(
    r"(?P<label>(?i:first\s+published|published|posted|last\s+updated|updated|last\s+modified|modified"
    r"|revised|submitted|date|publiziert|veröffentlicht|aktualisiert|publié|mis\s+à\s+jour|publicado|actualizado"
    r"|atualizado|pubblicato|aggiornato|опубликовано|обновлено|기사입력|입력|수정))(?![^\W\d_])"
    r"(?:\s+(?i:on|at|am|le|el|em|il))?(?:\s*[:\[])*\s*"
)
_MODIFIED_LABEL = re.compile(
    r"(?i:updated|modified|revised|aktualisiert|mis\s+à\s+jour|actualizado|atualizado"
    r"|aggiornato|обновлено|수정|تحديث)"
)
# 'on December 29, 2014 at 2:48 PM' under a byline: a date, no label.
_ON = re.compile(r"(?i:on)\s+(?=\d|[^\W\d_])")
# Furniture after a date: a reading time, a comment count ('2 min read', 'Comments (25)').
_READING_TIME = re.compile(r"(?i:\d+\s*min(?:ute)?s?\s+read|\d*\s*comments?(?:\s*\(\d+\))?)(?![^\W\d_])")
_RELATIVE = re.compile(
    r"(?i:(?:about\s+)?(?:\d+|an?|one)\s+(?:sec|second|min|minute|hr|hour|day|week|month|year)s?"
    r"\s+ago|just\s+now)"
)
_WEEKDAY = re.compile(
    r"(?i:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"\.?,?\s+"
)
# Between a line's dates: punctuation, or 'and' ('Posted at ... and last updated ...').
_SEGMENT_SEP = re.compile(r"(?:[\s|/·•,;\[\]\u2014\u2013-]|(?i:and)(?=\s))*")
_TRAILING_BY = re.compile(r"(?i:by)\s+\S")


@dataclass(frozen=True)
class _DateSegment:
    """One date on a date line: 'published', 'modified' or 'bare' (no label)."""

    kind: str
    start: int  # of the label, or of the date when bare
    dated: _Dated


def _date_line(text: str) -> list[_DateSegment] | None:
    """Parse a line made only of (labelled) dates, or return None.

    'Published 9:15 AM EDT, March 23, 2022 | Updated 10:41 AM EDT, March 24, 2022',
    'March 23, 2022 6:02 PM UTC Updated 2 years ago', 'Posted on March 23, 2022 by Jane Doe'.
    Any other text on the line (a sentence, a caption) makes it not a date line.
    """
    if not _YEAR_NEEDLE.search(text):
        return None  # every segment holds a full date, so a year
    segments: list[_DateSegment] = []
    pos = 0
    while True:
        sep = _SEGMENT_SEP.match(text, pos)
        pos = sep.end() if sep else pos
        if pos >= len(text):
            break
        start = pos
        label = _DATE_LABEL.match(text, pos)
        kind = segments[-1].kind if segments else "bare"
        if label:
            kind = "modified" if _MODIFIED_LABEL.search(label["label"]) else "published"
            pos = label.end()
        elif not segments and (on := _ON.match(text, pos)):
            # 'On June 17, 2014 at 7:00 AM' (a line of its own): how bylines state publication.
            kind = "published" if pos == 0 else kind
            pos = on.end()
        dated = _when_at(text, pos)
        if dated is None and (weekday := _WEEKDAY.match(text, pos)):
            dated = _when_at(text, weekday.end())  # 'Mon, 2019-01-21 13:49': the day's name before a numeric date
        if dated:
            segments.append(_DateSegment(kind, start, dated))
            pos = dated.end
            repeat = text[dated.start : dated.end]
            if text.startswith(repeat, pos):
                pos += len(repeat)
            continue
        relative = _RELATIVE.match(text, pos)
        if relative and label:
            pos = relative.end()
            continue
        reading = _READING_TIME.match(text, pos)
        if reading and segments and not label:
            pos = reading.end()
            continue
        if segments and not label and _TRAILING_BY.match(text, pos):
            break
        return None
    return segments or None


def is_date_line(text: str) -> bool:
    """Whether a line is made only of (labelled) dates ('on December 29, 2014 at 3:02 PM, updated
    December 29, 2014 at 4:16 PM'): a line of its own, never a wrapped sentence's rest."""
    return _date_line(" ".join(text.split())) is not None


_LABEL_ONLY = re.compile(rf"{_DATE_LABEL.pattern}")


# A byline's opening, in the languages of the corpus ('By Jane Doe', 'Von Jane Doe', 'Текст: ...').
_DATE_BYLINE = re.compile(
    r"(?:(?:Posted|Written|Words|Story|Text|Reported)\s+)?(?:By|BY|by|Von|von|Par|par|Por|por)\s+(?=\S)"
    r"|(?:Текст|Автор|Author)\s*:\s*"
)
# A name or outlet before a date in the header: one to four capitalised words, no other punctuation.
_HEADER_NAME = re.compile(r"[^\W\d_][\w.'\u2019&-]*(?:\s+[^\W\d_][\w.'\u2019&-]*){0,3}")
_NAME_TAIL = re.compile(r"[\s|·•,\u2013\u2014-]*$")
_STORY_REACH = 15  # nonblank lines above the story's start where its byline and date stand


def _dated_tail(text: str, start: int, *, trailing_words: int = 0) -> list[_DateSegment] | None:
    """text[start:] read as a date line, allowing a few words after it ('... 12:48:14Z Space')."""
    rest = text[start:]
    for cut in range(trailing_words + 1):
        words = rest.split()
        if cut and (len(words) <= cut or any(c.isdigit() for w in words[-cut:] for c in w)):
            break
        candidate = " ".join(words[: len(words) - cut]) if cut else rest
        segments = _date_line(candidate)
        if segments:
            return [_DateSegment(seg.kind, start + seg.start, seg.dated.shifted(start)) for seg in segments]
    return None


# An ISO date run into the name before it by a page's copy ('Cashmore2010-01-01').
_GLUED_ISO = re.compile(r"(?<=[a-z])(?:19|20)\d\d-[01]\d-[0-3]\d\b")


def _byline_date(text: str, *, in_header: bool) -> list[_DateSegment] | None:
    """A byline and its date on one line: 'By Jane Doe - March 23, 2022 9:15 AM EST', 'By Jane
    Doe | Posted Feb. 27, 2014, 5:17 p.m.', 'Von Jane Doe publiziert am 25. September 2018'; in
    the header also a name or outlet before the date ('Reuters November 18, 2019 11:03 PM').
    The names take at most twelve words and no digits."""
    if len(text) > 200 or not _YEAR_NEEDLE.search(text):
        return None
    byline = _DATE_BYLINE.match(text)
    if not byline and not (in_header and text[:1].isupper()):
        return None
    begin = byline.end() if byline else 0
    first = next(iter(printed.printed_in(text[begin:], limit=1)), None)
    glued = _GLUED_ISO.search(text, begin) if byline else None
    if glued and (first is None or begin + first.start > glued.start()):
        start = glued.start()  # 'By Pete Cashmore2010-01-01 09:32:17 UTC': the copy ran them together
    elif first is None or first.start == 0:
        return None
    else:
        start = begin + first.start
    labels = list(_DATE_LABEL.finditer(text, begin, start))
    label = labels[-1] if labels else None
    if label is not None and label.end() == start:
        start = label.start()
    elif (on := re.search(r"(?i:\bon)\s+$", text[begin:start])) is not None:
        start = begin + on.start()
    names = _NAME_TAIL.sub("", text[begin:start])
    if not names or len(names.split()) > 12 or any(c.isdigit() for c in names):
        return None
    if not byline and not (_HEADER_NAME.fullmatch(names) and all(w[:1].isupper() for w in names.split())):
        return None
    return _dated_tail(text, start, trailing_words=2 if byline else 0)


def _first_story_line(nonblank: Sequence[_Line]) -> int | None:
    """The index in nonblank of the story's first line: the first of two prose lines in a row."""
    for i in range(len(nonblank) - 1):
        if _prose(nonblank[i].text) and _prose(nonblank[i + 1].text):
            return i
    return None


def _near_byline(doc: _Doc, index: int) -> bool:
    """Whether a byline ('By Jane Doe') stands within two lines of doc.nonblank[index]."""
    for other in doc.nonblank[max(0, index - 2) : index + 3]:
        if other is not doc.nonblank[index] and len(other.text) <= 120 and _DATE_BYLINE.match(other.text):
            return True
    return False


def _self_dates(doc: _Doc) -> tuple[list[_Hit], set[int]]:
    """published and modified, and the numbers of the lines that are date lines.

    Rules: "published-line" ('Published March 23, 2022', anywhere), "header-date" (a line
    that is only a date, in the header or beside a byline above the story; or a byline with its
    date, `_byline_date`), "updated-line" ('Updated: March 24, 2022').
    A label alone on a line takes the date on the next line ('Published' / '23 March 2022').
    """
    labelled: list[tuple[str, int, _Dated]] = []  # (kind, start of the label, date)
    bare: list[tuple[int, _Dated]] = []
    date_lines: set[int] = set()
    story = doc.story
    near = set() if story is None else {line.number for line in doc.nonblank[max(0, story - _STORY_REACH) : story]}
    for index, line in enumerate(doc.nonblank):
        segments = _date_line(line.text)
        base = line.start
        in_header = line.number in doc.header_numbers
        if segments is None and (in_header or line.number in near):
            # A byline with its date: its bare date is the article's, as a header date is.
            by_segments = _byline_date(line.text, in_header=in_header)
            if by_segments:
                for segment in by_segments:
                    dated = segment.dated.shifted(base)
                    if segment.kind == "bare":
                        bare.append((base + segment.start, dated))
                    else:
                        labelled.append((segment.kind, base + segment.start, dated))
                continue
        promoted = bool(segments) and line.number in near and not in_header and _near_byline(doc, index)
        in_header = in_header or promoted  # a date alone on a line beside the byline, above the story
        if segments is None and _LABEL_ONLY.fullmatch(line.text):
            following = doc.next_nonblank(line)
            later = _date_line(following.text) if following else None
            if following and later and all(s.kind == "bare" for s in later):
                revised = _MODIFIED_LABEL.search(line.text)
                date_lines.update({line.number, following.number})
                first = later[0].dated
                dated = _Dated(line.start, following.start + first.end, first.when)
                labelled.append(("modified" if revised else "published", line.start, dated))
            continue
        if segments is None or (not in_header and all(s.kind == "bare" for s in segments)):
            continue  # a date alone on a line in the story is the story's (a timeline entry)
        if all(s.kind == "bare" for s in segments) and _photo_date(doc, line):
            continue
        if not promoted and not _ON.match(line.text):
            # Lines beside a byline stay out: the headline rules read the first date line as
            # the header's, and these stand below the byline.
            date_lines.add(line.number)
        for segment in segments:
            dated = segment.dated.shifted(base)
            if segment.kind == "bare":
                if in_header:
                    bare.append((base + segment.start, dated))
            else:
                labelled.append((segment.kind, base + segment.start, dated))

    hits: list[_Hit] = []
    published = [(s, w) for kind, s, w in labelled if kind == "published"]
    rule = "published-line"
    if not published:
        published = bare
        rule = "header-date"
    chosen = _single_value(published)
    if chosen:
        start, dated = chosen
        hits.append(_Hit("published", dated.when.iso(), start, dated.end, rule))
    modified = _single_value([(s, w) for kind, s, w in labelled if kind == "modified"])
    if modified:
        start, dated = modified
        if not chosen or chosen[1].when.day <= dated.when.day:
            hits.append(_Hit("modified", dated.when.iso(), start, dated.end, "updated-line"))
    return hits, date_lines


def _photo_date(doc: _Doc, line: _Line) -> bool:
    """Whether a date line is continued by a credit ('27-06-2012' / '| Efe'): a photo's date."""
    following = doc.next_nonblank(line)
    return following is not None and following.text[:1] in "|\u00a9"


_BESIDE_BYLINE = 2  # nonblank lines above or below the article's byline where its date may stand alone


def _byline_dates(doc: _Doc, authors: Sequence[_Hit], skip: set[int]) -> list[_Hit]:
    """Rule "byline-date": where no line states the date as the article's, the date on the line of
    the article's byline ('by Regan September 15, 2014', 'By Alya Mooro - 19 December 2014') or
    alone on a line right above or below it ('David Ehrlich' / 'Nov 13, 2019 4:26 pm'). The byline
    is the one `_authors` read as the article's; lines in `skip` (captions) are none."""
    index = doc.index
    candidates: list[tuple[int, _Dated]] = []
    seen: set[int] = set()
    for number in dict.fromkeys(doc.line_at(hit.start) for hit in authors):
        if number not in index:
            continue
        at = index[number]
        for line in doc.nonblank[max(0, at - _BESIDE_BYLINE) : at + _BESIDE_BYLINE + 1]:
            if line.number in seen or line.number in skip:
                continue
            seen.add(line.number)
            if line.number == number:
                segments = _byline_date(line.text, in_header=True) or []
            else:
                segments = _date_line(line.text) or []
            for segment in segments:
                if segment.kind != "modified":  # an update is not the publication
                    candidates.append((line.start + segment.start, segment.dated.shifted(line.start)))
    return _published(candidates, "byline-date")


def _published(candidates: list[tuple[int, _Dated]], rule: str) -> list[_Hit]:
    """The publication the candidates agree on (`_single_value`), as a hit of `rule`; [] if none."""
    chosen = _single_value(candidates)
    if chosen is None:
        return []
    start, dated = chosen
    return [_Hit("published", dated.when.iso(), start, dated.end, rule)]


def _single_value(candidates: list[tuple[int, _Dated]]) -> tuple[int, _Dated] | None:
    """The first candidate, if all agree on the day; None if they disagree.

    A date with a time and one without agree when they name the same day, and the more
    precise one wins.
    """
    if not candidates or len({dated.when.day for _, dated in candidates}) != 1:
        return None
    moments = {moment for _, dated in candidates if (moment := dated.when.moment)}
    if len(moments) > 1:
        return None
    for start, dated in candidates:
        if dated.when.moment or not moments:
            return start, dated
    return None


# ---------------------------------------------------------------------------------------
# published_not_before: the latest date the text shows to be in the past
# ---------------------------------------------------------------------------------------

_FUTURE = re.compile(
    r"\b(?:will|won['\u2019]t|shall|would|could|might|(?-i:may)|scheduled|expected|expects|slated"
    r"|set\s+to|plans?|planned|planning|upcoming|next|deadline|until|till|ahead\s+of"
    r"|due\s+(?:on|in|by|for)|is\s+to|are\s+to)\b|['\u2019]ll\b",
    re.IGNORECASE,
)
_PAST = re.compile(
    r"\b(?:was|were|had|did|said|began|came|went|took|made|held|met|told|saw|hit|left|gave"
    r"|won|lost|fell|rose|struck|wrote|fled|fought|broke|led|sent|spoke|sold|brought|became"
    r"|ran|shot|stood|withdrew|[a-z]{2,}ed)\b"
)
_BOUND_BEFORE = re.compile(r"\b(?:by|until|till|before|through|ahead\s+of)\s+(?:the\s+)?$", re.I)
_POST_SIGNATURE = re.compile(r"\(@\w{1,15}\)\s*(?:on\s+)?$")


def _not_before(doc: _Doc, skip: set[int], captions: set[int]) -> _Hit | None:
    """The latest full date shown to be past, as a lower bound on publication.

    Rule "latest-dated-event". A date counts when it closes an embedded post ('— Ned Price
    (@StateDeptSpox) February 18, 2023', on one line or two), or when its sentence has no future or modal
    wording and either is in a credited photo caption or has a past-tense verb ('hit ...
    on July 7, 2022'). 'July 14' without a year never counts.
    """
    best: tuple[date, int, int] | None = None
    for line in doc.nonblank:
        if line.number in skip:
            continue
        text = line.text
        sentences: _Sentences | None = None  # built on the first date that needs it
        for start, end, day in _dates_in(text):
            # Windows, not whole prefixes: the scan must stay linear in the line's length.
            before = text[max(0, start - 40) : start]
            above = doc.above(line)
            signed = end == len(text) and (
                _POST_SIGNATURE.search(before)
                or (start == 0 and above is not None and _POST_SIGNATURE.search(above.text[-40:]))
            )
            if not signed:
                sentences = sentences or _Sentences(text)
                sentence = sentences.around(start, end)
                # The date itself may contain "May"; judge only the words around it.
                words = sentence.replace(text[start:end], " ")
                if _FUTURE.search(words) or _BOUND_BEFORE.search(before):
                    continue
                if line.number not in captions and not _PAST.search(words):
                    continue
            if best is None or day > best[0]:
                best = (day, line.start + start, line.start + end)
    if best is None:
        return None
    day, start, end = best
    return _Hit("published_not_before", day.isoformat(), start, end, "latest-dated-event")


# ---------------------------------------------------------------------------------------
# outlet
# ---------------------------------------------------------------------------------------

# Wire and outlet codes used in datelines ('WASHINGTON (CN) —'); ambiguous codes left out.
_DATELINE_CODES = {
    "AFP": "Agence France-Presse",
    "ANI": "Asian News International",
    "AP": "The Associated Press",
    "Bloomberg": "Bloomberg",
    "CN": "Courthouse News Service",
    "CNN": "CNN",
    "dpa": "Deutsche Presse-Agentur",
    "IANS": "Indo-Asian News Service",
    "JTA": "Jewish Telegraphic Agency",
    "PTI": "Press Trust of India",
    "REUTERS": "Reuters",
    "Reuters": "Reuters",
    "RNS": "Religion News Service",
    "TASS": "TASS",
    "UPI": "United Press International",
    "Xinhua": "Xinhua",
}
_DATELINE = re.compile(
    r"(?P<loc>[^()\n]{0,80}?)\s*\((?P<code>[A-Za-z]{2,12})\)[ \t]*(?P<sep>\u2014|\u2013|--|-|:)?[ \t]*"
)
_OUTLET_WORD = r"[A-Za-z0-9][\w&.\-]*"
_NAME = rf"(?P<name>(?:the\s+)?{_OUTLET_WORD}(?:\s+{_OUTLET_WORD}){{0,5}}?)"
_POSSESSIVE = r"['\u2019]s\b"
_READ_MORE = re.compile(rf"(?:click\s+here\s+(?:to\s+)?)?read\s+more\s+from\s+{_NAME}\s*[.!:\u00bb\u203a>]*", re.I)
_GET_APP = re.compile(rf"(?:click\s+here\s+to\s+)?(?:get|download)\s+the\s+{_NAME}\s+app\b[.!]?", re.I)
_SOURCE_LINE = re.compile(rf"source\s*:\s*{_NAME}\s+and\s+news\s+agenc(?:y|ies)\.?", re.I)
_NEWSLETTER = re.compile(
    rf"\b(?:sign\s*-?\s*up|subscribe)\s+(?:for|to)\s+{_NAME}{_POSSESSIVE}"
    r"(?:\s+[\w-]+){0,4}?\s+newsletters?\b",
    re.I,
)
_COVERAGE = re.compile(
    rf"\b(?:follow|read|see|for\s+more\s+of|catch\s+up\s+on|keep\s+up\s+with)\s+"
    rf"(?:all\s+(?:of\s+)?)?{_NAME}{_POSSESSIVE}(?:\s+[\w-]+){{0,3}}?\s+coverage\b",
    re.I,
)
_FOUNDATION = re.compile(r"(?:\b[Tt]he\s+)?(?P<name>(?:[A-Z][\w&\-]*\s+){1,4}News\s+Foundation)\b")
# What every match of the pattern above contains, folded (see `_Line`): lines without it
# skip the pattern.
_NEWSLETTER_NEEDLE = ("newsletter",)
_COVERAGE_NEEDLE = ("coverage",)
_FOUNDATION_NEEDLE = ("foundation",)
_CITATION = re.compile(
    r"\b(?:according\s+to|reported|reports|reporting\s+by|citing|cited|first\s+reported"
    r"|published\s+by|investigation\s+by)\b",
    re.I,
)

# Decisive rules, strongest first; the evidence reported is that of the strongest rule.
_OUTLET_RULES = (
    "dateline",
    "source-line",
    "read-more",
    "get-app",
    "newsletter",
    "follow-coverage",
    "news-foundation",
    "self-statement",
    "masthead-footer",
    "site-menu",
)


@dataclass(frozen=True)
class _Signal:
    """A self-referential mention of an outlet."""

    name: str
    start: int
    end: int
    rule: str


def _dateline(doc: _Doc) -> Iterator[_Signal]:
    """'WASHINGTON (CN) — As civilian deaths…', 'KYIV, March 23 (Reuters) - …'.

    A known wire code in parentheses after an optional capitalised place, then a dash and
    the story, at the start of one of the first lines. Unknown codes are ignored; two
    different codes (two wire stories pasted together) make the outlet unclear.
    """
    for line in doc.nonblank[:15]:
        if "(" not in line.text:
            continue  # the pattern needs the code's parenthesis
        match = _DATELINE.match(line.text)
        if not match or match["code"] not in _DATELINE_CODES:
            continue
        place = match["loc"].strip()
        rest = line.text[match.end() :]
        if place and not _is_place(place):
            continue
        glued = rest[:1].isupper() or rest[:1] in '"\u201c\u2018'
        if not (match["sep"] or glued) or len(rest.split()) < 5:
            continue
        start = line.start + (match.start("loc") if place else match.start("code") - 1)
        end = line.start + len(line.text[: match.end()].rstrip())
        yield _Signal(_DATELINE_CODES[match["code"]], start, end, "dateline")


def _is_place(text: str) -> bool:
    """'KYIV, Ukraine', 'WASHINGTON', 'NEW YORK, March 23', 'Washington, D.C.'."""
    tokens = text.replace(",", " ").split()
    return 0 < len(tokens) <= 8 and all(t[0].isupper() or t[0].isdigit() for t in tokens)


def _whole_line(doc: _Doc, pattern: re.Pattern[str], rule: str) -> Iterator[_Signal]:
    """Self-promotion lines, matched as a whole line:

    'CLICK HERE TO READ MORE FROM THE WASHINGTON EXAMINER' (read-more), 'CLICK HERE TO GET
    THE FOX NEWS APP' (get-app), 'Source: Al Jazeera and news agencies' (source-line).
    """
    for line in doc.nonblank:
        match = pattern.fullmatch(line.text)
        if not match:
            continue
        name = _outlet_name(match["name"], mid_sentence=match.start("name") > 0)
        if name:
            yield _Signal(name, line.start, line.start + match.end(), rule)


def _in_text(doc: _Doc, pattern: re.Pattern[str], needle: tuple[str, ...], rule: str) -> Iterator[_Signal]:
    """Self-promotion within a line: 'sign up for PEOPLE's free daily newsletter'
    (newsletter), 'Follow PEOPLE's complete coverage' (follow-coverage), '…request for
    comment from the Daily Caller News Foundation' (news-foundation). A sentence that
    cites a report ('according to', 'reported') is skipped: there the outlet is a source.
    `needle` holds words one of which every match contains ('newsletter' for the first), so
    most lines skip the costly pattern altogether.
    """
    for line in doc.nonblank:
        if not has_any(line.folded, needle):
            continue  # a match lies within one line, so the needle must too
        sentences: _Sentences | None = None  # built on a line's first match only
        for match in pattern.finditer(line.text):
            sentences = sentences or _Sentences(line.text)
            sentence = sentences.around(match.start(), match.end())
            if _CITATION.search(sentence):
                continue
            mid = _mid_sentence(line.text, match.start("name"))
            name = _outlet_name(match["name"], mid_sentence=mid)
            if name:
                # A bare name is its own evidence; a phrase ("sign up for …") is the evidence.
                start = match.start("name") if rule == "news-foundation" else match.start()
                yield _Signal(name, line.start + start, line.start + match.end(), rule)


def _byline_outlets(doc: _Doc, authors: Sequence[_Hit]) -> list[tuple[int, str, int, int]]:
    """The outlet each byline line of `authors` credits ('By Rob Picheta, CNN'), as (index in
    doc.nonblank, name, span in the line); a wire agency's credit is the story's source, not the
    page's outlet, and a place ('Jane Doe, Kyiv') is none."""
    index = doc.index
    found: list[tuple[int, str, int, int]] = []
    for number in dict.fromkeys(doc.line_at(hit.start) for hit in authors):
        line = doc.lines[number]
        name = bylines.byline_outlet(line.text)
        if not name or number not in index or name.casefold() in bylines.WIRES or bylines.place_like(name):
            continue
        start = line.text.rfind(name)
        if start >= 0:
            found.append((index[number], name, start, start + len(name)))
    return found


def _self_statements(doc: _Doc, authors: Sequence[_Hit]) -> Iterator[_Signal]:
    """A footer's line in which the site names itself beside its company ('Grazia Daily is part of
    the Bauer Media Entertainment Network', `mastheads.self_statement`): in the page's second half,
    and not an author's bio ('Jane Doe is part of …')."""
    persons = {str(hit.value).casefold() for hit in authors}
    lines = doc.nonblank
    for line in lines[len(lines) // 2 :]:
        found = mastheads.self_statement(line.text)
        if found and found.name.casefold() not in persons:
            yield _Signal(found.name, line.start + found.start, line.start + found.end, "self-statement")


def _outlet(doc: _Doc, authors: Sequence[_Hit] = ()) -> list[_Hit]:
    """One outlet with the evidence of its strongest signal, or nothing if signals disagree."""
    signals = [
        *_dateline(doc),
        *_whole_line(doc, _SOURCE_LINE, "source-line"),
        *_whole_line(doc, _READ_MORE, "read-more"),
        *_whole_line(doc, _GET_APP, "get-app"),
        *_in_text(doc, _NEWSLETTER, _NEWSLETTER_NEEDLE, "newsletter"),
        *_in_text(doc, _COVERAGE, _COVERAGE_NEEDLE, "follow-coverage"),
        *_in_text(doc, _FOUNDATION, _FOUNDATION_NEEDLE, "news-foundation"),
        *_self_statements(doc, authors),
    ]
    bylined = _byline_outlets(doc, authors)
    if found := mastheads.text_outlet([line.text for line in doc.nonblank], doc.text, bylined):
        name, number, start, end = found
        line = doc.nonblank[number]
        signals.append(_Signal(name, line.start + start, line.start + end, "masthead-footer"))
    persons = [str(hit.value) for hit in authors]
    if found := mastheads.framed_outlet([line.text for line in doc.nonblank], doc.text, persons):
        name, number, start, end = found
        line = doc.nonblank[number]
        signals.append(_Signal(name, line.start + start, line.start + end, "site-menu"))
    if not signals or len({outlet_key(s.name) for s in signals}) != 1:
        return []
    best = min(signals, key=lambda s: (_OUTLET_RULES.index(s.rule), s.start))
    return [_Hit("outlet", best.name, best.start, best.end, best.rule)]


# ---------------------------------------------------------------------------------------
# title
# ---------------------------------------------------------------------------------------

_CRUMB = r"[^\W\d_][^|\u203a\u00bb>.!?\s]*(?:\s+[^|\u203a\u00bb>.!?\s]+){0,2}"
_BREADCRUMB = re.compile(rf"{_CRUMB}(?:\s*[|\u203a\u00bb>]\s*{_CRUMB})+")
_CONTINUATION_WORDS = frozenset(
    """
    a an and are as at by for from her his in is its of on or that the their to was were
    with
    """.split()  # noqa: SIM905
)
_PAGE_CHROME = re.compile(
    r"(?i:skip\s+to|back\s+to|zur\u00fcck|listen\s+to\s+this|share\s+this|sign\s+(?:up|in)|log\s+in|subscribe|advertisement"
    r"|menu|search|accept|we\s+use\s+cookies|cookie"
    # A recommendation widget's heading: 'Around The Web', 'You May Like', 'Promoted Stories'.
    r"|(?:from\s+)?around\s+the\s+web|(?:more\s+)?from\s+the\s+web|you\s+may\s+(?:also\s+)?like|promoted\s+stories)\b"
)
# Two sentences: a period, then a capital. An exclamation or a question inside is a headline's
# ('Happy Holidays! The Story Behind It', 'Who Won? The Results').
_RUN_ON = re.compile(r"[a-z0-9][.]\s+[\"\u201c\u2018]?[A-Z]")


def _is_kicker(text: str) -> bool:
    """A section label above a headline: 'News | Russia-Ukraine war', 'Europe', 'BREAKING
    NEWS', 'Letters to the Editor' (a section's words only, `outlets.is_section`)."""
    words = _word_count(text)
    label = (words == 1 or (shouting(text) and words <= 4)) and text[-1] not in ".!?"
    return label or bool(_BREADCRUMB.fullmatch(text)) or is_section(text)


def _title(doc: _Doc, taken: set[int], bylined: Sequence[int] = ()) -> list[_Hit]:
    """Rule "headline": the first line, when it reads as a headline.

    "U.S. Believes 'Russia's Forces Have Committed War Crimes in Ukraine'" (see
    `headline_like`), followed by more text that does not continue it in lower case. A
    kicker line first ('News | Russia-Ukraine war', 'Europe') is skipped. A short line over
    another headline-like line ("Russia's War in Ukraine" over the headline) leaves it unclear
    which is the headline: no title. A first line that no byline, date or story follows within
    a few lines is a page's masthead over its menu ('Site Name', 'Menu', 'Sections'): the
    headline is then looked for further down (`_late_title`).
    """
    lines = doc.nonblank
    if doc.late_header:  # the story starts far down: the first line is the page's, not the story's
        return _late_title(doc, taken, bylined)
    index = 1 if lines and lines[0].number not in taken and _is_kicker(lines[0].text) else 0
    if index + 1 >= len(lines):
        return []
    line, following = lines[index], lines[index + 1]
    if line.number in taken or not headline_like(line.text) or not _heads_story(lines, index + 1, taken):
        return _late_title(doc, taken, bylined)
    below = doc.below(line)
    if below and below.text[0].islower():
        return []
    words = line.text.split()
    if len(words) <= 5 and following.number not in taken and headline_like(following.text):
        return []
    return [_Hit("title", " ".join(words), line.start, line.end, "headline")]


_MARK_WORDS = 15  # words: a byline or date line of a page's header is no longer
_SENTENCE_WORDS = 8
_HEAD_REACH = 6  # nonblank lines below a headline within which its byline, date or story begins


def _heads_story(lines: Sequence[_Line], index: int, taken: set[int]) -> bool:
    """Whether a byline, a date or the story (a sentence of eight words or more: menus hold
    none) begins within a few lines from lines[index] on."""
    for line in lines[index : index + _HEAD_REACH]:
        core = line.text.rstrip("\"'\u201d\u2019)] ")
        if line.number in taken or (len(line.text.split()) >= _SENTENCE_WORDS and core.endswith((".", "!", "?"))):
            return True
    return False


# A byline, a reading time, a date's label, a share widget: a page header's furniture.
_FURNITURE = re.compile(
    r"(?i)^(?:by\b|\d+\s*(?:-\s*)?min(?:ute)?s?\s+read\b|(?:last\s+)?(?:updated|posted|published)\b"
    r"|(?:all\s+)?shar(?:e|ing)\b)"
)


# A teaser's link closing a promoted story's summary ('... during... Read More').
_TEASER_END = re.compile(r"(?i:read\s+more|more\s*[\u00bb\u203a>]|continue\s+reading)\W*$")


def _page_headline(text: str) -> bool:
    """A line that may be a pasted page's headline: headline-like, not a byline, a reading time,
    mostly digits, a section label, a teaser ('... Read More') or a photo's credit line
    ('Screenshot by Jane Doe/Example Esports')."""
    digits = sum(c.isdigit() for c in text)
    if _FURNITURE.match(text) or digits > sum(c.isalpha() for c in text) or _TEASER_END.search(text):
        return False
    return headline_like(text) and not _is_kicker(text) and not credits.parse(text, labelled=False)


_ANY_YEAR = 2000  # a leap year: any day and month printed without a year is one in it


def _late_title(doc: _Doc, taken: set[int], bylined: Sequence[int] = ()) -> list[_Hit]:
    """Rule "late-headline": in a page's paste, whose first line is navigation, the headline is
    the first headline-like line standing alone above the article's byline and date, or above
    its story (`archive.extract.common.headlines.page_headline`)."""

    def marked(number: int) -> bool:
        """A byline or date line: read as one, or short and opening with 'By', holding a date or
        being the header's other furniture (a date's label, a reading time, share buttons)."""
        text = doc.lines[number].text
        if number in taken:
            return True
        if len(text.split()) > _MARK_WORDS:
            return False
        # A date without its year ('Updated Nov 19, 6:55 AM', 'December 29 6:30 PM': a day and
        # month with a time) and share buttons are the header's too.
        if _BYLINE.match(text) or _dates_in(text) or _FURNITURE.match(text):
            return True
        return bool(printed.printed_in(text, limit=1, year=_ANY_YEAR))

    texts = [line.text for line in doc.lines]
    number = headlines.page_headline(texts, marked, _page_headline, _prose)
    rule = "late-headline"
    if number is None and bylined:
        # The story starts far below the header: the headline over the article's byline.
        found = {headlines.headline_over(texts, n, marked, _page_headline, _prose) for n in bylined}
        number = found.pop() if len(found) == 1 else None
        rule = "byline-headline"
    if number is None:
        return []
    line = doc.lines[number]
    return [_Hit("title", " ".join(line.text.split()), line.start, line.end, rule)]


# Abbreviations a headline may end with or hold ('Mass.', 'Calif.', 'Co.', 'Gov.', 'U.S.'): the
# US states' AP forms and the common titles and company words.
_ABBREVIATION = re.compile(
    r"\b(?:(?:[A-Z]\.){2,}|(?:Ala|Ariz|Ark|Calif|Colo|Conn|Del|Fla|Ga|Ill|Ind|Kan|Ky|La|Md|Mass|Mich|Minn|Miss|Mo|Mont"
    r"|Neb|Nev|Okla|Ore|Pa|Tenn|Vt|Va|Wash|Wis|Wyo|Co|Corp|Inc|Ltd|Bros|Jr|Sr|St|Mt|Ft|Dr|Mr|Mrs|Ms|Gov|Sen|Rep|Gen"
    r"|Lt|Col|Sgt|Prof|Rev|No)\.)"
)
_TITLE_CASE_WORDS = 4


def _title_cased(words: Sequence[str]) -> bool:
    """Whether a line is in title case ('She Was Tired Of Being Photoshopped, So Here Is What
    She Did'): four words or more, three in four of those with letters capitalised."""
    lettered = [w.lstrip("\"'\u201c\u2018([") for w in words]
    lettered = [w for w in lettered if w[:1].isalpha()]
    capitals = sum(w[0].isupper() for w in lettered)
    return len(lettered) >= _TITLE_CASE_WORDS and capitals * 4 >= len(lettered) * 3


# A link written without its scheme ('pic.twitter.com/MYwRz9euaq'): an embedded post's, no headline's.
_BARE_URL = re.compile(r"(?<![\w.])(?:[a-z0-9-]+\.)+[a-z]{2,}/\S", re.I)


def headline_like(text: str) -> bool:
    """3 to 30 words, at most 200 characters, one sentence (an exclamation or a question may
    stand inside it), starting with a capital, not ending
    like a sentence (a period, even inside closing quotes, unless it closes an abbreviation
    such as 'Mass.' or the line is in title case) or mid-phrase, not ALL CAPS, and
    not a date, masthead, page title ('Headline | Section | Site'), breadcrumb ('Home > News >
    Headline'), list ('Gifts // Tech // Space') or page furniture ('Skip to content')."""
    words = text.split()
    if not 3 <= _word_count(text) <= 30 or len(text) > 200 or shouting(text):
        return False
    # A script without capitals (Chinese, Arabic, Korean) starts a headline with any letter.
    caseless = text[0].isalpha() and not (text[0].isupper() or text[0].islower())
    if not (text[0].isupper() or text[0].isdigit() or caseless or text[0] in "\"\u201c\u2018'\u300c\u3010["):
        return False
    if text.rstrip()[-1] in "\u3002\uff01":
        return False  # a sentence in Chinese or Japanese
    # An abbreviation's period ends no sentence: '... in Worcester, Mass.', 'Gov. Baker signs ...'.
    plain = _ABBREVIATION.sub(lambda m: m.group().replace(".", ""), text) if "." in text else text
    core = plain.rstrip("\"'\u201d\u2019)]\u00bb ")
    if not core or core[-1] in ",;:-\u2013\u2014" or _RUN_ON.search(plain):
        return False  # a sentence, or more than one
    if core[-1] == "." and not _title_cased(words):
        return False  # a sentence; a headline in title case may end with a period
    if words[-1].lower().strip("\"'\u201d\u2019") in _CONTINUATION_WORDS:
        return False  # a hard-wrapped paragraph's first line
    if (
        "://" in text
        or "@" in text
        or _BARE_URL.search(text)
        or re.search(r"\s(?:[|\u2022\u00b7>\u203a\u00bb]|//)\s", text)
    ):
        return False
    if _date_line(text) is not None:
        return False
    return outlet_key(text) not in _BRANDS and not _PAGE_CHROME.match(text)


# ---------------------------------------------------------------------------------------
# author
# ---------------------------------------------------------------------------------------

_NAME_LIST_SEP = re.compile(
    r"\s*,\s*(?:and|AND|&)\s+|\s*,\s*|\s+(?:and|AND)\s+|\s*&\s*|\s+in\s+|\s*\|\s*|\s+[\u2014\u2013-]\s+"
)
_AFFILIATION_CONNECTORS = frozenset({"of", "the", "and", "&", "in", "for", "at", "de", "|", "to", "with"})


def _names(text: str, *, comma_list: bool = False) -> tuple[list[tuple[int, int]], str] | None:
    """Parse a byline's names: 'Jane Doe, John Roe and Jim Poe in Kyiv, Reuters'.

    Returns the names' spans and the remaining affiliation ('Reuters'), or None if the
    text is not a list of names. A name after a comma counts only in an 'A, B and C' list,
    or where the label says names follow ('Authors: A, B'); otherwise what follows a comma
    is an affiliation ('JANE DOE, Reuters').
    """
    parts: list[tuple[int, int]] = []
    seps: list[str] = []
    pos = 0
    for match in _NAME_LIST_SEP.finditer(text):
        # A name's credentials are no part of it ('Lynne Eldridge MD').
        parts.append((pos, pos + bylines.credentials_start(text[pos : match.start()])))
        sep = match.group().strip().lower()
        seps.append("and" if sep.endswith(("and", "&")) else sep)  # ', and' closes an 'A, B, and C' list
        pos = match.end()
    parts.append((pos, pos + bylines.credentials_start(text[pos:])))
    has_and = any(sep in ("and", "&") for sep in seps)
    names: list[tuple[int, int]] = []
    i = 0
    while i < len(parts):
        start, end = parts[i]
        if not (_is_person(text[start:end]) or _initials_name(text[start:end])):
            return None
        names.append((start, end))
        if i == len(seps):
            return names, ""
        sep = seps[i]
        if sep == "in":
            # 'Jane Doe in Kyiv': a place, then the list goes on or the affiliation starts.
            i += 1
            place_start, place_end = parts[i]
            if not _is_place(text[place_start:place_end]) or "-" in text[place_start:place_end]:
                return None
            if i == len(seps):
                return names, ""
            sep = seps[i]
        if sep in ("and", "&"):
            i += 1
            continue
        listed = has_and and any(s in ("and", "&") for s in seps[i + 1 :])
        labelled = comma_list and _is_person(text[slice(*parts[i + 1])])
        if sep == "," and (listed or labelled):
            i += 1
            continue
        tail = text[parts[i + 1][0] :]
        return (names, tail) if _is_affiliation(tail) else None
    return names, ""


_INITIALS_NAME = re.compile(r"(?:[A-Z]\.){2,3}\s?[A-Z][a-z]+(?:['\u2019-][A-Z]?[a-z]+)*")


def _initials_name(text: str) -> bool:
    """A byline's 'A.A. Dowd', 'J.K. Roe': initials and a surname, which `_is_person` (two words
    or more) leaves out."""
    return bool(_INITIALS_NAME.fullmatch(text.strip())) and text.split()[-1].lower() not in _NOT_NAME


def _is_affiliation(text: str) -> bool:
    """'Reuters', 'Associated Press', 'BBC News, Kyiv', 'Staff Writer | March 23, 2022'."""
    tokens = text.replace(",", " ").split()
    if not 0 < len(tokens) <= 10 or len(text) > 80:
        return False
    if text.rstrip().endswith(".") and not INITIALS.fullmatch(tokens[-1]):
        return False
    return all(t[0].isupper() or t[0].isdigit() or t in _AFFILIATION_CONNECTORS for t in tokens)


_BYLINE = re.compile(
    r"(?:(?:Written|Words|Story|Text|Reported|Analysis|Opinion|Commentary)\s+)?"
    r"(?:By|BY|by|Von|VON|von|Par|PAR|Por|POR)\s*:?\s+(?=\S)"
    r"|By(?=[A-Z][a-z])"  # 'ByJane Doe': the label glued to the name
)
_AUTHOR_LABEL = re.compile(
    r"(?:Authors?|AUTHORS?|Author\(s\)|Writers?|Reporters?|Text|Texto|Texte|Текст|Autor(?:es|i|e|a|s)?|Auteurs?)"
    r"\s*[:/]\s*"
)
# 'By', 'By:', 'Author(s):' alone on a line: the names are on the next one.
_LABEL_ALONE = re.compile(r"(?:By|BY|by|Authors?|AUTHORS?|Author\(s\)|Writers?)\s*:?")
# 'Monday November 18, 2019 7:45 am PST by Joe Rossignol': the byline closing a date line.
_DATE_THEN_BY = re.compile(r"\s(?:by|By|BY)\s+(?=[A-Z])")
# 'Jane Doe | jdoe@example.com By Jane Doe | jdoe@example.com': a byline printed twice on one line.
_TWICE = re.compile(r"\s(?:By|BY)\s+")
_CREDIT_SEGMENT = re.compile(r"(?P<role>[A-Za-z][A-Za-z ]{0,40}?)\s+by\s+(?P<names>[^;()]+?)\s*[.)]?\s*$", re.I)
_AUTHOR_ROLES = frozenset({"reporting", "writing", "reporting and writing", "written"})
_ROLE_WORDS = "reporter|correspondent|writer|editor|journalist|contributor|columnist|producer|chief|analyst"
_ROLE_LINE = re.compile(
    rf"(?P<name>[^|,\u2014\u2013]+?)\s*(?:\||,|\u2014|\u2013)\s*(?P<role>(?:[A-Z][\w-]*\s+){{0,3}}(?i:{_ROLE_WORDS}))"
)
# A job title alone on a line: 'Sports Editor', 'Political Commentator', 'Senior Staff Writer'.
# A photographer's, a curator's or an expert's box names no author.
_WRITER_WORDS = (
    "reporter|correspondent|writer|editor|journalist|contributor|columnist|commentator|analyst|critic|blogger"
)
_ROLE_BELOW = re.compile(rf"(?:[A-Z][\w-]*\s+){{0,3}}(?i:{_WRITER_WORDS})")
_BYLINE_REACH = 100  # nonblank lines above the story's start that may hold its byline (captions, share bars)
_EXPLICIT, _BARE = 2, 1  # a labelled byline ('By ...') outranks a bare name beside a date


def _authors(doc: _Doc, date_lines: set[int]) -> list[_Hit]:
    """Authors from the article's byline, one per distinct name, with the byline as evidence.

    Bylines: "byline" ('By Jane Doe and John Roe', 'By JANE DOE, Reuters', 'By Jane Doe December
    29, 2014 4:08 pm EST', 'by: Jane Doe'), "author-label" ('Author: Jane Doe', 'By' or 'Author:'
    alone on a line with the names on the next), "byline-organisation" ('By The Associated
    Press'), "byline-role" ('Jane Doe | Reporter'; weaker, an author's box: 'Jane Doe' / 'Sports
    Editor'), "date-byline" ('November 18, 2019 7:45 am
    by Jane Doe') and, weaker, "byline-dated" (a bare name with a date on its line or beside it:
    'Jane Doe - Nov 19, 2019', 'Jane Doe in Kyiv'). They are read in the header and in the lines
    above the story's start (a pasted page puts navigation first); of several, the labelled
    one nearest the story wins, since related-story promos above and below carry other
    stories' bylines. Without a byline, "reporting-credit" anywhere ('Reporting by Jane Doe in
    Kyiv; Editing by John Roe': reporters and writers, not editors), else an East Asian byline
    without 'By' ("byline-ja", "signoff-ko": `_east_asian_byline`), else "byline-bio" (a name
    alone above the story that the closing biography names: 'Jane Doe (@janedoe) is a reporter').
    Desks and staff accounts ('Reuters Staff', 'News Nation Bureau') name no author.
    """
    nonblank = doc.nonblank
    story = doc.story
    if story is None:  # no story found (short paragraphs): the first byline anywhere
        window = {line.number for line in nonblank}
    else:
        window = doc.header_numbers | {line.number for line in nonblank[max(0, story - _BYLINE_REACH) : story]}
    best: tuple[int, int, list[_Hit]] | None = None  # (strength, rank, hits)
    credits: list[_Hit] = []
    for index, line in enumerate(nonblank):
        text = line.text
        if len(text) > 200:
            continue
        if text.lstrip("(").lower().startswith(("reporting", "writing")):
            credits += [_author_hit(line, s, e, "reporting-credit") for s, e in _credit_line_authors(text)]
            continue
        if line.number not in window:
            continue
        hits, strength = _byline_at(doc, line, date_lines)
        if not hits or (strength == _BARE and story is None and line.number not in doc.header_numbers):
            continue
        # Nearest the story's start when it is known; else the first in the text.
        rank = index if story is not None else -index
        if best is None or (strength, rank) > best[:2]:
            best = (strength, rank, hits)
    header = window if story is not None else doc.header_numbers
    hits = best[2] if best else credits or _east_asian_byline(doc, header) or _bio_author(doc, window)
    unique: dict[str, _Hit] = {}
    for hit in hits:
        unique.setdefault(str(hit.value).casefold(), hit)
    return list(unique.values())


# A writer's biography closing a story: 'Jane Doe (@janedoe) is a freelance reporter covering ...'.
_BIO = re.compile(
    r"(?:\s*\(@\w{1,30}\))?\s+is\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,6}?"
    r"(?:reporter|writer|editor|correspondent|columnist|contributor|journalist|critic|producer|blogger)s?\b"
)
_BIO_NAME_WORDS = 4  # words: a name alone on a line


def _bio_author(doc: _Doc, window: set[int]) -> list[_Hit]:
    """Rule "byline-bio", where no byline is found: a person's name alone on a line above the story
    ('Molly Wood' over 'Ideas' and the date) that the story's closing biography names as its
    writer ('Molly Wood (@mollywood) is an Ideas contributor at ...'). One such name only."""
    names: dict[str, _Line] = {}
    for line in doc.nonblank:
        if line.number in window and len(line.text.split()) <= _BIO_NAME_WORDS and _is_person(line.text):
            names.setdefault(line.text, line)
    if not names:
        return []
    found: dict[str, _Line] = {}
    for line in doc.nonblank:
        if len(line.text) > 1000:
            continue
        for name, at in names.items():
            if at.number < line.number and line.text.startswith(name) and _BIO.match(line.text, len(name)):
                found.setdefault(name, at)
    if len(found) != 1:
        return []
    ((name, at),) = found.items()
    return [_Hit("author", person_value(name), at.start, at.end, "byline-bio")]


def _credit_line_authors(text: str) -> list[tuple[int, int]]:
    """'Reporting by Jane Doe in Kyiv; Additional reporting by Olena Roe; Editing by Jim
    Poe' -> Jane Doe. Every ';' segment must read '<role> by <names>'."""
    body_start = 1 if text.startswith("(") else 0
    body = text[body_start:]
    if not body.lower().startswith(("reporting by", "writing by", "reporting and writing by")):
        return []
    found: list[tuple[int, int]] = []
    pos = 0
    for piece in body.split(";"):
        lead = len(piece) - len(piece.lstrip())
        match = _CREDIT_SEGMENT.fullmatch(piece.strip())
        if not match:
            return []
        if " ".join(match["role"].lower().split()) in _AUTHOR_ROLES:
            parsed = _names(match["names"])
            if parsed is None or parsed[1]:
                return []
            offset = body_start + pos + lead + match.start("names")
            found.extend((offset + s, offset + e) for s, e in parsed[0])
        pos += len(piece) + 1
    return found


def _east_asian_byline(doc: _Doc, header: set[int]) -> list[_Hit]:
    """Bylines East Asian outlets print without 'By' (`bylines.japanese_byline`,
    `bylines.korean_signoff`): a Japanese title-and-name line ('編集委員\u3000中沢克二') in the
    header (`header`: its lines and those above the story) or right under a headline (rule
    "byline-ja"), else a Korean story's sign-off ('정덕현 칼럼니스트 thekian1@example.co.kr', rule
    "signoff-ko") anywhere. One writer only: several are a list of other stories' ends."""
    found: list[_Hit] = []
    previous: _Line | None = None
    for line in doc.nonblank:
        name = bylines.japanese_byline(line.text)
        if name and (line.number in header or (previous is not None and _page_headline(previous.text))):
            at = line.text.rfind(name)
            found.append(_author_hit(line, at, at + len(name), "byline-ja"))
        previous = line
    if not found and bylines.has_hangul(doc.text[:_HANGUL_REACH]):
        for line in doc.nonblank:
            if name := bylines.korean_signoff(line.text):
                at = line.text.find(name)
                found.append(_author_hit(line, at, at + len(name), "signoff-ko"))
    return found if len({hit.value for hit in found}) == 1 else []


_HANGUL_REACH = 20_000  # characters read for Hangul: a Korean page shows it in its menus and headline


def _author_hit(line: _Line, start: int, end: int, rule: str) -> _Hit:
    value = bylines.undouble(person_value(line.text[start:end]))
    return _Hit("author", value, line.start + start, line.start + end, rule)


_SINGLE_NAME = re.compile(r"[A-Z][a-z]{2,}(?:['\u2019-][A-Za-z]+)*")


def _byline_names(
    text: str, offset: int, *, comma_list: bool, labelled: bool = False
) -> tuple[list[tuple[int, int]], str]:
    """The names of a byline's text after its label, as spans from offset, and the rule: persons,
    or an organisation such as a wire agency. After a label ('By', 'Author:') one name alone
    counts too ('By Regan'), as does any name after 'Author:' ('Author: The Example Letter')."""
    end = bylines.names_end(text)
    parsed = _names(text[:end], comma_list=comma_list)
    if parsed:
        return [(offset + s, offset + e) for s, e in parsed[0]], "byline"
    single = text[:end].strip()
    if labelled and _SINGLE_NAME.fullmatch(single) and single.lower() not in _NOT_NAME | _MONTH_WORDS:
        return [(offset, offset + len(single))], "byline"
    head = re.split(r"\s*(?:,|/|\||\s[\u2013\u2014-]\s)", text[:end], maxsplit=1)[0]
    rest = text[len(head) : end].strip(" ,/|-\u2013\u2014")
    if bylines.is_org_byline(head) and (not rest or _is_affiliation(rest)):
        return [(offset, offset + len(head.rstrip()))], "byline-organisation"
    if comma_list and labelled and _is_affiliation(single) and not bylines.is_desk(single) and len(single.split()) <= 5:
        return [(offset, offset + len(single))], "byline-organisation"
    return [], ""


_MONTH_WORDS = frozenset({"may", "june", "july", "august", "april", "christmas", "easter", "tonight", "tomorrow"})


def _byline_at(doc: _Doc, line: _Line, date_lines: set[int]) -> tuple[list[_Hit], int]:
    """The authors a header line states as a byline, and how strongly."""
    text = line.text
    prefix = _BYLINE.match(text) or _AUTHOR_LABEL.match(text)
    if prefix and prefix.end() < len(text):
        label = prefix.re is _AUTHOR_LABEL
        spans, rule = _byline_names(text[prefix.end() :], prefix.end(), comma_list=label, labelled=True)
        rule = "author-label" if label and rule == "byline" else rule
        return [_author_hit(line, s, e, rule) for s, e in spans], _EXPLICIT
    if _LABEL_ALONE.fullmatch(text):
        below = doc.next_nonblank(line)
        if below is None or len(below.text) > 200:
            return [], 0
        spans, rule = _byline_names(below.text, 0, comma_list=not text.lower().startswith("by"), labelled=True)
        return [_author_hit(below, s, e, "author-label") for s, e in spans], _EXPLICIT
    twice = _TWICE.search(text)
    if twice and text[twice.end() :].startswith(text[: twice.start()].strip()):
        spans, rule = _byline_names(text[twice.end() :], twice.end(), comma_list=False)
        return [_author_hit(line, s, e, rule) for s, e in spans], _EXPLICIT
    by = _DATE_THEN_BY.search(text)
    # 'Updated 1207 GMT Edited by Jane Doe' is an editor's credit, not the byline.
    if (
        by
        and not text[: by.start()].endswith("ed")
        and bylines.names_end(text[: by.start()]) == 0
        and _dates_in(text[: by.start()])
    ):
        spans, _ = _byline_names(text[by.end() :], by.end(), comma_list=False)
        return [_author_hit(line, s, e, "date-byline") for s, e in spans], _EXPLICIT
    role = _ROLE_LINE.fullmatch(text)
    if role and _is_person(role["name"]):
        return [_author_hit(line, role.start("name"), role.end("name"), "byline-role")], _EXPLICIT
    below = doc.below(line)
    if below is not None and _ROLE_BELOW.fullmatch(below.text.strip()) and _is_person(text.strip()):
        # An author's box: the name, its job title on the line under it ('Jane Doe' / 'Sports Editor').
        start = len(text) - len(text.lstrip())
        return [_author_hit(line, start, len(text.rstrip()), "byline-role")], _BARE
    # A bare name with its date on the same line under the headline reads as surely as 'By'.
    return _dated_byline(doc, line, date_lines)


def _dated_byline(doc: _Doc, line: _Line, date_lines: set[int]) -> tuple[list[_Hit], int]:
    """'Jane Doe - Nov 19, 2019, 10:31 pm CST', 'Reuters November 18, 2019', a line of names
    with a date line directly above or below it ('Jane Doe in Kyiv' / 'March 23, 2022'), or a name
    under the headline given twice right above the story (an author's picture's text, then the name)."""
    text = line.text
    end = bylines.names_end(text)
    if not end:
        return [], 0
    rest = text[end:].lstrip(bylines.TRAILING_SEPARATORS)
    # What a byline carries beside the name: a handle ('Jane Doe @janedoe'), glued interface
    # text ('Jane DoeView More Articles'), a date ('Jane Doe - Nov 19, 2019').
    handle = bool(re.match(r"@\w", rest))
    below = doc.next_nonblank(line)
    # The name again on the next line, the story right under it: an author's picture's text, then
    # the name ('Jane Doe' / 'Jane Doe' / 'Share'); a menu repeats its items too, but far above the story.
    repeated = not rest and below is not None and below.text.strip() == text.strip() and _story_below(doc, below)
    marked = handle or repeated or bylines.is_interface(rest.split(" ")[0])
    dated = bool(_dates_in(rest[:40])) or bool(_NUMERIC_DATE.match(rest))
    # Above or below, or below a line naming the outlet ('Jane Doe' / 'The Example' / 'May 14, 2020').
    neighbours = [n for n in (doc.above(line), doc.below(line), below, below and doc.next_nonblank(below)) if n]
    beside_date = any(n.number in date_lines or _date_line_like(n.text) for n in neighbours)
    parsed = _names(text[:end])
    head = text[:end].split(",")[0]
    if parsed:
        spans = parsed[0]
        if bylines.is_bureau(parsed[1]) or bylines.place_like(text[: spans[0][1]]):
            return [], 0  # "New Delhi, Example News Bureau": a dateline's place and a desk
        if not ((dated or beside_date or marked) and (_under_headline(doc, line) or (handle and beside_date))):
            return [], 0
    elif head.casefold() in bylines.WIRES and (dated or beside_date):  # a bare organisation: a wire agency
        spans = [(0, len(head))]
    else:
        return [], 0
    return [_author_hit(line, s, e, "byline-dated") for s, e in spans], _EXPLICIT if dated else _BARE


_STORY_BELOW = 3  # nonblank lines under a byline within which its story starts


def _story_below(doc: _Doc, line: _Line) -> bool:
    """Whether the story's first line (`_Doc.story`) is within a few lines under `line`."""
    story, at = doc.story, doc.index.get(line.number)
    return story is not None and at is not None and 0 < story - at <= _STORY_BELOW


_NUMERIC_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")
_HEADLINE_WORDS = 5  # a headline over a bare byline: menus and result lists hold shorter lines


def _previous(doc: _Doc, line: _Line) -> _Line | None:
    """The nearest line with text above, if no more than two blank lines come between."""
    for earlier in reversed(doc.lines[max(0, line.number - 3) : line.number]):
        if earlier.text:
            return earlier
    return None


def _under_headline(doc: _Doc, line: _Line) -> bool:
    """Whether a line sits under the headline, or under a standfirst under it: where a bare byline is."""
    above = _previous(doc, line)
    if above is None:
        return False
    if headline_like(above.text) and len(above.text.split()) >= _HEADLINE_WORDS:
        return True
    higher = _previous(doc, above)
    standfirst = above.text.rstrip("\"'\u201d\u2019) ").endswith((".", "!", "?"))
    return standfirst and higher is not None and headline_like(higher.text) and len(higher.text.split()) >= 5


def _date_line_like(text: str) -> bool:
    """A line that opens with its date: 'Dec. 29, 2014, 5:39 PM', 'Updated 1:39 am EST, November 20, 2019'."""
    return len(text) <= 120 and bylines.names_end(text) == 0 and bool(_dates_in(text))


# ---------------------------------------------------------------------------------------
# credit
# ---------------------------------------------------------------------------------------

_CAPTION_LABEL = re.compile(r"(?:Image|Photo|Media)?\s*(?i:caption)\s*[,:]\s*")
_CAPTION_TRIM = " \t|\u2013\u2014-:,([" + _SPACE


def _line_credits(line: _Line) -> credits.Found | None:
    """The credits closing a line (`credits.find`), after a cheap test that rules most lines out."""
    if not credits.may_hold(line.folded[max(0, len(line.text) - credits.MAX_CREDITS) :]):
        return None
    return credits.find(line.text)


def _credits(doc: _Doc, skip: set[int]) -> tuple[list[_Hit], set[int]]:
    """Photo credits, each with its caption, and the numbers of the lines holding them.

    The caption is the text before the credits on their line ('… on July 7, 2022.
    Nariman El-Mofty/AP'); for a credit alone on its line, a following 'Image caption, …'
    line, else the line directly above if it is caption-length (and not the headline or a
    date line).
    """
    hits: list[_Hit] = []
    lines: set[int] = set()
    footer = _footer_start(doc)
    for line in doc.nonblank:
        if line.number in skip or line.number in lines:
            continue
        found = _line_credits(line)
        below = None
        if not found and len(line.text) <= 40 and credits.label_only(line.text):
            below, found = _labelled_below(doc, line, skip)
        if not found or (line.number > footer and found.caption_end == 0):
            continue  # a bare credit line below the page's 'All rights reserved' is the site's ('Images by …')
        lines.add(line.number)
        caption = found.caption(line.text).rstrip(_CAPTION_TRIM)
        if not caption:
            caption = _caption_nearby(doc, line, skip)
        if credits.promotion(caption):
            continue  # the image of an advertisement ('Subscribe to our magazine')
        for located in found.credits:
            value = located.credit.value(caption)
            start, end = line.start + located.start, line.start + located.end
            if below is not None:  # the credit read from 'Photo:' and the line below it, joined by one blank
                lines.add(below.number)
                gap = below.start - line.end - 1
                start, end = start + (gap if located.start > len(line.text) else 0), end + gap
            hits.append(_Hit("credit", value, start, end, found.rule))
    return hits, lines


_RIGHTS = re.compile(r"(?i)\ball\s+rights\s+reserved\b")


def _footer_start(doc: _Doc) -> int:
    """The number of the first 'All rights reserved' line in the second half of the text (the page's
    footer starts there), or past the last line."""
    half = len(doc.lines) // 2
    for line in doc.nonblank:
        if line.number >= half and "rights" in line.folded and _RIGHTS.search(line.text):
            return line.number
    return len(doc.lines)


def _labelled_below(doc: _Doc, line: _Line, skip: set[int]) -> tuple[_Line | None, credits.Found | None]:
    """A credit label alone on its line ('Photo:') and its credit on the line below ('Jane Doe')."""
    below = doc.below(line)
    if below is None or below.number in skip or len(below.text) > 200:
        return None, None
    found = credits.find(f"{line.text} {below.text}")
    return (below, found) if found and found.caption_end == 0 else (None, None)


def _caption_nearby(doc: _Doc, line: _Line, skip: set[int]) -> str:
    below = doc.below(line)
    if below:
        label = _CAPTION_LABEL.match(below.text)
        if label:
            return below.text[label.end() :]
    above = doc.above(line)
    first = doc.nonblank[0].number
    if above and above.number != first and above.number not in skip and len(above.text) <= 300:
        return "" if _line_credits(above) else above.text
    return ""


# ---------------------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------------------


def extract(data: bytes, decoding: Decoding | None = None) -> list[Extracted]:
    """What the article in `data` says about itself, each with its evidence.

    `decoding` says how the bytes are read (default: UTF-8, a BOM skipped). Raises ValueError if
    they are not valid in it: offsets must be exact, so the text is never repaired. CRLF line
    endings are fine. Spans are byte offsets into `data` itself, and each fact's evidence is
    exactly those bytes decoded. The result is ordered by field (as in FIELDS), then by position.
    """
    if decoding is None:
        decoding = Decoding("utf-8", "default", len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0)
    try:
        text = read(data, decoding, strict=True)
    except UnicodeDecodeError as exc:
        raise ValueError(f"not valid {decoding.encoding} at byte {exc.start + decoding.bom}") from exc
    doc = _Doc(text)
    dates, date_lines = _self_dates(doc)
    credits, caption_lines = _credits(doc, date_lines)
    authors = _authors(doc, date_lines)
    if not any(hit.field == "published" for hit in dates):
        dates += _byline_dates(doc, authors, caption_lines)
    hits = [*_outlet(doc, authors), *dates, *credits, *authors]
    # A line already read as a byline, dateline, date or credit cannot be the headline.
    taken = date_lines | caption_lines | {doc.line_at(hit.start) for hit in hits if hit.field in ("author", "outlet")}
    bylined = sorted({doc.line_at(hit.start) for hit in authors})
    titles = _title(doc, taken, bylined)
    hits.extend(titles)
    if not any(hit.field == "published" for hit in dates) and titles:
        dates += _headline_date(doc, titles[0], caption_lines)
        hits.extend(hit for hit in dates if hit.rule == "headline-date")
    if not any(hit.field == "published" for hit in dates):
        dates += _story_date(doc, caption_lines)
        hits.extend(hit for hit in dates if hit.rule == "story-date")
    if not any(hit.field == "published" for hit in dates):
        bound = _not_before(doc, date_lines, caption_lines)
        modified = next((hit for hit in dates if hit.field == "modified"), None)
        # A lower bound after the stated update date means one of them is misread: drop it.
        if bound and not (modified and str(bound.value) > str(modified.value)[:10]):
            hits.append(bound)
    return _to_bytes(data, text, hits, decoding)


_UNDER_HEADLINE = 6  # nonblank lines under the headline within which its date stands


_META_LINE = 160  # characters: a header's line of furniture ('21/06/2014 Tony Carter All, Books, News')
_META_WORDS = 16


def _meta_line_date(text: str) -> list[_DateSegment]:
    """The one full date on a header's line of furniture that holds more than dates: a name, a
    source, a comment count or the story's tags beside it ('2023-11-17 20:52:15 来源： 新华网',
    'Carlos Nadalim 27/09/2018 Comente! Alfabetização, Atividades', 'October 12, 2018/0
    Comments/in Promotion /by jdadmin'). Not a sentence, no update's label, no signature of an
    embedded post, and one date only: two may be the story's and a photo's."""
    if len(text) > _META_LINE or _word_count(text) > _META_WORDS or _prose(text) or _MODIFIED_LABEL.search(text):
        return []
    if text.lstrip()[:1] in "\u2014\u2013-" or "@" in text:
        return []  # an embedded post's or a quote's signature ('— Jane Doe (@janedoe) November 1, 2019')
    found = printed.printed_in(text, limit=3)
    if len(found) != 1 or not found[0].year_printed:
        return []
    (date_,) = found
    return [_DateSegment("bare", date_.start, _Dated(date_.start, date_.end, date_.when))]


def _headline_date(doc: _Doc, title: _Hit, skip: set[int]) -> list[_Hit]:
    """Rule "headline-date": where no line states the date as the article's and no byline has one,
    the first date line under the article's headline, above its story: 'November 18, 2019 |
    4:10pm', 'Monday, December 29, 2014', a name and its date ('Nissan November 20, 2019 13:42').
    An update's date alone ('Updated ...') is not the publication; a caption's is none; dates
    there that disagree give none."""
    index = doc.index
    at = index.get(doc.line_at(title.start))
    if at is None:
        return []
    candidates: list[tuple[int, _Dated]] = []
    for line in doc.nonblank[at + 1 : at + 1 + _UNDER_HEADLINE]:
        if line.number in skip:
            continue  # a photo's caption or credit, above the story
        if _prose(line.text):
            break  # the story has begun
        if _photo_date(doc, line):
            continue
        segments = _date_line(line.text) or _byline_date(line.text, in_header=True) or _meta_line_date(line.text)
        for segment in segments:
            if segment.kind != "modified":
                candidates.append((line.start + segment.start, segment.dated.shifted(line.start)))
    return _published(candidates, "headline-date")  # two dates that disagree: which is the article's?


def _story_date(doc: _Doc, skip: set[int]) -> list[_Hit]:
    """Rule "story-date", the last resort: where no line states the date as the article's, and none
    stands beside the byline or under the headline, a date alone on a line among the `_STORY_REACH`
    lines above the story's first paragraph (`headlines.story_start`: where no two prose lines
    run, as on a video's or a slideshow's page, the first prose line; and above the first prose
    line before it, as an interview's intro stands over its questions; where no line is prose, the
    first line of a story's length, as a video's standfirst ends without a stop), as pages print it between
    the headline's furniture and the story ('Monday, December 29, 2014' / 'Print Email Comments';
    'December 29 2014 9:11pm' above a video's length; the date under a comment form). A caption's
    date, a photo's (a credit under it), an update's and dates there that disagree give none."""
    texts = [line.text for line in doc.nonblank]
    story = headlines.story_start(texts, _prose)
    if story is None:
        # A video's standfirst may end without a stop: the first line of a story's length then.
        story = next((i for i, text in enumerate(texts) if _word_count(text) >= _STORY_WORDS), None)
    if story is None:
        return []
    # An interview's questions between its first paragraphs are no prose: its first prose line
    # then comes before the first two that run, and the lines above it are read too.
    first = min((i for i, text in enumerate(texts[:story]) if _prose(text)), default=story)
    above = sorted({*range(max(0, first - _STORY_REACH), first), *range(max(0, story - _STORY_REACH), story)})
    candidates: list[tuple[int, _Dated]] = []
    for line in (doc.nonblank[i] for i in above):
        if line.number in skip or _photo_date(doc, line):
            continue
        for segment in _date_line(line.text) or []:
            if segment.kind == "modified":
                return []  # the line is an update's: the publication is not stated here
            candidates.append((line.start + segment.start, segment.dated.shifted(line.start)))
    return _published(candidates, "story-date")


def _to_bytes(data: bytes, text: str, hits: Iterable[_Hit], decoding: Decoding) -> list[Extracted]:
    ordered = sorted(hits, key=lambda h: (FIELDS.index(h.field), h.start, h.end))
    positions = [i for hit in ordered for i in (hit.start, hit.end)]
    if decoding.encoding == "utf-8":
        offsets = _byte_offsets(text, positions)
    else:
        offsets = _byte_offsets_in(text, positions, decoding.encoding)
    result = []
    for hit in ordered:
        start, end = offsets[hit.start] + decoding.bom, offsets[hit.end] + decoding.bom
        try:
            evidence = data[start:end].decode(decoding.encoding)
        except UnicodeDecodeError:
            continue  # a stateful encoding whose slice does not read alone: no exact span, no fact
        if evidence != text[hit.start : hit.end]:
            continue
        result.append(Extracted(hit.field, hit.value, start, end, evidence, hit.rule))
    return result


def _byte_offsets_in(text: str, positions: Iterable[int], encoding: str) -> dict[int, int]:
    """As `_byte_offsets`, in another encoding (without its BOM: utf-16-le/-be, not utf-16)."""
    offsets: dict[int, int] = {}
    done = total = 0
    for i in sorted(set(positions)):
        total += len(text[done:i].encode(encoding))
        done = i
        offsets[i] = total
    return offsets


def _extract_document(doc: Document) -> Result:
    """The extractor protocol's entry: the facts of `extract`, with their byte spans."""
    data = doc.read(MAX_BYTES)
    decoding = _decoding(doc, data)
    if decoding is None:
        reason = "no character encoding could be decided for this text (it is stored unchanged)"
        return Result(NAME, VERSION, notes=(Note("not extracted", reason),))
    notes = () if decoding.how in ("valid UTF-8", "default") else (Note("decoded", _decoded(decoding)),)
    try:
        found = extract(data, decoding)
    except ValueError as exc:  # not valid in its encoding: offsets must be exact, so it is not read
        return Result(NAME, VERSION, notes=(*notes, Note("not extracted", f"plaintext extractor failed: {exc}")))
    facts = tuple(Fact(e.field, e.value, e.rule, e.evidence, e.start, e.end) for e in found)
    return Result(NAME, VERSION, facts, notes)


def _decoding(doc: Document, data: bytes) -> Decoding | None:
    """How to read the document: UTF-8 if it is (a BOM skipped), else as the format's rules decide."""
    if data.startswith(codecs.BOM_UTF8) or doc.charset in (None, "utf-8", "us-ascii"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return Decoding("utf-8", "valid UTF-8", len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0)
    return decide(data, html=False)


def _decoded(decoding: Decoding) -> str:
    return f"read as {decoding.encoding}: {decoding.how} (the stored bytes are unchanged; spans are offsets into them)"


EXTRACTOR = FunctionExtractor(NAME, VERSION, MEDIA_TYPES, MAX_BYTES, _extract_document)
