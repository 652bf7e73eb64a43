"""Strict reading of JSON objects from entries: exact member sets and typed values. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from archive.core.digest import is_hex_digest


class RuleError(ValueError):
    """An entry that decodes but breaks a rule of the format (an unknown member, a bad value...)."""


_SETS: dict[tuple[Sequence[str], Sequence[str]], tuple[frozenset[str], frozenset[str]]] = {}


def members(value: Mapping[str, Any], what: str, required: Sequence[str], optional: Sequence[str] = ()) -> None:
    """Refuse an object that lacks a required member or has one the format does not define."""
    sets = _SETS.get((required, optional))
    if sets is None:
        sets = _SETS[(tuple(required), tuple(optional))] = (frozenset(required), frozenset(required) | set(optional))
    keys = value.keys()
    if sets[0] <= keys <= sets[1]:  # the common case, at C speed
        return
    missing = [k for k in required if k not in value]
    if missing:
        raise RuleError(f"{what} lacks {', '.join(missing)}")
    extra = sorted(set(value) - set(required) - set(optional))
    if extra:
        raise RuleError(f"{what} has unknown member {extra[0][:40]!r}")


def string(value: Any, what: str) -> str:
    """A non-empty string (not only whitespace)."""
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"{what} must be a non-empty string")
    return value


MAX_COUNT = 2**53 - 1  # sizes, positions and offsets stay exact in every JSON reader (RFC 8785: IEEE doubles)


def count(value: Any, what: str) -> int:
    """A non-negative integer (not a boolean) no larger than MAX_COUNT."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
        raise RuleError(f"{what} must be an integer from 0 to 2^53 - 1")
    return value


def hex64(value: Any, what: str) -> str:
    if not isinstance(value, str) or not is_hex_digest(value):
        raise RuleError(f"{what} must be 64 lowercase hex digits")
    return value


def mapping(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RuleError(f"{what} must be an object")
    return value
