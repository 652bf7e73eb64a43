"""Offline verification of a manifest or proof file: nothing but the document, a key, and files.

Checks, reporting every problem: the document's bounds and shape; the checkpoint's signature
against a key the user trusts (a key merely embedded in the document is not trusted); the
manifest's own signature over all its content, by the key that signed the checkpoint; no item
listed twice; each entry's bytes against
its entry hash; each inclusion proof against the checkpoint's root; that each item's facts and
metadata are exactly what folding its entries gives (the same item model the archive uses, so
the comparison is one value against another); and, given a directory, each file's SHA-256.
"""

from __future__ import annotations

import base64
import binascii
import os
import stat
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from archive import schemas
from archive.core.announce import KeyHistory
from archive.core.checkpoint import Checkpoint, check_checkpoint
from archive.core.cosignature import WitnessKey
from archive.core.entry import decode, entry_hash
from archive.core.item import Fold, Item
from archive.core.merkle import verify_inclusion
from archive.core.note import VerifierKey
from archive.core.problems import Problem, Report
from archive.core.strict import RuleError
from archive.errors import ArchiveError, BadInputError, LedgerError
from archive.evidence.csl import csl_record
from archive.evidence.limits import MAX_DEPTH, MAX_FILES, max_proof_length, oversized_proof, too_deep
from archive.evidence.proof import tlog_proof_text
from archive.evidence.signature import SIGNATURE, manifest_digest, signature_problem
from archive.evidence.timeproof import check_timestamps
from archive.evidence.witnessed import check_witnessed
from archive.storage.scan import hash_path


def _unb64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def check_manifest(
    doc: Any,
    trusted: Sequence[VerifierKey],
    files: Path | None = None,
    *,
    tsa_roots: Sequence[bytes] | None = None,
    witnesses: Sequence[WitnessKey] = (),
    min_witnesses: int | None = None,
) -> Report:
    """Verify a manifest (or proof file) document; the report is empty when everything holds.

    With `tsa_roots` (PEM), its time-stamp tokens must chain to them and one must prove the
    checkpoint; without, they are read and their imprints checked (`report.timestamps` says so).
    With `witnesses`, at least `min_witnesses` of them (default: all) must have cosigned its checkpoint.
    """
    report = Report()
    # Bounds first, so that neither the schema nor any hash ever walks an oversized document.
    if too_deep(doc):
        report.add([Problem("MANIFEST_MALFORMED", f"nested deeper than {MAX_DEPTH} levels")])
        return report
    oversized = oversized_proof(doc)
    if oversized is not None:
        report.add([Problem("MANIFEST_MALFORMED", oversized)])
        return report
    shape = schemas.errors("manifest", doc)
    if shape:
        report.add([Problem("MANIFEST_MALFORMED", f"{len(shape)} schema errors; first: {shape[0]}")])
        return report
    checkpoint, signers = _check_checkpoint(doc, trusted, report)
    _check_signature(doc, signers, report)
    # Witnesses (issue 11): cosignatures are over the checkpoint's note text, signatures excluded.
    text = doc["checkpoint"][: doc["checkpoint"].rfind("\n\n") + 1] if checkpoint is not None else None
    cosigned, count = check_witnessed(doc, text, witnesses, min_witnesses)
    report.add(cosigned)
    if witnesses:
        report.counts["witnesses"] = count
    seen: set[tuple[str, str | None]] = set()
    for item in doc["items"]:
        cited = (item["id"], item["page"]["part"] if "page" in item else None)
        if cited in seen:
            report.add([Problem("MANIFEST_ITEM_DUPLICATE", "the item is listed more than once", item=item["id"])])
            continue
        seen.add(cited)
        _check_item(item, doc["origin"], checkpoint, doc["checkpoint"], report, version=doc["version"])
    check_timestamps(doc, tsa_roots, report)
    if files is not None:
        _check_files(doc["items"], files, report)
    report.counts["items"] = len(doc["items"])
    report.counts["entries"] = sum(len(i["entries"]) for i in doc["items"])
    return report


