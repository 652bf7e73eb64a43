"""WACZ packages (WACZ 1.1.1): what a package says of itself, its members checked against their listed
hashes, and the records of its WARCs (or of a bare WARC), streaming.

Zip members are read with limits: the central directory is bounded before it is parsed, a member
may not claim to decompress far beyond its compressed size, and JSON members have size caps.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from archive.errors import BadInputError
from archive.webarchive.records import Indexed, Problem, Record
from archive.webarchive.warc import Readable, iter_warc, open_regular, record_content

WARC = "application/warc"
WACZ = "application/wacz"
DATAPACKAGE = "datapackage.json"
DATAPACKAGE_DIGEST = "datapackage-digest.json"
PAGES = ("pages/pages.jsonl", "pages/extraPages.jsonl")
MAX_CENTRAL_DIRECTORY = 64 << 20
MAX_MEMBERS = 100_000  # zip entries (each a ZipInfo in memory: about 0.5 KB)
MAX_JSON = 16 << 20  # datapackage.json
MAX_DIGEST_JSON = 1 << 20  # datapackage-digest.json
MAX_RATIO = 200  # a deflated member may not claim more than this many times its compressed size ...
RATIO_SLACK = 64 << 20  # ... beyond this much
MAX_PAGES = 50_000  # pages kept from the pages files, all told
MAX_PAGE_LINE = 8 << 20  # a pages line (it may hold the page's full text)
CHUNK = 1 << 20


@dataclass(frozen=True)
class Page:
    """A line of pages/pages.jsonl (or pages/extraPages.jsonl, then extra is True)."""

    url: str
    ts: str | None
    title: str | None
    id: str | None
    extra: bool = False


@dataclass(frozen=True)
class Package:
    """What a WACZ says of itself (datapackage.json, its pages), and what is wrong with its members."""

    wacz_version: str | None
    software: str | None
    created: str | None
    title: str | None
    description: str | None
    pages: tuple[Page, ...]
    warcs: tuple[str, ...]  # member paths of its WARC files, in datapackage order
    resources: tuple[tuple[str, str | None, int | None], ...]  # (path, hash as written, bytes) as listed
    datapackage: bytes | None  # raw bytes of datapackage.json
    datapackage_digest: bytes | None  # raw bytes of datapackage-digest.json
    problems: tuple[Problem, ...]
    main_page_url: str | None = None  # mainPageURL
    main_page_date: str | None = None  # mainPageDate


# The zip -----------------------------------------------------------------------------------------

# What zipfile and zlib raise on bytes that are not what they should be.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError)


def _central_directory(f: IO[bytes], size: int) -> tuple[int, int] | None:
    """(size, entries) of the zip's central directory from its end records, or None if there is none."""
    tail_len = min(size, 22 + 0xFFFF + 20)
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    i = tail.rfind(b"PK\x05\x06")
    if i < 0 or len(tail) - i < 22:
        return None
    _, _, _, entries, cd_size, cd_offset, _ = struct.unpack("<HHHHIIH", tail[i + 4 : i + 22])
    if (entries == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF) and i >= 20:
        locator = tail[i - 20 : i]
        if locator[:4] == b"PK\x06\x07":
            (where,) = struct.unpack("<Q", locator[8:16])
            if where < size:
                f.seek(where)
                record = f.read(56)
                if record[:4] == b"PK\x06\x06" and len(record) == 56:
                    entries, cd_size = struct.unpack("<QQ", record[32:48])
    return cd_size, entries


def open_zip(f: IO[bytes], what: str) -> zipfile.ZipFile:
    """The zip in f, once its central directory is known to be of bounded size; BadInputError if none."""
    try:
        size = os.fstat(f.fileno()).st_size
        found = _central_directory(f, size)
        if found is None:
            raise BadInputError(f"{what}: not a zip file")
        cd_size, entries = found
        if cd_size > MAX_CENTRAL_DIRECTORY or entries > MAX_MEMBERS:
            raise BadInputError(f"{what}: the zip's central directory is beyond bounds ({entries} entries)")
        f.seek(0)
        return zipfile.ZipFile(f)
    except BadInputError:
        raise
    except (*_READ_ERRORS, zipfile.LargeZipFile, struct.error, KeyError, IndexError) as e:
        raise BadInputError(f"{what}: not a readable zip file ({e})") from None


