"""The vault on disk: its format marker, which names the backends, and opening or making one.

Layout (version 2; docs/format.md §1):
    VAULT.json          the marker: format, version, origin, and where the ledger and objects are
    ledger.sqlite       the ledger and the index (the `sqlite` backend)
    objects/sha256/     content-addressed, read-only objects (the `folder` backend)
    keys/               the signing key (0600 in a 0700 directory)
    tmp/                writers' staging directories (0700)

Every mode is set explicitly, never left to the umask (the table: docs/format.md §1.2).

Version 1 vaults (a marker without `ledger` and `objects`) are read by `verify` as they are and
brought to version 2 by `archive upgrade` (`archive.storage.upgrade`).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from archive.core.canonical import canonical_bytes
from archive.core.entry import format_time
from archive.errors import VaultError
from archive.storage.backends import open_ledger
from archive.storage.bucket import open_objects
from archive.storage.fsutil import (
    DIR_MODE,
    FILE_MODE,
    PRIVATE_DIR_MODE,
    create_once,
    fsync_dir,
    make_dir,
    read_regular,
)
from archive.storage.objects import ObjectStore
from archive.storage.port import Ledger

if TYPE_CHECKING:
    from datetime import datetime

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

FORMAT = "archive-vault"
VERSION = 2
READABLE_VERSIONS = (1, 2)
MARKER = "VAULT.json"
DATABASE = "ledger.sqlite"
DEFAULT_LEDGER = {"backend": "sqlite", "path": DATABASE}
DEFAULT_OBJECTS = {"backend": "folder", "path": "objects"}
_MAX_MARKER = 64 << 10
# Files a fresh checkout keeps in the default vault directory so git tracks an empty vault.
PLACEHOLDERS = frozenset({".gitignore", "README.md", ".gitkeep"})
_UNFINISHED = frozenset(
    {DATABASE, f"{DATABASE}-wal", f"{DATABASE}-shm", f"{DATABASE}-journal", "objects", "tmp", "keys"}
)


class Marker(NamedTuple):
    """VAULT.json, read and checked."""

    version: int
    origin: str
    created: str
    ledger: dict[str, str]
    objects: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "created": self.created,
            "hash": "sha256",
            "origin": self.origin,
            "ledger": dict(self.ledger),
            "objects": dict(self.objects),
        }


def read_marker(path: Path) -> Marker:
    """The vault's format marker, checked; raises VaultError when absent, unreadable or unknown."""
    marker = path / MARKER
    try:
        value = json.loads(read_regular(marker, _MAX_MARKER))
    except FileNotFoundError:
        raise VaultError(f"no vault at {path} (no {MARKER}); `archive init` or `archive ingest` makes one") from None
    except (OSError, ValueError, RecursionError) as exc:
        raise VaultError(f"unreadable vault marker {marker}: {exc}") from exc
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise VaultError(f"{marker} is not an archive vault marker")
    version = value.get("version")
    if version not in READABLE_VERSIONS:
        raise VaultError(f"vault format version {version!r} is not supported (this archive reads {READABLE_VERSIONS})")
    if value.get("hash") != "sha256":
        raise VaultError(f"{marker}: hash {str(value.get('hash'))[:20]!r} is not supported (this archive uses sha256)")
    origin = value.get("origin")
    if not isinstance(origin, str):
        raise VaultError(f"{marker} names no origin")
    ledger = value.get("ledger", DEFAULT_LEDGER if version == 1 else None)
    objects = value.get("objects", DEFAULT_OBJECTS if version == 1 else None)
    for what, part in (("ledger", ledger), ("objects", objects)):
        if not isinstance(part, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in part.items()):
            raise VaultError(f"{marker}: `{what}` must be an object of strings naming its backend")
    assert isinstance(ledger, dict) and isinstance(objects, dict)
    if objects.get("backend") == "s3":
        from archive.storage.bucket import check_config

        check_config(objects, str(marker))
    elif objects.get("backend") != "folder" or objects.get("path") != "objects":
        raise VaultError(f"{marker}: object store {objects.get('backend')!r} is not supported")
    return Marker(int(version), check_origin(origin), str(value.get("created", "")), ledger, objects)


def check_origin(origin: str) -> str:
    """A checkpoint origin names the log: printable, no spaces or '+' (it is also the key's name)."""
    if not origin or len(origin) > 200 or any(c.isspace() or c == "+" or not c.isprintable() for c in origin):
        raise VaultError(f"bad origin {origin!r}: use a schema-less URL such as example.org/archive")
    return origin


def _holds_entries(database: Path) -> bool:
    """Whether a database file left in a directory holds ledger entries (read without writing)."""
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT 1 FROM ledger LIMIT 1").fetchone() is not None
        finally:
            conn.close()
    except sqlite3.Error as exc:
        if "no such table" in str(exc):
            return False
        raise VaultError(f"{database} is not a ledger database: {exc}") from exc


