"""Where a page names its own outlet outside its metadata: a copyright or trademark line, the
suffix of its `<title>` ('Headline | Outlet'), the logo or name in the link to its home page.

Each of these alone is weak (a copyright line often names the owning company, a title suffix
a section, a logo's alt text may be 'Logo'), so the extractors use them as `Signal`s to weigh
with others (`archive.extract.common.outlets.resolve`). The functions read strings (and, for
home links, lxml elements), with limits on what they look at; none raises on odd input.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from archive.extract.common.bylines import FUNCTION_WORDS, INTERFACE_WORDS
from archive.extract.common.names import shouting, title_case
from archive.extract.common.outlets import Signal, is_company, is_section, is_wire_agency, resolve, same_outlet
from archive.extract.common.text import fold, has_any

# lxml ships no type information: its elements are handled as Any.
Element = Any

MAX_NAME = 60  # characters: longer than any outlet's name, shorter than a sentence
_MAX_WORDS = 6
_MAX_LINE = 400  # characters: a copyright line is short; a paragraph that cites one is not it

# ---------------------------------------------------------------------------------------
# Copyright and trademark lines
# ---------------------------------------------------------------------------------------

_YEARS = r"(?:19|20)\d\d(?:\s*[-\u2013\u2014]\s*(?:(?:19|20)\d\d)?)?"
_RIGHTS = r"(?i:all\s+rights?\s+reserved|todos\s+os\s+direitos|tous\s+droits|alle\s+rechte|derechos\s+reservados)"
_COPYRIGHT = re.compile(
    r"(?:(?i:copyright)\s*)?(?:\u00a9|\((?i:c)\)|\u24d2)\s*(?:(?i:copyright)\b)?|(?i:copyright)\b(?!\s+(?i:policy|notice))"
)
# After the mark: years, then the holder's name up to a separator, a year, 'All rights reserved'
# or the end of a sentence.
_HOLDER = re.compile(
    rf"[\s:]*(?P<years>{_YEARS})?[\s.,:\u00b7|-]*(?:(?i:by)\s+)?"
    rf"(?!{_RIGHTS})(?P<name>[^\W_][^|\u00b7\u2022\u2014\u2013,;()\[\]\"\u201c\u201d]*?)"
    rf"(?=\s*(?:[|\u00b7\u2022\u2014\u2013,;(\[]|\s-\s|{_RIGHTS}|(?P<after>(?:19|20)\d\d)\b|$)|\.(?:\s|$))"
)
_TRADEMARK = re.compile(
    r"(?:[\"\u201c](?P<quoted>[^\"\u201d]{1,60})[\"\u201d]|(?P<bare>(?:[A-Z0-9][\w.&'\u2019-]*\s+){0,4}[A-Z0-9][\w.&'\u2019-]*))"
    r"(?:\u00ae)?\s+is\s+a\s+registered\s+trademark\b"
)
_ABBREVIATION = re.compile(r"(?:^|\s)[A-Z][a-z]{0,2}$")  # 'St' of '24/7 Wall St.': its period is the name's


def _name(raw: str) -> str:
    """A holder's or an outlet's name as a value: blanks collapsed, ALL CAPS title-cased; '' if it
    is no name (too long, too many words, a URL, no letter)."""
    name = " ".join(raw.split()).strip(" ,:;-")
    name = name if _ABBREVIATION.search(name[:-1]) and name.endswith(".") else name.strip(" .")
    if not name or len(name) > MAX_NAME or len(name.split()) > _MAX_WORDS or not any(c.isalpha() for c in name):
        return ""
    if " / " in name or "://" in name or name.lower().startswith("www.") or "@" in name:
        return ""
    return title_case(name) if shouting(name) and len(name) > 4 else name


class Holder(NamedTuple):
    """A name a copyright or trademark line gives, its span in the line, and whether a legal form
    followed it ('Mashable, Inc.': the company of that name, which supports the outlet's name but
    is not how the outlet prints it)."""

    name: str
    start: int
    end: int
    company: bool = False


def copyright_holder(line: str) -> Holder | None:
    """The holder a copyright line names and its span in the line: '© 2019 Sputnik. All rights
    reserved' -> 'Sputnik'. Only a line that gives a year or 'All rights reserved' (a photo's
    '© Reuters' gives neither); a legal form is dropped ('Mashable, Inc.' -> 'Mashable', marked
    `company`), and a company's own name is none ('© 2019 Dow Jones & Company, Inc.')."""
    if len(line) > _MAX_LINE:
        return None
    for mark in _COPYRIGHT.finditer(line):
        match = _HOLDER.match(line, mark.end())
        if not match:
            continue
        start, end = match.span("name")
        if line[end : end + 1] == "." and _ABBREVIATION.search(line[start:end]):
            end += 1
        rest = line[end : end + 40]
        dated = match["years"] or match["after"] or re.match(rf"[\s.,]*{_RIGHTS}", rest)
        legal = _LEGAL_END.search(line[start:end])
        if legal:
            end = start + legal.start()
        tail = _LEGAL_TAIL.match(rest)
        name = _name(line[start:end])
        if not dated or not name or name.casefold() in ("all", "the") or is_company(name):
            continue
        return Holder(name, start, end, bool(legal or tail))
    return None


