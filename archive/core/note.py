"""C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys only.

Verifier keys in their text form, signing a text, and opening a note against pinned keys.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from archive.errors import CryptoError

ED25519 = 0x01  # the signature type byte the spec assigns to Ed25519
# The spec asks for a cap of at least 16; 100 is what golang.org/x/mod/sumdb/note allows.
MAX_SIGNATURES = 100
SIGNATURE_PREFIX = "\u2014 "  # EM DASH, then a space

_KEY_ID_HEX = re.compile(r"[0-9a-f]{8}")
_FORBIDDEN_CONTROL = re.compile(rb"[\x00-\x09\x0b-\x1f]")  # every ASCII control but newline


def decode_base64(text: str) -> bytes:
    """Decode standard base64 strictly: only the canonical spelling, so one value has one form."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise CryptoError(f"not valid base64: {text[:80]!r}") from None
    # Python accepts non-zero padding bits; re-encoding catches those second spellings.
    if base64.b64encode(raw).decode("ascii") != text:
        raise CryptoError(f"not canonical base64: {text[:80]!r}")
    return raw


def _encode_base64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _check_name(name: str) -> None:
    # Control characters and lone surrogates could never appear in a valid note either.
    bad = any(ch.isspace() or ch < " " or "\ud800" <= ch <= "\udfff" for ch in name)
    if not name or bad or "+" in name:
        raise CryptoError(f"invalid key name {name[:80]!r}: need non-empty, no spaces, no '+'")


def _key_id(name: str, public_key: bytes) -> int:
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def _note_text_bytes(text: str) -> bytes:
    """The bytes a signature covers; refuses texts that could not be parsed back unchanged."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise CryptoError("note text is not valid Unicode") from None
    if not data.endswith(b"\n"):
        raise CryptoError("note text must end with a newline")
    if _FORBIDDEN_CONTROL.search(data):
        raise CryptoError("note text must not contain control characters other than newline")
    return data


@dataclass(frozen=True, repr=False)
class VerifierKey:
    """A named Ed25519 public key, as `name+keyid+base64(0x01 || key)`; always self-consistent."""

    name: str
    key_id: int
    public_key: bytes  # the raw 32-byte Ed25519 key, without the type byte

    def __post_init__(self) -> None:
        _check_name(self.name)
        if len(self.public_key) != 32:
            raise CryptoError("an Ed25519 public key is 32 bytes")
        if self.key_id != _key_id(self.name, self.public_key):
            raise CryptoError(f"key id {self.key_id:08x} does not match key {self.name!r}")

    @classmethod
    def from_public_key(cls, name: str, key: Ed25519PublicKey) -> VerifierKey:
        _check_name(name)
        raw = key.public_bytes_raw()
        return cls(name, _key_id(name, raw), raw)

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        name, plus1, rest = text.partition("+")
        key_id_hex, plus2, key_b64 = rest.partition("+")
        if not (plus1 and plus2 and _KEY_ID_HEX.fullmatch(key_id_hex)):
            raise CryptoError(f"not a verifier key (name+keyid+key): {text[:120]!r}")
        raw = decode_base64(key_b64)
        if len(raw) != 33 or raw[0] != ED25519:
            raise CryptoError(f"not an Ed25519 verifier key: {text[:120]!r}")
        return cls(name, int(key_id_hex, 16), raw[1:])

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether `signature` is this key's Ed25519 signature of `message`."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True

    def __str__(self) -> str:
        return f"{self.name}+{self.key_id:08x}+{_encode_base64(bytes([ED25519]) + self.public_key)}"

    def __repr__(self) -> str:
        return f"VerifierKey({str(self)!r})"


class Signer:
    """A named Ed25519 private key that signs note texts; its repr shows only the public side."""

    __slots__ = ("_key", "_verifier")

    def __init__(self, name: str, key: Ed25519PrivateKey) -> None:
        self._key = key
        self._verifier = VerifierKey.from_public_key(name, key.public_key())

    @property
    def name(self) -> str:
        return self._verifier.name

    def verifier(self) -> VerifierKey:
        return self._verifier

    def sign(self, message: bytes) -> bytes:
        """The bare 64-byte Ed25519 signature of `message` (RFC 8032)."""
        return self._key.sign(message)

    def sign_line(self, text: str) -> str:
        """The signature line for note `text`, newline included."""
        raw = self._verifier.key_id.to_bytes(4, "big") + self.sign(_note_text_bytes(text))
        return f"{SIGNATURE_PREFIX}{self.name} {_encode_base64(raw)}\n"

    def __repr__(self) -> str:
        return f"Signer({str(self._verifier)!r})"


def sign_note(text: str, signers: Iterable[Signer]) -> str:
    """Sign `text` (which must end with a newline) by each signer, giving the full note."""
    lines = [signer.sign_line(text) for signer in signers]
    if not 1 <= len(lines) <= MAX_SIGNATURES:
        raise CryptoError(f"a note needs 1 to {MAX_SIGNATURES} signers, got {len(lines)}")
    return text + "\n" + "".join(lines)


@dataclass(frozen=True)
class VerifiedNote:
    """A note's text, with the known keys that signed it and the unknown signers it also names."""

    text: str
    verified_by: tuple[VerifierKey, ...]
    unknown: tuple[tuple[str, int], ...]  # (key name, key id) of signatures that were not checked


