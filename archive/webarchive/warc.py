"""Streaming WARC reading: records with warcio's offsets, digests checked, content decoded within bounds.

Everything is read in chunks with fixed limits (header lines, HTTP heads, decoded bytes), so memory
stays flat whatever the file holds; a broken record is a Problem and reading of that WARC stops
there, since what follows cannot be located reliably.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import stat
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol
from urllib.parse import urljoin

from archive.errors import BadInputError
from archive.webarchive.records import Indexed, Problem, Record

INDEXED = ("response", "resource", "revisit")
RAW_CHUNK = 1 << 20  # reads of a plain WARC
GZIP_CHUNK = 1 << 16  # reads of a .warc.gz: small, since each member copies what follows it once
OUT_CHUNK = 1 << 20  # the most one decompression call may produce
MAX_LINE = 1 << 20  # a WARC header line
MAX_WARC_HEAD = 4 << 20  # all WARC headers of a record
MAX_HEADERS = 10_000  # WARC header lines of a record
MAX_HTTP_HEAD = 256 << 10  # HTTP status line and headers
MAX_CHUNK_LINE = 4096  # a chunk-size line of chunked transfer-coding
MAX_PROBLEMS = 1000  # per WARC file; the records themselves still say which digests failed
CONTENT_BOUND = 64 << 20  # decoded content stops at max(this, CONTENT_RATIO x the record length)
CONTENT_RATIO = 100
GZIP_FLOOR = 64 << 20  # a gzip member of the WARC may decompress to this much ...
GZIP_RATIO = 200  # ... or to this many times its compressed size, no more (real records: 1x to 20x)
_WS = b" \t\r\n"


class Readable(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...


class _MalformedError(Exception):
    """The WARC's framing is broken here."""

    code = "WARC_MALFORMED"


class _TruncatedError(_MalformedError):
    code = "WARC_TRUNCATED"


class _NotPerRecordError(_MalformedError):
    code = "WARC_GZIP_NOT_PER_RECORD"


class _BombError(_MalformedError):
    code = "WARC_GZIP_LIMIT"


