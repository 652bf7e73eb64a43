"""Extract what a news article's HTML page says about itself, each value with its evidence.

Input is a web page as fetched (the bytes are never rewritten). The output is a `Result` of
facts: the outlet that published it, its publication and modification dates, its headline,
its authors, its canonical URL and language, and photo credits with captions. Each fact
names the rule that fired and its evidence: the metadata key it was read from ("og:site_name",
"jsonld:NewsArticle.datePublished", "meta[name=author]", "figcaption", ...) with the value as
found there, and, for a credit line found verbatim exactly once in UTF-8 bytes, its byte span.

The standard, as for the plain-text extractor (`archive.extract.plaintext`), is a careful
human reader, and the policy is to abstain rather than guess:

* Sources are the page's own statements about itself: OpenGraph and `<meta>` tags, JSON-LD
  and microdata for the article (`NewsArticle`, `BlogPosting`, ... at the top level, in an
  `@graph` or as a page's `mainEntity`, with `@id` references resolved), and the visible
  article header (`<h1>`, `<time>`, bylines, figures). A cited source (JSON-LD `citation`,
  `isBasedOn`, "according to Reuters"), an organisation named as author, an image's
  `copyrightHolder` and the page's copyright footer never name the outlet. Sidebars,
  navigation, footers and "related stories" blocks belong to other stories and are skipped.
* Single-valued fields (outlet, published, modified, url, language) get one fact per source
  and distinct value. Values that mean the same (outlet names differing only in case, a
  leading "The" or a ".com"; the same instant written in two time zones; "en" and "en-GB")
  get the same value, so corroboration stays visible; values that differ are all emitted,
  and the caller shows the conflict rather than choosing.
* Dates are ISO 8601: a full datetime with its offset when the source gives one, else the
  date (a time without a zone fixes no instant). An update time is `modified`, never
  `published`. htmldate is consulted only when the page states no publication date in its
  metadata or article header, since it reads the same markup and adds nothing but risk
  (a URL date, a modified date) where explicit metadata exists.
* The title is one fact: the JSON-LD headline, else og:title, else the article's `<h1>`,
  else `<title>` (a " | Outlet" suffix is removed only when it names the outlet found).
* Photo credits come from JSON-LD images (`creditText`, `creator`/`author`,
  `copyrightHolder`, `caption`) and from figures (`<figcaption>` credit lines such as
  "Photograph: Jane Doe/Reuters", "(AP Photo/Evan Vucci)", "Credit...Jane Doe for The New
  York Times", "Фото: ...", and credit elements beside the caption), parsed with the plain-text
  credit rules where they apply. The same credit found twice is reported once.
* The article's main text (trafilatura) is read by the plain-text extractor, and what it finds
  is added, with rules prefixed "text:" and key "trafilatura-text", only for fields the markup
  left empty (credits are merged). Its spans refer to the extracted text, not to the page, so
  they are not given.

Bad input never raises: a page larger than `MAX_BYTES`, empty or not HTML at all, undecodable
bytes, broken JSON-LD and any failure of a library become notes in the result. Apart from the
pinned library versions, the result is a function of the bytes (and `base_url`) alone.
"""

from __future__ import annotations

import html as html_entities
import re
from collections.abc import Callable, Iterable, Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from archive.extract import plaintext
from archive.extract.api import Document, Fact, FunctionExtractor, Note, Result
from archive.extract.common import bylines
from archive.extract.common.dates import When, same_time
from archive.extract.common.encoding import decide, read
from archive.extract.common.outlets import outlet_key
from archive.extract.common.text import fold, has_any

NAME = "html"
VERSION = "1.1.0"
MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})

FIELDS = ("outlet", "published", "modified", "title", "author", "credit", "url", "language")
MAX_BYTES = 20_000_000  # beyond this a page is refused: parsing and text extraction grow with size

# lxml ships no type information: its elements are handled as Any.
Element = Any
JsonObject = dict[str, Any]

# ---------------------------------------------------------------------------------------
# Small helpers on strings
# ---------------------------------------------------------------------------------------

_URLISH = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|www\.|/)|@[\w-]+\.\w", re.I)


def _clean(value: object) -> str:
    """A JSON-LD or attribute string with entities decoded and blanks collapsed; '' if none."""
    if isinstance(value, dict):
        value = value.get("@value")
    if not isinstance(value, str):
        return ""
    # Many CMSs write HTML entities into JSON-LD strings, which no parser decodes there.
    if "&" in value:
        value = html_entities.unescape(value)
    return " ".join(value.split())


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# ---------------------------------------------------------------------------------------
# Bytes to text
# ---------------------------------------------------------------------------------------


def _decode(data: bytes, notes: list[Note]) -> tuple[str, str]:
    """The text for parsing and the encoding read, as `common.encoding.decide` rules for HTML
    (BOM, the declared charset, valid UTF-8, detection, windows-1252).

    Undecodable bytes are replaced in the text only: the stored bytes are never touched.
    """
    decoding = decide(data, html=True)
    assert decoding is not None  # HTML always gets an encoding (at worst the WHATWG default)
    if decoding.encoding != "utf-8" or "unknown" in decoding.how:
        notes.append(Note("decoded", f"read as {decoding.encoding}: {decoding.how} (the stored bytes are unchanged)"))
    try:
        return read(data, decoding, strict=True), decoding.encoding
    except UnicodeDecodeError as exc:
        notes.append(
            Note(
                "undecodable bytes",
                f"not valid {decoding.encoding} from byte {exc.start + decoding.bom}: such bytes were replaced "
                "for reading only",
            )
        )
        return read(data, decoding, strict=False), decoding.encoding


_MARKUP = re.compile(r"<\s*(?:[A-Za-z][\w:-]*|!--|!doctype)", re.I)


def _parse(text: str, notes: list[Note]) -> Element | None:
    """The document tree, or None (with a note) if the text is not HTML."""
    if not _MARKUP.search(text[:100_000]):
        notes.append(Note("not extracted", "no HTML markup found"))
        return None
    import lxml.etree  # type: ignore[import-untyped]
    import lxml.html  # type: ignore[import-untyped]

    # The text is already decoded: re-encode it as UTF-8 and say so, so that a charset
    # declaration in the page cannot make lxml decode it a second time. NUL would end parsing.
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(text.replace("\x00", "\ufffd").encode("utf-8"), parser=parser)
    except (lxml.etree.LxmlError, ValueError) as exc:
        notes.append(Note("not extracted", f"HTML could not be parsed: {exc}"))
        return None
    return root


# ---------------------------------------------------------------------------------------
# The page: its metadata and the region that holds the article
# ---------------------------------------------------------------------------------------

_ARTICLE_TYPES = frozenset(
    {"Article", "NewsArticle", "ReportageNews", "BlogPosting", "LiveBlogPosting", "SocialMediaPosting", "Report"}
)
_ORG_TYPES = frozenset({"Organization", "NewsMediaOrganization", "Corporation", "NGO", "GovernmentOrganization"})
# Blocks of other stories and page furniture: their bylines, dates and credits are not ours.
_CHROME_TAGS = frozenset({"aside", "nav", "footer"})
_CHROME_WORDS = re.compile(
    r"related|recirc|recommend|promo|sidebar|most-?(?:viewed|read|popular)|more-?(?:from|stories|on)"
    r"|outbrain|taboola|newsletter|comments?\b|teaser",
    re.I,
)
_CHROME_ATTRIBUTES = frozenset({"class", "id", "data-component", "data-link-name", "data-testid", "aria-label"})
# What every match of _CHROME_WORDS contains, folded (`archive.extract.common.text`).
_CHROME_NEEDLES = (
    "related", "recirc", "recommend", "promo", "sidebar", "most", "more", "outbrain", "taboola", "newsletter",
    "comment", "teaser",
)  # fmt: skip


