"""SHA-256 digests as a value type. Pure (files are hashed by `archive.storage.scan`)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

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