def open_regular(path: Path) -> IO[bytes]:
    """The file opened for reading, once it is known to be a regular file (never blocks on a FIFO).

    Raises BadInputError if it is not a regular file or cannot be opened.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        raise BadInputError(f"{path}: cannot be opened ({e.strerror or e})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise BadInputError(f"{path}: not a regular file")
        return os.fdopen(fd, "rb", buffering=0)
    except BaseException:
        os.close(fd)
        raise


class _Stream:
    """The decompressed bytes of a WARC file (plain or gzip), with the file offsets records need.

    For gzip, the buffer holds bytes of one member at a time, so a record's start can be checked to
    be a member's first byte and its end located at its member's end, as warcio reports them.
    """

    def __init__(self, raw: Readable, start: int = 0) -> None:
        self._raw = raw
        self._raw_pos = start
        first = self._read_raw(GZIP_CHUNK)
        self.gzipped = first[:2] == b"\x1f\x8b"
        self._buf = b""
        self._pos = 0
        self._d: Any = None  # the zlib decompressor of the current member
        self._input = b""  # compressed bytes not yet given to it
        self._member_out = 0  # bytes the current member produced before the buffer
        self.member_start = start
        self.member_end = start
        if self.gzipped:
            self._input = first
        else:
            self._buf = first

    def _read_raw(self, n: int) -> bytes:
        try:
            data = self._raw.read(n)
        except Exception as e:  # the source itself is broken (a zip member's bad CRC, an I/O error)
            raise _MalformedError(f"the data cannot be read at offset {self._raw_pos} ({e})") from None
        self._raw_pos += len(data)
        return data

    def _fill(self, cross: bool = True) -> bool:
        """Refill the exhausted buffer; False at the end (of the file, or of the member unless cross)."""
        if not self.gzipped:
            self._buf, self._pos = self._read_raw(RAW_CHUNK), 0
            return bool(self._buf)
        while True:
            d = self._d
            if d is None:
                if not self._input:
                    self._input = self._read_raw(GZIP_CHUNK)
                    if not self._input:
                        return False
                self.member_start = self._raw_pos - len(self._input)
                d = self._d = zlib.decompressobj(31)
                self._member_out = 0
                self._buf, self._pos = b"", 0
            elif d.eof:
                if not cross:
                    return False
                self._d = None
                continue
            # At the end of the file the decompressor may still hold output: one more call with no input.
            data = self._input or self._read_raw(GZIP_CHUNK)
            try:
                out = d.decompress(data, OUT_CHUNK)
            except zlib.error as e:
                raise _MalformedError(f"bad gzip data in the member at offset {self.member_start} ({e})") from None
            if d.eof:
                self._input = d.unused_data
                self.member_end = self._raw_pos - len(self._input)
            else:
                self._input = d.unconsumed_tail
            if out:
                self._member_out += len(self._buf)
                self._buf, self._pos = out, 0
                produced = self._member_out + len(out)
                if produced > GZIP_FLOOR and produced > GZIP_RATIO * (
                    self._raw_pos - len(self._input) - self.member_start
                ):
                    raise _BombError(f"the gzip member at offset {self.member_start} decompresses beyond its bound")
                return True
            if not data and not d.eof:
                raise _TruncatedError(f"the gzip member at offset {self.member_start} is cut short")

    def at_member_start(self) -> bool:
        """Whether the next byte is the first of its gzip member (call once data is buffered)."""
        return self._member_out == 0 and self._pos == 0

    def ready(self) -> bool:
        """Data is buffered (False at the end of the file)."""
        return self._pos < len(self._buf) or self._fill()

    def tell(self) -> int:
        """The file offset of the next byte (plain WARC only)."""
        return self._raw_pos - (len(self._buf) - self._pos)

    def read(self, n: int) -> bytes:
        """Up to n bytes (fewer at a buffer's end); b"" at the end of the file."""
        if self._pos >= len(self._buf) and not self._fill():
            return b""
        start = self._pos
        end = min(len(self._buf), start + n)
        self._pos = end
        if start == 0 and end == len(self._buf):
            return self._buf
        return self._buf[start:end]

    def readline(self, limit: int) -> bytes:
        """A line with its newline, or at most limit bytes, or what is left at the end of the file."""
        parts = []
        n = 0
        while n < limit:
            if self._pos >= len(self._buf) and not self._fill():
                break
            end = min(len(self._buf), self._pos + limit - n)
            i = self._buf.find(b"\n", self._pos, end)
            if i >= 0:
                end = i + 1
            parts.append(self._buf[self._pos : end])
            n += end - self._pos
            self._pos = end
            if i >= 0:
                break
        return b"".join(parts)

    def skip_space(self, cross: bool) -> None:
        """Skip whitespace (the blank lines between records); within the current member unless cross."""
        while True:
            if self._pos >= len(self._buf) and not self._fill(cross):
                return
            buf = self._buf
            n = len(buf)
            pos = self._pos
            while pos < n and buf[pos] in _WS:
                pos += 1
            self._pos = pos
            if pos < n:
                return

    def member_exhausted(self) -> bool:
        """Whether the current gzip member has no more bytes."""
        return self._pos >= len(self._buf) and not self._fill(cross=False)


# Digests ----------------------------------------------------------------------------------------

_ALGORITHMS: dict[str, Callable[[], Any]] = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha512": hashlib.sha512,
    "sha384": hashlib.sha384,
    "sha224": hashlib.sha224,
    "md5": hashlib.md5,
    "sha3256": hashlib.sha3_256,
    "sha3512": hashlib.sha3_512,
}


class _Declared:
    """A WARC-*-Digest value and a hasher of its algorithm (None if the algorithm is unknown)."""

    def __init__(self, name: str, value: str) -> None:
        self.name = name
        self.value = value
        algo, sep, self._encoded = value.strip().partition(":")
        self.algo = algo.lower().replace("-", "").replace("_", "") if sep else None
        make = _ALGORITHMS.get(self.algo) if self.algo else None
        self.hasher: Any = make() if make is not None else None

    def result(self) -> bool | None:
        """True if the bytes hash to the declared value, False if not, None if it cannot be checked."""
        if self.hasher is None:
            return None
        expected = _decodings(self._encoded.strip(), self.hasher.digest_size)
        if not expected:
            return None  # not a digest of this algorithm in any encoding WARC writers use
        return bool(self.hasher.digest() in expected)

    def computed(self) -> str:
        return f"{self.value.partition(':')[0]}:{base64.b32encode(self.hasher.digest()).decode()}"


