"""Human-readable output: item views, lists and the log, laid out to fit the terminal.

Pure text (`archive.cli.textfit`): no third-party imports, so commands answer fast. Every function
returns lines; the commands print them. Values that came from files (names, titles, evidence) are
escaped by textfit, so a control character never reaches the terminal raw.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from archive.cli.textfit import Column, Pair, escape, render_pairs, render_table
from archive.core.claim import Claim
from archive.core.entry import Entry, Sealed
from archive.core.item import Item
from archive.core.resolve import FieldView

UNLIMITED = 10_000  # piped output is not cut: another program reads it


def width() -> int:
    """The terminal's width on a terminal; COLUMNS if set; else effectively unlimited (piped)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        try:
            return os.get_terminal_size(sys.stdout.fileno()).columns or 80
        except OSError:
            return 80
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


def _credentials(current: dict[str, Any], media_type: str, cols: int) -> list[str]:
    """The one sentence on a signed file's own signature or content credentials, if it has one."""
    from archive.evidence.credentials import describe

    sentence = describe(current, media_type)
    return ["", *render_pairs([Pair("", sentence)], cols)] if sentence else []


def metadata_lines(fields: dict[str, FieldView], cols: int) -> list[str]:
    """Each current value once with its sources, then what was superseded (of an item or a page)."""
    lines: list[str] = []
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
    return lines


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
    if facts.contents is not None:
        c = facts.contents
        pairs.append(
            Pair(
                "contents",
                f"{c.format.upper()}: {c.records} record{'' if c.records == 1 else 's'} indexed, index root "
                f"{c.root[:16]}… ({c.indexer[0]})",
            )
        )
    access = item.access
    pairs.append(
        Pair("access", "open")
        if access.seq is None
        else Pair("access", f"{access.status}: {access.reason} (entry {access.seq})")
    )
    lines += render_pairs(pairs, cols)
    lines += _credentials(item.current(), item.object.media_type, cols)
    lines += metadata_lines(item.fields(), cols)
    if item.notes:
        lines += ["", "extraction notes"]
        notes = [Pair(n.note, f"{n.reason} (entry {n.seq})") for n in item.notes]
        lines += ["  " + line for line in render_pairs(notes, cols - 2)]
    if item.relations:
        lines += ["", "relations"]
        rel: list[Pair] = []
        for r in item.relations:
            this = f"page {r.part}" if r.part else "this"
            label = (
                f"{this} is the {r.relation} of"
                if r.outgoing
                else f"{'its' if not r.part else this + ':'} {r.relation} is"
            )
            rel.append(Pair(label, r.other, "atom"))  # an id is never split
            if r.other_part:
                rel.append(Pair("", f"page {r.other_part}", "atom"))
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


def pages_lines(item: Item, pages: Sequence[dict[str, Any]], total: int, cols: int) -> list[str]:
    """`show` of a web archive: its pages (HTML records) with capture time, URL and headline."""
    if not total:
        return []
    lines = ["", f"pages ({total}; one page: `archive show {item.id[:12]}#URL`)"]
    columns = [
        Column("part", "atom", 3),
        Column("captured", "atom", 4),
        Column("status", "atom", 1),
        Column("url", "text", 6, minimum=20),
        Column("title", "text", 5, minimum=12),
    ]
    rows = []
    for page in pages:
        title = item.page_fields(page).get("title")
        rows.append(
            (
                str(page["part"]),
                short_time(str(page["date"])),
                str(page.get("status", "")),
                str(page["uri"]),
                str(title.value) if title is not None and title.has_value else "",
            )
        )
    lines += render_table(columns, rows, cols)
    if total > len(pages):
        lines.append(f"... and {total - len(pages)} more (all of them: `archive show {item.id[:12]} --json`)")
    return lines


def page_lines(item: Item, row: dict[str, Any], cols: int) -> list[str]:
    """`show ID#URL`: one page of a web archive, its record's facts and its metadata."""
    part = str(row["part"])
    lines = [f"page {item.id}#{part}", f"  in {item.name} ({item.object.media_type})"]
    digests = ", ".join(f"{k} {row[k]}" for k in ("payload_digest", "block_digest") if k in row)
    pairs = [
        Pair("url", str(row["uri"]), verbatim=True),
        Pair("captured", f"{row['date']} (WARC-Date)"),
        Pair("record", f"{row['type']} {row['record_id']}"),
        Pair("http status", str(row.get("status", "none")), "atom"),
        Pair(
            "content type",
            str(row.get("content_type", "none")) + (f"; charset={row['charset']}" if "charset" in row else ""),
        ),
        Pair("location", f"{row['file'] or item.name} bytes {row['offset']}+{row['length']}"),
        Pair(
            "digests",
            f"{digests or 'none recorded'}: {row['digest']}"
            + (f" ({row['digest_detail']})" if "digest_detail" in row else ""),
        ),
    ]
    if "sha256" in row:
        pairs.append(Pair("content", f"SHA-256 {row['sha256']}, {row.get('size', '?')} bytes", "atom"))
    if "location" in row:
        pairs.append(Pair("redirects to", str(row["location"]), verbatim=True))
    if "refers_to" in row:
        pairs.append(Pair("revisit of", str(row["refers_to"]), verbatim=True))
    lines += render_pairs(pairs, cols)
    fields = item.page_fields(row)
    lines += _credentials(
        {n: v.value for n, v in fields.items() if v.has_value}, str(row.get("content_type", "")), cols
    )
    lines += metadata_lines(fields, cols)
    from archive.core.records import page_notes

    notes = page_notes(row, item.archived.seq)
    if notes:
        lines += ["", "extraction notes"]
        lines += [
            "  " + line for line in render_pairs([Pair(n.note, f"{n.reason} (entry {n.seq})") for n in notes], cols - 2)
        ]
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
