"""Bounds on what checking a manifest or proof file reads: its size, nesting, integers and proofs.

Each bound is checked before the part it limits is parsed further, validated or hashed, so no file
makes `verify-manifest` hang, exhaust memory or fail with a traceback (docs/format.md §14.3).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from archive.core.strict import MAX_COUNT
from archive.errors import BadInputError

MAX_MANIFEST_BYTES = 2 << 30  # 2 GiB: over twice a 100,000-item manifest (about 6 KB an item)
MAX_DEPTH = 32  # the format nests 9 levels deep; jsonschema recurses once per level
MAX_NUMBER_CHARS = 20  # every integer the format holds is below 2^53 (16 digits)
MAX_FILES = 1_000_000  # directory entries `--files` looks at
# The longest inclusion proof of any ledger the format allows (size below 2^53): ceil(log2(2^53 - 1)).
MAX_PROOF = (MAX_COUNT - 1).bit_length()


def max_proof_length(size: int) -> int:
    """The most hashes an RFC 9162 inclusion proof in a tree of `size` leaves has: ceil(log2(size))."""
    return (size - 1).bit_length() if size > 1 else 0


class _RefusedError(ValueError):
    """A JSON value beyond a bound, raised from inside the parser."""


def _number(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _RefusedError(f"a number of {len(text)} characters (at most {MAX_NUMBER_CHARS})")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _RefusedError(f"a number of {len(text)} characters (at most {MAX_NUMBER_CHARS})")
    return float(text)


def _constant(name: str) -> Any:
    raise _RefusedError(f"{name} is not JSON")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _RefusedError("an object with a duplicated member name")
    return result


def parse_document(text: str) -> Any:
    """Parse a manifest or proof file's text as strict JSON within the bounds; BadInputError if not.

    The caller reads at most MAX_MANIFEST_BYTES; numbers, nesting and duplicate members are
    refused here, while parsing, before any other check walks the document.
    """
    try:
        doc = json.loads(
            text, parse_int=_number, parse_float=_float, parse_constant=_constant, object_pairs_hook=_object
        )
    except _RefusedError as exc:
        raise BadInputError(f"not a manifest: {exc}") from None
    except RecursionError:
        raise BadInputError(f"not a manifest: JSON nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:
        raise BadInputError(f"not JSON: {str(exc)[:200]}") from None
    if too_deep(doc):
        raise BadInputError(f"not a manifest: JSON nested deeper than {MAX_DEPTH} levels")
    return doc


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether `value` nests objects and arrays more than `limit` levels deep (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _entries(doc: dict[str, Any]) -> Iterator[Any]:
    keys = doc.get("keys")
    if isinstance(keys, list):
        yield from keys
    items = doc.get("items")
    for item in items if isinstance(items, list) else ():
        entries = item.get("entries") if isinstance(item, dict) else None
        if isinstance(entries, list):
            yield from entries


def oversized_proof(doc: Any) -> str | None:
    """What is wrong when an inclusion proof is longer than the manifest's tree allows, else None.

    Looked at before the schema or any hash: a proof of a million hashes is refused for its length.
    """
    if not isinstance(doc, dict):
        return None
    ledger = doc.get("ledger")
    size = ledger.get("size") if isinstance(ledger, dict) else None
    known = isinstance(size, int) and not isinstance(size, bool) and 1 <= size <= MAX_COUNT
    limit = max_proof_length(size) if known else MAX_PROOF  # type: ignore[arg-type]
    where = f"the tree of size {size}" if known else "any ledger"
    for entry in _entries(doc):
        proof = entry.get("inclusion_proof") if isinstance(entry, dict) else None
        if isinstance(proof, list) and len(proof) > limit:
            return f"an inclusion proof of {len(proof)} hashes is longer than {where} allows ({limit})"
    return None
