"""What reading a web archive yields: indexed WARC records, spooled content, and coded problems.

Problem codes are stable (tests, scripts and docs refer to them); a new situation gets a new code.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from archive.core.problems import CODES as PROBLEM_CODES

# The codes the reader reports; what each means is said once, in `archive.core.problems`.
CODES: dict[str, str] = {
    code: PROBLEM_CODES[code]
    for code in (
        "WARC_MALFORMED",
        "WARC_TRUNCATED",
        "WARC_GZIP_NOT_PER_RECORD",
        "WARC_GZIP_LIMIT",
        "WARC_DIGEST_MISMATCH",
        "WARC_HTTP_MALFORMED",
        "WARC_CONTENT_UNDECODABLE",
        "WARC_CONTENT_LIMIT",
        "WARC_PROBLEMS_LIMIT",
        "WACZ_MALFORMED",
        "WACZ_RESOURCE_MISSING",
        "WACZ_RESOURCE_MISMATCH",
        "WACZ_RESOURCE_UNCHECKED",
        "WACZ_UNLISTED_MEMBER",
        "WACZ_PAGES_LIMIT",
    )
}


@dataclass(frozen=True)
class Record:
    """One indexed WARC record (response, resource or revisit), as found in its WARC file."""

    part: str  # its address in the item: f"{file}@{offset}" ("@1234" in a bare WARC)
    file: str  # the WARC's member path inside a WACZ; "" for a bare WARC
    offset: int  # where the record starts in that WARC file (compressed offsets for .warc.gz)
    length: int  # its length there (as warcio's ArchiveIterator reports it)
    type: str  # "response" | "resource" | "revisit"
    uri: str  # WARC-Target-URI
    date: str  # WARC-Date as written
    record_id: str  # WARC-Record-ID
    status: int | None  # HTTP status code (records with HTTP headers)
    content_type: str | None  # payload media type, lower-case, without parameters
    charset: str | None  # the charset parameter of that Content-Type, lower-case
    location: str | None  # a redirect's Location header, resolved against uri
    refers_to: str | None  # a revisit's WARC-Refers-To-Target-URI
    payload_digest: str | None  # WARC-Payload-Digest exactly as written
    block_digest: str | None  # WARC-Block-Digest exactly as written
    digest: str  # "ok" | "mismatch" | "absent" | "unsupported"
    digest_detail: str | None  # for a mismatch: which digest, what was declared, what the bytes hash to
    sha256: str | None  # SHA-256 hex of the content (payload without transfer- and content-coding)
    size: int | None  # that content's byte count

    def to_json(self) -> dict[str, Any]:
        """Every member under its field name, those that are None left out."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[f.name] = value
        return out


@dataclass(frozen=True)
class Indexed:
    """A record and, when asked for, its content spooled to a file (the caller deletes it)."""

    record: Record
    content: Path | None


@dataclass(frozen=True)
class Problem:
    """Something wrong with a web archive: a stable code and one line naming the record or member."""

    code: str
    message: str
