"""Canonical JSON (RFC 8785, JCS): the one byte form of every ledger entry."""

from __future__ import annotations

import json
import re
from typing import Any

from archive.errors import LedgerError

_MAX_DEPTH = 64
_ASTRAL = "\U00010000"


def _plain(value: Any) -> bool:
    """True when the stdlib serialiser already gives JCS bytes for `value`.

    That holds for null, booleans, integers, strings, lists and objects whose keys are all in the
    Basic Multilingual Plane: JCS sorts keys by UTF-16 code units, which orders BMP strings exactly
    as Python's code-point sort does, and escapes strings as json.dumps(ensure_ascii=False) does.
    Floats (JCS prints them the ECMAScript way) and astral-plane keys take the full JCS path.
    """
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        container, depth = stack.pop()
        if depth > _MAX_DEPTH:
            return False
        kind = type(container)
        if kind is dict:
            try:
                keys = "".join(container)  # one C call for all keys; TypeError if one is not a str
            except TypeError:
                return False
            if not (keys.isascii() or max(keys) < _ASTRAL):
                return False
            values = container.values()
        elif kind is list:
            values = container
        else:
            values = (container,)
            depth -= 1
        for item in values:
            # Exact types: a subclass (an IntEnum, a str subclass) takes the full JCS path.
            kind = type(item)
            if kind is str or item is None or kind is bool:
                continue
            if kind is int:
                if abs(item) >= 2**53:  # beyond that JCS (an IEEE double) cannot represent it exactly
                    return False
            elif kind is dict or kind is list:
                stack.append((item, depth + 1))
            else:
                return False
    return True


def canonical_bytes(value: Any, *, model: bool = False) -> bytes:
    """Serialise to RFC 8785 canonical JSON bytes.

    `model`: the value is one the archive's own model built (entries it writes, index states): its
    keys are the format's ASCII member names and field names, and its numbers integers within
    2**53 (the strict readers refuse others), so the stdlib's sorted compact form is its JCS form
    without walking it first.
    """
    if model or _plain(value):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate: not representable, as JCS also says
            raise LedgerError(f"value cannot be canonicalised: {exc}") from exc
    import rfc8785  # lazily: the pure-Python reference path for floats and astral-plane keys

    try:
        return bytes(rfc8785.dumps(value))
    except (TypeError, ValueError, rfc8785.CanonicalizationError) as exc:
        raise LedgerError(f"value cannot be canonicalised: {exc}") from exc


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise LedgerError(f"duplicate key {key!r} in JSON object")
            seen.add(key)
    return result


def _no_constants(name: str) -> Any:
    raise LedgerError(f"{name} is not valid JSON")


def parse_canonical(data: bytes) -> Any:
    """Parse bytes that must already be canonical JSON; raises LedgerError otherwise."""
    value = parse_json(data)
    if canonical_bytes(value) != data:
        raise LedgerError("JSON is not in RFC 8785 canonical form")
    return value


def parse_json(data: bytes) -> Any:
    """Parse strict JSON from UTF-8 bytes (no duplicate keys, no NaN or Infinity)."""
    try:
        text = data.decode("utf-8")
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise LedgerError(f"not valid JSON: {exc}") from exc


# A UTF-8 lead byte of an astral-plane character: where JCS's UTF-16 key order can differ from
# the code-point order Python sorts by, so such bytes send `read_canonical` down the full path.
_ASTRAL_BYTES = re.compile(rb"[\xf0-\xf4]")
_EXACT_INT = 2**53  # beyond this JCS (working in IEEE doubles) cannot keep an integer exact


class _Numbers:
    """parse_float and parse_int hooks that note a float or an integer too large for JCS."""

    unusual = False

    def float(self, text: str) -> float:
        self.unusual = True
        return float(text)

    def int(self, text: str) -> int:
        value = int(text)
        if len(text) > 15 and abs(value) >= _EXACT_INT:
            self.unusual = True
        return value


def read_canonical(data: bytes) -> tuple[Any, bool]:
    """Parse strict JSON and tell whether `data` is its RFC 8785 form, serialising it only once.

    The common case (no floats, no astral-plane characters, no huge integers) takes one C-speed
    parse and one C-speed serialisation: bytes equal to the stdlib's sorted compact form are JCS
    bytes, and hold no duplicate key (a duplicate would have collapsed in the parse). Anything else
    goes through the strict parser and the reference serialiser. Raises LedgerError if `data` is
    not JSON at all (or has duplicate keys, NaN or Infinity).
    """
    numbers = _Numbers()
    try:
        value = json.loads(
            data.decode("utf-8"), parse_float=numbers.float, parse_int=numbers.int, parse_constant=_no_constants
        )
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise LedgerError(f"not valid JSON: {exc}") from exc
    if not numbers.unusual and (data.isascii() or _ASTRAL_BYTES.search(data) is None):
        try:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
            if text.encode("utf-8") == data:
                return value, True
        except (UnicodeEncodeError, ValueError, RecursionError):
            pass
    value = parse_json(data)  # the strict parser: refuses duplicate keys
    try:
        return value, canonical_bytes(value) == data
    except LedgerError:
        return value, False