def _check_signature(doc: Any, keys: Sequence[VerifierKey], report: Report) -> None:
    """The signature over the whole manifest (its citation texts too), by the checkpoint's signer."""
    note = doc.get(SIGNATURE)
    if note is None:
        why = "it was made before manifests were signed (version 1)" if doc["version"] == 1 else "it was removed"
        report.add(
            [
                Problem(
                    "MANIFEST_SIGNATURE_MISSING",
                    f"no signature over the manifest: {why}, so its citation texts, Markdown and header are "
                    "unproven; make a new one with `archive manifest`",
                )
            ]
        )
        return
    if not keys:
        return  # the checkpoint failed, and with it every key the signature could be checked with
    try:
        digest = manifest_digest(doc)
    except LedgerError as exc:  # a lone surrogate, say: JSON that has no canonical form
        report.add([Problem("MANIFEST_SIGNATURE_INVALID", f"the manifest has no canonical form: {exc}")])
        return
    problem = signature_problem(note, doc["origin"], digest, keys)
    if problem is not None:
        report.add([Problem("MANIFEST_SIGNATURE_INVALID", problem)])


def _announced(doc: Any, trusted: Sequence[VerifierKey], report: Report) -> list[VerifierKey]:
    """The keys to trust for the checkpoint: those given, and every key the manifest's key entries
    announce by rotation after one of them (each rotation is signed by the key it replaces)."""
    entries = doc.get("keys")
    if not entries:
        return list(trusted)
    history = KeyHistory()
    for e in sorted(entries, key=lambda x: x["seq"]):
        data = e["canonical"].encode("utf-8")
        if entry_hash(data) != e["hash"]:
            report.add([Problem("MANIFEST_ENTRY_HASH", "a key entry's bytes do not hash to its hash", seq=e["seq"])])
            return list(trusted)
        try:
            entry = decode(data)
            if entry.kind != "key" or entry.seq != e["seq"]:
                raise RuleError("not the key entry it says it is")
            history.apply(entry.seq, entry.body)
        except (ArchiveError, RuleError) as exc:
            report.add([Problem("MANIFEST_KEYS_INVALID", f"key entry: {exc}", seq=e["seq"])])
            return list(trusted)
    pinned = {str(k) for k in trusted}
    announced = history.all()
    first = next((i for i, k in enumerate(announced) if str(k) in pinned), None)
    return list(trusted) + ([] if first is None else announced[first + 1 :])


def _check_checkpoint(
    doc: Any, trusted: Sequence[VerifierKey], report: Report
) -> tuple[Checkpoint | None, list[VerifierKey]]:
    """The checkpoint, if it verifies, and the key the manifest's signature must be by: the one
    that signed the checkpoint (none when the checkpoint fails)."""
    embedded = doc["verifier_key"]
    keys = _announced(doc, trusted, report)
    if not keys:
        report.add(
            [Problem("MANIFEST_KEY_UNTRUSTED", f"no trusted key: pass --key {embedded} if you trust it, or pin it")]
        )
        try:
            keys = [VerifierKey.parse(embedded)]  # only so that every other check still runs
        except ArchiveError as exc:
            report.add([Problem("MANIFEST_CHECKPOINT_INVALID", f"embedded key unreadable: {exc}")])
            return None, []
    check = check_checkpoint(doc["checkpoint"], keys, doc["origin"])
    if check.checkpoint is None:
        report.add([Problem("MANIFEST_CHECKPOINT_INVALID", check.detail)])
        return None, []  # no key is known to have signed the checkpoint, so none can vouch for the rest
    cp = check.checkpoint
    ledger = doc["ledger"]
    if cp.size != ledger["size"] or _unb64(ledger["root"]) != cp.root:
        report.add([Problem("MANIFEST_CHECKPOINT_INVALID", "ledger size or root differ from the signed checkpoint's")])
    for e in doc.get("keys") or []:
        if not _proof_holds(e, bytes.fromhex(entry_hash(e["canonical"].encode("utf-8"))), cp, doc["checkpoint"]):
            report.add([Problem("MANIFEST_PROOF_INVALID", "a key entry's inclusion proof fails", seq=e["seq"])])
    return cp, list(check.note.verified_by) if check.note is not None else []