def _decodings(text: str, size: int) -> set[bytes]:
    """What a digest written in base16, base32 or base64 (as WARC writers do) may decode to."""
    out: set[bytes] = set()
    if not text or len(text) > 4 * size:
        return out
    if len(text) == 2 * size:
        with contextlib.suppress(ValueError):
            out.add(bytes.fromhex(text))
    bare = text.rstrip("=")
    try:
        raw = base64.b32decode(bare.upper() + "=" * (-len(bare) % 8))
        if len(raw) == size:
            out.add(raw)
    except (binascii.Error, ValueError):
        pass
    try:
        altchars = b"-_" if ("-" in bare or "_" in bare) else None
        raw = base64.b64decode(bare + "=" * (-len(bare) % 4), altchars=altchars, validate=True)
        if len(raw) == size:
            out.add(raw)
    except (binascii.Error, ValueError):
        pass
    return out


# Content decoding --------------------------------------------------------------------------------


class _UndecodableError(Exception):
    """The payload's transfer- or content-coding cannot be undone."""


class _Dechunk:
    """Chunked transfer-coding undone, streaming. A payload that does not start as chunked passes as
    it is: writers that store the decoded body often keep the header."""

    def __init__(self) -> None:
        self._state = "size"
        self._line = bytearray()
        self._left = 0
        self._passthrough = False
        self._started = False

    def feed(self, data: bytes) -> list[bytes]:
        if self._passthrough:
            return [data]
        out: list[bytes] = []
        view = memoryview(data)
        i = 0
        n = len(view)
        while i < n:
            state = self._state
            if state == "data":
                take = min(self._left, n - i)
                out.append(data[i : i + take])
                i += take
                self._left -= take
                if self._left == 0:
                    self._state = "crlf"
            elif state == "crlf":
                c = data[i]
                if c in (13, 10):
                    i += 1
                    if c == 10:
                        self._state = "size"
                else:
                    self._state = "size"
            elif state in ("size", "trailer"):
                j = data.find(b"\n", i)
                end = n if j < 0 else j + 1
                self._line += view[i:end]
                i = end
                if len(self._line) > MAX_CHUNK_LINE:
                    if not self._started:
                        return self._pass(data, i)
                    raise _UndecodableError("a chunk-size line is too long")
                if j < 0:
                    continue
                line = bytes(self._line).strip()
                if state == "trailer":
                    self._line.clear()
                    if not line:
                        self._state = "done"
                    continue
                try:
                    size = int(line.split(b";", 1)[0].strip(), 16)
                except ValueError:
                    if not self._started:
                        return self._pass(data, i)
                    raise _UndecodableError("a chunk-size line is not hexadecimal") from None
                self._line.clear()
                self._started = True
                if size < 0:
                    raise _UndecodableError("a negative chunk size")
                if size == 0:
                    self._state = "trailer"
                else:
                    self._left = size
                    self._state = "data"
            else:  # done: anything after the last chunk is ignored, as HTTP clients do
                break
        return out

    def _pass(self, data: bytes, i: int) -> list[bytes]:
        # Only on the first line: everything seen so far is that line.
        self._passthrough = True
        seen = bytes(self._line)
        self._line.clear()
        return [seen, data[i:]]


