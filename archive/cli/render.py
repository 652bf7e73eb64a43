"""Human-readable output: item views, lists and the log, laid out to fit the terminal.

Pure text (`archive.cli.textfit`): no third-party imports, so commands answer fast. Every function
returns lines; the commands print them. Values that came from files (names, titles, evidence) are
escaped by textfit, so a control character never reaches the terminal raw.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from archive.cli.textfit import Column, Pair, escape, render_pairs, render_table
from archive.core.claim import Claim
from archive.core.entry import Entry, Sealed
from archive.core.item import Item

UNLIMITED = 10_000  # piped output is not cut: another program reads it


def width() -> int:
    """The terminal's width on a terminal; COLUMNS if set; else effectively unlimited (piped)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size((80, 24)).columns
    return UNLIMITED


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def emit_json_lines(values: Iterable[Any]) -> None:
    """A JSON array written as its elements come, so memory stays flat."""
    out = sys.stdout
    out.write("[")
    first = True
    for value in values:
        out.write(
            ("\n  " if first else ",\n  ") + json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        )
        first = False
    out.write("]\n" if first else "\n]\n")


def value_text(value: Any) -> str:
    if value is None:
        return "(no value)"
    if isinstance(value, dict):
        who = "/".join(value[k] for k in ("photographer", "agency") if k in value)
        return f"{who} — {value['caption']}" if "caption" in value else who
    return str(value)


def short_time(time: str) -> str:
    """An entry's time to the second, for tables ('2026-11-22T08:01:00Z'); --json has it exact."""
    return time[:19] + "Z" if len(time) > 20 and time.endswith("Z") else time


def _why(claim: Claim, prefix: str = "") -> str:
    return "↳ " + prefix + claim.provenance()


def _same(value: Any, current: Any) -> bool:
    """Whether a claim's value is (one of) the field's current value(s)."""
    return value == current or (isinstance(current, list) and value in current)


def item_lines(item: Item, history: Sequence[tuple[Sealed, Entry]], cols: int) -> list[str]:
    """`show`: the item's facts, each current value once with its sources, what was superseded, history."""
    facts = item.object
    acq = item.acquisition
    lines = [f"item {item.id}"]
    pairs = [
        Pair("name", item.name, verbatim=True),
        Pair("size", f"{facts.size} bytes", "atom"),
        Pair("media type", facts.media_type + (f"; charset={facts.charset}" if facts.charset else ""), "atom"),
        Pair("archived", f"{short_time(item.archived.at)} by {item.archived.by} (entry {item.archived.seq})"),
        Pair("acquired", f"{acq.get('method')} of {acq.get('path')} on {acq.get('host')}"),
        Pair("file modified", short_time(acq.get("file_modified", "")), "atom"),
    ]
    access = item.access
    pairs.append(
        Pair("access", "open")
        if access.seq is None
        else Pair("access", f"{access.status}: {access.reason} (entry {access.seq})")
    )
    lines += render_pairs(pairs, cols)
    fields = item.fields()
    lines += ["", "metadata" if fields else "metadata: none asserted or extracted"]
    current: list[Pair] = []
    for name, view in fields.items():
        if view.conflict:
            current.append(Pair(name, "CONFLICT: the sources disagree; no value is chosen"))
            for claim in view.in_force:
                current.append(Pair("", f"{value_text(claim.value)} {_why(claim)}"))
        elif view.value is None:
            current.append(Pair(name, "(no value)"))
            current += [Pair("", _why(c)) for c in view.in_force]
        else:
            values = view.value if isinstance(view.value, list) else [view.value]
            for n, value in enumerate(values):
                current.append(Pair(name if n == 0 else "", value_text(value)))
                current += [Pair("", _why(c)) for c in view.in_force if c.value == value]
                # Sources outside the current set that say the same corroborate it: shown with it.
                current += [Pair("", _why(c, "also ")) for c in view.superseded if c.value == value]
    lines += ["  " + line for line in render_pairs(current, cols - 2)] if current else []
    old = [
        Pair(name, f"{value_text(c.value)} {_why(c)}")
        for name, view in fields.items()
        for c in view.superseded
        if not _same(c.value, view.value)
    ]
    if old:
        lines += ["", "superseded (kept in the ledger, not current)"]
        lines += ["  " + line for line in render_pairs(old, cols - 2)]
    if item.notes:
        lines += ["", "extraction notes"]
        notes = [Pair(n.note, f"{n.reason} (entry {n.seq})") for n in item.notes]
        lines += ["  " + line for line in render_pairs(notes, cols - 2)]
    if item.relations:
        lines += ["", "relations"]
        rel: list[Pair] = []
        for r in item.relations:
            label = f"this is the {r.relation} of" if r.outgoing else f"its {r.relation} is"
            rel.append(Pair(label, r.other, "atom"))  # an id is never split
            rel.append(Pair("", f"(entry {r.seq})" + (f": {r.note}" if r.note else "")))
        lines += ["  " + line for line in render_pairs(rel, cols - 2)]
    lines += ["", "history"]
    columns = [
        Column("seq", "atom", 5),
        Column("time", "atom", 4),
        Column("actor", "text", 2),
        Column("kind", "atom", 3),
        Column("reason", "text", 1),
        Column("entry hash", "atom", 0),
    ]
    rows = [
        (str(s.seq), short_time(e.time), e.actor, e.kind, str(e.body.get("reason", "")), s.hash[:16])
        for s, e in history
    ]
    lines += render_table(columns, rows, cols)
    return lines


