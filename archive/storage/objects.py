"""The content-addressed object store on the local file system.

Layout: `objects/sha256/<first two hex>/<64 hex>`, each file read-only, written once and never
overwritten. New bytes are first *staged* in a private directory under `tmp/` (held by an flock
while its writer lives), made durable, and only moved into `objects/` after the ledger entry that
names them has committed. A writer killed in between leaves staged files that the next writer
places (if the ledger names them) or deletes (if it does not); verification accepts a committed
object found in a dead writer's staging directory, so a crash at any instant leaves a vault that
verifies and an object store that holds nothing the ledger does not know.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from archive.core.digest import CHUNK, Digest, is_hex_digest
from archive.errors import BadInputError, VaultError
from archive.storage.fsutil import DIR_MODE, PRIVATE_DIR_MODE, make_dir, move_no_replace, sync_filesystem

READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
FAN_MODE = DIR_MODE
LOCK_MODE = 0o600
_LOCK_NAME = ".lock"
_STAGE = "stage-"
_ENTERING = ".entering-"
_LEAVING = ".leaving-"
FETCHING = ".fetch-"  # a download of an object kept in a bucket (archive.storage.bucket), while it is read
_LEFTOVER_AGE = 3600.0


class StoreWriteError(VaultError):
    """Bytes could not be written into the vault (out of space or inodes, a read-only file system)."""


class Staged(NamedTuple):
    """Bytes copied into staging: their digest, size and the staged file."""

    digest: Digest
    size: int
    path: Path


class ObjectStore:
    """Objects under `<vault>/objects/sha256`, staging under `<vault>/tmp`.

    This is the `folder` backend; `archive.storage.bucket.BucketStore` keeps the objects in an S3
    bucket instead and shares the staging. A writer stages, calls `publish` before its entries
    commit (the bucket uploads there; a folder has nothing to do yet) and `place` after.
    """

    name = "folder"

    def __init__(self, vault: Path) -> None:
        self.vault = vault
        self.root = vault / "objects" / "sha256"
        self.staging = vault / "tmp"
        self._fans: set[Path] = set()  # fan-out directories known to exist

    def path_for(self, digest: str) -> Path:
        return self.root / digest[:2] / digest

    def locate(self, digest: str) -> Path | None:
        """Where an object's bytes are: in the store, or still staged after its commit."""
        path = self.path_for(digest)
        if path.exists():
            return path
        if self.staging.is_dir():
            for stage in self._stages():
                candidate = stage / digest
                if candidate.is_file():
                    return candidate
        return None

    @contextlib.contextmanager
    def fetch(self, digest: str, *, into: Path | None = None) -> Iterator[Path | None]:
        """A file holding the object's bytes for as long as the block runs (None: it is missing).

        A folder's object is its own file; a bucket downloads into `into` (default: the vault's tmp/).
        """
        yield self.locate(digest)

    def publish(self, staged: Sequence[Staged]) -> None:
        """Make staged bytes durable where the objects live, before the entries naming them commit.

        In a folder nothing more is needed: the writer's syncfs made them durable in staging, and
        `place` moves them after the commit. (A bucket uploads them here.)
        """

    def iter_stored(self) -> Iterator[tuple[str, Path]]:
        """Every file under the store, named by its file name (which should be its digest)."""
        if not self.root.is_dir():
            return
        for fan in sorted(self.root.iterdir()):
            if fan.is_dir():
                for path in sorted(fan.iterdir()):
                    yield path.name, path
            else:
                yield fan.name, fan

    def _stages(self) -> list[Path]:
        """Writers' staging directories (a writer's is named stage-* only while it is locked)."""
        return sorted(p for p in self.staging.iterdir() if p.name.startswith(_STAGE))

    def stager(self, committed: Callable[[str], bool] | None = None) -> Stager:
        return Stager(self, committed)

    def make_room(self, digest: str) -> None:
        """Make the directory an object will be placed in, before its entry commits.

        Then placing it after the commit only renames a file (no new inode), so running out of
        inodes fails the write before anything is recorded rather than after.
        """
        target = self.path_for(digest).parent
        try:
            self._make_fan(target)
        except OSError as exc:
            raise StoreWriteError(f"cannot write to the vault's objects at {target}: {exc.strerror or exc}") from exc

    def _make_fan(self, directory: Path) -> None:
        if directory not in self._fans:
            make_dir(directory, FAN_MODE)
            self._fans.add(directory)

    def place(self, staged: Path, digest: str) -> None:
        """Move a staged file to its address; never overwrites an object already there."""
        target = self.path_for(digest)
        try:
            self._make_fan(target.parent)
            os.chmod(staged, READ_ONLY)  # staged read-only already; made sure for what a dead writer left
            move_no_replace(staged, target)  # an object already there is never overwritten
        except OSError as exc:  # out of space or inodes: the bytes stay staged, found there by verify
            raise StoreWriteError(
                f"cannot write to the vault's objects at {target.parent}: {exc.strerror or exc}"
            ) from exc

    def recover(self, committed: Callable[[str], bool]) -> int:
        """Finish or discard what dead writers left staged; returns how many objects it placed.

        Call with the ledger's write lock held, so `committed` cannot change underneath.
        """
        placed = 0
        if not self.staging.is_dir():
            return 0
        for stage in self._stages():
            lock = _try_lock(stage / _LOCK_NAME)
            if lock is None:
                continue  # a live writer owns it, or it is already gone
            try:
                for path in sorted(stage.iterdir()):
                    if path.name == _LOCK_NAME:
                        continue
                    if is_hex_digest(path.name) and committed(path.name):
                        placed += self._settle(path, path.name)
                    else:
                        path.unlink()
                _remove_locked(stage)
            except FileNotFoundError:
                pass  # removed by another recovering writer meanwhile
            finally:
                os.close(lock)
        self._sweep_leftovers()
        if placed:
            sync_filesystem(self.vault)
        return placed

    def _settle(self, staged: Path, digest: str) -> int:
        """Finish a dead writer's committed object: place it (1), or find it already placed (0)."""
        fresh = not self.path_for(digest).exists()
        self.place(staged, digest)
        return int(fresh)

    def _sweep_leftovers(self) -> None:
        """Remove directories that writers killed while entering or leaving staging left behind, and
        downloads that killed readers left.

        They never hold committed bytes (a directory holds those only while named stage-*); the age
        bound keeps this away from a live writer that is just now entering or leaving.
        """
        cutoff = time.time() - _LEFTOVER_AGE
        for path in self.staging.iterdir():
            if path.name.startswith((_ENTERING, _LEAVING, FETCHING)):
                with contextlib.suppress(FileNotFoundError):
                    if path.stat().st_mtime < cutoff:
                        for child in path.iterdir():
                            child.unlink(missing_ok=True)
                        path.rmdir()


