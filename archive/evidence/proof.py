"""Proofs as text: the C2SP tlog-proof form of an inclusion proof (c2sp.org/tlog-proof)."""

from __future__ import annotations

from collections.abc import Sequence


def tlog_proof_text(seq: int, proof_b64: Sequence[str], note: str) -> str:
    """C2SP tlog-proof: header, index, the proof hashes, a blank line, the signed checkpoint."""
    return "c2sp.org/tlog-proof@v1\n" + f"index {seq}\n" + "".join(f"{h}\n" for h in proof_b64) + "\n" + note
