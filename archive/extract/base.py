"""What every extractor returns: facts with their evidence, and notes on what it could not read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fact:
    """One value of one field, with where in the source it was found.

    Evidence is either a byte span of the original bytes (`start`, `end`, with `evidence` exactly
    those bytes decoded as UTF-8) or a metadata key (`key`, e.g. "og:site_name",
    "jsonld:NewsArticle.datePublished", "XMP-dc:Creator", "pdf:/Author", with `evidence` the value
    as found there). `rule` names the rule that fired.
    """

    field: str  # outlet, published, modified, published_not_before, created, title, author, credit, url, language
    value: str | dict[str, str]  # a dict only for "credit": photographer / agency / caption
    rule: str
    evidence: str
    start: int | None = None
    end: int | None = None
    key: str | None = None


@dataclass(frozen=True)
class Note:
    """Something an extractor could not do, and why (shown by `show`, recorded in the ledger)."""

    note: str
    reason: str


@dataclass(frozen=True)
class Result:
    """An extractor's whole answer: its identity, its facts, its notes."""

    name: str
    version: str
    facts: tuple[Fact, ...] = ()
    notes: tuple[Note, ...] = ()
