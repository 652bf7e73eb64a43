"""Canonical JSON (RFC 8785, JCS): the one byte form of every ledger entry."""

from __future__ import annotations

import json
from typing import Any

from archive.errors import LedgerError


def canonical_bytes(value: Any) -> bytes:
    """Serialise to RFC 8785 canonical JSON bytes."""
    import rfc8785  # lazily: keeps CLI start-up fast

    try:
        return bytes(rfc8785.dumps(value))
    except (TypeError, ValueError, rfc8785.CanonicalizationError) as exc:
        raise LedgerError(f"value cannot be canonicalised: {exc}") from exc


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, val in pairs:
        if key in result:
            raise LedgerError(f"duplicate key {key!r} in JSON object")
        result[key] = val
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