def _remove_locked(directory: Path) -> None:
    """Remove a staging directory whose lock we hold: out of sight first, then its contents."""
    gone = directory.with_name(f"{_LEAVING}{directory.name}")
    directory.rename(gone)  # no longer a stage-*: nobody else will look at it
    for path in gone.iterdir():
        path.unlink()  # .lock last is not needed: our flock stays on its open descriptor
    gone.rmdir()


def _try_lock(path: Path, *, create: bool = False) -> int | None:
    try:
        fd = os.open(path, os.O_RDWR | os.O_CLOEXEC | (os.O_CREAT if create else 0), LOCK_MODE)
    except FileNotFoundError:
        return None
    try:
        if create:
            os.fchmod(fd, LOCK_MODE)  # whatever the umask
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            return None
        raise
    return fd


class Stager:
    """A writer's private staging directory, locked for as long as the writer lives.

    Given `committed` (whether the ledger names a digest), a writer that fails cleans up after
    itself: what no entry names is deleted and, if that was everything, the directory goes too.
    """

    def __init__(self, store: ObjectStore, committed: Callable[[str], bool] | None = None) -> None:
        self.store = store
        self.dir = store.staging / f"{_STAGE}{os.getpid()}-{os.urandom(6).hex()}"
        self._lock: int | None = None
        self._committed = committed

    def __enter__(self) -> Stager:
        # Made and locked under another name, then renamed in: a stage-* directory is always
        # locked by its live writer, so recovery can never mistake it for a dead one's.
        entering = self.dir.with_name(f"{_ENTERING}{self.dir.name}")
        try:
            make_dir(self.store.staging, PRIVATE_DIR_MODE)
            entering.mkdir(mode=PRIVATE_DIR_MODE)
        except OSError as exc:
            raise StoreWriteError(
                f"cannot write to the vault's staging directory {self.store.staging}: {exc.strerror or exc}"
            ) from exc
        try:
            os.chmod(entering, PRIVATE_DIR_MODE)  # mkdir's mode passes through the umask
            self._lock = _try_lock(entering / _LOCK_NAME, create=True)
            if self._lock is None:
                raise VaultError(f"cannot lock staging directory {entering}")
            entering.rename(self.dir)
        except BaseException as exc:
            self._close()
            with contextlib.suppress(OSError):
                (entering / _LOCK_NAME).unlink(missing_ok=True)
                entering.rmdir()
            if isinstance(exc, OSError):
                raise StoreWriteError(
                    f"cannot write to the vault's staging directory {self.store.staging}: {exc.strerror or exc}"
                ) from exc
            raise
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if self._lock is None:
            return
        try:
            if exc_type is None:
                _remove_locked(self.dir)
            else:
                self._clean_after_error()
        finally:
            self._close()

    def _close(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def _clean_after_error(self) -> None:
        """Delete what no committed entry names; keep the rest (and the directory) for recovery.

        Without `committed`, or when the ledger cannot say, the directory stays as it is: it may
        hold bytes whose entry committed just before the error, and the next writer's recovery
        (once this one's lock is gone) places or discards them.
        """
        if self._committed is None:
            return
        with contextlib.suppress(OSError, VaultError):
            kept = False
            for path in sorted(self.dir.iterdir()):
                if path.name == _LOCK_NAME:
                    continue
                if is_hex_digest(path.name) and self._committed(path.name):
                    kept = True
                else:
                    path.unlink()
            if not kept:
                _remove_locked(self.dir)

    def stage(self, source: Path) -> Staged:
        """Copy a file into staging while hashing it, in one streaming pass (no fsync here)."""
        return stage_file(source, self.dir)

    def sync(self) -> None:
        """Make everything staged so far durable (one syncfs for a whole batch)."""
        sync_filesystem(self.store.vault)

    def discard(self, staged: Staged) -> None:
        staged.path.unlink(missing_ok=True)


def stage_file(source: Path, directory: Path) -> Staged:
    """Copy `source` into a staging `directory` while hashing it; the copy is named by its digest.

    Written under a temporary name and renamed once complete, so a staged file named by a digest
    always holds those bytes. No fsync: the writer makes a whole batch durable with one syncfs.
    Runs in a sandbox worker at ingest (next to the extraction of the same copy) or in the writer.
    """
    partial = directory / f".partial-{os.urandom(8).hex()}"
    import hashlib  # here: reading commands open the object store but never hash

    h = hashlib.sha256()
    size = 0
    try:
        src = os.open(source, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise BadInputError(f"cannot read {source}: {exc.strerror or exc}") from exc
    try:
        if not stat.S_ISREG(os.fstat(src).st_mode):
            raise BadInputError(f"cannot read {source}: not a regular file")
        try:
            dst = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, READ_ONLY)
        except OSError as exc:
            raise StoreWriteError(
                f"cannot write to the vault's staging directory {directory}: {exc.strerror or exc}"
            ) from exc
        try:
            os.fchmod(dst, READ_ONLY)  # whatever the umask
            while True:
                try:
                    block = os.read(src, CHUNK)
                except OSError as exc:
                    raise BadInputError(f"cannot read {source}: {exc.strerror or exc}") from exc
                if not block:
                    break
                h.update(block)
                size += len(block)
                view = memoryview(block)
                try:
                    while view:
                        view = view[os.write(dst, view) :]
                except OSError as exc:  # out of space or inodes: say so, keep nothing half-written
                    raise StoreWriteError(
                        f"cannot write to the vault's staging directory {directory}: {exc.strerror or exc}"
                    ) from exc
        finally:
            os.close(dst)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        os.close(src)
    digest = Digest(h.hexdigest())
    final = directory / digest.hex
    if final.exists():
        partial.unlink()
    else:
        partial.rename(final)
    return Staged(digest, size, final)
