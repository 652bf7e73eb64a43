"""Reading the archive's own records back through the storage port: index states and key history."""

from __future__ import annotations

from archive.core.canonical import parse_json
from archive.core.item import Item
from archive.core.strict import RuleError
from archive.errors import LedgerError, VaultError
from archive.storage.port import Reader


def item_from_state(data: bytes) -> Item:
    """An item as the index stores it; VaultError if the row is not what the model writes."""
    try:
        return Item.from_json(parse_json(data))
    except (RuleError, LedgerError, KeyError, TypeError, ValueError) as exc:
        raise VaultError(f"an index row is damaged ({exc}); run `archive verify`") from exc


def load_item(reader: Reader, item_id: str) -> Item | None:
    data = reader.item_state(item_id)
    return None if data is None else item_from_state(data)
