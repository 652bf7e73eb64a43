"""Finding the files to ingest and checking every one of them before anything is written.

`collect` walks the paths given (skipping hidden entries, links, excluded names and anything that
is a vault or inside one) and `inspect_all` checks each file (a regular file, readable, not empty,
a UTF-8 name, a recognised type, not a private key; text not in UTF-8 gets the encoding its
format decides as its charset): every problem of every file is gathered and refused in one error,
one line per file, before a byte is copied.
"""

from __future__ import annotations

import codecs
import fnmatch
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from archive.core.digest import CHUNK
from archive.errors import BadInputError, NotFoundError
from archive.extract.common.encoding import DETECT_BYTES, decide
from archive.extract.identify import HEAD_BYTES, UNIDENTIFIED, Identification, identify

VAULT_MARKER = "VAULT.json"
MAX_LISTED = 20  # problems named in a refusal; the rest are counted
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


TEXT_TYPES = frozenset({"application/json", "application/xml", "application/xhtml+xml", "image/svg+xml"})


@dataclass(frozen=True)
class Source:
    """A file to ingest: where it is, the name it is recorded under, and what it was found to be."""

    path: Path
    name: str
    size: int
    mtime_ns: int
    identification: Identification

    @property
    def media_type(self) -> str:
        return self.identification.media_type

    @property
    def charset(self) -> str | None:
        """The charset, for text types only (a binary format's charset says nothing)."""
        ident = self.identification
        text = ident.media_type.startswith("text/") or ident.media_type in TEXT_TYPES
        return ident.charset if text else None


@dataclass
class Found:
    """What a walk found: files with their recorded names, and what it left out (and why)."""

    files: list[tuple[Path, str]] = field(default_factory=list)
    skipped: int = 0  # hidden entries, links, special files
    excluded: int = 0  # matched an --exclude pattern
    vaults: list[str] = field(default_factory=list)  # vault directories left out


class BadFilesError(BadInputError):
    """Files that cannot be ingested, each with why; nothing was written."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = list(problems)
        if len(self.problems) == 1:
            path, why = self.problems[0]
            super().__init__(f"{shown_path(path)}: {why} (nothing was written)")
            return
        lines = [f"  {shown_path(path)}: {why}" for path, why in self.problems[:MAX_LISTED]]
        if len(self.problems) > MAX_LISTED:
            lines.append(f"  ... and {len(self.problems) - MAX_LISTED} more")
        head = f"{len(self.problems)} files cannot be ingested (nothing was written; fix or --exclude them):"
        super().__init__(head + "\n" + "\n".join(lines))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def shown_path(path: str | Path) -> str:
    """A path as it may be printed: undecodable bytes and control characters escaped."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _excluded(patterns: Sequence[str], name: str) -> bool:
    """Whether a recorded name (a relative path) matches an --exclude pattern.

    A pattern without "/" matches any one component (`*.log`, `drafts`); a pattern with "/"
    matches the whole relative path (`notes/*.txt`). Matching is case-sensitive, as file names are.
    """
    parts = name.split("/")
    for pattern in patterns:
        bare = pattern.rstrip("/")
        if "/" in bare:
            if fnmatch.fnmatchcase(name, bare) or any(
                fnmatch.fnmatchcase("/".join(parts[:i]), bare) for i in range(1, len(parts))
            ):
                return True
        elif any(fnmatch.fnmatchcase(part, bare) for part in parts):
            return True
    return False


def collect(paths: Sequence[Path | str], exclude: Sequence[str] = ()) -> Found:
    """Files named or found under directories, in a stable order, with their recorded names.

    Directories are walked in NFC-sorted order; hidden entries (names starting with a dot),
    symbolic links and special files inside them are skipped and counted, and so is every vault
    (a directory holding a VAULT.json marker: its objects and keys are never evidence). Names are
    NFC-normalised paths relative to the directory given, or the base name of a file given
    directly. A path that does not exist, or that is a vault, is an error; so is a URL, with advice.
    """
    found = Found()
    problems: list[tuple[str, str]] = []
    for named in paths:
        given = Path(named)
        try:
            info = given.stat()
        except FileNotFoundError:
            if _URL.match(str(named)):  # as typed: a Path would collapse "https://" to "https:/"
                raise BadInputError(
                    f"{shown_path(str(named))}: archive ingests files you have saved, not URLs: save the page "
                    "first (your browser's Save Page As, `curl -o page.html URL`, or a capture tool's WARC/"
                    "WACZ), then `archive ingest page.html --url URL`"
                ) from None
            problems.append((str(given), "no such file or directory"))
            continue
        except OSError as exc:
            problems.append((str(given), exc.strerror or str(exc)))
            continue
        if stat.S_ISDIR(info.st_mode):
            if (given / VAULT_MARKER).exists() or _inside_vault(given):
                problems.append((str(given), "is an archive vault or inside one; vaults are never ingested"))
                continue
            _walk(given, exclude, found)
        elif stat.S_ISREG(info.st_mode):
            if _inside_vault(given.parent):
                problems.append((str(given), "is inside an archive vault; vaults are never ingested"))
                continue
            found.files.append((given, nfc(given.name)))
        else:
            problems.append((str(given), "not a regular file or directory"))
    for path, _name in found.files:
        try:
            str(path.absolute()).encode("utf-8")
        except UnicodeEncodeError:
            problems.append((str(path), "the file name is not UTF-8 (rename it, e.g. with convmv)"))
    if problems:
        if all(why == "no such file or directory" for _, why in problems) and len(problems) == 1:
            raise NotFoundError(f"{shown_path(problems[0][0])}: no such file or directory")
        raise BadFilesError(problems)
    return found


