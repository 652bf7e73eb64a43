"""The Archive facade: ingest, show, list, log and verify over one vault.

The library never prints and never exits: the actor and the clock come in through `Context`, and
results go back as values, so the CLI is a thin shell and tests are exact.
"""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from archive.core.announce import KeyHistory, announcement_text, key_body
from archive.core.canonical import parse_json
from archive.core.entry import Entry, Sealed, decode, format_time
from archive.core.fields import ASSERTABLE, asserted_claims
from archive.core.item import RELATIONS, ItemState, apply
from archive.core.note import Signer, sign_note
from archive.errors import AmbiguousIdError, BadInputError, NotFoundError, UsageError, VaultError
from archive.extract.run import Extraction, extract
from archive.service.sources import Source
from archive.service.txn import LedgerTxn, key_history, ledger_write
from archive.storage.keystore import finish_rotation, load_signer, pending_rotation, prepare_rotation
from archive.storage.objects import Staged, Stager
from archive.storage.sqlite import ItemRow, Writer
from archive.storage.vault import Vault, is_vault

ClaimsFor = Callable[[Source], dict[str, list[Any]]]
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Context:
    """Who acts and what time it is: passed in, never read from the environment here."""

    actor: str
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    host: str = socket.gethostname()
    passphrase: bytes | None = dataclasses.field(default=None, repr=False)
    origin: str | None = None  # for a vault this context creates
    key: Ed25519PrivateKey | None = dataclasses.field(default=None, repr=False)  # likewise; default: a new one


@dataclass(frozen=True)
class IngestResult:
    """What happened to one file: a new item, or bytes the archive already holds."""

    item: str
    name: str
    path: str
    status: str  # "ingested" | "exists"
    seq: int | None
    size: int
    media_type: str

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "name": self.name,
            "path": self.path,
            "status": self.status,
            "seq": self.seq,
            "size": self.size,
            "media_type": self.media_type,
        }


def item_row(state: ItemState) -> ItemRow:
    return ItemRow(
        id=state.id,
        size=state.size,
        media_type=state.media_type,
        name=state.name,
        ingest_seq=state.ingest_seq,
        last_seq=state.last_seq,
        ingested_at=state.ingested_at,
        state=state.state_bytes(),
    )


def item_seqs(state: ItemState) -> set[int]:
    """Every ledger entry that concerns an item: ingest, amendments, extractions, access, relations."""
    seqs = {state.ingest_seq, state.last_seq, state.extraction_seq}
    seqs.update(c["seq"] for c in state.claims)
    seqs.update(r["seq"] for r in state.relations)
    if "seq" in state.access:
        seqs.add(state.access["seq"])
    return seqs


def state_from_bytes(data: bytes) -> ItemState:
    value = parse_json(data)
    fields = {k: value[k] for k in ItemState.__dataclass_fields__}
    return ItemState(**fields)


