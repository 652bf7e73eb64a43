"""A manifest as Markdown: a report appendix an investigator can paste as is, streamed item by item.

Each item states its citations, fingerprint, acquisition, access, relations, every current value
with where it came from, the values that were superseded (and are kept in the ledger), conflicts,
and its ledger entries. The JSON manifest is the checkable form (signed, citations included); this
one says the same in words and proves nothing by itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TextIO

from archive.core.claim import Claim
from archive.core.item import Item
from archive.core.records import page_notes

STYLE_TITLES = {"apa": "APA 7", "chicago": "Chicago 18", "mla": "MLA 9"}
_UNSAFE_LINK = re.compile(r"\]\(\s*(?!https?://)[^)]*\)", re.IGNORECASE)
_UNSAFE_AUTOLINK = re.compile(r"<((?!https?://)[a-z][a-z0-9+.-]*:[^<>\s]*)>", re.IGNORECASE)


def cell(text: Any) -> str:
    """Text for a table cell or a line: one line, pipes and markup escaped, control characters dropped."""
    value = "".join(c if c.isprintable() else " " for c in str(text))
    for ch in ("\\", "|", "*", "_", "`", "[", "]", "<", ">"):
        value = value.replace(ch, "\\" + ch)
    return " ".join(value.split())


def value_text(value: Any) -> str:
    if value is None:
        return "(no value)"
    if isinstance(value, dict):
        who = "/".join(value[k] for k in ("photographer", "agency") if k in value)
        return f"{who} — {value['caption']}" if "caption" in value else who
    if isinstance(value, list):
        return "; ".join(value_text(v) for v in value)
    return str(value)


def _safe_citation(markdown: str) -> str:
    # Citations come from pandoc, which already links only http(s) URLs (archive.evidence.citeproc);
    # this holds for a manifest made by an older version too: any other link target is dropped,
    # and any other autolink becomes escaped text.
    return _UNSAFE_AUTOLINK.sub(r"\\<\1\\>", _UNSAFE_LINK.sub("]", markdown))


def _header(doc: dict[str, Any]) -> list[str]:
    return [
        "# Evidence manifest",
        "",
        f"Made {doc['created']} by {cell(doc['created_by'])} with {doc['tool']['name']} {doc['tool']['version']}, "
        f"from the ledger of `{doc['origin']}` at size {doc['ledger']['size']} "
        f"(head entry `{doc['ledger']['head']}`, Merkle root `{doc['ledger']['root']}`).",
        "",
        "Every item below is in that ledger: each ledger entry's bytes, hash and inclusion proof are in the "
        "JSON manifest, checkable offline against the signed checkpoint below with the archive's verifier key "
        f"`{doc['verifier_key']}` (`archive verify-manifest MANIFEST.json --key KEY [--files DIR]`). "
        "This Markdown carries no proof and no signature itself: quote citations from the JSON manifest, "
        "whose signature covers them.",
        "",
        "```",
        doc["checkpoint"].rstrip("\n"),
        "```",
        "",
    ]


def _claim_line(claim: Claim) -> str:
    return f"{cell(value_text(claim.value))} — {cell(claim.provenance())}"


def _item(number: int, item: Item, doc: dict[str, Any]) -> list[str]:
    page = doc.get("page")
    part = str(page["part"]) if page is not None else None
    fields = item.fields() if page is None else item.page_fields(page["record"])
    current = {name: view.value for name, view in fields.items() if view.has_value}
    title = current.get("title") or (f"[untitled: {item.name}]" if part is None else "[Web page]")
    lines = [f"## {number}. {cell(title)}", ""]
    for style, name in STYLE_TITLES.items():
        lines.append(f"- **{name}:** {_safe_citation(doc['citations'][style]['markdown'])}")
    archived = item.archived
    charset = f"; charset={item.object.charset}" if item.object.charset else ""
    lines += [
        "",
        "| | |",
        "|---|---|",
        f"| SHA-256 | `{item.object.sha256}` |",
        f"| Size | {item.object.size} bytes |",
        f"| Media type | {cell(item.object.media_type + charset)} |",
        f"| Archived | {archived.at} by {cell(archived.by)} (ledger entry {archived.seq}) |",
    ]
    if page is not None:
        record = page["record"]
        lines += [
            f"| Page | record `{cell(part)}` of this {cell(item.object.media_type)} file |",
            f"| Captured URL | {cell(record['uri'])} |",
            f"| Captured | {cell(record['date'])} (WARC-Date) |",
            f"| Record | {cell(record['type'])}, HTTP status {cell(record.get('status', 'none'))}, "
            f"{cell(record.get('content_type', 'no content type'))} |",
            f"| Record digests | {cell(record.get('payload_digest') or record.get('block_digest') or 'none')}: "
            f"{cell(record['digest'])} |",
            f"| Content SHA-256 | `{record.get('sha256', '')}` |",
            f"| Record proof | row {page['record_proof']['index']} of {page['record_proof']['size']} in the file's "
            f"record index, {len(page['record_proof']['hashes'])} hashes |",
        ]
    for key, value in item.acquisition.items():
        lines.append(f"| Acquisition: {cell(key)} | {cell(value)} |")
    access = item.access
    if access.seq is None:
        lines.append("| Access | open |")
    else:
        lines.append(f"| Access | {access.status}: {cell(access.reason)} (ledger entry {access.seq}) |")
    lines.append("")
    from archive.evidence.credentials import describe

    sentence = describe(current, item.object.media_type if part is None else "")
    if sentence:
        lines += [cell(sentence), ""]
    if not fields:
        lines += ["No metadata was asserted or extracted.", ""]
    else:
        lines += ["| Field | Current value | Where it came from |", "|---|---|---|"]
        for name, view in fields.items():
            if view.conflict:
                shown = "**conflict: no value chosen**"
            elif view.value is None:
                shown = "(no value)"
            else:
                shown = cell(value_text(view.value))
            sources = "<br>".join(cell(c.provenance()) for c in view.in_force) or "—"
            if view.conflict:
                sources = "<br>".join(_claim_line(c) for c in view.in_force)
            lines.append(f"| {name} | {shown} | {sources} |")
        lines.append("")
        old = [(name, c) for name, view in fields.items() for c in view.superseded]
        if old:
            lines += ["Superseded values (kept in the ledger, not current):", ""]
            lines += [f"- {name}: {_claim_line(c)}" for name, c in old]
            lines.append("")
    notes = item.notes if page is None else page_notes(page["record"], item.archived.seq)
    for note in notes:
        lines += [f"Extraction: {cell(note.note)}: {cell(note.reason)} (ledger entry {note.seq}).", ""]
    if item.relations:
        lines += ["Relations:", ""]
        for r in item.relations:
            this = f"page `{cell(r.part)}` of this item" if r.part else "this item"
            other = f"`{r.other}`" + (f" (page `{cell(r.other_part)}`)" if r.other_part else "")
            if r.outgoing:
                lines.append(f"- {this} is the {r.relation} of {other} (ledger entry {r.seq})")
            else:
                lines.append(f"- {other} is the {r.relation} of {this} (ledger entry {r.seq})")
        lines.append("")
    lines += ["| Ledger entry | Kind | Entry hash | Proof length |", "|---|---|---|---|"]
    kinds = {r.seq: r.kind for r in item.history}
    for e in doc["entries"]:
        lines.append(f"| {e['seq']} | {kinds.get(e['seq'], '')} | `{e['hash']}` | {len(e['inclusion_proof'])} hashes |")
    lines.append("")
    return lines


def _time(doc: dict[str, Any]) -> list[str]:
    """The manifest's time section (issue 11): whose word each time is, in sentences: the
    archive's own clock, what each time-stamp token bounds, which witnesses cosigned."""
    time = doc.get("time")
    if not isinstance(time, dict):
        return []
    lines = ["## Time", "", cell(time["claimed"]), ""]
    lines += [f"- {cell(t['says'])}" for t in time["timestamped"]]
    lines += ["", cell(time["summary"]), ""] if time["timestamped"] else [cell(time["summary"]), ""]
    witnessed = time.get("witnessed", [])
    if not witnessed:
        lines += ["No witness had cosigned this checkpoint when the manifest was made.", ""]
        return lines
    lines += [f"Cosigned by {len(witnessed)} witness{'es' if len(witnessed) != 1 else ''}:", ""]
    for w in witnessed:
        lines.append(
            f"- **{cell(w['witness'])}** cosigned the checkpoint of {w['size']} entries at {w['cosigned_at']}."
        )
    lines += ["", cell(time["witnessed_meaning"]), ""]
    return lines


def write_markdown(header: dict[str, Any], items: Iterable[tuple[Item, dict[str, Any]]], out: TextIO) -> int:
    """Write the Markdown manifest as the items come; returns how many were written."""
    out.write("\n".join([*_header(header), *_time(header)]) + "\n")
    count = 0
    for count, (item, doc) in enumerate(items, 1):
        out.write("\n".join(_item(count, item, doc)) + "\n")
    return count


def manifest_markdown(header: dict[str, Any], items: Iterable[tuple[Item, dict[str, Any]]]) -> str:
    import io

    buffer = io.StringIO()
    write_markdown(header, items, buffer)
    return buffer.getvalue()