class _Window:
    """The bytes of a STORED member, read in place with pread (no shared file position)."""

    def __init__(self, fd: int, start: int, length: int) -> None:
        self._fd = fd
        self._pos = start
        self._end = start + length

    def read(self, n: int = -1, /) -> bytes:
        left = self._end - self._pos
        if n < 0 or n > left:
            n = left
        if n <= 0:
            return b""
        data = os.pread(self._fd, n, self._pos)
        self._pos += len(data)
        return data

    def seek(self, offset: int) -> None:
        self._pos = min(self._end, self._pos + offset)


def _data_start(f: IO[bytes], info: zipfile.ZipInfo) -> int:
    """Where a member's bytes start: after its local header (whose own name and extra lengths count)."""
    header = os.pread(f.fileno(), 30, info.header_offset)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start: int = info.header_offset + 30 + name_len + extra_len
    return start


def _too_inflated(info: zipfile.ZipInfo) -> bool:
    return info.compress_type != zipfile.ZIP_STORED and info.file_size > MAX_RATIO * info.compress_size + RATIO_SLACK


def _member(f: IO[bytes], zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Readable:
    """A member's bytes as a reader (in place if STORED; through zipfile, which checks the CRC, if not)."""
    if info.compress_type == zipfile.ZIP_STORED:
        start = _data_start(f, info)
        if start + info.compress_size > os.fstat(f.fileno()).st_size:
            raise zipfile.BadZipFile(f"{info.filename} extends beyond the end of the file")
        return _Window(f.fileno(), start, info.compress_size)
    return zf.open(info)


def _read_member(f: IO[bytes], zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    if info.file_size > limit or _too_inflated(info):
        raise ValueError(f"larger than {limit} bytes")
    reader = _member(f, zf, info)
    data = reader.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"larger than {limit} bytes")
    return data


@contextmanager
def _opened(path: Path) -> Iterator[tuple[IO[bytes], zipfile.ZipFile]]:
    with open_regular(path) as f:
        zf = open_zip(f, str(path))
        with zf:
            yield f, zf


# The package -------------------------------------------------------------------------------------


def _members(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    return {i.filename: i for i in zf.infolist() if not i.is_dir()}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _is_warc(name: str) -> bool:
    return name.startswith("archive/") and name.lower().endswith((".warc", ".warc.gz"))


def _datapackage(
    f: IO[bytes], zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], problems: list[Problem]
) -> tuple[bytes | None, dict[str, Any] | None]:
    info = members.get(DATAPACKAGE)
    if info is None:
        problems.append(Problem("WACZ_MALFORMED", f"{DATAPACKAGE} is missing"))
        return None, None
    try:
        raw = _read_member(f, zf, info, MAX_JSON)
    except _READ_ERRORS as e:
        problems.append(Problem("WACZ_MALFORMED", f"{DATAPACKAGE} cannot be read ({e})"))
        return None, None
    try:
        parsed = json.loads(raw)
    except (ValueError, RecursionError) as e:
        problems.append(Problem("WACZ_MALFORMED", f"{DATAPACKAGE} is not JSON ({str(e)[:120]})"))
        return raw, None
    if not isinstance(parsed, dict):
        problems.append(Problem("WACZ_MALFORMED", f"{DATAPACKAGE} is not a JSON object"))
        return raw, None
    return raw, parsed


def _resources(parsed: dict[str, Any] | None, problems: list[Problem]) -> list[tuple[str, str | None, int | None]]:
    if parsed is None:
        return []
    listed = parsed.get("resources")
    if not isinstance(listed, list):
        problems.append(Problem("WACZ_MALFORMED", f"{DATAPACKAGE} has no resources list"))
        return []
    out: list[tuple[str, str | None, int | None]] = []
    for entry in listed[:MAX_MEMBERS]:
        path = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(path, str):
            problems.append(Problem("WACZ_MALFORMED", f"{DATAPACKAGE}: a resource without a path"))
            continue
        size = entry.get("bytes")
        out.append(
            (path, _str(entry.get("hash")), size if isinstance(size, int) and not isinstance(size, bool) else None)
        )
    return out


def _warcs(members: dict[str, zipfile.ZipInfo], resources: list[tuple[str, str | None, int | None]]) -> list[str]:
    """The WARC members: in datapackage order, then any the datapackage does not list, in zip order."""
    listed = [path for path, _, _ in resources if _is_warc(path) and path in members]
    seen = set(listed)
    return listed + [name for name in members if _is_warc(name) and name not in seen]


def _check(
    f: IO[bytes], zf: zipfile.ZipFile, info: zipfile.ZipInfo, declared: str | None, size: int | None
) -> str | None:
    """Why a member does not match its listed hash and size (None if it does)."""
    algo, _, value = (declared or "").partition(":")
    hasher = hashlib.new(algo.lower()) if algo.lower() in {"sha256", "md5", "sha1", "sha512"} else None
    if _too_inflated(info):
        raise ValueError(f"claims {info.file_size} bytes from {info.compress_size}: a zip bomb")
    reader = _member(f, zf, info)
    count = 0
    while data := reader.read(CHUNK):
        count += len(data)
        if hasher is not None:
            hasher.update(data)
    wrong = []
    if size is not None and size != count:
        wrong.append(f"{count} bytes, {size} listed")
    if hasher is not None and hasher.hexdigest() != value.strip().lower():
        wrong.append(f"its bytes hash to {algo}:{hasher.hexdigest()}, {declared} listed")
    return "; ".join(wrong) or None


def _pages(
    f: IO[bytes], zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], problems: list[Problem]
) -> list[Page]:
    pages: list[Page] = []
    for name in PAGES:
        info = members.get(name)
        if info is None:
            continue
        try:
            if _too_inflated(info):
                raise ValueError(f"claims {info.file_size} bytes from {info.compress_size}: a zip bomb")
            _read_pages(_member(f, zf, info), name, name != PAGES[0], pages, problems)
        except _READ_ERRORS as e:
            problems.append(Problem("WACZ_MALFORMED", f"{name} cannot be read ({e})"))
    return pages


