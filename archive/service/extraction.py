"""Extraction as the service sees it: documents in, claims and notes out, in order.

The extractors' own results (`archive.extract`) become the ledger's claims here, checked by the
same strict reader the fold uses, so a malformed fact from an extractor is a note, never a bad entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive.core.claim import Claim, ExtractionNote
from archive.core.strict import RuleError

if TYPE_CHECKING:
    from archive.sandbox import Answer, Pool

SECONDS = 60.0  # one document's wall-time limit
MEMORY = 2 << 30  # one worker's address-space limit


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


def _claim(fact: dict[str, Any], name: str, version: str) -> dict[str, Any]:
    claim: dict[str, Any] = {
        "field": fact.get("field"),
        "value": fact.get("value"),
        "source": "extracted",
        "extractor": {"name": name, "version": version},
        "rule": fact.get("rule"),
        "evidence": fact.get("evidence"),
    }
    if fact.get("start") is not None and fact.get("end") is not None:
        claim["span"] = [fact["start"], fact["end"]]
    if fact.get("key") is not None:
        claim["key"] = fact["key"]
    return claim


def from_result(result: Any) -> Extracted:
    """Claims and notes from an extractor's Result as JSON data; anything malformed becomes a note."""
    if not isinstance(result, dict):
        return Extracted(notes=(ExtractionNote("not extracted", "the extractor gave no readable answer"),))
    notes: list[ExtractionNote] = []
    for n in result.get("notes") or []:
        try:
            notes.append(ExtractionNote.from_json({"note": n.get("note"), "reason": n.get("reason")}))
        except (RuleError, AttributeError):
            notes.append(ExtractionNote("note", "an extractor gave a malformed note"))
    claims: list[Claim] = []
    name, version = str(result.get("name") or ""), str(result.get("version") or "")
    for fact in result.get("facts") or []:
        try:
            claims.append(Claim.from_json(_claim(fact, name, version)))
        except (RuleError, AttributeError) as exc:
            notes.append(ExtractionNote("value dropped", f"{name} gave a malformed value: {exc}"[:300]))
    return Extracted(tuple(claims), tuple(notes))


def failed(reason: str) -> Extracted:
    return Extracted(notes=(ExtractionNote("not extracted", reason[:300]),))


class Extractors:
    """Runs the extractors over documents in the bounded sandbox: a pool of worker processes, one
    time limit and one memory limit per document. Use as a context manager (it reaps the workers)."""

    def __init__(self, workers: int | None = None, *, seconds: float = SECONDS, memory: int = MEMORY) -> None:
        self.workers = workers
        self.seconds = seconds
        self.memory = memory
        self._pool: Pool | None = None

    def __enter__(self) -> Extractors:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def map(self, task: str, args: Iterable[dict[str, Any]]) -> Iterator[Answer]:
        """Answers of one task of `archive.service.tasks` per argument set, in order, streamed."""
        if self._pool is None:
            from archive.sandbox import Pool

            self._pool = Pool("archive.service.tasks", self.workers, seconds=self.seconds, memory=self.memory)
        return self._pool.map(task, args)

    def run(self, docs: Iterable[Doc]) -> Iterator[Extracted]:
        """One result per document, in order, streamed."""
        tasks = (
            {"path": str(d.path), "media_type": d.media_type, "charset": d.charset, "size": d.size, "url": d.url}
            for d in docs
        )
        for answer in self.map("extract", tasks):
            yield from_result(answer.value) if answer.ok else failed(f"extraction failed: {answer.error}")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