# A legal form closing a name, or following it: 'Business Insider Inc', 'Mashable, Inc.', 'CityAM. Limited'.
_LEGAL = (
    r"(?i:inc|incorporated|llc|l\.l\.c|ltd|limited|corp|corporation|co|plc|pty(?:\s+ltd)?|gmbh|ag|s\.a|lp|l\.p|llp)\.?"
)
_LEGAL_END = re.compile(rf",?\s+{_LEGAL}$")
_LEGAL_TAIL = re.compile(rf"[\s.,]*{_LEGAL}(?!\w)")


def trademark_name(line: str) -> Holder | None:
    """'"Daily Star" is a registered trademark', 'CBS Sports is a registered trademark of ...':
    the name the outlet registers, and its span in the line."""
    if len(line) > _MAX_LINE or "trademark" not in line:
        return None
    match = _TRADEMARK.search(line)
    if not match:
        return None
    group = "quoted" if match["quoted"] else "bare"
    name = _name(match[group])
    if not name or is_company(name):
        return None
    return Holder(name, match.start(group), match.end(group))


def copyright_mark(line: str) -> bool:
    """Whether line has a copyright sign or the word (a cheap test before the patterns)."""
    return "\u00a9" in line or "\u24d2" in line or "copyright" in line.lower() or "(c)" in line.lower()


def footer_name(line: str) -> tuple[Holder, str] | None:
    """The name a copyright or trademark line gives, and which of the two the line is."""
    if len(line) > _MAX_LINE:
        return None
    low = line.lower()
    if copyright_mark(line) and (found := copyright_holder(line)):
        # '© 2015 TheHuffingtonPost.com, Inc. "The Huffington Post" is a registered trademark': the
        # company's line registers the outlet's name too.
        if found.company and "trademark" in low and (mark := trademark_name(line)):
            return mark, "trademark"
        return found, "copyright"
    if "trademark" in low and (found := trademark_name(line)):
        return found, "trademark"
    return None


# A footer's sentence in which a site names itself beside the company behind it: 'Grazia Daily is part
# of the Bauer Media Entertainment Network', 'Slate is published by The Slate Group, a Graham Holdings
# Company', 'cricket.com.au is a production of CA Digital Media', 'Live Science is part of Future US Inc'.
_STATEMENT = re.compile(
    r"(?P<name>(?:the\s+|The\s+)?[^\W_][\w.&'\u2019-]*(?:\s+[^\W_][\w.&'\u2019-]*){0,4}?)"
    r"\s+is\s+(?:(?:a|an|the)\s+)?(?:part|production|division|brand|publication|property|service|product)\s+of"
    r"|(?P<pname>(?:The\s+)?[^\W_][\w.&'\u2019-]*(?:\s+[^\W_][\w.&'\u2019-]*){0,4}?)"
    r"\s+is\s+(?:published|owned|operated|produced)\s+by"
)
# The party named after the statement is a company or a group (`outlets.is_company`), not a person or a
# team: 'Future US Inc', 'The Slate Group', 'CA Digital Media', 'Bauer Media Entertainment Network'.
_PARTY_END = re.compile(r"\s*(?:[,;(]|\.\s|\.$|\s[-\u2013\u2014]\s)")
MAX_STATEMENT = 240  # characters: the statement and a sentence after it ('Visit our corporate site.')


