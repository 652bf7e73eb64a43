"""Headline rules the extractors share: whether a visible heading and a metadata headline are the
same headline, whether a title is an HTTP error page's, and which line of a pasted web page is
its headline. Pure functions over strings and line numbers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

# Quotation marks and dashes that vary between a page's heading and its metadata ("’" and "'").
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
_WORD = re.compile(r"\w+")


def headline_key(text: str) -> str:
    """The headline as compared: NFC, case folded, quotes and dashes unified, blanks collapsed."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES).casefold()
    return " ".join(text.split())


def same_headline(a: str, b: str) -> bool:
    return headline_key(a) == headline_key(b)


def starts(meta: str, part: str) -> bool:
    """Whether a metadata headline is part, or opens or closes with it set apart by punctuation
    ('Headline: Section: Site', 'Opinion | Headline', 'Headline （写真＝ロイター）'). The part must
    be the longer share (a site name or section opening or closing a headline is not the
    headline), of two words or eight characters or more, and not the end of a phrase ('News
    from The Associated Press' does not close with 'Associated Press')."""
    whole, key = headline_key(meta), headline_key(part)
    if not key or key == whole:
        return bool(key)
    if (len(key.split()) < 2 and len(key) < 8) or len(key) * 2 < len(whole):
        return False
    if whole.startswith(key):
        return not whole[len(key) :].lstrip()[:1].isalnum()
    if whole.endswith(key):
        return not whole[: -len(key)].rstrip()[-1:].isalnum()
    return False


def agrees(heading: str, meta: str) -> bool:
    """Whether a visible heading is the headline that a metadata headline states: the same, or
    one opening or closing the other ('Headline | Watch Videos Online', 'Opinion | Headline'),
    or sharing half the words of the longer (an SEO rewording of the same headline). A site
    name, a section label or another story's heading shares few words with the headline."""
    first, second = headline_key(heading), headline_key(meta)
    if not first or not second:
        return False
    if starts(meta, heading) or starts(heading, meta):
        return True
    words_a, words_b = set(_WORD.findall(first)), set(_WORD.findall(second))
    return min(len(words_a), len(words_b)) >= 3 and len(words_a & words_b) * 2 >= max(len(words_a), len(words_b))


# RFC 9110's reason phrases of the client and server errors a saved page shows instead of an
# article, with the wording error pages wrap them in ('404 Not Found', 'Page Not Found', 'Error 403').
_STATUS = (
    r"bad\s+request|unauthori[sz]ed|forbidden|access\s+denied|(?:page|file)?\s*not\s+found|gone"
    r"|internal\s+server\s+error|bad\s+gateway|service\s+unavailable|gateway\s+time-?out"
)
_ERROR_TITLE = re.compile(
    rf"(?:(?:error\s*)?[45]\d\d\s*[-:|]?\s*)?(?:{_STATUS})(?:\s*[-:|]?\s*(?:error\s*)?[45]\d\d)?|(?:error\s*)?[45]\d\d",
    re.I,
)


def error_title(text: str) -> bool:
    """Whether a page's title is an HTTP error's ('Page Not Found', '403 Forbidden'): such a page
    holds no article, and its title is no headline."""
    first = re.split(r"\s*[|:\u2013\u2014]\s*|\s+-\s+", " ".join(text.split()), maxsplit=1)[0]
    return bool(_ERROR_TITLE.fullmatch(first.strip(" .!")))


# ---- the headline of a pasted web page ---------------------------------------------------

_WINDOW = 40  # nonblank lines above the story's start that may hold its header
_SKIP = 8  # nonblank lines of byline, date, share buttons or captions between headline and story
_BLOCK_SKIP = 16  # lines of the byline's own block (no blank line between them) so skipped
_TRIES = 3  # byline or date blocks above the story to look above, the nearest first
_SENTENCES = 2  # standfirst and caption lines that may stand between the headline and the byline
_CHAIN = 3  # headline-like blocks in a row beyond this are a list of other stories
_SHORT = 5  # words: a line this short over a longer headline-like line may be a section label
_LABEL = 3  # words: a line this short over one longer headline-like line is a section label


def story_start(lines: Sequence[str], prose: Callable[[str], bool]) -> int | None:
    """The number of the story's first line: the first of two prose lines in a row (a menu or a
    cookie notice is rarely two sentence-long lines running), else the first prose line."""
    numbers = [i for i, text in enumerate(lines) if text]
    if not numbers:
        return None
    first = None
    for here, following in zip(numbers, [*numbers[1:], None], strict=True):
        if prose(lines[here]):
            if following is not None and prose(lines[following]):
                return here
            first = here if first is None else first
    return first


