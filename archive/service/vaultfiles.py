"""Verify's checks of the vault's files beside the ledger: the signing key file, and file modes.

A replaced, damaged or unreadable signing key is a problem (the next write would fail or sign
with a key nobody trusts); a missing one is only a warning (a copy made for others, e.g. on
write-once media, verifies without it), and so is every hardening lost: a key file or object
others could change or read, a directory of the store others can write. The key is read with a
limit, compared by its public half, and never reported.
"""

from __future__ import annotations

import base64
import os
import stat
import struct
from pathlib import Path

from archive.core.problems import Problem
from archive.storage.keystore import NEXT, SIGNING, key_dir

MAX_KEY_FILE = 64 * 1024  # an Ed25519 key file is under 1 KiB
GROUP_OTHER_WRITE = stat.S_IWGRP | stat.S_IWOTH
ANY_WRITE = stat.S_IWUSR | GROUP_OTHER_WRITE
_PEM_BEGIN = b"-----BEGIN OPENSSH PRIVATE KEY-----"
_PEM_END = b"-----END OPENSSH PRIVATE KEY-----"
_MAGIC = b"openssh-key-v1\x00"


class KeyFileError(Exception):
    """A key file that is not what it should be (a local signal, turned into a problem here)."""


def _read_limited(path: Path) -> tuple[bytes, int]:
    """The bytes and mode of a regular file (a link is not followed), read with a limit."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        raise KeyFileError(f"cannot read it: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise KeyFileError("not a regular file")
        data = os.read(fd, MAX_KEY_FILE + 1)
    except OSError as exc:
        raise KeyFileError(f"cannot read it: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_KEY_FILE:
        raise KeyFileError("too large to be a key file")
    return data, stat.S_IMODE(info.st_mode)


def _string(blob: bytes, at: int) -> tuple[bytes, int]:
    if at + 4 > len(blob):
        raise KeyFileError("not an OpenSSH private key (truncated)")
    (length,) = struct.unpack(">I", blob[at : at + 4])
    end = at + 4 + length
    if end > len(blob):
        raise KeyFileError("not an OpenSSH private key (truncated)")
    return blob[at + 4 : end], end


def public_key_of(data: bytes) -> bytes:
    """The raw Ed25519 public key an OpenSSH private key file holds, read from its unencrypted header.

    The header is what an encrypted key file shows without its passphrase; for an unencrypted one
    the private key itself is loaded too and must match the header (else the file is damaged).
    """
    text = data.strip()
    if not (text.startswith(_PEM_BEGIN) and text.endswith(_PEM_END)):
        raise KeyFileError("not an OpenSSH private key")
    try:
        blob = base64.b64decode(b"".join(text[len(_PEM_BEGIN) : -len(_PEM_END)].split()), validate=True)
    except ValueError:
        raise KeyFileError("not an OpenSSH private key (bad base64)") from None
    if not blob.startswith(_MAGIC):
        raise KeyFileError("not an OpenSSH private key")
    at = len(_MAGIC)
    cipher, at = _string(blob, at)
    _, at = _string(blob, at)  # kdf name
    _, at = _string(blob, at)  # kdf options
    if blob[at : at + 4] != b"\x00\x00\x00\x01":
        raise KeyFileError("not a single-key OpenSSH private key")
    public, _ = _string(blob, at + 4)
    kind, rest = _string(public, 0)
    raw, _ = _string(public, rest)
    if kind != b"ssh-ed25519" or len(raw) != 32:
        raise KeyFileError("not an Ed25519 key")
    if cipher == b"none":
        _check_private_half(data, raw)
    return raw


def _check_private_half(data: bytes, raw: bytes) -> None:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_ssh_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise KeyFileError(f"a damaged OpenSSH private key ({type(exc).__name__})") from None
    if not isinstance(key, Ed25519PrivateKey) or key.public_key().public_bytes_raw() != raw:
        raise KeyFileError("its private key does not match its public key")


def check_key_file(vault: Path, current: bytes | None) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings) about `keys/signing.key`, given the raw public key the ledger announced last."""
    path = key_dir(vault) / SIGNING
    where = str(path)
    try:
        os.lstat(path)
    except FileNotFoundError:
        return [], [
            Problem("KEY_FILE_MISSING", "no signing key: this vault verifies but cannot be written", path=where)
        ]
    except OSError as exc:
        return [Problem("KEY_FILE_UNREADABLE", f"the signing key file: {exc.strerror or exc}", path=where)], []
    warnings: list[Problem] = []
    try:
        data, mode = _read_limited(path)
        if mode & 0o077:
            warnings.append(
                Problem(
                    "KEY_FILE_MODE",
                    f"the signing key file has mode {mode:04o}, not 0600: others can read it",
                    path=where,
                )
            )
        raw = public_key_of(data)
    except KeyFileError as exc:
        return [Problem("KEY_FILE_UNREADABLE", f"the signing key file: {exc}", path=where)], warnings
    if current is None or raw == current:
        return [], warnings
    # A rotation whose entry committed before its key files were swapped: the next write finishes it.
    try:
        pending = public_key_of(_read_limited(key_dir(vault) / NEXT)[0])
    except KeyFileError:
        pending = b""
    if pending == current:
        warnings.append(Problem("KEY_ROTATION_UNFINISHED", "the next write completes a key rotation", path=where))
        return [], warnings
    return [
        Problem("KEY_FILE_MISMATCH", "the signing key file is not the key the ledger announced last", path=where)
    ], warnings


def writable_object(path: Path) -> Problem | None:
    """A warning if an object file (stored 0444) has any write bit."""
    try:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
    except OSError:
        return None  # the object check reports what cannot be read
    if mode & ANY_WRITE:
        return Problem(
            "OBJECT_WRITABLE", f"an object file with mode {mode:04o}: stored read-only (0444)", path=str(path)
        )
    return None


def writable_directories(directories: list[Path]) -> list[Problem]:
    """Warnings for directories of the vault that group or others may write to."""
    found = []
    for directory in directories:
        try:
            info = os.lstat(directory)
        except OSError:
            continue
        mode = stat.S_IMODE(info.st_mode)
        if stat.S_ISDIR(info.st_mode) and mode & GROUP_OTHER_WRITE:
            found.append(
                Problem(
                    "DIRECTORY_WRITABLE",
                    f"a vault directory others may write to (mode {mode:04o})",
                    path=str(directory),
                )
            )
    return found