class NoteProblem(StrEnum):
    """Why a note was refused; stable codes for callers and tests."""

    MALFORMED = "note-malformed"
    BAD_SIGNATURE = "note-bad-signature"  # a known key's signature does not verify
    UNVERIFIED = "note-unverified"  # no signature from any known key


@dataclass(frozen=True)
class NoteCheck:
    """The outcome of checking a note: `note` is set exactly when `problem` is None."""

    problem: NoteProblem | None
    detail: str
    note: VerifiedNote | None = None

    def __bool__(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class _Signature:
    name: str
    key_id: int
    signature: bytes


def _split(note: str | bytes) -> tuple[bytes, list[_Signature]]:
    """Split a note into its text and signatures, refusing anything the spec does not allow."""
    try:
        data = note.encode("utf-8") if isinstance(note, str) else note
        data.decode("utf-8")
    except UnicodeError:
        raise CryptoError("note is not valid UTF-8") from None
    if _FORBIDDEN_CONTROL.search(data):
        raise CryptoError("note contains control characters other than newline")
    # The text may hold blank lines itself; only the last one separates the signatures.
    split = data.rfind(b"\n\n")
    if split < 0:
        raise CryptoError("note has no blank line before its signatures")
    text, block = data[: split + 1], data[split + 2 :]
    if not block.endswith(b"\n"):
        raise CryptoError("note must end with a signature line and a newline")
    lines = block[:-1].decode("utf-8").split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise CryptoError(f"note has more than {MAX_SIGNATURES} signatures")
    signatures = []
    for line in lines:
        if not line.startswith(SIGNATURE_PREFIX):
            raise CryptoError(f"not a signature line: {line[:120]!r}")
        name, space, sig_b64 = line[len(SIGNATURE_PREFIX) :].partition(" ")
        if not space:
            raise CryptoError(f"signature line has no signature: {line[:120]!r}")
        _check_name(name)
        raw = decode_base64(sig_b64)
        if len(raw) < 5:
            raise CryptoError(f"signature by {name!r} is too short")
        signatures.append(_Signature(name, int.from_bytes(raw[:4], "big"), raw[4:]))
    return text, signatures


def _index(verifiers: Iterable[VerifierKey]) -> dict[tuple[str, int], VerifierKey]:
    known: dict[tuple[str, int], VerifierKey] = {}
    for key in verifiers:
        if known.setdefault((key.name, key.key_id), key) != key:
            # Which of the two to trust is the caller's decision, not ours.
            raise CryptoError(f"two different verifier keys share name and id: {key.name!r}")
    return known


def check_note(note: str | bytes, verifiers: Iterable[VerifierKey]) -> NoteCheck:
    """Check a note against known keys without raising for a bad note.

    Signatures by unknown keys are skipped and reported; every signature by a known key must
    verify, and at least one must be present. Raises CryptoError only when two of the given
    verifier keys share a name and key id but differ.
    """
    known = _index(verifiers)
    try:
        text, signatures = _split(note)
    except CryptoError as exc:
        return NoteCheck(NoteProblem.MALFORMED, str(exc))
    verified: list[VerifierKey] = []
    unknown: list[tuple[str, int]] = []
    for sig in signatures:
        key = known.get((sig.name, sig.key_id))
        if key is None:
            if (sig.name, sig.key_id) not in unknown:
                unknown.append((sig.name, sig.key_id))
        elif not key.verify(text, sig.signature):
            return NoteCheck(NoteProblem.BAD_SIGNATURE, f"the signature by {key} does not verify")
        elif key not in verified:
            verified.append(key)
    if not verified:
        signers = ", ".join(f"{name}+{key_id:08x}" for name, key_id in unknown)
        detail = f"no signature by a known key (signed by {signers})"
        return NoteCheck(NoteProblem.UNVERIFIED, detail)
    opened = VerifiedNote(text.decode("utf-8"), tuple(verified), tuple(unknown))
    return NoteCheck(None, "verified", opened)


def open_note(note: str | bytes, verifiers: Iterable[VerifierKey]) -> VerifiedNote:
    """Check a note like `check_note`, returning its text or raising CryptoError."""
    result = check_note(note, verifiers)
    if result.note is None:
        raise CryptoError(result.detail)
    return result.note
