"""Handlers for the sandbox tests (test-only): each behaves, or misbehaves, in one way a real extractor might."""

from __future__ import annotations

import os
import signal
import stat
import sys
import time
from pathlib import Path
from typing import Any


def echo(value: Any = None) -> Any:
    return value


def tagged(value: Any) -> list[Any]:
    """The value and the pid that handled it, to see which worker ran a task."""
    return [value, os.getpid()]


def not_json() -> set[int]:
    return {1, 2}


def pid() -> int:
    return os.getpid()


def sleep(seconds: float, touch: str | None = None) -> float:
    if touch is not None:
        Path(touch).write_text("running")
    time.sleep(seconds)
    return seconds


def hog(size: int) -> int:
    return len(bytearray(size))


def exit_now(code: int, words: str = "") -> None:
    if words:
        sys.stderr.write(words + "\n")
        sys.stderr.flush()
    os._exit(code)


def segfault() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def fail(message: str) -> None:
    raise ValueError(message)


def big(size: int) -> str:
    return "x" * size


def chatty(megabytes: int) -> str:
    line = "a chatty library says something\n" * 32
    for _ in range(megabytes * (1 << 20) // len(line)):
        sys.stderr.write(line)
    return "done"


def prints(value: Any) -> Any:
    """Prints to stdout, as careless libraries do: it must not reach the protocol."""
    print("not a frame", value)
    sys.stdout.flush()
    return value


def forge(body: str) -> str:
    """Write a frame straight onto the answer channel, as code that took a worker over could."""
    err = os.fstat(2).st_ino
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            info = os.fstat(fd)
        except OSError:
            continue
        if fd > 2 and stat.S_ISFIFO(info.st_mode) and info.st_ino != err and _write_only(fd):
            data = body.encode()
            os.write(fd, len(data).to_bytes(4, "big") + data)
    return "forged"


def _write_only(fd: int) -> bool:
    import fcntl

    return fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_WRONLY


HANDLERS = {
    "echo": echo,
    "tagged": tagged,
    "pid": pid,
    "not_json": not_json,
    "sleep": sleep,
    "hog": hog,
    "exit": exit_now,
    "segfault": segfault,
    "fail": fail,
    "big": big,
    "chatty": chatty,
    "prints": prints,
    "forge": forge,
}