class _Inflate:
    """gzip or deflate content-coding undone in bounded steps. A body that does not start as that coding
    passes as it is (as in warcio: bodies are often stored decoded under their original header)."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._mode: str | None = None  # "gzip", "zlib", "raw" (deflate without header) or "pass"
        self._head = b""  # the first bytes, until the mode is decided
        self._d: Any = None
        self._seen: bytearray | None = None  # a raw attempt's input before any output, to pass it on
        self._done = False

    def _decide(self, first: bytes) -> str:
        if self._coding == "gzip":
            return "gzip" if first[:2] == b"\x1f\x8b" else "pass"
        zlib_header = first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
        return "zlib" if zlib_header else "raw"

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._mode is None:
            self._head += data
            if len(self._head) < 2:
                return
            data, self._head = self._head, b""
            self._mode = self._decide(data)
            wbits = {"gzip": 31, "zlib": 15, "raw": -15}.get(self._mode)
            self._d = zlib.decompressobj(wbits) if wbits else None
            self._seen = bytearray() if self._mode == "raw" else None
        if self._mode == "pass":
            yield data
            return
        if self._done:
            return
        if self._seen is not None:
            self._seen += data
            if len(self._seen) > OUT_CHUNK:
                self._seen = None  # this long without output: a broken stream, no fallback any more
        while True:
            d = self._d
            try:
                out = d.decompress(data, OUT_CHUNK)
            except zlib.error as e:
                if self._seen is not None:  # raw deflate was a guess, and a wrong one
                    self._mode = "pass"
                    yield bytes(self._seen)
                    return
                raise _UndecodableError(f"bad {self._coding} data ({e})") from None
            if out:
                self._seen = None
                yield out
            if d.eof:
                leftover = d.unused_data
                if self._mode == "gzip" and leftover.lstrip(b"\0"):
                    self._d = zlib.decompressobj(31)  # concatenated gzip members are one gzip stream
                    data = leftover
                    continue
                self._done = True
                return
            data = d.unconsumed_tail
            if not data and len(out) < OUT_CHUNK:
                return

    def close(self) -> Iterator[bytes]:
        if self._mode is None and self._head:  # one byte: not this coding
            yield self._head
        elif self._seen:  # raw deflate never produced a byte: not this coding after all
            self._mode = "pass"
            yield bytes(self._seen)


_CODINGS = {"gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate"}


def _content_decoders(header: str | None) -> list[_Inflate]:
    """The decoders a Content-Encoding header calls for, in the order they apply."""
    if not header:
        return []
    out = []
    for name in reversed([c.strip().lower() for c in header.split(",") if c.strip()]):
        if name == "identity":
            continue
        if name not in _CODINGS:
            raise _UndecodableError(f"content-coding {name!r} is not supported")
        out.append(_Inflate(_CODINGS[name]))
    return out


class _Content:
    """The decoded content of a payload: hashed, counted, bounded, and spooled or collected when asked."""

    def __init__(self, bound: int, spool: Path | None, max_spool: int, collect: int | None) -> None:
        self.sha256 = hashlib.sha256()
        self.spool_path = spool
        self.size = 0
        self.bound = bound
        self.spool: IO[bytes] | None = spool.open("wb") if spool is not None else None
        self.max_spool = max_spool
        self.collected: list[bytes] | None = [] if collect is not None else None
        self.collect = collect or 0
        self.failed: tuple[str, str] | None = None  # (code, why)

    def write(self, data: bytes) -> None:
        if not data or self.failed:
            return
        self.size += len(data)
        if self.size > self.bound:
            self.failed = ("WARC_CONTENT_LIMIT", f"its content decodes to more than {self.bound} bytes")
            return
        self.sha256.update(data)
        if self.spool is not None:
            if self.size <= self.max_spool:
                self.spool.write(data)
            else:
                self.discard()
        if self.collected is not None:
            if self.size > self.collect:
                raise BadInputError(f"the record's content is larger than {self.collect} bytes")
            self.collected.append(data)

    def discard(self) -> None:
        """Remove the spool file (the record could not be read)."""
        if self.spool is not None:
            self.spool.close()
            self.spool = None
            if self.spool_path is not None:
                self.spool_path.unlink(missing_ok=True)

    def finish(self) -> Path | None:
        """Close the spool file; its path, if content was spooled."""
        if self.spool is None:
            return None
        self.spool.close()
        self.spool = None
        return self.spool_path


class _Payload:
    """The pipeline from a payload's bytes as stored to its content: dechunk, then content-decode."""

    def __init__(self, chunked: bool, encoding: str | None, content: _Content, digests: list[_Declared]) -> None:
        self.content = content
        self.dechunk = _Dechunk() if chunked else None
        self.digests = digests  # payload digests to feed with the transfer-decoded bytes as well
        try:
            self.decoders = _content_decoders(encoding)
        except _UndecodableError as e:
            self.decoders = []
            content.failed = ("WARC_CONTENT_UNDECODABLE", str(e))

    def feed(self, data: bytes) -> None:
        if self.content.failed and (self.dechunk is None or not self.digests):
            return
        try:
            pieces = self.dechunk.feed(data) if self.dechunk is not None else [data]
            for piece in pieces:
                for d in self.digests:
                    d.hasher.update(piece)
                if not self.content.failed:
                    self._decode(piece, 0)
        except _UndecodableError as e:
            self.content.failed = ("WARC_CONTENT_UNDECODABLE", str(e))
            self.digests = []

    def _decode(self, data: bytes, stage: int) -> None:
        if stage == len(self.decoders):
            self.content.write(data)
            return
        for out in self.decoders[stage].feed(data):
            self._decode(out, stage + 1)
            if self.content.failed:
                return

    def close(self) -> None:
        if self.content.failed:
            return
        try:
            for stage, decoder in enumerate(self.decoders):
                for out in decoder.close():
                    self._decode(out, stage + 1)
        except _UndecodableError as e:
            self.content.failed = ("WARC_CONTENT_UNDECODABLE", str(e))


