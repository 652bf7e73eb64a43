"""Bylines: what marks a line as one, where its names end, which words in it are not names, and the
outlet it credits.

A byline line carries more than names: a date ('By Jane Doe December 29, 2014 4:08 pm EST'), a
handle or an e-mail ('Jane Doe@janedoe', 'Jane Doe | jdoe@example.com'), interface text glued on
by the page ('Jane DoeView More Articles', 'Follow'), a job title ('Jane Doe, Staff Writer') and
an outlet ('By Rob Picheta, CNN', 'Rick Pearson / Chicago Tribune'). The plain-text and HTML
extractors share these rules; the name rules themselves are in `archive.extract.common.names`.
A byline is marked by a 'By' label, a link to the writer's page, or, in East Asian outlets, a job
title beside the name ('홍길동 기자', '編集委員 中沢克二'); a letters column is no writer.
"""

from __future__ import annotations

import re

# Words of page furniture that a byline element or line holds beside the names ('Share This
# Article', 'See All Articles', 'Email Me', 'View author archive'): a phrase with one is no name.
INTERFACE_WORDS = frozenset(
    """
    share shares email e-mail print tweet view see articles archive archives posts contact privacy
    policy about us me subscribe rss feed bio biography profile copied comments send search menu
    login sign facebook twitter linkedin instagram whatsapp pinterest reddit newsletter newsletters
    recent show reply author authors lookup upgrades loading advertisement sponsored listen copy url
    """.split()  # noqa: SIM905
)
# Words of job titles ('Political Commentator', 'Lung Cancer Expert', 'Senior Editor').
ROLE_WORDS = frozenset(
    """
    reporter reporters correspondent writer writers editor editors journalist contributor contributors
    columnist commentator expert analyst producer critic blogger curator photographer photojournalist
    anchor strategist intern senior contributing
    """.split()  # noqa: SIM905
)
# A desk, a staff account or a site account writes no byline a reader could cite ('News Nation
# Bureau', 'Motley Fool Staff', 'admin'): such bylines give no author.
DESK_WORDS = frozenset({"staff", "desk", "bureau", "team", "newsroom", "editors", "contributors", "editorial", "wire"})
ACCOUNTS = frozenset({"admin", "administrator", "webmaster", "editor", "guest", "user", "anonymous", "unknown"})
# Words of a headline or a menu item, never of a name ('What We're Reading This Week').
FUNCTION_WORDS = frozenset(
    """
    this these that those what who how why when where we we're you you're your our my his her their it it's
    its is are was were here's there's any every each some
    """.replace("'", "\u2019").split()
) | frozenset("we're you're it's here's there's".split())  # noqa: SIM905
# Everything that makes a capitalised phrase in a byline something other than a person's name.
NOT_NAME_WORDS = INTERFACE_WORDS | ROLE_WORDS | DESK_WORDS | FUNCTION_WORDS
# Degrees and credentials after a name ('Lynne Eldridge MD'): part of no name.
_CREDENTIALS = re.compile(r"(?:,?\s+(?:M\.?D|Ph\.?D|R\.?N|D\.?O|MPH|MBA|DDS|CFA|CPA|Esq)\.?)+$")

# Where the names of a byline stop: a digit (a date, a time, 'Cashmore2010-01-01'), a handle or an
# e-mail, a label of the date ('Updated', 'Published', 'on Dec 26'), or an interface word.
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?"
_STOP = re.compile(
    rf"\d|[\w.+-]+@[\w-]+\.\w|@|\b(?:updated|published|posted|publiziert|publié|publicado|last\s+modified)\b"
    rf"|\b(?:on|at)\s+(?:{_WEEKDAY}\s*,?\s*)?(?:{_MONTH}\s+)?\d"
    rf"|\b(?:{_WEEKDAY},?\s+)?{_MONTH}\s+\d"
    rf"|\b(?:{_WEEKDAY}),?\s+(?:{_MONTH}\s+)?\d"
    r"|\b(?:follow|email|e-mail|share|view|become|contact|subscribe)\b"
    r"|\s[|;]\s*[A-Z]\w*(?:\s+\w+)?\s+by\b"  # '| Photography by ...': another role's credit
    r"|\s\(",  # 'Jane Doe (Senior Editor)': an aside
    re.I,
)
TRAILING_SEPARATORS = " \t|/\u2022\u00b7,;:-\u2013\u2014(["
# A word of interface text or a job title glued to the name by the page: 'Marcus De GuzmanView
# More Articles', 'Meg JamesStaff Writer'.
_GLUED = re.compile(r"(?<=[a-z])(?=[A-Z][a-z]+\b)")
# An outlet in capitals glued to the name: 'Jane DoeEXAMPLENews'.
_GLUED_CAPS = re.compile(r"(?<=[a-z])(?=[A-Z]{3,})")


