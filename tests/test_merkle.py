"""Tests of archive.merkle: the public RFC 6962/9162 vectors, node-store proofs cross-checked
against the RFC's recursive definitions, tampered proofs, and the look-up cost of a proof."""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path
from typing import Any

import pytest
from conftest import vectors_dir
from hypothesis import given
from hypothesis import strategies as st

from archive.core import merkle
from archive.errors import LedgerError

Store = dict[tuple[int, int], bytes]

# The leaves of the RFC 6962 reference tree, from which the vectors' happy paths were made.
RFC6962_LEAVES = [
    merkle.leaf_hash(d)
    for d in [
        b"",
        b"\x00",
        b"\x10",
        b"\x20\x21",
        b"\x30\x31",
        b"\x40\x41\x42\x43",
        bytes(range(0x50, 0x58)),
        bytes(range(0x60, 0x70)),
    ]
]


def _cases(kind: str) -> list[str]:
    # Collected at import time for parametrize ids; the tests read them through the fixture.
    base = vectors_dir() / "rfc6962" / kind
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*.json"))


INCLUSION = _cases("inclusion")
CONSISTENCY = _cases("consistency")


def _load(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return case


def _b64(text: str) -> bytes:
    return base64.b64decode(text)


def _proof(case: dict[str, Any]) -> list[bytes]:
    return [_b64(h) for h in case["proof"] or []]


def _leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(i.to_bytes(8, "big")) for i in range(n)]


def _build(leaves: list[bytes]) -> Store:
    """A node store filled by CompactRange, checked against new_nodes_on_append on the way."""
    store: Store = {}
    rng = merkle.CompactRange()
    for i, leaf in enumerate(leaves):
        nodes = rng.append(leaf)
        assert nodes == merkle.new_nodes_on_append(i, leaf, lambda lv, ix: store[lv, ix])
        store.update(((level, index), h) for level, index, h in nodes)
    return store


def _get(store: Store) -> merkle.NodeGetter:
    return lambda level, index: store[level, index]


