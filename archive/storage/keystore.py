"""The vault's signing key files: where they live, making them, loading them, rotating them."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from archive.core.note import Signer, VerifierKey
from archive.errors import CryptoError
from archive.storage.fsutil import fsync_dir
from archive.storage.keyfile import generate_key, load_private_key, save_private_key

KEY_DIR = "keys"
SIGNING = "signing.key"
NEXT = "signing.key.next"
RETIRED = "retired"


def key_dir(vault: Path) -> Path:
    return vault / KEY_DIR


def ensure_key(vault: Path, passphrase: bytes | None, key: Ed25519PrivateKey | None = None) -> None:
    """Create the signing key (or store the one given) if the vault has none (0600 in a 0700 dir)."""
    directory = key_dir(vault)
    directory.mkdir(mode=0o700, exist_ok=True)
    if not (directory / SIGNING).exists():
        try:
            save_private_key(directory / SIGNING, key or generate_key(), passphrase)
        except CryptoError:
            if not (directory / SIGNING).exists():
                raise  # a real failure, not another process creating the key first


def load_signer(vault: Path, name: str, passphrase: bytes | None) -> Signer:
    return Signer(name, load_private_key(key_dir(vault) / SIGNING, passphrase))


def prepare_rotation(vault: Path, name: str, passphrase: bytes | None) -> Signer:
    """Write the next key beside the current one; it becomes current only after its entry commits."""
    path = key_dir(vault) / NEXT
    if path.exists():
        key: Ed25519PrivateKey = load_private_key(path, passphrase)
    else:
        key = generate_key()
        save_private_key(path, key, passphrase)
    return Signer(name, key)


def finish_rotation(vault: Path, old: VerifierKey) -> None:
    """Retire the old key file and make the next one current (after the rotation committed)."""
    directory = key_dir(vault)
    retired = directory / RETIRED
    retired.mkdir(mode=0o700, exist_ok=True)
    target = retired / f"{old.key_id:08x}.key"
    if (directory / SIGNING).exists() and not target.exists():
        os.link(directory / SIGNING, target)
        fsync_dir(retired)
    if not (directory / NEXT).exists():
        raise CryptoError("no next key to rotate to")
    (directory / NEXT).replace(directory / SIGNING)
    fsync_dir(directory)


def pending_rotation(vault: Path) -> bool:
    return (key_dir(vault) / NEXT).exists()
