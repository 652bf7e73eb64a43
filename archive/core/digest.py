"""SHA-256 digests as a value type. Pure (files are hashed by `archive.storage.scan`)."""

from __future__ import annotations

import re
from typing import Any

from archive.errors import BadInputError

_HEX64 = re.compile(r"[0-9a-f]{64}")
CHUNK = 1 << 20  # 1 MiB: large enough for throughput, small enough for flat memory


class Digest:
    """A SHA-256 digest, held as 64 lowercase hex digits; immutable, ordered, hashable."""

    __slots__ = ("hex",)
    hex: str

    def __init__(self, hex: str) -> None:
        if not isinstance(hex, str) or not _HEX64.fullmatch(hex):
            raise BadInputError(f"not a SHA-256 hex digest: {str(hex)[:80]!r}")
        object.__setattr__(self, "hex", hex)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a Digest is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Digest) and other.hex == self.hex

    def __lt__(self, other: Digest) -> bool:
        return self.hex < other.hex

    def __hash__(self) -> int:
        return hash(self.hex)

    def __repr__(self) -> str:
        return f"Digest({self.hex!r})"

    @classmethod
    def of(cls, data: bytes) -> Digest:
        import hashlib

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