def self_statement(line: str) -> Holder | None:
    """The name of a site's statement about itself and its company that opens `line` (see
    `_STATEMENT`), and its span; None for a story's sentence: a name that is no name ('The center'),
    a person's or a wire agency's, or a party after it that is no company ('… owned by Jane Doe')."""
    if len(line) > MAX_STATEMENT or " is " not in line:
        return None
    match = _STATEMENT.match(line)
    if not match:
        return None
    group = "name" if match["name"] else "pname"
    raw = match[group]
    party = _PARTY_END.split(line[match.end() : match.end() + 80], maxsplit=1)[0]
    if not is_company(party):
        return None
    name = _name(raw)
    words = name.split()
    if not name or not all(w[0].isupper() or w[0].isdigit() or "." in w or w in _CONNECTORS for w in words):
        return None
    if is_company(name) or is_wire_agency(name) or is_section(name):
        return None
    start = match.start(group)
    return Holder(name, start, start + len(raw))


# ---------------------------------------------------------------------------------------
# A site's domain
# ---------------------------------------------------------------------------------------

# Second-level labels under which a country's domains are registered ('co.uk', 'com.au').
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne", "go", "gob", "nic"})
# Hosts whose sites are many people's: their domain names the platform, not the page's site.
_SHARED_HOSTS = frozenset({"blogspot.com", "wordpress.com", "medium.com", "substack.com", "tumblr.com", "wixsite.com"})


def site_domain(host: str) -> str:
    """The domain a site registered, from its host: 'letterstotheeditorblog.dallasnews.com' ->
    'dallasnews.com', 'www.bbc.co.uk' -> 'bbc.co.uk'; '' for an address, a bare name or a
    platform's host (a blog on blogspot.com)."""
    host = host.split(":", 1)[0].rstrip(".")
    labels = host.split(".")
    if len(labels) < 2 or not labels[-1].isalpha() or not all(labels):
        return ""
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    domain = ".".join(labels[-keep:])
    return "" if domain in _SHARED_HOSTS else domain


# ---------------------------------------------------------------------------------------
# The title's suffix
# ---------------------------------------------------------------------------------------

# Between a <title>'s parts: ' | ', ' - ', ' -- ', ' / ', ' : ' and the like, a full-width bar or colon
# ('…：日本経済新聞'), a hyphen or an underscore between CJK characters ('…需求-新华网', '…报道_新浪新闻').
TITLE_SEPARATOR = re.compile(
    r"\s+(?:[|\-\u2013\u2014:\u00b7\u2022\u00bb/]|--)\s+|\s*[\uff5c\uff1a]\s*|(?<=[\u3040-\u9fff])[-_](?=[\u3040-\u9fff])"
)


def title_suffix(title: str) -> str:
    """'Headline | Section | Outlet' -> 'Outlet'; '' when the title has no separator or the last
    part is no name (a URL, a sentence)."""
    if len(title) > 1000:
        return ""
    parts = TITLE_SEPARATOR.split(title.strip())
    if len(parts) < 2 or not parts[0].strip():
        return ""
    return _name(parts[-1])


# ---------------------------------------------------------------------------------------
# The link to the home page
# ---------------------------------------------------------------------------------------

_HOME_WORDS = re.compile(
    r"^(?:(?:go|back|return)\s+to|visit)\s+(?:the\s+)?|(?:['\u2019]s)?\s*(?:(?:site\s+|main\s+)?logo|home\s*page|homepage|home)$",
    re.I,
)
_GENERIC = frozenset({"", "home", "logo", "homepage", "home page", "front page", "brand", "top", "main page", "menu"})
_HOME_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.php"})
_TAGLINE = re.compile(r"\s+(?:\||\u2013|\u2014|-|::|\u00b7|\u2022)\s+")
MAX_HOME_NAMES = 20  # distinct names: a site's logo, its name and a tagline or two
MAX_HOME_LINKS = 5000  # links examined: more than a page has, to bound the work on one that is not


def _home_label(raw: str) -> str:
    """A home link's text or alt as a name: 'Sportsnet', 'Home - Boston Herald - www.bostonherald.com'
    -> 'Boston Herald'; '' for 'Home', 'Logo'."""
    for part in _TAGLINE.split(" ".join(raw.split())):
        label = _HOME_WORDS.sub("", part).strip()
        if label.casefold() not in _GENERIC and (name := _name(label)):
            return name
    return ""


# A query that only tells the site's analytics which link was followed ('/?cx_part=nav',
# '/?utm_source=header', '/?ref=logo'): a link with it is still the home page's.
_TRACKING_QUERY = re.compile(
    r"(?:(?:utm_\w+|cx_\w+|itm_\w+|ref|ref_?src|src|source|from|cmp|cmpid|cid|icid|intcmp|ito|ocid)(?:=[\w.%-]*)?&?)+",
    re.I,
)


