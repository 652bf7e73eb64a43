"""Ingest: files in, one durable `ingest` entry per new object, capture sets related.

Two steps, so that bad input changes nothing: `plan` finds and checks every file and every value
(all problems of all files refused together, before a byte is copied), then `run` stores them in
batches. Per batch: copy and hash into staging, one syncfs, read the staged copies with the
extractors (in the bounded sandbox), one serialised transaction that appends an entry per new item,
then the objects move into place and another syncfs makes that durable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive.core.body import Identified, IngestBody, ObjectFacts
from archive.core.entry import decode, format_time
from archive.core.item import Fold, IndexRow
from archive.errors import BadInputError, UsageError
from archive.extract.identify import libmagic_version
from archive.service.archive import Archive, asserted
from archive.service.extraction import Doc, Extracted, Extractors
from archive.service.sidecar import Sidecar, load_sidecar
from archive.service.sources import Found, Source, collect, inspect_all
from archive.storage.objects import Staged, Stager

Values = dict[str, list[Any]]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class IngestRequest:
    """What to ingest and what a person says about it (everything `archive ingest` takes)."""

    paths: Sequence[Path]
    values: Values = field(default_factory=dict)  # asserted for every file
    meta: Path | None = None  # a sidecar: values for every file and per file
    captures: Sequence[Path] = ()  # captures of the one source given (--with)
    exclude: Sequence[str] = ()
    raw: bool = False  # store unidentified or non-UTF-8 data as is
    batch_size: int = 256


@dataclass(frozen=True)
class IngestResult:
    """What happened to one file: a new item, or bytes the archive already holds."""

    item: str
    name: str
    path: str
    status: str  # "ingested" | "exists"
    seq: int | None
    size: int
    media_type: str

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "name": self.name,
            "path": self.path,
            "status": self.status,
            "seq": self.seq,
            "size": self.size,
            "media_type": self.media_type,
        }


@dataclass(frozen=True)
class RelateResult:
    item: str
    to: str
    relation: str
    seq: int
    new: bool

    def to_json(self) -> dict[str, Any]:
        return {"item": self.item, "to": self.to, "relation": self.relation, "seq": self.seq, "new": self.new}


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did: one result per file, the captures related, what the walk left out."""

    results: list[IngestResult]
    relations: list[RelateResult]
    found: Found

    @property
    def ingested(self) -> int:
        return sum(1 for r in self.results if r.status == "ingested")


@dataclass
class Plan:
    """Every file found and checked, and every value checked: ready to store."""

    sources: list[Source]  # the files, then the captures
    captures: int  # how many of `sources` (at the end) are captures of the first
    relations: list[str]  # per capture: what it is of the source
    found: Found
    sidecar: Sidecar
    values: Values

    def values_for(self, source: Source) -> Values:
        return {**self.sidecar.values_for(source.name), **self.values}


def capture_relation(capture: str, source: str) -> str:
    """What a capture given with --with is of its source, from its media type."""
    if capture.startswith("image/"):
        return "screenshot"
    if capture == "application/pdf":
        return "pdf-print"
    if capture in ("text/html", "application/xhtml+xml") and source != capture:
        return "html-source"
    raise UsageError(f"cannot tell what a {capture} capture is of a {source} source; ingest it, then `archive relate`")


def plan(request: IngestRequest, actor: str) -> Plan:
    """Find and check everything; raises (changing nothing) on the first kind of bad input found."""
    sidecar = load_sidecar(request.meta) if request.meta is not None else Sidecar({}, {})
    found = collect(request.paths, request.exclude)
    if request.captures and (len(found.files) != 1 or len(request.paths) != 1):
        raise UsageError("--with relates captures to one source: give exactly one PATH (a file)")
    captured = collect(request.captures)
    sources = inspect_all(found.files + captured.files, raw=request.raw)
    relations = [capture_relation(s.media_type, sources[0].media_type) for s in sources[len(found.files) :]]
    unused = sidecar.unused_names({s.name for s in sources})
    if unused:
        raise BadInputError(f"{request.meta}: names a file that is not being ingested: {unused[0]}")
    result = Plan(sources, len(captured.files), relations, found, sidecar, dict(request.values))
    for source in sources:  # every value is checked before a vault is created or touched
        asserted(result.values_for(source), actor, "-")
    return result


