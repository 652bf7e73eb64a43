"""Ingest: files in, one durable `ingest` entry per new object, capture sets related.

Two steps, so that bad input changes nothing: `plan` finds and checks every file and every value
(all problems of all files refused together, before a byte is copied), then `run` stores them in
batches. Per batch: copy and hash into staging, one syncfs, read the staged copies with the
extractors (in the bounded sandbox), one serialised transaction that appends an entry per new item,
then the objects move into place and another syncfs makes that durable.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive.core.body import Identified, IngestBody, ObjectFacts
from archive.core.digest import Digest
from archive.core.entry import format_time
from archive.core.item import Fold, IndexRow
from archive.core.problems import CODES
from archive.errors import BadInputError, UsageError, VaultError
from archive.extract.identify import libmagic_version
from archive.service.archive import Archive, asserted, hostname
from archive.service.extraction import Doc, Extracted, Extractors, failed, from_result
from archive.service.sidecar import Sidecar, load_sidecar
from archive.service.sources import Found, Source, collect, inspect_all
from archive.service.webcapture import Capture, is_web_archive
from archive.storage.objects import Staged, Stager

Values = dict[str, list[Any]]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class IngestRequest:
    """What to ingest and what a person says about it (everything `archive ingest` takes)."""

    paths: Sequence[Path | str]
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
    problems: tuple[str, ...] = ()  # damage found inside the file ("CODE: where"), recorded as notes

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "item": self.item,
            "name": self.name,
            "path": self.path,
            "status": self.status,
            "seq": self.seq,
            "size": self.size,
            "media_type": self.media_type,
        }
        if self.problems:
            out["problems"] = list(self.problems)
        return out


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


WORKER_STAGE_LIMIT = 64 << 20  # files up to this size are copied by the sandbox workers; larger by the writer


@dataclass(frozen=True)
class _Prepared:
    source: Source
    staged: Staged
    extracted: Extracted
    capture: Capture | None = None  # a web archive's record index and what its pages said


def run(
    archive: Archive,
    planned: Plan,
    extractors: Extractors,
    *,
    batch_size: int = 256,
) -> Iterator[list[IngestResult]]:
    """Store and record each source; yields each batch's results once it is durable.

    Three things overlap: the sandbox workers copy, hash and read files (on every core); this
    thread collects their answers into batches; a committer thread makes each batch durable (one
    syncfs), appends its entries in one transaction and moves the objects into place. Answers and
    batches are bounded queues, so memory stays flat however many files there are.
    """
    recorded = [0]  # files whose entries committed, for the error message if a later step fails
    try:
        yield from _run(archive, planned, extractors, batch_size, recorded)
    except (VaultError, OSError) as exc:
        # Out of space or inodes, most often: say what could not be written and what is recorded.
        if isinstance(exc, OSError):
            where = exc.filename or archive.vault.path
            exc = VaultError(f"cannot write to the vault at {where}: {exc.strerror or exc}")
        n = recorded[0]
        done = "nothing was recorded" if not n else f"{n} file{' was' if n == 1 else 's were'} recorded before it"
        raise VaultError(f"{exc}; {done}") from exc


def _run(
    archive: Archive, planned: Plan, extractors: Extractors, batch_size: int, recorded: list[int]
) -> Iterator[list[IngestResult]]:
    sources = planned.sources
    objects = archive.vault.objects

    def in_ledger(digest: str) -> bool:  # asked only after a failure, to clean up staging
        with archive.vault.ledger.read() as r:
            return bool(r.known_items([digest]))

    with objects.stager(in_ledger) as stager:
        committed: queue.Queue[tuple[list[IngestResult] | None, BaseException | None]] = queue.Queue()
        batches: queue.Queue[list[_Prepared] | None] = queue.Queue(maxsize=2)

        def committer() -> None:
            try:
                while (batch := batches.get()) is not None:
                    for prepared in batch:
                        objects.make_room(prepared.staged.digest.hex)
                    stager.sync()
                    # Where the objects live elsewhere (a bucket), they are durable there first.
                    objects.publish([prepared.staged for prepared in batch])
                    results, placements = _commit(archive, planned, batch)
                    recorded[0] += len(placements)
                    for digest, path in placements:
                        objects.place(path, digest)
                    for prepared in batch:
                        stager.discard(prepared.staged)
                        if prepared.capture is not None:
                            prepared.capture.discard()
                    if placements:
                        stager.sync()
                    committed.put((results, None))
            except BaseException as exc:  # handed to the ingesting thread, which raises it
                committed.put((None, exc))
            committed.put((None, None))

        thread = threading.Thread(target=committer, name="ingest-commit", daemon=True)
        thread.start()
        done = False
        try:
            batch: list[_Prepared] = []
            for prepared in _prepare(sources, stager, extractors):
                batch.append(prepared)
                if len(batch) >= batch_size:
                    _hand_over(batches, batch, thread)
                    batch = []
                    yield from _finished(committed, block=False)
            if batch:
                _hand_over(batches, batch, thread)
            # Not a blocking put: a committer that failed with the queue full would never take it.
            _stop(batches, thread)
            yield from _finished(committed, block=True)
            done = True
        except Exception:
            _stop(batches, thread)
            thread.join()
            # What the committer made durable before the failure is still reported, then the error.
            yield from _drained(committed)
            raise
        finally:
            if not done:
                _stop(batches, thread)
            thread.join()


def _hand_over(batches: queue.Queue[list[_Prepared] | None], batch: list[_Prepared], thread: threading.Thread) -> None:
    while thread.is_alive():
        try:
            batches.put(batch, timeout=0.5)
            return
        except queue.Full:
            continue
    # The committer stopped (it failed): its error comes out of `_finished`.


def _stop(batches: queue.Queue[list[_Prepared] | None], thread: threading.Thread) -> None:
    """Tell the committer no batch follows: it finishes what it holds, then stops (if it has not
    already stopped on an error, which `_finished` then raises)."""
    while thread.is_alive():
        try:
            batches.put(None, timeout=0.5)
            return
        except queue.Full:
            continue


def _finished(
    committed: queue.Queue[tuple[list[IngestResult] | None, BaseException | None]], *, block: bool
) -> Iterator[list[IngestResult]]:
    """Batches the committer has made durable; raises what it failed with."""
    while True:
        try:
            results, error = committed.get(block=block)
        except queue.Empty:
            return
        if error is not None:
            raise error
        if results is None:
            return
        yield results


def _drained(
    committed: queue.Queue[tuple[list[IngestResult] | None, BaseException | None]],
) -> Iterator[list[IngestResult]]:
    """The durable batches left in the queue once the committer has stopped (its error is dropped)."""
    while True:
        try:
            results, _ = committed.get_nowait()
        except queue.Empty:
            return
        if results is not None:
            yield results


def _prepare(sources: Sequence[Source], stager: Stager, extractors: Extractors) -> Iterator[_Prepared]:
    """Each source staged and read, in order: small files by the sandbox workers, large ones here."""

    def tasks() -> Iterator[dict[str, Any]]:
        for source in sources:
            small = source.size <= WORKER_STAGE_LIMIT
            yield {
                "source": str(source.path) if small else None,  # None: staged below, by the writer
                "stage": str(stager.dir),
                "media_type": source.media_type,
                "charset": source.charset,
            }

    answers = extractors.map("stage_and_extract", tasks())
    for prepared in _prepared(sources, answers, stager, extractors):
        if is_web_archive(prepared.source.media_type):
            yield _web_archive(prepared, stager, extractors)
        else:
            yield prepared


def _web_archive(prepared: _Prepared, stager: Stager, extractors: Extractors) -> _Prepared:
    """A staged WARC or WACZ indexed, and its pages and images read (`archive.service.webcapture`)."""
    from archive.service import webcapture

    capture = webcapture.read(prepared.staged.path, prepared.source.media_type, extractors, stager.dir)
    return _Prepared(prepared.source, prepared.staged, Extracted(capture.claims, capture.notes), capture)


def _prepared(
    sources: Sequence[Source], answers: Iterator[Any], stager: Stager, extractors: Extractors
) -> Iterator[_Prepared]:
    for source, answer in zip(sources, answers, strict=True):
        if source.size > WORKER_STAGE_LIMIT:
            staged = _stage(stager, source)
            doc = Doc(staged.path, source.media_type, source.charset, staged.size)
            yield _Prepared(source, staged, next(iter(extractors.run([doc]))))
            continue
        if answer.ok and isinstance(answer.value, dict):
            digest = Digest(str(answer.value["sha256"]))
            staged = Staged(digest, int(answer.value["size"]), stager.dir / digest.hex)
            _check_size(source, staged)
            yield _Prepared(source, staged, from_result(answer.value.get("result")))
        else:
            # The worker failed (a read error, or it ran over its time while reading the copy):
            # stage it here, where a read error is reported as such, and note the extraction.
            staged = _stage(stager, source)
            yield _Prepared(source, staged, failed(f"extraction failed: {answer.error}"))


def _commit(
    archive: Archive, planned: Plan, batch: Sequence[_Prepared]
) -> tuple[list[IngestResult], list[tuple[str, Path]]]:
    results: list[IngestResult] = []
    placements: list[tuple[str, Path]] = []
    ctx = archive.ctx
    host = ctx.host or hostname()
    with archive.write() as txn:
        known = txn.w.known_items([p.staged.digest.hex for p in batch])
        rows: list[IndexRow] = []
        real_dirs: dict[str, str] = {}
        fold = Fold()
        for prepared in batch:
            source, obj, found = prepared.source, prepared.staged, prepared.extracted
            digest = obj.digest.hex
            if digest in known:
                results.append(_result(source, obj, "exists", None))
                continue
            known.add(digest)
            now = ctx.clock()
            contents = prepared.capture.contents if prepared.capture is not None else None
            body = IngestBody(
                item=digest,
                object=ObjectFacts(digest, obj.size, source.media_type, source.charset, _identified(source), contents),
                acquisition=_acquisition(source, host, real_dirs),
                claims=tuple(asserted(planned.values_for(source), ctx.actor, format_time(now))) + found.claims,
                notes=found.notes,
            )
            sealed = txn.append("ingest", body, now)
            if prepared.capture is not None:
                txn.w.put_records(digest, prepared.capture.record_rows())
            assert txn.entry is not None
            fold.apply_body(txn.entry, body, sealed.hash)
            rows.append(fold.items[digest].index_row())
            found_problems = tuple(f"{n.note}: {n.reason}" for n in found.notes if n.note in CODES)
            results.append(_result(source, obj, "ingested", sealed.seq, found_problems))
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


def _acquisition(source: Source, host: str, real_dirs: dict[str, str]) -> dict[str, str]:
    modified = datetime.fromtimestamp(source.mtime_ns / 1e9, UTC)
    return {
        "method": "file-copy",
        "name": source.name,
        "path": _real_path(source.path, real_dirs),
        "host": host,
        "file_modified": format_time(modified),
    }


def _real_path(path: Path, real_dirs: dict[str, str]) -> str:
    """The absolute path with symbolic links resolved; each directory of a batch is resolved once."""
    if path.is_symlink():  # a file given directly may be a link (a directory's links are skipped)
        return str(path.resolve())
    directory = os.path.dirname(os.path.abspath(path))
    real = real_dirs.get(directory)
    if real is None:
        real = real_dirs[directory] = os.path.realpath(directory)
    return os.path.join(real, path.name)


def _stage(stager: Stager, source: Source) -> Staged:
    staged = stager.stage(source.path)
    _check_size(source, staged)
    return staged


def _check_size(source: Source, staged: Staged) -> None:
    if staged.size != source.size:
        raise BadInputError(f"{source.path}: changed while being ingested ({source.size} → {staged.size} bytes)")


def _result(source: Source, obj: Staged, status: str, seq: int | None, problems: tuple[str, ...] = ()) -> IngestResult:
    return IngestResult(
        obj.digest.hex, source.name, str(source.path), status, seq, obj.size, source.media_type, problems
    )
