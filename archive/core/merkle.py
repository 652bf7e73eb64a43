"""RFC 9162 Merkle tree hashes, inclusion and consistency proofs, and their verification.

Pure functions over 32-byte hashes: proofs are built from stored perfect-subtree hashes, so a
proof at any tree size costs O(log n) look-ups and never rehashes the ledger.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeVar

from archive.errors import LedgerError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeGetter = Callable[[int, int], bytes]
"""`get_node(level, index)`: the stored root of the perfect subtree over leaves
`[index * 2**level, (index + 1) * 2**level)`; level 0 holds the leaf hashes themselves."""

Node = tuple[int, int, bytes]
"""A node to store: `(level, index, hash)`."""

T = TypeVar("T")
_PLACEHOLDER = bytes(HASH_SIZE)


class NodeSource(Protocol):
    """Stored nodes fetched many at a time (a database answers a list in one query)."""

    def nodes_at(self, coordinates: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]: ...


def batched(computations: Sequence[Callable[[NodeGetter], T]], source: NodeSource) -> list[T]:
    """Run computations over stored nodes with one fetch for all the nodes they read.

    Which nodes a proof or root reads depends only on sizes and indexes, never on hash values, so
    a first run with placeholder hashes lists them; the second runs on the fetched nodes.
    """
    wanted: list[tuple[int, int]] = []

    def record(level: int, index: int) -> bytes:
        wanted.append((level, index))
        return _PLACEHOLDER

    for compute in computations:
        compute(record)
    found = source.nodes_at(wanted)

    def get(level: int, index: int) -> bytes:
        node = found.get((level, index))
        if node is None:
            raise LedgerError(f"Merkle node ({level}, {index}) is missing")
        return node

    return [compute(get) for compute in computations]


def leaf_hash(data: bytes) -> bytes:
    """The RFC 9162 hash of one leaf: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The RFC 9162 hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two below n (n >= 2): where RFC 9162 splits a tree of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


def _check_leaf(leaf: bytes) -> None:
    if len(leaf) != HASH_SIZE:
        raise LedgerError(f"a leaf hash is {HASH_SIZE} bytes, not {len(leaf)}")


def _check_index(index: int, size: int) -> None:
    if not 0 <= index < size:
        raise LedgerError(f"leaf index {index} is outside a tree of size {size}")


def _check_sizes(size1: int, size2: int) -> None:
    # The RFC defines consistency only from a non-empty tree; every tree extends the empty one.
    if not 0 < size1 <= size2:
        raise LedgerError(f"no consistency proof from size {size1} to size {size2}")


# --- list-based reference: the RFC's recursive definitions, read literally ------------------


def _mth(leaves: Sequence[bytes], begin: int, end: int) -> bytes:
    n = end - begin
    if n == 1:
        return leaves[begin]
    k = _split(n)
    return node_hash(_mth(leaves, begin, begin + k), _mth(leaves, begin + k, end))


def root(leaves: Sequence[bytes]) -> bytes:
    """The Merkle Tree Hash (RFC 9162 §2.1.1) of a list of leaf hashes."""
    return _mth(leaves, 0, len(leaves)) if leaves else EMPTY_ROOT