def _is_home(href: str, host: str) -> bool:
    href = href.strip()
    if len(href) > 80 or href.count("/") > 3 or "#" in href:
        return False  # most links, ruled out before they are parsed
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    if parts.fragment or (parts.query and not _TRACKING_QUERY.fullmatch(parts.query)):
        return False
    if parts.netloc:
        return bool(host) and parts.netloc.lower().removeprefix("www.") == host and parts.path in _HOME_PATHS
    return not parts.scheme and parts.path in _HOME_PATHS - {""}


def home_link_names(root: Element, host: str) -> Iterator[tuple[str, str]]:
    """(name, evidence) for the names a link to the site's home page gives itself: its text, its
    logo's alt or title, its own title or aria-label. `host` is the page's (without 'www.'); a
    relative link to '/' is home whatever it is."""
    host = host.lower().removeprefix("www.")
    seen = 0
    names: set[str] = set()
    for link in root.iter("a"):
        seen += 1
        if seen > MAX_HOME_LINKS:
            return
        if not _is_home(link.get("href") or "", host):
            continue
        raws = [link.get("title") or "", link.get("aria-label") or ""]
        raws += [img.get("alt") or img.get("title") or "" for img in link.iter("img")]
        text = " ".join(link.text_content().split())
        if len(text) <= 100:
            raws.append(text)
        for raw in raws:
            if raw and (name := _home_label(raw)) and (name in names or len(names) < MAX_HOME_NAMES):
                names.add(name)
                yield name, raw


# ---------------------------------------------------------------------------------------
# Printed names, and text without markup
# ---------------------------------------------------------------------------------------


def printed_in(text: str) -> Callable[[str], bool]:
    """Whether text prints a name as a name: not within a word, a domain or a longer name ('Guardian'
    in 'Guardian News & Media'), nor after an article ('the Guardian' is not 'Guardian')."""

    def printed(name: str) -> bool:
        pattern = rf"(?<![\w.])(?<!the )(?<!The )(?<!THE ){re.escape(name)}(?![\w]|\.\w|[ \t]+[A-Z&])"
        return bool(re.search(pattern, text))

    return printed


_TOP_LINES = 3  # the first lines of a pasted page, where its name stands if anywhere
MASTHEAD_LINES = 20  # the first lines of a pasted page, where its name stands before the menu
MAX_FOOTERS = 20  # copyright lines and links about the site compared: a page has one or two
# A site's links about itself, each a line of its menu or footer: 'About Apartment Therapy',
# 'Advertise on MacRumors', 'CNBC Newsletters', 'LifeBuzz Staff'. (A store or careers link may be
# the owning company's: 'Careers at ...' is not one.)
_SELF_LINK = re.compile(
    r"(?:about|advertise\s+(?:with|on|in))\s+(?P<a>[^\W_].{1,59}?)"
    r"|(?P<b>[^\W_].{1,59}?)['\u2019]?s?\s+(?:newsletters?|apps?|staff)",
    re.I,
)


def self_link_name(line: str) -> str:
    """The name in a site's link about itself ('About Apartment Therapy' -> 'Apartment Therapy'), or ''."""
    match = _SELF_LINK.fullmatch(line.rstrip(" .:!")) if len(line) <= 80 else None
    name = _name(match["a"] or match["b"]) if match else ""
    return name if name and _name_like(name) else ""


def _name_like(name: str) -> bool:
    """Whether a line reads as a name, not a sentence: 'Better Homes and Gardens', not 'Already a
    member?'."""
    words = name.split()
    return name[-1] not in "?!" and all(w[0].isupper() or w[0].isdigit() or w in _CONNECTORS for w in words)


_CONNECTORS = frozenset({"of", "and", "&", "for", "de", "the", "on", "in", "a", "an", "to"})


