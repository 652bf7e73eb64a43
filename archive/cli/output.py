"""Writing a command's output file: whole or not at all, and never through a link or over a device.

A regular file (or a new path) is written to a temporary file beside it, fsynced and renamed over
it, so a reader never sees half a manifest. A device or a pipe (`-o /dev/stdout`, a FIFO) is
written in place: renaming a file over it would replace the device itself. A symbolic link or a
directory is refused, naming it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from archive.errors import BadInputError, VaultError

FILE_MODE = 0o644


@contextmanager
def atomic_text(path: Path) -> Iterator[TextIO]:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise BadInputError(f"{path}: cannot write: {exc.strerror}") from None
    if info is not None and stat.S_ISLNK(info.st_mode):
        raise BadInputError(f"{path} is a symbolic link; give the file it points to")
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise BadInputError(f"{path} is a directory; give a file name")
    if info is not None and not stat.S_ISREG(info.st_mode):
        with open(path, "w", encoding="utf-8") as device:
            yield device
        return
    parent = path.parent if str(path.parent) else Path(".")
    tmp = parent / f".{path.name}.{os.urandom(6).hex()}.tmp"
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_CLOEXEC, FILE_MODE)
    except OSError as exc:
        raise BadInputError(f"{path}: cannot write: {exc.strerror}") from None
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
        dir_fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise VaultError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