def inclusion_proof_from_leaves(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(index, leaves) of RFC 9162 §2.1.3.1, from every leaf hash; a cross-check."""
    _check_index(index, len(leaves))

    def path(m: int, begin: int, end: int) -> list[bytes]:
        if end - begin == 1:
            return []
        k = _split(end - begin)
        if m < k:
            return [*path(m, begin, begin + k), _mth(leaves, begin + k, end)]
        return [*path(m - k, begin + k, end), _mth(leaves, begin, begin + k)]

    return path(index, 0, len(leaves))


def consistency_proof_from_leaves(size1: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(size1, leaves) of RFC 9162 §2.1.4.1, from every leaf hash; a cross-check."""
    _check_sizes(size1, len(leaves))

    def subproof(m: int, begin: int, end: int, whole: bool) -> list[bytes]:
        if m == end - begin:
            return [] if whole else [_mth(leaves, begin, end)]
        k = _split(end - begin)
        if m <= k:
            return [*subproof(m, begin, begin + k, whole), _mth(leaves, begin + k, end)]
        return [*subproof(m - k, begin + k, end, False), _mth(leaves, begin, begin + k)]

    return subproof(size1, 0, len(leaves), True)


# --- node-store proofs: O(log n) stored perfect subtrees per proof --------------------------


def _edge(begin: int, size: int, get_node: NodeGetter) -> list[bytes]:
    """The perfect subtrees that tile leaves [begin, begin + size), largest first.

    Only valid where `begin` is a multiple of the largest of them, which holds for every subtree
    the RFC's split produces (and for begin == 0).
    """
    hashes = []
    for level in reversed(range(size.bit_length())):
        if size >> level & 1:
            hashes.append(get_node(level, begin >> level))
            begin += 1 << level
    return hashes


def _fold(edge: list[bytes]) -> bytes:
    # The RFC splits off the largest perfect subtree first, so the tiles nest from the right.
    acc = edge[-1]
    for h in reversed(edge[:-1]):
        acc = node_hash(h, acc)
    return acc


def root_at(size: int, get_node: NodeGetter) -> bytes:
    """The root of the first `size` leaves, from one stored node per set bit of `size`."""
    if size < 0:
        raise LedgerError(f"a tree size cannot be negative: {size}")
    return _fold(_edge(0, size, get_node)) if size else EMPTY_ROOT


def inclusion_proof(index: int, size: int, get_node: NodeGetter) -> list[bytes]:
    """The RFC 9162 inclusion proof of leaf `index` in the tree of the first `size` leaves."""
    _check_index(index, size)
    proof = []
    begin, n, m = 0, size, index
    while n > 1:
        k = _split(n)
        if m < k:
            proof.append(_fold(_edge(begin + k, n - k, get_node)))
            n = k
        else:
            proof.append(get_node(k.bit_length() - 1, begin // k))
            begin, n, m = begin + k, n - k, m - k
    # Walked from the root down; the proof lists siblings from the leaf up.
    return proof[::-1]


def consistency_proof(size1: int, size2: int, get_node: NodeGetter) -> list[bytes]:
    """The RFC 9162 consistency proof that the first `size1` leaves are a prefix of `size2`."""
    _check_sizes(size1, size2)
    proof = []
    begin, n, m, whole = 0, size2, size1, True
    while m != n:
        k = _split(n)
        if m <= k:
            proof.append(_fold(_edge(begin + k, n - k, get_node)))
            n = k
        else:
            proof.append(get_node(k.bit_length() - 1, begin // k))
            begin, n, m, whole = begin + k, n - k, m - k, False
    if not whole:
        # A verifier cannot rebuild this subtree of the old tree from the old root alone.
        proof.append(_fold(_edge(begin, n, get_node)))
    return proof[::-1]


def _climb(size: int, leaf: bytes, left_sibling: NodeGetter) -> list[Node]:
    _check_leaf(leaf)
    if size < 0:
        raise LedgerError(f"a tree size cannot be negative: {size}")
    nodes = [(0, size, leaf)]
    level, index, h = 0, size, leaf
    # Each trailing 1 bit of the new leaf's index closes one more perfect subtree.
    while index & 1:
        h = node_hash(left_sibling(level, index - 1), h)
        level, index = level + 1, index >> 1
        nodes.append((level, index, h))
    return nodes


def new_nodes_on_append(size: int, leaf: bytes, get_node: NodeGetter) -> list[Node]:
    """The nodes completed when leaf number `size` (0-based) is appended, leaf first."""
    return _climb(size, leaf, get_node)


class CompactRange:
    """The right edge of a tree (one perfect subtree per set bit of its size), kept in memory
    so that a batch of appends reads nothing back from the store."""

    def __init__(self) -> None:
        self._size = 0
        self._edge: list[bytes] = []

    @classmethod
    def from_store(cls, size: int, get_node: NodeGetter) -> CompactRange:
        """Resume after the first `size` leaves, reading O(log size) stored nodes."""
        if size < 0:
            raise LedgerError(f"a tree size cannot be negative: {size}")
        rng = cls()
        rng._size, rng._edge = size, _edge(0, size, get_node)
        return rng

    @property
    def size(self) -> int:
        return self._size

    def append(self, leaf: bytes) -> list[Node]:
        """Append one leaf hash; returns the nodes it completes, to be stored."""
        # The siblings a climb needs are exactly the edge's smallest tiles, smallest first.
        nodes = _climb(self._size, leaf, lambda _level, _index: self._edge.pop())
        self._edge.append(nodes[-1][2])
        self._size += 1
        return nodes

    def root(self) -> bytes:
        return _fold(self._edge) if self._edge else EMPTY_ROOT


# --- verification: RFC 9162 §2.1.3.2 and §2.1.4.2, step by step ------------------------------


def root_from_inclusion_proof(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root that `proof` leads to from `leaf` at `index`; LedgerError if it cannot apply."""
    _check_index(index, size)
    _check_leaf(leaf)
    if any(len(p) != HASH_SIZE for p in proof):
        raise LedgerError(f"every proof node is {HASH_SIZE} bytes")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise LedgerError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # Levels where this node has no right sibling add nothing to the proof.
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise LedgerError("inclusion proof is too short")
    return r


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """Whether `proof` shows `leaf` at `index` in the tree of `size` leaves with `root`."""
    try:
        return root_from_inclusion_proof(leaf, index, size, proof) == root
    except LedgerError:
        return False


def verify_consistency(size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes) -> bool:
    """Whether `proof` shows the tree (size1, root1) is a prefix of the tree (size2, root2).

    Beyond the RFC, as transparency-dev/merkle does: a proof from size 0 is refused (it proves
    nothing), and equal sizes need an empty proof and equal roots.
    """
    if size1 <= 0 or size2 < size1:
        return False
    if size1 == size2:
        return not proof and root1 == root2
    if not proof or any(len(h) != HASH_SIZE for h in (*proof, root1, root2)):
        return False
    # A power-of-two old tree is itself a node of the new one, so the proof leaves it out.
    path = [root1, *proof] if size1 & (size1 - 1) == 0 else list(proof)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == root1 and sr == root2