def _check_item(
    item: dict[str, Any], origin: str, checkpoint: Checkpoint | None, note: str, report: Report, *, version: int
) -> None:
    item_id = item["id"]
    fold = Fold(partial=True)
    entries_ok = True
    for e in sorted(item["entries"], key=lambda x: x["seq"]):
        seq = e["seq"]
        data = e["canonical"].encode("utf-8")
        actual = entry_hash(data)
        if actual != e["hash"]:
            report.add(
                [Problem("MANIFEST_ENTRY_HASH", f"bytes hash to {actual}, not {e['hash']}", seq=seq, item=item_id)]
            )
            entries_ok = False
        if checkpoint is not None and not _proof_holds(e, bytes.fromhex(actual), checkpoint, note):
            report.add(
                [
                    Problem(
                        "MANIFEST_PROOF_INVALID",
                        "inclusion proof does not reach the checkpoint root",
                        seq=seq,
                        item=item_id,
                    )
                ]
            )
        try:
            entry = decode(data)
            if entry.seq != seq:
                raise RuleError(f"entry says seq {entry.seq}")
            if item_id not in fold.apply(entry, actual):
                raise RuleError("the entry is not about this item")
        except (ArchiveError, RuleError) as exc:
            report.add([Problem("MANIFEST_ITEM_MISMATCH", f"entry cannot be applied: {exc}", seq=seq, item=item_id)])
            entries_ok = False
    folded = fold.items.get(item_id)
    if folded is None:
        if entries_ok:
            report.add([Problem("MANIFEST_ITEM_MISMATCH", "no ingest entry for this item", item=item_id)])
        return
    part = item["page"]["part"] if "page" in item else None
    record = item["page"]["record"] if part is not None and _is_row(item["page"]["record"]) else None
    differing = _differences(item, folded, origin, csl=version >= 2, page=record)
    if differing:
        report.add(
            [Problem("MANIFEST_ITEM_MISMATCH", f"differs from its entries on {', '.join(differing)}", item=item_id)]
        )
    if part is not None:
        report.add(_page_problems(item["page"], folded))


def _is_row(value: Any) -> bool:
    from archive.core.records import check_row

    try:
        check_row(value)
    except RuleError:
        return False
    return True


def _page_problems(page: dict[str, Any], folded: Item) -> list[Problem]:
    """A cited page: its record row proven against the record index its ingest entry committed to,
    and its metadata exactly what the entries' claims about that part give."""
    from archive.core.records import check_row, proves, row_bytes
    from archive.core.resolve import conflicts, current_values

    item_id, part = folded.id, page["part"]
    contents = folded.object.contents
    if contents is None:
        return [Problem("MANIFEST_PAGE_INVALID", "cites a page, but the item is not a web archive", item=item_id)]
    try:
        row = check_row(page["record"])
        data = row_bytes(row)
    except (RuleError, LedgerError) as exc:
        return [Problem("MANIFEST_PAGE_INVALID", f"the page's record row is malformed: {exc}", item=item_id)]
    problems = []
    if row["part"] != part:
        problems.append(
            Problem("MANIFEST_PAGE_INVALID", f"the record row is of {row['part']}, not {part}", item=item_id)
        )
    proof = page["record_proof"]
    hashes = [_unb64(h) for h in proof["hashes"]]
    proven = (
        proof["size"] == contents.records
        and len(hashes) <= max_proof_length(contents.records)
        and all(h is not None for h in hashes)
        and proves(data, proof["index"], proof["size"], [h for h in hashes if h is not None], contents.root)
    )
    if not proven:
        problems.append(
            Problem(
                "MANIFEST_RECORD_PROOF_INVALID",
                f"the record row of {part} is not proven in the item's record index (root {contents.root[:16]}…)",
                item=item_id,
            )
        )
    fields = folded.page_fields(row)
    expected = {"current": current_values(fields), "conflicts": conflicts(fields)}
    if page["metadata"] != expected:
        problems.append(
            Problem("MANIFEST_ITEM_MISMATCH", f"the metadata of page {part} differs from its entries", item=item_id)
        )
    return problems


