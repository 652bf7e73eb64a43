"""Extraction as the service sees it: documents in, claims and notes out, in order.

The extractors' own results (`archive.extract`) become the ledger's claims here, checked by the
same strict reader the fold uses, so a malformed fact from an extractor is a note, never a bad entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.core.claim import Claim, ExtractionNote
from archive.core.strict import RuleError


@dataclass(frozen=True)
class Doc:
    """A stored object to read: where its bytes are and what it was identified as."""

    path: Path
    media_type: str
    charset: str | None
    size: int
    url: str | None = None


@dataclass(frozen=True)
class Extracted:
    claims: tuple[Claim, ...] = ()
    notes: tuple[ExtractionNote, ...] = ()


def from_result(claims: Iterable[dict[str, Any]], notes: Iterable[dict[str, Any]]) -> Extracted:
    """Claims and notes from an extractor's answer (JSON-shaped); a malformed claim becomes a note."""
    good: list[Claim] = []
    said = [ExtractionNote(str(n.get("note", "")) or "note", str(n.get("reason", "")) or "-") for n in notes]
    for raw in claims:
        try:
            good.append(Claim.from_json(raw))
        except RuleError as exc:
            said.append(ExtractionNote("value dropped", f"an extractor gave a malformed value: {exc}"[:300]))
    return Extracted(tuple(good), tuple(said))


class Extractors:
    """Runs the extractors over documents (in a bounded sandbox); use as a context manager."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers

    def __enter__(self) -> Extractors:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, docs: Iterable[Doc]) -> Iterator[Extracted]:
        from archive.extract.run import extract

        for doc in docs:
            result = extract(doc.path, doc.media_type, doc.size, doc.url)
            yield from_result(result.claims, result.notes)

    def close(self) -> None:
        pass