def run(
    archive: Archive,
    planned: Plan,
    extractors: Extractors,
    *,
    batch_size: int = 256,
    workers: int = 4,
) -> Iterator[list[IngestResult]]:
    """Store and record each source; yields each batch's results once it is durable."""
    sources = planned.sources
    objects = archive.vault.objects
    with objects.stager() as stager, ThreadPoolExecutor(max_workers=workers) as pool:
        for start in range(0, len(sources), batch_size):
            batch = sources[start : start + batch_size]
            staged = list(pool.map(lambda s: _stage(stager, s), batch))
            stager.sync()
            docs = [Doc(obj.path, s.media_type, s.charset, obj.size) for s, obj in zip(batch, staged, strict=True)]
            extracted = list(extractors.run(docs))
            results, placements = _commit(archive, planned, batch, staged, extracted)
            for digest, path in placements:
                objects.place(path, digest)
            for obj in staged:
                stager.discard(obj)
            if placements:
                stager.sync()
            yield results


def _commit(
    archive: Archive, planned: Plan, batch: Sequence[Source], staged: Sequence[Staged], extracted: Sequence[Extracted]
) -> tuple[list[IngestResult], list[tuple[str, Path]]]:
    results: list[IngestResult] = []
    placements: list[tuple[str, Path]] = []
    ctx = archive.ctx
    with archive.write() as txn:
        known = txn.w.known_items([obj.digest.hex for obj in staged])
        rows: list[IndexRow] = []
        fold = Fold()
        for source, obj, found in zip(batch, staged, extracted, strict=True):
            digest = obj.digest.hex
            if digest in known:
                results.append(_result(source, obj, "exists", None))
                continue
            known.add(digest)
            now = ctx.clock()
            body = IngestBody(
                item=digest,
                object=ObjectFacts(digest, obj.size, source.media_type, source.charset, _identified(source)),
                acquisition=_acquisition(source, ctx.host),
                claims=tuple(asserted(planned.values_for(source), ctx.actor, format_time(now))) + found.claims,
                notes=found.notes,
            )
            sealed = txn.append("ingest", body, now)
            fold.apply(decode(sealed.data), sealed.hash)
            rows.append(fold.items[digest].index_row())
            results.append(_result(source, obj, "ingested", sealed.seq))
            placements.append((digest, obj.path))
        txn.w.add_items(rows)
    return results, placements


def relate_captures(archive: Archive, planned: Plan, results: Sequence[IngestResult]) -> list[RelateResult]:
    """Record each capture's relation to the source it was ingested with (--with)."""
    if not planned.captures:
        return []
    first = len(results) - planned.captures
    source = results[0].item
    related = []
    for r, relation in zip(results[first:], planned.relations, strict=True):
        if r.item != source:
            sealed, new = archive.relate(r.item, source, relation)
            related.append(RelateResult(r.item, source, relation, sealed.seq, new))
    return related


def _identified(source: Source) -> Identified:
    found = source.identification
    signals = found.signals
    return Identified(
        by=found.decided_by,
        libmagic=signals.get("libmagic", ""),
        libmagic_rules=signals.get("libmagic_rules", ""),
        libmagic_version=libmagic_version(),
        sniff=signals.get("sniff", "not run"),
        name=signals.get("name", "unknown"),
    )


def _acquisition(source: Source, host: str) -> dict[str, str]:
    modified = datetime.fromtimestamp(source.mtime_ns / 1e9, UTC)
    return {
        "method": "file-copy",
        "name": source.name,
        "path": str(source.path.resolve()),
        "host": host,
        "file_modified": format_time(modified),
    }


def _stage(stager: Stager, source: Source) -> Staged:
    staged = stager.stage(source.path)
    if staged.size != source.size:
        raise BadInputError(f"{source.path}: changed while being ingested ({source.size} → {staged.size} bytes)")
    return staged


def _result(source: Source, obj: Staged, status: str, seq: int | None) -> IngestResult:
    return IngestResult(obj.digest.hex, source.name, str(source.path), status, seq, obj.size, source.media_type)
