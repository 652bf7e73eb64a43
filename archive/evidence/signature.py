"""A manifest's signature over its whole content: a C2SP signed note, by the key that signs its
checkpoint, over the SHA-256 of the manifest's RFC 8785 canonical JSON without `signature`.

The canonical form sorts members, so the digest is fed member by member and item by item in that
order: a writer hashes each item as it writes it, and a checker hashes a parsed manifest without
serialising it whole. The file itself need not be canonical.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from archive.core.canonical import canonical_bytes
from archive.core.note import Signer, VerifierKey, check_note, sign_note

SIGNATURE = "signature"  # the member that holds the note, left out of what it signs
ITEMS = "items"
NOTE_HEADER = "archive-manifest-signature/v1"  # first line; no checkpoint parses as this


def _order(key: str) -> bytes:
    return key.encode("utf-16-be")  # RFC 8785 sorts member names by their UTF-16 code units


class ManifestHasher:
    """SHA-256 of a manifest's canonical JSON, fed its header members at once and its items one by one."""

    __slots__ = ("_after", "_count", "_header", "_sha")

    def __init__(self, header: Mapping[str, Any]) -> None:
        names = sorted({*header, ITEMS} - {SIGNATURE}, key=_order)
        at = names.index(ITEMS)
        self._header = header
        self._after = names[at + 1 :]
        self._sha = hashlib.sha256(b"{")
        for i, name in enumerate(names[:at]):
            self._member(name, first=i == 0)
        self._sha.update(b'"items":[' if at == 0 else b',"items":[')
        self._count = 0

    def _member(self, name: str, *, first: bool) -> None:
        self._sha.update(b"" if first else b",")
        self._sha.update(canonical_bytes(name) + b":" + canonical_bytes(self._header[name]))

    def item(self, item: Any) -> None:
        """Feed the next item, in the order the manifest lists them."""
        self._sha.update(b"," + canonical_bytes(item) if self._count else canonical_bytes(item))
        self._count += 1

    def digest(self) -> bytes:
        """The digest, once every item is in (the hasher is spent afterwards)."""
        self._sha.update(b"]")
        for name in self._after:
            self._member(name, first=False)
        self._sha.update(b"}")
        return self._sha.digest()


def manifest_digest(doc: Mapping[str, Any]) -> bytes:
    """The digest a manifest's signature covers, from the parsed document."""
    hasher = ManifestHasher({k: v for k, v in doc.items() if k != ITEMS})
    for item in doc[ITEMS]:
        hasher.item(item)
    return hasher.digest()


def note_text(origin: str, digest: bytes) -> str:
    """The text of the signed note: a header line, the vault's origin, and the digest."""
    return f"{NOTE_HEADER}\n{origin}\nsha256 {digest.hex()}\n"


def sign_manifest(origin: str, digest: bytes, signer: Signer) -> str:
    return sign_note(note_text(origin, digest), [signer])


def signature_problem(note: str, origin: str, digest: bytes, keys: Sequence[VerifierKey]) -> str | None:
    """Why `note` is not a signature by one of `keys` over exactly this manifest's digest; None if it is."""
    result = check_note(note, keys)
    if result.note is None:
        return result.detail
    if result.note.text != note_text(origin, digest):
        return "the signature is over other content than this manifest holds"
    return None
