"""The witness's decision on add-checkpoint requests (c2sp.org/tlog-witness), request by request:
the statuses the spec names, and the state kept only when it cosigns."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from archive.core.checkpoint import Checkpoint, sign_checkpoint
from archive.core.cosignature import Cosignature, Cosigner
from archive.core.merkle import consistency_proof_from_leaves, root
from archive.core.note import Signer
from archive.witness.protocol import LogState, Request, RequestError, decide, parse_request

ORIGIN = "example.org/log"
LOG = Signer(ORIGIN, Ed25519PrivateKey.generate())
OTHER = Signer(ORIGIN, Ed25519PrivateKey.generate())  # same origin, a key the witness does not trust
WITNESS = Cosigner("witness.example/w", Ed25519PrivateKey.generate())
LOGS = {ORIGIN: [LOG.verifier()]}
LEAVES = [hashlib.sha256(bytes([i])).digest() for i in range(8)]


def note(size: int, leaves: list[bytes] = LEAVES, signer: Signer = LOG) -> str:
    return sign_checkpoint(Checkpoint(ORIGIN, size, root(leaves[:size])), signer)


def state(size: int) -> LogState:
    return LogState(ORIGIN, size, root(LEAVES[:size]), note(size))


def body(old: int, proof: list[bytes], signed: str) -> bytes:
    return ("".join([f"old {old}\n", *(base64.b64encode(h).decode() + "\n" for h in proof), "\n"]) + signed).encode()


def test_the_first_checkpoint_is_cosigned_and_kept() -> None:
    reply, new = decide(parse_request(body(0, [], note(3))), LOGS, None, WITNESS, 1700000000)
    assert reply.status == 200 and new is not None and new.size == 3
    cosig = Cosignature.parse(reply.body.decode())
    assert cosig.timestamp == 1700000000
    assert cosig.verifies(note(3)[: note(3).rfind("\n\n") + 1], WITNESS.verifier())


def test_an_extension_with_a_consistency_proof_is_cosigned() -> None:
    proof = consistency_proof_from_leaves(3, LEAVES[:7])
    reply, new = decide(parse_request(body(3, proof, note(7))), LOGS, state(3), WITNESS, 1)
    assert reply.status == 200 and new is not None and new.size == 7


def test_a_proof_that_does_not_verify_is_422_and_nothing_is_kept() -> None:
    proof = consistency_proof_from_leaves(3, LEAVES[:7])
    proof[0] = bytes(32)
    reply, new = decide(parse_request(body(3, proof, note(7))), LOGS, state(3), WITNESS, 1)
    assert (reply.status, new) == (422, None)


def test_an_old_size_that_is_not_the_one_kept_is_409_with_the_kept_size() -> None:
    reply, new = decide(parse_request(body(0, [], note(7))), LOGS, state(3), WITNESS, 1)
    assert (reply.status, reply.body, reply.content_type, new) == (409, b"3\n", "text/x.tlog.size", None)


def test_the_same_size_with_another_root_is_409() -> None:
    forked = [*LEAVES[:2], hashlib.sha256(b"fork").digest()]
    reply, new = decide(parse_request(body(3, [], note(3, forked))), LOGS, state(3), WITNESS, 1)
    assert (reply.status, new) == (409, None)


@pytest.mark.parametrize(
    ("request_body", "status"),
    [
        (body(0, [], note(3, signer=OTHER)), 403),
        (body(0, [], note(3).replace(ORIGIN, "example.org/unknown")), 404),
        (body(5, [], note(3)), 400),
    ],
    ids=["unknown key", "unknown origin", "old above size"],
)
def test_the_refusals_the_spec_names(request_body: bytes, status: int) -> None:
    reply, new = decide(parse_request(request_body), LOGS, None, WITNESS, 1)
    assert (reply.status, new) == (status, None)


@pytest.mark.parametrize(
    "raw",
    [b"old 01\n\nx", b"new 1\n\nx", b"old 1\nnot base64!\n\nx", b"old 1\n" + b"AAAA\n" * 64 + b"\nx", b"old 1\n"],
    ids=["leading zero", "not old", "bad proof line", "too many proof lines", "no checkpoint"],
)
def test_malformed_requests_are_refused(raw: bytes) -> None:
    with pytest.raises(RequestError):
        parse_request(raw)


def test_a_request_parses_exactly() -> None:
    proof = consistency_proof_from_leaves(3, LEAVES[:7])
    assert parse_request(body(3, proof, note(7))) == Request(3, tuple(proof), note(7))