def _lines(reader: Readable) -> Iterator[bytes | None]:
    """The lines of a member, each at most MAX_PAGE_LINE long (None stands for a longer one)."""
    pending = b""
    overlong = False
    while True:
        data = reader.read(CHUNK)
        if not data:
            if pending and not overlong:
                yield pending
            return
        start = 0
        while (i := data.find(b"\n", start)) >= 0:
            if overlong or len(pending) + i - start > MAX_PAGE_LINE:
                yield None
            else:
                yield pending + data[start:i]
            pending, overlong, start = b"", False, i + 1
        if not overlong:
            pending += data[start:]
            if len(pending) > MAX_PAGE_LINE:
                pending, overlong = b"", True


def _read_pages(reader: Readable, name: str, extra: bool, pages: list[Page], problems: list[Problem]) -> None:
    bad = 0
    dropped = 0
    for line in _lines(reader):
        if line is not None and not line.strip():
            continue
        try:
            entry = json.loads(line) if line is not None else None
        except (ValueError, RecursionError):
            entry = None
        if not isinstance(entry, dict):
            bad += 1
            continue
        url = entry.get("url")
        if not isinstance(url, str):
            if "format" not in entry:  # the header line has a format and no url
                bad += 1
            continue
        if len(pages) >= MAX_PAGES:
            dropped += 1
            continue
        ts = _str(entry.get("ts")) or _str(entry.get("timestamp"))
        pages.append(Page(url, ts, _str(entry.get("title")), _str(entry.get("id")), extra))
    if bad:
        problems.append(Problem("WACZ_MALFORMED", f"{name}: {bad} lines are not page records (JSON with a url)"))
    if dropped:
        problems.append(Problem("WACZ_PAGES_LIMIT", f"{name}: {dropped} pages beyond the first {MAX_PAGES} left out"))


def read_package(path: Path) -> Package:
    """What the WACZ at path says of itself, every listed member checked against its hash and size.

    Raises BadInputError if it is not a readable zip; anything else wrong is in `problems`.
    """
    problems: list[Problem] = []
    with _opened(path) as (f, zf):
        members = _members(zf)
        names = [i.filename for i in zf.infolist()]
        if len(set(names)) != len(names):
            problems.append(Problem("WACZ_MALFORMED", "the zip holds several members of the same name"))
        raw, parsed = _datapackage(f, zf, members, problems)
        resources = _resources(parsed, problems)
        listed = set()
        for res_path, declared, size in resources:
            listed.add(res_path)
            info = members.get(res_path)
            if info is None:
                problems.append(Problem("WACZ_RESOURCE_MISSING", f"{res_path} is listed in {DATAPACKAGE} but missing"))
                continue
            algo = (declared or "").partition(":")[0].lower()
            if algo not in {"sha256", "md5", "sha1", "sha512"}:
                problems.append(Problem("WACZ_RESOURCE_UNCHECKED", f"{res_path}: no hash of a known algorithm listed"))
            try:
                wrong = _check(f, zf, info, declared, size)
            except _READ_ERRORS as e:
                problems.append(Problem("WACZ_MALFORMED", f"{res_path} cannot be read ({e})"))
                continue
            if wrong:
                problems.append(Problem("WACZ_RESOURCE_MISMATCH", f"{res_path}: {wrong}"))
        if parsed is not None:
            for name in members:
                if name not in listed and name not in (DATAPACKAGE, DATAPACKAGE_DIGEST):
                    problems.append(Problem("WACZ_UNLISTED_MEMBER", f"{name} is not listed in {DATAPACKAGE}"))
        digest = None
        if (info := members.get(DATAPACKAGE_DIGEST)) is not None:
            try:
                digest = _read_member(f, zf, info, MAX_DIGEST_JSON)
            except _READ_ERRORS as e:
                problems.append(Problem("WACZ_MALFORMED", f"{DATAPACKAGE_DIGEST} cannot be read ({e})"))
        pages = _pages(f, zf, members, problems)
        meta = parsed or {}
        return Package(
            wacz_version=_str(meta.get("wacz_version")),
            software=_str(meta.get("software")),
            created=_str(meta.get("created")),
            title=_str(meta.get("title")),
            description=_str(meta.get("description")),
            pages=tuple(pages),
            warcs=tuple(_warcs(members, resources)),
            resources=tuple(resources),
            datapackage=raw,
            datapackage_digest=digest,
            problems=tuple(problems),
            main_page_url=_str(meta.get("mainPageURL")),
            main_page_date=_str(meta.get("mainPageDate")),
        )


