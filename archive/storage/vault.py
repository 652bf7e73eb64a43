"""The vault on disk: its format marker, its database and its object store.

Layout (version 1):
    VAULT.json          format marker: {"format": "archive-vault", "version": 1, ...}
    ledger.sqlite       the ledger and the index (SQLite, WAL)
    objects/sha256/     content-addressed, read-only objects
    tmp/                writers' staging directories
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from archive.core.canonical import canonical_bytes
from archive.core.entry import format_time
from archive.errors import VaultError
from archive.storage.fsutil import create_once, fsync_dir
from archive.storage.keystore import ensure_key
from archive.storage.objects import ObjectStore

if TYPE_CHECKING:
    from archive.storage.sqlite import Store

FORMAT = "archive-vault"
VERSION = 1
MARKER = "VAULT.json"
DATABASE = "ledger.sqlite"
# Files a fresh checkout keeps in the default vault directory so git tracks an empty vault.
PLACEHOLDERS = frozenset({".gitignore", "README.md", ".gitkeep"})
_UNFINISHED = frozenset(
    {DATABASE, f"{DATABASE}-wal", f"{DATABASE}-shm", f"{DATABASE}-journal", "objects", "tmp", "keys"}
)


def read_marker(path: Path) -> dict[str, Any]:
    """The vault's format marker, checked; raises VaultError when absent, unreadable or unknown."""
    marker = path / MARKER
    try:
        value = json.loads(marker.read_bytes())
    except FileNotFoundError:
        raise VaultError(f"no vault at {path} (no {MARKER}); `archive init` or `archive ingest` makes one") from None
    except (OSError, ValueError) as exc:
        raise VaultError(f"unreadable vault marker {marker}: {exc}") from exc
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise VaultError(f"{marker} is not an archive vault marker")
    version = value.get("version")
    if version != VERSION:
        raise VaultError(f"vault format version {version!r} is not supported (this archive reads version {VERSION})")
    return value


def check_origin(origin: str) -> str:
    """A checkpoint origin names the log: printable, no spaces or '+' (it is also the key's name)."""
    if not origin or len(origin) > 200 or any(c.isspace() or c == "+" or not c.isprintable() for c in origin):
        raise VaultError(f"bad origin {origin!r}: use a schema-less URL such as example.org/archive")
    return origin


def is_vault(path: Path) -> bool:
    return (path / MARKER).is_file()


@dataclass
class Vault:
    """An opened vault: where it is, its database, its objects."""

    path: Path
    store: Store
    objects: ObjectStore
    marker: dict[str, Any]

    @classmethod
    def open(cls, path: Path) -> Vault:
        marker = read_marker(path)
        from archive.storage.sqlite import Store  # the database layer loads only when a vault is opened

        store = Store.sqlite(path / DATABASE, create=False)
        return cls(path, store, ObjectStore(path), marker)

    @classmethod
    def create(
        cls,
        path: Path,
        *,
        now: datetime,
        origin: str | None = None,
        passphrase: bytes | None = None,
        key: Ed25519PrivateKey | None = None,
    ) -> Vault:
        """Make a new vault at `path` (absent, empty, or holding only placeholder files).

        Creators serialise on an flock of the directory, so processes that start on a missing vault
        at once make it once; the losers get VaultError and open the vault the winner made.
        """
        if path.exists() and not path.is_dir():
            raise VaultError(f"{path} exists and is not a directory")
        path.mkdir(parents=True, exist_ok=True)
        lock = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return cls._create_locked(path, now=now, origin=origin, passphrase=passphrase, key=key)
        finally:
            os.close(lock)

    @classmethod
    def _create_locked(
        cls,
        path: Path,
        *,
        now: datetime,
        origin: str | None,
        passphrase: bytes | None,
        key: Ed25519PrivateKey | None,
    ) -> Vault:
        from archive.storage.sqlite import Store

        if is_vault(path):
            raise VaultError(f"{path} is already a vault")
        stray = sorted(p.name for p in path.iterdir() if p.name not in PLACEHOLDERS | _UNFINISHED)
        if stray:
            raise VaultError(f"{path} is not empty and not a vault (holds {stray[0]}); refusing to use it")
        if (path / DATABASE).exists():
            # Left by a creation that died before its marker: reusable only if nothing was written.
            leftover = Store.sqlite(path / DATABASE, create=True)
            try:
                with leftover.read() as r:
                    if r.size():
                        raise VaultError(f"{path} holds a ledger but no {MARKER}: a damaged vault")
            finally:
                leftover.close()
        for sub in ("objects/sha256", "tmp"):
            (path / sub).mkdir(parents=True, exist_ok=True)
        store = Store.sqlite(path / DATABASE, create=True)
        ensure_key(path, passphrase, key)
        marker = {
            "format": FORMAT,
            "version": VERSION,
            "created": format_time(now),
            "hash": "sha256",
            "origin": check_origin(origin or f"archive.vault/{secrets.token_hex(8)}"),
        }
        # The marker is written last (a vault without one was never finished and can be made
        # again) and only once: of processes creating the same vault at once, the first wins.
        if not create_once(path / MARKER, canonical_bytes(marker) + b"\n"):
            marker = read_marker(path)
        fsync_dir(path.parent)
        return cls(path, store, ObjectStore(path), marker)

    @property
    def origin(self) -> str:
        return str(self.marker["origin"])

    def close(self) -> None:
        self.store.close()