def _types(node: JsonObject) -> set[str]:
    """A JSON-LD or microdata node's types, without the schema.org prefix."""
    found = set()
    for item in _as_list(node.get("@type")):
        if isinstance(item, str):
            found.add(re.sub(r"^https?://schema\.org/", "", item.strip()))
    return found


def _is_article(node: JsonObject) -> bool:
    return any(t in _ARTICLE_TYPES or t.endswith("Article") for t in _types(node))


def _is_org(node: JsonObject) -> bool:
    return any(t in _ORG_TYPES or t.endswith("Organization") for t in _types(node))


def _type_name(node: JsonObject) -> str:
    names = sorted(t for t in _types(node) if t in _ARTICLE_TYPES or t.endswith("Article"))
    return names[0] if names else (sorted(_types(node)) or ["Thing"])[0]


@dataclass
class _Page:
    """Everything read from the page once, for the field rules to share."""

    data: bytes
    encoding: str
    root: Element
    base_url: str | None
    notes: list[Note]
    jsonld: list[JsonObject] = field(default_factory=list)
    microdata: list[JsonObject] = field(default_factory=list)
    og: dict[str, list[str]] = field(default_factory=dict)
    meta: dict[str, list[str]] = field(default_factory=dict)
    ids: dict[str, JsonObject] = field(default_factory=dict)
    # (prefix, article node): prefix "jsonld" or "microdata", for the evidence keys
    articles: list[tuple[str, JsonObject]] = field(default_factory=list)
    scope: Element = None
    chrome: set[Element] = field(default_factory=set)

    def resolve(self, value: object) -> object:
        """A JSON-LD reference ({"@id": ...}, or an @id string) replaced by the node it names."""
        if isinstance(value, dict):
            ref = value.get("@id")
            if isinstance(ref, str) and not set(value) - {"@id", "@type", "@context"}:
                return self.ids.get(ref, value)
        elif isinstance(value, str) and value in self.ids:
            return self.ids[value]
        return value

    def in_chrome(self, element: Element) -> bool:
        """Whether element lies in page furniture or another story's block."""
        node = element
        while node is not None:
            if node is self.scope:
                return False
            if node in self.chrome:
                return True
            node = node.getparent()
        return False


def _read_page(page: _Page) -> None:
    page.jsonld = _jsonld(page.root, page.notes)
    page.microdata = _extruct(page, "microdata")
    for item in _extruct(page, "opengraph"):
        for key, value in item.items():
            if not key.startswith("@"):
                page.og.setdefault(key, []).extend(v for v in _as_list(value) if isinstance(v, str))
    for meta in page.root.iter("meta"):
        name, content = meta.get("name"), meta.get("content")
        if name and content:
            page.meta.setdefault(name.strip().lower(), []).append(content)
    nodes = _graph_nodes(page.jsonld)
    page.ids = _id_index([*nodes, *page.microdata])
    page.articles = [("jsonld", node) for node in _article_nodes(page, nodes)]
    page.articles += [("microdata", node) for node in _article_nodes(page, page.microdata)]
    page.scope = _scope(page)


def _jsonld(root: Element, notes: list[Note]) -> list[JsonObject]:
    """Every JSON-LD object on the page; a block that is not JSON becomes a note."""
    from extruct.jsonld import JsonLdExtractor  # type: ignore[import-untyped]

    extractor = JsonLdExtractor()
    scripts = root.xpath('//script[@type="application/ld+json"]')
    items: list[JsonObject] = []
    for number, script in enumerate(scripts, 1):
        try:
            found = extractor.extract_items(script)
        except Exception as exc:  # extruct raises whatever its JSON parsers raise
            notes.append(Note("JSON-LD not read", f"block {number} of {len(scripts)} is not valid JSON: {exc}"))
            continue
        items.extend(item for item in found if isinstance(item, dict))
    return items


def _extruct(page: _Page, syntax: str) -> list[JsonObject]:
    """extruct's uniform output for one syntax; a failure becomes a note."""
    import extruct  # type: ignore[import-untyped]

    try:
        found = extruct.extract(
            page.root, base_url=page.base_url, syntaxes=[syntax], uniform=True, with_og_array=True, errors="strict"
        )
    except Exception as exc:  # a library failure must not lose the rest of the page
        page.notes.append(Note(f"{syntax} not read", f"extruct failed: {type(exc).__name__}: {exc}"))
        return []
    return [item for item in found.get(syntax, []) if isinstance(item, dict)]


def _graph_nodes(items: Iterable[JsonObject]) -> list[JsonObject]:
    """Top-level JSON-LD nodes, with @graph forms flattened."""
    nodes: list[JsonObject] = []
    for item in items:
        nodes.extend(node for node in _as_list(item.get("@graph")) if isinstance(node, dict))
        if set(item) - {"@context", "@graph"}:
            nodes.append(item)
    return nodes


def _id_index(nodes: Iterable[JsonObject]) -> dict[str, JsonObject]:
    """Every node that has an @id and says something, by @id, wherever it is nested."""
    index: dict[str, JsonObject] = {}
    stack: list[Any] = list(nodes)
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            ref = value.get("@id")
            if isinstance(ref, str) and set(value) - {"@id", "@type", "@context"}:
                index.setdefault(ref, value)
            stack.extend(v for v in value.values() if isinstance(v, dict | list))
        elif isinstance(value, list):
            stack.extend(value)
    return index


def _article_nodes(page: _Page, nodes: Iterable[JsonObject]) -> list[JsonObject]:
    """The article nodes: top-level ones and the main entity of a page node.

    Nested articles elsewhere (`citation`, `isBasedOn`, `mentions`, `hasPart`) are other
    works: their publishers and dates are not this page's.
    """
    found: list[JsonObject] = []
    for node in nodes:
        candidates = [node] if _is_article(node) else [page.resolve(e) for e in _as_list(node.get("mainEntity"))]
        for candidate in candidates:
            if isinstance(candidate, dict) and _is_article(candidate) and all(c is not candidate for c in found):
                found.append(candidate)
    return found


def _marked_as_chrome(element: Element) -> bool:
    """Whether the element's class, id or labels name furniture ('sidebar', 'related-stories').

    No word of the pattern spans a blank, so it is searched in each attribute's value alone,
    after a folded test for the words it needs (most elements have none of them)."""
    for name, value in element.items():
        if name in _CHROME_ATTRIBUTES and has_any(fold(value), _CHROME_NEEDLES) and _CHROME_WORDS.search(value):
            return True
    return False


def _scope(page: _Page) -> Element:
    """The region holding the article: the <article> with the headline, else <main>, else <body>.

    Also marks page furniture (aside, nav, footer, related-story blocks) as chrome.
    """
    body = page.root.find("body")
    if body is None:
        body = page.root
    # A wrapper around the headline or the story ('layout--with-sidebar') is not furniture.
    protected: set[Element] = set()
    for keep in body.xpath(".//h1 | .//*[@itemprop='articleBody']"):
        while keep is not None and keep not in protected:
            protected.add(keep)
            keep = keep.getparent()
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in _CHROME_TAGS or (element not in protected and _marked_as_chrome(element)):
            page.chrome.add(element)
    page.scope = body
    articles = [a for a in body.iter("article") if not page.in_chrome(a)]
    for article in articles:
        if any(not page.in_chrome(h1) for h1 in article.iter("h1")):
            return article
    main = body.xpath(".//main | .//*[@role='main']")
    return main[0] if main else body


_BLOCK_TAGS = frozenset(
    """
    address article aside blockquote br dd details div dl dt figcaption figure footer h1 h2 h3 h4
    h5 h6 header hr li main nav ol p pre section summary table td th tr ul
    """.split()  # noqa: SIM905
)
_INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "button", "select"})


