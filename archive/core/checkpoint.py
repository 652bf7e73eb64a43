"""C2SP tlog-checkpoints (https://c2sp.org/tlog-checkpoint): a log's origin, size and root hash.

A checkpoint travels as the text of a signed note (see `archive.note`).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from archive.core.note import (
    NoteProblem,
    Signer,
    VerifiedNote,
    VerifierKey,
    check_note,
    decode_base64,
    sign_note,
)
from archive.errors import CryptoError

_SIZE = re.compile(r"0|[1-9][0-9]*")  # ASCII digits only: str.isdigit would admit other scripts
_MAX_SIZE = 2**64 - 1  # the uint64 every other implementation parses the size into
# The extension line naming the checkpoint issued before this one: `previous <size>`, or
# `previous none` on the first. A verifier that finds a named predecessor missing knows a
# checkpoint the archive issued was deleted (docs/format.md §12.2).
PREVIOUS = "previous"
NO_PREVIOUS = "none"
FIRST = -1  # what `Checkpoint.previous` returns for `previous none`


def _check_line(line: str, what: str) -> None:
    if not line or "\n" in line:
        raise CryptoError(f"checkpoint {what} must be one non-empty line")


@dataclass(frozen=True)
class Checkpoint:
    """The body of a checkpoint: `origin`, `size`, `base64(root)`, then opaque extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_line(self.origin, "origin")
        for line in self.extensions:
            _check_line(line, "extension")
        if not 0 <= self.size <= _MAX_SIZE:
            raise CryptoError(f"checkpoint size out of range: {self.size}")
        if len(self.root) != 32:
            raise CryptoError("checkpoint root hash must be 32 bytes")

    def to_text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode("ascii")]
        return "".join(f"{line}\n" for line in (*lines, *self.extensions))

    def previous(self) -> int | None:
        """The size of the checkpoint issued before this one, FIRST if it was the first, or None when
        no single well-formed `previous` line says (a checkpoint written before the line existed)."""
        named = [line for line in self.extensions if line.split(" ", 1)[0] == PREVIOUS]
        if len(named) != 1:
            return None
        value = named[0][len(PREVIOUS) + 1 :]
        if value == NO_PREVIOUS:
            return FIRST
        return int(value) if _SIZE.fullmatch(value) and int(value) <= _MAX_SIZE else None

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        if not text.endswith("\n"):
            raise CryptoError("checkpoint text must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CryptoError("checkpoint needs origin, size and root lines")
        origin, size, root, *extensions = lines
        if not _SIZE.fullmatch(size):
            raise CryptoError(f"checkpoint size is not a plain decimal: {size[:40]!r}")
        return cls(origin, int(size), decode_base64(root), tuple(extensions))


class CheckpointProblem(StrEnum):
    """Why a signed checkpoint was refused, beyond the note's own problems."""

    MALFORMED = "checkpoint-malformed"
    WRONG_ORIGIN = "checkpoint-wrong-origin"


@dataclass(frozen=True)
class CheckpointCheck:
    """The outcome of checking a signed checkpoint: `checkpoint` is set exactly when it passed."""

    problem: NoteProblem | CheckpointProblem | None
    detail: str
    checkpoint: Checkpoint | None = None
    note: VerifiedNote | None = None

    def __bool__(self) -> bool:
        return self.problem is None


def previous_line(size: int | None) -> str:
    """The extension line a new checkpoint carries: the size of the one issued before it (None: none was)."""
    return f"{PREVIOUS} {NO_PREVIOUS if size is None else size}"


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    """The checkpoint as a signed note."""
    return sign_note(checkpoint.to_text(), [signer])


def check_checkpoint(note: str | bytes, verifiers: Iterable[VerifierKey], origin: str | None = None) -> CheckpointCheck:
    """Open a signed checkpoint without raising for a bad one; `origin`, if given, must match."""
    result = check_note(note, verifiers)
    if result.note is None:
        return CheckpointCheck(result.problem, result.detail)
    try:
        checkpoint = Checkpoint.parse(result.note.text)
    except CryptoError as exc:
        return CheckpointCheck(CheckpointProblem.MALFORMED, str(exc), note=result.note)
    # A key may sign for several logs; pinning the origin stops one log standing in for another.
    if origin is not None and checkpoint.origin != origin:
        detail = f"checkpoint is for {checkpoint.origin!r}, not {origin!r}"
        return CheckpointCheck(CheckpointProblem.WRONG_ORIGIN, detail, note=result.note)
    return CheckpointCheck(None, "verified", checkpoint, result.note)


def open_checkpoint(note: str | bytes, verifiers: Iterable[VerifierKey], origin: str | None = None) -> Checkpoint:
    """Open a signed checkpoint like `check_checkpoint`, raising CryptoError if it fails."""
    result = check_checkpoint(note, verifiers, origin)
    if result.checkpoint is None:
        raise CryptoError(result.detail)
    return result.checkpoint