def _out_of_room(path: Path) -> str | None:
    """What the file system holding `path` has run out of (space or inodes), or None."""
    try:
        fs = os.statvfs(path)
    except OSError:
        return None
    if fs.f_files and not fs.f_favail:
        return "out of inodes (no file can be made)"
    if not fs.f_bavail:
        return "out of space"
    return None


def _random_origin() -> str:
    return f"archive.vault/{os.urandom(8).hex()}"


def is_vault(path: Path) -> bool:
    return (path / MARKER).is_file()


def write_marker(path: Path, marker: Marker, *, replace: bool) -> bool:
    """Publish the marker atomically: once (`replace=False`: False if one exists) or over the old one."""
    from archive.storage.fsutil import atomic_write

    data = canonical_bytes(marker.to_json()) + b"\n"
    if replace:
        atomic_write(path / MARKER, data, mode=FILE_MODE)
        return True
    return create_once(path / MARKER, data, mode=FILE_MODE)


def settle_modes(path: Path, database: str = DATABASE) -> None:
    """Give the vault's fixed paths their modes (§1.2) whatever the umask they were made under.

    The database is chmodded after SQLite made it: SQLite creates the file itself (its mode passes
    through the umask) and gives the -wal and -shm files it makes later the database file's mode.
    A vault directory made elsewhere keeps its mode but loses group and other write: whoever can
    write there can replace the marker or the database.
    """
    top = os.stat(path).st_mode
    if top & 0o022:
        os.chmod(path, top & 0o7755)
    for sub, mode in (("objects", DIR_MODE), ("objects/sha256", DIR_MODE), ("tmp", PRIVATE_DIR_MODE)):
        if (path / sub).is_dir():
            os.chmod(path / sub, mode)
    if (path / "objects" / "sha256").is_dir():
        for fan in (path / "objects" / "sha256").iterdir():
            if fan.is_dir() and not fan.is_symlink():
                os.chmod(fan, DIR_MODE)
    for name in (MARKER, database, f"{database}-wal", f"{database}-shm", f"{database}-journal"):
        with contextlib.suppress(FileNotFoundError):
            if (path / name).is_file() and not (path / name).is_symlink():
                os.chmod(path / name, FILE_MODE)


def _check_unfinished(path: Path, *, allow_entries: bool, also: frozenset[str] = frozenset()) -> None:
    """Refuse to make a vault where one is, or where other things are (placeholders and the parts
    a creation that died before its marker left are fine, and the names in `also`)."""
    if is_vault(path):
        raise VaultError(f"{path} is already a vault")
    stray = sorted(p.name for p in path.iterdir() if p.name not in PLACEHOLDERS | _UNFINISHED | also)
    if stray:
        raise VaultError(f"{path} is not empty and not a vault (holds {stray[0]}); refusing to use it")
    if allow_entries:
        return  # a copy cut short (`create_copy`): what it left is for its caller to judge
    if (path / DATABASE).exists() and _holds_entries(path / DATABASE):
        # Left by a creation that died before its marker, it is reusable only if nothing was written.
        raise VaultError(f"{path} holds a ledger but no {MARKER}: a damaged vault")
    if any(p.is_file() for p in (path / "objects").rglob("*")):
        # Objects are stored only after the marker: a vault whose ledger is elsewhere (PostgreSQL) lost it.
        raise VaultError(f"{path} holds stored objects but no {MARKER}: a damaged vault")


def _make_parts(path: Path, ledger: dict[str, str], objects: dict[str, str], *, adopt: bool = False) -> Ledger:
    """A new vault's directories (each with its mode) and its ledger database, opened.

    With `adopt`, a ledger database that already exists is opened as it is (a copy started before
    and cut short; its contents are for the caller to judge), else made.
    """
    if objects == DEFAULT_OBJECTS:
        make_dir(path / "objects" / "sha256", DIR_MODE)
    make_dir(path / "tmp", PRIVATE_DIR_MODE)
    opened = None
    if adopt:
        with contextlib.suppress(VaultError):
            opened = open_ledger(path, ledger)
    if opened is None:
        opened = open_ledger(path, ledger, create=True)
    settle_modes(path)
    return opened


@contextlib.contextmanager
def _creating(path: Path, what: str, outcome: str) -> Iterator[None]:
    """The directory a vault is being made in, made if absent and flocked while the block runs, so
    that processes making one vault at once take turns; an OSError inside is one VaultError line."""
    if path.exists() and not path.is_dir():
        raise VaultError(f"{path} exists and is not a directory")
    try:
        make_dir(path, DIR_MODE)
        lock = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise VaultError(f"cannot make a vault at {path}: {exc.strerror or exc}") from None
    try:
        import fcntl  # only a creator needs the lock

        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
    except OSError as exc:  # out of space or inodes, or a read-only file system
        where = f"{exc.filename}: " if exc.filename else ""
        raise VaultError(f"cannot write {what} at {path}: {where}{exc.strerror or exc}{outcome}") from None
    finally:
        os.close(lock)


