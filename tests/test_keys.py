"""The signing key on disk: real files in tmp_path, their modes, encryption and refusals."""

from __future__ import annotations

import base64
import os
import stat
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from archive.core.note import VerifierKey
from archive.errors import CryptoError
from archive.storage.keyfile import generate_key, load_private_key, save_private_key, verifier_key

PASSPHRASE = b"correct horse battery staple"


def _raw(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes_raw()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _openssh_blob(path: Path) -> bytes:
    lines = path.read_text().strip().splitlines()
    assert lines[0] == "-----BEGIN OPENSSH PRIVATE KEY-----"
    assert lines[-1] == "-----END OPENSSH PRIVATE KEY-----"
    return base64.b64decode("".join(lines[1:-1]))


def _openssh_header(blob: bytes) -> tuple[bytes, bytes]:
    """The cipher and KDF names that follow the magic in PROTOCOL.key's format."""
    magic = b"openssh-key-v1\x00"
    assert blob.startswith(magic)
    offset, fields = len(magic), []
    for _ in range(2):
        (length,) = struct.unpack_from(">I", blob, offset)
        fields.append(blob[offset + 4 : offset + 4 + length])
        offset += 4 + length
    return fields[0], fields[1]


@pytest.fixture
def loose_umask() -> Iterator[None]:
    # The mode must not depend on the caller's umask being strict.
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.usefixtures("loose_umask")
@pytest.mark.parametrize("passphrase", [None, PASSPHRASE], ids=["plain", "encrypted"])
def test_round_trip_with_mode_0600(tmp_path: Path, passphrase: bytes | None) -> None:
    key = generate_key()
    path = tmp_path / "signing.key"
    save_private_key(path, key, passphrase)
    assert _mode(path) == 0o600
    assert _raw(load_private_key(path, passphrase)) == _raw(key)
    assert [p.name for p in tmp_path.iterdir()] == ["signing.key"]  # no temporary file left


def test_encrypted_file_uses_bcrypt_and_hides_the_seed(tmp_path: Path) -> None:
    key = generate_key()
    path = tmp_path / "signing.key"
    save_private_key(path, key, PASSPHRASE)
    blob = _openssh_blob(path)
    cipher, kdf = _openssh_header(blob)
    assert (cipher, kdf) == (b"aes256-ctr", b"bcrypt")
    assert _raw(key) not in blob
    assert _raw(key) not in path.read_bytes()


def test_plain_file_is_openssh_not_a_raw_seed(tmp_path: Path) -> None:
    key = generate_key()
    path = tmp_path / "signing.key"
    save_private_key(path, key, None)
    assert _openssh_header(_openssh_blob(path)) == (b"none", b"none")
    text = path.read_bytes()
    assert _raw(key) not in text
    assert _raw(key).hex().encode() not in text


def test_wrong_or_missing_passphrase_fails(tmp_path: Path) -> None:
    path = tmp_path / "signing.key"
    save_private_key(path, generate_key(), PASSPHRASE)
    for passphrase in (b"wrong", None):
        with pytest.raises(CryptoError) as caught:
            load_private_key(path, passphrase)
        assert PASSPHRASE.decode() not in str(caught.value)
    load_private_key(path, PASSPHRASE)  # the file itself is fine


def test_passphrase_for_a_plain_file_fails(tmp_path: Path) -> None:
    path = tmp_path / "signing.key"
    save_private_key(path, generate_key(), None)
    with pytest.raises(CryptoError):
        load_private_key(path, PASSPHRASE)


def test_empty_passphrase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CryptoError):
        save_private_key(tmp_path / "signing.key", generate_key(), b"")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o620, 0o644, 0o700])