def _unglue(text: str) -> str:
    """A line break where a job title or interface text is glued to a name ('Meg JamesStaff Writer')."""
    caps = _GLUED_CAPS.search(text)
    if caps:
        text = text[: caps.start()] + "\n" + text[caps.start() :]
    if not _GLUED.search(text):
        return text
    pieces = []
    last = 0
    for match in _GLUED.finditer(text):
        word = re.match(r"[A-Z][a-z]+", text[match.start() :])
        if word and word.group().lower() in NOT_NAME_WORDS:
            pieces.append(text[last : match.start()])
            last = match.start()
    pieces.append(text[last:])
    return "\n".join(pieces)


def names_end(text: str) -> int:
    """Where the names (and affiliation) of a byline without its 'By' end: before a date, a time, a
    handle, an e-mail, a date label or an interface word, and before separators left dangling.

    'Jane Doe December 29, 2014 4:08 pm EST' -> 'Jane Doe'; 'Jane Doe, Staff Writer | October 29' ->
    'Jane Doe, Staff Writer'; 'Jane Doe@janedoe' -> 'Jane Doe'; 'Jane DoeView More' -> 'Jane Doe'.
    """
    end = len(text)
    glued = _unglue(text)
    if "\n" in glued:
        end = glued.index("\n")  # the same offsets: _unglue only inserts breaks
    stop = _STOP.search(text, 0, end)
    if stop:
        end = stop.start()
    while end and text[end - 1] in TRAILING_SEPARATORS:
        end -= 1
    return end


def undouble(name: str) -> str:
    """'Jane Doe Jane Doe' (a name printed twice, for screen readers and the eye) -> 'Jane Doe'."""
    tokens = name.split()
    half = len(tokens) // 2
    if len(tokens) >= 4 and len(tokens) % 2 == 0 and tokens[:half] == tokens[half:]:
        return " ".join(tokens[:half])
    return name


def strip_credentials(name: str) -> str:
    """'Lynne Eldridge MD' -> 'Lynne Eldridge'; 'Jane Doe, Ph.D.' -> 'Jane Doe'."""
    return _CREDENTIALS.sub("", name).strip()


def credentials_start(text: str) -> int:
    """Where the credentials closing a name start (its length if none)."""
    match = _CREDENTIALS.search(text)
    return match.start() if match else len(text)


def words(text: str) -> list[str]:
    return [w.strip(".,;:!?'\"()[]").casefold() for w in text.split()]


def is_desk(name: str) -> bool:
    """'News Nation Bureau', 'Motley Fool Staff', 'Reuters Staff', 'admin': no author."""
    folded = words(name)
    return " ".join(folded) in ACCOUNTS or any(w in DESK_WORDS for w in folded)


def is_bureau(text: str) -> bool:
    """'Example News Bureau', 'Web Desk': a desk as a whole line's credit (not 'IGN Staff', a second
    credit beside a writer's name)."""
    folded = words(text)
    return bool(folded) and folded[-1] in {"bureau", "desk", "newsroom", "team"}


# First words of place names, which read like names beside a date ('North Korea 09:31 August 20').
_PLACE_FIRST = frozenset({"north", "south", "east", "west", "new", "los", "las", "san", "santa", "saint", "united"})


def place_like(text: str) -> bool:
    """'North Korea', 'New Delhi', 'Los Angeles': a place, not a bare byline's name."""
    folded = words(text)
    return bool(folded) and folded[0] in _PLACE_FIRST