# Records ------------------------------------------------------------------------------------------


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _headers(lines: list[bytes]) -> dict[str, str]:
    """Header lines as a dict of lower-case name to the first value (continuation lines joined)."""
    out: dict[str, str] = {}
    last: str | None = None
    for raw in lines:
        line = _text(raw).rstrip("\r\n")
        if line[:1] in (" ", "\t") and last is not None:
            out[last] = (out[last] + " " + line.strip()).strip()
            continue
        name, sep, value = line.partition(":")
        if not sep:
            continue
        key = name.strip().lower()
        if key not in out:
            out[key] = value.strip()
            last = key
        else:
            last = None
    return out


def _media_type(value: str | None) -> tuple[str | None, str | None]:
    """A Content-Type's media type (lower-case, no parameters) and its charset parameter."""
    if not value:
        return None, None
    parts = value.split(";")
    media = parts[0].strip().lower() or None
    charset = None
    for param in parts[1:]:
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset":
            charset = val.strip().strip("\"'").lower() or None
    return media, charset


def _target_uri(value: str | None) -> str:
    # As warcio reads it: wget 1.19 wrote <uri>, and a space is percent-encoded.
    uri = (value or "").strip()
    if uri.startswith("<") and uri.endswith(">"):
        uri = uri[1:-1]
    return uri.replace(" ", "%20")


@dataclass
class _Head:
    """What the WARC headers of a record say."""

    offset: int
    headers: dict[str, str]
    length: int

    @property
    def type(self) -> str:
        return self.headers.get("warc-type", "").lower()


