"""Running the extractors at ingest: which extractor reads which media type, and the claims they make.

Extraction reads and never rewrites: it gets the stored bytes and returns claims, each with the
extractor's name and version, the rule that fired, the byte span or metadata key, and the quoted
evidence. What could not be extracted, and why, comes back as notes, so `show` can say so.

Plain text up to IN_PROCESS_TEXT_BYTES is read in-process (a pure function, linear in the text).
Longer text (up to MAX_TEXT_BYTES) and the HTML, PDF and image extractors run in a child process
with a time limit and a memory limit: a hostile file costs one note, never a hung or crashed ingest.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_TEXT_BYTES = 16 << 20  # plain-text extraction reads the whole text: bound it
IN_PROCESS_TEXT_BYTES = 1 << 20  # larger texts are read in a bounded child, like HTML and PDF
MAX_DOCUMENT_BYTES = 256 << 20  # larger HTML or PDF files are stored but not parsed
CHILD_SECONDS = 60
CHILD_MEMORY = 2 << 30
HTML_TYPES = ("text/html", "application/xhtml+xml")
IMAGE_TYPES = ("image/jpeg", "image/png", "image/tiff", "image/webp")


@dataclass
class Extraction:
    claims: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)


def _claim(fact: dict[str, Any], name: str, version: str) -> dict[str, Any]:
    claim: dict[str, Any] = {
        "field": fact["field"],
        "value": fact["value"],
        "source": "extracted",
        "extractor": {"name": name, "version": version},
        "rule": fact["rule"],
        "evidence": fact["evidence"],
    }
    if fact.get("start") is not None and fact.get("end") is not None:
        claim["span"] = [fact["start"], fact["end"]]
    if fact.get("key") is not None:
        claim["key"] = fact["key"]
    return claim


def _answer(result: dict[str, Any]) -> Extraction:
    """An extractor's Result (as JSON-shaped data, whichever process made it) as claims and notes."""
    return Extraction(
        claims=[_claim(f, result["name"], result["version"]) for f in result["facts"]],
        notes=[{"note": n["note"], "reason": n["reason"]} for n in result["notes"]],
    )


def _plaintext(data: bytes) -> Extraction:
    import dataclasses

    from archive.extract.worker import plaintext_result

    return _answer(dataclasses.asdict(plaintext_result(data)))


def _limit_child() -> None:  # runs in the child between fork and exec
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))


def _in_child(kind: str, path: Path, url: str | None) -> Extraction:
    """Run extractor `kind` in a bounded child process; failures become notes."""
    command = [sys.executable, "-m", "archive.extract.worker", kind, str(path)] + ([url] if url else [])
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            timeout=CHILD_SECONDS,
            preexec_fn=_limit_child,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Extraction(notes=[{"note": "not extracted", "reason": f"{kind} extractor ran over {CHILD_SECONDS} s"}])
    if done.returncode != 0:
        last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"])[-1][:300]
        return Extraction(notes=[{"note": "not extracted", "reason": f"{kind} extractor failed: {last}"}])
    try:
        return _answer(json.loads(done.stdout))
    except (ValueError, KeyError, TypeError) as exc:
        return Extraction(
            notes=[{"note": "not extracted", "reason": f"{kind} extractor gave no readable answer: {exc}"}]
        )


def extract(path: Path, media_type: str, size: int, url: str | None = None) -> Extraction:
    """Claims from the bytes at `path` (an object as stored), for the media types we can read."""
    if media_type == "text/plain":
        if size > MAX_TEXT_BYTES:
            return Extraction(notes=[{"note": "not extracted", "reason": f"text larger than {MAX_TEXT_BYTES} bytes"}])
        if size > IN_PROCESS_TEXT_BYTES:
            # Linear, but at tens of microseconds a line: a long text gets the child's time limit.
            return _in_child("plaintext", path, None)
        try:
            return _plaintext(path.read_bytes())
        except (ValueError, RecursionError) as exc:
            return Extraction(notes=[{"note": "not extracted", "reason": f"plaintext extractor failed: {exc}"}])
    kind = "html" if media_type in HTML_TYPES else "pdf" if media_type == "application/pdf" else None
    if kind is None and media_type in IMAGE_TYPES:
        kind = "image"
    if kind is None:
        return Extraction(notes=[{"note": "no extractor", "reason": f"no extractor reads {media_type}"}])
    if kind != "image" and size > MAX_DOCUMENT_BYTES:
        return Extraction(notes=[{"note": "not extracted", "reason": f"{kind} larger than {MAX_DOCUMENT_BYTES} bytes"}])
    return _in_child(kind, path, url)
