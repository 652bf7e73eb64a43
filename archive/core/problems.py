"""Verification problems and warnings: stable codes (never reworded), and the report that collects them.

A problem means the archive is not what it says (verification fails, exit 1). A warning means a
protection is missing while everything checked is still as it should be (hardening lost, a vault
that cannot be written): reported beside the problems, it never changes the outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

# Every code verification can report, with what it means. Codes are stable: tests, scripts and
# docs/format.md refer to them; a new situation gets a new code, an old code keeps its meaning.
CODES: dict[str, str] = {
    "VAULT_FORMAT": "the vault's format marker is missing, unreadable or of an unknown version",
    "DATABASE_UNREADABLE": "the ledger database cannot be opened or read",
    "ENTRY_HASH_MISMATCH": "an entry's stored hash is not SHA-256(0x00 || its bytes)",
    "ENTRY_MALFORMED": "an entry's bytes are not a JSON object with the required fields",
    "ENTRY_NOT_CANONICAL": "an entry's bytes are JSON but not in RFC 8785 canonical form",
    "ENTRY_SEQ_MISMATCH": "the sequence number inside an entry differs from its position",
    "SEQ_GAP": "sequence numbers are not contiguous from zero",
    "CHAIN_BROKEN": "an entry's prev is not the hash of the entry before it",
    "TIME_REGRESSION": "an entry's time is earlier than the time of the entry before it",
    "ENTRY_COLUMN_MISMATCH": "a ledger row's prev or kind column differs from what its entry's bytes say",
    "ENTRY_FROM_FUTURE": "an entry's time is later than the verifier's clock plus the tolerance (5 minutes)",
    "COLUMN_TYPE_MISMATCH": "a database column holds a value of another type than its own (text or NULL where "
    "bytes belong, a number where text does); such rows are left out of every other check",
    "ENTRY_INVALID": "an entry breaks a ledger rule (unknown item, duplicate ingest, bad body)",
    "OBJECT_MISSING": "an object the ledger refers to is not in the vault",
    "OBJECT_SIZE_MISMATCH": "an object's size differs from the size the ledger recorded",
    "OBJECT_HASH_MISMATCH": "an object's bytes do not hash to its address",
    "OBJECT_UNREADABLE": "an object exists but cannot be read",
    "OBJECT_UNKNOWN": "a file in the object store that the ledger does not know",
    "OBJECT_LOCK_MISSING": "an object's current version in the bucket has no COMPLIANCE retention lock",
    "OBJECT_LOCK_SHORT": "an object's COMPLIANCE lock ends earlier than the retention the vault declares",
    "INDEX_MISSING": "an item in the ledger has no row in the index",
    "INDEX_EXTRA": "an index row names an item the ledger does not have",
    "INDEX_MISMATCH": "an index row disagrees with what the ledger says about the item",
    "KEY_INVALID": "a key entry does not properly announce a key (bad note, not signed by the old key)",
    "NODE_MISMATCH": "a stored Merkle node is missing, extra, or differs from the tree over the entries",
    "CHECKPOINT_INVALID": "a stored checkpoint is malformed, names another origin, or its signature does not "
    "verify with the key the ledger had at its size",
    "CHECKPOINT_ROOT_MISMATCH": "a stored checkpoint's root is not the Merkle root of the ledger at its size",
    "CHECKPOINT_AHEAD": "a stored checkpoint covers more entries than the ledger has (entries were removed)",
    "CHECKPOINT_INCONSISTENT": "a stored checkpoint is not consistent with the next one",
    "CHECKPOINT_MISSING": "the ledger's current size has no signed checkpoint",
    "CHECKPOINT_GAP": "a stored checkpoint names a previous checkpoint that is not stored (one was deleted)",
    "KEY_FILE_MISMATCH": "the vault's signing key file is not the key the ledger announced last",
    "KEY_FILE_UNREADABLE": "the vault's signing key file cannot be read or is not an Ed25519 OpenSSH private key",
    "PINNED_CHECKPOINT_UNVERIFIED": "a checkpoint given to check against is malformed, for another "
    "origin, or not signed by a trusted key",
    "LEDGER_ROLLED_BACK": "the ledger has fewer entries than a checkpoint given to check against",
    "LEDGER_FORKED": "the ledger's Merkle root at a given checkpoint's size differs from "
    "that checkpoint's root (history was rewritten)",
    "MANIFEST_MALFORMED": "a manifest or proof file is not valid against its schema or beyond the check's bounds",
    "MANIFEST_KEY_UNTRUSTED": "the manifest's key is only embedded in it: pass --key or pin it (key trust)",
    "MANIFEST_KEYS_INVALID": "the manifest's key entries do not announce its keys properly (a broken rotation)",
    "MANIFEST_CHECKPOINT_INVALID": "the manifest's checkpoint is malformed, for another origin, or its "
    "signature does not verify with the trusted key",
    "MANIFEST_ENTRY_HASH": "an entry's bytes in the manifest do not hash to its entry hash",
    "MANIFEST_PROOF_INVALID": "an entry's inclusion proof does not lead to the checkpoint's root",
    "MANIFEST_ITEM_MISMATCH": "an item's facts or metadata in the manifest differ from what its entries say",
    "MANIFEST_FILE_MISSING": "with --files, no file in the directory has the item's SHA-256",
    "MANIFEST_FILE_MISMATCH": "with --files, the file of the item's name does not hash to its SHA-256",
    "MANIFEST_SIGNATURE_MISSING": "the manifest has no signature over its whole content (made before version 2, "
    "or stripped): its citation texts, Markdown and header are unproven",
    "MANIFEST_SIGNATURE_INVALID": "the manifest's signature is malformed, not by the key that signed its "
    "checkpoint, or over other content than the manifest holds",
    "MANIFEST_ITEM_DUPLICATE": "an item is listed twice in the manifest",
    # RFC 3161 time-stamp tokens over checkpoints (docs/format.md §19)
    "TIMESTAMP_MALFORMED": "a stored time-stamp token is not an RFC 3161 token that can be read",
    "TIMESTAMP_IMPRINT_MISMATCH": "a stored token is not over the SHA-256 of the stored checkpoint note of its "
    "size (or no checkpoint of that size is stored)",
    "TIMESTAMP_SIGNATURE_INVALID": "a stored token's signature does not verify (the token was altered)",
    "TIMESTAMP_UNTRUSTED": "a stored token's signing certificate does not chain, at its genTime, to the roots "
    "configured for its TSA (or given with --tsa-roots)",
    "TIMESTAMP_EKU": "a stored token's signing certificate lacks the critical extended key usage timeStamping",
    "TIMESTAMP_BEFORE_ENTRIES": "a stored token's genTime is earlier than the newest entry its checkpoint covers",
    "TIMESTAMP_CONFIG_UNREADABLE": "the vault's TSA configuration (tsa.json) cannot be read: tokens are checked "
    "without its roots",
    "MANIFEST_TIMESTAMP_INVALID": "a token in the manifest is unreadable, not over its checkpoint, badly signed, "
    "not by a time-stamping certificate, or dated before the entries it covers",
    "MANIFEST_TIMESTAMP_UNTRUSTED": "with --tsa-roots, a token in the manifest does not chain to those roots",
    "MANIFEST_TIMESTAMP_MISSING": "with --tsa-roots, no token in the manifest proves its checkpoint under those roots",
    "MANIFEST_TIME_MISMATCH": "the manifest's time section says other than its tokens do",
    # Witnesses (issue 11)
    "COSIGNATURE_INVALID": "a kept cosignature is malformed or not a valid cosignature/v1 of the checkpoint "
    "of its size by the configured key of its witness",
    "WITNESS_SPLIT_VIEW": "a witness holds a checkpoint of this origin that this ledger does not extend "
    "(it was shown another history, or the ledger was rolled back)",
    "MANIFEST_COSIGNATURE_INVALID": "a cosignature in the manifest is malformed, says another witness, time or "
    "size than its entry, or does not verify over the manifest's checkpoint with the given witness key",
    "MANIFEST_WITNESS_MISSING": "fewer of the witnesses required (--witness, --min-witnesses) cosigned the "
    "manifest's checkpoint than required",
    # Web archives (docs/format.md §21): the record index, damage found inside a WARC or WACZ, its signature
    "RECORD_INDEX_MISMATCH": "a web archive's stored record rows, or the records read again from its bytes, are not "
    "the record index its ingest entry committed to",
    "MANIFEST_PAGE_INVALID": "a page cited in the manifest is not a record of its item, or its record row is malformed",
    "MANIFEST_RECORD_PROOF_INVALID": "a cited page's record row is not proven in its item's record index",
    "WARC_MALFORMED": "a WARC record's framing is broken (no WARC/1.x line, bad headers or Content-Length, bad gzip "
    "data, junk between records): reading that WARC stops there",
    "WARC_TRUNCATED": "a WARC file ends inside a record (or inside a gzip member): reading it stops there",
    "WARC_GZIP_NOT_PER_RECORD": "a .warc.gz holds several records in one gzip member, so records cannot be addressed "
    "by offset (`warcio recompress` fixes the file): reading it stops there",
    "WARC_GZIP_LIMIT": "a gzip member of the WARC decompresses to more than 200 times its size (beyond 64 MiB): a "
    "compression bomb; reading that WARC stops there",
    "WARC_DIGEST_MISMATCH": "a record's bytes do not hash to its WARC-Block-Digest or WARC-Payload-Digest",
    "WARC_HTTP_MALFORMED": "a record's HTTP status line or headers cannot be read (the record is indexed without them)",
    "WARC_CONTENT_UNDECODABLE": "a payload's transfer- or content-coding is broken or not supported: its content "
    "(sha256, size, spooled file) is not known",
    "WARC_CONTENT_LIMIT": "a payload decodes to more bytes than the bound (a compression bomb): decoding stopped",
    "WARC_PROBLEMS_LIMIT": "a WARC has more problems than are reported one by one (the records still carry their "
    "digest results)",
    "WACZ_MALFORMED": "a WACZ member is unreadable or not what the format says (datapackage.json missing or not a JSON "
    "object, a bad pages line, a bad CRC, a member that decompresses beyond its bound)",
    "WACZ_RESOURCE_MISSING": "a resource listed in datapackage.json is not in the zip",
    "WACZ_RESOURCE_MISMATCH": "a member's bytes do not match the hash or size datapackage.json lists for it",
    "WACZ_RESOURCE_UNCHECKED": "a resource in datapackage.json has no hash, or one of an unknown algorithm",
    "WACZ_UNLISTED_MEMBER": "a zip member that datapackage.json does not list (not covered by its hashes)",
    "WACZ_PAGES_LIMIT": "a pages file has more pages (or longer lines) than are read; the rest are left out",
    "WACZ_DIGEST_MALFORMED": 'datapackage-digest.json is not a JSON object with path "datapackage.json" and a hash '
    '"sha256:<64 hex digits>", or is larger than the bound',
    "WACZ_DIGEST_MISMATCH": "the hash in datapackage-digest.json is not the SHA-256 of the WACZ's datapackage.json (or "
    "it has none), or the hash the signature covers is not that hash",
    "WACZ_SIGNATURE_MALFORMED": "signedData is not one of the recommendation's two forms: a member missing, unknown or "
    "of the wrong type, bad base64, a key or certificate that cannot be read, a date that is not ISO 8601 with a zone",
    "WACZ_SIGNATURE_INVALID": "the signature does not verify over signedData.hash with the public key (anonymous) or "
    "with the key of domainCert's first certificate",
    "WACZ_CERT_INVALID": "domainCert (or crossSignedCert) does not hold together: a certificate not issued and signed "
    "by the next one, an issuer that is no CA, a leaf without an ECDSA key for signing, a certificate not valid at "
    "`created`, or a crossSignedCert with another key",
    "WACZ_CERT_DOMAIN_MISMATCH": "domainCert's first certificate is not for signedData.domain",
    "WACZ_TIMESTAMP_INVALID": "timeSignature is not a granted RFC 3161 time stamp over signedData.signature, signed by "
    "timestampCert's first certificate for time-stamping, with a chain that holds together",
    "WACZ_TIME_MISMATCH": "`created` is more than 10 minutes from the time stamp's time, or later than the checking "
    "clock (plus 5 minutes)",
}

# Warnings: hardening lost or a vault that cannot be written; stable like the problem codes.
WARNINGS: dict[str, str] = {
    "KEY_FILE_MISSING": "the vault has no signing key file: it verifies, but cannot be written",
    "KEY_FILE_MODE": "the signing key file is readable or writable by group or others (it should be 0600)",
    "KEY_ROTATION_UNFINISHED": "a key rotation committed but its key files were not swapped; the next write does it",
    "OBJECT_WRITABLE": "an object file has a write bit (objects are stored read-only, 0444)",
    "DIRECTORY_WRITABLE": "a vault directory (the vault, objects/, keys/) is writable by group or others",
    "OBJECT_UNCOMMITTED": "an object in the bucket that no entry names: uploaded by a writer whose entry never "
    "committed (it cannot be removed while locked; ingesting the same bytes again names it)",
    "GUARD_MISSING": "a trigger that makes the database refuse UPDATE or DELETE of history is missing or altered",
    "TIMESTAMP_UNCHECKED": "a stored token's TSA is not configured and no --tsa-roots were given: its signature "
    "and certificate chain were not checked (its imprint and time were)",
}


class Problem(NamedTuple):
    """One thing found wrong, with the entry, item or path it concerns."""

    code: str
    message: str
    seq: int | None = None
    item: str | None = None
    path: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self._asdict().items() if v is not None}


class Report:
    """Everything a verification found; true when nothing is wrong."""

    __slots__ = ("against", "counts", "problems", "timestamps", "warnings")

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []  # never make the report false
        self.counts: dict[str, int] = {}
        self.against: list[dict[str, Any]] = []  # checkpoints checked against, as proven
        self.timestamps: list[dict[str, Any]] = []  # time-stamp tokens checked, and what each proves

    def __bool__(self) -> bool:
        return not self.problems

    def __repr__(self) -> str:
        return f"Report({self.codes()})"

    def add(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            if problem.code not in CODES:
                raise ValueError(f"unregistered problem code {problem.code}")
            self.problems.append(problem)

    def warn(self, warnings: Iterable[Problem]) -> None:
        for warning in warnings:
            if warning.code not in WARNINGS:
                raise ValueError(f"unregistered warning code {warning.code}")
            self.warnings.append(warning)

    def warning_codes(self) -> list[str]:
        return [w.code for w in self.warnings]

    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": not self.problems,
            "counts": dict(self.counts),
            "problems": [p.to_json() for p in self.problems],
            "warnings": [w.to_json() for w in self.warnings],
            "against": list(self.against),
            "timestamps": list(self.timestamps),
        }


def iter_codes(problems: Iterable[Problem]) -> Iterator[str]:
    return (p.code for p in problems)
