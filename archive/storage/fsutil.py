"""Durable file-system primitives: fsync of files and directories, atomic writes, syncfs, explicit modes.

Every directory and file the archive makes gets its mode set explicitly (mkdir or open, then chmod
or fchmod), never left to the umask, which could widen it (umask 000) or narrow it (umask 077).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

# The vault's mode table (docs/format.md §1.2); objects (0444) and key files (0600) are set where written.
DIR_MODE = 0o755  # the vault, objects/, objects/sha256/ and its fan-out directories
PRIVATE_DIR_MODE = 0o700  # tmp/ and the staging directories in it, keys/
FILE_MODE = 0o644  # VAULT.json, ledger.sqlite and SQLite's -wal and -shm beside it, files written with -o


def make_dir(path: Path, mode: int, *, parent_mode: int = DIR_MODE) -> bool:
    """Make `path` with exactly `mode` (and any missing parents with `parent_mode`); True if it was made.

    A directory that already exists is left as it is: it may be someone else's.
    """
    missing: list[Path] = []
    at = path
    while not os.path.lexists(at):
        missing.append(at)
        at = at.parent
    for directory in reversed(missing):
        wanted = mode if directory == path else parent_mode
        try:
            os.mkdir(directory, wanted)
        except FileExistsError:
            continue  # made by another process meanwhile, which sets the same mode
        os.chmod(directory, wanted)  # mkdir's mode passes through the umask; chmod does not
    return bool(missing)


def fsync_dir(path: Path) -> None:
    """Make a directory's entries (a rename, a new file) durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _durable_temp(path: Path, data: bytes, mode: int) -> Path:
    """Write `data` to a new temporary file beside `path` and fsync it; returns its path."""
    tmp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_CLOEXEC, mode)
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), mode)  # exactly `mode`, whatever the umask
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def atomic_write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write a file whole or not at all: temporary file, fsync, rename, directory fsync."""
    tmp = _durable_temp(path, data, mode)
    try:
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def create_once(path: Path, data: bytes, mode: int = 0o644) -> bool:
    """Publish a file atomically unless it exists; returns False (writing nothing) if it did."""
    tmp = _durable_temp(path, data, mode)
    try:
        os.link(tmp, path)  # unlike rename, fails when the target exists
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)
    return True


_libc: Any = None  # ctypes.CDLL, loaded on the first syncfs (ctypes is slow to import)


def sync_filesystem(path: Path) -> None:
    """Flush every dirty page of the file system holding `path` (Linux syncfs(2)).

    One syncfs after writing a batch of files costs about as much as one fsync, where an fsync per
    file costs one each; both leave the data durable. Elsewhere falls back to os.sync().
    """
    syncfs = getattr(_load_libc(), "syncfs", None)
    if syncfs is None:
        os.sync()
        return
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if syncfs(fd) != 0:
            import ctypes

            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), str(path))
    finally:
        os.close(fd)


_RENAME_NOREPLACE = 1
_AT_FDCWD = -100


def _load_libc() -> Any:
    global _libc
    if _libc is None:
        import ctypes
        import ctypes.util

        name = ctypes.util.find_library("c")
        _libc = ctypes.CDLL(name, use_errno=True) if name else ctypes.CDLL(None, use_errno=True)
    return _libc


def move_no_replace(source: Path, target: Path) -> bool:
    """Move a file to a new name in the same file system unless the name is taken (False if it was).

    renameat2(RENAME_NOREPLACE) where the kernel and file system have it: one atomic step that
    needs no new inode (tmpfs counts every extra hard link as one). Elsewhere a hard link, which
    also fails on an existing target, then unlinking the source.
    """
    renameat2 = getattr(_load_libc(), "renameat2", None)
    if renameat2 is not None:
        import ctypes

        if renameat2(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), _RENAME_NOREPLACE) == 0:
            return True
        err = ctypes.get_errno()
        if err == errno.EEXIST:
            os.unlink(source)
            return False
        if err not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise OSError(err, os.strerror(err), str(target))
    try:
        os.link(source, target)
    except FileExistsError:
        os.unlink(source)
        return False
    os.unlink(source)
    return True


class NotRegularError(OSError):
    """The path is not a regular file (a directory, a pipe, a device, a socket)."""


class TooLargeError(OSError):
    """The file is larger than the limit it is read with."""


def read_regular(path: Path, limit: int) -> bytes:
    """The whole content of a regular file of at most `limit` bytes.

    Opened without blocking (a FIFO never hangs the reader) and checked with fstat on the open
    descriptor, so what is checked is what is read; raises FileNotFoundError, NotRegularError,
    TooLargeError or another OSError.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularError(0, "not a regular file", str(path))
        if info.st_size > limit:
            raise TooLargeError(0, f"larger than {limit} bytes", str(path))
        chunks = []
        total = 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise TooLargeError(0, f"larger than {limit} bytes", str(path))
        return b"".join(chunks)
    finally:
        os.close(fd)