def is_interface(text: str) -> bool:
    """'Share This Article', 'See All Articles', 'Email Me', 'View Author Archive', 'No Author'."""
    folded = words(text)
    return any(w in INTERFACE_WORDS for w in folded)


def is_role(text: str) -> bool:
    """A job title: 'Political Commentator', 'Staff Writer', 'Lung Cancer Expert'."""
    folded = words(text)
    return bool(folded) and folded[-1] in ROLE_WORDS | DESK_WORDS


_BY = re.compile(r"^\s*(?:(?:written|words|story|text|reported)\s+)?(?:by|von|par|por)\b\s*:?\s*", re.I)
_PARTS = re.compile(r"\s*(?:,|/|\||\s[\u2013\u2014-]\s)\s*")
_FOR = re.compile(r"^(?:.*?\s)?(?:for|special\s+to(?:\s+the)?|with)\s+(?P<outlet>.+)$", re.I)
_OUTLET_WORD = re.compile(r"[\w.&'\u2019-]+")


def byline_outlet(text: str) -> str | None:
    """The outlet a byline credits, or None: 'By Rob Picheta, CNN' -> 'CNN'; 'Rick Pearson / Chicago
    Tribune' -> 'Chicago Tribune'; 'Jane Doe | Reuters' -> 'Reuters'; 'Reporter, HuffPost' ->
    'HuffPost'; 'By Eric Song, IGN Staff' -> 'IGN'; 'By Bill Hoppe | Special to the Pioneer Press'
    -> 'Pioneer Press'; 'Le Monde with AFP' -> 'AFP' is a wire co-credit, so -> 'Le Monde'.

    The last part after the names, when it reads as a name (capitalised words) and is no job
    title; whether it is the page's own outlet (and not a place, 'Jane Doe, Kyiv') is for the
    caller to decide against the page's other outlet evidence.
    """
    label = _BY.match(text)
    body = text[label.end() if label else 0 :]
    body = body[: names_end(body)]
    with_agency = re.match(r"^(?P<outlet>.+?)\s+with\s+(?P<agency>\S.*)$", body)
    if with_agency and not _PARTS.search(body):
        body = with_agency["outlet"]
        return body if _outlet_like(body) else None
    parts = [p for p in _PARTS.split(body) if p]
    if len(parts) < 2 and not (parts and is_role(parts[0].split(",")[0])):
        return None
    last = parts[-1]
    via = _FOR.match(last)
    if via:
        last = via["outlet"]
    tokens = last.split()
    while tokens and tokens[-1].strip(".,").casefold() in DESK_WORDS:
        tokens.pop()
    candidate = " ".join(tokens)
    if not candidate or is_role(candidate) or is_interface(candidate):
        # 'Reporter, HuffPost': the outlet is the part after the title.
        return None
    return candidate if _outlet_like(candidate) else None


def _outlet_like(text: str) -> bool:
    tokens = text.split()
    if not 0 < len(tokens) <= 6 or len(text) > 60:
        return False
    small = {"the", "of", "and", "&", "for", "de", "du", "la", "le"}
    return all(_OUTLET_WORD.fullmatch(t) and (t[0].isupper() or t.lower() in small) for t in tokens) and (
        tokens[0][0].isupper()
    )


# Wire agencies, which write bylines as organisations ('Reuters', 'By The Associated Press').
WIRES = frozenset(
    {
        "reuters", "associated press", "the associated press", "ap", "afp", "agence france-presse", "upi", "dpa",
        "efe", "ansa", "xinhua", "kyodo", "yonhap", "pti", "ians", "press trust of india",
    }
)  # fmt: skip


def is_org_byline(text: str) -> bool:
    """An organisation as a byline's author: a wire agency ('Reuters', 'The Associated Press') or a
    name organisations are named with ('Human Rights Watch'), and no desk ('Reuters Staff')."""
    from archive.core.names import is_organisation

    name = " ".join(text.split())
    if not name or len(name) > 60 or is_desk(name) or is_interface(name) or not name[0].isupper():
        return False
    return name.casefold() in WIRES or is_organisation(name)