def page_headline(
    lines: Sequence[str],
    marked: Callable[[int], bool],
    headline: Callable[[str], bool],
    prose: Callable[[str], bool],
) -> int | None:
    """The number of a pasted page's headline line, or None when it is unclear.

    A browser's copy of a page puts each heading and paragraph between blank lines and runs menu
    items, bylines and dates together on consecutive lines. The headline is the first of the
    headline-like lines standing alone (a blank line above and below) right above the article's
    byline or date line (`marked`): the one nearest the story's start with such a line above it
    (share buttons and a lead photo's caption may stand between the byline and the story; lines
    stacked in the byline's own block, without a blank line, are its furniture, whatever they say).
    Between the byline and the headline only short lines (a handle, 'Share', a count) and a
    standfirst or a caption may stand, not more text; the headline is then the headline-like
    line right above them. A short line over a longer headline-like line leaves it unclear
    which is the section label and which the headline (unless a breadcrumb right above them ends
    with one of the two: the page's own name); more such lines in a row than a
    headline and a standfirst make are a list of other stories, and so is a line found with
    another headline over its date or byline right above it, unless text (a fact check's claim,
    a quote) stands between the line found and the date it was found over: the search then goes
    on to the next date or byline block up. Where no byline or date block
    has a headline over it (and none was unclear), the headline may stand under the date or a
    section's label, right above the story or share buttons. A line labelled as a paid story or,
    by a label alone above it, as a link to another story ('Sponsor Content', 'Next story') is
    none.
    """
    start = story_start(lines, prose)
    if start is None:
        return None
    above = [i for i in range(start - 1, -1, -1) if lines[i]][:_WINDOW]
    marks = [k for k, i in enumerate(above) if marked(i) and (k == 0 or not marked(above[k - 1]))]
    unclear = False
    for position in marks[:_TRIES]:
        found = _headline_above(lines, above, position, marked, headline, prose)
        if found is not None and found != _UNCLEAR:
            if not _listed(lines, found, marked, headline):
                return found
            below = next((i for i in range(found + 1, len(lines)) if lines[i]), None)
            if below is None or marked(below) or len(lines[below].split()) <= _SHORT:
                return None  # one of a list of stories, each over its date or byline
            # Text stood between the line found and the date under it (a fact check's claim, a
            # quote): the pair above it is the headline over its date, not a list; look higher.
            continue
        unclear = unclear or found == _UNCLEAR
    if unclear:
        return None
    # The date or the section's label above the headline ('October 9, 2018 at 4:02 pm', 'Published
    # 1 day ago'), share buttons or a standfirst between it and the story.
    found = _headline_above(lines, above, 0, marked, headline, prose)
    if found is None or found == _UNCLEAR or not any(marked(i) for i in _nonblank_around(lines, found, _MARK_REACH)):
        return None
    top = next((i for i in range(found - 1, -1, -1) if lines[i] and not marked(i)), None)
    if top is not None and marked(top + 1) and headline(lines[top]):
        return None  # a headline run into the date over it: the line found is its standfirst
    return None if _listed(lines, found, marked, headline) else found


_MARK_REACH = 3  # nonblank lines above or below a headline within which its date or byline stands
_LIST_REACH = 4  # nonblank lines above a headline where the story before it in a list stands


def _listed(lines: Sequence[str], found: int, marked: Callable[[int], bool], headline: Callable[[str], bool]) -> bool:
    """Whether the line found is one of a list of stories, each a headline over its date or
    byline: another such pair stands right above it ('Nissan Sentra debuts...' / 'November 20,
    2015' / 'AUTO NEWS' / the line found / 'September 12, 2016')."""
    up = [i for i in range(found - 1, -1, -1) if lines[i]][:_LIST_REACH]
    for i in up:
        following = next((k for k in range(i + 1, found) if lines[k]), None)
        alone = (i == 0 or not lines[i - 1]) and not lines[i + 1]
        if following is not None and alone and not marked(i) and marked(following) and headline(lines[i]):
            return True
    return False


def _nonblank_around(lines: Sequence[str], i: int, reach: int) -> list[int]:
    up = [k for k in range(i - 1, -1, -1) if lines[k]][:reach]
    down = [k for k in range(i + 1, len(lines)) if lines[k]][:reach]
    return up + down


# The label of a paid story among the site's own ('Sponsor Content', 'Sponsored', 'Paid Post').
_PROMOTION = re.compile(
    r"(?:sponsor(?:ed)?(?:\s+(?:content|story|post|by\b.*))?|paid\s+(?:content|post|partnership|for\s+by\b.*)"
    r"|promoted(?:\s+(?:content|stories|by\b.*))?|advertorial|partner\s+content|presented\s+by\b.*)",
    re.I,
)
_PROMOTION_LINE = 60  # characters: a label, not a sentence


# The label over a link to another story ('Next story', 'Up next', 'Read next', 'Related').
_TEASER = re.compile(
    r"(?:next|previous|prev)\s+(?:story|article|post)|up\s+next|read\s+next|related(?:\s+(?:story|article))?"
    r"|recommended(?:\s+for\s+you)?|you\s+may\s+also\s+like|more\s+stories|don['\u2019]t\s+miss"
    # A list widget's heading: 'Popular Posts', 'Most Read', 'Trending Now', 'Recent Posts'.
    r"|(?:most\s+)?popular(?:\s+(?:posts|stories|articles|now))?|most\s+(?:read|viewed|shared|commented)"
    r"|trending(?:\s+(?:now|stories|posts))?|(?:recent|related|random|latest)\s+(?:posts|stories|articles)",
    re.I,
)
_LABEL_TRIM = " :|\u2022\u00b7\u00bb\u203a>"


