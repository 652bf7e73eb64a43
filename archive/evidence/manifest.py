"""Citation manifests: per item its citations, fingerprints, provenance and ledger proofs, streamed.

A manifest is made from one consistent snapshot of the vault: the latest signed checkpoint, and
for every entry that concerns a chosen item (of every kind), its exact bytes and an RFC 9162
inclusion proof against that checkpoint. Items are read, cited and written a page at a time, so
memory stays flat however many items a manifest holds; each page's proofs come from one query for
all the Merkle nodes they need. The JSON form ends with a signature over all of it (the citation
texts included), by the key that signed its checkpoint, hashed as it is written
(`archive.evidence.signature`). `archive.evidence.check` verifies a manifest with nothing but
itself and a key.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, TextIO

from archive import TOOL_NAME, __version__
from archive.core.checkpoint import check_checkpoint
from archive.core.entry import Sealed, format_time
from archive.core.item import Item
from archive.core.merkle import NodeGetter, batched, inclusion_proof
from archive.core.note import Signer
from archive.errors import NotFoundError, VaultError
from archive.evidence.csl import csl_record
from archive.evidence.proof import tlog_proof_text
from archive.evidence.signature import SIGNATURE, ManifestHasher, manifest_digest, sign_manifest
from archive.storage.announced import key_history
from archive.storage.port import Reader
from archive.storage.reads import item_from_state

MANIFEST_FORMAT = "archive-manifest"
PROOF_FORMAT = "archive-proof"
VERSION = 3  # 3: `timestamps` and `time` (issue 11); 2: signed as a whole (version 1: no signature)
STYLES = ("apa", "chicago", "mla")
PAGE = 200  # items cited and written at a time


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True)
class Header:
    """What a manifest says about the ledger it is proven against."""

    kind: str
    created: str
    created_by: str
    origin: str
    size: int
    head: str
    root: bytes
    checkpoint: str
    verifier_key: str
    keys: tuple[dict[str, Any], ...] = ()  # the key entries, with proofs: rotations a reader can follow
    time: dict[str, Any] | None = None  # `timestamps` (RFC 3161 tokens) and `time` (what they prove)
    witnessed: tuple[dict[str, Any], ...] = ()  # witnesses' cosignatures of the checkpoint (issue 11)

    def to_json(self) -> dict[str, Any]:
        from archive.evidence.witnessed import time_section

        members = dict(self.time or {})
        time = {**members.pop("time", {}), **time_section(self.witnessed)}  # tokens' words, then witnesses'
        return {
            **members,
            "format": self.kind,
            "version": VERSION,
            "created": self.created,
            "created_by": self.created_by,
            "tool": {"name": TOOL_NAME, "version": __version__},
            "origin": self.origin,
            "ledger": {"size": self.size, "head": self.head, "root": b64(self.root)},
            "checkpoint": self.checkpoint,
            "verifier_key": self.verifier_key,
            "keys": list(self.keys),
            "time": time,
        }


def header(reader: Reader, *, origin: str, actor: str, now: datetime, kind: str) -> Header:
    """The manifest's header from the snapshot: its latest checkpoint, checked."""
    latest = reader.latest_checkpoint()
    if latest is None:
        raise NotFoundError("the vault has no checkpoint yet")
    size, note = latest
    last = reader.head()
    if last is None or last.seq + 1 != size:
        raise VaultError("the latest checkpoint does not cover the whole ledger; run `archive verify`")
    key = key_history(reader).key_for_size(size)
    check = check_checkpoint(note, [key] if key else [], origin)
    if check.checkpoint is None:
        raise VaultError(f"the latest checkpoint does not verify ({check.detail}); run `archive verify`")
    keys = tuple(_proven(reader, [s for s in reader.entries_of_kind("key") if s.seq < size], size, note))
    time = _time_members(reader, size, note, last)
    from archive.evidence.witnessed import witnessed

    cosigned = tuple(witnessed(reader, size))
    root = check.checkpoint.root
    return Header(kind, format_time(now), actor, origin, size, last.hash, root, note, str(key), keys, time, cosigned)


