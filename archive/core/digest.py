"""SHA-256 digests as a value type, and streaming hashing of files and byte chunks."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from archive.errors import BadInputError

_HEX64 = re.compile(r"[0-9a-f]{64}")
CHUNK = 1 << 20  # 1 MiB: large enough for throughput, small enough for flat memory


@dataclass(frozen=True, order=True)
class Digest:
    """A SHA-256 digest, held as 64 lowercase hex digits."""

    hex: str

    def __post_init__(self) -> None:
        if not _HEX64.fullmatch(self.hex):
            raise BadInputError(f"not a SHA-256 hex digest: {self.hex[:80]!r}")

    @classmethod
    def of(cls, data: bytes) -> Digest:
        return cls(hashlib.sha256(data).hexdigest())

    @classmethod
    def from_bytes(cls, raw: bytes) -> Digest:
        if len(raw) != 32:
            raise BadInputError("a SHA-256 digest is 32 bytes")
        return cls(raw.hex())

    @property
    def raw(self) -> bytes:
        return bytes.fromhex(self.hex)

    def __str__(self) -> str:
        return self.hex


def is_hex_digest(text: str) -> bool:
    return _HEX64.fullmatch(text) is not None


def hash_chunks(chunks: Iterable[bytes]) -> tuple[Digest, int]:
    """Hash a stream of chunks; returns the digest and the total size."""
    h = hashlib.sha256()
    size = 0
    for chunk in chunks:
        h.update(chunk)
        size += len(chunk)
    return Digest(h.hexdigest()), size


def read_chunks(path: Path, chunk: int = CHUNK) -> Iterable[bytes]:
    with path.open("rb") as f:
        while block := f.read(chunk):
            yield block


def hash_file(path: Path) -> tuple[Digest, int]:
    """Stream a file through SHA-256 (hashlib releases the GIL, so threads hash in parallel)."""
    return hash_chunks(read_chunks(path))