class Archive:
    """One opened vault and the context acting on it."""

    def __init__(self, vault: Vault, ctx: Context) -> None:
        self.vault = vault
        self.ctx = ctx
        self._signer: Signer | None = None

    @classmethod
    def open(cls, path: Path, ctx: Context, *, create: bool = False) -> tuple[Archive, bool]:
        """Open the vault at `path`; with `create`, make it when absent. Returns (archive, created)."""
        if is_vault(path):
            return cls(Vault.open(path), ctx), False
        if not create:
            Vault.open(path)  # raises the precise reason
        try:
            vault = Vault.create(path, now=ctx.clock(), origin=ctx.origin, passphrase=ctx.passphrase, key=ctx.key)
        except VaultError:
            if not is_vault(path):
                raise
            return cls(Vault.open(path), ctx), False  # another process made it meanwhile
        archive = cls(vault, ctx)
        with archive._write():
            pass  # announces the key as entry 0 and signs the first checkpoint
        return archive, True

    def close(self) -> None:
        self.vault.close()

    # ---- writing -------------------------------------------------------------------------

    def signer(self) -> Signer:
        if self._signer is None:
            signer = load_signer(self.vault.path, self.vault.origin, self.ctx.passphrase)
            if pending_rotation(self.vault.path):
                # A rotation whose entry committed but whose key files were not yet swapped.
                new = prepare_rotation(self.vault.path, self.vault.origin, self.ctx.passphrase)
                if str(self.keys().current) == str(new.verifier()):
                    finish_rotation(self.vault.path, signer.verifier())
                    signer = new
            self._signer = signer
        return self._signer

    @contextmanager
    def _write(self) -> Iterator[LedgerTxn]:
        """A serialised ledger write that also recovers dead writers' staging and signs a checkpoint."""

        @contextmanager
        def begin() -> Iterator[Writer]:
            with self.vault.store.write() as w:
                self.vault.objects.recover(w.has_item)
                yield w

        with ledger_write(begin, self.signer, self.vault.origin, self.ctx.actor, self.ctx.clock) as txn:
            yield txn

    def ingest(
        self,
        sources: Sequence[Source],
        claims_for: ClaimsFor,
        *,
        batch_size: int = 256,
        workers: int = 4,
    ) -> Iterator[list[IngestResult]]:
        """Store and record each source; yields each batch's results once it is durable.

        Per batch: copy and hash into staging (in parallel), one syncfs, one serialised
        transaction that appends an entry per new item, then the objects move into place.
        Every source's asserted values are checked first, so a bad value refuses the whole ingest.
        """
        for source in sources:
            asserted_claims(claims_for(source), by=self.ctx.actor, at="")
        with self.vault.objects.stager() as stager, ThreadPoolExecutor(max_workers=workers) as pool:
            for start in range(0, len(sources), batch_size):
                batch = sources[start : start + batch_size]
                prepared = list(pool.map(lambda s: _stage(stager, s), batch))
                staged = [p[0] for p in prepared]
                stager.sync()
                results, placements = self._commit(batch, prepared, claims_for)
                for digest, path in placements:
                    self.vault.objects.place(path, digest)
                for item in staged:
                    stager.discard(item)
                if placements:
                    stager.sync()
                yield results

    def _commit(
        self, batch: Sequence[Source], prepared: Sequence[tuple[Staged, Extraction]], claims_for: ClaimsFor
    ) -> tuple[list[IngestResult], list[tuple[str, Path]]]:
        results: list[IngestResult] = []
        placements: list[tuple[str, Path]] = []
        with self._write() as txn:
            w = txn.w
            known = w.known_items([obj.digest.hex for obj, _ in prepared])
            rows: list[ItemRow] = []
            for source, (obj, extracted) in zip(batch, prepared, strict=True):
                digest = obj.digest.hex
                if digest in known:
                    results.append(_result(source, obj, "exists", None))
                    continue
                known.add(digest)
                now = self.ctx.clock()
                body = {
                    "item": digest,
                    "object": _object_json(source, obj),
                    "acquisition": self._acquisition(source),
                    "claims": asserted_claims(claims_for(source), by=self.ctx.actor, at=format_time(now))
                    + extracted.claims,
                }
                if extracted.notes:
                    body["notes"] = extracted.notes
                sealed = txn.append("ingest", body, now)
                items: dict[str, ItemState] = {}
                apply(items, decode(sealed.data), sealed.hash)
                rows.append(item_row(items[digest]))
                results.append(_result(source, obj, "ingested", sealed.seq))
                placements.append((digest, obj.path))
            w.add_items(rows)
        return results, placements

    def _acquisition(self, source: Source) -> dict[str, Any]:
        modified = datetime.fromtimestamp(source.mtime_ns / 1e9, UTC)
        return {
            "method": "file-copy",
            "name": source.name,
            "path": str(source.path.resolve()),
            "host": self.ctx.host,
            "file_modified": format_time(modified),
        }

    def amend(self, item_id: str, values: dict[str, list[Any]], unset: Sequence[str], reason: str) -> Sealed:
        """Record a correction as a new entry pointing at the item's latest entry; nothing is altered."""
        if not reason.strip():
            raise UsageError("an amendment needs --reason")
        for field in unset:
            if field not in ASSERTABLE:
                raise BadInputError(f"unknown field {field!r} (known: {', '.join(ASSERTABLE)})")
            if field in values:
                raise UsageError(f"{field} is both set and unset")
        if not values and not unset:
            raise UsageError("nothing to amend: give --set FIELD=VALUE or --unset FIELD")
        asserted_claims(values, by=self.ctx.actor, at="")  # refuse bad values before locking

        def body(state: ItemState, at: str) -> dict[str, Any]:
            claims = asserted_claims(values, by=self.ctx.actor, at=at)
            claims += [{"field": f, "value": None, "source": "asserted", "by": self.ctx.actor, "at": at} for f in unset]
            return {"reason": " ".join(reason.split()), "claims": claims}

        return self._item_entry(item_id, "amend", body)

    def _item_entry(self, item_id: str, kind: str, make: Callable[[ItemState, str], dict[str, Any] | None]) -> Sealed:
        """Append an entry about one item that points at the item's latest entry (None: nothing to say)."""
        with self._write() as txn:
            data = txn.w.item_state(item_id)
            if data is None:
                raise NotFoundError(f"no item with id {item_id}")
            state = state_from_bytes(data)
            now = self.ctx.clock()
            made = make(state, format_time(now))
            if made is None:
                return txn.w.entry(state.last_seq)
            body = {"item": item_id, "previous": {"seq": state.last_seq, "hash": state.last_hash}, **made}
            sealed = txn.append(kind, body, now)
            apply({item_id: state}, decode(sealed.data), sealed.hash)
            txn.w.put_item(item_row(state))
        return sealed

    def reextract(self, item_id: str) -> Sealed | None:
        """Run the current extractors again; append what changed as an `extract` entry (None: no change)."""
        path = self.vault.objects.locate(item_id)
        if path is None:
            raise NotFoundError(f"the object of item {item_id} is missing; run `archive verify`")
        changed = False

        def body(state: ItemState, _at: str) -> dict[str, Any] | None:
            nonlocal changed
            fresh = extract(path, state.media_type, state.size)
            old = [
                _strip_seq(c) for c in state.claims if c["source"] == "extracted" and c["seq"] == state.extraction_seq
            ]
            old_notes = [_strip_seq(n) for n in state.notes]
            if old == fresh.claims and old_notes == fresh.notes:
                return None
            changed = True
            return {"claims": fresh.claims, "notes": fresh.notes}

        sealed = self._item_entry(item_id, "extract", body)
        return sealed if changed else None

    def set_access(self, item_id: str, status: str, reason: str) -> Sealed:
        """Record who may see an item's bytes (open or restricted); the bytes are never deleted."""
        if not reason.strip():
            raise UsageError("an access change needs --reason")
        return self._item_entry(
            item_id, "access", lambda _s, _a: {"access": status, "reason": " ".join(reason.split())}
        )

    def relate(self, item_id: str, other: str, relation: str, note: str | None = None) -> Sealed:
        """Record that `item_id` is a `relation` of `other` (e.g. a screenshot of a page)."""
        if relation not in RELATIONS:
            raise UsageError(f"--as must be one of {', '.join(RELATIONS)}")
        if item_id == other:
            raise UsageError("an item cannot be related to itself")
        body: dict[str, Any] = {"item": item_id, "to": other, "relation": relation}
        if note:
            body["note"] = " ".join(note.split())
        with self._write() as txn:
            states = {}
            for which in (item_id, other):
                data = txn.w.item_state(which)
                if data is None:
                    raise NotFoundError(f"no item with id {which}")
                states[which] = state_from_bytes(data)
            for known in states[item_id].relations:
                if known.get("to") == other and known["relation"] == relation:
                    return txn.w.entry(known["seq"])  # already recorded: say so, append nothing
            sealed = txn.append("relate", body, self.ctx.clock())
            apply(states, decode(sealed.data), sealed.hash)
            for state in states.values():
                txn.w.put_item(item_row(state))
        return sealed

    def rotate_key(self) -> Sealed:
        """Announce a new signing key in an entry signed by the old key and the new one."""
        old = self.signer()
        new = prepare_rotation(self.vault.path, self.vault.origin, self.ctx.passphrase)
        with self._write() as txn:
            now = self.ctx.clock()
            note = sign_note(announcement_text(self.vault.origin, new.verifier(), old.verifier()), [new, old])
            sealed = txn.append("key", key_body(self.vault.origin, new.verifier(), old.verifier(), note), now)
            txn.signer = new  # the checkpoint that includes the rotation is signed by the new key
        finish_rotation(self.vault.path, old.verifier())
        self._signer = new
        return sealed

    def keys(self) -> KeyHistory:
        with self.vault.store.read() as r:
            return key_history(r)

    def latest_checkpoint(self) -> str:
        with self.vault.store.read() as r:
            latest = r.latest_checkpoint()
        if latest is None:
            raise NotFoundError("the vault has issued no checkpoint yet")
        return latest[1]

    # ---- reading -------------------------------------------------------------------------

    def resolve_id(self, prefix: str) -> str:
        """The item an id or unambiguous id prefix names."""
        wanted = prefix.strip().lower()
        if len(wanted) < 4 or any(c not in "0123456789abcdef" for c in wanted):
            raise BadInputError(f"{prefix!r} is not an item id (at least 4 hex digits of its SHA-256)")
        with self.vault.store.read() as r:
            found = r.item_ids(wanted)
        if not found:
            raise NotFoundError(f"no item with id {wanted}")
        if len(found) > 1:
            raise AmbiguousIdError(f"id prefix {wanted} matches more than one item; give more digits")
        return found[0]

    def item(self, item_id: str) -> ItemState:
        with self.vault.store.read() as r:
            data = r.item_state(item_id)
        if data is None:
            raise NotFoundError(f"no item with id {item_id}")
        return state_from_bytes(data)

    def items(self) -> list[ItemState]:
        with self.vault.store.read() as r:
            return [state_from_bytes(row.state) for row in r.items()]

    def entries(self, start: int = 0, limit: int | None = None) -> list[tuple[Sealed, Entry]]:
        with self.vault.store.read() as r:
            stop = None if limit is None else start + limit
            return [(s, decode(s.data)) for s in r.entries(start, stop)]

    def item_history(self, item_id: str) -> list[tuple[Sealed, Entry]]:
        state = self.item(item_id)
        seqs = sorted(item_seqs(state))
        with self.vault.store.read() as r:
            return [(s, decode(s.data)) for s in (r.entry(q) for q in seqs)]

    def size(self) -> tuple[int, str | None]:
        with self.vault.store.read() as r:
            head = r.head()
        return (0, None) if head is None else (head.seq + 1, head.hash)


def _strip_seq(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "seq"}


def _stage(stager: Stager, source: Source) -> tuple[Staged, Extraction]:
    staged = stager.stage(source.path)
    if staged.size != source.size:
        raise BadInputError(f"{source.path}: changed while being ingested ({source.size} → {staged.size} bytes)")
    # Extract from the staged copy: exactly the bytes the ledger will name, not a file that may change.
    return staged, extract(staged.path, source.media.mime, staged.size)


def _object_json(source: Source, obj: Staged) -> dict[str, Any]:
    body: dict[str, Any] = {"sha256": obj.digest.hex, "size": obj.size, "media_type": source.media.mime}
    if source.media.charset:
        body["charset"] = source.media.charset
    return body


def _result(source: Source, obj: Staged, status: str, seq: int | None) -> IngestResult:
    return IngestResult(obj.digest.hex, source.name, str(source.path), status, seq, obj.size, source.media.mime)
