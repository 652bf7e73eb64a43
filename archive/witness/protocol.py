"""The witness's decision on one add-checkpoint request, as a pure function of the request, the
logs it follows and the state it keeps: which HTTP status, which body, and the new state."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from archive.core.checkpoint import Checkpoint, CheckpointProblem, check_checkpoint
from archive.core.cosignature import Cosigner
from archive.core.merkle import verify_consistency
from archive.core.note import NoteProblem, VerifierKey, decode_base64
from archive.errors import CryptoError

MAX_BODY = 64 * 1024  # a checkpoint note with its proof is a few KiB; anything larger is refused
MAX_PROOF_LINES = 63  # the spec's bound on consistency proof lines
SIZE_TYPE = "text/x.tlog.size"
_SIZE = re.compile(r"0|[1-9][0-9]{0,19}")


class RequestError(ValueError):
    """A request body that is not an add-checkpoint request (400)."""


@dataclass(frozen=True)
class Request:
    old: int
    proof: tuple[bytes, ...]
    note: str  # the signed checkpoint note, exactly as sent


@dataclass(frozen=True)
class LogState:
    """What the witness keeps per log: the latest checkpoint it cosigned."""

    origin: str
    size: int
    root: bytes
    note: str


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"


def _text(status: int, message: str) -> Reply:
    return Reply(status, (message + "\n").encode())


def parse_request(body: bytes) -> Request:
    """`old <size>`, up to 63 base64 proof lines, a blank line, then the checkpoint note."""
    if len(body) > MAX_BODY:
        raise RequestError("request body too large")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise RequestError("request body is not UTF-8") from None
    head, blank, note = text.partition("\n\n")
    if not blank or not note:
        raise RequestError("no blank line before the checkpoint")
    lines = head.split("\n")
    old_line, proof_lines = lines[0], lines[1:]
    word, space, size = old_line.partition(" ")
    if word != "old" or not space or not _SIZE.fullmatch(size):
        raise RequestError("the first line is not `old <size>`")
    if len(proof_lines) > MAX_PROOF_LINES:
        raise RequestError(f"more than {MAX_PROOF_LINES} consistency proof lines")
    proof = []
    for line in proof_lines:
        try:
            raw = decode_base64(line)
        except CryptoError:
            raise RequestError("a consistency proof line is not canonical base64") from None
        if len(raw) != 32:
            raise RequestError("a consistency proof hash is not 32 bytes")
        proof.append(raw)
    return Request(int(size), tuple(proof), note)


def _origin_of(note: str) -> str:
    return note.split("\n", 1)[0]


def decide(
    request: Request,
    logs: Mapping[str, Sequence[VerifierKey]],
    state: LogState | None,
    cosigner: Cosigner,
    timestamp: int,
) -> tuple[Reply, LogState | None]:
    """The reply to one request and the state to persist (None: leave the state as it is).

    The checks are those of c2sp.org/tlog-witness, in its order: unknown origin 404, no valid
    signature by a known key 403, old size above the checkpoint's 400, old size not the one
    last cosigned 409 (with that size), same size but another root 409, a consistency proof
    that does not verify 422.
    """
    origin = _origin_of(request.note)
    keys = logs.get(origin)
    if not keys:
        return _text(404, f"unknown log origin {origin[:100]!r}"), None
    check = check_checkpoint(request.note, keys, origin)
    if check.checkpoint is None:
        if check.problem in (CheckpointProblem.MALFORMED, NoteProblem.MALFORMED):
            return _text(400, f"malformed checkpoint: {check.detail}"), None
        return _text(403, f"checkpoint not signed by a known key of {origin!r}"), None
    checkpoint: Checkpoint = check.checkpoint
    if request.old > checkpoint.size:
        return _text(400, f"old size {request.old} is larger than the checkpoint's {checkpoint.size}"), None
    known = 0 if state is None else state.size
    if request.old != known:
        return Reply(409, f"{known}\n".encode(), SIZE_TYPE), None
    if request.old == 0:
        if request.proof:
            return _text(422, "a consistency proof from size 0 must be empty"), None
    elif state is not None and request.old == checkpoint.size:
        if request.proof:
            return _text(422, "a consistency proof between equal sizes must be empty"), None
        if checkpoint.root != state.root:
            return Reply(409, f"{known}\n".encode(), SIZE_TYPE), None
    elif state is not None and not verify_consistency(
        request.old, checkpoint.size, request.proof, state.root, checkpoint.root
    ):
        return _text(422, f"the consistency proof from size {request.old} does not verify"), None
    text = request.note[: request.note.rfind("\n\n") + 1]
    line = cosigner.cosign(text, timestamp).line()
    return Reply(200, line.encode()), LogState(origin, checkpoint.size, checkpoint.root, request.note)
