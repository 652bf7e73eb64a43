"""Headline rules the extractors share: whether a visible heading and a metadata headline are the
same headline, whether a title is an HTTP error page's, and which line of a pasted web page is
its headline. Pure functions over strings and line numbers.
"""

from __future__ import annotations

import re
import unicodedata

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
