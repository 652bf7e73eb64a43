"""The Archive facade: one opened vault and everything done to it, as a library.

The library never prints and never exits: the actor and the clock come in through `Context`, and
results go back as values (streams where the archive can be large), so the CLI only parses,
calls and prints, and tests are exact. Ingest lives in `archive.service.ingest`, verification in
`archive.service.verify`, manifests in `archive.evidence.manifest`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from archive.core.body import RELATIONS, AccessBody, AmendBody, Body, ExtractBody, RelateBody
from archive.core.claim import Claim
from archive.core.entry import Entry, Sealed, decode, format_time
from archive.core.fields import ASSERTABLE, asserted_values
from archive.core.item import Fold, Item
from archive.errors import AmbiguousIdError, BadInputError, NotFoundError, UsageError, VaultError
from archive.storage.port import Reader, Writer
from archive.storage.reads import item_from_state
from archive.storage.vault import Vault, is_vault

if TYPE_CHECKING:
    from datetime import datetime

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from archive.core.announce import KeyHistory
    from archive.core.note import Signer
    from archive.service.extraction import Extractors
    from archive.service.ingest import IngestReport, IngestRequest
    from archive.service.parts import Ref
    from archive.service.txn import LedgerTxn

# Signing (cryptography, keys, checkpoints) is imported where a write needs it, so that commands
# that only read start without it.


def hostname() -> str:
    import socket  # lazily: commands that only read never need it

    return socket.gethostname()


def _now() -> datetime:
    from datetime import UTC, datetime

    return datetime.now(UTC)


class Context:
    """Who acts and what time it is: passed in, never read from the environment here.

    Its repr never shows the passphrase or the key.
    """

    __slots__ = ("actor", "clock", "host", "key", "ledger", "objects", "origin", "passphrase")

    def __init__(
        self,
        actor: str,
        clock: Callable[[], datetime] = _now,
        host: str = "",  # the machine acquisitions are made on; "" means this one (`hostname()`)
        passphrase: bytes | None = None,
        origin: str | None = None,  # for a vault this context creates
        key: Ed25519PrivateKey | None = None,  # likewise; default: a new one
        ledger: dict[str, str] | None = None,  # likewise: where its ledger is (the marker's `ledger`)
        objects: dict[str, str] | None = None,  # likewise: where its objects are (the marker's `objects`)
    ) -> None:
        self.actor = actor
        self.clock = clock
        self.host = host
        self.passphrase = passphrase
        self.origin = origin
        self.key = key
        self.ledger = ledger
        self.objects = objects

    def __repr__(self) -> str:
        return f"Context(actor={self.actor!r}, host={self.host!r}, origin={self.origin!r})"


def asserted(values: dict[str, list[Any]], actor: str, at: str, part: str | None = None) -> list[Claim]:
    """Claims for the values a person gives (checked: BadInputError names a bad one), about the
    item or one `part` of it."""
    return [Claim.asserted(f, v, by=actor, at=at, part=part) for f, v in asserted_values(values)]


class Archive:
    """One opened vault and the context acting on it."""

    def __init__(self, vault: Vault, ctx: Context) -> None:
        self.vault = vault
        self.ctx = ctx
        self._signer: Signer | None = None
        self.warnings: list[str] = []  # what went wrong after a write committed (a witness down), for the caller

    @classmethod
    def open(cls, path: Path, ctx: Context, *, create: bool = False, read_only: bool = False) -> tuple[Archive, bool]:
        """Open the vault at `path`; with `create`, make it when absent. Returns (archive, created)."""
        if is_vault(path) or not create:
            return cls(Vault.open(path, read_only=read_only), ctx), False
        try:
            vault = Vault.create(
                path,
                now=ctx.clock(),
                origin=ctx.origin,
                passphrase=ctx.passphrase,
                key=ctx.key,
                ledger=ctx.ledger,
                objects=ctx.objects,
            )
        except VaultError:
            if not is_vault(path):
                raise
            return cls(Vault.open(path), ctx), False  # another process made it meanwhile
        archive = cls(vault, ctx)
        with archive.write():
            pass  # announces the key as entry 0 and signs the first checkpoint
        return archive, True

    def close(self) -> None:
        self.vault.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def origin(self) -> str:
        return self.vault.origin

    # ---- writing -------------------------------------------------------------------------

    def signer(self) -> Signer:
        from archive.storage.keystore import finish_rotation, load_signer, pending_rotation, prepare_rotation

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
    def write(self) -> Iterator[LedgerTxn]:
        """A serialised ledger write that also recovers dead writers' staging and signs a checkpoint."""
        from archive.service.txn import ledger_write

        self.signer()  # before the transaction: finishing an interrupted rotation reads the key history

        @contextmanager
        def begin() -> Iterator[Writer]:
            with self.vault.ledger.write() as w:
                self.vault.objects.recover(lambda digest: bool(w.known_items([digest])))
                yield w

        with ledger_write(begin, self.signer, self.vault.origin, self.ctx.actor, self.ctx.clock) as txn:
            yield txn
        if txn.appended:
            self._after_commit()

    # ---- witnesses (issue 11): cosignatures requested after each committed write ----

    def _after_commit(self) -> None:
        from archive.service.witnesses import after_write

        self.warnings.extend(after_write(self))

    def _item_entry(self, item_id: str, kind: str, make: Callable[[Item, str], Body | None]) -> Sealed | None:
        """Append an entry about one item, made from its current state (None: nothing to append)."""
        with self.write() as txn:
            item = _load(txn.w, item_id)
            now = self.ctx.clock()
            body = make(item, format_time(now))
            if body is None:
                return None
            sealed = txn.append(kind, body, now)
            _apply(item, sealed)
            txn.w.put_items([item.index_row()])
        return sealed

    def amend(
        self, item_id: str, values: dict[str, list[Any]], unset: Sequence[str], reason: str, *, part: str | None = None
    ) -> Sealed:
        """Record a correction as a new entry pointing at the item's latest entry; nothing is altered.

        With `part`, the values are about that page of a web archive item (`resolve_ref`).
        """
        reason = " ".join(reason.split())
        if not reason:
            raise UsageError("an amendment needs --reason")
        for name in unset:
            if name not in ASSERTABLE:
                raise BadInputError(f"unknown field {name[:40]!r} (known: {', '.join(ASSERTABLE)})")
            if name in values:
                raise UsageError(f"{name} is both set and unset")
        if not values and not unset:
            raise UsageError("nothing to amend: give --set FIELD=VALUE or --unset FIELD")
        asserted(values, self.ctx.actor, "")  # refuse bad values before locking

        def body(item: Item, at: str) -> Body:
            claims = asserted(values, self.ctx.actor, at, part)
            claims += [Claim.asserted(name, None, by=self.ctx.actor, at=at, part=part) for name in unset]
            assert item.head is not None
            return AmendBody(item.id, item.head, reason, tuple(claims))

        sealed = self._item_entry(item_id, "amend", body)
        assert sealed is not None
        return sealed

    def reextract(self, item_id: str, extractors: Extractors) -> Sealed | None:
        """Run the current extractors again; append what they read differently, else return None."""
        with self.vault.objects.fetch(item_id) as path:
            if path is None:
                raise NotFoundError(f"the object of item {item_id} is missing; run `archive verify`")
            return self._reextract(item_id, path, extractors)

    def _reextract(self, item_id: str, path: Path, extractors: Extractors) -> Sealed | None:
        from archive.service.extraction import Doc
        from archive.service.webcapture import is_web_archive

        def body(item: Item, _at: str) -> Body | None:
            if is_web_archive(item.object.media_type):
                fresh = _read_web_archive(path, item.object.media_type)
            else:
                doc = Doc(path, item.object.media_type, item.object.charset, item.object.size)
                fresh = next(iter(extractors.run([doc])))
            old = [_bare(c) for c in item.claims if c.source == "extracted" and c.seq == item.extraction_seq]
            same_notes = [n.to_json() for n in item.notes] == [n.to_json() for n in fresh.notes]
            if old == [_bare(c) for c in fresh.claims] and same_notes:
                return None
            assert item.head is not None
            return ExtractBody(item.id, item.head, fresh.claims, fresh.notes)

        return self._item_entry(item_id, "extract", body)

    def set_access(self, item_id: str, status: str, reason: str) -> Sealed:
        """Record who may see an item's bytes (open or restricted); the bytes are never deleted."""
        reason = " ".join(reason.split())
        if not reason:
            raise UsageError("an access change needs --reason")
        if status not in ("open", "restricted"):
            raise UsageError("access is open or restricted")

        def body(item: Item, _at: str) -> Body:
            assert item.head is not None
            return AccessBody(item.id, item.head, status, reason)

        sealed = self._item_entry(item_id, "access", body)
        assert sealed is not None
        return sealed

    def relate(
        self,
        item_id: str,
        other: str,
        relation: str,
        note: str | None = None,
        *,
        part: str | None = None,
        other_part: str | None = None,
    ) -> tuple[Sealed, bool]:
        """Record that `item_id` (or its page `part`) is a `relation` of `other` (or its page
        `other_part`); returns (entry, whether it is new)."""
        if relation not in RELATIONS:
            raise UsageError(f"--as must be one of {', '.join(RELATIONS)}")
        if item_id == other:
            raise UsageError("an item cannot be related to itself")
        text = " ".join(note.split()) if note else None
        with self.write() as txn:
            items = {which: _load(txn.w, which) for which in (item_id, other)}
            for known in items[item_id].relations:
                if (
                    known.outgoing
                    and known.other == other
                    and known.relation == relation
                    and (known.part, known.other_part) == (part, other_part)
                ):
                    return txn.w.entries_at([known.seq])[0], False  # already recorded: append nothing
            body = RelateBody(item_id, other, relation, text or None, part, other_part)
            sealed = txn.append("relate", body, self.ctx.clock())
            fold = Fold()
            fold.items = items
            fold.apply(decode(sealed.data), sealed.hash)
            txn.w.put_items([i.index_row() for i in items.values()])
        return sealed, True

    def rotate_key(self) -> Sealed:
        """Announce a new signing key in an entry signed by the old key and the new one."""
        from archive.core.announce import announcement_text, key_body
        from archive.core.note import sign_note
        from archive.storage.keystore import finish_rotation, prepare_rotation

        old = self.signer()
        new = prepare_rotation(self.vault.path, self.vault.origin, self.ctx.passphrase)
        with self.write() as txn:
            now = self.ctx.clock()
            note = sign_note(announcement_text(self.vault.origin, new.verifier(), old.verifier()), [new, old])
            sealed = txn.append("key", key_body(self.vault.origin, new.verifier(), old.verifier(), note), now)
            txn.signer = new  # the checkpoint that includes the rotation is signed by the new key
        finish_rotation(self.vault.path, old.verifier())
        self._signer = new
        return sealed

    def ingest(self, request: IngestRequest, extractors: Extractors | None = None) -> IngestReport:
        """Check, store and record files (and relate captures): `archive ingest` as a library call."""
        from archive.service import ingest as steps
        from archive.service.extraction import Extractors

        planned = steps.plan(request, self.ctx.actor)
        with extractors or Extractors() as runner:
            results = [r for batch in steps.run(self, planned, runner, batch_size=request.batch_size) for r in batch]
        return steps.IngestReport(results, steps.relate_captures(self, planned, results), planned.found)

    def manifest(
        self, item_ids: Sequence[str | tuple[str, str | None]] | None, *, kind: str = "archive-manifest"
    ) -> dict[str, Any]:
        """A whole manifest as one value (None: every item; an (id, part) pair: one page of a web
        archive item); `write_manifest` streams one instead."""
        from archive.evidence.manifest import header, manifest_items, signed

        with self.reading() as reader:
            head = header(reader, origin=self.origin, actor=self.ctx.actor, now=self.ctx.clock(), kind=kind)
            return signed(head, (doc for _, doc in manifest_items(reader, head, item_ids)), self.signer())

    def write_manifest(
        self,
        item_ids: Sequence[str | tuple[str, str | None]] | None,
        out: TextIO,
        *,
        fmt: str = "json",
        kind: str = "archive-manifest",
    ) -> int:
        """Write a manifest (json, md or csl) from one snapshot as it is made; returns the item count."""
        from archive.evidence.manifest import header, write_manifest

        with self.reading() as reader:
            head = header(reader, origin=self.origin, actor=self.ctx.actor, now=self.ctx.clock(), kind=kind)
            signer = self.signer() if fmt == "json" else None  # md and csl carry no signature
            return write_manifest(reader, head, item_ids, out, fmt=fmt, signer=signer)

    # ---- reading -------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Reader]:
        """One consistent snapshot, for reads that must agree with each other."""
        with self.vault.ledger.read() as r:
            yield r

    def keys(self) -> KeyHistory:
        from archive.storage.announced import key_history

        with self.reading() as r:
            return key_history(r)

    def latest_checkpoint(self) -> tuple[int, str]:
        with self.reading() as r:
            latest = r.latest_checkpoint()
        if latest is None:
            raise NotFoundError("the vault has issued no checkpoint yet")
        return latest

    def resolve_id(self, prefix: str) -> str:
        """The item an id or unambiguous id prefix names."""
        wanted = prefix.strip().lower()
        if len(wanted) < 4 or len(wanted) > 64 or any(c not in "0123456789abcdef" for c in wanted):
            shown = prefix[:70].encode("unicode_escape").decode("ascii")
            raise BadInputError(f"{shown!r} is not an item id (4 to 64 hex digits of its SHA-256)")
        with self.reading() as r:
            found = r.item_ids(wanted, limit=2)
        if not found:
            raise NotFoundError(f"no item with id {wanted}")
        if len(found) > 1:
            raise AmbiguousIdError(f"id prefix {wanted} matches more than one item; give more digits")
        return found[0]

    def resolve_ref(self, text: str) -> Ref:
        """An item (`ID`), or one page of a web archive item (`ID#URL`, `ID#PART`): `archive.service.parts`."""
        from archive.service.parts import Ref, find_part, split_ref

        prefix, selector = split_ref(text)
        item_id = self.resolve_id(prefix)
        if selector is None:
            return Ref(item_id)
        with self.reading() as r:
            return Ref(item_id, find_part(r, item_id, selector))

    def pages(self, item_id: str, limit: int | None = None) -> tuple[list[dict[str, Any]], int]:
        """A web archive item's pages (its HTML records, in index order, at most `limit`) and their count."""
        from archive.core.records import read_row

        out: list[dict[str, Any]] = []
        total = 0
        with self.reading() as r:
            for media in ("text/html", "application/xhtml+xml"):
                for row in r.records(item_id, media_prefix=media):
                    total += 1
                    if limit is None or len(out) < limit:
                        out.append({"idx": row.idx, **read_row(row.row)})
        out.sort(key=lambda row: int(row["idx"]))
        return [{k: v for k, v in row.items() if k != "idx"} for row in out], total

    def record(self, item_id: str, part: str) -> dict[str, Any]:
        """One record row of a web archive item, by its part address."""
        from archive.core.records import read_row

        with self.reading() as r:
            for row in r.records(item_id, part=part):
                return read_row(row.row)
        raise NotFoundError(f"item {item_id} has no record {part}")

    def item(self, item_id: str) -> Item:
        with self.reading() as r:
            return _load(r, item_id)

    def items(self, *, start: int = 0, limit: int | None = None) -> Generator[Item]:
        """Items in ingest order, streamed from one snapshot."""
        with self.reading() as r:
            for row in r.items(start=start, limit=limit):
                yield item_from_state(row.state)

    def item_ids(self) -> list[str]:
        with self.reading() as r:
            return [row.id for row in r.items()]

    def count(self) -> int:
        with self.reading() as r:
            return r.item_count()

    def entries(self, start: int = 0, limit: int | None = None) -> Generator[tuple[Sealed, Entry]]:
        """Ledger entries from `start`, streamed from one snapshot."""
        with self.reading() as r:
            stop = None if limit is None else start + limit
            for sealed in r.entries(start, stop):
                yield sealed, decode(sealed.data)

    def history(self, item: Item) -> list[tuple[Sealed, Entry]]:
        """Every entry about an item, of every kind, in ledger order."""
        with self.reading() as r:
            return [(s, decode(s.data)) for s in r.entries_at(item.seqs())]

    def size(self) -> tuple[int, str | None]:
        with self.reading() as r:
            head = r.head()
        return (0, None) if head is None else (head.seq + 1, head.hash)


def _load(reader: Reader, item_id: str) -> Item:
    data = reader.item_state(item_id)
    if data is None:
        raise NotFoundError(f"no item with id {item_id}")
    return item_from_state(data)


def _apply(item: Item, sealed: Sealed) -> None:
    fold = Fold()
    fold.items = {item.id: item}
    fold.apply(decode(sealed.data), sealed.hash)


def _read_web_archive(path: Path, media_type: str) -> Any:
    """What a web archive's entry says of the file itself, read again (its record index, and what
    its rows say of its pages, stay as ingested: `archive.service.webcapture.reread`)."""
    from archive.service import webcapture

    return webcapture.reread(path, media_type)


def _bare(claim: Claim) -> dict[str, Any]:
    return claim.to_json()