def test_loose_permissions_are_refused(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "signing.key"
    save_private_key(path, generate_key(), None)
    path.chmod(mode)
    if mode & 0o077:
        with pytest.raises(CryptoError):
            load_private_key(path, None)
    else:
        load_private_key(path, None)


def test_existing_file_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "signing.key"
    save_private_key(path, generate_key(), None)
    before = path.read_bytes()
    with pytest.raises(CryptoError):
        save_private_key(path, generate_key(), None)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["signing.key"]


def test_missing_file_fails(tmp_path: Path) -> None:
    with pytest.raises(CryptoError):
        load_private_key(tmp_path / "absent.key", None)


def test_missing_directory_fails_on_save(tmp_path: Path) -> None:
    with pytest.raises(CryptoError):
        save_private_key(tmp_path / "absent" / "signing.key", generate_key(), None)


def test_not_an_ed25519_key_fails(tmp_path: Path) -> None:
    path = tmp_path / "ec.key"
    openssh = serialization.PrivateFormat.OpenSSH
    key = ec.generate_private_key(ec.SECP256R1())
    data = key.private_bytes(serialization.Encoding.PEM, openssh, serialization.NoEncryption())
    path.write_bytes(data)
    path.chmod(0o600)
    with pytest.raises(CryptoError):
        load_private_key(path, None)


GARBAGE = {"empty": b"", "text": b"not a key\n", "huge": b"x" * 100_000}


@pytest.mark.parametrize("content", GARBAGE.values(), ids=GARBAGE.keys())
def test_garbage_files_fail(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "signing.key"
    path.write_bytes(content)
    path.chmod(0o600)
    with pytest.raises(CryptoError):
        load_private_key(path, None)
    with pytest.raises(CryptoError):
        load_private_key(path, PASSPHRASE)


def test_a_directory_is_not_a_key_file(tmp_path: Path) -> None:
    with pytest.raises(CryptoError):
        load_private_key(tmp_path, None)


def test_verifier_key_matches_the_private_key(tmp_path: Path) -> None:
    key = generate_key()
    vkey = verifier_key("example.com/vault", key)
    assert vkey == VerifierKey.from_public_key("example.com/vault", key.public_key())
    assert vkey.verify(b"message", key.sign(b"message"))


def test_pinning_keeps_the_pinned_keys_file_as_written(tmp_path: Path) -> None:
    from archive.evidence.pinned import add_trusted, read_trusted

    first = verifier_key("example.org/a", generate_key())
    second = verifier_key("example.org/b", generate_key())
    pins = tmp_path / "trusted-keys"
    pins.write_text(f"# the newsroom's archive\n{first}\n", "utf-8")
    assert add_trusted(pins, second)
    assert pins.read_text("utf-8") == f"# the newsroom's archive\n{first}\n{second}\n"
    assert [str(k) for k in read_trusted(pins)] == [str(first), str(second)]
    assert not add_trusted(pins, first)


def test_a_pinned_keys_file_that_is_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    import os

    from archive.evidence.pinned import read_trusted

    pins = tmp_path / "trusted-keys"
    os.mkfifo(pins)
    with pytest.raises(CryptoError, match="cannot read"):
        read_trusted(pins)


def test_a_manifest_after_a_rotation_verifies_with_the_key_pinned_before_it(tmp_path: Path) -> None:
    """The manifest carries the key entries, so a reader who pinned the first key follows the rotation."""
    from helpers import ok, run, seed_files

    vault = tmp_path / "vault"
    ok("ingest", seed_files()[0], vault=vault)
    first = ok("key", "show", vault=vault).out.strip()
    ok("key", "rotate", vault=vault)
    ok("ingest", seed_files()[1], vault=vault)
    manifest = tmp_path / "m.json"
    ok("manifest", "--all", "-o", manifest, vault=vault)
    assert run("verify-manifest", manifest, "--key", first).code == 0
    stranger = verifier_key(first.split("+")[0], generate_key())
    refused = run("verify-manifest", manifest, "--key", str(stranger), "--json")
    assert refused.code == 1 and "MANIFEST_CHECKPOINT_INVALID" in refused.out


def _private_key_files(vault: Path) -> list[str]:
    """Every file under the vault that holds an OpenSSH private key, wherever it is."""
    found = []
    for path in sorted(vault.rglob("*")):
        if path.is_file() and not path.is_symlink() and b"OPENSSH PRIVATE KEY" in path.read_bytes():
            found.append(str(path.relative_to(vault)))
    return found


def test_after_rotations_only_the_current_private_key_exists_and_old_checkpoints_verify(tmp_path: Path) -> None:
    from helpers import ok, seed_files

    vault = tmp_path / "vault"
    ok("ingest", seed_files()[0], vault=vault)
    ok("key", "rotate", vault=vault)
    ok("ingest", seed_files()[1], vault=vault)
    ok("key", "rotate", vault=vault)
    assert _private_key_files(vault) == ["keys/signing.key"]
    assert not (vault / "keys" / "retired").exists()
    current = ok("key", "show", vault=vault).out.strip()
    assert str(verifier_key(current.split("+")[0], load_private_key(vault / "keys" / "signing.key", None))) == current
    report = ok("verify", "--json", vault=vault).json()
    # A checkpoint per write (the key entry, two ingests, two rotations): three of them signed by
    # keys whose private halves are gone, each checked against the public key the ledger announced.
    assert report["ok"] and report["counts"]["checkpoints"] == 5 and report["problems"] == []


def test_upgrade_destroys_the_retired_private_keys_an_earlier_version_kept(tmp_path: Path) -> None:
    """Earlier versions linked each retired key into keys/retired/; verification never needed them."""
    from helpers import ok, seed_files

    vault = tmp_path / "vault"
    ok("ingest", seed_files()[0], vault=vault)
    old = (vault / "keys" / "signing.key").read_bytes()
    old_id = ok("key", "show", vault=vault).out.strip().split("+")[1]
    ok("key", "rotate", vault=vault)
    retired = vault / "keys" / "retired"
    retired.mkdir(mode=0o700)
    (retired / f"{old_id}.key").write_bytes(old)  # what an earlier version's rotation left
    os.chmod(retired / f"{old_id}.key", 0o600)
    assert _private_key_files(vault) == [f"keys/retired/{old_id}.key", "keys/signing.key"]
    said = ok("upgrade", "--json", vault=vault).json()
    assert said["destroyed_keys"] == [f"{old_id}.key"]
    assert _private_key_files(vault) == ["keys/signing.key"]
    assert not retired.exists()
    assert ok("verify", "--json", vault=vault).json()["counts"]["checkpoints"] == 3


def test_the_next_rotation_destroys_retired_private_keys_too(tmp_path: Path) -> None:
    from helpers import ok, seed_files

    from archive.storage.keystore import destroy_retired

    vault = tmp_path / "vault"
    ok("ingest", seed_files()[0], vault=vault)
    retired = vault / "keys" / "retired"
    retired.mkdir(mode=0o700)
    save_private_key(retired / "0badc0de.key", generate_key(), None)
    (retired / "notes.txt").write_text("not a key: left alone\n")
    ok("key", "rotate", vault=vault)
    assert _private_key_files(vault) == ["keys/signing.key"]
    assert sorted(p.name for p in retired.iterdir()) == ["notes.txt"]
    assert destroy_retired(vault) == []  # nothing left to destroy; the directory stays for its other file
