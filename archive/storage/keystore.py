"""The vault's signing key files: where they live, making them, loading them, rotating them.

Only the current private key is kept. Verification needs public keys only, and the ledger announces
each of them, so a retired private key would serve nobody but someone who copies the vault and
wants to sign checkpoints of old sizes: a rotation destroys it once the announcement has committed.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from archive.core.note import Signer, VerifierKey
from archive.errors import CryptoError
from archive.storage.fsutil import PRIVATE_DIR_MODE, fsync_dir
from archive.storage.keyfile import generate_key, load_private_key, save_private_key

KEY_DIR = "keys"
SIGNING = "signing.key"
NEXT = "signing.key.next"
RETIRED = "retired"  # where earlier versions kept retired private keys; destroyed when found


def key_dir(vault: Path) -> Path:
    return vault / KEY_DIR


def ensure_key(vault: Path, passphrase: bytes | None, key: Ed25519PrivateKey | None = None) -> None:
    """Create the signing key (or store the one given) if the vault has none (0600 in a 0700 dir)."""
    directory = key_dir(vault)
    directory.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
    os.chmod(directory, PRIVATE_DIR_MODE)  # mkdir's mode passes through the umask
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


def finish_rotation(vault: Path, old: VerifierKey | None = None) -> list[str]:
    """Make the next key current once its announcement committed; returns the retired keys destroyed.

    `old` (the key being retired) is no longer needed: nothing of it is kept.

    The rename replaces `signing.key`, which unlinks the old private key (its only name); the
    directory's fsync makes that durable. Overwriting the bytes first would be pointless on file
    systems that copy on write, journal data or remap flash blocks.
    """
    directory = key_dir(vault)
    if not (directory / NEXT).exists():
        raise CryptoError("no next key to rotate to")
    (directory / NEXT).replace(directory / SIGNING)
    fsync_dir(directory)
    return destroy_retired(vault)


def destroy_retired(vault: Path) -> list[str]:
    """Unlink the private keys earlier versions kept in `keys/retired/`; returns their file names."""
    retired = key_dir(vault) / RETIRED
    if retired.is_symlink() or not retired.is_dir():
        return []
    gone = []
    for path in sorted(retired.iterdir()):
        if path.name.endswith(".key") and (path.is_symlink() or path.is_file()):
            path.unlink()
            gone.append(path.name)
    if gone:
        fsync_dir(retired)
    with contextlib.suppress(OSError):  # not empty: something else is in it, which is left alone
        retired.rmdir()
        fsync_dir(key_dir(vault))
    return gone


def pending_rotation(vault: Path) -> bool:
    return (key_dir(vault) / NEXT).exists()


def read_key_files(vault: Path) -> dict[str, bytes]:
    """The vault's key files as they are (encrypted or not), for its copy (`archive migrate`)."""
    from archive.storage.fsutil import read_regular

    found = {}
    for name in (SIGNING, NEXT):
        path = key_dir(vault) / name
        if path.is_file() and not path.is_symlink():
            found[name] = read_regular(path, 64 << 10)
    return found


def write_key_files(vault: Path, files: dict[str, bytes] | Mapping[str, bytes]) -> None:
    """Put copied key files in place (0600 in a 0700 directory), each written atomically."""
    from archive.storage.fsutil import atomic_write
    from archive.storage.keyfile import KEY_FILE_MODE

    directory = key_dir(vault)
    directory.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
    os.chmod(directory, PRIVATE_DIR_MODE)
    for name, data in files.items():
        if name not in (SIGNING, NEXT):
            raise CryptoError(f"not a key file name: {name[:40]!r}")
        atomic_write(directory / name, data, mode=KEY_FILE_MODE)
