"""Signed notes: the public C2SP vectors, tampering, strict parsing, and the Ed25519 primitive."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from conftest import vectors_dir
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from archive.core.note import (
    MAX_SIGNATURES,
    NoteProblem,
    Signer,
    VerifierKey,
    check_note,
    open_note,
    sign_note,
)
from archive.errors import CryptoError

NOTE_VECTORS: list[dict[str, Any]] = json.loads(
    (vectors_dir() / "signed-note" / "notes.json").read_text(encoding="utf-8")
)

# One key for every test that needs a fresh signer: key generation is not what is under test.
ALICE = Signer("example.com/alice", Ed25519PrivateKey.generate())
BOB = Signer("example.com/bob", Ed25519PrivateKey.generate())


def _sig_line(name: str, payload: bytes) -> str:
    return f"\u2014 {name} {base64.b64encode(payload).decode()}\n"


@pytest.mark.parametrize("case", NOTE_VECTORS, ids=lambda case: case["source"])
def test_public_vectors(case: dict[str, Any]) -> None:
    key = VerifierKey.parse(case["vkey"])
    assert str(key) == case["vkey"]
    assert bool(check_note(case["note"], [key])) is case["valid"]


@pytest.mark.parametrize("case", NOTE_VECTORS, ids=lambda case: case["source"])
def test_public_vectors_tampered(case: dict[str, Any]) -> None:
    key = VerifierKey.parse(case["vkey"])
    note: str = case["note"]
    text, _, sigs = note.rpartition("\n\n")
    flipped = "X" if text[0] != "X" else "Y"
    assert check_note(flipped + note[1:], [key]).problem is NoteProblem.BAD_SIGNATURE

    raw = base64.b64decode(sigs.split(" ")[-1])
    name = sigs.split(" ")[1]
    bad_sig = raw[:-1] + bytes([raw[-1] ^ 1])
    tampered = f"{text}\n\n{_sig_line(name, bad_sig)}"
    assert check_note(tampered, [key]).problem is NoteProblem.BAD_SIGNATURE

    # A different key under the same name has another key id, so its signature is not checked.
    other = Signer(key.name, Ed25519PrivateKey.generate()).verifier()
    assert check_note(note, [other]).problem is NoteProblem.UNVERIFIED


def test_rfc8032_test_1() -> None:
    secret = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    public = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    expected = bytes.fromhex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
        "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )
    signer = Signer("rfc8032", Ed25519PrivateKey.from_private_bytes(secret))
    assert signer.verifier().public_key == public
    assert signer.sign(b"") == expected
    assert signer.verifier().verify(b"", expected)


def test_sign_line_is_key_id_and_signature_over_the_text() -> None:
    text = "hello\n"
    line = ALICE.sign_line(text)
    prefix = f"\u2014 {ALICE.name} "
    assert line.startswith(prefix) and line.endswith("\n")
    raw = base64.b64decode(line[len(prefix) :])
    assert int.from_bytes(raw[:4], "big") == ALICE.verifier().key_id
    assert ALICE.verifier().verify(text.encode(), raw[4:])


# Any text the spec allows: valid UTF-8 with no control characters but newline.
_CONTROLS = [chr(i) for i in range(32)]
_CHARACTER = st.characters(codec="utf-8", exclude_characters=_CONTROLS) | st.just("\n")
_NOTE_TEXT = st.text(alphabet=_CHARACTER).map(lambda s: s + "\n")


@given(_NOTE_TEXT)
def test_sign_then_open_round_trips(text: str) -> None:
    note = sign_note(text, [ALICE])
    opened = open_note(note, [ALICE.verifier()])
    assert opened.text == text
    assert opened.verified_by == (ALICE.verifier(),)
    assert open_note(note.encode(), [ALICE.verifier()]).text == text


def test_unknown_signers_are_ignored_and_reported() -> None:
    note = sign_note("two signers\n", [ALICE, BOB])
    opened = open_note(note, [BOB.verifier()])
    assert opened.verified_by == (BOB.verifier(),)
    assert opened.unknown == ((ALICE.name, ALICE.verifier().key_id),)
    assert check_note(note, []).problem is NoteProblem.UNVERIFIED


def test_every_signature_by_a_known_key_must_verify() -> None:
    text = "text\n"
    forged = _sig_line(ALICE.name, ALICE.verifier().key_id.to_bytes(4, "big") + BOB.sign(b"x"))
    note = sign_note(text, [ALICE]) + forged
    assert check_note(note, [ALICE.verifier()]).problem is NoteProblem.BAD_SIGNATURE


def test_open_note_raises() -> None:
    note = sign_note("text\n", [ALICE])
    with pytest.raises(CryptoError):
        open_note(note, [BOB.verifier()])
    with pytest.raises(CryptoError):
        open_note("no signatures\n", [ALICE.verifier()])


def _unknown_lines(count: int) -> str:
    return _sig_line("example.com/stranger", bytes(4) + bytes(64)) * count


def test_signature_limit() -> None:
    signed = sign_note("text\n", [ALICE])
    at_limit = signed + _unknown_lines(MAX_SIGNATURES - 1)
    assert check_note(at_limit, [ALICE.verifier()])
    over = signed + _unknown_lines(MAX_SIGNATURES)
    assert check_note(over, [ALICE.verifier()]).problem is NoteProblem.MALFORMED


_SIMPLE = sign_note("text\n", [ALICE])
_GOOD = sign_note("line one\n\nline three\n", [ALICE])
_SIG_B64 = _GOOD.rsplit(" ", 1)[1].rstrip("\n")


def _noncanonical(b64: str) -> str:
    # 68 bytes encode with one '=' and two spare bits in the last symbol; set one of them.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = b64[-2]
    return b64[:-2] + alphabet[alphabet.index(last) | 1] + "="


MALFORMED: dict[str, str | bytes] = {
    "no blank line": _SIMPLE.replace("\n\n", "\n"),
    "no final newline": _GOOD.rstrip("\n"),
    "no signatures": "line\n\n",
    "hyphen, not em dash": _GOOD.replace("\u2014", "-"),
    "no space after name": _GOOD.replace(f"{ALICE.name} ", ALICE.name),
    "bad base64": _GOOD.replace(_SIG_B64, _SIG_B64[:-2] + "!="),
    "unpadded base64": _GOOD.replace(_SIG_B64, _SIG_B64.rstrip("=")),
    "non-canonical base64": _GOOD.replace(_SIG_B64, _noncanonical(_SIG_B64)),
    "signature too short": "text\n\n" + _sig_line(ALICE.name, bytes(4)),
    "name with plus": "text\n\n" + _sig_line("a+b", bytes(68)),
    "carriage return": _GOOD.replace("line one\n", "line one\r\n"),
    "tab in text": _GOOD.replace("line one", "line\tone"),
    "not UTF-8": _GOOD.encode().replace(b"line one", b"line \xff"),
    "lone surrogate": _GOOD.replace("line one", "line \ud800"),
}


@pytest.mark.parametrize("note", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_notes_are_refused(note: str | bytes) -> None:
    assert check_note(note, [ALICE.verifier()]).problem is NoteProblem.MALFORMED


def test_the_text_may_contain_blank_lines() -> None:
    assert open_note(_GOOD, [ALICE.verifier()]).text == "line one\n\nline three\n"


@pytest.mark.parametrize("text", ["no newline", "a\tb\n", "nul\x00\n", "\ud800\n"])
def test_signing_refuses_texts_that_cannot_round_trip(text: str) -> None:
    with pytest.raises(CryptoError):
        sign_note(text, [ALICE])


def test_signing_needs_a_signer() -> None:
    with pytest.raises(CryptoError):
        sign_note("text\n", [])


def test_verifier_key_round_trip_and_key_id() -> None:
    key = ALICE.verifier()
    assert VerifierKey.parse(str(key)) == key
    name, key_id, _ = str(key).split("+", 2)
    assert name == ALICE.name and key_id == f"{key.key_id:08x}"


_VKEY = NOTE_VECTORS[0]["vkey"]
_NAME, _ID, _B64 = _VKEY.split("+", 2)
_RAW = base64.b64decode(_B64)
BAD_VKEYS = {
    "key id mismatch": f"{_NAME}+{int(_ID, 16) ^ 1:08x}+{_B64}",
    "upper-case key id": f"{_NAME}+{_ID.upper()}+{_B64}",
    "short key id": f"{_NAME}+{_ID[1:]}+{_B64}",
    "wrong type byte": f"{_NAME}+{_ID}+{base64.b64encode(bytes([2]) + _RAW[1:]).decode()}",
    "short key": f"{_NAME}+{_ID}+{base64.b64encode(_RAW[:-1]).decode()}",
    "no key": f"{_NAME}+{_ID}",
    "empty name": f"+{_ID}+{_B64}",
    "space in name": f"a b+{_ID}+{_B64}",
    "no-break space in name": f"a\u00a0b+{_ID}+{_B64}",
}


@pytest.mark.parametrize("text", BAD_VKEYS.values(), ids=BAD_VKEYS.keys())
def test_bad_verifier_keys_are_refused(text: str) -> None:
    with pytest.raises(CryptoError):
        VerifierKey.parse(text)


@pytest.mark.parametrize("name", ["", "a b", "a+b", "tab\there", "nl\n"])
def test_signer_names_are_checked(name: str) -> None:
    with pytest.raises(CryptoError):
        Signer(name, Ed25519PrivateKey.generate())


def test_conflicting_verifier_keys_are_refused() -> None:
    # Same name and id but another public key cannot be built honestly, so bypass the check.
    impostor = object.__new__(VerifierKey)
    object.__setattr__(impostor, "name", ALICE.name)
    object.__setattr__(impostor, "key_id", ALICE.verifier().key_id)
    object.__setattr__(impostor, "public_key", BOB.verifier().public_key)
    with pytest.raises(CryptoError):
        check_note(_GOOD, [ALICE.verifier(), impostor])


def test_signer_repr_hides_the_private_key() -> None:
    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes_raw()
    shown = repr(Signer("example.com/x", key))
    assert seed.hex() not in shown
    assert base64.b64encode(seed).decode() not in shown
