"""The keys a ledger announced, read back through the storage port (for signing and for manifests)."""

from __future__ import annotations

from archive.core.announce import KeyHistory, KeyRuleError
from archive.core.entry import decode
from archive.errors import LedgerError, VaultError
from archive.storage.port import Reader


def key_history(reader: Reader) -> KeyHistory:
    """The keys the ledger announced; raises VaultError if an announcement is broken."""
    history = KeyHistory()
    for sealed in reader.entries_of_kind("key"):
        try:
            history.apply(sealed.seq, decode(sealed.data).body)
        except (KeyRuleError, LedgerError) as exc:
            raise VaultError(f"key entry {sealed.seq} is invalid ({exc}); run `archive verify`") from exc
    return history
