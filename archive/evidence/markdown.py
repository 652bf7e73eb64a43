"""A manifest as Markdown: a report appendix an investigator can paste as is."""

from __future__ import annotations

from typing import Any

from archive.cli.render import claim_provenance, format_value

STYLE_TITLES = {"apa": "APA 7", "chicago": "Chicago 18", "mla": "MLA 9"}


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def manifest_markdown(doc: dict[str, Any]) -> str:
    lines = [
        "# Evidence manifest",
        "",
        f"Made {doc['created']} by {_cell(doc['created_by'])} with {doc['tool']['name']} {doc['tool']['version']}, "
        f"from the ledger of `{doc['origin']}` at size {doc['ledger']['size']} "
        f"(head entry `{doc['ledger']['head']}`, Merkle root `{doc['ledger']['root']}`).",
        "",
        f"Every item below is in that ledger: each ledger entry's bytes, hash and inclusion proof are in the "
        f"JSON manifest, checkable offline against the signed checkpoint below with the archive's verifier key "
        f"`{doc['verifier_key']}` (`archive verify-manifest MANIFEST.json --key KEY [--files DIR]`).",
        "",
        "```",
        doc["checkpoint"].rstrip("\n"),
        "```",
        "",
    ]
    for number, item in enumerate(doc["items"], 1):
        current = item["metadata"]["current"]
        lines += [f"## {number}. {_cell(current.get('title') or item['name'])}", ""]
        for style, title in STYLE_TITLES.items():
            lines.append(f"- **{title}:** {item['citations'][style]['markdown']}")
        archived = item["archived"]
        lines += [
            "",
            "| | |",
            "|---|---|",
            f"| SHA-256 | `{item['sha256']}` |",
            f"| Size | {item['size']} bytes |",
            f"| Media type | {item['media_type']}{'; charset=' + item['charset'] if item['charset'] else ''} |",
            f"| Archived | {archived['at']} by {_cell(archived['by'])} (ledger entry {archived['seq']}) |",
        ]
        for key, value in item["acquisition"].items():
            lines.append(f"| Acquisition: {key} | {_cell(value)} |")
        lines += ["", "| Field | Value | Provenance |", "|---|---|---|"]
        claims = item["metadata"]["claims"]
        if not claims:
            lines.append("| (none) | no metadata asserted or extracted | |")
        for claim in claims:
            lines.append(
                f"| {claim['field']} | {_cell(format_value(claim['value']))} | {_cell(claim_provenance(claim))} |"
            )
        if item["metadata"]["conflicts"]:
            lines += [
                "",
                f"Sources disagree on: {', '.join(item['metadata']['conflicts'])} (no value chosen).",
            ]
        lines += ["", "| Ledger entry | Entry hash | Proof length |", "|---|---|---|"]
        for e in item["entries"]:
            lines.append(f"| {e['seq']} | `{e['hash']}` | {len(e['inclusion_proof'])} hashes |")
        lines.append("")
    return "\n".join(lines)
