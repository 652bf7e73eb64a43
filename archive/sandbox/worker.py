"""The child side of the sandbox: `python -m archive.sandbox.worker HANDLERS MEMORY PARENT_PID`.

It limits itself first (address space, no core files, death with its parent), then imports the
handlers module once and answers task frames from stdin on stdout, one at a time and in order,
until stdin closes. Handlers run here, so what they print or crash on stays here.
"""

from __future__ import annotations

import importlib
import os
import resource
import signal
import sys
from collections.abc import Callable
from typing import Any, BinaryIO

from archive.sandbox import wire

PR_SET_PDEATHSIG = 1


def limit(memory: int, parent: int) -> None:
    """Bound this process before it reads anything: memory, core files, and life beyond the parent."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        memory = min(memory, hard)
    # Soft and hard alike, so code a hostile file has taken over cannot lift the limit again.
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform == "linux":
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the parent died before the death signal was armed
        raise SystemExit("parent gone")
    # Ctrl-C reaches the whole process group; the parent decides what happens to its workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def channels() -> tuple[BinaryIO, BinaryIO]:
    """Take stdin and stdout for the protocol alone, on private descriptors that child processes do not inherit.

    Afterwards fd 0 reads /dev/null and fd 1 writes to stderr, so a handler (or a library, or a program
    it runs) that reads stdin or prints cannot steal or corrupt a frame.
    """
    incoming = os.fdopen(os.dup(0), "rb")
    outgoing = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    return incoming, outgoing


def answer(handlers: dict[str, Callable[..., Any]], body: bytes, memory: int) -> bytes:
    """The answer frame to one task frame: the handler's result, or why there is none."""
    try:
        name, args = wire.decode(body)
        handler = handlers.get(name)
        if handler is None:
            return wire.encode({"error": wire.reason(f"unknown handler {name!r}")})
        return wire.encode({"value": handler(**args)})
    except MemoryError:
        return wire.encode({"error": f"out of memory (limit {memory >> 20} MiB)"})
    except Exception as exc:
        first = wire.reason(str(exc))
        return wire.encode({"error": wire.reason(f"{type(exc).__name__}: {first}" if first else type(exc).__name__)})


def serve(handlers: dict[str, Callable[..., Any]], incoming: BinaryIO, outgoing: BinaryIO, memory: int) -> None:
    """Answer frames until the parent closes our stdin."""
    while True:
        head = incoming.read(wire.HEADER.size)
        if len(head) < wire.HEADER.size:
            return
        (size,) = wire.HEADER.unpack(head)
        body = incoming.read(size)
        if len(body) < size:
            return
        outgoing.write(answer(handlers, body, memory))
        outgoing.flush()


def main(argv: list[str]) -> None:
    module, memory, parent = argv[1], int(argv[2]), int(argv[3])
    limit(memory, parent)
    incoming, outgoing = channels()
    handlers = getattr(importlib.import_module(module), "HANDLERS", None)
    if not isinstance(handlers, dict):
        raise SystemExit(f"{module} defines no HANDLERS dict")
    serve(handlers, incoming, outgoing, memory)


if __name__ == "__main__":
    main(sys.argv)