def _promoted(lines: Sequence[str], i: int) -> bool:
    """Whether the nearest line above or below lines[i] labels it a paid story, or the line above,
    standing alone (a menu runs its items together), labels it a link to another story: a
    promotion or a teaser, not the page's headline."""
    up = next((k for k in range(i - 1, -1, -1) if lines[k]), None)
    down = next((k for k in range(i + 1, len(lines)) if lines[k]), None)
    above = lines[up].strip(_LABEL_TRIM) if up is not None else ""
    below = lines[down].strip(_LABEL_TRIM) if down is not None else ""
    if len(above) <= _PROMOTION_LINE and _PROMOTION.fullmatch(above):
        return True
    if up is not None and (up == 0 or not lines[up - 1]) and _TEASER.fullmatch(above):
        return True
    return len(below) <= _PROMOTION_LINE and bool(_PROMOTION.fullmatch(below))


def headline_over(
    lines: Sequence[str],
    number: int,
    marked: Callable[[int], bool],
    headline: Callable[[str], bool],
    prose: Callable[[str], bool],
) -> int | None:
    """The number of the headline line over the article's byline at lines[number] (a byline the
    caller has read as the article's), by the rules of `page_headline`; None when it is unclear.
    For a page whose story starts too far below its header (a gallery, a ticker, a list of the
    most read stories between them) for `page_headline` to reach it."""
    above = [i for i in range(number, -1, -1) if lines[i]][:_WINDOW]
    found = _headline_above(lines, above, 0, marked, headline, prose)
    return None if found == _UNCLEAR else found


_UNCLEAR = -1  # headline-like lines above a byline, but which is the headline the page does not say


def _headline_above(
    lines: Sequence[str],
    above: Sequence[int],
    position: int,
    marked: Callable[[int], bool],
    headline: Callable[[str], bool],
    prose: Callable[[str], bool],
) -> int | None:
    """The headline over the byline or date block at above[position] (`above`: line numbers
    going up); None when there is none, _UNCLEAR when there are several candidates."""

    top = above[position] if position < len(above) else -1  # the byline's or date's line

    def alone(i: int) -> bool:
        """A blank line above and below, or below it the byline's own line: a headline set
        right over its byline ('米朝首脳直通電話…' / '編集委員　中沢克二')."""
        return (i == 0 or not lines[i - 1]) and (i + 1 >= len(lines) or not lines[i + 1] or i + 1 == top)

    def candidate(i: int) -> bool:
        return not marked(i) and alone(i) and headline(lines[i]) and not _promoted(lines, i)

    skipped = sentences = 0
    block = True  # still in the byline's block of lines (no blank line between)
    while position < len(above) and not candidate(above[position]):
        text = lines[above[position]]
        block = block and (skipped == 0 or above[position] + 1 == above[position - 1])
        if not marked(above[position]) and len(text.split()) > _SHORT and not block:
            # A standfirst or a caption between the headline and the byline; more is a story.
            sentences += 1
            if sentences > _SENTENCES or not (prose(text) or text.rstrip("\"'\u201d\u2019) ").endswith(".")):
                return None
        position += 1
        skipped += 1
        if skipped > (_BLOCK_SKIP if block else _SKIP):
            return None  # in the byline's own block its furniture may run longer ('3.409' / 'letture' / shares)
    chain: list[int] = []
    while position < len(above) and candidate(above[position]):
        chain.append(above[position])
        position += 1
    if not chain:
        return None
    if len(chain) > _CHAIN:
        return _UNCLEAR
    if sentences:  # the standfirst is read: the headline is the line right above it
        return chain[0]
    chain.reverse()  # top first
    if len(chain) > 1 and len(lines[chain[0]].split()) <= _SHORT < len(lines[chain[1]].split()):
        # A label of a word or three over it is the section's ('Minnesota Wild', 'Watch CBSN
        # Live'); a longer short line may be a short headline over its standfirst: unclear,
        # unless the breadcrumb over them ends with one of the two, the page's own name.
        if len(chain) == 2 and len(lines[chain[0]].split()) <= _LABEL:
            return chain[1]
        crumbed = [i for i in chain[:2] if _crumb_end(lines, chain[0], lines[i])]
        return crumbed[0] if len(crumbed) == 1 else _UNCLEAR
    return chain[0]


_CRUMB_REACH = 2  # nonblank lines above a page's header within which its breadcrumb stands
_CRUMB = re.compile(r"\s(?:>|\u203a|\u00bb|/|\|)\s")


def _crumb_end(lines: Sequence[str], top: int, text: str) -> bool:
    """Whether a breadcrumb ('Architectural Digest > Interiors + Inspiration > An Extraordinary
    Paradise Valley Residence') in the lines right above lines[top] ends with `text`."""
    up = [k for k in range(top - 1, -1, -1) if lines[k]][:_CRUMB_REACH]
    for k in up:
        parts = _CRUMB.split(lines[k])
        if len(parts) >= 2 and headline_key(parts[-1]) == headline_key(text):
            return True
    return False
