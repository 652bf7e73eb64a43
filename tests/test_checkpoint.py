"""Checkpoints: the tessera test log's signed checkpoints, tampering, and strict body parsing."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from conftest import vectors_dir
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from archive.core.checkpoint import (
    Checkpoint,
    CheckpointProblem,
    check_checkpoint,
    open_checkpoint,
    sign_checkpoint,
)
from archive.core.note import NoteProblem, Signer, VerifierKey, sign_note
from archive.errors import CryptoError

LOG = vectors_dir() / "signed-note" / "tessera-log"
CHECKPOINTS = sorted(LOG.glob("checkpoint.*"), key=lambda p: int(p.suffix[1:]))
ROOT = base64.b64encode(bytes(32)).decode()


def _log_key() -> VerifierKey:
    """The README gives the log's verifier key in its text; read it there so the two stay one."""
    found = re.search(r"`(\S+\+[0-9a-f]{8}\+\S+)`", (LOG / "README.md").read_text())
    assert found is not None
    return VerifierKey.parse(found.group(1))


LOG_KEY = _log_key()


def _entries() -> list[bytes]:
    data = (LOG / "entries.bin").read_bytes()
    entries = []
    while data:
        size = int.from_bytes(data[:2], "big")
        entries.append(data[2 : 2 + size])
        data = data[2 + size :]
    return entries


def _mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 Merkle tree hash, written out here so these tests do not lean on archive.merkle."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    split = 1 << ((len(leaves) - 1).bit_length() - 1)  # largest power of two below the size
    return hashlib.sha256(b"\x01" + _mth(leaves[:split]) + _mth(leaves[split:])).digest()


def test_the_test_log_is_complete() -> None:
    assert len(_entries()) == 15
    assert [int(p.suffix[1:]) for p in CHECKPOINTS] == list(range(16))


@pytest.mark.parametrize("path", CHECKPOINTS, ids=lambda p: p.name)
def test_tessera_checkpoints_open_and_match_the_entries(path: Path) -> None:
    size = int(path.suffix[1:])
    note = path.read_text(encoding="utf-8")
    checkpoint = open_checkpoint(note, [LOG_KEY], origin=LOG_KEY.name)
    assert checkpoint.origin == LOG_KEY.name
    assert checkpoint.size == size
    assert checkpoint.root == _mth(_entries()[:size])
    assert checkpoint.extensions == ()
    # Formatting is exact: re-serialising gives the very bytes the log signed.
    assert note.startswith(checkpoint.to_text() + "\n\u2014 ")


def _last() -> str:
    return CHECKPOINTS[-1].read_text(encoding="utf-8")


def test_resigned_with_another_key_fails() -> None:
    checkpoint = open_checkpoint(_last(), [LOG_KEY])
    impostor = Signer(LOG_KEY.name, Ed25519PrivateKey.generate())
    resigned = sign_checkpoint(checkpoint, impostor)
    assert check_checkpoint(resigned, [LOG_KEY]).problem is NoteProblem.UNVERIFIED
    # Claiming the log's key id does not help: a known key's signature must verify.
    payload = LOG_KEY.key_id.to_bytes(4, "big") + impostor.sign(checkpoint.to_text().encode())
    forged = f"{checkpoint.to_text()}\n\u2014 {LOG_KEY.name} {base64.b64encode(payload).decode()}\n"
    assert check_checkpoint(forged, [LOG_KEY]).problem is NoteProblem.BAD_SIGNATURE


def test_edited_size_or_root_fails() -> None:
    note = _last()
    checkpoint = open_checkpoint(note, [LOG_KEY])
    root_b64 = base64.b64encode(checkpoint.root).decode()
    other_root = base64.b64encode(_mth(_entries()[:14])).decode()
    for edited in (
        note.replace("\n15\n", "\n14\n", 1),
        note.replace(root_b64, other_root, 1),
    ):
        assert edited != note
        assert check_checkpoint(edited, [LOG_KEY]).problem is NoteProblem.BAD_SIGNATURE
        with pytest.raises(CryptoError):
            open_checkpoint(edited, [LOG_KEY])


def test_wrong_origin_fails() -> None:
    result = check_checkpoint(_last(), [LOG_KEY], origin="example.com/another-log")
    assert result.problem is CheckpointProblem.WRONG_ORIGIN
    assert result.checkpoint is None


def test_a_signed_note_that_is_not_a_checkpoint_fails() -> None:
    signer = Signer("example.com/log", Ed25519PrivateKey.generate())
    note = sign_note(f"example.com/log\n01\n{ROOT}\n", [signer])
    assert check_checkpoint(note, [signer.verifier()]).problem is CheckpointProblem.MALFORMED


BAD_BODIES = {
    "no final newline": f"o\n1\n{ROOT}",
    "two lines": "o\n1\n",
    "empty origin": f"\n1\n{ROOT}\n",
    "leading zero": f"o\n01\n{ROOT}\n",
    "sign": f"o\n+1\n{ROOT}\n",
    "negative": f"o\n-1\n{ROOT}\n",
    "space": f"o\n 1\n{ROOT}\n",
    "non-ASCII digit": f"o\n\u0661\n{ROOT}\n",
    "over uint64": f"o\n{2**64}\n{ROOT}\n",
    "short root": f"o\n1\n{base64.b64encode(bytes(31)).decode()}\n",
    "root not base64": f"o\n1\n{ROOT[:-1]}!\n",
    "empty extension": f"o\n1\n{ROOT}\n\n",
}


@pytest.mark.parametrize("text", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_malformed_bodies_are_refused(text: str) -> None:
    with pytest.raises(CryptoError):
        Checkpoint.parse(text)


def test_size_zero_and_largest_size_parse() -> None:
    assert Checkpoint.parse(f"o\n0\n{ROOT}\n").size == 0
    assert Checkpoint.parse(f"o\n{2**64 - 1}\n{ROOT}\n").size == 2**64 - 1


_LINE = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters=[chr(i) for i in range(32)]),
    min_size=1,
)


@given(
    origin=_LINE,
    size=st.integers(0, 2**64 - 1),
    root=st.binary(min_size=32, max_size=32),
    extensions=st.lists(_LINE, max_size=3).map(tuple),
)
def test_body_round_trips(origin: str, size: int, root: bytes, extensions: tuple[str, ...]) -> None:
    checkpoint = Checkpoint(origin, size, root, extensions)
    assert Checkpoint.parse(checkpoint.to_text()) == checkpoint


def test_sign_then_open_keeps_extensions() -> None:
    signer = Signer("example.com/ours", Ed25519PrivateKey.generate())
    checkpoint = Checkpoint("example.com/ours", 3, bytes(range(32)), ("ext one", "ext two"))
    note = sign_checkpoint(checkpoint, signer)
    assert open_checkpoint(note, [signer.verifier()], origin="example.com/ours") == checkpoint
