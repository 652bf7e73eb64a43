"""The sandbox: long-lived worker processes that run work on untrusted input (extraction, identification) under limits.

`Pool` is the parent side (`pool.py`), `worker.py` the child side, `wire.py` the frames between them.
The parent side loads on first use, so a worker (which imports this package too) starts without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archive.sandbox.wire import FRAME_LIMIT

if TYPE_CHECKING:
    from archive.sandbox.pool import Answer, Pool

__all__ = ["FRAME_LIMIT", "Answer", "Pool"]


def __getattr__(name: str) -> Any:
    if name in ("Answer", "Pool"):
        from archive.sandbox import pool

        return getattr(pool, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
