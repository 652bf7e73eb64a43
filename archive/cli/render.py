"""Human-readable output: tables and item views for a terminal (rich, imported lazily)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from archive.core.entry import Entry, Sealed
from archive.core.item import ItemState


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False) + "\n")


def _console() -> Any:
    import os

    from rich.console import Console

    # On a terminal, its width; piped or redirected, wide enough that tables do not fold
    # (COLUMNS, if set, wins either way).
    width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 200
    return Console(highlight=False, soft_wrap=False, width=width)


_NO_WRAP = frozenset({"seq", "time", "kind", "item", "entry hash", "id", "entry"})


def _table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    from rich import box
    from rich.table import Table

    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    for col in columns:
        # Times, numbers and short hashes stay on one line; free text folds to the terminal.
        table.add_column(col, overflow="fold", no_wrap=col in _NO_WRAP)
    for row in rows:
        table.add_row(*row)
    _console().print(table)


def format_value(value: Any) -> str:
    if value is None:
        return "(no value)"
    if isinstance(value, dict):
        who = "/".join(value[k] for k in ("photographer", "agency") if k in value)
        return f"{who} — {value['caption']}" if "caption" in value else who
    return str(value)


def claim_provenance(claim: dict[str, Any]) -> str:
    if claim["source"] == "asserted":
        return f"asserted by {claim['by']} at {claim['at']} (entry {claim['seq']})"
    ext = claim.get("extractor", {})
    where = f"bytes {claim['span'][0]}-{claim['span'][1]}" if "span" in claim else claim.get("key", "")
    return f"extracted by {ext.get('name')} {ext.get('version')} from {where}: “{claim.get('evidence', '')}”"


def show_item(state: ItemState, history: Sequence[tuple[Sealed, Entry]]) -> None:
    console = _console()
    console.print(f"[bold]{state.id}[/bold]")
    rows = [
        ("name", state.name),
        ("size", f"{state.size} bytes"),
        ("media type", state.media_type + (f"; charset={state.charset}" if state.charset else "")),
        ("ingested", f"{state.ingested_at} by {state.ingested_by} (entry {state.ingest_seq})"),
    ]
    rows += [(f"acquisition.{k}", str(v)) for k, v in state.acquisition.items()]
    _table(None, ("", ""), rows)
    current = state.current()
    conflicts = state.conflicts()
    meta_rows: list[tuple[str, str, str]] = []
    for claim in state.claims:
        field = claim["field"]
        value = claim["value"]
        chosen = current.get(field)
        in_use = value == chosen or (isinstance(chosen, list) and value in chosen)
        stale = claim["source"] == "extracted" and claim["seq"] != state.extraction_seq
        mark = "conflict" if field in conflicts else ("current" if in_use and not stale else "superseded")
        meta_rows.append((field, format_value(value), f"{mark}; {claim_provenance(claim)}"))
    if meta_rows:
        _table("metadata", ("field", "value", "status and provenance"), meta_rows)
    else:
        console.print("metadata: none recorded or extracted")
    if conflicts:
        console.print(f"[yellow]sources disagree on: {', '.join(conflicts)} (no value chosen)[/yellow]")
    for note in state.notes:
        console.print(f"extraction: {note.get('note')}: {note.get('reason')} (entry {note.get('seq')})")
    if state.access.get("status") != "open":
        console.print(
            f"[red]access: {state.access['status']}: {state.access.get('reason')}"
            f" (entry {state.access.get('seq')})[/red]"
        )
    if state.relations:
        _table(
            "relations",
            ("relation", "item", "entry"),
            [
                (
                    f"this is the {r['relation']} of" if "to" in r else f"its {r['relation']} is",
                    r.get("to") or r.get("from", ""),
                    str(r["seq"]),
                )
                for r in state.relations
            ],
        )
    _table(
        "history",
        ("seq", "time", "actor", "kind", "reason", "entry hash"),
        [
            (str(s.seq), _short_time(e.time), e.actor, e.kind, str(e.body.get("reason", "")), s.hash[:16])
            for s, e in history
        ],
    )


def list_items(items: Sequence[ItemState]) -> None:
    rows = []
    for state in items:
        cur = state.current()
        rows.append(
            (
                state.id[:16],
                state.name,
                str(cur.get("outlet", "")),
                str(cur.get("published", "")),
                str(cur.get("title", ""))[:60],
                state.media_type,
                str(state.size),
            )
        )
    _table(f"{len(items)} items", ("id", "name", "outlet", "published", "title", "type", "bytes"), rows)


def _short_time(time: str) -> str:
    """An entry's time to the second, for tables ('2026-11-22T08:01:00Z'); --json has it exact."""
    return time[:19] + "Z" if len(time) > 20 and time.endswith("Z") else time


def entry_subject(entry: Entry) -> str:
    item = entry.body.get("item")
    return str(item) if isinstance(item, str) else ""


def show_log(entries: Sequence[tuple[Sealed, Entry]]) -> None:
    _table(
        None,
        ("seq", "time", "actor", "kind", "item", "entry hash"),
        [(str(s.seq), _short_time(e.time), e.actor, e.kind, entry_subject(e)[:12], s.hash[:12]) for s, e in entries],
    )


class ProgressSink(Protocol):
    def __call__(self, phase: str, done: int, total: int) -> None: ...


@contextmanager
def progress_bar(enabled: bool) -> Iterator[ProgressSink | None]:
    """A progress bar on stderr when it is a terminal; nothing when piped."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        yield update
