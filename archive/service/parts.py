"""Addressing a page inside a web archive item: `ITEM#URL` or `ITEM#PART`, resolved to one record.

`ITEM` is an item id or an unambiguous prefix of one, as everywhere. After the first `#` comes
either a part's own address (`archive/data.warc.gz@1234`, `@1234` in a bare WARC: the record's
file and offset, as `show ITEM` lists them) or the URL of a captured page exactly as recorded
(`WARC-Target-URI`; it may itself contain `#`). A URL captured more than once names no single
capture: the error lists the captures' addresses, one of which is then given instead.
"""

from __future__ import annotations

from typing import NamedTuple

from archive.core.records import read_row
from archive.errors import AmbiguousIdError, NotFoundError, UsageError
from archive.storage.port import Reader, RecordRow

SEPARATOR = "#"
MAX_LISTED = 10


class Ref(NamedTuple):
    """An item, or one part (record) of a web archive item (a NamedTuple: `show` loads no dataclasses)."""

    item: str
    part: str | None = None

    def __str__(self) -> str:
        return self.item if self.part is None else f"{self.item}{SEPARATOR}{self.part}"


def split_ref(text: str) -> tuple[str, str | None]:
    """'ITEM#SELECTOR' → (ITEM, SELECTOR); 'ITEM' → (ITEM, None)."""
    item, sep, selector = text.partition(SEPARATOR)
    if not sep:
        return text, None
    if not selector.strip():
        raise UsageError(f"{text[:80]!r}: nothing after '#': give a page's URL or a part (see `archive show ID`)")
    return item, selector.strip()


def _citable(row: RecordRow) -> bool:
    """A capture that served the page (not a redirect, an error or a revisit of an earlier one)."""
    return (row.status == 0 or 200 <= row.status < 300) and read_row(row.row)["type"] != "revisit"


def find_part(reader: Reader, item_id: str, selector: str) -> str:
    """The part a selector names in an item (module docstring); NotFoundError or AmbiguousIdError if none or many."""
    if reader.record_count(item_id) == 0:
        raise UsageError(f"item {item_id} is not a web archive: it has no pages to address with '#'")
    if "@" in selector and not selector.startswith(("http://", "https://")):
        for row in reader.records(item_id, part=selector):
            return row.part
    rows = list(reader.records(item_id, uri=selector))
    if not rows:
        raise NotFoundError(f"item {item_id} holds no capture of {selector[:200]!r} (`archive show {item_id[:12]}`)")
    served = [r for r in rows if _citable(r)]
    chosen = served or rows
    if len(chosen) == 1:
        return chosen[0].part
    listed = ", ".join(f"{r.part} ({r.date})" for r in chosen[:MAX_LISTED])
    more = f" and {len(chosen) - MAX_LISTED} more" if len(chosen) > MAX_LISTED else ""
    raise AmbiguousIdError(
        f"{selector[:200]!r} was captured {len(chosen)} times in item {item_id[:12]}: give one capture as "
        f"ID#PART: {listed}{more}"
    )
