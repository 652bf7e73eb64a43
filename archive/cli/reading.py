"""The commands that only read (show, list, log), as plain functions without typer.

`archive.cli.app` declares their options for typer; `archive.cli.fast` parses the simple forms of
them itself and calls these directly, so that they answer without loading typer at all. Either way
the same function runs.
"""

from __future__ import annotations

import sys
from contextlib import closing
from pathlib import Path

from archive.cli.common import as_json, open_vault, say

READER = "reader"  # these commands record nothing, so who runs them is not asked for


def show(item_id: str, vault: Path | None = None, json: bool = False) -> None:
    with open_vault(vault, READER, read_only=True) as (archive, _):
        item = archive.item(archive.resolve_id(item_id))
        history = archive.history(item)
    if as_json(json):
        from archive.cli.render import emit_json

        doc = item.to_json()
        doc["history"] = [{"seq": s.seq, "hash": s.hash, **e.to_json()} for s, e in history]
        emit_json(doc)
    else:
        from archive.cli.render import item_lines, width

        say("\n".join(item_lines(item, history, width())))


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