class Vault:
    """An opened vault: where it is, its marker, its ledger database, its objects."""

    __slots__ = ("ledger", "marker", "objects", "path")

    def __init__(self, path: Path, marker: Marker, ledger: Ledger, objects: ObjectStore) -> None:
        self.path = path
        self.marker = marker
        self.ledger = ledger
        self.objects = objects

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False, any_version: bool = False) -> Vault:
        """Open an existing vault; a version-1 vault only with `any_version` (verify, upgrade)."""
        marker = read_marker(path)
        if marker.version != VERSION and not any_version:
            raise VaultError(
                f"the vault at {path} is format version {marker.version}: run `archive upgrade --vault {path}` "
                f"to bring it to version {VERSION} (the ledger is kept byte for byte; the index is rebuilt)"
            )
        try:
            ledger = open_ledger(path, marker.ledger, read_only=read_only)
        except VaultError as exc:
            full = None if read_only else _out_of_room(path)
            if full is None:
                raise
            # SQLite says only "unable to open database file" when it cannot make its -wal or -shm.
            raise VaultError(
                f"cannot write to the vault at {path}: its file system is {full}; nothing was recorded"
            ) from exc
        return cls(path, marker, ledger, open_objects(path, marker.objects))

    @classmethod
    def create(
        cls,
        path: Path,
        *,
        now: datetime,
        origin: str | None = None,
        passphrase: bytes | None = None,
        key: Ed25519PrivateKey | None = None,
        ledger: dict[str, str] | None = None,
        objects: dict[str, str] | None = None,
    ) -> Vault:
        """Make a new vault at `path` (absent, empty, or holding only placeholder files), its ledger
        where `ledger` says (the marker's `ledger` member; default: SQLite in the vault) and its
        objects where `objects` says (default: the `objects/` folder).

        Creators serialise on an flock of the directory, so processes that start on a missing vault
        at once make it once; the losers get VaultError and open the vault the winner made.
        """
        with _creating(path, "the new vault", "; no vault was made"):
            return cls._create_locked(
                path, now=now, origin=origin, passphrase=passphrase, key=key, ledger=ledger, objects=objects
            )

    @classmethod
    def _create_locked(
        cls,
        path: Path,
        *,
        now: datetime,
        origin: str | None,
        passphrase: bytes | None,
        key: Ed25519PrivateKey | None,
        ledger: dict[str, str] | None = None,
        objects: dict[str, str] | None = None,
    ) -> Vault:
        _check_unfinished(path, allow_entries=False)
        stored = dict(objects or DEFAULT_OBJECTS)
        config = dict(ledger or DEFAULT_LEDGER)
        opened = _make_parts(path, config, stored)
        from archive.storage.keystore import ensure_key

        ensure_key(path, passphrase, key)
        marker = Marker(
            VERSION,
            check_origin(origin or _random_origin()),
            format_time(now),
            config,
            stored,
        )
        # The marker is written last (a vault without one was never finished and can be made
        # again) and only once: of processes creating the same vault at once, the first wins.
        if not write_marker(path, marker, replace=False):
            marker = read_marker(path)
        fsync_dir(path.parent)
        return cls(path, marker, opened, open_objects(path, marker.objects))

    @classmethod
    def create_copy(
        cls,
        path: Path,
        *,
        origin: str,
        created: str,
        ledger: dict[str, str],
        objects: dict[str, str],
        key_files: Mapping[str, bytes],
        files: Mapping[str, bytes],
        fill: Callable[[Vault], None],
    ) -> Vault:
        """Make the new home of an existing vault (`archive migrate`): its parts, its key files and
        its configuration `files` (name: bytes, in the vault's top directory) as they are, then `fill`
        copies the ledger and the objects, and only then is the marker written.

        A copy that died before its marker can be made again: a ledger the earlier attempt filled is
        left for `fill` to compare with its source.
        """
        with _creating(path, "the copy", ""):
            _check_unfinished(path, allow_entries=True, also=frozenset(files))
            opened = _make_parts(path, ledger, objects, adopt=True)
            from archive.storage.fsutil import atomic_write
            from archive.storage.keystore import write_key_files

            write_key_files(path, key_files)
            for name, data in files.items():
                if "/" in name or name.startswith(".") or name in _UNFINISHED or name == MARKER:
                    raise VaultError(f"not a configuration file name: {name[:40]!r}")
                atomic_write(path / name, data, mode=FILE_MODE)
            marker = Marker(VERSION, check_origin(origin), created, dict(ledger), dict(objects))
            vault = cls(path, marker, opened, open_objects(path, marker.objects))
            try:
                fill(vault)
                if not write_marker(path, marker, replace=False):
                    raise VaultError(f"{path} became a vault while it was being copied into")
                fsync_dir(path.parent)
            except BaseException:
                vault.close()
                raise
            return vault

    @property
    def origin(self) -> str:
        return self.marker.origin

    def close(self) -> None:
        self.ledger.close()
