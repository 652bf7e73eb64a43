"""The extractor protocol: what an extractor is given (a Document), what it declares, what it returns.

An extractor declares its name, version, the media types it reads and the largest document it
reads (`Extractor`), and answers a `Document` with a `Result`: facts with their evidence, and notes
on what it could not read. `archive.extract.registry` says which extractor reads which media type;
`archive.extract.dispatch` runs one.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from archive.errors import BadInputError


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


def result_to_json(result: Result) -> dict[str, Any]:
    """The Result as JSON data: what `dataclasses.asdict` gives, built directly (it is on the hot path
    of every ingest: asdict deep-copies every value)."""
    return {
        "name": result.name,
        "version": result.version,
        "facts": [
            {
                "field": f.field,
                "value": dict(f.value) if isinstance(f.value, dict) else f.value,
                "rule": f.rule,
                "evidence": f.evidence,
                "start": f.start,
                "end": f.end,
                "key": f.key,
            }
            for f in result.facts
        ],
        "notes": [{"note": n.note, "reason": n.reason} for n in result.notes],
    }


class NotARegularFileError(BadInputError):
    """A document's path is not a regular file (a directory, a FIFO that would block, a device)."""


class DocumentTooLargeError(BadInputError):
    """A document holds more bytes than its reader takes: it is stored, not read."""


@dataclass(frozen=True)
class Document:
    """What an extractor is given: the stored bytes (by path), what they were identified as."""

    path: Path
    media_type: str
    charset: str | None
    size: int
    url: str | None = None  # where the source was published, if known (base for links)

    def checked_path(self) -> Path:
        """The path, once it is known to be a regular file (for extractors that read it themselves).

        Raises NotARegularFileError, or OSError if it cannot be looked at.
        """
        if not stat.S_ISREG(os.stat(self.path).st_mode):
            raise NotARegularFileError(f"{self.path} is not a regular file")
        return self.path

    def read(self, limit: int) -> bytes:
        """The whole file, as stored.

        Raises DocumentTooLargeError if it holds more than `limit` bytes (checked before reading,
        and again while reading, should it grow), NotARegularFileError if it is not a regular file,
        and OSError if it cannot be read.
        """
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.path, flags)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise NotARegularFileError(f"{self.path} is not a regular file")
            file = open(fd, "rb")  # noqa: SIM115 (closed by the with below; fd is its from here)
        except BaseException:
            os.close(fd)
            raise
        with file:
            if info.st_size > limit:
                raise DocumentTooLargeError(f"{info.st_size} bytes, more than the {limit} this reader takes")
            # One byte more than the size shows a file that grew since; read on only then.
            data = file.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += file.read(limit + 1 - len(data))
            if len(data) > limit:
                raise DocumentTooLargeError(f"more than the {limit} bytes this reader takes (the file grew)")
            return data


@runtime_checkable
class Extractor(Protocol):
    """An extractor: its identity, what it reads, and how.

    `max_bytes` bounds what it reads: a larger document is stored, not read, and the dispatcher
    notes so. `extract` answers with a Result; bad input should be notes in it, but any exception
    is caught by the dispatcher and noted too. Time and memory are bounded by the process that
    runs the dispatcher, not by the extractor.
    """

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def media_types(self) -> frozenset[str]: ...

    @property
    def max_bytes(self) -> int: ...

    def extract(self, doc: Document) -> Result: ...


@dataclass(frozen=True)
class FunctionExtractor:
    """An Extractor made of its declarations and one function: what each module's EXTRACTOR is."""

    name: str
    version: str
    media_types: frozenset[str]
    max_bytes: int
    function: Callable[[Document], Result]

    def extract(self, doc: Document) -> Result:
        return self.function(doc)


def result_from_json(data: Mapping[str, Any]) -> Result:
    """A Result read back from its JSON form (`dataclasses.asdict`, through JSON or not).

    Checked field by field, since it comes from another process: raises BadInputError.
    """
    try:
        facts = tuple(_fact(item) for item in _items(data["facts"]))
        notes = tuple(Note(_text(item["note"]), _text(item["reason"])) for item in _items(data["notes"]))
        return Result(_text(data["name"]), _text(data["version"]), facts, notes)
    except (KeyError, TypeError, ValueError) as exc:
        raise BadInputError(f"not an extractor result: {type(exc).__name__}: {exc}") from exc


def _items(value: object) -> list[Mapping[str, Any]]:
    if not isinstance(value, list | tuple) or not all(isinstance(item, Mapping) for item in value):
        raise TypeError("expected a list of objects")
    return list(value)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _offset(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError(f"expected a byte offset, got {value!r}")
    return value


def _fact(item: Mapping[str, Any]) -> Fact:
    raw = item["value"]
    if isinstance(raw, Mapping):
        value: str | dict[str, str] = {_text(k): _text(v) for k, v in raw.items()}
    else:
        value = _text(raw)
    key = item.get("key")
    return Fact(
        _text(item["field"]),
        value,
        _text(item["rule"]),
        _text(item["evidence"]),
        _offset(item.get("start")),
        _offset(item.get("end")),
        None if key is None else _text(key),
    )