class _Reader:
    """The records of one WARC file, read front to back."""

    def __init__(self, raw: Readable, file: str, problems: list[Problem] | None, start: int = 0) -> None:
        self._raw = raw
        self._start = start
        self._stream: _Stream | None = None
        self.file = file
        self.problems = problems
        self.reported = 0
        self.suppressed = 0
        self.collected: bytes | None = None  # the content read by `read` with collect set

    @property
    def stream(self) -> _Stream:
        """The stream, opened on first use (which reads the first bytes: it can raise _MalformedError)."""
        if self._stream is None:
            self._stream = _Stream(self._raw, self._start)
        return self._stream

    def report(self, code: str, message: str) -> None:
        if self.problems is None:
            return
        if self.reported < MAX_PROBLEMS:
            self.problems.append(Problem(code, message))
            self.reported += 1
        else:
            self.suppressed += 1

    def finish(self) -> None:
        if self.suppressed and self.problems is not None:
            where = self.file or "the WARC"
            self.problems.append(
                Problem("WARC_PROBLEMS_LIMIT", f"{where}: {self.suppressed} more problems not reported one by one")
            )

    def part(self, offset: int) -> str:
        return f"{self.file}@{offset}"

    def head(self) -> _Head | None:
        """The next record's WARC headers, or None at the end of the file."""
        s = self.stream
        s.skip_space(cross=True)
        if not s.ready():
            return None
        if s.gzipped:
            if not s.at_member_start():
                raise _NotPerRecordError(f"a record does not start a gzip member (in the member at {s.member_start})")
            offset = s.member_start
        else:
            offset = s.tell()
        first = s.readline(MAX_LINE)
        if not first.endswith(b"\n") and b"WARC/1.".startswith(first[:7]) and len(first) < MAX_LINE:
            raise _TruncatedError(f"{self.part(offset)}: the file ends inside the record's WARC headers")
        if not first.startswith(b"WARC/"):
            raise _MalformedError(f"{self.part(offset)}: no WARC/1.x line where a record should start")
        lines: list[bytes] = []
        total = len(first)
        while True:
            line = s.readline(MAX_LINE)
            if not line:
                raise _TruncatedError(f"{self.part(offset)}: the file ends inside the record's WARC headers")
            if not line.endswith(b"\n") and len(line) < MAX_LINE:
                raise _TruncatedError(f"{self.part(offset)}: the file ends inside the record's WARC headers")
            if not line.endswith(b"\n") or total > MAX_WARC_HEAD or len(lines) > MAX_HEADERS:
                raise _MalformedError(f"{self.part(offset)}: WARC headers beyond their bounds")
            total += len(line)
            if line in (b"\r\n", b"\n"):
                break
            lines.append(line)
        headers = _headers(lines)
        declared = headers.get("content-length", "").strip()
        if not declared.isdigit() or len(declared) > 18:
            raise _MalformedError(f"{self.part(offset)}: Content-Length {declared[:40]!r} is not a byte count")
        return _Head(offset, headers, int(declared))

    def skip_block(self, head: _Head) -> None:
        left = head.length
        while left:
            data = self.stream.read(min(left, RAW_CHUNK))
            if not data:
                raise _TruncatedError(f"{self.part(head.offset)}: the file ends inside the record")
            left -= len(data)

    def end(self, head: _Head, block_end: int) -> int:
        """Consume the blank lines after a record; its length as warcio reports it."""
        s = self.stream
        if s.gzipped:
            s.skip_space(cross=False)
            if not s.member_exhausted():
                raise _NotPerRecordError(f"{self.part(head.offset)}: another record follows in the same gzip member")
            return s.member_end - head.offset
        return block_end - head.offset

    def records(
        self,
        spool_dir: Path | None,
        keep: Callable[[Record], bool],
        max_content: int,
    ) -> Iterator[Indexed]:
        try:
            while (head := self.head()) is not None:
                if head.type not in INDEXED:
                    self.skip_block(head)
                    self.end(head, 0 if self.stream.gzipped else self.stream.tell())
                    continue
                record, spooled = self.read(head, spool_dir, keep, max_content, None)
                yield Indexed(record, spooled)
        except _MalformedError as e:
            self.report(e.code, f"{self.file or 'WARC'}: {e}")
        finally:
            self.finish()

    def read(
        self,
        head: _Head,
        spool_dir: Path | None,
        keep: Callable[[Record], bool],
        max_content: int,
        collect: int | None,
    ) -> tuple[Record, Path | None]:
        """Read one record's block: digests, HTTP head, content (spooled or collected as asked)."""
        h = head.headers
        rtype = head.type
        uri = _target_uri(h.get("warc-target-uri"))
        part = self.part(head.offset)
        block = _Declared("WARC-Block-Digest", h["warc-block-digest"]) if "warc-block-digest" in h else None
        payload = _Declared("WARC-Payload-Digest", h["warc-payload-digest"]) if "warc-payload-digest" in h else None
        # A revisit's payload digest is the original's; a segment's covers all segments (as in warcio).
        check = payload if payload and rtype != "revisit" and "warc-segment-number" not in h else None
        body = _Block(self.stream, head.length, block.hasher if block is not None else None, f"{part} ({uri})")
        # The HTTP head, for the records that have one (warcio's rule: these types, http(s) URIs).
        with_http = rtype in ("response", "revisit") and uri.lower().startswith(("http:", "https:"))
        status, http, rest = _http_head(body) if with_http and body.left > 0 else (None, None, b"")
        http_bad = with_http and head.length > 0 and status is None
        if http_bad:
            self.report("WARC_HTTP_MALFORMED", f"{part}: the HTTP status line or headers cannot be read ({uri})")
        fields = _facts(head, uri, status, http, with_http) | {
            "part": part,
            "file": self.file,
            "payload_digest": payload.value if payload else None,
            "block_digest": block.value if block else None,
        }
        has_content = rtype != "revisit" and not http_bad
        spool: Path | None = None
        if has_content and spool_dir is not None:
            preliminary = Record(**fields, length=0, digest="absent", digest_detail=None, sha256=None, size=None)
            if keep(preliminary):
                fd, name = tempfile.mkstemp(prefix="warc-", suffix=".content", dir=spool_dir)
                os.close(fd)
                spool = Path(name)
        bound = max(CONTENT_BOUND, CONTENT_RATIO * head.length)
        content = _Content(bound, spool, max_content, collect)
        chunked = http is not None and "chunked" in http.get("transfer-encoding", "").lower()
        # The payload digest as warcio computes it (over the bytes as stored) and, for a chunked one,
        # over the transfer-decoded bytes too: the "entity-body" the WARC standard speaks of.
        alt = _Declared(check.name, check.value) if check and check.hasher and chunked else None
        pipeline = _Payload(chunked, http.get("content-encoding") if http else None, content, [alt] if alt else [])
        payload_hasher = check.hasher if check is not None else None
        if check is not None and payload_hasher is not None and http is None and block and block.algo == check.algo:
            payload_hasher = None  # payload and block are the same bytes: one hash serves both
            check.hasher = block.hasher
        try:
            data = rest
            while True:
                if payload_hasher is not None:
                    payload_hasher.update(data)
                if has_content:
                    pipeline.feed(data)
                if body.left == 0:
                    break
                data = body.pull(RAW_CHUNK)
            if has_content:
                pipeline.close()
            stream = self.stream
            length = self.end(head, 0 if stream.gzipped else stream.tell()) if collect is None else 0
        except BaseException:
            content.discard()
            raise
        spooled = content.finish()
        digest, detail = _digest_result(block, check, alt)
        if digest == "mismatch":
            self.report("WARC_DIGEST_MISMATCH", f"{part}: {detail} ({uri})")
        if has_content and content.failed:
            code, why = content.failed
            self.report(code, f"{part}: {why} ({uri})")
        known = has_content and not content.failed
        if not known and spooled is not None:
            spooled.unlink(missing_ok=True)
            spooled = None
        record = Record(
            **fields,
            length=length,
            digest=digest,
            digest_detail=detail,
            sha256=content.sha256.hexdigest() if known else None,
            size=content.size if known else None,
        )
        self.collected = b"".join(content.collected) if known and content.collected is not None else None
        return record, spooled


