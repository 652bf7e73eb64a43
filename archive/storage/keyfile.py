"""The vault's Ed25519 signing key on disk: an OpenSSH private key file only its owner can read.

Errors name the file and the fault, never key material or passphrases.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from archive.core.note import VerifierKey
from archive.errors import CryptoError

KEY_FILE_MODE = 0o600
_MAX_KEY_FILE = 64 * 1024  # an Ed25519 key file is under 1 KiB; anything far larger is not one


def generate_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def verifier_key(name: str, private_key: Ed25519PrivateKey) -> VerifierKey:
    """The public verifier key (`name+keyid+key`) that checks this key's signatures."""
    return VerifierKey.from_public_key(name, private_key.public_key())


def _encode(key: Ed25519PrivateKey, passphrase: bytes | None) -> bytes:
    if passphrase is None:
        encryption: serialization.KeySerializationEncryption = serialization.NoEncryption()
    elif not passphrase:
        raise CryptoError("empty passphrase: pass None to store the key unencrypted")
    else:
        # For the OpenSSH format this is aes256-ctr under a bcrypt-derived key, as ssh-keygen does.
        encryption = serialization.BestAvailableEncryption(passphrase)
    openssh = serialization.PrivateFormat.OpenSSH
    return key.private_bytes(serialization.Encoding.PEM, openssh, encryption)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save_private_key(path: Path, key: Ed25519PrivateKey, passphrase: bytes | None) -> None:
    """Write `key` to a new file at `path` atomically, mode 0600 from the start; never overwrite."""
    data = _encode(key, passphrase)
    tmp = path.with_name(f".{path.name}.{os.urandom(8).hex()}.tmp")
    try:
        # O_EXCL: never write through a file or symlink planted at the temporary name.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, KEY_FILE_MODE)
    except OSError as exc:
        raise CryptoError(f"cannot write the key file {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), KEY_FILE_MODE)  # the umask may have narrowed it; make it exact
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        # A hard link publishes the file atomically and, unlike os.replace, fails if another
        # process created the key meanwhile, so a key already handed out is never clobbered.
        path.hardlink_to(tmp)
        _fsync_dir(path.parent)
    except FileExistsError:
        raise CryptoError(f"refusing to overwrite the existing key file {path}") from None
    except OSError as exc:
        raise CryptoError(f"cannot write the key file {path}: {exc.strerror}") from None
    finally:
        tmp.unlink(missing_ok=True)


def _read_key_file(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            # fstat on the open file: the mode checked is the mode of the bytes read.
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise CryptoError(f"the key file {path} is not a regular file")
            if info.st_mode & 0o077:  # like ssh: no access at all for group or others
                raise CryptoError(
                    f"permissions {stat.S_IMODE(info.st_mode):04o} on the key file {path} are "
                    "too open: it must be accessible by its owner only (chmod 600)"
                )
            return f.read(_MAX_KEY_FILE + 1)
    except FileNotFoundError:
        raise CryptoError(f"no key file at {path}") from None
    except OSError as exc:
        raise CryptoError(f"cannot read the key file {path}: {exc.strerror}") from None


def _is_encrypted(data: bytes) -> bool:
    try:
        serialization.load_ssh_private_key(data, password=None)
    except TypeError:  # what cryptography raises for "password-protected, none given"
        return True
    except (ValueError, UnsupportedAlgorithm):
        return False
    return False


def load_private_key(path: Path, passphrase: bytes | None) -> Ed25519PrivateKey:
    """Read the Ed25519 key saved by `save_private_key`, refusing a file others could read."""
    data = _read_key_file(path)
    if len(data) > _MAX_KEY_FILE:
        raise CryptoError(f"{path} is too large to be an Ed25519 key file")
    try:
        key = serialization.load_ssh_private_key(data, password=passphrase)
    except TypeError:  # cryptography's signal that a passphrase is missing, or superfluous
        if passphrase is None:
            raise CryptoError(f"the key file {path} is encrypted: give its passphrase") from None
        raise CryptoError(f"the key file {path} is not encrypted: give no passphrase") from None
    except UnsupportedAlgorithm:
        raise CryptoError(f"the key file {path} uses an unsupported key type or cipher") from None
    except ValueError:
        # A wrong passphrase surfaces as a checksum error, like a damaged file; tell them apart.
        if passphrase is not None and _is_encrypted(data):
            raise CryptoError(f"wrong passphrase for the key file {path}") from None
        raise CryptoError(f"the key file {path} is not an OpenSSH private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CryptoError(f"the key in {path} is not an Ed25519 key ({type(key).__name__})")
    return key