def _time_members(reader: Reader, size: int, note: str, last: Sealed) -> dict[str, Any]:
    """The RFC 3161 tokens kept for the checkpoint, and the time section saying what they prove."""
    from archive.core.entry import decode
    from archive.evidence.timeproof import manifest_members

    newest = datetime.fromisoformat(decode(last.data).time)
    return manifest_members(size, note, ((tsa, token) for _, tsa, token in reader.timestamps(size)), newest)


def _proven(reader: Reader, sealed: Sequence[Sealed], size: int, note: str) -> list[dict[str, Any]]:
    """Entries as a manifest carries them: bytes, hash, and inclusion proofs (one node query for all)."""
    proofs = batched([partial(_inclusion, s.seq, size) for s in sealed], reader)
    out = []
    for s, proof in zip(sealed, proofs, strict=True):
        encoded = [b64(h) for h in proof]
        out.append(
            {
                "seq": s.seq,
                "hash": s.hash,
                "canonical": s.data.decode("utf-8"),
                "inclusion_proof": encoded,
                "tlog_proof": tlog_proof_text(s.seq, encoded, note),
            }
        )
    return out


def _entries(reader: Reader, items: Sequence[Item], head: Header) -> list[list[dict[str, Any]]]:
    """Each item's entries with their inclusion proofs: one node query for the whole page."""
    wanted = sorted({seq for item in items for seq in item.seqs()})
    proven = {e["seq"]: e for e in _proven(reader, reader.entries_at(wanted), head.size, head.checkpoint)}
    return [[proven[seq] for seq in item.seqs()] for item in items]


def _inclusion(seq: int, size: int, get: NodeGetter) -> list[bytes]:
    return inclusion_proof(seq, size, get)


Cited = tuple[Item, str | None]
"""What a manifest cites: an item, or one part (a page) of a web archive item."""


def _refs(ids: Iterable[str | tuple[str, str | None]]) -> Iterator[tuple[str, str | None]]:
    for ref in ids:
        yield (ref, None) if isinstance(ref, str) else ref


def _pages(reader: Reader, ids: Iterable[str | tuple[str, str | None]] | None) -> Iterator[list[Cited]]:
    """The chosen items or pages (None: every item, in ingest order), a page at a time."""
    if ids is None:
        page: list[Cited] = []
        for row in reader.items():
            page.append((item_from_state(row.state), None))
            if len(page) == PAGE:
                yield page
                page = []
        if page:
            yield page
        return
    batch: list[Cited] = []
    loaded: dict[str, Item] = {}
    for item_id, part in _refs(ids):
        item = loaded.get(item_id)
        if item is None:
            data = reader.item_state(item_id)
            if data is None:
                raise NotFoundError(f"no item with id {item_id}")
            item = loaded[item_id] = item_from_state(data)
        batch.append((item, part))
        if len(batch) == PAGE:
            yield batch
            batch = []
            loaded.clear()
    if batch:
        yield batch


def page_member(reader: Reader, item: Item, part: str, leaves: dict[str, list[bytes]]) -> dict[str, Any]:
    """A cited page's `page` member: its record row, proven against the item's record index, and
    its current metadata (`leaves` caches each item's row leaf hashes between pages)."""
    from archive.core.records import row_leaf, row_proof
    from archive.core.resolve import conflicts, current_values

    found = next(iter(reader.records(item.id, part=part)), None)
    if found is None or item.object.contents is None:
        raise NotFoundError(f"item {item.id} has no record {part}")
    hashes = leaves.get(item.id)
    if hashes is None:
        hashes = leaves[item.id] = [row_leaf(r.row) for r in reader.records(item.id)]
    row = json.loads(found.row)
    fields = item.page_fields(row)
    return {
        "part": part,
        "record": row,
        "record_proof": {
            "index": found.idx,
            "size": len(hashes),
            "hashes": [b64(h) for h in row_proof(found.idx, hashes)],
        },
        "metadata": {"current": current_values(fields), "conflicts": conflicts(fields)},
    }


