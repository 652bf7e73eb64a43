"""Citation manifests: per item its citations, fingerprints, provenance and ledger proofs.

A manifest is made from one consistent snapshot of the vault: the latest signed checkpoint, and
for every entry that concerns a chosen item, its exact bytes and an RFC 9162 inclusion proof
against that checkpoint. `archive.manifest_check` verifies it with nothing but itself and a key.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from archive import TOOL_NAME, __version__
from archive.core.checkpoint import check_checkpoint
from archive.core.entry import format_time
from archive.core.merkle import inclusion_proof
from archive.errors import NotFoundError, VaultError
from archive.evidence.check import tlog_proof_text
from archive.evidence.citeproc import render_citations
from archive.evidence.csl import csl_record
from archive.service.archive import Archive, item_seqs, state_from_bytes
from archive.service.txn import key_history
from archive.storage.sqlite import Reader

MANIFEST_FORMAT = "archive-manifest"
PROOF_FORMAT = "archive-proof"
VERSION = 1
STYLE_NAMES = {"apa": "APA 7", "chicago": "Chicago 18 (notes and bibliography)", "mla": "MLA 9"}


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _entries_for(reader: Reader, seqs: Sequence[int], size: int, note: str) -> list[dict[str, Any]]:
    out = []
    for seq in seqs:
        sealed = reader.entry(seq)
        proof = inclusion_proof(seq, size, reader.node)
        out.append(
            {
                "seq": seq,
                "hash": sealed.hash,
                "canonical": sealed.data.decode("utf-8"),
                "inclusion_proof": [b64(h) for h in proof],
                "tlog_proof": tlog_proof_text(seq, [b64(h) for h in proof], note),
            }
        )
    return out


def build_manifest(
    archive: Archive, item_ids: Sequence[str], now: datetime, *, kind: str = MANIFEST_FORMAT
) -> dict[str, Any]:
    """The manifest of the given items (full ids), against the vault's latest checkpoint."""
    with archive.vault.store.read() as reader:
        latest = reader.latest_checkpoint()
        if latest is None:
            raise NotFoundError("the vault has no checkpoint yet")
        size, note = latest
        head = reader.head()
        if head is None or head.seq + 1 != size:
            raise VaultError("the latest checkpoint does not cover the whole ledger; run `archive verify`")
        key = key_history(reader).key_for_size(size)
        check = check_checkpoint(note, [key] if key else [], archive.vault.origin)
        if check.checkpoint is None:
            raise VaultError(f"the latest checkpoint does not verify ({check.detail}); run `archive verify`")
        checkpoint = check.checkpoint
        states = []
        for item_id in item_ids:
            data = reader.item_state(item_id)
            if data is None:
                raise NotFoundError(f"no item with id {item_id}")
            states.append(state_from_bytes(data))
        items = []
        records = [csl_record(s, archive.vault.origin) for s in states]
        citations = render_citations(records) if records else []
        for state, record, cited in zip(states, records, citations, strict=True):
            seqs = sorted(item_seqs(state))
            items.append(
                {
                    "id": state.id,
                    "sha256": state.id,
                    "size": state.size,
                    "media_type": state.media_type,
                    "charset": state.charset,
                    "name": state.name,
                    "archived": {"at": state.ingested_at, "by": state.ingested_by, "seq": state.ingest_seq},
                    "acquisition": state.acquisition,
                    "metadata": {
                        "current": state.current(),
                        "conflicts": state.conflicts(),
                        "claims": state.claims,
                    },
                    "citations": {
                        style: {"text": cited[style], "markdown": cited[f"{style}_markdown"]} for style in STYLE_NAMES
                    },
                    "csl": record,
                    "relations": state.relations,
                    "access": state.access,
                    "entries": _entries_for(reader, seqs, size, note),
                }
            )
    return {
        "format": kind,
        "version": VERSION,
        "created": format_time(now),
        "created_by": archive.ctx.actor,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "origin": archive.vault.origin,
        "ledger": {"size": size, "head": head.hash, "root": b64(checkpoint.root)},
        "checkpoint": note,
        "verifier_key": str(key),
        "items": items,
    }