class CountingStore:
    """A node getter that counts its look-ups."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.calls = 0

    def __call__(self, level: int, index: int) -> bytes:
        self.calls += 1
        return self.store[level, index]


def _flip(proof: list[bytes], at: int, bit: int) -> list[bytes]:
    node = bytearray(proof[at])
    node[bit // 8] ^= 1 << (bit % 8)
    return [*proof[:at], bytes(node), *proof[at + 1 :]]


# --- conformance ---------------------------------------------------------------------------


def test_vectors_were_found() -> None:
    assert len(INCLUSION) > 50
    assert len(CONSISTENCY) > 50


@pytest.mark.parametrize("case", INCLUSION)
def test_inclusion_vector(vectors: Path, case: str) -> None:
    v = _load(vectors / "rfc6962" / "inclusion" / case)
    ok = merkle.verify_inclusion(_b64(v["leafHash"]), v["leafIdx"], v["treeSize"], _proof(v), _b64(v["root"]))
    assert ok is not v["wantErr"], v["desc"]


@pytest.mark.parametrize("case", CONSISTENCY)
def test_consistency_vector(vectors: Path, case: str) -> None:
    v = _load(vectors / "rfc6962" / "consistency" / case)
    ok = merkle.verify_consistency(v["size1"], v["size2"], _proof(v), _b64(v["root1"]), _b64(v["root2"]))
    assert ok is not v["wantErr"], v["desc"]


@pytest.mark.parametrize("case", [c for c in INCLUSION if c.endswith("happy-path.json")])
def test_inclusion_vector_is_generated(vectors: Path, case: str) -> None:
    v = _load(vectors / "rfc6962" / "inclusion" / case)
    leaves = RFC6962_LEAVES[: v["treeSize"]]
    store = _build(leaves)
    assert merkle.root_at(len(leaves), _get(store)) == _b64(v["root"])
    assert merkle.inclusion_proof(v["leafIdx"], len(leaves), _get(store)) == _proof(v)


@pytest.mark.parametrize("case", [c for c in CONSISTENCY if c.endswith("happy-path.json")])
def test_consistency_vector_is_generated(vectors: Path, case: str) -> None:
    v = _load(vectors / "rfc6962" / "consistency" / case)
    store = _build(RFC6962_LEAVES[: v["size2"]])
    assert merkle.root_at(v["size1"], _get(store)) == _b64(v["root1"])
    assert merkle.root_at(v["size2"], _get(store)) == _b64(v["root2"])
    assert merkle.consistency_proof(v["size1"], v["size2"], _get(store)) == _proof(v)


def test_known_hashes() -> None:
    assert merkle.EMPTY_ROOT.hex().startswith("e3b0c442")
    assert merkle.root([]) == merkle.EMPTY_ROOT
    assert merkle.leaf_hash(b"").hex().startswith("6e340b9c")
    assert merkle.root(RFC6962_LEAVES).hex().startswith("5dc9da79a70659a9")


# --- node store against the list-based reference -------------------------------------------


@given(st.integers(0, 300), st.data())
def test_roots_agree(n: int, data: st.DataObject) -> None:
    leaves = _leaves(n)
    store = _build(leaves)
    size = data.draw(st.integers(0, n))
    expected = merkle.root(leaves[:size])
    assert merkle.root_at(size, _get(store)) == expected
    rng = merkle.CompactRange.from_store(size, _get(store))
    assert rng.size == size
    assert rng.root() == expected
    # Resuming from the store must complete the same nodes a single pass did.
    for i, leaf in enumerate(leaves[size:], start=size):
        assert all(store[lv, ix] == h for lv, ix, h in rng.append(leaf)), i
    assert rng.root() == merkle.root(leaves)


@given(st.integers(1, 300), st.data())
def test_inclusion_proofs_agree_and_verify(n: int, data: st.DataObject) -> None:
    leaves = _leaves(n)
    store = _build(leaves)
    size = data.draw(st.integers(1, n))  # an older tree, still provable from the same store
    index = data.draw(st.integers(0, size - 1))
    proof = merkle.inclusion_proof(index, size, _get(store))
    assert proof == merkle.inclusion_proof_from_leaves(index, leaves[:size])
    tree_root = merkle.root(leaves[:size])
    assert merkle.verify_inclusion(leaves[index], index, size, proof, tree_root)
    assert merkle.root_from_inclusion_proof(leaves[index], index, size, proof) == tree_root


@given(st.integers(1, 300), st.data())
def test_consistency_proofs_agree_and_verify(n: int, data: st.DataObject) -> None:
    leaves = _leaves(n)
    store = _build(leaves)
    size2 = data.draw(st.integers(1, n))
    size1 = data.draw(st.integers(1, size2))
    proof = merkle.consistency_proof(size1, size2, _get(store))
    assert proof == merkle.consistency_proof_from_leaves(size1, leaves[:size2])
    root1, root2 = merkle.root(leaves[:size1]), merkle.root(leaves[:size2])
    assert merkle.verify_consistency(size1, size2, proof, root1, root2)


# --- tampering -----------------------------------------------------------------------------


@given(st.integers(2, 300), st.data())
def test_tampered_inclusion_fails(n: int, data: st.DataObject) -> None:
    leaves = _leaves(n)
    index = data.draw(st.integers(0, n - 1))
    proof = merkle.inclusion_proof_from_leaves(index, leaves)
    tree_root = merkle.root(leaves)

    def ok(p: list[bytes], i: int = index) -> bool:
        return merkle.verify_inclusion(leaves[index], i, n, p, tree_root)

    at = data.draw(st.integers(0, len(proof) - 1))
    assert not ok(_flip(proof, at, data.draw(st.integers(0, 255))))
    extra = data.draw(st.sampled_from([tree_root, leaves[index], proof[at], bytes(32)]))
    assert not ok([*proof[: at + 1], extra, *proof[at + 1 :]])
    assert not ok([*proof[:at], *proof[at + 1 :]])
    assert not ok(proof, data.draw(st.integers(0, n).filter(lambda i: i != index)))
    assert not ok([*proof[:at], proof[at][:31], *proof[at + 1 :]])


@given(st.integers(2, 300), st.data())
def test_tampered_consistency_fails(n: int, data: st.DataObject) -> None:
    leaves = _leaves(n)
    size1 = data.draw(st.integers(1, n - 1))
    proof = merkle.consistency_proof_from_leaves(size1, leaves)
    root1, root2 = merkle.root(leaves[:size1]), merkle.root(leaves)

    def ok(p: list[bytes], s1: int = size1) -> bool:
        return merkle.verify_consistency(s1, n, p, root1, root2)

    at = data.draw(st.integers(0, len(proof) - 1))
    assert not ok(_flip(proof, at, data.draw(st.integers(0, 255))))
    extra = data.draw(st.sampled_from([root1, root2, proof[at], bytes(32)]))
    assert not ok([*proof[: at + 1], extra, *proof[at + 1 :]])
    assert not ok([extra, *proof])
    assert not ok([*proof[:at], *proof[at + 1 :]])
    assert not ok(proof, data.draw(st.integers(0, n).filter(lambda s: s != size1)))
    assert not merkle.verify_consistency(size1, n, proof, root2, root1)


def test_policy_beyond_the_rfc() -> None:
    leaves = _leaves(5)
    proof = merkle.inclusion_proof_from_leaves(1, leaves)
    assert not merkle.verify_inclusion(leaves[1][:31], 1, 5, proof, merkle.root(leaves))
    assert not merkle.verify_inclusion(leaves[1], -1, 5, proof, merkle.root(leaves))
    # Every tree extends the empty one, so a proof from size 0 says nothing and is refused.
    assert not merkle.verify_consistency(0, 0, [], merkle.EMPTY_ROOT, merkle.EMPTY_ROOT)
    assert not merkle.verify_consistency(0, 5, [], merkle.EMPTY_ROOT, merkle.root(leaves))
    root3 = merkle.root(leaves[:3])
    assert merkle.verify_consistency(3, 3, [], root3, root3)
    assert not merkle.verify_consistency(3, 3, [root3], root3, root3)


def test_invalid_arguments_raise() -> None:
    leaves = _leaves(4)
    store = _build(leaves)
    with pytest.raises(LedgerError):
        merkle.inclusion_proof(4, 4, _get(store))
    with pytest.raises(LedgerError):
        merkle.inclusion_proof_from_leaves(0, [])
    with pytest.raises(LedgerError):
        merkle.consistency_proof(0, 4, _get(store))
    with pytest.raises(LedgerError):
        merkle.consistency_proof(3, 2, _get(store))
    with pytest.raises(LedgerError):
        merkle.consistency_proof_from_leaves(5, leaves)
    with pytest.raises(LedgerError):
        merkle.root_at(-1, _get(store))
    with pytest.raises(LedgerError):
        merkle.new_nodes_on_append(4, b"short", _get(store))
    with pytest.raises(LedgerError):
        merkle.CompactRange().append(bytes(31))
    with pytest.raises(LedgerError):
        merkle.root_from_inclusion_proof(leaves[0], 0, 4, [])


# --- cost at scale -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big() -> tuple[list[bytes], Store]:
    leaves = _leaves(100_000)
    store: Store = {}
    rng = merkle.CompactRange()
    for leaf in leaves:
        store.update(((level, index), h) for level, index, h in rng.append(leaf))
    return leaves, store


def test_proof_cost_is_logarithmic(big: tuple[list[bytes], Store]) -> None:
    leaves, store = big
    n = len(leaves)
    bound = 2 * math.log2(n) + 2
    tree_root = merkle.root_at(n, _get(store))
    assert tree_root == merkle.root(leaves)
    for index in [0, 1, 65_535, 65_536, 77_777, n - 2, n - 1]:
        get = CountingStore(store)
        proof = merkle.inclusion_proof(index, n, get)
        assert get.calls <= bound, (index, get.calls)
        assert merkle.verify_inclusion(leaves[index], index, n, proof, tree_root)
    for size1 in [1, 2, 3, 1000, 65_535, 65_536, 65_537, 99_998, n - 1]:
        get = CountingStore(store)
        proof = merkle.consistency_proof(size1, n, get)
        assert get.calls <= bound, (size1, get.calls)
        root1 = merkle.root_at(size1, _get(store))
        assert merkle.verify_consistency(size1, n, proof, root1, tree_root)
    get = CountingStore(store)
    assert merkle.CompactRange.from_store(n, get).root() == tree_root
    assert get.calls <= math.log2(n) + 1