def _differences(
    item: dict[str, Any], folded: Item, origin: str, *, csl: bool, page: dict[str, Any] | None = None
) -> list[str]:
    """The members of the manifest item that differ from the item its entries fold into (`csl`:
    the CSL record too; its rules are those of manifest version 2, so older ones are not compared)."""
    expected = folded.to_manifest()
    if csl:
        expected["csl"] = csl_record(folded, origin, page)
    differing = [key for key, value in expected.items() if item.get(key) != value]
    meta = item.get("metadata")
    if "metadata" in differing and isinstance(meta, dict):
        differing.remove("metadata")
        differing += [k for k, v in expected["metadata"].items() if meta.get(k) != v]
    return differing


def _proof_holds(e: dict[str, Any], leaf: bytes, checkpoint: Checkpoint, note: str) -> bool:
    """The inclusion proof reaches the root, and the C2SP tlog-proof text (if any) says the same."""
    if len(e["inclusion_proof"]) > max_proof_length(checkpoint.size):
        return False  # longer than any proof in a tree of that size: not decoded, not hashed
    proof = [_unb64(h) for h in e["inclusion_proof"]]
    hashes = [p for p in proof if p is not None]
    if len(hashes) != len(proof) or not verify_inclusion(leaf, e["seq"], checkpoint.size, hashes, checkpoint.root):
        return False
    text = e.get("tlog_proof")
    return text is None or text == tlog_proof_text(e["seq"], e["inclusion_proof"], note)


def _regular_files(directory: Path) -> Iterator[tuple[Path, int]]:
    """(path, size) of the regular files under `directory`, links not followed, at most MAX_FILES looked at."""
    seen = 0
    stack = [directory]
    while stack:
        folder = stack.pop()
        found = []
        try:
            with os.scandir(folder) as it:
                for e in it:
                    seen += 1
                    if seen > MAX_FILES:
                        raise BadInputError(f"{directory}: more than {MAX_FILES} entries; give the files' directory")
                    found.append((e.path, e.stat(follow_symlinks=False)))
        except OSError as exc:
            raise BadInputError(f"{folder}: cannot read: {exc.strerror}") from None
        for path, info in sorted(found, key=lambda x: x[0]):
            if stat.S_ISDIR(info.st_mode):
                stack.append(Path(path))
            elif stat.S_ISREG(info.st_mode):
                yield Path(path), info.st_size


def _check_files(items: list[dict[str, Any]], directory: Path, report: Report) -> None:
    """Each item's file is in `directory`; only files of a size some item has are read (and only once)."""
    sizes = {item["size"] for item in items}
    listed = list(_regular_files(directory))
    candidates = [p for p, size in listed if size in sizes]
    with ThreadPoolExecutor(max_workers=4) as pool:
        digests = {p: h.sha256 for p, h in zip(candidates, pool.map(hash_path, candidates), strict=True) if h.sha256}
    have = set(digests.values())
    by_name = {p.name: (size, digests.get(p)) for p, size in listed}
    for item in items:
        if item["sha256"] in have:
            continue
        name = Path(item["name"]).name
        if name in by_name:
            size, digest = by_name[name]
            found = f"hashes to {digest}" if digest else f"is {size} bytes, not {item['size']}"
            report.add([Problem("MANIFEST_FILE_MISMATCH", f"{name} {found}", item=item["id"])])
        else:
            report.add([Problem("MANIFEST_FILE_MISSING", f"no file in {directory} has this SHA-256", item=item["id"])])