LIST_COLUMNS = (
    Column("id", "atom", 9),
    Column("published", "atom", 6),
    Column("outlet", "text", 7, minimum=12),
    Column("title (or [file name])", "text", 8, minimum=20),
    Column("type", "atom", 2),
    Column("bytes", "atom", 1),
)


def _date(current: dict[str, Any]) -> str:
    """The publication date, or the labelled lower bound when only that is known."""
    if current.get("published"):
        return str(current["published"])[:10]
    if current.get("published_not_before"):
        return "≥" + str(current["published_not_before"])[:10]
    return ""


def list_lines(items: Iterable[Item], cols: int) -> list[str]:
    rows = []
    for item in items:
        cur = item.current()
        rows.append(
            (
                item.id[:16],
                _date(cur),
                str(cur.get("outlet", "")),
                str(cur.get("title") or f"[{item.name}]"),
                item.object.media_type,
                str(item.object.size),
            )
        )
    return render_table(LIST_COLUMNS, rows, cols) if rows else []


def entry_subject(entry: Entry) -> str:
    item = entry.body.get("item")
    return str(item) if isinstance(item, str) else ""


LOG_COLUMNS = (
    Column("seq", "atom", 6),
    Column("time", "atom", 5),
    Column("actor", "text", 2),
    Column("kind", "atom", 4),
    Column("item", "atom", 3),
    Column("entry hash", "atom", 1),
)


def log_lines(entries: Iterable[tuple[Sealed, Entry]], cols: int) -> list[str]:
    rows = [(str(s.seq), short_time(e.time), e.actor, e.kind, entry_subject(e)[:12], s.hash[:12]) for s, e in entries]
    return render_table(LOG_COLUMNS, rows, cols) if rows else []


def problem_line(code: str, seq: int | None, item: str | None, path: str | None, message: str) -> str:
    where = " ".join(
        x for x in (f"entry {seq}" if seq is not None else "", f"item {item}" if item else "", path or "") if x
    )
    return escape(f"{code}: {where + ': ' if where else ''}{message[:2000]}")


class ProgressSink(Protocol):
    def __call__(self, phase: str, done: int, total: int) -> None: ...


@contextmanager
def progress_bar(enabled: bool) -> Iterator[ProgressSink | None]:
    """A progress line on stderr when it is a terminal; nothing when piped."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    state = {"shown": False}

    def update(phase: str, done: int, total: int) -> None:
        percent = f" {100 * done // total:3d}%" if total else ""
        sys.stderr.write(f"\r{phase}: {done}/{total}{percent}   ")
        sys.stderr.flush()
        state["shown"] = True

    try:
        yield update
    finally:
        if state["shown"]:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