def _facts(head: _Head, uri: str, status: int | None, http: dict[str, str] | None, with_http: bool) -> dict[str, Any]:
    """The Record members the WARC and HTTP headers give."""
    h = head.headers
    if http is not None:
        media, charset = _media_type(http.get("content-type"))
    elif with_http:
        media, charset = None, None  # the WARC Content-Type says application/http, not the payload's
    else:
        media, charset = _media_type(h.get("content-type"))
    location = None
    if http is not None and status is not None and 300 <= status < 400 and http.get("location"):
        try:
            location = urljoin(uri, http["location"])
        except ValueError:
            location = http["location"]
    return {
        "offset": head.offset,
        "type": head.type,
        "uri": uri,
        "date": h.get("warc-date", ""),
        "record_id": h.get("warc-record-id", ""),
        "status": status,
        "content_type": media,
        "charset": charset,
        "location": location,
        "refers_to": h.get("warc-refers-to-target-uri"),
    }


class _Block:
    """A record's block, read in pieces (each fed to the block digest) up to its Content-Length."""

    def __init__(self, stream: _Stream, length: int, hasher: Any, where: str) -> None:
        self._stream = stream
        self.left = length
        self._hasher = hasher
        self._where = where

    def pull(self, n: int) -> bytes:
        data = self._stream.read(min(n, self.left))
        if not data:
            raise _TruncatedError(f"{self._where}: the file ends inside the record")
        self.left -= len(data)
        if self._hasher is not None:
            self._hasher.update(data)
        return data


