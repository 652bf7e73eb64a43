"""The sandbox: long-lived worker processes that run untrusted-input work (extraction, identification) under limits.

`Pool` is the parent side (`pool.py`), `worker.py` the child side, `wire.py` the frames between them.
"""

from archive.sandbox.pool import Answer, Pool
from archive.sandbox.wire import FRAME_LIMIT

__all__ = ["FRAME_LIMIT", "Answer", "Pool"]
