"""Finding the files to ingest and checking each one before anything is written.

Every check that can refuse a file (missing, unreadable, empty, unidentified binary, text that is
not UTF-8) runs on all files first, so a bad file refuses the whole ingest and changes nothing.
"""

from __future__ import annotations

import codecs
import os
import stat
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from archive.core.digest import CHUNK
from archive.errors import BadInputError, NotFoundError
from archive.extract.media import HEAD_BYTES, MediaType, detect

UNIDENTIFIED = "application/octet-stream"


@dataclass(frozen=True)
class Source:
    """A file to ingest: where it is, the name it is recorded under, and what it was found to be."""

    path: Path
    name: str
    size: int
    mtime_ns: int
    media: MediaType


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def collect(paths: Sequence[Path]) -> tuple[list[tuple[Path, str]], int]:
    """Files named or found under directories, in a stable order, with their recorded names.

    Directories are walked recursively in NFC-sorted order; hidden entries (names starting with a
    dot) and symbolic links inside directories are skipped and counted. Names are NFC-normalised
    paths relative to the directory given, or the base name of a file given directly.
    """
    found: list[tuple[Path, str]] = []
    skipped = 0
    for given in paths:
        try:
            info = given.stat()
        except FileNotFoundError:
            raise NotFoundError(f"{given}: no such file or directory") from None
        except OSError as exc:
            raise BadInputError(f"{given}: {exc.strerror}") from None
        if stat.S_ISDIR(info.st_mode):
            files, hidden = _walk(given)
            found.extend(files)
            skipped += hidden
        elif stat.S_ISREG(info.st_mode):
            found.append((given, nfc(given.name)))
        else:
            raise BadInputError(f"{given}: not a regular file or directory")
    for path, _name in found:
        _require_utf8_name(path)
    return found, skipped


def _require_utf8_name(path: Path) -> None:
    """Names are recorded as text in the ledger: a path that is not UTF-8 cannot be, faithfully."""
    try:
        str(path.absolute()).encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(path).decode("utf-8", "backslashreplace")
        hint = "rename it (e.g. with convmv) and ingest again"
        raise BadInputError(f"{shown}: the file name is not UTF-8; {hint}") from None


def _walk(root: Path) -> tuple[list[tuple[Path, str]], int]:
    """Depth-first, each directory in NFC name order; iterative, so no depth is too deep."""
    files: list[tuple[Path, str]] = []
    skipped = 0
    stack: list[tuple[Iterator[os.DirEntry[str]], str]] = [(_sorted_entries(root), "")]
    while stack:
        entries, prefix = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        name = nfc(entry.name)
        if name.startswith(".") or entry.is_symlink():
            skipped += 1
        elif entry.is_dir(follow_symlinks=False):
            stack.append((_sorted_entries(Path(entry.path)), f"{prefix}{name}/"))
        elif entry.is_file(follow_symlinks=False):
            files.append((Path(entry.path), f"{prefix}{name}"))
        else:
            skipped += 1
    return files, skipped


def _sorted_entries(directory: Path) -> Iterator[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as listing:
            entries = list(listing)
    except OSError as exc:
        raise BadInputError(f"{directory}: cannot list directory: {exc.strerror}") from None
    return iter(sorted(entries, key=lambda e: nfc(e.name)))


def check_utf8(path: Path) -> None:
    """Raise BadInputError naming the byte offset where a text file stops being UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as f:
        while True:
            block = f.read(CHUNK)
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                raise BadInputError(
                    f"{path}: invalid UTF-8 at byte {offset - len(decoder.getstate()[0]) + exc.start}"
                    " (text sources must be UTF-8; convert it, or pass --raw to store it as is)"
                ) from None
            if not block:
                return
            offset += len(block)


def inspect(path: Path, name: str, *, raw: bool) -> Source:
    """Check one file and identify its media type; raises on anything that refuses it."""
    try:
        with path.open("rb") as f:
            info = os.fstat(f.fileno())
            head = f.read(HEAD_BYTES)
    except FileNotFoundError:
        raise NotFoundError(f"{path}: no such file") from None
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read: {exc.strerror}") from None
    if info.st_size == 0:
        raise BadInputError(f"{path}: empty file (0 bytes); nothing to archive")
    media = detect(head)
    if not raw:
        if media.mime == UNIDENTIFIED:
            raise BadInputError(f"{path}: binary data of no recognised type; pass --raw to store it as is")
        if media.mime.startswith("text/"):
            check_utf8(path)
    charset = media.charset if media.is_text else None
    return Source(path, name, info.st_size, info.st_mtime_ns, MediaType(media.mime, charset))


def inspect_all(files: Iterable[tuple[Path, str]], *, raw: bool, workers: int = 4) -> list[Source]:
    """Inspect files in parallel (libmagic and file reads release the GIL); order is kept."""
    items = list(files)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda pair: inspect(pair[0], pair[1], raw=raw), items))
