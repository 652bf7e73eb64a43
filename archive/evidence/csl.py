"""CSL-JSON records for items: the data a CSL processor turns into citations. Pure.

Evidence citations name the archived copy: the record carries the archive (the vault's origin)
and the copy's location in it (its SHA-256 and the date it was archived). Where the outlet or the
date is unknown the field is left out, so the styles print what their guides say ("n.d."), never
an invented value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from archive.core.item import Item
from archive.core.names import is_organisation
from archive.core.resolve import current_values

_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_PARTICLES = {
    "de",
    "del",
    "della",
    "der",
    "di",
    "du",
    "la",
    "le",
    "van",
    "von",
    "da",
    "dos",
    "bin",
    "ibn",
    "al",
}


def _typographic(text: str) -> str:
    # CSL reads straight quotes as quotation marks; an apostrophe inside a word is not one.
    return _APOSTROPHE.sub("\u2019", text)


def person(name: str) -> dict[str, str]:
    """'Jane Q. Doe' → family Doe, given Jane Q.; a single word or an organisation stays literal."""
    parts = name.split()
    if len(parts) < 2 or is_organisation(name):
        return {"literal": name}
    suffix = ""
    if parts[-1].lower().strip(",") in _SUFFIXES and len(parts) > 2:
        suffix = parts.pop().strip(",")
        parts[-1] = parts[-1].rstrip(",")
    family_start = len(parts) - 1
    while family_start > 1 and parts[family_start - 1].lower() in _PARTICLES:
        family_start -= 1
    record = {"family": " ".join(parts[family_start:]), "given": " ".join(parts[:family_start])}
    if suffix:
        record["suffix"] = suffix
    return record


def date_parts(value: str) -> list[int] | None:
    """'2022-03-23' (or a prefix of it, or an RFC 3339 date-time) → [2022, 3, 23]."""
    match = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if match is None:
        return None
    return [int(g) for g in match.groups() if g is not None]


WEB_ARCHIVES = ("application/warc", "application/wacz")


def csl_type(media_type: str) -> str:
    if media_type.startswith("image/"):
        return "graphic"
    if media_type == "application/pdf" or media_type in WEB_ARCHIVES:
        return "document"
    return "article-newspaper"


def _photographers(credits: list[Any]) -> list[str]:
    names = [str(c["photographer"]) for c in credits if isinstance(c, dict) and c.get("photographer")]
    return list(dict.fromkeys(names))


def untitled(media_type: str, photographers: list[str]) -> str:
    """The bracketed description APA gives a work without a title: '[Photograph by Jane Doe]'."""
    if media_type.startswith("image/"):
        return f"[Photograph by {' and '.join(photographers)}]" if photographers else "[Photograph]"
    if media_type in ("text/html", "application/xhtml+xml"):
        return "[Web page]"
    if media_type == "application/pdf":
        return "[Document]"
    if media_type in WEB_ARCHIVES:
        return "[Web archive]"
    return "[Text]"


def csl_record(state: Item, origin: str, page: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The CSL-JSON record for an item, from its current metadata; with `page` (a record row), for
    that page of a web archive item, cited as an archived web copy (its capture, not the ingest,
    dates the copy)."""
    part = str(page["part"]) if page is not None else None
    current = state.current() if page is None else current_values(state.page_fields(page))
    media_type = state.object.media_type if part is None else "text/html"
    record: dict[str, Any] = {"id": state.id if part is None else f"{state.id}#{part}", "type": csl_type(media_type)}
    photographers = _photographers(current.get("credit") or [])
    authors = [str(a) for a in current.get("author") or []]
    if not authors and media_type.startswith("image/"):
        authors = photographers  # a photograph's author is who took it
    # APA's rule for a work without a title: describe it in square brackets (never by the file
    # name it happened to have on the archivist's disk).
    record["title"] = _typographic(str(current.get("title") or untitled(media_type, photographers)))
    if current.get("outlet"):
        record["container-title"] = str(current["outlet"])
    if authors:
        record["author"] = [person(a) for a in authors]
    when = current.get("published") or (current.get("created") if media_type.startswith("image/") else None)
    issued = date_parts(str(when)) if when else None
    if issued:
        record["issued"] = {"date-parts": [issued]}
    # A saved copy was accessed when it was captured, where that is known; else when it was archived.
    captured = str(current["captured"]) if current.get("captured") else None
    if current.get("url"):
        record["URL"] = str(current["url"])
        accessed = date_parts(captured or state.archived.at)
        if accessed:
            record["accessed"] = {"date-parts": [accessed]}
    if current.get("language"):
        record["language"] = str(current["language"])
    record["archive"] = f"Evidence archive {origin}"
    if part is None:
        record["archive_location"] = f"SHA-256 {state.id}, archived {state.archived.at[:10]}"
    else:
        # A web copy is dated by its capture (WARC-Date), never by when the file reached the archive.
        on = f", archived on {captured[:10]}" if captured else ""
        record["archive_location"] = f"SHA-256 {state.id}, record {part}{on}"
    return record
