"""C2SP tlog-cosignature cosignature/v1: known-answer vectors from the spec and the Go reference
implementation (transparency-dev/formats), and the properties a verifier relies on."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from lib import RFC8032_SEED

from archive.core.cosignature import Cosignature, Cosigner, WitnessKey, signed_message, verified_lines
from archive.core.note import VerifierKey, check_note
from archive.errors import CryptoError

# A real witness's verifier key, from transparency-dev/formats note/note_cosigv1_test.go.
REMORA = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"
# A cosignature from the same file, whose timestamp the Go code reads as 1727964367.
GO_COSIGNATURE = (
    "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA=="
)
CHECKPOINT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"


def test_a_real_witness_key_parses_and_its_key_id_is_the_spec_hash() -> None:
    key = WitnessKey.parse(REMORA)
    raw = base64.b64decode(REMORA.split("+", 2)[2])
    assert raw[0] == 0x04
    expected = hashlib.sha256(b"remora.n621.de\n\x04" + raw[1:]).digest()[:4]
    assert key.key_id == int.from_bytes(expected, "big") == 0xDA77ADE7
    assert str(key) == REMORA


def test_an_ordinary_note_key_is_not_a_witness_key_and_a_wrong_key_id_is_refused() -> None:
    public = Ed25519PrivateKey.from_private_bytes(RFC8032_SEED).public_key()
    with pytest.raises(CryptoError):
        WitnessKey.parse(str(VerifierKey.from_public_key("w.example", public)))
    with pytest.raises(CryptoError):
        WitnessKey.parse("remora.n621.de+00000000+" + REMORA.split("+", 2)[2])


def test_the_go_reference_cosignature_reads_with_its_timestamp() -> None:
    cosig = Cosignature.parse(f"\u2014 witness.example {GO_COSIGNATURE}\n")
    assert cosig.timestamp == 1727964367
    assert cosig.key_id == 0x646846B9
    assert cosig.line() == f"\u2014 witness.example {GO_COSIGNATURE}\n"


def test_the_signed_message_is_the_spec_example() -> None:
    expected = (
        b"cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
        b"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )
    assert signed_message(CHECKPOINT, 1679315147) == expected


def test_a_cosignature_verifies_as_ed25519_over_the_spec_message_and_not_otherwise() -> None:
    private = Ed25519PrivateKey.from_private_bytes(RFC8032_SEED)
    cosigner = Cosigner("witness.example/w1", private)
    cosig = cosigner.cosign(CHECKPOINT, 1679315147)
    raw = base64.b64decode(cosig.line().rsplit(" ", 1)[1])
    assert raw[4:12] == (1679315147).to_bytes(8, "big")
    # An outside check with the bare primitive: the signature is over exactly the spec's message.
    Ed25519PublicKey.from_public_bytes(private.public_key().public_bytes_raw()).verify(
        raw[12:], signed_message(CHECKPOINT, 1679315147)
    )
    key = cosigner.verifier()
    assert cosig.verifies(CHECKPOINT, key)
    assert not cosig.verifies(CHECKPOINT.replace("20852163", "20852164"), key)
    later = Cosignature(cosig.name, cosig.key_id, cosig.timestamp + 1, cosig.signature)
    assert not later.verifies(CHECKPOINT, key)


def test_a_cosignature_is_not_a_note_signature_of_the_same_key() -> None:
    private = Ed25519PrivateKey.from_private_bytes(RFC8032_SEED)
    line = Cosigner("w.example", private).cosign(CHECKPOINT, 1).line()
    as_note_key = VerifierKey.from_public_key("w.example", private.public_key())
    assert not check_note(CHECKPOINT + "\n" + line, [as_note_key])


def test_verified_lines_ignore_unknown_and_malformed_lines_and_keep_the_latest() -> None:
    one = Cosigner("w1.example", Ed25519PrivateKey.generate())
    two = Cosigner("w2.example", Ed25519PrivateKey.generate())
    lines = [
        one.cosign(CHECKPOINT, 5).line(),
        one.cosign(CHECKPOINT, 9).line(),
        two.cosign(CHECKPOINT, 7).line(),
        "\u2014 w1.example not-base64\n",
        "garbage",
    ]
    found = verified_lines(CHECKPOINT, lines, [one.verifier()])
    assert list(found) == [str(one.verifier())]
    assert found[str(one.verifier())].timestamp == 9


@pytest.mark.parametrize("text", ["example.com/x\n1\n", "no newline", ""])
def test_a_checkpoint_text_must_be_three_lines_each_ending_in_a_newline(text: str) -> None:
    with pytest.raises(CryptoError):
        signed_message(text, 1)