def manifest_items(
    reader: Reader, head: Header, ids: Iterable[str | tuple[str, str | None]] | None, *, cite: bool = True
) -> Iterator[tuple[Item, dict[str, Any]]]:
    """(model, manifest item) pairs, streamed a page at a time (pandoc renders a page's citations at once)."""
    from archive.evidence.citeproc import render_citations

    leaves: dict[str, list[bytes]] = {}
    for page in _pages(reader, ids):
        members = [page_member(reader, item, part, leaves) if part is not None else None for item, part in page]
        records = [
            csl_record(item, head.origin, member["record"] if member else None)
            for (item, _), member in zip(page, members, strict=True)
        ]
        citations = render_citations(records) if cite else [{} for _ in page]
        entries = _entries(reader, [item for item, _ in page], head)
        for (item, _), member, record, cited, proven in zip(page, members, records, citations, entries, strict=True):
            doc = item.to_manifest()
            if member is not None:
                doc["page"] = member
            doc["citations"] = {
                s: {"text": cited.get(s, ""), "markdown": cited.get(f"{s}_markdown", "")} for s in STYLES
            }
            doc["csl"] = record
            doc["entries"] = proven
            yield item, doc


def csl_records(
    reader: Reader, origin: str, ids: Iterable[str | tuple[str, str | None]] | None
) -> Iterator[dict[str, Any]]:
    for page in _pages(reader, ids):
        for item, part in page:
            row = _row(reader, item, part) if part is not None else None
            yield csl_record(item, origin, row)


def _row(reader: Reader, item: Item, part: str) -> dict[str, Any]:
    found = next(iter(reader.records(item.id, part=part)), None)
    if found is None:
        raise NotFoundError(f"item {item.id} has no record {part}")
    row: dict[str, Any] = json.loads(found.row)
    return row


def _check_signer(head: Header, signer: Signer) -> None:
    if str(signer.verifier()) != head.verifier_key:
        raise VaultError("the signing key is not the key that signed the latest checkpoint; run `archive verify`")


def write_json(head: Header, items: Iterable[tuple[Item, dict[str, Any]]], out: TextIO, signer: Signer) -> int:
    """The manifest as one JSON document, written as the items come (2-space indent), then its
    signature over the canonical form, hashed item by item on the way; returns the count."""
    _check_signer(head, signer)
    members = head.to_json()
    hasher = ManifestHasher(members)
    text = json.dumps(members, indent=2, ensure_ascii=False)
    out.write(text[:-2] + ',\n  "items": [')
    count = 0
    for _, item in items:
        hasher.item(item)
        text = json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n    ")
        out.write(("," if count else "") + "\n    " + text)
        count += 1
    note = sign_manifest(head.origin, hasher.digest(), signer)
    out.write(("\n  ]" if count else "]") + f',\n  "{SIGNATURE}": {json.dumps(note, ensure_ascii=False)}\n}}\n')
    return count


def signed(head: Header, items: Iterable[dict[str, Any]], signer: Signer) -> dict[str, Any]:
    """The manifest as one value, signature included (for callers that want it in memory)."""
    _check_signer(head, signer)
    doc = {**head.to_json(), "items": list(items)}
    doc[SIGNATURE] = sign_manifest(head.origin, manifest_digest(doc), signer)
    return doc


def write_csl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """A CSL-JSON array (what Zotero and pandoc import), written as the records come."""
    out.write("[")
    count = 0
    for record in records:
        out.write(
            ("," if count else "") + "\n  " + json.dumps(record, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        )
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_manifest(
    reader: Reader,
    head: Header,
    item_ids: Iterable[str | tuple[str, str | None]] | None,
    out: TextIO,
    *,
    fmt: str,
    signer: Signer | None = None,
) -> int:
    """Write a manifest (json, md or csl) of the items (None: all) from one snapshot; returns the count.

    Only the JSON form carries the proofs and the signature, so only it needs the `signer`.
    """
    if fmt == "csl":
        return write_csl(csl_records(reader, head.origin, item_ids), out)
    items = manifest_items(reader, head, item_ids)
    if fmt == "md":
        from archive.evidence.markdown import write_markdown

        return write_markdown(head.to_json(), items, out)
    if signer is None:
        raise VaultError("a JSON manifest is signed: the vault's signing key is needed")
    return write_json(head, items, out, signer)