def _inside_vault(directory: Path) -> bool:
    """Whether `directory` is a vault or lies inside one (its objects/, keys/, tmp/)."""
    try:
        resolved = directory.resolve()
    except OSError:
        return False
    return any((parent / VAULT_MARKER).is_file() for parent in (resolved, *resolved.parents))


def _walk(root: Path, exclude: Sequence[str], found: Found) -> None:
    """Depth-first, each directory in NFC name order; iterative, so no depth is too deep."""
    stack: list[tuple[Iterator[os.DirEntry[str]], str]] = [(_sorted_entries(root), "")]
    while stack:
        entries, prefix = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        name = nfc(entry.name)
        rel = f"{prefix}{name}"
        if name.startswith(".") or entry.is_symlink():
            found.skipped += 1
        elif exclude and _excluded(exclude, rel):
            found.excluded += 1
        elif entry.is_dir(follow_symlinks=False):
            if os.path.exists(os.path.join(entry.path, VAULT_MARKER)):
                found.vaults.append(rel)
                continue
            stack.append((_sorted_entries(Path(entry.path)), f"{rel}/"))
        elif entry.is_file(follow_symlinks=False):
            found.files.append((Path(entry.path), rel))
        else:
            found.skipped += 1  # a FIFO, socket or device is never opened


def _sorted_entries(directory: Path) -> Iterator[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as listing:
            entries = list(listing)
    except OSError as exc:
        raise BadInputError(f"{shown_path(directory)}: cannot list directory: {exc.strerror}") from None
    return iter(sorted(entries, key=lambda e: nfc(e.name)))


HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def _is_utf8(fd: int, head: bytes) -> bool:
    """Whether the whole file (its first bytes `head`, the rest read from `fd`) is valid UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    block = head
    while True:
        try:
            decoder.decode(block, final=not block)
        except UnicodeDecodeError:
            return False
        if not block:
            return True
        block = os.read(fd, CHUNK)


# A file that starts with private key material (PEM, OpenSSH, PuTTY, PGP) is refused, --raw or not:
# objects are readable by anyone who can read the vault, and manifests and exports carry them on.
_PRIVATE_KEY = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|PuTTY-User-Key-File-\d+:)"
)
PRIVATE_KEY_REFUSAL = (
    "is a private key; private keys are never ingested (they would be readable by anyone who can read "
    "the vault, and travel on in manifests and exports)"
)


def is_private_key(head: bytes) -> bool:
    """Whether a file's first bytes are the start of private key material."""
    return _PRIVATE_KEY.match(head) is not None


def inspect(path: Path, name: str, *, raw: bool) -> Source | str:
    """Check one file and identify its media type: a Source, or why the file is refused."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return "no such file (removed since it was listed)"
    except OSError as exc:
        return f"cannot read: {exc.strerror}"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"
        if info.st_size == 0:
            return "empty file (0 bytes); nothing to archive"
        head = os.read(fd, HEAD_BYTES)
        if is_private_key(head):
            return PRIVATE_KEY_REFUSAL
        found = identify(head, name)
        if found.media_type in _MAY_BE_WEB_ARCHIVE and head.startswith(_WEB_ARCHIVE_MAGIC):
            found = _web_archive(path, found)
        if not raw and found.media_type == UNIDENTIFIED:
            return "binary data of no recognised type (pass --raw to store it as is)"
        if found.media_type.startswith("text/") and not _is_utf8(fd, head):
            # Stored as it is, like every source; read for extraction in the encoding its
            # format's rules decide, which is what the object's charset records.
            sample = os.pread(fd, DETECT_BYTES, 0)
            decoding = decide(sample, html=found.media_type in HTML_TYPES, utf8=False)
            found = replace(found, charset=decoding.encoding if decoding else None)
    except OSError as exc:
        return f"cannot read: {exc.strerror}"
    finally:
        os.close(fd)
    return Source(path, name, info.st_size, info.st_mtime_ns, found)


# What libmagic calls a WARC (plain: text or its own type; compressed: gzip) or a WACZ (zip).
_MAY_BE_WEB_ARCHIVE = frozenset(
    {"application/warc", "application/gzip", "application/x-gzip", "application/zip", "text/plain", UNIDENTIFIED}
)
_WEB_ARCHIVE_MAGIC = (b"WARC/", b"\x1f\x8b", b"PK\x03\x04")  # a WARC, a gzip member, a zip's first entry


def _web_archive(path: Path, found: Identification) -> Identification:
    """A WARC or WACZ is recognised by its structure (`archive.webarchive.detect`), which decides."""
    from archive.webarchive.detect import sniff

    media_type = sniff(path)
    if media_type is None:
        return found
    return replace(found, media_type=media_type, charset=None, decided_by="structure")


def inspect_all(files: Iterable[tuple[Path, str]], *, raw: bool, workers: int = 4) -> list[Source]:
    """Inspect files in parallel (order kept); raises BadFiles naming every file refused."""
    items = list(files)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda pair: inspect(pair[0], pair[1], raw=raw), items))
    problems = [(str(path), r) for (path, _), r in zip(items, results, strict=True) if isinstance(r, str)]
    if problems:
        raise BadFilesError(problems)
    return [r for r in results if isinstance(r, Source)]