def footer_lines(lines: Sequence[str]) -> tuple[list[tuple[int, Holder, str, str]], list[tuple[int, str]]]:
    """The statements of a page's footer among its lines: (line number, holder, 'copyright' or
    'trademark', the line as read) for the last MAX_FOOTERS lines that have a copyright mark or
    the word trademark, a line cut over elements ('© 1995 -', '2015', 'The Motley Fool. All
    rights reserved.') read with the next two; and (line number, name) for the first MAX_FOOTERS
    links about the site ('About Apartment Therapy')."""
    marked = [i for i, line in enumerate(lines) if len(line) <= _MAX_LINE and _marked(line)]
    holders: list[tuple[int, Holder, str, str]] = []
    for number in marked[-MAX_FOOTERS:]:
        line = lines[number]
        found = footer_name(line)
        if not found and len(line) < 40 and copyright_mark(line):
            for later in lines[number + 1 : number + 3]:
                line = f"{line} {later}"
                if found := footer_name(line):
                    break
        if found:
            holders.append((number, found[0], found[1], line))
    links: list[tuple[int, str]] = []
    for number, line in enumerate(lines):
        if len(links) >= MAX_FOOTERS:
            break
        if len(line) <= 80 and has_any(fold(line), _SELF_LINK_NEEDLES) and (name := self_link_name(line)):
            links.append((number, name))
    return holders, links


def _marked(line: str) -> bool:
    low = line.lower()
    return "\u00a9" in line or "\u24d2" in line or "copyright" in low or "(c)" in low or "trademark" in low


# What every match of _SELF_LINK contains, folded: lines without one skip the pattern.
_SELF_LINK_NEEDLES = ("about", "advertis", "newsletter", "app", "staff")


# Where a page names itself around its own name, in a menu, a footer or a line of the story
# (each of these read only for a name a copyright line or the byline already gives):
# 'Search SlashGear', 'More from the Los Angeles Times', 'Subscribe to The Paradigm via Email',
# 'reporter for the Los Angeles Times', "didn't respond to The Hill's request for comment", 'Log in
# to your CNN account'; 'Vox homepage', 'CNBC Newsletters', 'Sputnik push notifications', '(Make)
# CNN your homepage', a dateline's 'New Delhi, News Nation Bureau' or 'Web Desk'; and the name alone
# on a line.
# ('Originally published by Futurism' names another site's: it is none.)
_BEFORE_SELF = re.compile(
    r"(?:^|(?<=\W))(?:search|browse|more\s+(?:from|on|at)|subscribe\s+to|back\s+to|continue\s+to"
    r"|popular\s+on|trending\s+on|latest\s+(?:from|on)|welcome\s+to|about|advertise\s+(?:with|on|in)|follow"
    r"|sign\s+in\s+to|log\s+in\s+to(?:\s+your)?"
    r"|(?:reporter|writer|editor|correspondent|columnist|contributor|producer|critic|journalist)\s+(?:for|at|with))"
    r"\s+(?:the\s+)?$",
    re.I,
)
_AFTER_SELF = re.compile(
    r"(?:['\u2019]s?)?\s+(?:home\s*page|main\s+menu|push\s+notifications|newsletters?|apps?|staff|podcasts?|bureau|desk"
    r"|your\s+home\s*page)\b"
    r"|['\u2019]s\s+requests?\s+for\s+comment\b",
    re.I,
)
_CONTINUED = re.compile(r"[\w]|\.\w|[ \t]+[A-Z&]")  # the name goes on: 'Condé Nast Traveler'
_REACH = 60  # characters either side of a name that a frame reads
_MENTION_LINE = 4000  # characters: a story's paragraph may hold a mention; a page's blob of text does not
MAX_MENTIONS = 20  # mentions of one name kept: one or two decide, the rest repeat them


def self_mentions(lines: Sequence[str], names: Sequence[str]) -> list[tuple[int, str, bool]]:
    """(line number, name, framed) for each place where the page names itself with one of `names`:
    framed as a site's own (see `_BEFORE_SELF` and `_AFTER_SELF`), or else the name alone on a line
    (a weaker statement: a list of related stories prints the sources it links). A name within a
    longer name ('Condé Nast' of 'Condé Nast Traveler') is not a mention of it."""
    found: list[tuple[int, str, bool]] = []
    for name in dict.fromkeys(n for n in names if n):
        pattern = re.compile(rf"(?<![\w.]){re.escape(name)}", re.I)
        count = 0
        for number, line in enumerate(lines):
            if count >= MAX_MENTIONS:
                break
            if len(line) > _MENTION_LINE or name.casefold() not in line.casefold():
                continue
            for match in pattern.finditer(line):
                before = line[max(0, match.start() - _REACH) : match.start()]
                after = line[match.end() : match.end() + _REACH]
                alone = not before.strip(" \t|:-\u2013\u2014") and not after.strip(" \t|:.-\u2013\u2014")
                framed = bool(_AFTER_SELF.match(after) or (_BEFORE_SELF.search(before) and not _CONTINUED.match(after)))
                if framed or (alone and _name_like(name)):
                    found.append((number, line[match.start() : match.end()], framed))
                    count += 1
                    break
    return found


