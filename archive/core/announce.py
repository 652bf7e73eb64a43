"""Key announcements in the ledger, pure: which key signs for the ledger at each size.

The first entry of every ledger announces the vault's verifier key in a note the key signs itself.
A rotation is a `key` entry whose note is signed by the outgoing key and by the new one, so a
verifier that trusts the first key can follow every rotation, and a key nobody announced is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from archive.core.body import KeyBody, parse_body
from archive.core.note import VerifierKey, check_note
from archive.core.strict import RuleError
from archive.errors import CryptoError

ANNOUNCE_HEADER = "archive key announcement"


class KeyRuleError(RuleError):
    """A key entry that does not announce a key properly."""


def announcement_text(origin: str, new: VerifierKey, previous: VerifierKey | None) -> str:
    return f"{ANNOUNCE_HEADER}\norigin {origin}\nkey {new}\nprevious {previous or 'none'}\n"


def key_body(origin: str, new: VerifierKey, previous: VerifierKey | None, note: str) -> KeyBody:
    return KeyBody(origin, str(new), note, str(previous) if previous is not None else None)


@dataclass
class KeyHistory:
    """The keys the ledger announced, with the position of each announcement."""

    origin: str | None = None
    keys: list[tuple[int, VerifierKey]] = field(default_factory=list)

    def apply(self, seq: int, raw: Mapping[str, Any]) -> VerifierKey:
        """Check a `key` entry's body at position `seq` against the keys so far and record it."""
        try:
            body = parse_body("key", raw)
            assert isinstance(body, KeyBody)
            new = VerifierKey.parse(body.verifier_key)
        except (RuleError, CryptoError) as exc:
            raise KeyRuleError(f"malformed key entry: {exc}") from exc
        origin, note = body.origin, body.note
        previous = self.current
        if previous is None and body.previous_key is not None:
            raise KeyRuleError("the first key entry cannot name a previous key")
        if previous is not None:
            if body.previous_key != str(previous):
                raise KeyRuleError(f"a rotation must name the current key {previous}")
            if origin != self.origin:
                raise KeyRuleError(f"origin changed from {self.origin!r} to {origin!r}")
        if new.name != origin:
            raise KeyRuleError("a vault key is named after the vault's origin")
        expected = announcement_text(origin, new, previous)
        signers = [new] if previous is None else [new, previous]
        check = check_note(note, signers)
        if not check or check.note is None or check.note.text != expected:
            raise KeyRuleError(f"key announcement note does not verify: {check.detail or 'wrong text'}")
        if {str(k) for k in check.note.verified_by} != {str(k) for k in signers}:
            raise KeyRuleError("a key announcement is signed by the new key and by the key it replaces")
        self.origin = origin
        self.keys.append((seq, new))
        return new

    @property
    def current(self) -> VerifierKey | None:
        return self.keys[-1][1] if self.keys else None

    def key_for_size(self, size: int) -> VerifierKey | None:
        """The key that signs a checkpoint of `size` entries: the last one announced among them."""
        found = None
        for seq, key in self.keys:
            if seq < size:
                found = key
        return found

    def all(self) -> list[VerifierKey]:
        return [k for _, k in self.keys]
