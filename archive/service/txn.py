"""One serialised write to the ledger: entries appended, Merkle nodes stored, a checkpoint signed.

Everything a write changes commits together or not at all: the entries, the interior Merkle
nodes that keep proofs cheap, the index rows, and the signed checkpoint of the new size. The first
write to an empty ledger announces the vault's key as entry 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from archive import TOOL_NAME, __version__
from archive.core.announce import announcement_text, key_body
from archive.core.body import Body
from archive.core.checkpoint import Checkpoint, previous_line, sign_checkpoint
from archive.core.entry import GENESIS_PREV, Entry, Sealed, decode, entry_hash, format_time, next_entry
from archive.core.merkle import CompactRange, batched
from archive.core.note import Signer, sign_note
from archive.errors import CryptoError, VaultError
from archive.storage.announced import key_history
from archive.storage.port import Writer

TOOL = {"name": TOOL_NAME, "version": __version__}


class LedgerTxn:
    """Appends inside one write transaction; `finish` stores nodes and signs the checkpoint."""

    def __init__(self, writer: Writer, signer: Signer, origin: str, actor: str) -> None:
        self.w = writer
        self.signer = signer
        self.origin = origin
        self.actor = actor
        head = writer.head()
        if head is not None and entry_hash(head.data) != head.hash:
            raise VaultError(f"the ledger's last entry ({head.seq}) is damaged; run `archive verify`")
        self.head = head
        self.head_time = "" if head is None else decode(head.data).time
        self.start = 0 if head is None else head.seq + 1
        self.appended: list[Sealed] = []
        self.entry: Entry | None = None  # the entry `append` last made
        self.pending: list[tuple[Sealed, str, str]] = []  # inserted together by finish()

    @property
    def size(self) -> int:
        return self.start + len(self.appended)

    def append(self, kind: str, body: Body, now: datetime) -> Sealed:
        time = format_time(now)
        if time < self.head_time:
            raise VaultError(
                f"this machine's clock ({time}) is behind the ledger's last entry ({self.head_time}); "
                "refusing to back-date an entry: check the system clock, and run `archive verify`, "
                "which reports an entry dated in the future (ENTRY_FROM_FUTURE)"
            )
        self.entry, sealed = next_entry(
            self.head, time=now, actor=self.actor, tool=TOOL, kind=kind, body=body.to_json()
        )
        self.pending.append((sealed, kind, GENESIS_PREV if self.head is None else self.head.hash))
        self.head = sealed
        self.head_time = time
        self.appended.append(sealed)
        return sealed

    def finish(self) -> str | None:
        """Store the new Merkle nodes and sign a checkpoint of the new size; returns the note."""
        if not self.appended:
            return None
        self.w.append(self.pending)
        self.pending = []
        start = self.start
        [tree] = batched([lambda get: CompactRange.from_store(start, get)], self.w)
        nodes = []
        for sealed in self.appended:
            nodes.extend(tree.append(bytes.fromhex(sealed.hash)))
        self.w.put_nodes(nodes)
        # Each checkpoint names the one before it, so a verifier can tell a deleted one from none issued.
        latest = self.w.latest_checkpoint()
        extension = previous_line(None if latest is None else latest[0])
        note = sign_checkpoint(Checkpoint(self.origin, tree.size, tree.root(), (extension,)), self.signer)
        self.w.put_checkpoint(tree.size, note)
        return note


@contextmanager
def ledger_write(
    begin: Callable[[], Any],
    load_signer: Callable[[], Signer],
    origin: str,
    actor: str,
    now: Callable[[], datetime],
) -> Iterator[LedgerTxn]:
    """Open a write transaction (from `begin`), check the signing key, yield, then seal and commit."""
    with begin() as w:
        signer = load_signer()
        history = key_history(w)
        txn = LedgerTxn(w, signer, origin, actor)
        if history.current is None:
            if txn.head is not None:
                raise VaultError("the ledger announces no signing key; run `archive verify`")
            me = signer.verifier()
            note = sign_note(announcement_text(origin, me, None), [signer])
            txn.append("key", key_body(origin, me, None, note), now())
        elif str(history.current) != str(signer.verifier()):
            raise CryptoError(
                f"the vault's signing key is not the key the ledger announced ({history.current}); refusing to sign"
            )
        if history.origin is not None and history.origin != origin:
            raise VaultError(f"the vault marker names origin {origin!r} but the ledger {history.origin!r}")
        yield txn
        txn.finish()