# A menu's or footer's line that is a site's statement about itself, with the name it states:
# 'Search SlashGear', 'Subscribe to Architectural Digest', 'Back to IndieWire', 'Advertise with
# Indiewire', 'Popular on IndieWire', 'Follow the Boston Herald on Twitter', 'Vox homepage', 'Vox
# main menu', 'CNBC Newsletters', 'Sputnik push notifications', 'Read Business Insider On The Go',
# 'Sign in to GulfLive.com', 'Your CNN account', 'Make CNN Your Homepage'.
# 'About X', 'Follow X on Twitter' and 'More from X' are also an author's (see _WEAK_FRAMES).
_SITE_NAME = r"(?:the\s+)?(?P<name>[^\W\d_][\w.&'\u2019-]*(?:\s+(?:[^\W_][\w.&'\u2019-]*|of|and|&|for|the|de)){0,4})"
_PLATFORMS = r"(?:twitter|facebook|instagram|pinterest|youtube|tumblr|linkedin|google\+|tiktok|flipboard|snapchat|x)"
_SITE_FRAMES = (
    ("search", re.compile(rf"(?i:search|browse)\s+{_SITE_NAME}")),
    ("subscribe", re.compile(rf"(?i:subscribe\s+to|sign\s+up\s+for)\s+{_SITE_NAME}(?i:\s+(?:magazine|via\s+email))?")),
    ("back", re.compile(rf"(?i:back\s+to|continue\s+to|return\s+to|go\s+to)\s+{_SITE_NAME}(?i:\s+skip\s+ad)?")),
    ("account", re.compile(rf"(?i:(?:sign|log)\s+in\s+to\s+)?(?i:your\s+){_SITE_NAME}(?i:\s+account)")),
    ("account", re.compile(rf"(?i:(?:sign|log)\s+in\s+to)\s+{_SITE_NAME}")),
    ("homepage", re.compile(rf"(?i:make)\s+{_SITE_NAME}\s+(?i:your\s+home\s*page)")),
    ("popular", re.compile(rf"(?i:popular|trending|latest)\s+(?i:on|from)\s+{_SITE_NAME}")),
    ("advertise", re.compile(rf"(?i:advertise\s+(?:with|on|in))\s+{_SITE_NAME}")),
    ("about", re.compile(rf"(?i:about)\s+{_SITE_NAME}")),
    ("social", re.compile(rf"(?i:follow|join|like)\s+{_SITE_NAME}\s+(?i:on\s+{_PLATFORMS}|online:?)")),
    ("homepage", re.compile(rf"{_SITE_NAME}(?i:\s+(?:home\s*page|main\s+menu|push\s+notifications))")),
    ("newsletter", re.compile(rf"{_SITE_NAME}(?i:['\u2019]?s?\s+(?:newsletters?|apps?))")),
    ("go", re.compile(rf"(?i:read|get|watch)\s+{_SITE_NAME}\s+(?i:on\s+the\s+go)")),
    ("more", re.compile(rf"(?i:more\s+(?:from|on)|follow)\s+{_SITE_NAME}")),
)
# Statements a person's page makes too ('About Jane Doe', 'Follow Jane Doe on Twitter', 'More
# from Jane Doe'): they count beside a masthead only.
_WEAK_FRAMES = frozenset({"more", "social", "about"})
# Words of a menu's labels, never of a site's name ('Main Menu', 'Get Our Free', 'IndieWire SKIP AD').
_NOT_SITE = INTERFACE_WORDS | FUNCTION_WORDS | {"main", "free", "mobile", "site", "skip", "ad", "ads", "get", "more"}
FRAME_LINE = 80  # characters: a menu's item; a longer line is a sentence


def site_frames(lines: Sequence[str]) -> list[tuple[int, str, str]]:
    """(line number, name, frame) for each short line that is a site's statement about itself (see
    `_SITE_FRAMES`). Names that are a section's ('Subscribe to Politics') are none."""
    found: list[tuple[int, str, str]] = []
    for number, line in enumerate(lines):
        if len(line) > FRAME_LINE or not line[:1].isalpha():
            continue
        text = line.rstrip(" .:!\u00bb\u203a>")
        for frame, pattern in _SITE_FRAMES:
            match = pattern.fullmatch(text)
            if not match:
                continue
            name = _name(match["name"])
            words = name.casefold().split()
            site = name and _name_like(name) and words[-1] not in _CONNECTORS
            if site and not is_section(name) and not set(words) & _NOT_SITE:
                found.append((number, name, frame))
            break
    return found