def _http_head(body: _Block) -> tuple[int | None, dict[str, str] | None, bytes]:
    """(status, headers, payload bytes read past them) of an HTTP response head at the block's start;
    status None if there is none within bounds (then the bytes read are returned as they are)."""
    buf = bytearray()
    end = -1
    while body.left > 0 and len(buf) <= MAX_HTTP_HEAD:
        start = max(0, len(buf) - 3)
        buf += body.pull(MAX_HTTP_HEAD + 4 - len(buf))
        if not buf.startswith(b"HTTP/"[: len(buf)]):
            break
        end = _head_end(buf, start)
        if end >= 0:
            break
    if not buf.startswith(b"HTTP/") or (end < 0 and body.left > 0):
        return None, None, bytes(buf)
    cut = end if end >= 0 else len(buf)  # a head without its blank line at the block's end (revisits)
    lines = bytes(buf[:cut]).splitlines(keepends=True)
    status = _status(lines[0])
    return (status, _headers(lines[1:]), bytes(buf[cut:])) if status is not None else (None, None, bytes(buf))


def _head_end(buf: bytearray, start: int) -> int:
    """Where the payload starts after an HTTP head ending at a blank line, or -1 if not in buf yet."""
    crlf = buf.find(b"\r\n\r\n", start)
    lf = buf.find(b"\n\n", start)
    if crlf >= 0 and (lf < 0 or crlf < lf):
        return crlf + 4
    if lf >= 0:
        return lf + 2
    return -1


def _status(line: bytes) -> int | None:
    parts = line.split(None, 2)
    if len(parts) >= 2 and parts[0].startswith(b"HTTP/") and parts[1].isdigit() and len(parts[1]) == 3:
        return int(parts[1])
    return None


def _digest_result(block: _Declared | None, payload: _Declared | None, alt: _Declared | None) -> tuple[str, str | None]:
    results = []
    mismatches = []
    for declared in (block, payload):
        if declared is None:
            continue
        ok = declared.result()
        if declared is payload and ok is False and alt is not None and alt.result():
            ok = True
        results.append(ok)
        if ok is False:
            mismatches.append(f"{declared.name} declared {declared.value}, the bytes hash to {declared.computed()}")
    if mismatches:
        return "mismatch", "; ".join(mismatches)
    if True in results:
        return "ok", None
    if results:
        return "unsupported", None
    return "absent", None


def iter_warc(
    raw: Readable,
    file: str,
    *,
    spool_dir: Path | None,
    keep: Callable[[Record], bool],
    max_content: int,
    problems: list[Problem] | None,
) -> Iterator[Indexed]:
    """The indexed records of one WARC file read from raw (at its start), in file order."""
    reader = _Reader(raw, file, problems)
    yield from reader.records(spool_dir, keep, max_content)


def record_content(raw: Readable, file: str, offset: int, limit: int) -> bytes:
    """The content of the record starting at offset (raw positioned there); BadInputError if none is."""
    problems: list[Problem] = []
    try:
        reader = _Reader(raw, file, problems, start=offset)
        head = reader.head()
        if head is None or head.type not in INDEXED:
            raise BadInputError(f"{file}@{offset}: no response, resource or revisit record there")
        reader.read(head, None, lambda r: False, 0, limit)
    except _MalformedError as e:
        raise BadInputError(f"{file}@{offset}: {e}") from None
    collected: bytes | None = reader.collected
    if collected is None:
        what = "; ".join(p.message for p in problems) or "it has no content"
        raise BadInputError(f"{file}@{offset}: the content cannot be read: {what}")
    return collected