# Records -----------------------------------------------------------------------------------------


def _no(record: Record) -> bool:
    return False


def records(
    path: Path,
    media_type: str,
    *,
    spool_dir: Path | None = None,
    keep: Callable[[Record], bool] = _no,
    max_content: int = 64 << 20,
    problems: list[Problem] | None = None,
) -> Iterator[Indexed]:
    """The response, resource and revisit records of a WARC file, or of every WARC inside a WACZ, in
    file order, streaming.

    A record for which keep(record) is true has its content spooled to a new file in spool_dir (if
    given) when that content is at most max_content bytes; keep sees the record as its headers give
    it (digest "absent", sha256 and size None: they are known once the content is read). Problems
    of the WARCs (digest mismatches, broken records: reading a WARC stops there) are appended to
    problems; those of the package itself are read_package's. Raises BadInputError if the file is
    not a regular file or, for a WACZ, not a readable zip.
    """
    if media_type == WARC:
        with open_regular(path) as f:
            yield from iter_warc(f, "", spool_dir=spool_dir, keep=keep, max_content=max_content, problems=problems)
        return
    if media_type != WACZ:
        raise ValueError(f"not a web archive media type: {media_type!r}")
    with _opened(path) as (f, zf):
        members = _members(zf)
        parsed = None
        if (info := members.get(DATAPACKAGE)) is not None:
            try:
                parsed = json.loads(_read_member(f, zf, info, MAX_JSON))
            except (*_READ_ERRORS, RecursionError):
                parsed = None
        resources = _resources(parsed if isinstance(parsed, dict) else None, [])
        for name in _warcs(members, resources):
            info = members[name]
            try:
                if _too_inflated(info):
                    raise ValueError(f"claims {info.file_size} bytes from {info.compress_size}: a zip bomb")
                reader = _member(f, zf, info)
            except _READ_ERRORS as e:
                if problems is not None:
                    problems.append(Problem("WACZ_MALFORMED", f"{name} cannot be read ({e})"))
                continue
            yield from iter_warc(
                reader, name, spool_dir=spool_dir, keep=keep, max_content=max_content, problems=problems
            )


def content(path: Path, media_type: str, file: str, offset: int, limit: int) -> bytes:
    """One record's content (payload without transfer- and content-coding) again, by its address.

    Reads only that record: a seek in a WARC or a STORED member (a deflated member is decompressed
    up to it). Raises BadInputError if no readable response/resource record starts there or its
    content is larger than limit bytes.
    """
    if offset < 0:
        raise BadInputError(f"{file}@{offset}: not an offset")
    if media_type == WARC:
        with open_regular(path) as f:
            f.seek(offset)
            return record_content(f, "", offset, limit)
    if media_type != WACZ:
        raise ValueError(f"not a web archive media type: {media_type!r}")
    with _opened(path) as (f, zf):
        info = _members(zf).get(file)
        if info is None or not _is_warc(file):
            raise BadInputError(f"{path}: no WARC member {file!r}")
        try:
            if _too_inflated(info):
                raise ValueError("a zip bomb")
            reader = _member(f, zf, info)
            if isinstance(reader, _Window):
                reader.seek(offset)
            else:
                assert isinstance(reader, zipfile.ZipExtFile)
                reader.seek(offset)
        except _READ_ERRORS as e:
            raise BadInputError(f"{file} cannot be read ({e})") from None
        return record_content(reader, file, offset, limit)