def framed_outlet(lines: Sequence[str], text: str, persons: Sequence[str] = ()) -> tuple[str, int, int, int] | None:
    """The outlet a page names only in its menus and footers, without a copyright line or byline that
    names it: one name in two different statements only a site makes about itself ('Back to
    IndieWire', 'Popular on IndieWire'), or in one of any kind beside the same name alone on one of
    the first lines ('Sportsnet' over the menu, 'More from Sportsnet'); an author's box makes the
    others ('About Jane Doe', 'Follow Jane Doe on Twitter'). A company, a news agency or a person the
    page names as an author is none; several such names, none. (value, the first statement's line index, its span.)"""
    frames = site_frames(lines)
    if not frames:
        return None
    folded_persons = {p.casefold() for p in persons}
    top = {fold(line.strip(" |")) for line in lines[:_TOP_LINES] if len(line) <= MAX_NAME}
    signals: list[Signal] = []
    where: list[int] = []
    for number, name, frame in frames:
        if name.casefold() in folded_persons or is_company(name) or is_wire_agency(name):
            continue
        signals.append(Signal(name, frame))
        where.append(number)
        if fold(name) in top or fold(f"the {name}") in top:
            signals.append(Signal(name, "masthead"))
            where.append(number)
    # A copyright line of the name a frame states ('Read Business Insider On The Go', '© 2015
    # Business Insider Inc.') is the site's statement too, its company's form or not; the frame's
    # spelling is the value ('OregonLive.com', not the company's 'Oregon Live LLC').
    for number, holder, _, read in footer_lines(lines)[0]:
        if read == lines[number] and any(same_outlet(holder.name, s.name) for s in signals):
            signals.append(Signal(holder.name, "footer", named=False, witness=True))
            where.append(number)
    outlets = resolve(signals, printed_in(text))
    if len(outlets) != 1:
        return None
    (outlet,) = outlets
    others = {s.name for i, s in enumerate(signals) if i not in outlet.signals and s.kind not in _WEAK_FRAMES}
    if any(not same_outlet(name, outlet.value) for name in others):
        return None  # 'About The Herald' and 'Follow the Boston Herald on Twitter': which is it?
    kinds = {signals[i].kind for i in outlet.signals}
    if len(kinds - _WEAK_FRAMES) < 2 and not ("masthead" in kinds and len(kinds) >= 2):
        return None  # 'More from X' and one other statement: an author's page as much as a site's
    number = where[outlet.signals[0]]
    return (outlet.value, number, 0, len(lines[number]))


