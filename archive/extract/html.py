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
  `isBasedOn`, "according to Reuters"), an organisation named as author and an image's
  `copyrightHolder` never name the outlet. Sidebars, navigation, footers and "related
  stories" blocks belong to other stories and are skipped.
* The outlet is weighed from its sources (`archive.extract.common.outlets.resolve`): site
  name and publisher tags name it alone; a `<title>` suffix, the home link's logo, a
  copyright or trademark line only where another kind agrees (a copyright line naming a
  company never does). Spellings of one name ('WSJ', 'Wall Street Journal', 'The Wall Street
  Journal') share one value, the fullest the page prints; a wire agency or an owning company
  gives way to the site's own name, and a less supported name to a better supported one.
* Other single-valued fields (published, modified, url, language) get one fact per source
  and distinct value. Values that mean the same (the same instant written in two time zones;
  "en" and "en-GB") get the same value, so corroboration stays visible; values that differ
  are all emitted, and the caller shows the conflict rather than choosing. So do outlets
  equally supported.
* Dates are ISO 8601: a full datetime with its offset when the source gives one (a metadata
  value written in full is kept as written, "Z" and all; one whose zone is a well-known
  abbreviation, "2021-01-03T17:40:00EET", is given with that zone's offset), else the date (a
  time without a zone fixes no instant). The date the article header prints (`archive.extract.common.printed`
  reads it) is given in the outlet's local time: its zone as printed, or the offset that makes
  it the metadata's instant; a printed publication date that is clearly the article's
  (labelled, or below the headline) is preferred to metadata that disagree, which are then
  left out with a note. An update time is `modified`, never `published`. Where the page
  states no publication date in its metadata or article header, the plain-text rules read its
  visible text (a labelled date, a date under the headline or beside the byline: rule
  "text:<rule>", key "visible text"); only where that finds none either is htmldate
  consulted, since it reads the same markup and adds nothing but risk (a URL date, a modified
  date, a comment's date) where the page states its date.
* The title is one fact: the JSON-LD headline, else og:title, else the article's `<h1>`,
  else `<title>` (a " | Outlet" suffix is removed only when it names the outlet found).
* Photo credits come from JSON-LD images (`creditText`, `creator`/`author`,
  `copyrightHolder`, `caption`) and from figures (`<figcaption>` credit lines such as
  "Photograph: Jane Doe/Reuters", "(AP Photo/Evan Vucci)", "Credit...Jane Doe for The New
  York Times", "Фото: ...", and credit elements beside the caption), parsed with the plain-text
  credit rules where they apply. The same credit found twice is reported once. Only where none
  of these credits anything, the article's images in its scripts' JSON are read (a slideshow's
  slides, a CMS's page state: `archive.extract.common.scriptdata`), from the object that names
  this article by its canonical URL or headline, never from other stories the blob describes.
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
import json
import re
from collections.abc import Callable, Iterable, Iterator
from copy import deepcopy
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from archive.extract import plaintext
from archive.extract.api import Document, Fact, FunctionExtractor, Note, Result
from archive.extract.common import bylines, headlines, mastheads, printed, scriptdata
from archive.extract.common import credits as creditlib
from archive.extract.common.dates import When, same_time
from archive.extract.common.encoding import decide_html, read
from archive.extract.common.outlets import Signal, outlet_key, resolve, same_outlet
from archive.extract.common.printed import Printed
from archive.extract.common.text import fold, has_any

NAME = "html"
VERSION = "1.11.0"
MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})

FIELDS = ("outlet", "published", "modified", "title", "meta_title", "author", "credit", "url", "language")
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


def _decode(data: bytes, notes: list[Note], transport: str | None = None) -> tuple[str, str]:
    """The text for parsing and the encoding read, as `common.encoding.decide` rules for HTML
    (BOM, the transport layer's charset if one was recorded, the declared charset, valid UTF-8,
    detection, windows-1252).

    Undecodable bytes are replaced in the text only: the stored bytes are never touched.
    """
    decoding = decide_html(data, transport)
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
    _visible: str | None = None

    def visible_text(self) -> str:
        """The visible text of the page's body (of the whole page if it has none), read once."""
        if self._visible is None:
            body = self.root.find("body")
            self._visible = _text(body if body is not None else self.root)
        return self._visible

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


_SOURCE_LABEL = re.compile(r"\u6765\u6e90\s*[:\uff1a]")
_SOURCE_NAME = re.compile(r"(?:.{0,40}?\s)?\u6765\u6e90\s*[:\uff1a]\s*(?P<name>[^\W\d_][^\s\d:\uff1a|]{1,19})(?=\s|$)")


def _outlet_name(value: object) -> str:
    name = _clean(value)
    if not name or len(name) > 100 or _URLISH.search(name):
        return ""
    parts = _TAGLINE.split(name, maxsplit=1)
    if len(parts) == 2 and parts[0] and any(c.isalpha() for c in parts[0]):
        name = parts[0]
    # 'Grazia_Live': an account's handle, not a name.
    if name.lower() in _PLATFORMS or ("_" in name and " " not in name):
        return ""
    return name


def _outlets(page: _Page) -> tuple[list[Fact], set[str]]:
    """The outlet facts, and the keys of every name the page gives itself (for the title and
    the byline to leave out).

    Sources, each a `Signal` (`archive.extract.common.outlets`): the JSON-LD / microdata
    publisher of the article and the page's organisation node, og:site_name and the WebSite
    node, application-name (each strong), and, counting only where another kind agrees, the
    suffix of <title> / og:title, the names of the link to the home page, copyright and
    trademark lines, a Chinese page's source line ('来源：'), and two witnesses, never the
    value: the site's account (twitter:site) and the domain of the page's URL.
    `resolve` groups the names of one outlet, gives it one
    spelling and drops outlets with less support, a wire agency and an owning company.
    """
    sources = _outlet_sources(page)
    visible = page.visible_text()
    lines = visible.split("\n")
    holders, links = mastheads.footer_lines(lines)
    for _, holder, rule, line in holders:
        signal = Signal(holder.name, "footer", formal=not holder.company)
        sources.append((signal, rule, f"footer {rule} line", line))
    # A Chinese page's source line ('来源： 中国日报网 2023-11-17 15:13') names where the story comes
    # from: the site's own name, or a portal's source it reposts; it counts where another kind agrees.
    for number, line in enumerate(lines):
        if "\u6765\u6e90" not in line:
            continue
        text = line.strip()
        if _SOURCE_LABEL.fullmatch(text) and number + 1 < len(lines):
            text = f"{text} {lines[number + 1].strip()}"  # the label in its own element, the name in the next
        if match := _SOURCE_NAME.match(text):
            sources.append((Signal(match["name"], "source-line"), "source-line", "source line", text))
    # A link about the site ('About The Motley Fool') counts where it names the copyright holder:
    # menus also have 'About Health'.
    footers = {holder.name for _, holder, *_ in holders}
    for number, name in links:
        if any(same_outlet(name, f) for f in footers):
            sources.append((Signal(name, "self-link"), "self-link", "link about the site", lines[number]))

    outlets = resolve([signal for signal, *_ in sources], mastheads.printed_in(visible))
    facts: list[Fact] = []
    keys = {_outlet_key(s.name) for s, *_ in sources if s.strong}
    for outlet in outlets:
        keys.add(_outlet_key(outlet.value))
        seen: set[str] = set()
        for index in outlet.signals:
            signal, rule, key, evidence = sources[index]
            keys.add(_outlet_key(signal.name))
            if key not in seen:
                seen.add(key)
                facts.append(Fact("outlet", outlet.value, rule, evidence, key=key))
    return facts, keys


def _outlet_sources(page: _Page) -> list[tuple[Signal, str, str, str]]:
    """(signal, rule, key, evidence) for each statement of the outlet's name in the page's markup."""
    sources: list[tuple[Signal, str, str, str]] = []

    def add(raw: object, kind: str, rule: str, key: str, *, strong: bool = True) -> None:
        if name := _outlet_name(raw):
            sources.append((Signal(name, kind, strong=strong), rule, key, _clean(raw)))

    for prefix, article in page.articles:
        for publisher in _as_list(article.get("publisher")):
            publisher = page.resolve(publisher)
            raw = publisher.get("name") if isinstance(publisher, dict) else publisher
            add(raw, "publisher", f"{prefix}-publisher", f"{prefix}:{_type_name(article)}.publisher.name")
    for raw in page.og.get("og:site_name", []):
        add(raw, "site-name", "og-site-name", "og:site_name")
    for raw in page.meta.get("application-name", []):
        add(raw, "application-name", "meta-application-name", "meta[name=application-name]")
    publishers = [page.resolve(p) for _, article in page.articles for p in _as_list(article.get("publisher"))]
    for node in _graph_nodes(page.jsonld):
        if any(node is p for p in publishers):
            continue  # read above, as the article's publisher
        if "WebSite" in _types(node):
            add(node.get("name"), "site-name", "jsonld-website", "jsonld:WebSite.name")
        elif _is_org(node):
            add(node.get("name"), "publisher", "jsonld-organization", f"jsonld:{_type_name(node)}.name", strong=False)
    head_title = page.root.find(".//title")
    titles = [("title", _line(head_title))] if head_title is not None else []
    for key in ("og:title", "twitter:title"):
        titles += [(key, raw) for raw in [*page.og.get(key, []), *page.meta.get(key, [])][:1]]
    for key, raw in titles:
        if suffix := mastheads.title_suffix(_clean(raw)):
            add(suffix, "title", "title-suffix", f"{key} suffix", strong=False)
    for name, evidence in mastheads.home_link_names(page.root, _page_host(page)):
        if _outlet_name(name):
            sources.append((Signal(name, "home-link"), "home-link", "a[href=/]", evidence))
    if domain := mastheads.site_domain(_page_host(page)):
        sources.append((Signal(domain, "host", named=False, witness=True), "host", "URL host", domain))
    for raw in page.meta.get("twitter:site", [])[:1]:
        handle = raw.strip().removeprefix("@")
        if re.fullmatch(r"\w{2,15}", handle):
            sources.append((Signal(handle, "handle", named=False, witness=True), "twitter-site", "twitter:site", raw))
    return sources


def _page_host(page: _Page) -> str:
    """The page's host, from its canonical URL, og:url or where it was fetched."""
    for cand in _urls(page):
        return urlsplit(cand.value).netloc.lower().removeprefix("www.")
    return urlsplit(page.base_url or "").netloc.lower().removeprefix("www.")


def _first(values: list[str]) -> str:
    return values[0]


# ---------------------------------------------------------------------------------------
# published, modified
# ---------------------------------------------------------------------------------------


# An ISO 8601 local datetime with a zone's abbreviation for its offset ('2021-01-03T17:40:00EET').
_NAMED_ZONE = re.compile(r"(?P<local>\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)\s*(?P<zone>[A-Z]{2,5})")


def _when(raw: str) -> When | None:
    """An ISO 8601 (or RFC 2822) date or datetime; a datetime without a zone is a date only; one
    whose zone is a well-known abbreviation ('2021-01-03T17:40:00EET', `printed.ZONES`) is in it."""
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
            zoned = _zoned(text)
            if zoned is None:
                return None
            parsed = zoned
    # The web began in 1991: earlier dates are placeholders (0001-01-01, the Unix epoch).
    if not 1991 <= parsed.year <= 2100 or (parsed.year, parsed.month, parsed.day) == (1970, 1, 1):
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return When(parsed.date())
    return When.of(parsed.replace(microsecond=0))


def _zoned(text: str) -> datetime | None:
    """A local datetime with a zone's abbreviation, in that zone; None for another text."""
    match = _NAMED_ZONE.fullmatch(text)
    if match is None:
        return None
    try:
        local = datetime.fromisoformat(match["local"])
    except ValueError:
        return None
    offset = printed.zone_offset(match["zone"], local.date())
    return None if offset is None else local.replace(tzinfo=timezone(timedelta(minutes=offset)))


def _same_time(a: str, b: str) -> bool:
    """The same instant to the minute (a printed time states no seconds), or a date that is the
    local date of an instant, or the same date."""
    first, second = _when(a), _when(b)
    if first is None or second is None:
        return a == b
    return same_time(first, second) or printed.same_minute(first, second)


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
        written = raw.strip()
        # A full ISO 8601 datetime is kept as the page wrote it ("Z", fractions of a second).
        value = written if when.moment is not None and _ISO_WRITTEN.fullmatch(written) else when.iso()
        target.append(_Cand(value, rule, key, raw))


_ISO_WRITTEN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)")
_UPDATED = re.compile(
    r"\b(?:updated|modified|revised|last\s+(?:updated|modified)|aktualisiert|mis\s+à\s+jour|actualizado"
    r"|atualizado|aggiornato|обновлено|оновлено)\b|更新|آخر\s+تحديث",
    re.I,
)
_PUBLISHED = re.compile(
    r"\b(?:published|posted|first\s+published|publiziert|veröffentlicht|publié|publicado|pubblicato"
    r"|опубликовано|опубліковано)\b|发布|発信|公開|기사입력|입력",
    re.I,
)
_LABEL = re.compile(rf"{_UPDATED.pattern}|{_PUBLISHED.pattern}", re.I)
_LONG_PARAGRAPH = 80  # characters: a paragraph this long is the story, not its header


def _dates(page: _Page) -> _Dates:
    """Dates from JSON-LD / microdata, article:*_time, the <time> elements of the header, and the
    dates the article header prints (`_printed_dates`), reconciled with the metadata."""
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
        dates.add(page, name, element.get("datetime", ""), f"time-{how}", f"time[datetime] ({how})")
    years = [w.day.year for c in dates.published if (w := _when(c.value))]
    shown = _printed_dates(page, years[0] if years else None)
    for name in ("published", "modified"):
        found = next((s for s in shown if s.field == name), None)
        if found:
            target = dates.published if name == "published" else dates.modified
            target[:] = _with_printed(page, target, found)
    return dates


def _with_printed(page: _Page, machine: list[_Cand], shown: _Shown) -> list[_Cand]:
    """The metadata's candidates with the printed date first, in the outlet's local time (its
    zone as printed, or the offset that makes it the metadata's instant). When they disagree the
    printed date is kept only if it is clearly the article's (labelled, a <time>, or in a date
    element below the headline); a published date printed is then the one given, and the
    metadata that disagree with it are dropped, with a note."""
    instants = [w for c in machine if (w := _when(c.value))]
    value, how = printed.with_metadata(shown.printed, instants)
    evidence = (
        shown.evidence if how in ("as printed", "date as printed") else f"{shown.evidence} ({how}: {value.offset})"
    )
    key = f"visible date ({_describe(shown.element)})"
    cand = _Cand(value.iso(), f"printed-{how.replace(' ', '-')}", key, evidence)
    agree = [c for c in machine if (w := _when(c.value)) and printed.same_minute(w, value)]
    if not shown.printed.year_printed and (not agree or how == "date as printed"):
        return machine  # the year was the metadata's: only an agreeing reading stands
    if (not shown.clear and len(agree) < len(machine)) or (not machine and not (shown.clear and shown.marked)):
        return machine  # without metadata, only a date labelled or in a date or byline element below the headline
    if len(agree) == len(machine) or shown.field == "modified":
        return [cand, *machine]
    for c in machine:
        if c not in agree:
            reason = f"{c.key}: {c.evidence!r} disagrees with the printed date {shown.evidence!r}"
            page.notes.append(Note("date not used", reason))
    return [cand, *agree]


def _describe(element: Element) -> str:
    prop = (element.get("itemprop") or "").strip()
    if prop:
        return f"{element.tag}[itemprop={prop}]"
    words = [w for w in (element.get("class") or "").split() if _DATE_CLASS.search(w)][:1]
    return f"{element.tag}.{words[0]}" if words else element.tag


# A class, id or itemprop naming an article's date line or byline ('entry-date', 'byline', 'timestamp').
_DATE_CLASS = re.compile(r"date|time|publish|posted|byline|stamp|submitted|article-?info|(?<![a-z])meta(?![a-z])", re.I)
_BYLINE_CLASS = re.compile(r"byline", re.I)
_DATE_PROPS = frozenset({"datePublished", "dateCreated", "dateModified", "uploadDate"})
_MAX_DATE_TEXT = 200  # characters: a date line with its labels and byline, not a paragraph
_MAX_DATE_CONTEXT = 80  # characters of a date line besides its date: a label, a byline, a place


@dataclass(frozen=True)
class _Shown:
    """A date printed in the article's header, and where."""

    field: str
    printed: Printed
    element: Element
    clear: bool  # clearly the article's date
    text: str  # the text it was read in
    marked: bool = True  # labelled, or in an element classed as a date or byline (not a bare <time>)

    @property
    def evidence(self) -> str:
        return self.text[self.printed.start : self.printed.end]


def _printed_dates(page: _Page, year: int | None = None) -> list[_Shown]:
    """The dates the article's header prints: (field, date, element, clearly the article's).

    Read from <time> elements and elements whose class, id or itemprop names a date or byline, in
    the article's header: above its second long paragraph (the first is often a standfirst) and
    outside the story's paragraphs, or anywhere in the article for itemprop dates; a headline
    outside the article's region brings its own surroundings. A long byline element is read by
    its pieces of loose text ('By X ... on December 29, 2014 at 2:48 PM'). A date is `modified`
    when its label says 'Updated' (or the element is classed so), else `published`. It is clearly
    the article's when labelled 'Published'/'Posted', in a <time> or an itemprop date, or after
    the headline. With the metadata's `year`, a date printed without one ('Posted Nov 19, 6:51
    AM') is read in it; it counts only where it agrees with the metadata.
    """
    order, header_end = _header_end(page)
    lang = page.root.get("lang") or next(iter(page.og.get("og:locale", [])), None)
    day_first = printed.day_first_for(lang)
    h1 = next((h for h in page.root.iter("h1") if not page.in_chrome(h)), None)
    elements = list(page.scope.iter())
    if h1 is not None and h1 not in order:  # the headline (and its byline) above the article's region
        around = h1.getparent()
        if around is not None and around.getparent() is not None and around.getparent().tag != "html":
            around = around.getparent()
        if around is not None and around.tag not in ("body", "html"):
            outside = [e for e in around.iter() if e not in order]
            order = {**{e: i - len(outside) for i, e in enumerate(outside)}, **order}
            elements = outside + elements
    after = order.get(h1, -1) if h1 is not None else -1
    taken: set[Element] = set()
    found: list[_Shown] = []
    for element in elements:
        if not isinstance(element.tag, str) or element in taken:
            continue
        prop = (element.get("itemprop") or "").strip()
        named = element.tag == "time" or prop in _DATE_PROPS
        if not (named or any(_DATE_CLASS.search(element.get(a) or "") for a in ("class", "id"))):
            continue
        position = order[element]
        if not (position < header_end or prop in _DATE_PROPS) or page.in_chrome(element) or _in_story(element):
            continue
        if _inside(element, "figure", page.root) or _inside(element, "figcaption", page.root):
            continue  # a caption's date is the photo's
        text = _line(element)
        if not text:
            continue
        if len(text) <= _MAX_DATE_TEXT:
            pieces = [text]
        elif _BYLINE_CLASS.search(f"{element.get('class')} {element.get('id')}"):
            pieces = _loose_text(element)
        else:
            continue
        for piece in pieces:
            dates = printed.printed_in(piece, day_first, limit=4, year=year)
            if not dates or len(piece) - sum(d.end - d.start for d in dates) > _MAX_DATE_CONTEXT:
                continue  # no date, or a sentence or caption that mentions one: an inner element may be the date
            if pieces == [text]:
                taken.update(element.iter())
            previous, name, labelled = 0, "", False
            for shown in dates:
                labels = _LABEL.findall(piece[previous : shown.start])
                if labels:
                    name, labelled = ("modified" if _UPDATED.fullmatch(labels[-1]) else "published"), True
                elif not name:
                    name = _class_field(element)
                previous = shown.end
                clear = (labelled and name == "published") or position > after
                marked = labelled or not (named and element.tag == "time" and not element.get("class"))
                found.append(_Shown(name, shown, element, clear, piece, marked))
    return found


def _class_field(element: Element) -> str:
    classes = (element.get("class") or "").lower()
    return "modified" if ("updated" in classes or "modified" in classes) and "publish" not in classes else "published"


def _loose_text(element: Element) -> list[str]:
    """The pieces of text directly in element (its text and its children's tails), blanks collapsed."""
    pieces = [element.text or "", *(child.tail or "" for child in element)]
    return [line for piece in pieces if (line := " ".join(piece.split())) and len(line) <= _MAX_DATE_TEXT]


def _in_story(element: Element) -> bool:
    """Whether element is part of a long paragraph (a date in the story, not the article's)."""
    node = element
    for _ in range(6):
        if node is None:
            return False
        if node.tag == "p" and len(_line(node)) >= _LONG_PARAGRAPH:
            return True
        node = node.getparent()
    return False


def _header_end(page: _Page) -> tuple[dict[Element, int], int]:
    """The document order of the scope's elements, and the position of its second long
    paragraph (the end, if there is none): a standfirst comes before the byline on many pages."""
    order = {element: number for number, element in enumerate(page.scope.iter())}
    seen = 0
    for paragraph in page.scope.iter("p"):
        if not page.in_chrome(paragraph) and len(_line(paragraph)) >= _LONG_PARAGRAPH:
            seen += 1
            if seen == 2:
                return order, order[paragraph]
    return order, len(order)


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


def _strip_site(title: str, outlet_keys: set[str]) -> str:
    """'Headline | Section | The Guardian' -> 'Headline | Section' when the Guardian is the outlet."""
    parts = mastheads.TITLE_SEPARATOR.split(title)
    separators = mastheads.TITLE_SEPARATOR.findall(title)
    if len(parts) > 1 and _outlet_key(parts[-1]) in outlet_keys:
        return "".join(p + s for p, s in zip(parts[:-2], separators[:-1], strict=False)) + parts[-2]
    return title


def _meta_titles(page: _Page, outlet_keys: set[str]) -> list[tuple[_Cand, str]] | None:
    """The page's metadata headlines, strongest first: JSON-LD headline, microdata headline,
    og:title, <title>. Each as stated, and as a headline: without a " | Outlet" suffix. None
    for an HTTP error page ('Page Not Found', '403 Forbidden'), which has no headline."""
    cands: list[_Cand] = []
    for wanted in ("jsonld", "microdata"):
        stated = {_clean(a.get("headline")): (prefix, a) for prefix, a in page.articles if prefix == wanted}
        stated.pop("", None)
        if len(stated) == 1:  # articles that disagree on the headline leave it to other sources
            ((text, (prefix, article)),) = stated.items()
            cands.append(_Cand(text, f"{prefix}-headline", f"{prefix}:{_type_name(article)}.headline", text))
    cands.extend(_Cand(_clean(raw), "og-title", "og:title", raw) for raw in page.og.get("og:title", [])[:1])
    head_title = page.root.find(".//title")
    if head_title is not None:
        raw = _line(head_title)
        cands.append(_Cand(_clean(raw), "title-element", "title", raw))
    found: list[tuple[_Cand, str]] = []
    for cand in cands:
        title = _strip_site(cand.value, outlet_keys)
        if headlines.error_title(title):
            return None
        if title and len(title) <= 400:
            found.append((cand, title))
    return found


_HEADING_TAGS = frozenset({"h1", "h2", "h3"})
_SUBHEADING_CLASS = re.compile(r"sub-?(?:title|headline)")


def _heading_like(element: Element) -> bool:
    """A heading element, or one marked as the headline (itemprop=headline, class 'entry-title')."""
    if element.tag in _HEADING_TAGS or (element.get("itemprop") or "").strip() == "headline":
        return True
    classes = (element.get("class") or "").lower()
    return ("title" in classes or "headline" in classes) and not _SUBHEADING_CLASS.search(classes)


def _links_home(element: Element) -> bool:
    """Whether a heading is a link to the site's home page: the masthead ('<a href="/"><h1>Site</h1></a>')."""
    links = list(element.iter("a"))
    parent = element.getparent()
    if parent is not None and parent.tag == "a":
        links.append(parent)
    for link in links:
        try:
            parts = urlsplit((link.get("href") or "").strip())
        except ValueError:
            continue
        if parts.path in ("", "/") and not parts.query and not parts.fragment and (parts.netloc or parts.path):
            return True
    return False


def _visible_title(page: _Page, metas: list[tuple[_Cand, str]], outlet_keys: set[str]) -> _Cand | None:
    """The headline printed above the article: the article's <h1> that states a metadata
    headline, else the heading nearest the article's start that does (a headline under a
    masthead <h1>). Where only <title> states one, which often names just the site, also the
    <article>'s first or the page's only <h1>. A masthead, a related story's heading and a
    heading sharing little with the JSON-LD or og:title headline are not it."""
    stated = [title for _, title in metas]
    h1s = [h for h in page.scope.iter("h1") if not page.in_chrome(h)]
    if not h1s and page.scope is not page.root:  # a headline above the <main> or <article> it heads
        h1s = [h for h in page.root.iter("h1") if not page.in_chrome(h)]
    texts = [(h, _heading_text(h, stated)) for h in h1s]
    texts = [(h, t) for h, t in texts if t and len(t) <= 400 and _outlet_key(t) not in outlet_keys]
    texts = [(h, t) for h, t in texts if not _links_home(h)]
    for element, text in texts:
        if any(headlines.agrees(text, m) for m in stated):
            return _Cand(text, "h1", "h1", _line(element))
    if stated:
        order, story_start = _story_start(page)
        for element in page.scope.iter():
            if order.get(element, story_start) >= story_start:
                break
            if not isinstance(element.tag, str) or element.tag == "h1" or not _heading_like(element):
                continue
            text = _heading_text(element, stated)
            agreed = text and len(text) <= 400 and any(headlines.agrees(text, m) for m in stated)
            if agreed and not page.in_chrome(element):
                return _Cand(text, "heading", element.tag, _line(element))
    if any(c.rule != "title-element" for c, _ in metas):
        return None
    if texts and (page.scope.tag == "article" or len(texts) == 1):
        return _Cand(texts[0][1], "h1", "h1", _line(texts[0][0]))
    return _hentry_title(page, outlet_keys)


def _hentry_title(page: _Page, outlet_keys: set[str]) -> _Cand | None:
    """The hAtom microformat's headline where nothing else gives one: the one element classed
    'entry-title' inside the page's one 'hentry' ('<table class="hnews hentry"> … <span
    class="headline entry-title">Headline</span>'), not in page furniture."""
    entries = [e for e in page.root.iter() if isinstance(e.tag, str) and "hentry" in _classes(e)]
    if len(entries) != 1:
        return None  # a list of entries (an index page), or none
    titles = [e for e in entries[0].iter() if isinstance(e.tag, str) and "entry-title" in _classes(e)]
    if len(titles) != 1 or page.in_chrome(titles[0]):
        return None
    text = _line(titles[0])
    if not text or len(text) > 400 or _outlet_key(text) in outlet_keys or headlines.error_title(text):
        return None
    return _Cand(text, "hentry-title", ".hentry .entry-title", text)


def _classes(element: Element) -> list[str]:
    return (element.get("class") or "").lower().split()


def _heading_text(element: Element, metas: list[str]) -> str:
    """A heading's text without what is glued to it as elements of their own: a label before it
    ('<span>Business</span> | Headline', '<span>WORLD NEWS</span> Headline') or a byline after
    it. When the whole heading is not a metadata headline, the part of it that is, or that a
    metadata headline starts with."""
    text = _line(element)
    if not metas or any(headlines.same_headline(text, m) for m in metas):
        return text
    for child in element:
        part = _line(child) if isinstance(child.tag, str) else ""
        if part and part != text and any(headlines.starts(m, part) for m in metas):
            return part
        rest = " ".join((child.tail or "").split()).lstrip(" |:\u2013\u2014-\u00b7\u2022")
        if part and rest and text.endswith(rest) and any(headlines.starts(m, rest) for m in metas):
            return rest
    return text


def _site_page(page: _Page, title: str, outlet_keys: set[str]) -> bool:
    """Whether the page is the site's own (a home or section page), not an article: nothing
    marks it as an article (no JSON-LD or microdata article, og:type not 'article') and it is the
    site's front page (`_home_page`) or its title is the outlet's name, alone or before a tagline
    ('Site - The Latest in Technology')."""
    if page.articles:
        return False
    for meta in page.root.iter("meta"):  # extruct keeps og:type as the item's @type
        if (meta.get("property") or "").strip().lower() == "og:type" and (
            meta.get("content") or ""
        ).strip() == "article":
            return False
    return _home_page(page) or _outlet_key(mastheads.TITLE_SEPARATOR.split(title, maxsplit=1)[0]) in outlet_keys


def _title(page: _Page, outlet_keys: set[str]) -> list[Fact]:
    """The visible headline (`_visible_title`), then the metadata headline (JSON-LD headline,
    else og:title) as stated where it differs; with no visible headline, the metadata headline
    (`_meta_titles`, <title> the last resort) alone, without a site-name suffix. A metadata
    headline differs when it is another headline, not the same one with the site's name added.

    The visible one is `title`, with rule "h1" or "heading", and is the one to cite: a metadata
    headline is often rewritten for search engines and social cards. It is kept as the page's
    other statement, the field `meta_title`, which is never cited."""
    metas = _meta_titles(page, outlet_keys)
    if metas is None or (metas and _site_page(page, metas[0][0].value, outlet_keys)):
        return []
    visible = _visible_title(page, metas, outlet_keys)
    if visible is None:
        if not metas:
            return []
        cand, title = metas[0]
        return [Fact("title", title, cand.rule, cand.evidence, key=cand.key)]
    facts = [Fact("title", visible.value, visible.rule, visible.evidence, key=visible.key)]
    # <title> is no metadata headline beside a visible one: it adds the site's name or tagline.
    stated = [(c, t) for c, t in metas if c.rule != "title-element"]
    other = next((c for c, t in stated if not headlines.same_headline(t, visible.value)), None)
    if other is not None:
        facts.append(Fact("meta_title", other.value, other.rule, other.evidence, key=other.key))
    return facts


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
    # 'CH Contributor', 'Letters to the Editor': a site's account named for its role.
    if structured and _written_name(text) and not bylines.is_role(text):
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
_BY_LINE = re.compile(r"(?<![a-z])by[_-]line")
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
    if "by" not in words and "author" not in words:
        return False  # what every match of _BYLINE_PART holds; most elements have neither
    words = _BY_LINE.sub("byline", words)  # 'by_line', 'by-line': the word spelt in two
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
        # schema.org's author is a kind of creator: pages written for Parse.ly's schema give only creator.
        prop = "author" if article.get("author") else "creator"
        key = f"{prefix}:{_type_name(article)}.{prop}"
        for author in _as_list(article.get(prop)):
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


_MAX_PARSELY = 20_000  # characters: a parsely-page object with a title, a link, tags and its author


def _parsely_authors(page: _Page) -> list[str]:
    """The author or authors a Parse.ly 'parsely-page' meta tag names (a JSON object in its content)."""
    names: list[str] = []
    for raw in page.meta.get("parsely-page", []):
        if len(raw) > _MAX_PARSELY:
            continue
        try:
            obj = json.loads(raw)
        except (ValueError, RecursionError):  # a stray quote, or nesting no page writes: nothing to read
            continue
        if isinstance(obj, dict):
            names += [v for key in ("author", "authors") for v in _as_list(obj.get(key)) if isinstance(v, str)]
    return names


# 'author' and 'byl' are the common tags, Dublin Core's creator the standard one; Parse.ly's and
# Sailthru's analytics tags are on many news sites. Some pages write them as property=, like og:.
_META_AUTHOR_TAGS = ("author", "byl", "dc.creator", "dcterms.creator", "parsely-author", "sailthru.author")


def _meta_authors(page: _Page) -> list[tuple[str, str, str, str]]:
    found: list[tuple[str, str, str, str]] = []
    tags = [(f"meta[name={name}]", name, raw) for name in _META_AUTHOR_TAGS for raw in page.meta.get(name, [])]
    for meta in page.root.iter("meta"):
        prop, content = (meta.get("property") or "").strip().lower(), meta.get("content")
        if prop in _META_AUTHOR_TAGS and content and not meta.get("name"):
            tags.append((f"meta[property={prop}]", prop, content))
    for key, name, raw in tags:
        found.extend((n, f"meta-{name}", key, raw) for n in _person_names(raw, structured=False, byline=True))
    for raw in _parsely_authors(page):
        key = "meta[name=parsely-page].author"
        found.extend((n, "meta-parsely-page", key, raw) for n in _person_names(raw, structured=False, byline=True))
    for raw in page.og.get("article:author", []):
        found.extend(
            (n, "og-article-author", "article:author", raw) for n in _person_names(raw, structured=False, byline=True)
        )
    return found


def _headline(page: _Page, outlet_keys: set[str]) -> tuple[_Page, Element | None]:
    """The article's headline element, and the page with the region its byline is looked for in.

    The first <h1> of the article's region, unless the page's metadata headline disagrees with it
    and another element prints that headline (the first <h1> is then a pop-up's, a hidden
    search template's or a menu's story): another <h1> of the region or of the page, else a
    heading-like element of the region ('div class=title'). A headline outside the region
    brings its own: the <article> around it, else the page's body."""
    h1s = [h for h in page.scope.iter("h1") if not page.in_chrome(h)]
    first = h1s[0] if h1s else None
    stated = [title for _, title in _meta_titles(page, outlet_keys) or []]
    if first is None or not stated or any(headlines.agrees(_line(first), m) for m in stated):
        return page, first

    def prints(element: Element) -> bool:
        text = _line(element)
        return bool(text) and len(text) <= 400 and any(headlines.starts(m, text) for m in stated)

    body = page.root.find("body")
    others = [h for h in (body if body is not None else page.root).iter("h1") if h not in h1s[:1]]
    found = next((h for h in others if not page.in_chrome(h) and prints(h)), None)
    if found is None:
        headings = (e for e in page.scope.iter() if isinstance(e.tag, str) and e.tag != "h1" and _heading_like(e))
        found = next((e for e in headings if not page.in_chrome(e) and prints(e)), None)
    if found is None:
        return page, first
    if _contains(page.scope, found):
        return page, found
    article = next((a for a in found.iterancestors("article")), None)
    return replace(page, scope=article if article is not None else (body if body is not None else page.root)), found


def _byline_elements(page: _Page, headline: Element | None) -> tuple[list[tuple[str, str, str, str]], bool]:
    """Names in the article's byline elements (rel=author, itemprop=author, byline classes) near its
    headline: not in furniture or figures, not containers of the headline or the story. And
    whether the page is a list of stories (byline elements naming three sets of people or more):
    it then has no byline."""
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
            elif (by := _opens_by(element)) and element.tag in _BY_TAGS and bylines.opens_with_by(element.text):
                candidates.append((element, "by-line", f"{element.tag}:By", total))
            elif by and len(element) == 0 and bylines.is_by_label(element.text):
                # '<span>By</span> <a>Jane Doe</a>': the label's parent holds the line.
                parent = element.getparent()
                if parent is not None and parent is not page.scope:
                    candidates.append((parent, "by-line", f"{parent.tag}:By", total))
            elif element.tag == "a" and "author" in (href := element.get("href") or "") and bylines.author_page(href):
                candidates.append((element, "author-link", "a[href=author page]", total))
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
        if len(text) > _MAX_BYLINE or _in_photo(element, page.scope) or _in_teaser(element, text, page.scope):
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


# An element of the article's header whose text opens with 'By' is its byline, marked or not
# ('<p>by <a>Jane Doe</a></p>' at the top of a story a guest wrote).
_BY_TAGS = frozenset({"p", "div", "span", "li", "address", "small", "em", "strong", "b", "i"})


def _opens_by(element: Element) -> bool:
    """Whether the element's own text opens with 'by': the cheap test most elements fail."""
    return bool(element.text) and element.text.lstrip()[:2].lower() == "by"


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


def _in_teaser(element: Element, text: str, scope: Element) -> bool:
    """Whether a byline is part of a link that holds more than it: a teaser card linking to
    another story (its headline, its byline, its date in one <a>)."""
    node = element.getparent()
    while node is not None and node is not scope:
        if node.tag == "a":
            return len(_line(node)) > len(" ".join(text.split()))
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


def _photographer(page: _Page, name: str) -> bool:
    """Whether the page prints a name the metadata gives as its author only as a photo credit
    ('Photographs by Jane Doe'): a slideshow's CMS fills its author fields with the photographer."""
    text = _text(page.scope)
    spots = [m.start() for m in re.finditer(re.escape(name), text)]
    return bool(spots) and all(bylines.photo_label_before(text, at) for at in spots)


def _east_asian_bylines(page: _Page, headline: Element | None) -> list[tuple[str, str, str, str]]:
    """Bylines of the forms East Asian outlets print without 'By' (`bylines.korean_signoff`,
    `bylines.japanese_byline`): a Korean story's sign-off line, a Japanese title-and-name line
    under the headline, inside the headline element or just after it."""
    found: list[tuple[str, str, str, str]] = []
    if headline is not None:
        lines = _text(headline).split("\n")[1:]
        after = headline.getnext()
        lines += _text(after).split("\n")[:2] if after is not None else []
        found += [(n, "byline-ja", "h1", line) for line in lines if (n := bylines.japanese_byline(line))]
    title = page.root.find(".//title")
    heading = " ".join(_line(e) for e in (title, headline) if e is not None)
    if not found and bylines.has_hangul(heading):  # a headline in Hangul
        text = _text(page.scope, frozenset(page.chrome))
        found += [(n, "signoff-ko", "text", line) for line in text.split("\n") if (n := bylines.korean_signoff(line))]
    # Several writers signing off are a list of other stories' ends more often than co-authors.
    return found if len({c[0] for c in found}) == 1 else []


def _letter_signature(page: _Page) -> list[tuple[str, str, str, str]]:
    """The writer of a reader's letter: the page names a letters column as its author or site
    ('Letters to the Editor'), and the letter is signed in the first short paragraph after its
    text ('Jane Doe, Dallas')."""
    columns = [*page.meta.get("author", []), *_parsely_authors(page), *page.og.get("og:site_name", [])]
    if not any(bylines.is_letters_column(_clean(c)) for c in columns):
        return []
    texts = [_line(p) for p in page.scope.iter("p") if not page.in_chrome(p)]
    start = next((i for i, t in enumerate(texts) if len(t) >= _LONG_PARAGRAPH), len(texts))
    line = next((t for t in texts[start:] if len(t) < _LONG_PARAGRAPH), "")
    names = _person_names(line.split(",")[0], structured=False) if line else []
    return [(names[0], "letter-signature", "p", line)] if len(names) == 1 else []


def _persons(found: list[tuple[str, str, str, str]]) -> set[str]:
    return {name for name, *_ in found if _person_names(name, structured=False, byline=True)}


def _wire_or(name: str, confirmed: set[str]) -> bool:
    return name.casefold() in bylines.WIRES or _name_key(name) in confirmed


def _authors(page: _Page, outlet_keys: set[str]) -> list[Fact]:
    """The authors of THIS article: JSON-LD / microdata authors (else creators) of the page's own
    article node, its byline elements near the headline the metadata states, and meta author /
    byl / Dublin Core / Parse.ly / Sailthru / article:author names when nothing else names the
    authors or they agree with what does (CMSs fill meta author with the publisher, a desk editor
    or a slideshow's photographer). Where none of these names anyone, an East Asian byline or a
    reader's letter's signature. Desks, site accounts, interface text and the outlet itself are
    no authors. One fact per distinct name."""
    structured = _structured_authors(page, outlet_keys)
    view, headline = _headline(page, outlet_keys)
    visible, listing = _byline_elements(view, headline)
    meta = _meta_authors(page)
    confirmed = {_name_key(c[0]) for c in (*structured, *meta)}
    # An organisation in a byline element counts if it is a wire agency or the metadata agrees.
    persons = _persons(visible)
    visible = [c for c in visible if c[0] in persons or (not persons and _wire_or(c[0], confirmed))]
    if not (structured or visible or meta or listing):
        visible = _east_asian_bylines(view, headline) or _letter_signature(view)
    stated = {_name_key(c[0]) for c in (*structured, *visible)}
    if listing:
        meta = []  # a list of stories has no author; meta author names the site's owner
    elif stated:
        meta = [c for c in meta if _name_key(c[0]) in stated]
    elif meta:
        meta = [c for c in meta if not _photographer(page, c[0])]
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


@dataclass(frozen=True)
class _Credit:
    value: dict[str, str]
    rule: str
    key: str
    evidence: str


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


def _caption_credits(text: str) -> tuple[str, list[creditlib.Credit], str]:
    """A caption that may end with credits: (caption, credits, the credit text as written)."""
    found = creditlib.find(text) if text else None
    if found is None:
        return creditlib.caption(text), [], ""
    evidence = text[found.credits[0].start : found.credits[-1].end]
    return creditlib.caption(found.caption(text)), [c.credit for c in found.credits], evidence


def _one_image(page: _Page, image: JsonObject, key: str, prefix: str) -> list[_Credit]:
    caption, caption_credits, _ = _caption_credits(_clean(image.get("caption")))
    used: list[tuple[str, str]] = []  # (property, value as found)
    credits: list[dict[str, str]] = []
    if credit_text := _clean(image.get("creditText")):
        credits = [c.value() for c in creditlib.parse(credit_text)]
        if credits:
            used.append(("creditText", credit_text))
    people: dict[str, tuple[str, str]] = {}  # slot -> (property, name)
    for prop in ("creator", "author", "copyrightHolder"):
        for who in _as_list(image.get(prop)):
            who = page.resolve(who)
            name = _clean(who.get("name") if isinstance(who, dict) else who)
            if not name or _URLISH.search(name):
                continue
            # A whole credit line in one property ('Jane Doe/Reuters') is read as one.
            read = creditlib.parse(name)
            if len(read) == 1 and read[0].photographer and read[0].agency:
                if not credits:
                    credits = [read[0].value()]
                    used.append((f"{prop}.name", name))
                continue
            # The rights holder is the agency unless it is a Person; a creator is the
            # photographer unless it is an organisation.
            if prop == "copyrightHolder":
                slot = "photographer" if isinstance(who, dict) and "Person" in _types(who) else "agency"
            else:
                slot = "agency" if isinstance(who, dict) and _is_org(who) else "photographer"
            part = read[0].value().get(slot) if len(read) == 1 else None
            people.setdefault(slot, (f"{prop}.name", part or name))
    if len(credits) <= 1:
        # The structured parts complete a credit line that lacks them ('Jane Doe' + Reuters).
        merged = credits[0] if credits else {}
        for slot, (prop, name) in people.items():
            if slot not in merged:
                merged = {**merged, slot: name}
                used.append((prop, name))
        credits = [merged] if merged else []
    if not credits and caption_credits:
        credits = [c.value() for c in caption_credits]
        used = [("caption", _clean(image.get("caption")))]
    if not credits:
        return []
    rule = f"{prefix}-image"
    full_key = f"{key}.{'+'.join(p for p, _ in used)}"
    evidence = " | ".join(v for _, v in used)
    return [_Credit(_with_caption(c, caption), rule, full_key, evidence) for c in credits]


def _with_caption(credit: dict[str, str], caption: str) -> dict[str, str]:
    return {**credit, "caption": caption} if caption else dict(credit)


# Microdata properties of an image that hold one part of its credit.
_SLOT_PROPS = {"creator": "photographer", "author": "photographer", "copyrightHolder": "agency"}
_CREDIT_PROPS = frozenset({"creditText", "copyrightNotice", *_SLOT_PROPS})
_MARK_ATTRIBUTES = ("class", "id", "data-testid", "data-component", "data-role", "data-type")
# Words in a class or id that mark an element as a credit wherever it stands in the article ...
_CREDIT_WORDS = re.compile(r"credit|photographer|copyright-?(?:holder|notice|text)", re.I)
# ... and words that do so only in a figure or next to an image (a 'byline' elsewhere is the story's).
_NEAR_IMAGE_WORDS = re.compile(
    r"copyright|courtesy|attribution|origin|(?:image|photo|img|pic|media)[\w-]*source|source[\w-]*(?:image|photo)", re.I
)  # a 'source' alone, beside a listed story's thumbnail, names the story's source
# ... and, only inside a figure, words that elsewhere name the story's author.
_IN_FIGURE_WORDS = re.compile(r"byline|author", re.I)
_SOURCE_WORD = re.compile(r"(?:^|[\s_-])source(?:$|[\s_-])", re.I)
_LINK_TEXT = 20  # characters: a link this long in an image's block is a listed story's headline
_CAPTION_WORDS = re.compile(r"caption", re.I)
_MEDIA_WORDS = re.compile(r"caption|figure|image|photo|picture|media|gallery|slide|\bimg|\bpic", re.I)
_MEDIA_TAGS = frozenset({"figure", "figcaption", "picture"})
_MEDIA_REACH = 4  # ancestors: how far up an image's container is looked for
_MAX_CREDIT_TEXT = 200  # characters: a credit element holding more is something else
_MAX_IMAGE_BLOCK = 1000  # characters: a block around one image holding more is a story, not a slide
_LOGO = re.compile(r"logo|icon|sprite|arrow|blank\.gif|spacer", re.I)


def _marks(element: Element) -> str:
    return " ".join(element.get(a) or "" for a in _MARK_ATTRIBUTES)


def _media_container(element: Element, page: _Page) -> Element | None:
    """The nearest figure or caption block that holds element, or the parent that holds it beside
    an image."""
    parent = element.getparent()
    if parent is not None and any(sibling.tag in ("img", "picture") for sibling in parent):
        return None if _PORTRAIT.search(_marks(parent)) else parent  # an author's card: portrait and name
    node = parent
    for _ in range(_MEDIA_REACH):
        if node is None or node is page.scope.getparent():
            return None
        if node.tag in _MEDIA_TAGS or _MEDIA_WORDS.search(_marks(node)):
            return node
        node = node.getparent()
    return None


def _slide(element: Element, page: _Page) -> Element | None:
    """The nearest block around element that holds one image, a photo, and no more text than a
    caption (a slide: '<li><a><img></a><div><p>A caption.<span class=source>Reuters</span></p></div></li>');
    not a table's row (a quote's arrow icon), not an author's portrait block."""
    if element.tag == "a" or re.search("copyright", _marks(element), re.I):
        return None  # a link marked 'source' names where a story or a quote comes from; '© 2019 Site' beside its logo
    node = element.getparent()
    for _ in range(_MEDIA_REACH):
        if node is None or node is page.scope.getparent() or node.tag in ("tr", "td", "table"):
            return None
        if _PORTRAIT.search(_marks(node)):
            return None
        images = list(node.iter("img"))
        if images:
            image = images[0]
            logo = _LOGO.search(" ".join((image.get(a) or "") for a in ("src", "alt", "class")))
            one = len(images) == 1 and not _small(image) and not logo
            return node if one and len(_line(node)) <= _MAX_IMAGE_BLOCK else None
        node = node.getparent()
    return None


def _is_credit_element(element: Element, page: _Page) -> bool:
    """Whether element is a photo credit by its markup: class 'credit' / 'photographer' or itemprop
    creditText anywhere in the article; 'byline' / 'author' in a figure; 'copyright', 'source',
    'attribution', <cite>, itemprop copyrightHolder / creator in a figure or caption block, or
    beside an image. The element's own markup is tested first: most elements have none of it."""
    prop = (element.get("itemprop") or "").strip()
    marks = _marks(element)
    strong = prop == "creditText" or bool(_CREDIT_WORDS.search(marks)) or _camera_label(element, page)
    in_figure = bool(_IN_FIGURE_WORDS.search(marks))
    structured = prop in _CREDIT_PROPS or element.tag == "cite"
    near = structured or bool(_NEAR_IMAGE_WORDS.search(marks) or _SOURCE_WORD.search(marks))
    if not (strong or in_figure or near):
        return False
    if element.tag in _MEDIA_TAGS or element.find(".//img") is not None or element.find(".//figcaption") is not None:
        return False  # a block classed 'caption-and-credit' holds the caption too: it is read as a caption
    if strong:
        return True
    if in_figure and any(a.tag in ("figure", "figcaption") for a in _ancestors(element, page)):
        return True
    if in_figure and _photo_byline(element, page):
        return True
    container = _media_container(element, page) if near else None
    if container is None and near and not structured:
        container = _slide(element, page)  # a 'source' in a slide's caption, beside its image
    if container is None:
        return False
    if structured:
        return True
    # A 'source' or 'attribution' beside an image credits it, unless the block is a listed story (a
    # headline's link), where it names where the story comes from.
    return not any(len(_line(a)) > _LINK_TEXT for a in container.iter("a") if not _contains(element, a))


# An icon font's camera ('<label><i class="fi-camera"></i>Nissan</label>', 'fa fa-camera'): the
# photo's label drawn as a glyph.
_CAMERA_ICON = re.compile(r"(?:^|[\s_-])camera(?:$|[\s_-])", re.I)
_ICON_TAGS = frozenset({"i", "span", "svg", "em"})


def _camera_label(element: Element, page: _Page) -> bool:
    """Whether element is a short label that a camera icon opens ('<label><i class="fi-camera"></i>
    Nissan</label>'): a photo's credit, as 'Photo:' would say. Not a link (a gallery's 'View photos'),
    not interface text, no count ('12 photos')."""
    first = next(iter(element), None)
    if first is None or not isinstance(first.tag, str) or first.tag not in _ICON_TAGS:
        return False
    if (
        (element.text or "").strip()
        or first.text_content().strip()
        or not _CAMERA_ICON.search(first.get("class") or "")
    ):
        return False
    text = _line(element)
    if not text or len(text) > 60 or any(c.isdigit() for c in text) or bylines.is_interface(text):
        return False
    return element.tag != "a" and not _inside(element, "a", page.scope) and element.find(".//a") is None


_PHOTO_BLOCK = re.compile(r"photo|image|\bimg|\bpic", re.I)
_PORTRAIT = re.compile(r"author|avatar|profile|headshot|\bbio|contributor|mugshot", re.I)
_NO_PHOTO = re.compile(r"no-?(?:photo|image|img|pic)", re.I)  # 'byline noImage': a byline without a portrait


def _photo_byline(element: Element, page: _Page) -> bool:
    """Whether a 'byline' element stands in a small block marked as a photo's, beside its image
    ('<span class=photo-data><span class=byline>Northwind Books</span></span>'): a photo's byline is
    its credit. An author's portrait block ('author-image') holds the author's name instead."""
    if not re.search(r"byline", _marks(element), re.I):
        return False
    for node in _ancestors(element, page):
        marks = _marks(node)
        if _PORTRAIT.search(marks) or _IN_FIGURE_WORDS.search(marks):
            return False  # an author's portrait, or the story's byline block ('byline noImage')
        if _PHOTO_BLOCK.search(marks) and not _NO_PHOTO.search(marks):
            container = _media_container(element, page)
            if container is None or len(_line(node)) > _MAX_CREDIT_TEXT:
                return False
            # A listed story's card ('summary-item--image-right'): its headline's link, its author's byline.
            return not any(len(_line(a)) > _LINK_TEXT for a in (*node.iter("a"), *container.iter("a")))
    return False


def _ancestors(element: Element, page: _Page) -> Iterator[Element]:
    """Up to _MEDIA_REACH ancestors of element, within the article."""
    node = element.getparent()
    for _ in range(_MEDIA_REACH):
        if node is None or node is page.scope.getparent():
            return
        yield node
        node = node.getparent()


def _is_caption_element(element: Element) -> bool:
    return element.tag == "figcaption" or bool(_CAPTION_WORDS.search(_marks(element)))


def _outermost(elements: list[Element]) -> list[Element]:
    chosen = set(elements)
    return [e for e in elements if not any(a in chosen for a in e.iterancestors())]


def _story_column(page: _Page) -> frozenset[Element]:
    """The block holding most of the story's paragraph text, and its ancestors: a layout wrapper
    around the story's column ('layout-with-sidebar') is marked like furniture, but what stands in
    that column is the story's, so its credits are ours."""
    return _column_in(page.scope)


@lru_cache(maxsize=2)  # three credit rules ask for the same page's column
def _column_in(scope: Element) -> frozenset[Element]:
    weights: dict[Element, int] = {}
    for paragraph in scope.iter("p"):
        parent = paragraph.getparent()
        if parent is not None:
            weights[parent] = weights.get(parent, 0) + len(paragraph.text_content())
    if not weights:
        return frozenset()
    node: Element | None = max(weights, key=weights.__getitem__)
    column: set[Element] = set()
    while node is not None:
        column.add(node)
        node = node.getparent()
    return frozenset(column)


def _credit_chrome(page: _Page, element: Element, column: frozenset[Element]) -> bool:
    """Whether element lies in page furniture, a marked block around the story's column excepted."""
    node = element
    while node is not None:
        if node is page.scope:
            return False
        if node in page.chrome and node not in column:
            return True
        node = node.getparent()
    return False


def _figure_credits(page: _Page) -> list[_Credit]:
    """Credits of the article's images from the markup: credit elements (each read as a credit line,
    or microdata parts making one credit) with the caption beside them, and credit lines closing a
    caption element (figcaption, an element classed 'caption')."""
    marked: list[Element] = []
    captions: list[Element] = []
    column = _story_column(page)
    # The whole page, not only the article's region: the lead image often stands above it, in a
    # masthead. Page furniture (related stories, sidebars, footers) is still left out.
    body = page.root.find("body")
    for element in (page.scope if body is None else body).iter():
        if not isinstance(element.tag, str) or element.tag in _INVISIBLE_TAGS:
            continue
        # A 'caption__credit' is a credit: the credit's mark wins over the caption's.
        credit = _is_credit_element(element, page)
        if credit or _is_caption_element(element):
            if _credit_chrome(page, element, column):
                continue
            (marked if credit else captions).append(element)
    credit_elements: list[tuple[Element, str, list[creditlib.Credit]]] = []
    for element in _outermost(marked):
        text = _line(element)
        read = creditlib.parse(text) if len(text) <= _MAX_CREDIT_TEXT else []
        if not read and _is_caption_element(element):
            captions.append(element)  # a 'caption-and-credit' block that holds the caption too
        elif text and len(text) <= _MAX_CREDIT_TEXT:
            credit_elements.append((element, text, read))
            parent = element.getparent()
            if not read and parent is not None and parent[-1] is element and not (element.tail or "").strip():
                # A source element that reads as no credit ('AP2014') closing the caption it stands in:
                # the caption's own text may close with the credit ('… (AP Photo/Jane Doe)').
                captions.append(parent)
    skip = frozenset(e for e, _, _ in credit_elements)
    found: list[_Credit] = []
    slots: dict[Element, list[Element]] = {}
    for element, text, read in credit_elements:
        prop = (element.get("itemprop") or "").strip()
        whole = len(read) == 1 and read[0].photographer and read[0].agency  # 'Credit...Jane Doe/Reuters'
        if prop in _SLOT_PROPS and not _CREDIT_WORDS.search(_marks(element)) and not whole:
            container = _media_container(element, page)
            slots.setdefault(element if container is None else container, []).append(element)
            continue
        caption = _caption_beside(element, page, skip)
        read = [_linked_source(element, text, c) for c in read]
        found.extend(_Credit(c.value(caption), "figure-credit", "figure .credit", text) for c in read)
    for container, elements in slots.items():
        found.extend(_slot_credit(container, elements, page, skip))
    for element in _outermost([c for c in captions if c not in skip]):
        text = _line(element, skip)
        if len(text) > 2000:
            continue
        caption, read, evidence = _caption_credits(text)
        if not read:
            caption, read, evidence = _last_line_credits(_text(element, skip))
        if not read:
            caption, read, evidence = _first_line_credits(_text(element, skip))
        found.extend(_Credit(c.value(caption), "figcaption", "figcaption", evidence) for c in read)
    return found


def _last_line_credits(text: str) -> tuple[str, list[creditlib.Credit], str]:
    """A caption whose last line, after a line break, is a credit line and nothing else ('A street in
    Kyiv<br>Photo: Jane Doe'): joined, the caption's last words run into the label."""
    head, _, last = text.rpartition("\n")
    found = creditlib.find(last) if head and last else None
    if found is None or found.caption_end != 0:
        return creditlib.caption(" ".join(text.split())), [], ""
    evidence = last[found.credits[0].start : found.credits[-1].end]
    return creditlib.caption(" ".join(head.split())), [c.credit for c in found.credits], evidence


def _first_line_credits(text: str) -> tuple[str, list[creditlib.Credit], str]:
    """A caption whose first line, before a line break, is a labelled credit line and nothing else
    ('© Fox News<br>Sean Hannity interviews …'): a credit set over its caption. Without a label
    ('©', 'Photo:') a first line is the caption's own."""
    first, _, rest = text.strip().partition("\n")
    read = creditlib.parse(first, labelled=False) if first and rest.strip() and len(first) <= _MAX_CREDIT_TEXT else []
    if not read:
        return creditlib.caption(" ".join(text.split())), [], ""
    return creditlib.caption(" ".join(rest.split())), read, " ".join(first.split())


def _linked_source(element: Element, text: str, credit: creditlib.Credit) -> creditlib.Credit:
    """A bare name that is wholly a link to a document ('<cite><a href=https://x.org/reports/2019/air>Northwind
    Earth</a></cite>') names where a chart or image comes from, not who took it: an agency. A
    photographer's link goes to a home page or a profile page named after them."""
    if credit.agency or not credit.photographer:
        return credit
    links = [a for a in element.iter("a") if _line(a) == text]
    if len(links) != 1:
        return credit
    try:
        path = urlsplit((links[0].get("href") or "").strip()).path
    except ValueError:
        return credit
    steps = [step.lower() for step in path.split("/") if step]
    if len(steps) < 2 or all(word in steps[-1] for word in credit.photographer.lower().split()):
        return credit  # a home page, or a profile page named after the person ('/contributors/jane-doe')
    return creditlib.Credit(None, credit.photographer)


def _slot_credit(container: Element, elements: list[Element], page: _Page, skip: frozenset[Element]) -> list[_Credit]:
    """One credit from microdata parts: <span itemprop=creator>Jane Doe</span> / <span itemprop=copyrightHolder>."""
    slots: dict[str, str] = {}
    used: list[str] = []
    for element in elements:
        text = _line(element)
        slot = _SLOT_PROPS[(element.get("itemprop") or "").strip()]
        read = creditlib.parse(text)
        part = read[0].value().get(slot) if len(read) == 1 else None
        if part and slot not in slots and not _URLISH.search(part):
            slots[slot] = part
            used.append(text)
    if not slots:
        return []
    caption = _caption_beside(elements[0], page, skip)
    return [_Credit(_with_caption(slots, caption), "figure-itemprop", "figure [itemprop]", " | ".join(used))]


def _caption_beside(element: Element, page: _Page, skip: frozenset[Element]) -> str:
    """The caption of the image whose credit element is given: the caption element in (or around)
    the same container, without the credits."""
    node = element
    for _ in range(_MEDIA_REACH):
        node = node.getparent()
        if node is None or node is page.scope.getparent():
            return ""
        if _is_caption_element(node):
            return _caption_credits(_line(node, skip))[0]
        for candidate in node.iter():
            if candidate is element or not isinstance(candidate.tag, str) or not _is_caption_element(candidate):
                continue
            if candidate not in skip and not any(a in skip for a in candidate.iterancestors()):
                return _caption_credits(_line(candidate, skip))[0]
    return ""


def _text_credits(page: _Page) -> list[_Credit]:
    """Credit lines in the article's visible text, read by the rules the plain-text extractor
    applies to a line ('… on Monday. (AP Photo/Evan Vucci)', 'Main image credit: Getty'):
    captions the markup does not mark as such. Page furniture is left out."""
    column = _story_column(page)
    inside = frozenset(e for e in page.chrome if e not in column and _contains(page.scope, e))
    lines = _text(page.scope, inside).split("\n")
    cited = _cited_names(page)
    found: list[_Credit] = []
    for number, line in enumerate(lines):
        roles = False
        if number and creditlib.label_only(lines[number - 1]) and len(line) <= _MAX_CREDIT_TEXT:
            line = f"{lines[number - 1]} {line}"  # the label in its own block: '<dt>Photo:</dt><dd>Jane Doe</dd>'
        elif number and " | " in lines[number - 1] and len(line) <= _MAX_CREDIT_TEXT:
            # A line of roles broken after a label: 'Text by Jane Doe | Photography by' / 'John Roe | Produced by'.
            label = lines[number - 1].rpartition(" | ")[2]
            roles = creditlib.label_only(label)
            line = f"{label} {line}" if roles else line
        if not creditlib.may_hold(fold(line[-creditlib.MAX_CREDITS :])):
            continue
        read = creditlib.find(line)
        if read is None:
            continue
        caption = creditlib.caption(read.caption(line))
        if (
            not caption
            and number
            and not roles
            and len(lines[number - 1]) <= 300
            and not creditlib.find(lines[number - 1])
        ):
            caption = creditlib.caption(lines[number - 1])
        evidence = line[read.credits[0].start : read.credits[-1].end]
        if read.rule.startswith("credit-") and read.rule != "credit-label" and evidence.strip("()[] ") in cited:
            continue  # '… It's Complicated [<a href=…/news/articles/…>Northwind</a>]': a cited story's source
        found.extend(
            _Credit(c.credit.value(caption), f"text:{read.rule}", "article text", evidence) for c in read.credits
        )
    return found


def _cited_names(page: _Page) -> frozenset[str]:
    """The texts of the story's short links to documents (a path two steps deep or more): an
    unlabelled 'credit' that is such a link cites a source, it credits no photo."""
    names = set()
    for link in page.scope.iter("a"):
        text = _line(link)
        if not text or len(text) > 60:
            continue
        try:
            path = urlsplit((link.get("href") or "").strip()).path
        except ValueError:
            continue
        if len([step for step in path.split("/") if step]) >= 2:
            names.add(text)
    return frozenset(names)


# An image's attributes whose text may close with its credit ('… (AFP file photo)'). A `data-credit`
# is no such attribute: on real pages it credits a gallery's other photos as often as the story's.
_CAPTION_ATTRIBUTES = ("alt", "title", "data-caption")
_THUMBNAIL = 100  # pixels: an image this small (a headshot, an icon) has no credit of the story's


def _attribute_credits(page: _Page) -> list[_Credit]:
    """Credits written only in the lead image's attributes: its `alt`, `title` or `data-caption` text
    closing with a credit, read by the caption rules (an unlabelled credit must show a sign of one).
    The lead image is the one the page names as its image (og:image, by file name): other images'
    alt texts on real pages as often credit a video's poster, a hidden slide or a listed story's
    thumbnail. Images in links, small images and page furniture are left out."""
    leads = {_file_name(url) for url in page.og.get("og:image", []) + page.og.get("og:image:url", [])} - {""}
    if not leads:
        return []
    column = _story_column(page)
    found: list[_Credit] = []
    for image in page.scope.iter("img"):
        if _file_name(image.get("src") or "") not in leads:
            continue
        if _credit_chrome(page, image, column) or _inside(image, "a", page.scope) or _small(image):
            continue
        for name in _CAPTION_ATTRIBUTES:
            text = " ".join((image.get(name) or "").split())
            if not text or len(text) > 2000 or not creditlib.may_hold(fold(text[-creditlib.MAX_CREDITS :])):
                continue
            caption, read, evidence = _caption_credits(text)
            found.extend(_Credit(c.value(caption), f"attribute-{name}", f"img[{name}]", evidence) for c in read)
    return found


def _script_credits(page: _Page) -> list[_Credit]:
    """Credits of the article's images in its scripts' JSON (`archive.extract.common.scriptdata`),
    where the object naming this article (by its canonical URL or headline) holds them."""
    scripts = [
        script.text
        for script in page.root.iter("script")
        if script.text and not script.get("src") and (script.get("type") or "").strip().lower() != "application/ld+json"
    ]
    if not scripts:
        return []
    urls = page.og.get("og:url", []) + [link.get("href") or "" for link in page.root.xpath("//link[@rel='canonical']")]
    titles = page.og.get("og:title", []) + [_line(h1) for h1 in page.root.iter("h1")]
    titles += [_clean(article.get("headline")) for _, article in page.articles]
    return [
        _Credit(found.credit.value(found.caption), "script-data", f"script:{found.path}", found.evidence)
        for found in scriptdata.credits(scripts, urls, titles)
    ]


def _file_name(url: str) -> str:
    try:
        return urlsplit(url.strip()).path.rpartition("/")[2]
    except ValueError:
        return ""


def _small(element: Element) -> bool:
    for name in ("width", "height"):
        value = (element.get(name) or "").strip()
        if value.isdigit() and int(value) < _THUMBNAIL:
            return True
    return False


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


def _pair(value: dict[str, str]) -> tuple[str, str]:
    return _credit_key(value, "photographer"), _credit_key(value, "agency")


def _merge_credits(credits: Iterable[_Credit], extra: Iterable[_Credit] = ()) -> list[_Credit]:
    """The same credit found twice (JSON-LD and figcaption) once: a credit all of whose parts
    another has is dropped for it; credits that differ in any part are all kept. `extra` credits
    (read in the text) only add credits of a photographer and agency not found otherwise."""
    kept: list[_Credit] = []
    for credit in credits:
        if any(_subsumed(credit.value, k.value) for k in kept):
            continue
        kept = [k for k in kept if not _subsumed(k.value, credit.value)]
        kept.append(credit)
    pairs = {_pair(k.value) for k in kept}
    for credit in extra:
        if _pair(credit.value) not in pairs:
            pairs.add(_pair(credit.value))
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


def _credit_facts(page: _Page, credits: Iterable[_Credit], extra: Iterable[_Credit] = ()) -> list[Fact]:
    facts: list[Fact] = []
    for credit in _merge_credits(credits, extra):
        if creditlib.promotion(credit.value.get("caption", "")):
            continue  # the image of an advertisement ('Subscribe to our magazine')
        span = _span(page, credit.evidence) if credit.key in ("figcaption", "figure .credit", "article text") else None
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


def _home_page(page: _Page) -> bool:
    """Whether the page's canonical URL (or og:url) is its site's root: a front page, no article."""
    urls = [c.value for c in _urls(page)]
    return bool(urls) and all(urlsplit(url).path in ("", "/") and not urlsplit(url).query for url in urls)


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
    dropped = {element for element in drop if isinstance(element.tag, str)}
    view = deepcopy(page.root)
    # The copy has the original's nodes in the same document order: pair them in one walk (a path
    # per element, looked up in the copy, costs a pass over its siblings each: quadratic).
    targets = [copy for original, copy in zip(page.root.iter(), view.iter(), strict=True) if original in dropped]
    for element in targets:  # all found before any is removed
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


def extract(data: bytes, *, base_url: str | None = None, transport: str | None = None) -> Result:
    """What the HTML page in `data` says about itself, each fact with its evidence.

    `base_url` (where the page was fetched from) makes a relative canonical URL absolute;
    `transport` is the charset an HTTP Content-Type named, if one was recorded.
    Never raises: what could not be read is explained in the result's notes. Facts are
    ordered by field (as in FIELDS), then by source.
    """
    if len(data) > MAX_BYTES:
        return Result(NAME, VERSION, notes=(Note("not extracted", f"HTML larger than {MAX_BYTES} bytes"),))
    if not data.strip():
        return Result(NAME, VERSION, notes=(Note("not extracted", "empty document"),))
    notes: list[Note] = []
    try:
        facts = _extract(data, base_url, notes, transport)
    except Exception as exc:  # the last line of defence: a bug must not stop an ingest
        notes.append(Note("not extracted", f"html extractor failed: {type(exc).__name__}: {exc}"))
        facts = []
    ordered = sorted(facts, key=lambda f: FIELDS.index(f.field))  # stable: sources keep their order
    return Result(NAME, VERSION, tuple(ordered), tuple(notes))


def _extract(data: bytes, base_url: str | None, notes: list[Note], transport: str | None = None) -> list[Fact]:
    text, encoding = _decode(data, notes, transport)
    root = _parse(text, notes)
    if root is None:
        return []
    page = _Page(data, encoding, root, base_url, notes)
    _read_page(page)

    facts, outlet_keys = _outlets(page)
    dates = _dates(page)
    if not dates.published and (visible := _visible_text_date(page)):
        dates.published.append(visible)
    if not dates.published:
        _add_htmldate(page, dates)
    facts += _grouped("published", dates.published, _same_time, _most_precise)
    facts += _grouped("modified", dates.modified, _same_time, _most_precise)
    facts += _title(page, outlet_keys)
    facts += _authors(page, outlet_keys)
    facts += _grouped("url", _urls(page), str.__eq__, _first)
    facts += _grouped("language", _languages(page), _same_language, _longest)

    credits = [*_image_credits(page), *_figure_credits(page)]
    main_text = _main_text(page)
    text_facts = _text_facts(main_text) if main_text else []
    given = {f.field for f in facts}
    facts += [f for f in text_facts if f.field not in given and f.field != "credit"]
    found = _credit_facts(page, credits, [*_text_credits(page), *_attribute_credits(page)])
    facts += found or _credit_facts(page, _script_credits(page))
    return facts


_DATE_TEXT = 200_000  # characters of the visible text read for its date: far past any page's header


def _visible_text_date(page: _Page) -> _Cand | None:
    """Where the markup states no date, the one the page's visible text gives by the plain-text
    rules: a labelled date ('Published ...'), a date in the article's header or beside its byline
    ('Max Blumenthal / The Grayzone / Thu, 14 May 2020 17:55 UTC'), as printed, before htmldate's
    guess."""
    if _home_page(page):
        return None
    text = page.visible_text()
    if len(text) > _DATE_TEXT:  # the header and the story's start are read; the rest costs time only
        text = text[: text.rfind("\n", 0, _DATE_TEXT) + 1 or _DATE_TEXT]
    # A browser's copy sets blocks apart by blank lines, which the plain-text rules read as a
    # headline's or a date's line standing alone: one line per block here, so each is set apart.
    text = text.replace("\n", "\n\n")
    for e in _plaintext(text):
        if e.field == "published" and isinstance(e.value, str):
            return _Cand(e.value, f"text:{e.rule}", "visible text", e.evidence)
    return None


def _add_htmldate(page: _Page, dates: _Dates) -> None:
    """htmldate's date as `published`, unless it is the stated update's date (htmldate falls
    back to the modified date when no other is found)."""
    if _home_page(page):
        return  # a site's front page has no publication date; htmldate would give a story's
    found = _htmldate(page)
    if not found:
        return
    # The metadata's update only: htmldate's fallback reads metadata, and a printed update can share its day.
    modified_days = {w.day for c in dates.modified if not c.rule.startswith("printed") and (w := _when(c.value))}
    when = _when(found)
    if when is None or when.day in modified_days:
        return
    dates.published.append(_Cand(when.iso(), "htmldate", "htmldate", found))


def _extract_document(doc: Document) -> Result:
    """The extractor protocol's entry; the page's own charset declaration is read, not `doc.charset`.

    A media type with a charset parameter (a page inside a web archive, whose HTTP Content-Type
    was recorded) gives the transport layer's charset, which WHATWG reads before the page's own.
    """
    _, _, params = doc.media_type.partition(";")
    transport = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"'):
            transport = value.strip().strip('"')
    return extract(doc.read(MAX_BYTES), base_url=doc.url, transport=transport)


EXTRACTOR = FunctionExtractor(NAME, VERSION, MEDIA_TYPES, MAX_BYTES, _extract_document)