# East Asian bylines give a job title and no 'By'. Korean outlets sign the story off with the
# writer's name, title and e-mail ('홍길동 기자 hong@example.co.kr': reporter; 칼럼니스트: columnist);
# Japanese ones print the title first ('編集委員　中沢克二': senior staff writer).
_KO_TITLES = "기자|선임기자|객원기자|수습기자|칼럼니스트|특파원|논설위원|편집위원|평론가"
_KO_SIGNOFF = re.compile(rf"(?P<name>[가-힣]{{2,4}})\s?(?:{_KO_TITLES})\s+[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_JA_TITLES = "特別編集委員|編集委員|論説委員|解説委員|上級論説委員|記者|特派員|コラムニスト"
_JA_NAME = r"[\u4e00-\u9fff\u3005]{2,6}|[\u4e00-\u9fff\u3005]{1,3}[ \u3000][\u4e00-\u9fff\u3005\u3040-\u30ff]{1,4}"
_JA_BYLINE = re.compile(rf"(?:{_JA_TITLES})[ \u3000]+(?P<name>{_JA_NAME})")


def has_hangul(text: str) -> bool:
    """Whether text holds Hangul syllables: a Korean page, whose stories may sign off so."""
    return any("\uac00" <= c <= "\ud7a3" for c in text)


def korean_signoff(line: str) -> str | None:
    """The writer a Korean story's sign-off line names: '정덕현 칼럼니스트 thekian1@example.co.kr' -> '정덕현'."""
    match = _KO_SIGNOFF.fullmatch(" ".join(line.split()))
    return match["name"] if match else None


def japanese_byline(line: str) -> str | None:
    """The writer a Japanese byline line names after the title: '編集委員\u3000中沢克二' -> '中沢克二'."""
    match = _JA_BYLINE.fullmatch(line.strip())
    return match["name"] if match else None


# A line opening with 'By' is a byline ('By Jane Doe', 'by: Jane Doe'); 'By' alone is its label.
_OPENS_WITH_BY = re.compile(r"\s*by(?:\s|:)", re.I)
_BY_LABEL = re.compile(r"\s*by\s*:?\s*", re.I)


def opens_with_by(text: str) -> bool:
    """'By Jane Doe', 'by: Jane Doe' (not 'Bylines', 'Bypass'): whether names may follow."""
    return bool(_OPENS_WITH_BY.match(text))


def is_by_label(text: str) -> bool:
    """'By', 'by:': a byline's label printed in an element of its own."""
    return bool(_BY_LABEL.fullmatch(text))


# A link to the writer's page on the site: '/author/jane-doe/' (WordPress's author archive),
# '/authors/jane-doe', '/en/author/jane-doe'; not the index of writers ('/authors/').
_AUTHOR_PAGE = re.compile(r"(?:https?://[^/?#]+)?/(?:[\w-]+/)?authors?/[\w.%-]+/?", re.I)


def author_page(href: str) -> bool:
    return bool(_AUTHOR_PAGE.fullmatch(href.strip()))


# A photo credit's label just before a name ('Photographs by', 'Photo:', 'Images courtesy of').
_PHOTO_LABEL = re.compile(
    r"(?:photo(?:graph)?s?|photography|images?|pictures?|illustrations?)(?:\s+(?:by|courtesy\s+of)\s*:?|\s*:)\s*$", re.I
)
_PHOTO_LABEL_REACH = 40  # characters before a name where its label stands


def photo_label_before(text: str, at: int) -> bool:
    """Whether a photo credit's label ends just before position `at` ('Photographs by |Jane Doe')."""
    return bool(_PHOTO_LABEL.search(text, max(0, at - _PHOTO_LABEL_REACH), at))


# A letters column as a page's author or site: 'Letters to the Editor', 'Readers' letters', 'Letters'.
_LETTERS = re.compile(r"(?:(?:readers?['\u2019]?|your)\s+)?letters?(?:\s+to\s+the\s+editors?)?", re.I)


def is_letters_column(name: str) -> bool:
    return bool(_LETTERS.fullmatch(" ".join(name.split())))
