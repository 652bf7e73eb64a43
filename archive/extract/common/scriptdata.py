"""Photo credits in a page's script data: the JSON a script holds (a slideshow's slides, a CMS's page state).

Such a blob describes many stories besides this one (related stories, most-read lists, a home
page's bundles), so a credit is read only from the images of the object that names THIS article
(its headline, or its canonical URL), never from a nested object that is another story (its own
headline) or a list of them ('related', 'recirc', …). Credit texts are read by the shared credit
rules (`archive.extract.common.credits`); a credit key is a label, so 'Jane Doe' alone is a
photographer. The caller uses these only where the page's markup and text credit nothing.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from archive.extract.common import credits as creditlib

MAX_SCRIPT = 3_000_000  # characters: a script this large is a bundle of code, not a page's state
MAX_STARTS = 40  # places in one script where a JSON value may start ('= {', the script's start)
MAX_NODES = 200_000  # JSON values looked at on one page: the walk stays linear and bounded
MAX_TEXT = 300  # characters: a credit or caption value longer than this is something else

# Keys whose value names a story (its headline), and keys whose value is its address.
_HEADLINE_KEYS = frozenset(
    {"headline", "headlines", "hed", "dangeroushed", "promotionalheadline", "seoheadline", "seotitle"}
)
_URL_KEYS = frozenset({"url", "link", "canonical_url", "canonicalurl", "permalink", "weburl", "uri"})
# Keys whose value holds a photo's credit line; Arc-style {"by": [...], "affiliation": [...]} too.
_CREDIT_KEYS = frozenset({"credit", "credits", "credittext", "photocredit", "photocredits", "dangerouscredit"})
_CAPTION_KEYS = frozenset({"caption", "dangerouscaption"})
# Keys of lists of other stories (as page furniture is marked in the markup), and of the people
# who wrote the story (their portraits are no photos of the story's).
_OTHER_STORIES = re.compile(
    r"related|recirc|recommend|sidebar|popular|outbrain|taboola|newsletter|trending|author|contributor|byline", re.I
)
_ASSIGNMENT = re.compile(r"=\s*(?=[{\[])")
_TAG = re.compile(r"<[^>]{0,500}>")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class ScriptCredit:
    """A credit of one of the article's images in script data: the credit, its image's caption,
    where it was found (a path in the blob) and the text read."""

    credit: creditlib.Credit
    caption: str
    path: str
    evidence: str


def blobs(script: str) -> Iterator[Any]:
    """The JSON objects and arrays a script holds: the whole script, or a value assigned ('var
    data = {…}', 'window.state = [...]')."""
    if len(script) > MAX_SCRIPT:
        return
    stripped = script.lstrip()
    starts = [len(script) - len(stripped)] if stripped[:1] in ("{", "[") else []
    for match in _ASSIGNMENT.finditer(script):
        if len(starts) >= MAX_STARTS:
            break
        starts.append(match.end())
    end = 0
    for start in starts:
        if start < end:
            continue  # inside the value read before
        try:
            value, end = _DECODER.raw_decode(script, start)
        except (ValueError, RecursionError):
            continue
        if isinstance(value, dict | list):
            yield value


def url_key(url: str) -> str:
    """A URL as compared: no scheme, 'www.', query, fragment or closing slash, in lower case."""
    url = url.strip().lower()
    url = re.sub(r"^(?:https?:)?//(?:www\.)?", "", url)
    return re.split(r"[?#]", url, maxsplit=1)[0].rstrip("/")


def headline_key(text: str) -> str:
    return " ".join(html.unescape(text).split()).casefold()


def credits(scripts: Iterable[str], urls: Iterable[str], headlines: Iterable[str]) -> list[ScriptCredit]:
    """The credits of this article's images in the scripts' JSON. `urls` and `headlines` are the
    page's own (canonical URL, og:title, <h1>): an object is the article's if it states one of
    them. A URL without a path (a home page) or a headline of fewer than three words names nothing."""
    own_urls = {k for k in map(url_key, urls) if "/" in k}
    own_headlines = {k for k in map(headline_key, headlines) if len(k.split()) >= 3}
    if not own_urls and not own_headlines:
        return []
    walk = _Walk(own_urls, own_headlines)
    for script in scripts:
        for blob in blobs(script):
            walk.articles(blob, "")
    return walk.found


class _Walk:
    """One page's walk over its blobs, with a budget of values looked at."""

    def __init__(self, urls: set[str], headlines: set[str]) -> None:
        self.urls = urls
        self.headlines = headlines
        self.budget = MAX_NODES
        self.found: list[ScriptCredit] = []

    def _spend(self) -> bool:
        self.budget -= 1
        return self.budget > 0

    def _headline(self, node: dict[str, Any]) -> str | None:
        """The headline a story object states ({"headline": …}, {"headlines": {"basic": …}}), folded."""
        for key, value in node.items():
            if key.lower() not in _HEADLINE_KEYS:
                continue
            if isinstance(value, dict):
                value = next((v for v in value.values() if isinstance(v, str) and v.strip()), None)
            if isinstance(value, str) and value.strip() and len(value) <= MAX_TEXT:
                return headline_key(_TAG.sub("", value))
        return None

    def _ours(self, node: dict[str, Any]) -> bool:
        headline = self._headline(node)
        if headline is not None and headline in self.headlines:
            return True
        return any(
            key.lower() in _URL_KEYS and isinstance(value, str) and _short(value) and url_key(value) in self.urls
            for key, value in node.items()
        )

    def articles(self, value: Any, path: str) -> None:
        """Look for the article's objects in value; read the images of each one found."""
        stack: list[tuple[Any, str]] = [(value, path)]
        while stack and self._spend():
            node, where = stack.pop()
            if isinstance(node, dict):
                if self._ours(node):
                    self.images(node, where)
                    continue
                stack.extend(reversed([(v, f"{where}.{k}") for k, v in node.items() if isinstance(v, dict | list)]))
            elif isinstance(node, list):
                stack.extend(reversed([(v, f"{where}[{i}]") for i, v in enumerate(node) if isinstance(v, dict | list)]))

    def images(self, article: dict[str, Any], path: str) -> None:
        """The credited images inside the article's object (its own credits are its byline), leaving
        out other stories and lists of them."""
        stack: list[tuple[Any, str]] = [(article, path)]
        while stack and self._spend():
            node, where = stack.pop()
            if isinstance(node, list):
                stack.extend(reversed([(v, f"{where}[{i}]") for i, v in enumerate(node) if isinstance(v, dict | list)]))
                continue
            if not isinstance(node, dict):
                continue
            if node is not article:
                headline = self._headline(node)
                if headline is not None and headline not in self.headlines:
                    continue  # another story, with its own images
                self.found.extend(_image_credits(node, where))
            children = [
                (v, f"{where}.{k}")
                for k, v in node.items()
                if isinstance(v, dict | list) and k.lower() not in _CREDIT_KEYS and not _OTHER_STORIES.search(k)
            ]
            stack.extend(reversed(children))


def _text(value: object) -> str:
    """A string value, or the text of {"rendered": …} / {"basic": …}, without HTML; '' if none."""
    if isinstance(value, dict):
        value = next((v for v in value.values() if isinstance(v, str)), "")
    if not isinstance(value, str) or len(value) > 5 * MAX_TEXT:
        return ""
    return " ".join(html.unescape(_TAG.sub(" ", value)).split())


def _image_credits(node: dict[str, Any], path: str) -> list[ScriptCredit]:
    """The credits one image object states: its credit keys read as credit lines, else the
    credit closing its caption."""
    caption_text = next((_text(v) for k, v in node.items() if k.lower() in _CAPTION_KEYS and _text(v)), "")
    found: list[ScriptCredit] = []
    for key, value in node.items():
        if key.lower() not in _CREDIT_KEYS:
            continue
        where = f"{path}.{key}"
        if isinstance(value, dict):
            found.extend(_parts(value, where))
            continue
        text = _text(value)
        if text and len(text) <= MAX_TEXT:
            found.extend(ScriptCredit(c, "", where, text) for c in creditlib.parse(text))
    caption = caption_text
    if caption_text:
        read = creditlib.find(caption_text)
        if read is not None:
            caption = creditlib.caption(read.caption(caption_text))
            evidence = caption_text[read.credits[0].start : read.credits[-1].end]
            # The caption's credit line is the fuller one ('Photo by Jane Doe/Getty Images' beside a
            # credit key 'Getty Images'): a key's credit it completes gives way.
            whole = [ScriptCredit(c.credit, "", path, evidence) for c in read.credits]
            found = [f for f in found if not any(_completes(w.credit, f.credit) for w in whole)] + whole
        else:
            caption = creditlib.caption(caption_text)
    return [ScriptCredit(f.credit, caption, f.path, f.evidence) for f in found]


def _short(value: str) -> bool:
    return len(value) <= MAX_TEXT


def _completes(big: creditlib.Credit, small: creditlib.Credit) -> bool:
    """Whether big says all that small says, and more."""
    return big != small and small.photographer in (None, big.photographer) and small.agency in (None, big.agency)


def _parts(value: dict[str, Any], path: str) -> list[ScriptCredit]:
    """An Arc-style credit object: {"by": [{"name": "Jane Doe"}], "affiliation": [{"name": "Reuters"}]}."""
    names: dict[str, list[str]] = {}
    for slot in ("by", "affiliation"):
        people = value.get(slot)
        for person in people if isinstance(people, list) else []:
            name = _text(person.get("name")) if isinstance(person, dict) else _text(person)
            if name and len(name) <= MAX_TEXT:
                names.setdefault(slot, []).append(name)
    lines = [*names.get("by", []), *names.get("affiliation", [])]
    evidence = " | ".join(lines)
    # A whole credit line in one name ('Jane Doe | Getty Images') is read as one.
    for line in lines:
        read = creditlib.parse(line)
        if len(read) == 1 and read[0].photographer and read[0].agency:
            return [ScriptCredit(read[0], "", path, evidence)]
    photographer = agency = None
    for line in names.get("by", [])[:1]:
        read = creditlib.parse(line)
        if len(read) == 1:
            photographer, agency = read[0].photographer, read[0].agency
    for line in names.get("affiliation", [])[:1]:
        read = creditlib.parse(line)
        if len(read) == 1 and read[0].agency and read[0].agency != agency:
            agency = agency or read[0].agency
    if not photographer and not agency:
        return []
    return [ScriptCredit(creditlib.Credit(photographer, agency), "", path, evidence)]
