"""Running the extractors at ingest: which extractor reads which media type, and the claims they make.

Extraction reads and never rewrites: it gets the stored bytes and returns claims, each with the
extractor's name and version, the rule that fired, the byte span and the quoted evidence. What
could not be extracted, and why, comes back as notes, so `show` can say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_TEXT_BYTES = 16 << 20  # plain-text extraction reads the whole text: bound it


@dataclass
class Extraction:
    claims: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)


def _plaintext(data: bytes) -> Extraction:
    from archive.extract import plaintext

    result = Extraction()
    for fact in plaintext.extract(data):
        result.claims.append(
            {
                "field": fact.field,
                "value": fact.value,
                "source": "extracted",
                "extractor": {"name": plaintext.NAME, "version": plaintext.VERSION},
                "rule": fact.rule,
                "span": [fact.start, fact.end],
                "evidence": fact.evidence,
            }
        )
    return result


def extract(path: Path, media_type: str, size: int) -> Extraction:
    """Claims from the bytes at `path` (an object as stored), for the media types we can read."""
    if media_type == "text/plain":
        if size > MAX_TEXT_BYTES:
            return Extraction(notes=[{"note": "not extracted", "reason": f"text larger than {MAX_TEXT_BYTES} bytes"}])
        try:
            return _plaintext(path.read_bytes())
        except (ValueError, RecursionError) as exc:
            return Extraction(notes=[{"note": "not extracted", "reason": f"plaintext extractor failed: {exc}"}])
    return Extraction(notes=[{"note": "no extractor", "reason": f"no extractor reads {media_type}"}])