def _text(element: Element, skip: frozenset[Element] = frozenset()) -> str:
    """The visible text of element: one line per block, blanks collapsed, `skip` left out."""
    parts: list[str] = []
    stack: list[tuple[Element, bool]] = [(element, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            if node.tag in _BLOCK_TAGS:
                parts.append("\n")
            if node is not element and node.tail:
                parts.append(node.tail)
            continue
        if not isinstance(node.tag, str) or node.tag in _INVISIBLE_TAGS or node in skip:
            if node is not element and node.tail:
                parts.append(node.tail)
            continue
        if node.tag in _BLOCK_TAGS:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _line(element: Element, skip: frozenset[Element] = frozenset()) -> str:
    return " ".join(_text(element, skip).split())


def _inside(element: Element, tag: str, stop: Element) -> bool:
    node = element.getparent()
    while node is not None and node is not stop:
        if node.tag == tag:
            return True
        node = node.getparent()
    return False


# ---------------------------------------------------------------------------------------
# Candidates, and single-valued fields grouped by meaning
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cand:
    """A value found at one key, before grouping."""

    value: str
    rule: str
    key: str
    evidence: str


def _grouped(
    name: str, cands: Iterable[_Cand], same: Callable[[str, str], bool], best: Callable[[list[str]], str]
) -> list[Fact]:
    """One fact per source and distinct meaning; values that agree share the best spelling.

    A candidate joins the first group all of whose members it agrees with, so that a date
    agreeing with two instants that disagree with each other stays with the first.
    """
    groups: list[list[_Cand]] = []
    for cand in cands:
        for group in groups:
            if all(same(cand.value, other.value) for other in group):
                group.append(cand)
                break
        else:
            groups.append([cand])
    facts: list[Fact] = []
    for group in groups:
        value = best([c.value for c in group])
        seen: set[str] = set()
        for cand in group:
            if cand.key not in seen:
                seen.add(cand.key)
                facts.append(Fact(name, value, cand.rule, cand.evidence, key=cand.key))
    return facts


# ---------------------------------------------------------------------------------------
# outlet
# ---------------------------------------------------------------------------------------


def _outlet_key(name: str) -> str:
    """'The Guardian', 'the Guardian' and 'guardian.com' -> 'guardian'."""
    return outlet_key(name, web=True)


# Site names that name the publishing platform, not the outlet (Blogger fills in og:site_name
# for every blog it hosts).
_PLATFORMS = frozenset({"blogger", "wordpress", "wordpress.com", "medium", "tumblr", "substack", "wix", "squarespace"})
# "LinkNaija | Nigeria's popular news platform", "Autoracing | F1 | Indy | MotoGP": the name, then
# a tagline or a list of sections after a separator.
_TAGLINE = re.compile(r"\s+(?:\||\u2013|\u2014|-|::|\u00b7|\u2022)\s+")


def _outlet_name(value: object) -> str:
    name = _clean(value)
    if not name or len(name) > 100 or _URLISH.search(name):
        return ""
    parts = _TAGLINE.split(name, maxsplit=1)
    if len(parts) == 2 and parts[0] and any(c.isalpha() for c in parts[0]):
        name = parts[0]
    if name.lower() in _PLATFORMS:
        return ""
    return name


def _outlets(page: _Page) -> list[_Cand]:
    """JSON-LD / microdata publisher of the article, og:site_name, application-name."""
    cands: list[_Cand] = []
    for prefix, article in page.articles:
        key = f"{prefix}:{_type_name(article)}.publisher.name"
        for publisher in _as_list(article.get("publisher")):
            publisher = page.resolve(publisher)
            raw = publisher.get("name") if isinstance(publisher, dict) else publisher
            name = _outlet_name(raw)
            if name:
                cands.append(_Cand(name, f"{prefix}-publisher", key, _clean(raw)))
    for raw in page.og.get("og:site_name", []):
        if name := _outlet_name(raw):
            cands.append(_Cand(name, "og-site-name", "og:site_name", raw))
    for raw in page.meta.get("application-name", []):
        if name := _outlet_name(raw):
            cands.append(_Cand(name, "meta-application-name", "meta[name=application-name]", raw))
    return cands


def _first(values: list[str]) -> str:
    return values[0]


# ---------------------------------------------------------------------------------------
# published, modified
# ---------------------------------------------------------------------------------------


def _when(raw: str) -> When | None:
    """An ISO 8601 (or RFC 2822) date or datetime; a datetime without a zone is a date only."""
    text = raw.strip()
    if not text or len(text) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        from email.utils import parsedate_to_datetime  # here: email.* costs the CLI's start-up

        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    # The web began in 1991: earlier dates are placeholders (0001-01-01, the Unix epoch).
    if not 1991 <= parsed.year <= 2100 or (parsed.year, parsed.month, parsed.day) == (1970, 1, 1):
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return When(parsed.date())
    return When.of(parsed.replace(microsecond=0))


def _same_time(a: str, b: str) -> bool:
    """The same instant, or a date that is the local date of an instant, or the same date."""
    first, second = _when(a), _when(b)
    if first is None or second is None:
        return a == b
    return same_time(first, second)


def _most_precise(values: list[str]) -> str:
    """The first value with a time, preferring one in a zone other than UTC: the same instant
    written in the outlet's local time is how the outlet stated it."""
    timed = [v for v in values if "T" in v]
    local = [v for v in timed if not v.endswith(("Z", "+00:00", "-00:00"))]
    return (local or timed or values)[0]


@dataclass
class _Dates:
    published: list[_Cand] = field(default_factory=list)
    modified: list[_Cand] = field(default_factory=list)

    def add(self, page: _Page, name: str, raw: str, rule: str, key: str) -> None:
        when = _when(raw)
        if when is None:
            page.notes.append(Note("date not read", f"{key}: {raw.strip()[:80]!r} is not an ISO 8601 date"))
            return
        target = self.published if name == "published" else self.modified
        target.append(_Cand(when.iso(), rule, key, raw))


_UPDATED = re.compile(r"\b(?:updated|modified|revised|last\s+(?:updated|modified))\b", re.I)
_PUBLISHED = re.compile(r"\b(?:published|posted|first\s+published)\b", re.I)
_LABEL = re.compile(rf"{_UPDATED.pattern}|{_PUBLISHED.pattern}", re.I)
_LONG_PARAGRAPH = 80  # characters: a paragraph this long is the story, not its header


def _dates(page: _Page) -> _Dates:
    """Dates from JSON-LD / microdata, article:*_time and the <time> elements of the header."""
    dates = _Dates()
    for prefix, article in page.articles:
        kind = _type_name(article)
        for prop, name in (("datePublished", "published"), ("dateModified", "modified")):
            for raw in _as_list(article.get(prop)):
                if text := _clean(raw):
                    dates.add(page, name, text, f"{prefix}-{prop}", f"{prefix}:{kind}.{prop}")
    for prop, name in (("article:published_time", "published"), ("article:modified_time", "modified")):
        for raw in page.og.get(prop, []):
            dates.add(page, name, raw, "og-" + prop.split(":")[1].replace("_", "-"), prop)
    for element, name, how in _header_times(page):
        raw = element.get("datetime", "")
        local = _as_printed(raw, _line(element))
        if local:  # first: the same instant, in the zone the page prints it in
            dates.add(page, name, local, f"time-{how}-printed", f"time[datetime] ({how}), zone as printed")
        dates.add(page, name, raw, f"time-{how}", f"time[datetime] ({how})")
    return dates


def _as_printed(machine: str, printed: str) -> str:
    """A <time>'s machine value in the zone its printed text states, when both are the same
    instant (to the minute): datetime="2023-11-02T19:53:52Z" printed "November 2, 2023 3:53 PM
    EDT" is 2023-11-02T15:53:52-04:00. The outlet's local time is what a citation should give;
    a value in UTC can fall on the next day. "" when the text states no zone or another time."""
    when = _when(machine)
    if when is None or when.moment is None or not printed or len(printed) > 200:
        return ""
    read = [e for e in _plaintext(f"Published {printed}") if e.field == "published"]
    stated = _when(str(read[0].value)) if read else None
    if stated is None or stated.moment is None or stated.offset == when.offset:
        return ""
    if abs((stated.moment - when.moment).total_seconds()) >= 60:
        return ""
    moment = when.moment.astimezone(stated.moment.tzinfo)
    return When.of(moment).iso()


def _story_start(page: _Page) -> tuple[dict[Element, int], int]:
    """The document order of the scope's elements, and the position of the story's first long
    paragraph (the end, if there is none): what comes before it is the article's header."""
    order = {element: number for number, element in enumerate(page.scope.iter())}
    for paragraph in page.scope.iter("p"):
        if not page.in_chrome(paragraph) and len(_line(paragraph)) >= _LONG_PARAGRAPH:
            return order, order[paragraph]
    return order, len(order)


def _header_times(page: _Page) -> Iterator[tuple[Element, str, str]]:
    """<time datetime> elements that date the article: (element, field, how it was classed).

    Those marked itemprop=datePublished / dateModified or pubdate anywhere in the article,
    and the others only in a <header> or above the story's first long paragraph: dates in
    the story (a timeline, an embedded post) are not the article's.
    """
    scope = page.scope
    order, body_start = _story_start(page)
    for element in scope.iter("time"):
        if not element.get("datetime", "").strip() or page.in_chrome(element):
            continue
        prop = (element.get("itemprop") or "").strip()
        if prop == "dateModified":
            yield element, "modified", "itemprop"
        elif prop == "datePublished" or element.get("pubdate") is not None:
            yield element, "published", "itemprop"
        elif order[element] < body_start or _inside(element, "header", scope):
            yield element, _time_field(element), "header"


def _time_field(element: Element) -> str:
    """'modified' if the time is labelled as an update ('Updated', class="updated"), else
    'published'. The label is the time's own text, its class, or the nearest label before it."""
    own = _line(element)
    label = _LABEL.search(own)
    if label:
        return "modified" if _UPDATED.fullmatch(label.group()) else "published"
    classes = (element.get("class") or "").lower()
    if "published" in classes or "pubdate" in classes:
        return "published"
    if "updated" in classes or "modified" in classes:
        return "modified"
    node = element
    for _ in range(3):
        node = node.getparent()
        if node is None:
            break
        text = _line(node)
        before = text[: text.find(own)] if own and own in text else text
        labels = _LABEL.findall(before)
        if labels:
            return "modified" if _UPDATED.fullmatch(labels[-1]) else "published"
    return "published"


# ---------------------------------------------------------------------------------------
# title
# ---------------------------------------------------------------------------------------

_TITLE_SEPARATOR = re.compile(r"\s+[|\-\u2013\u2014:\u00b7\u2022\u00bb]\s+")


def _strip_site(title: str, outlet_keys: set[str]) -> str:
    """'Headline | Section | The Guardian' -> 'Headline | Section' when the Guardian is the outlet."""
    parts = _TITLE_SEPARATOR.split(title)
    separators = _TITLE_SEPARATOR.findall(title)
    if len(parts) > 1 and _outlet_key(parts[-1]) in outlet_keys:
        return "".join(p + s for p, s in zip(parts[:-2], separators[:-1], strict=False)) + parts[-2]
    return title


def _title(page: _Page, outlet_keys: set[str]) -> Fact | None:
    """One title: JSON-LD headline, microdata headline, og:title, the article's <h1>, <title>."""
    cands: list[tuple[str, str, str]] = []  # (raw, rule, key)
    for wanted in ("jsonld", "microdata"):
        headlines = {_clean(a.get("headline")): (prefix, a) for prefix, a in page.articles if prefix == wanted}
        headlines.pop("", None)
        if len(headlines) == 1:  # articles that disagree on the headline leave it to other sources
            ((text, (prefix, article)),) = headlines.items()
            cands.append((text, f"{prefix}-headline", f"{prefix}:{_type_name(article)}.headline"))
    cands.extend((raw, "og-title", "og:title") for raw in page.og.get("og:title", [])[:1])
    h1s = [h for h in page.scope.iter("h1") if not page.in_chrome(h)]
    if h1s and (page.scope.tag == "article" or len(h1s) == 1):
        cands.append((_line(h1s[0]), "h1", "h1"))
    head_title = page.root.find(".//title")
    if head_title is not None:
        cands.append((_line(head_title), "title-element", "title"))
    for raw, rule, key in cands:
        title = _strip_site(_clean(raw), outlet_keys)
        if title and len(title) <= 400:
            return Fact("title", title, rule, raw, key=key)
    return None


# ---------------------------------------------------------------------------------------
# author
# ---------------------------------------------------------------------------------------

_BY_PREFIX = re.compile(
    r"^(?:(?:(?:posted|written|words|story|text|reported|analysis|opinion|commentary)\s+)?(?:by|von|par|por|від)\s*:?\s+"
    r"|(?:authors?|written\s+by|text|texto|texte|текст|автор(?:ка)?|автори)\s*:\s*|автор(?:ка)?\s+)",
    re.I,
)
_MAX_NAME_WORDS = 6


def _person_names(raw: str, *, structured: bool, organisations: bool = False, byline: bool = False) -> list[str]:
    """The people a byline names, styled by the plain-text byline rules ('By JANE DOE and
    JOHN ROE, Reuters' -> Jane Doe, John Roe). A structured name (a JSON-LD Person) those rules
    do not take, such as a single name, is kept as written; free text is dropped instead.
    With `organisations`, an organisation as the byline ('By The Associated Press') counts too.
    A `byline` may run on past its names ('Jane Doe | jdoe@example.com', 'Jane Doe March 3,
    2024'); other text (a credit line's part) must be names alone."""
    text = _clean(raw)
    if not text or len(text) > 200:
        return []
    text = _BY_PREFIX.sub("", text, count=1).strip()
    end = bylines.names_end(text)
    if end < len(text) and not byline:
        return []
    text = text[:end]
    if not text or _URLISH.search(text):
        return []
    read = [e for e in _plaintext(f"By {text}") if e.field == "author"]
    # One word alone is a name only where the markup says it is one (a JSON-LD Person).
    names = [
        str(e.value)
        for e in read
        if (organisations or e.rule != "byline-organisation")
        and (structured or " " in str(e.value) or str(e.value).casefold() in bylines.WIRES)
    ]
    if names or read:
        return names
    text = bylines.strip_credentials(text)
    if structured and _written_name(text):
        return [text]
    return []


def _written_name(text: str) -> bool:
    """A name as a JSON-LD Person gives it that the byline rules do not read ('Regan', 'Jane Van
    Doe-Roe', '정덕현'), but no login ('kevin-r', 'jdoe_1', 'gto'): a capital letter, or a script
    without case, and no underscore or digit."""
    if not text or len(text.split()) > _MAX_NAME_WORDS or "_" in text or any(c.isdigit() for c in text):
        return False
    cased = [c for c in text if c.isalpha() and c.lower() != c.upper()]
    # One word of two letters ('As') is a fragment; a name in a script without case can be short.
    enough = len(text.split()) > 1 or len(cased) >= 3 or (not cased and len(text) >= 2)
    return enough and (not cased or any(c.isupper() for c in cased))


@lru_cache(maxsize=4096)  # pages repeat bylines and credit lines (live blogs, galleries)
def _plaintext(text: str) -> tuple[plaintext.Extracted, ...]:
    try:
        return tuple(plaintext.extract(text.encode("utf-8")))
    except (ValueError, RecursionError):  # not UTF-8 (lone surrogates): nothing to read
        return ()


def _name_key(name: str) -> str:
    return " ".join(name.casefold().replace(".", " ").split())


_BYLINE_PART = re.compile(r"byline|^authors?$|^authorname$")
# How far from the headline a byline element may stand, in characters of visible text: the
# byline is in the article's header (before it: a kicker, a date; after it: a standfirst, the
# lead image's caption); an author box at the story's end or a promo's byline is further.
_BYLINE_BEFORE = 400
_BYLINE_AFTER = 1000
_MAX_BYLINE = 300  # characters: an element holding more is a container (the article, an author bio)


def _is_byline(element: Element) -> bool:
    if (element.get("itemprop") or "").strip() == "author":
        return True
    words = " ".join(element.get(a, "") for a in ("class", "data-component", "data-testid", "data-link-name")).lower()
    if "byline" not in words and "author" not in words:
        return False  # what every match of _BYLINE_PART holds; most elements have neither
    return any(_BYLINE_PART.search(part) for part in re.split(r"[\s_-]+", words) if part)


def _byline_text(element: Element) -> str:
    """The visible text of a byline element, one line per block and a line break wherever two
    elements' texts would otherwise glue words together ('Biography' + 'Jane Doe', 'Jane Doe' +
    'Staff Writer'): a page's markup, not its spaces, separates such parts."""
    parts: list[str] = []
    last = "\n"
    boundary = False
    stack: list[tuple[Element, bool]] = [(element, False)]

    def add(chunk: str) -> None:
        nonlocal last, boundary
        if not chunk:
            return
        # A capital opens a new word ('Biography' + 'Jane'); a lower-case letter goes on one
        # ('Jane Do' + 'e' in a letter-spacing span).
        if boundary and last.isalnum() and chunk[0].isupper():
            parts.append("\n")
        parts.append(chunk)
        last = chunk[-1]
        boundary = False

    while stack:
        node, closing = stack.pop()
        if closing:
            if node.tag in _BLOCK_TAGS:
                add("\n")
            boundary = True
            if node is not element and node.tail:
                add(node.tail)
            continue
        if not isinstance(node.tag, str) or node.tag in _INVISIBLE_TAGS:
            if node is not element and node.tail:
                add(node.tail)
            continue
        boundary = True
        if node.tag in _BLOCK_TAGS:
            add("\n")
        if node.text:
            add(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _main_articles(page: _Page) -> list[tuple[str, JsonObject]]:
    """The article nodes that describe THIS page: with several (a page's JSON-LD listing related
    stories too), those whose headline is the page's headline or whose URL is the page's."""
    if len(page.articles) <= 1:
        return page.articles
    titles = {_name_key(t) for t in page.og.get("og:title", [])}
    titles |= {_name_key(_line(h)) for h in page.scope.iter("h1") if not page.in_chrome(h)}
    urls = {u.rstrip("/") for u in page.og.get("og:url", [])}
    urls |= {(link.get("href") or "").rstrip("/") for link in page.root.iter("link") if link.get("rel") == "canonical"}
    urls.discard("")
    mine = []
    for prefix, node in page.articles:
        ids = [node.get("url"), node.get("@id"), node.get("mainEntityOfPage")]
        ids = [i.get("@id") if isinstance(i, dict) else i for i in ids]
        if _name_key(_clean(node.get("headline"))) in titles or any(
            isinstance(i, str) and i.rstrip("/") in urls for i in ids
        ):
            mine.append((prefix, node))
    return mine or page.articles


def _not_a_byline(name: str, outlet_keys: set[str]) -> bool:
    """A desk, a site account, interface text or the outlet itself: no author."""
    return bylines.is_desk(name) or bylines.is_interface(name) or _outlet_key(name) in outlet_keys


def _structured_authors(page: _Page, outlet_keys: set[str]) -> list[tuple[str, str, str, str]]:
    found: list[tuple[str, str, str, str]] = []  # (name, rule, key, evidence)
    for prefix, article in _main_articles(page):
        key = f"{prefix}:{_type_name(article)}.author"
        for author in _as_list(article.get("author")):
            author = page.resolve(author)
            if isinstance(author, dict):
                raw = _clean(author.get("name"))
                if not raw:
                    continue
                if _is_org(author):
                    # The publisher as its own author ('BBC News') is no byline; an agency is.
                    if not _not_a_byline(raw, outlet_keys):
                        found.append((raw, f"{prefix}-author", key + ".name", raw))
                    continue
                names, ev_key = _person_names(raw, structured=True, organisations=True, byline=True), key + ".name"
            else:
                raw = _clean(author)
                names, ev_key = _person_names(raw, structured=True, organisations=True, byline=True), key
            found.extend((name, f"{prefix}-author", ev_key, raw) for name in names)
    return found


def _meta_authors(page: _Page) -> list[tuple[str, str, str, str]]:
    found: list[tuple[str, str, str, str]] = []
    for meta_name in ("author", "byl"):
        for raw in page.meta.get(meta_name, []):
            key = f"meta[name={meta_name}]"
            found.extend((n, f"meta-{meta_name}", key, raw) for n in _person_names(raw, structured=False, byline=True))
    for raw in page.og.get("article:author", []):
        found.extend(
            (n, "og-article-author", "article:author", raw) for n in _person_names(raw, structured=False, byline=True)
        )
    return found


def _byline_elements(page: _Page) -> tuple[list[tuple[str, str, str, str]], bool]:
    """Names in the article's byline elements (rel=author, itemprop=author, byline classes) near its
    headline: not in furniture or figures, not containers of the headline or the story. And
    whether the page is a list of stories (byline elements naming three sets of people or more):
    it then has no byline."""
    headline = next((h for h in page.scope.iter("h1") if not page.in_chrome(h)), None)
    order, story_start = _story_start(page)
    candidates: list[tuple[Element, str, str, int]] = []  # (element, rule, key, text before it)
    total = headline_at = 0
    for element in page.scope.iter():
        if element is headline:
            headline_at = total
        if isinstance(element.tag, str):
            if "author" in (element.get("rel") or "").lower().split():
                candidates.append((element, "rel-author", "a[rel=author]", total))
            elif _is_byline(element):
                key = "[itemprop=author]" if element.get("itemprop") == "author" else "byline"
                candidates.append((element, "byline", key, total))
            if element.tag not in _INVISIBLE_TAGS:
                total += len((element.text or "").strip())
        total += len((element.tail or "").strip())
    groups: list[list[tuple[str, str, str, str]]] = []  # the names of each byline element
    for element, rule, key, offset in candidates:
        # Before the story's first long paragraph, if there is one; else near the headline.
        near = story_start < len(order) and order[element] < story_start
        if headline is not None and not near:
            near = -_BYLINE_BEFORE <= offset - headline_at <= _BYLINE_AFTER
        if not near or element.find(".//h1") is not None:
            continue
        # Tested after the element's own markup: walking up to the root is the costly part.
        if page.in_chrome(element) or _inside(element, "figure", page.scope):
            continue
        text = _byline_text(element)
        if len(text) > _MAX_BYLINE or _in_photo(element, page.scope):
            continue
        people: list[tuple[str, str, str, str]] = []
        organisations: list[tuple[str, str, str, str]] = []
        for line in _byline_lines(text):
            if bylines.is_interface(line):
                continue
            persons = set(_person_names(line, structured=False, byline=True))
            for name in _person_names(line, structured=False, organisations=True, byline=True):
                (people if name in persons else organisations).append((name, rule, key, line))
        # 'By Jane Doe' over 'Associated Press': beside a person, an organisation is an affiliation.
        if people or organisations:
            groups.append(people or organisations)
    if _listing(groups):
        return [], True
    return [c for group in groups for c in group], False


_LISTING = 3  # byline elements naming different people: a list of stories, not one article's byline


def _listing(groups: list[list[tuple[str, str, str, str]]]) -> bool:
    """Whether byline elements name three or more different sets of people (a home page, a list of
    stories): an element repeating another's names, or naming some of them, adds no set."""
    sets = {frozenset(_name_key(c[0]) for c in group) for group in groups}
    distinct = [a for a in sets if not any(a < b for b in sets)]
    return len(distinct) >= _LISTING


_PHOTO_WORDS = re.compile(r"photo|image|caption|credit|gallery|slide", re.I)


def _in_photo(element: Element, scope: Element) -> bool:
    """Whether a byline-classed element belongs to an image, a small block classed as a photo's
    (a photo's byline is its credit); a large one ('article class=image') is the story."""
    node = element
    for _ in range(4):
        if node is None or node is scope:
            return False
        if _PHOTO_WORDS.search(" ".join(node.get(a, "") for a in ("class", "id"))):
            return len(_line(node)) <= _MAX_BYLINE
        node = node.getparent()
    return False


def _byline_lines(text: str) -> list[str]:
    """The lines of a byline element, a line ending in a label ('Text by', 'By:') joined to the next."""
    lines: list[str] = []
    for line in text.split("\n"):
        if lines and re.search(r"(?:^|\s)by:?$", lines[-1], re.I):
            lines[-1] += " " + line
        else:
            lines.append(line)
    return lines


def _persons(found: list[tuple[str, str, str, str]]) -> set[str]:
    return {name for name, *_ in found if _person_names(name, structured=False, byline=True)}


def _wire_or(name: str, confirmed: set[str]) -> bool:
    return name.casefold() in bylines.WIRES or _name_key(name) in confirmed


def _authors(page: _Page, outlet_keys: set[str]) -> list[Fact]:
    """The authors of THIS article: JSON-LD / microdata authors of the page's own article node,
    its byline elements near the headline, and meta author / byl / article:author names when
    nothing else names the authors or they agree with what does (CMSs fill meta author with the
    publisher or a desk editor). Desks, site accounts, interface text and the outlet itself are
    no authors. One fact per distinct name."""
    structured = _structured_authors(page, outlet_keys)
    visible, listing = _byline_elements(page)
    meta = _meta_authors(page)
    confirmed = {_name_key(c[0]) for c in (*structured, *meta)}
    # An organisation in a byline element counts if it is a wire agency or the metadata agrees.
    persons = _persons(visible)
    visible = [c for c in visible if c[0] in persons or (not persons and _wire_or(c[0], confirmed))]
    stated = {_name_key(c[0]) for c in (*structured, *visible)}
    if listing:
        meta = []  # a list of stories has no author; meta author names the site's owner
    elif stated:
        meta = [c for c in meta if _name_key(c[0]) in stated]
    facts: list[Fact] = []
    seen: set[str] = set()
    for name, rule, key, evidence in (*structured, *meta, *visible):
        if _name_key(name) not in seen and not _not_a_byline(name, outlet_keys):
            seen.add(_name_key(name))
            facts.append(Fact("author", name, rule, evidence, key=key))
    return facts


# ---------------------------------------------------------------------------------------
# credit
# ---------------------------------------------------------------------------------------

# Labels before a credit, in the languages of the fixtures' outlets; plaintext knows the
# English ones, these also let a caption be split where plaintext cannot read the credit.
_CREDIT_LABEL = re.compile(
    r"\b(?:(?:(?:photo|image|picture)\s+(?:credit|source)|photo(?:graph)?s?|image|picture|pic|credit"
    r"|фото|світлина|foto|crédit)\s*(?::|,|\.{3}|\u2026)\s*"
    r"|(?:photo(?:graph)?s?|image|picture|фото)\s+(?:by|courtesy(?:\s+of)?)\s+)",
    re.I,
)
_CAPTION_LABEL = re.compile(r"^(?:image|photo|media)?\s*caption\s*[,:]\s*", re.I)
_CAPTION_TRIM = " \t|/\u2013\u2014-:,(["
_MAX_AGENCY_WORDS = 8


_AGENCY_CONNECTORS = frozenset({"of", "the", "and", "&", "for", "via", "de", "du", "des", "la", "le", "di", "del"})


def _agency_like(text: str) -> bool:
    """A name, not a phrase: 'Agence France-Presse — Getty Images', 'Anadolu Agency/Getty
    Images', 'Укрінформ'; not 'A view of the city' or 'Courtesy of the family'."""
    words = text.split()
    if not 0 < len(words) <= _MAX_AGENCY_WORDS or len(text) > 80 or any(c.isdigit() for c in text):
        return False
    if not words[0][0].isupper() or re.search(r"[.!?;]\s", text):
        return False
    return all(w[0].isupper() or w in _AGENCY_CONNECTORS or not any(c.isalpha() for c in w) for w in words)


def _plaintext_credits(text: str) -> list[plaintext.Extracted]:
    return [e for e in _plaintext(text) if e.field == "credit" and isinstance(e.value, dict)]


def _credit_parts(found: plaintext.Extracted) -> dict[str, str]:
    """A plain-text credit without its caption (the caption is taken from the markup)."""
    value = found.value if isinstance(found.value, dict) else {}
    return {k: v for k, v in value.items() if k != "caption"}


def _parse_credit(text: str) -> list[dict[str, str]]:
    """The credits in a text known to be a credit line: 'Photograph: Jane Doe/Reuters',
    'Kenny Holston for The New York Times', 'Sergei Supinsky/Agence France-Presse — Getty
    Images', 'Getty Images', 'Фото: Олександр Коваль/Укрінформ'. Captions are not kept."""
    text = _clean(text).strip("()[] ")
    label = _CREDIT_LABEL.match(text)
    body = text[label.end() :].strip() if label else text
    if not body:
        return []
    # plaintext reads credits anywhere on a line; only a reading of the whole line counts,
    # or 'Name/Agence France-Presse — Getty Images' would become just 'Getty Images'.
    for line in (text, f"Credit: {body}"):
        read = _plaintext_credits(line)
        if read and read[0].start == 0 and read[-1].end == len(line.encode("utf-8")):
            return [_credit_parts(c) for c in read]
    body = re.sub(r"(?:,\s*|/)(?:File|FILE|Pool|POOL)(?:\s+(?:Photo|PHOTO))?$", "", body)
    for sep in ("/", " for "):
        head, found, rest = body.partition(sep)
        if found and _agency_like(rest.strip()):
            names = _person_names(head, structured=False)
            if len(names) == 1:
                return [{"photographer": names[0], "agency": rest.strip()}]
    names = _person_names(body, structured=False)
    if len(names) == 1:
        return [{"photographer": names[0]}]
    if _agency_like(body):
        return [{"agency": body}]
    return []


def _caption(text: str) -> str:
    return _CAPTION_LABEL.sub("", text).rstrip(_CAPTION_TRIM).strip()


@dataclass(frozen=True)
class _Credit:
    value: dict[str, str]
    rule: str
    key: str
    evidence: str


def _with_caption(credit: dict[str, str], caption: str) -> dict[str, str]:
    return {**credit, "caption": caption} if caption else dict(credit)


def _split_caption(text: str) -> tuple[str, list[dict[str, str]], str]:
    """A caption line that may end with credits: (caption, credits, the credit text as written)."""
    # A label wins over plaintext's reading: 'Credit...Name/Agence France-Presse — Getty
    # Images' must not end at the dash as an unlabelled 'Getty Images'.
    for match in reversed(list(_CREDIT_LABEL.finditer(text))):
        start = match.start()
        before = text[:start]
        if start and not (before.endswith((" ", "(", "[")) or before[-1] in ".!?\u2026"):
            continue
        credits = _parse_credit(text[start:])
        if credits:
            return _caption(before), credits, text[start:].rstrip(")] ")
    read = _plaintext_credits(text)
    if read:
        first = read[0].value
        caption = first.get("caption", "") if isinstance(first, dict) else ""
        evidence = text.encode("utf-8")[read[0].start : read[-1].end].decode("utf-8")
        return caption, [_credit_parts(c) for c in read], evidence
    return _caption(text), [], ""


def _image_credits(page: _Page) -> list[_Credit]:
    """Credits of the article's JSON-LD / microdata images (ImageObject)."""
    found: list[_Credit] = []
    for prefix, article in page.articles:
        key = f"{prefix}:{_type_name(article)}.image"
        for image in [*_as_list(article.get("image")), *_as_list(article.get("associatedMedia"))]:
            image = page.resolve(image)
            if isinstance(image, dict):
                found.extend(_one_image(page, image, key, prefix))
    return found


def _one_image(page: _Page, image: JsonObject, key: str, prefix: str) -> list[_Credit]:
    caption, caption_credits, _ = _split_caption(_clean(image.get("caption")))
    used: list[tuple[str, str]] = []  # (property, value as found)
    credits: list[dict[str, str]] = []
    if credit_text := _clean(image.get("creditText")):
        credits = _parse_credit(credit_text)
        if credits:
            used.append(("creditText", credit_text))
    people: dict[str, tuple[str, str]] = {}  # slot -> (property, name)
    for prop in ("creator", "author", "copyrightHolder"):
        for who in _as_list(image.get(prop)):
            who = page.resolve(who)
            name = _clean(who.get("name") if isinstance(who, dict) else who)
            if not name or _URLISH.search(name):
                continue
            # The rights holder is the agency unless it is a Person; a creator is the
            # photographer unless it is an organisation.
            if prop == "copyrightHolder":
                slot = "photographer" if isinstance(who, dict) and "Person" in _types(who) else "agency"
            else:
                slot = "agency" if isinstance(who, dict) and _is_org(who) else "photographer"
            people.setdefault(slot, (f"{prop}.name", name))
    if len(credits) <= 1:
        # The structured parts complete a credit line that lacks them ('Jane Doe' + Reuters).
        merged = credits[0] if credits else {}
        for slot, (prop, name) in people.items():
            if slot not in merged:
                merged = {**merged, slot: name}
                used.append((prop, name))
        credits = [merged] if merged else []
    if not credits and caption_credits:
        credits = caption_credits
        used = [("caption", _clean(image.get("caption")))]
    if not credits:
        return []
    rule = f"{prefix}-image"
    full_key = f"{key}.{'+'.join(p for p, _ in used)}"
    evidence = " | ".join(v for _, v in used)
    return [_Credit(_with_caption(c, caption), rule, full_key, evidence) for c in credits]


# Microdata properties of an image that hold one part of its credit.
_SLOT_PROPS = {"creator": "photographer", "author": "photographer", "copyrightHolder": "agency"}


def _is_credit_element(element: Element) -> bool:
    # A caption block classed 'caption-and-credit' holds the caption too: it is read as one.
    if element.tag == "figcaption" or element.find(".//figcaption") is not None or element.find(".//img") is not None:
        return False
    if (element.get("itemprop") or "").strip() in ("creditText", "copyrightNotice", *_SLOT_PROPS):
        return True
    return bool(re.search(r"credit|copyright", (element.get("class") or "").lower()))


def _element_credits(elements: list[Element], caption: str) -> list[_Credit]:
    """Credits from credit elements: a line of text each ('Photo: Jane Doe/Reuters'), or one
    part each (itemprop creator / copyrightHolder), the parts making one credit."""
    credits: list[_Credit] = []
    slots: dict[str, str] = {}
    used: list[str] = []
    for element in elements:
        text = _line(element)
        slot = _SLOT_PROPS.get((element.get("itemprop") or "").strip())
        if slot and not re.search(r"credit|copyright", (element.get("class") or "").lower()):
            if text and slot not in slots and not _URLISH.search(text):
                slots[slot] = text
                used.append(text)
            continue
        for credit in _parse_credit(text):
            credits.append(_Credit(_with_caption(credit, caption), "figure-credit", "figure .credit", text))
    if slots:
        evidence = " | ".join(used)
        credits.append(_Credit(_with_caption(slots, caption), "figure-itemprop", "figure [itemprop]", evidence))
    return credits


def _figure_credits(page: _Page) -> list[_Credit]:
    """Credits of the article's figures: a credit element beside (or in) the figcaption, or a
    credit line closing the figcaption."""
    found: list[_Credit] = []
    for figure in page.scope.iter("figure"):
        if page.in_chrome(figure) or _inside(figure, "figure", page.scope):
            continue
        marked = [e for e in figure.iter() if isinstance(e.tag, str) and e is not figure and _is_credit_element(e)]
        outermost = [e for e in marked if not any(o is not e and _contains(o, e) for o in marked)]
        captions = list(figure.iter("figcaption"))
        caption_text = _line(captions[0], frozenset(outermost)) if captions else ""
        credits = _element_credits(outermost, _caption(caption_text))
        if not credits and captions:
            caption, values, evidence = _split_caption(_line(captions[0]))
            credits = [_Credit(_with_caption(v, caption), "figcaption", "figcaption", evidence) for v in values]
        found.extend(credits)
    return found


def _contains(ancestor: Element, element: Element) -> bool:
    node = element.getparent()
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


def _credit_key(value: dict[str, str], name: str) -> str:
    return " ".join(value.get(name, "").casefold().split()).strip(" .,;:")


def _subsumed(small: dict[str, str], big: dict[str, str]) -> bool:
    """Whether every part of `small` (photographer, agency, caption) is also in `big`."""
    return all(_credit_key(small, k) == _credit_key(big, k) for k in small)


def _merge_credits(credits: Iterable[_Credit]) -> list[_Credit]:
    """The same credit found twice (JSON-LD and figcaption) once: a credit all of whose parts
    another has is dropped for it; credits that differ in any part are all kept."""
    kept: list[_Credit] = []
    for credit in credits:
        if any(_subsumed(credit.value, k.value) for k in kept):
            continue
        kept = [k for k in kept if not _subsumed(k.value, credit.value)]
        kept.append(credit)
    return kept


def _span(page: _Page, evidence: str) -> tuple[int, int] | None:
    """Where evidence stands in the bytes, when that is certain: found once, verbatim, in
    bytes whose UTF-8 reading is the evidence itself."""
    single_byte = page.encoding.startswith(("cp", "iso8859", "koi8", "mac-")) and evidence.isascii()
    if not evidence or not (page.encoding == "utf-8" or single_byte):
        return None
    needle = evidence.encode("utf-8")
    if page.data.count(needle) != 1:
        return None
    start = page.data.find(needle)
    return start, start + len(needle)


def _credit_facts(page: _Page, credits: Iterable[_Credit]) -> list[Fact]:
    facts: list[Fact] = []
    for credit in _merge_credits(credits):
        span = _span(page, credit.evidence) if credit.key in ("figcaption", "figure .credit") else None
        start, end = span if span else (None, None)
        facts.append(Fact("credit", credit.value, credit.rule, credit.evidence, start, end, credit.key))
    return facts


# ---------------------------------------------------------------------------------------
# url, language
# ---------------------------------------------------------------------------------------


def _absolute(raw: str, base_url: str | None) -> str:
    text = raw.strip()
    try:
        if base_url:
            text = urljoin(base_url, text)
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text):
        return ""
    return text


def _urls(page: _Page) -> list[_Cand]:
    cands: list[_Cand] = []
    for link in page.root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            raw = link.get("href") or ""
            if url := _absolute(raw, page.base_url):
                cands.append(_Cand(url, "link-canonical", "link[rel=canonical]", raw))
    for raw in page.og.get("og:url", []):
        if url := _absolute(raw, page.base_url):
            cands.append(_Cand(url, "og-url", "og:url", raw))
    return cands


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_NO_LANGUAGE = frozenset({"und", "zxx", "mul", "mis"})


def _language_tag(raw: str) -> str:
    """BCP 47 casing: 'en_us' -> 'en-US', 'zh-hant-tw' -> 'zh-Hant-TW'; '' if not a tag."""
    tag = raw.strip().replace("_", "-")
    if not _LANGUAGE_TAG.fullmatch(tag) or tag.split("-")[0].lower() in _NO_LANGUAGE:
        return ""
    parts = tag.split("-")
    styled = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            styled.append(part.title())
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            styled.append(part.upper())
        else:
            styled.append(part.lower())
    return "-".join(styled)


def _same_language(a: str, b: str) -> bool:
    """'en' and 'en-GB' agree (one refines the other); 'en-GB' and 'en-US' do not."""
    return a == b or a.startswith(b + "-") or b.startswith(a + "-")


def _longest(values: list[str]) -> str:
    return max(values, key=len)


def _languages(page: _Page) -> list[_Cand]:
    cands: list[_Cand] = []
    for attr in ("lang", "{http://www.w3.org/XML/1998/namespace}lang", "xml:lang"):
        raw = page.root.get(attr)
        if raw and (tag := _language_tag(raw)):
            cands.append(_Cand(tag, "html-lang", "html[lang]", raw))
            break
    for raw in page.og.get("og:locale", []):
        if tag := _language_tag(raw):
            cands.append(_Cand(tag, "og-locale", "og:locale", raw))
    for prefix, article in page.articles:
        for value in _as_list(article.get("inLanguage")):
            raw = _clean(value.get("alternateName") if isinstance(value, dict) else value)
            if tag := _language_tag(raw):
                cands.append(_Cand(tag, f"{prefix}-inLanguage", f"{prefix}:{_type_name(article)}.inLanguage", raw))
    return cands


# ---------------------------------------------------------------------------------------
# htmldate and the main text
# ---------------------------------------------------------------------------------------

# A fixed upper bound keeps the result a function of the bytes: htmldate's default is today.
_HTMLDATE_MAX = "2100-12-31"


def _header_view(page: _Page) -> Element:
    """A copy of the page with only its head and the article's header: no page furniture, no
    other blocks around the article, no story. htmldate reads every <time> and date-classed
    element it is shown, and a date in the story ('the war began on <time>') or in the
    masthead (today's date) is not the publication date."""
    tree = page.root.getroottree()
    order, story_start = _story_start(page)
    drop: list[Element] = list(page.chrome)
    node = page.scope
    while node is not None and node is not page.root:
        parent = node.getparent()
        if parent is not None and parent.tag != "html":
            drop.extend(sibling for sibling in parent if sibling is not node)
        node = parent
    drop.extend(
        element
        for element, number in order.items()
        if number >= story_start and order.get(element.getparent(), -1) < story_start and element is not page.scope
    )
    paths = [tree.getpath(element) for element in drop if isinstance(element.tag, str)]
    view = deepcopy(page.root)
    found = [view.xpath(path) for path in paths]  # all found before any is removed
    for elements in found:
        for element in elements:
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
    return view


def _htmldate(page: _Page) -> str | None:
    """htmldate's publication date from the page's head and article header only (no text
    search, no download)."""
    import htmldate

    try:
        # A tree is passed, never a string: htmldate fetches a string that looks like a URL.
        return htmldate.find_date(
            _header_view(page),
            extensive_search=False,
            original_date=True,
            outputformat="%Y-%m-%d",
            deferred_url_extractor=True,
            max_date=_HTMLDATE_MAX,
        )
    except Exception as exc:  # a library failure must not lose the rest of the page
        page.notes.append(Note("htmldate failed", f"{type(exc).__name__}: {exc}"))
        return None


def _main_text(page: _Page) -> str | None:
    """The article's text by trafilatura, on a copy of the tree (it prunes what it is given)."""
    import trafilatura

    try:
        text = trafilatura.extract(deepcopy(page.root), include_comments=False, favor_precision=True)
    except Exception as exc:  # a library failure must not lose the rest of the page
        page.notes.append(Note("main text not extracted", f"trafilatura failed: {type(exc).__name__}: {exc}"))
        return None
    if not text:
        page.notes.append(Note("main text not extracted", "trafilatura found no article text"))
        return None
    return text


_TEXT_FIELDS = ("outlet", "published", "modified", "author", "credit")


def _text_facts(text: str) -> list[Fact]:
    """What the plain-text rules read in the main text, keyed to it (its spans are not the page's)."""
    return [
        Fact(e.field, e.value, f"text:{e.rule}", e.evidence, key="trafilatura-text")
        for e in _plaintext(text)
        if e.field in _TEXT_FIELDS
    ]


# ---------------------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------------------


def extract(data: bytes, *, base_url: str | None = None) -> Result:
    """What the HTML page in `data` says about itself, each fact with its evidence.

    `base_url` (where the page was fetched from) makes a relative canonical URL absolute.
    Never raises: what could not be read is explained in the result's notes. Facts are
    ordered by field (as in FIELDS), then by source.
    """
    if len(data) > MAX_BYTES:
        return Result(NAME, VERSION, notes=(Note("not extracted", f"HTML larger than {MAX_BYTES} bytes"),))
    if not data.strip():
        return Result(NAME, VERSION, notes=(Note("not extracted", "empty document"),))
    notes: list[Note] = []
    try:
        facts = _extract(data, base_url, notes)
    except Exception as exc:  # the last line of defence: a bug must not stop an ingest
        notes.append(Note("not extracted", f"html extractor failed: {type(exc).__name__}: {exc}"))
        facts = []
    ordered = sorted(facts, key=lambda f: FIELDS.index(f.field))  # stable: sources keep their order
    return Result(NAME, VERSION, tuple(ordered), tuple(notes))


def _extract(data: bytes, base_url: str | None, notes: list[Note]) -> list[Fact]:
    text, encoding = _decode(data, notes)
    root = _parse(text, notes)
    if root is None:
        return []
    page = _Page(data, encoding, root, base_url, notes)
    _read_page(page)

    outlet_cands = _outlets(page)
    outlet_keys = {_outlet_key(c.value) for c in outlet_cands}
    facts = _grouped("outlet", outlet_cands, lambda a, b: _outlet_key(a) == _outlet_key(b), _first)
    dates = _dates(page)
    if not dates.published:
        _add_htmldate(page, dates)
    facts += _grouped("published", dates.published, _same_time, _most_precise)
    facts += _grouped("modified", dates.modified, _same_time, _most_precise)
    title = _title(page, outlet_keys)
    facts += [title] if title else []
    facts += _authors(page, outlet_keys)
    facts += _grouped("url", _urls(page), str.__eq__, _first)
    facts += _grouped("language", _languages(page), _same_language, _longest)

    credits = [*_image_credits(page), *_figure_credits(page)]
    main_text = _main_text(page)
    text_facts = _text_facts(main_text) if main_text else []
    given = {f.field for f in facts}
    facts += [f for f in text_facts if f.field not in given and f.field != "credit"]
    credits += [
        _Credit(f.value, f.rule, "trafilatura-text", f.evidence) for f in text_facts if isinstance(f.value, dict)
    ]
    facts += _credit_facts(page, credits)
    return facts


def _add_htmldate(page: _Page, dates: _Dates) -> None:
    """htmldate's date as `published`, unless it is the stated update's date (htmldate falls
    back to the modified date when no other is found)."""
    found = _htmldate(page)
    if not found:
        return
    modified_days = {w.day for c in dates.modified if (w := _when(c.value))}
    when = _when(found)
    if when is None or when.day in modified_days:
        return
    dates.published.append(_Cand(when.iso(), "htmldate", "htmldate", found))


def _extract_document(doc: Document) -> Result:
    """The extractor protocol's entry; the page's own charset declaration is read, not `doc.charset`."""
    return extract(doc.read(MAX_BYTES), base_url=doc.url)


EXTRACTOR = FunctionExtractor(NAME, VERSION, MEDIA_TYPES, MAX_BYTES, _extract_document)