def text_outlet(
    lines: Sequence[str], text: str, bylined: Sequence[tuple[int, str, int, int]] = ()
) -> tuple[str, int, int, int] | None:
    """The outlet a page's text names in its footer or its byline and again elsewhere as its own:
    a copyright or trademark line's name, or the outlet a byline credits ('By Troy L. Smith,
    Cleveland.com'; `bylined` holds (line index, name, span) of each), that the other of the two
    gives too, or that is alone on one of the first lines (or before a tagline: '24/7 Wall St. -
    Insightful Analysis'), or that the page names as its own (`self_mentions`: 'Search SlashGear',
    'More from the Los Angeles Times', 'About Apartment Therapy'). A name alone on a line further
    down supports a copyright line's name only: a byline's outlet may be a sister paper's whose
    stories the site carries ('By Jane Doe, The Plain Dealer' on cleveland.com), and a company's
    ('© 2014 Bloomberg L.P.') is its owner's, which it prints among its other titles. (value, the
    deciding line's index in lines, the name's span in it), or None when they do not agree on
    exactly one outlet."""
    holders, links = footer_lines(lines)
    signals: list[Signal] = []
    spans: list[tuple[int, int, int]] = []
    for number, holder, _, read in holders:
        if read == lines[number]:  # a span within one line
            signals.append(Signal(holder.name, "footer", formal=not holder.company))
            spans.append((number, holder.start, holder.end))
    for number, name, start, end in bylined:
        signals.append(Signal(name, "byline"))
        spans.append((number, start, end))
    if not signals:
        return None
    anchors = [signal.name for signal in signals]
    taken = {number for number, *_ in spans}  # the footer and byline lines
    for number, line in enumerate(lines[:MASTHEAD_LINES]):
        if len(line) <= 200 and (name := _home_label(line)) and _name_like(name):
            signals.append(Signal(name, "masthead"))
            spans.append((number, 0, len(line)))
    for number, name in links:
        signals.append(Signal(name, "self-link"))
        spans.append((number, 0, len(lines[number])))
    titles = [s.name for s in signals if s.kind == "footer" and s.formal]  # a copyright line's name, no company's
    anchored = [s.name for s in signals if s.kind == "byline" or s.formal]
    for number, name, framed in self_mentions(lines, anchored):
        # The footer or byline line itself is not a second statement.
        if number not in taken and (framed or any(same_outlet(name, t) for t in titles)):
            signals.append(Signal(name, "self-link"))
            spans.append((number, 0, len(lines[number])))
    # Only what agrees with a footer's or byline's name counts: menus are full of other names.
    keep = [i for i, signal in enumerate(signals) if any(same_outlet(signal.name, a) for a in anchors)]
    signals, spans = [signals[i] for i in keep], [spans[i] for i in keep]
    outlets = resolve(signals, printed_in(text))
    if len(outlets) != 1:
        return None
    (outlet,) = outlets
    first = min(outlet.signals, key=lambda i: (signals[i].kind != "footer", signals[i].kind != "byline", i))
    if signals[first].kind not in ("footer", "byline"):
        return None
    if signals[first].kind == "byline":
        # A byline's outlet needs more than its name in the first lines' menu: the site's name on
        # its very first lines, or a statement about itself.
        support = [i for i in outlet.signals if signals[i].kind == "self-link"]
        support += [i for i in outlet.signals if signals[i].kind == "masthead" and spans[i][0] < _TOP_LINES]
        if not support:
            return None
    return (outlet.value, *spans[first])


_WEAK_MENTION = re.compile(r"(?i)\s*(?:follow|more|about)\b")


def title_outlet(title: str, lines: Sequence[str], text: str, domains: Iterable[str] = ()) -> str | None:
    """The outlet a document's title names as its suffix ('Headline - Business Insider', a browser
    print's /Title) where its text names it too: a copyright or trademark line, the name alone
    between blank lines, a link about the site, a statement only a site makes about itself
    ('Read Business Insider On The Go') or a line that names it as the site's own
    (`self_mentions`: 'Search CBS News'); or where a domain its links lead to spells it
    (`domains`, witnesses: 'dealbreaker.com' of 'Dealbreaker'). None when the text does not agree,
    or names another outlet as strongly."""
    suffix = title_suffix(title)
    if not suffix or is_section(suffix) or is_wire_agency(suffix):
        return None
    holders, links = footer_lines(lines)
    signals = [Signal(suffix, "title")]
    signals += [Signal(domain, "host", named=False, witness=True) for domain in dict.fromkeys(domains) if domain]
    signals += [Signal(holder.name, "footer", formal=not holder.company) for _, holder, _, _ in holders]
    signals += [Signal(name, "self-link") for _, name in links]
    for number, line in enumerate(lines):
        # Alone between blank lines, as a logo's text prints, anywhere on the print's pages: a
        # menu's items run together ('NEWS' / 'Auto News' / 'Car Deals').
        alone = (number == 0 or not lines[number - 1].strip()) and (
            number + 1 >= len(lines) or not lines[number + 1].strip()
        )
        if alone and len(line) <= 200 and (name := _home_label(line)) and _name_like(name):
            signals.append(Signal(name, "masthead"))
    signals += [Signal(name, "frame") for _, name, frame in site_frames(lines) if frame not in _WEAK_FRAMES]
    for number, name, framed in self_mentions(lines, [suffix]):
        # 'Search CBS News', 'Follow the Boston Herald on Twitter'; not a section's own account
        # ('Follow CNN Politics'), which a person's or a section's page makes too.
        weak = _WEAK_MENTION.match(lines[number])
        if framed and not (weak and len(name.split()) > 1 and is_section(name.split()[-1])):
            signals.append(Signal(name, "mention"))
    outlets = resolve([s for s in signals if same_outlet(s.name, suffix)], printed_in(text))
    if len(outlets) != 1 or 0 not in outlets[0].signals:
        return None
    return outlets[0].value
