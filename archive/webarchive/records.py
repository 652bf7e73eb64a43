"""What reading a web archive yields: indexed WARC records, spooled content, and coded problems.

Problem codes are stable (tests, scripts and docs refer to them); a new situation gets a new code.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

# Every code the reader can report, with what it means.
CODES: dict[str, str] = {
    "WARC_MALFORMED": "a WARC record's framing is broken (no WARC/1.x line, bad headers or Content-Length, "
    "bad gzip data, junk between records): reading that WARC stops there",
    "WARC_TRUNCATED": "a WARC file ends inside a record (or inside a gzip member): reading it stops there",
    "WARC_GZIP_NOT_PER_RECORD": "a .warc.gz holds several records in one gzip member, so records cannot be "
    "addressed by offset (`warcio recompress` fixes the file): reading it stops there",
    "WARC_GZIP_LIMIT": "a gzip member of the WARC decompresses to more than 200 times its size (beyond 64 MiB): "
    "a compression bomb; reading that WARC stops there",
    "WARC_DIGEST_MISMATCH": "a record's bytes do not hash to its WARC-Block-Digest or WARC-Payload-Digest",
    "WARC_HTTP_MALFORMED": "a record's HTTP status line or headers cannot be read (the record is indexed without them)",
    "WARC_CONTENT_UNDECODABLE": "a payload's transfer- or content-coding is broken or not supported: its content "
    "(sha256, size, spooled file) is not known",
    "WARC_CONTENT_LIMIT": "a payload decodes to more bytes than the bound (a compression bomb): decoding stopped",
    "WARC_PROBLEMS_LIMIT": "a WARC has more problems than are reported one by one (the records still carry "
    "their digest results)",
    "WACZ_MALFORMED": "a WACZ member is unreadable or not what the format says (datapackage.json missing or not "
    "a JSON object, a bad pages line, a bad CRC, a member that decompresses beyond its bound)",
    "WACZ_RESOURCE_MISSING": "a resource listed in datapackage.json is not in the zip",
    "WACZ_RESOURCE_MISMATCH": "a member's bytes do not match the hash or size datapackage.json lists for it",
    "WACZ_RESOURCE_UNCHECKED": "a resource in datapackage.json has no hash, or one of an unknown algorithm",
    "WACZ_UNLISTED_MEMBER": "a zip member that datapackage.json does not list (not covered by its hashes)",
    "WACZ_PAGES_LIMIT": "a pages file has more pages (or longer lines) than are read; the rest are left out",
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
