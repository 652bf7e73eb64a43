"""Our canonical JSON equals the RFC 8785 reference implementation on any JSON value."""

from __future__ import annotations

from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.core.canonical import canonical_bytes, parse_canonical
from archive.errors import LedgerError

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=500)
@given(json_values)
def test_matches_the_reference_implementation(value: Any) -> None:
    try:
        expected = bytes(rfc8785.dumps(value))
    except (rfc8785.CanonicalizationError, ValueError, TypeError):
        with pytest.raises(LedgerError):
            canonical_bytes(value)
        return
    assert canonical_bytes(value) == expected


entry_like = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1) | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300)
@given(entry_like)
def test_round_trips(value: Any) -> None:
    try:
        data = canonical_bytes(value)
    except LedgerError:
        return  # lone surrogates cannot be encoded as UTF-8
    assert parse_canonical(data) == value


def test_keys_sort_by_utf16_code_units() -> None:
    # U+FF61 sorts after U+1F600 by code point but before it by UTF-16 code unit (0xD83D < 0xFF61).
    value = {"\U0001f600": 1, "\uff61": 2}
    assert canonical_bytes(value) == bytes(rfc8785.dumps(value))
    assert canonical_bytes(value).index("\U0001f600".encode()) < canonical_bytes(value).index("\uff61".encode())


def test_non_canonical_bytes_are_refused() -> None:
    with pytest.raises(LedgerError):
        parse_canonical(b'{"b":1, "a":2}')
    with pytest.raises(LedgerError):
        parse_canonical(b'{"a":1,"a":2}')
