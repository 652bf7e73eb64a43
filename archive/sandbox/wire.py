"""The sandbox's wire format, spoken by both sides: a 4-byte big-endian length, then that many bytes of UTF-8 JSON.

JSON and never pickle: a worker that a hostile file has taken over can send its parent data, never code.
A task is `[handler name, args object]`; an answer is `{"value": result}` or `{"error": reason}`.
"""

from __future__ import annotations

import json
import struct
from typing import Any

HEADER = struct.Struct(">I")
FRAME_LIMIT = 64 << 20  # default bound on one frame's body, either way
ERROR_CHARS = 300  # a failure reason is one line of at most this many characters


def _reject(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


# Built once: json.dumps and json.loads with options build a new coder on every call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
_DECODER = json.JSONDecoder(parse_constant=_reject)


def encode(message: Any) -> bytes:
    """One frame holding `message` (strict JSON: no NaN or infinities, no lone surrogates)."""
    body = _ENCODER.encode(message).encode("utf-8")
    return HEADER.pack(len(body)) + body


def decode(body: bytes) -> Any:
    """The message in a frame's body; ValueError or RecursionError when it is not strict UTF-8 JSON."""
    return _DECODER.decode(body.decode("utf-8"))


def reason(text: str) -> str:
    """A failure reason as one bounded line."""
    lines = text.strip().splitlines()
    return (lines[0] if lines else "")[:ERROR_CHARS]
