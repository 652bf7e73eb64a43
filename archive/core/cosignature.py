"""C2SP tlog-cosignature `cosignature/v1` (https://c2sp.org/tlog-cosignature): a witness's timestamped
Ed25519 signature over a checkpoint, carried as one more signed-note signature line.

Pure: witness verifier keys (signature type 0x04), the signed message, making and checking lines.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from archive.core.note import SIGNATURE_PREFIX, decode_base64
from archive.errors import CryptoError

COSIGNATURE_V1 = 0x04  # the signature type byte tlog-cosignature assigns to Ed25519 cosignature/v1
HEADER = "cosignature/v1\n"
MAX_TIMESTAMP = 2**63 - 1  # the spec's bound on the u64 timestamp
_LINE_BYTES = 4 + 8 + 64  # key id, timestamp, Ed25519 signature
_KEY_ID_HEX = re.compile(r"[0-9a-f]{8}")


def _check_name(name: str) -> None:
    bad = any(ch.isspace() or ch < " " or "\ud800" <= ch <= "\udfff" for ch in name)
    if not name or bad or "+" in name or len(name) > 200:
        raise CryptoError(f"invalid witness name {name[:80]!r}: need 1 to 200 characters, no spaces, no '+'")


def key_id(name: str, public_key: bytes) -> int:
    """SHA-256(name || 0x0A || 0x04 || public key)[:4], big-endian: the cosigner's key id."""
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([COSIGNATURE_V1]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


@dataclass(frozen=True, repr=False)
class WitnessKey:
    """A witness's verifier key, `name+keyid+base64(0x04 || key)`; always self-consistent."""

    name: str
    key_id: int
    public_key: bytes  # the raw 32-byte Ed25519 key

    def __post_init__(self) -> None:
        _check_name(self.name)
        if len(self.public_key) != 32:
            raise CryptoError("an Ed25519 public key is 32 bytes")
        if self.key_id != key_id(self.name, self.public_key):
            raise CryptoError(f"key id {self.key_id:08x} does not match witness key {self.name!r}")

    @classmethod
    def from_public_key(cls, name: str, key: Ed25519PublicKey) -> WitnessKey:
        _check_name(name)
        raw = key.public_bytes_raw()
        return cls(name, key_id(name, raw), raw)

    @classmethod
    def parse(cls, text: str) -> WitnessKey:
        name, plus1, rest = text.strip().partition("+")
        key_id_hex, plus2, key_b64 = rest.partition("+")
        if not (plus1 and plus2 and _KEY_ID_HEX.fullmatch(key_id_hex)):
            raise CryptoError(f"not a witness key (name+keyid+key): {text[:120]!r}")
        raw = decode_base64(key_b64)
        if len(raw) != 33 or raw[0] != COSIGNATURE_V1:
            raise CryptoError(f"not a cosignature/v1 witness key (type 0x04, Ed25519): {text[:120]!r}")
        return cls(name, int(key_id_hex, 16), raw[1:])

    def __str__(self) -> str:
        encoded = base64.b64encode(bytes([COSIGNATURE_V1]) + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id:08x}+{encoded}"

    def __repr__(self) -> str:
        return f"WitnessKey({str(self)!r})"


def signed_message(checkpoint_text: str, timestamp: int) -> bytes:
    """What a cosignature/v1 signs: the header line, `time <t>`, then the checkpoint's note text."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise CryptoError(f"cosignature timestamp out of range: {timestamp}")
    if not checkpoint_text.endswith("\n") or checkpoint_text.count("\n") < 3:
        raise CryptoError("a cosigned checkpoint text has at least three lines, each ending in a newline")
    return f"{HEADER}time {timestamp}\n{checkpoint_text}".encode()


@dataclass(frozen=True)
class Cosignature:
    """One parsed cosignature line: who (name, key id), when (POSIX seconds), and the signature."""

    name: str
    key_id: int
    timestamp: int
    signature: bytes

    @classmethod
    def parse(cls, line: str) -> Cosignature:
        """Read `— <name> base64(keyid || u64 timestamp || signature)`, with or without its newline."""
        text = line[:-1] if line.endswith("\n") else line
        if "\n" in text or not text.startswith(SIGNATURE_PREFIX):
            raise CryptoError(f"not a signature line: {text[:120]!r}")
        name, space, encoded = text[len(SIGNATURE_PREFIX) :].partition(" ")
        if not space:
            raise CryptoError(f"signature line has no signature: {text[:120]!r}")
        _check_name(name)
        raw = decode_base64(encoded)
        if len(raw) != _LINE_BYTES:
            raise CryptoError(f"not a cosignature/v1 by {name!r}: {len(raw)} bytes, not {_LINE_BYTES}")
        timestamp = int.from_bytes(raw[4:12], "big")
        if timestamp > MAX_TIMESTAMP:
            raise CryptoError(f"cosignature by {name!r} has a timestamp beyond 2^63 - 1")
        return cls(name, int.from_bytes(raw[:4], "big"), timestamp, raw[12:])

    def line(self) -> str:
        raw = self.key_id.to_bytes(4, "big") + self.timestamp.to_bytes(8, "big") + self.signature
        return f"{SIGNATURE_PREFIX}{self.name} {base64.b64encode(raw).decode('ascii')}\n"

    def time(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp, UTC)

    def is_by(self, key: WitnessKey) -> bool:
        return (self.name, self.key_id) == (key.name, key.key_id)

    def verifies(self, checkpoint_text: str, key: WitnessKey) -> bool:
        """Whether this is `key`'s valid cosignature of the checkpoint whose note text is given."""
        if not self.is_by(key):
            return False
        try:
            message = signed_message(checkpoint_text, self.timestamp)
            Ed25519PublicKey.from_public_bytes(key.public_key).verify(self.signature, message)
        except (InvalidSignature, ValueError, CryptoError):
            return False
        return True


class Cosigner:
    """A witness's private key and name; its repr shows only the public side."""

    __slots__ = ("_key", "_verifier")

    def __init__(self, name: str, key: Ed25519PrivateKey) -> None:
        self._key = key
        self._verifier = WitnessKey.from_public_key(name, key.public_key())

    def verifier(self) -> WitnessKey:
        return self._verifier

    def cosign(self, checkpoint_text: str, timestamp: int) -> Cosignature:
        signature = self._key.sign(signed_message(checkpoint_text, timestamp))
        return Cosignature(self._verifier.name, self._verifier.key_id, timestamp, signature)

    def __repr__(self) -> str:
        return f"Cosigner({str(self._verifier)!r})"


def verified_lines(checkpoint_text: str, lines: Iterable[str], keys: Iterable[WitnessKey]) -> dict[str, Cosignature]:
    """Of the signature lines, the valid cosignatures by the given keys: str(key) -> its cosignature.

    Lines by other keys are ignored (the spec says clients MUST); a malformed line is skipped.
    When a key cosigned more than once the latest timestamp is kept.
    """
    known = list(keys)
    found: dict[str, Cosignature] = {}
    for line in lines:
        try:
            cosig = Cosignature.parse(line)
        except CryptoError:
            continue
        for key in known:
            if cosig.verifies(checkpoint_text, key):
                kept = found.get(str(key))
                if kept is None or cosig.timestamp > kept.timestamp:
                    found[str(key)] = cosig
    return found
