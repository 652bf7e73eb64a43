"""The commands that only read (show, list, log), as plain functions without typer.

`archive.cli.app` declares their options for typer; `archive.cli.fast` parses the simple forms of
them itself and calls these directly, so that they answer without loading typer at all. Either way
the same function runs.
"""

from __future__ import annotations

import sys
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive.cli.common import as_json, open_vault, say

if TYPE_CHECKING:
    from archive.core.item import Item

READER = "reader"  # these commands record nothing, so who runs them is not asked for


def show(item_id: str, vault: Path | None = None, json: bool = False, page: str | None = None) -> None:
    with open_vault(vault, READER, read_only=True) as (archive, _):
        ref = archive.resolve_ref(item_id if page is None else f"{item_id}#{page}")
        item = archive.item(ref.item)
        if ref.part is not None:
            _show_page(item, archive.record(ref.item, ref.part), json)
            return
        history = archive.history(item)
        pages, total = archive.pages(item.id, None if as_json(json) else PAGES_SHOWN)
    if as_json(json):
        from archive.cli.render import emit_json

        doc = item.to_json()
        doc["history"] = [{"seq": s.seq, "hash": s.hash, **e.to_json()} for s, e in history]
        if total:
            from archive.core.records import facts_of

            doc["pages"] = [{**facts_of(p), "title": _title(item, p)} for p in pages]
        emit_json(doc)
    else:
        from archive.cli.render import item_lines, pages_lines, width

        cols = width()
        say("\n".join(item_lines(item, history, cols) + pages_lines(item, pages, total, cols)))


PAGES_SHOWN = 100


def _title(item: Item, page: dict[str, Any]) -> str | None:
    found = item.page_fields(page).get("title")
    return str(found.value) if found is not None and found.has_value else None


def _show_page(item: Item, row: dict[str, Any], json: bool) -> None:
    part = str(row["part"])
    if as_json(json):
        from archive.cli.render import emit_json
        from archive.core.records import facts_of, page_claims, page_notes
        from archive.core.resolve import conflicts, current_values

        fields = item.page_fields(row)
        claims = [*page_claims(row, item.archived.seq), *(c for c in item.claims if c.part == part)]
        emit_json(
            {
                "item": item.id,
                "part": part,
                "record": facts_of(row),
                "metadata": {
                    "current": current_values(fields),
                    "conflicts": conflicts(fields),
                    "claims": [c.to_json(with_seq=True) for c in claims],
                },
                "notes": [n.to_json(with_seq=True) for n in page_notes(row, item.archived.seq)],
            }
        )
    else:
        from archive.cli.render import page_lines, width

        say("\n".join(page_lines(item, row, width())))


def list_items(vault: Path | None = None, start: int = 0, limit: int | None = None, json: bool = False) -> None:
    with (
        open_vault(vault, READER, read_only=True) as (archive, _),
        closing(archive.items(start=start, limit=limit)) as items,
    ):
        if as_json(json):
            from archive.cli.render import emit_json_lines

            emit_json_lines(item.to_json() for item in items)
            return
        from archive.cli.render import list_lines, width

        lines = list_lines(items, width())
        total = archive.count()
    shown = max(0, len(lines) - 2)
    say("\n".join(lines) if lines else "no items")
    if shown < total:
        sys.stderr.write(f"{shown} of {total} items (--start, --limit)\n")


def log(vault: Path | None = None, start: int = 0, limit: int | None = None, json: bool = False) -> None:
    with open_vault(vault, READER, read_only=True) as (archive, _), closing(archive.entries(start, limit)) as entries:
        if as_json(json):
            from archive.cli.render import emit_json_lines

            emit_json_lines(
                {"seq": s.seq, "hash": s.hash, "canonical": s.data.decode("utf-8"), "entry": e.to_json()}
                for s, e in entries
            )
            return
        from archive.cli.render import log_lines, width

        lines = log_lines(entries, width())
    say("\n".join(lines) if lines else "no entries")
