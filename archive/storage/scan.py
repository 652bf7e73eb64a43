"""Hashing every file of the object store on a thread pool, in the background.

`archive verify` starts a scan before it reads the ledger, so the files are hashed while the
entries are checked (hashlib releases the GIL on large updates, and the ledger checks are Python);
the results are compared with what the ledger says once both are done. Small files are hashed in
groups, so the pool's per-task cost does not dominate a store of many small objects.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

# Large reads: a hashing thread takes the GIL once per read and once per update, and while the
# main thread is busy (loading modules, checking entries) each take can wait a switch interval.
READ_BYTES = 4 << 20
SMALL_READ = 1 << 20  # files under this are read with plain reads
GROUP_BYTES = 32 << 20  # a task hashes files until it has this many bytes...
GROUP_FILES = 256  # ...or this many files


@dataclass(frozen=True)
class Hashed:
    """One file's size and SHA-256 (hex), or why it could not be read."""

    size: int
    sha256: str | None
    error: str | None = None


def hash_path(path: Path) -> Hashed:
    """Stream one regular file through SHA-256; why it cannot be read is returned, never raised.

    A symbolic link is not followed: an object is a file in the vault, and a link's target can
    change (or lie outside the vault) while the link keeps the object's name.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Hashed(-1, None, "a symbolic link, not a file")
        return Hashed(-1, None, exc.strerror or str(exc))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Hashed(-1, None, "a directory, not a file" if stat.S_ISDIR(info.st_mode) else "not a regular file")
        h = hashlib.sha256()
        size = 0  # of the bytes hashed, not of the stat before: the two agree unless it changes
        if info.st_size < SMALL_READ:
            # One read of a small file (plus one that finds its end): no file object to make.
            data = os.read(fd, SMALL_READ)
            while data:
                h.update(data)
                size += len(data)
                data = os.read(fd, SMALL_READ)
            return Hashed(size, h.hexdigest())
        with os.fdopen(fd, "rb", closefd=False) as f:
            buffer = bytearray(READ_BYTES)
            view = memoryview(buffer)
            while n := f.readinto(buffer):
                h.update(view[:n])
                size += n
        return Hashed(size, h.hexdigest())
    except OSError as exc:
        return Hashed(-1, None, exc.strerror or str(exc))
    finally:
        os.close(fd)


def _hash_group(paths: list[Path]) -> list[tuple[Path, Hashed]]:
    return [(path, hash_path(path)) for path in paths]


class Scan:
    """Files hashed in the background; `results` waits for them, in the order they were given."""

    def __init__(self, files: list[tuple[Path, int]], workers: int, *, deferred: bool = False) -> None:
        """Start hashing `files` (path, size) now, or with `deferred` when `start` is called."""
        self.total = sum(size for _, size in files)
        self._files = files
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hash")
        self._futures: list[tuple[Future[list[tuple[Path, Hashed]]], int]] = []
        self._started = False
        if not deferred:
            self.start()

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        files = self._files
        group: list[Path] = []
        group_bytes = 0
        for path, size in files:
            group.append(path)
            group_bytes += max(size, 0)
            if group_bytes >= GROUP_BYTES or len(group) >= GROUP_FILES:
                self._futures.append((self._pool.submit(_hash_group, group), group_bytes))
                group, group_bytes = [], 0
        if group:
            self._futures.append((self._pool.submit(_hash_group, group), group_bytes))

    def results(self) -> Iterator[tuple[Path, Hashed, int]]:
        """(path, result, bytes hashed so far), as each group finishes, in submission order."""
        self.start()
        done = 0
        try:
            for future, group_bytes in self._futures:
                hashed = future.result()
                done += group_bytes
                for path, result in hashed:
                    yield path, result, done
        finally:
            self.close()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def stat_size(path: Path) -> int:
    """A file's size, or -1 if it cannot be read (the scan then reports why)."""
    try:
        return path.stat().st_size
    except OSError:
        return -1
