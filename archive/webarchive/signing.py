"""Signed WACZ verification, after Webrecorder's "WACZ Signing and Verification" 0.1.0.

A WACZ's `datapackage-digest.json` holds the SHA-256 of `datapackage.json` (which lists the hash of
every other file) and may hold a `signedData` object: an ECDSA signature over that hash string,
either anonymous (`publicKey`) or by a domain identity (`domainCert`, a certificate chain for
`domain`, plus `timeSignature`, an RFC 3161 time stamp over the signature by `timestampCert`).
Pure: bytes in, a report out; every malformed input is a problem with a code, never an exception.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.utils import CryptographyDeprecationWarning

from archive.core.problems import CODES as PROBLEM_CODES
from archive.core.strict import RuleError, members
from archive.errors import ArchiveError
from archive.evidence import tokens

UNSIGNED, VALID, INVALID = "unsigned", "valid", "invalid"
DOMAIN, ANONYMOUS = "domain", "anonymous"

# The codes the signature check reports; what each means is said once, in `archive.core.problems`.
CODES: dict[str, str] = {
    code: PROBLEM_CODES[code]
    for code in (
        "WACZ_DIGEST_MALFORMED",
        "WACZ_DIGEST_MISMATCH",
        "WACZ_SIGNATURE_MALFORMED",
        "WACZ_SIGNATURE_INVALID",
        "WACZ_CERT_INVALID",
        "WACZ_CERT_DOMAIN_MISMATCH",
        "WACZ_TIMESTAMP_INVALID",
        "WACZ_TIME_MISMATCH",
    )
}

MAX_DIGEST_FILE = 1 << 20  # a digest file with three certificate chains is about 10 KiB
MAX_DEPTH = 8  # the format nests two objects deep
MAX_TEXT = 1024  # created, software, version, domain, a base64 key or signature
MAX_PEM = 64 << 10  # one certificate chain
MAX_CHAIN = 8  # certificates in one chain
TIME_WINDOW = timedelta(minutes=10)  # the recommendation: `created` within 10 minutes of the time stamp
CLOCK_TOLERANCE = timedelta(minutes=5)  # a `created` ahead of the checking clock by more is from the future

_HASH = re.compile(r"sha256:([0-9a-f]{64})")
_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)", re.ASCII)
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.ASCII | re.IGNORECASE)
_ANONYMOUS = ("hash", "signature", "publicKey"), ("created", "software", "version")
_DOMAIN = (
    ("hash", "signature", "domain", "domainCert", "timeSignature", "timestampCert", "created"),
    ("software", "version", "crossSignedCert"),
)


@dataclass(frozen=True)
class SignatureCheck:
    """What checking a WACZ's digest and signature found; true when there is no problem."""

    status: str  # "unsigned" | "valid" | "invalid"
    signer: str | None  # the domain, or "key " + SHA-256 of the public key's DER (anonymous)
    domain: str | None
    created: str | None  # signedData.created as written
    software: str | None  # signedData.software
    identity: str | None  # "domain" | "anonymous"
    problems: tuple[tuple[str, str], ...]  # (code, one-line explanation)
    detail: str  # one line: what was checked and what it proves

    def __bool__(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class _Signed:
    """signedData, read: every member checked for type and form, keys and certificates parsed."""

    identity: str
    hash: str  # "sha256:<hex>", exactly as signed
    signature: str  # base64 text, exactly as time-stamped
    signature_bytes: bytes
    created: str | None
    when: datetime | None
    software: str | None
    key: ec.EllipticCurvePublicKey | None = None  # anonymous
    key_der: bytes = b""
    domain: str | None = None
    domain_cert: tuple[x509.Certificate, ...] = ()
    cross_cert: tuple[x509.Certificate, ...] = ()
    time_signature: bytes = b""
    timestamp_cert: tuple[x509.Certificate, ...] = ()


def check(
    datapackage_digest: bytes | None, datapackage: bytes | None, *, now: datetime | None = None
) -> SignatureCheck:
    """Check `datapackage-digest.json` against `datapackage.json` (each a WACZ member's bytes, None when
    the WACZ lacks it): the hash, then the signature if there is one, as the recommendation says.
    `now` is the checking clock (a `created` later than it is a problem); None skips that check."""
    if datapackage_digest is None:
        return SignatureCheck(UNSIGNED, None, None, None, None, None, (), "no datapackage-digest.json: not signed")
    problems: list[tuple[str, str]] = []
    try:
        doc = _json(datapackage_digest)
    except RuleError as exc:
        problem = ("WACZ_DIGEST_MALFORMED", f"datapackage-digest.json {exc}")
        return SignatureCheck(INVALID, None, None, None, None, None, (problem,), f"not checked: {problem[1]}")

    outer = _outer_hash(doc, problems)
    actual = None if datapackage is None else "sha256:" + hashlib.sha256(datapackage).hexdigest()
    if actual is None:
        problems.append(("WACZ_DIGEST_MISMATCH", "the WACZ has no datapackage.json for the digest to cover"))
    elif outer is not None and outer != actual:
        problems.append(("WACZ_DIGEST_MISMATCH", f"datapackage.json hashes to {actual}, the digest says {outer}"))

    if "signedData" not in doc:
        detail = "not signed; " + (
            "datapackage.json matches datapackage-digest.json's hash (intact since the digest was written, by anyone)"
            if not problems
            else _first(problems)
        )
        return SignatureCheck(UNSIGNED, None, None, None, None, None, tuple(problems), detail)

    try:
        signed = _signed(doc["signedData"])
    except RuleError as exc:
        problems.append(("WACZ_SIGNATURE_MALFORMED", f"signedData {exc}"))
        return _report(None, problems, "")

    covered = outer if outer is not None else actual
    if covered is not None and signed.hash != covered:
        problems.append(("WACZ_DIGEST_MISMATCH", f"the signature covers {signed.hash}, not {covered}"))
    if now is not None and signed.when is not None and signed.when > now + CLOCK_TOLERANCE:
        problems.append(("WACZ_TIME_MISMATCH", f"created {signed.created} is later than the checking clock"))
    proof = _check_anonymous(signed, problems) if signed.identity == ANONYMOUS else _check_domain(signed, problems)
    return _report(signed, problems, proof)


# ---- reading ---------------------------------------------------------------------------------------


def _json(data: bytes) -> dict[str, Any]:
    if len(data) > MAX_DIGEST_FILE:
        raise RuleError(f"is larger than {MAX_DIGEST_FILE} bytes")
    try:
        text = data.decode("utf-8")
        doc = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise RuleError("is not UTF-8") from None
    except RecursionError:
        raise RuleError("nests too deep") from None
    except ValueError as exc:
        raise RuleError(f"is not JSON ({str(exc).split(':', 1)[0][:80]})") from None
    if not isinstance(doc, dict):
        raise RuleError("is not a JSON object")
    if _depth(doc) > MAX_DEPTH:
        raise RuleError(f"nests deeper than {MAX_DEPTH} levels")
    return doc


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        # Two readers could each see another value: one of them would check what the other did not.
        raise ValueError("a member appears twice: ")
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON: ")


def _depth(value: Any) -> int:
    # Without recursion: the parser accepts nesting nearly as deep as Python's own recursion limit.
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            todo.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _outer_hash(doc: dict[str, Any], problems: list[tuple[str, str]]) -> str | None:
    """The digest file's `hash` when it has the form the recommendation gives (a problem if not)."""
    try:
        # The recommendation closes signedData to other members, not the digest file around it.
        missing = [name for name in ("path", "hash") if name not in doc]
        if missing:
            raise RuleError(f"datapackage-digest.json lacks {', '.join(missing)}")
        if doc["path"] != "datapackage.json":
            raise RuleError(f"datapackage-digest.json's path is {str(doc['path'])[:80]!r}, not datapackage.json")
        return _hash(doc["hash"], "datapackage-digest.json's hash")
    except RuleError as exc:
        problems.append(("WACZ_DIGEST_MALFORMED", str(exc)))
        return None


def _hash(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _HASH.fullmatch(value):
        raise RuleError(f'{what} is not "sha256:" and 64 lowercase hex digits')
    return value


def _signed(value: Any) -> _Signed:
    if not isinstance(value, dict):
        raise RuleError("is not an object")
    if "publicKey" in value:
        members(value, "signedData (anonymous)", *_ANONYMOUS)
        identity = ANONYMOUS
    elif "domain" in value:
        members(value, "signedData (domain identity)", *_DOMAIN)
        identity = DOMAIN
    else:
        raise RuleError("has neither publicKey (anonymous) nor domain (domain identity)")
    signature = _text(value["signature"], "signature")
    # The time checks of a domain identity need `created`; an anonymous signer may leave it out.
    created = _text(value["created"], "created") if identity == DOMAIN else _optional(value, "created")
    software = _optional(value, "software")
    _optional(value, "version")
    common: dict[str, Any] = {
        "identity": identity,
        "hash": _hash(value["hash"], "hash"),
        "signature": signature,
        "signature_bytes": _base64(signature, "signature"),
        "created": created,
        "when": None if created is None else _date(created),
        "software": software,
    }
    if identity == ANONYMOUS:
        der = _base64(_text(value["publicKey"], "publicKey"), "publicKey")
        try:
            key = serialization.load_der_public_key(der)
        except (ValueError, UnsupportedAlgorithm):
            raise RuleError("publicKey is not a DER SubjectPublicKeyInfo") from None
        if not isinstance(key, ec.EllipticCurvePublicKey):
            raise RuleError("publicKey is not an ECDSA key")
        return _Signed(**common, key=key, key_der=der)
    cross = _optional(value, "crossSignedCert", MAX_PEM)
    time_signature = _base64(_text(value["timeSignature"], "timeSignature", tokens.MAX_TOKEN * 2), "timeSignature")
    return _Signed(
        **common,
        domain=_hostname(value["domain"]),
        domain_cert=_chain(value["domainCert"], "domainCert"),
        cross_cert=() if cross is None else _chain(cross, "crossSignedCert"),
        time_signature=time_signature,
        timestamp_cert=_chain(value["timestampCert"], "timestampCert"),
    )


def _text(value: Any, what: str, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise RuleError(f"{what} is not a string")
    if len(value) > limit:
        raise RuleError(f"{what} is longer than {limit} characters")
    return value


def _optional(value: Mapping[str, Any], name: str, limit: int = MAX_TEXT) -> str | None:
    # authsign leaves out members it has no value for; a null is read the same way.
    return None if value.get(name) is None else _text(value[name], name, limit)


def _base64(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise RuleError(f"{what} is not base64") from None
    if not raw:
        raise RuleError(f"{what} is empty")
    return raw


def _date(text: str) -> datetime:
    match = _DATE.fullmatch(text)
    if match is None:
        raise RuleError(f"created {text[:40]!r} is not an ISO 8601 date and time with a zone")
    fraction = match.group(1) or ""
    # Python reads at most six fractional digits; a seventh to ninth is below any clock's resolution here.
    plain = text[: match.start(1) - 1] if fraction else text[: match.start(2)]
    cut = f".{fraction[:6]}" if fraction else ""
    zone = "+00:00" if match.group(2) == "Z" else match.group(2)
    try:
        return datetime.fromisoformat(plain + cut + zone).astimezone(UTC)
    except ValueError:
        raise RuleError(f"created {text[:40]!r} is not a real date and time") from None


def _hostname(value: Any) -> str:
    name = _text(value, "domain", 253)
    labels = name.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise RuleError(f"domain {name[:80]!r} is not a DNS host name")
    return name


def _chain(value: Any, what: str) -> tuple[x509.Certificate, ...]:
    text = _text(value, what, MAX_PEM)
    if text.count("-----BEGIN") > MAX_CHAIN:
        raise RuleError(f"{what} holds more than {MAX_CHAIN} certificates")
    try:
        # Old certificates break RFC 5280 in ways cryptography warns of (a negative serial); they
        # are the signer's to answer for, and the chain checks below still apply.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            certs = x509.load_pem_x509_certificates(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise RuleError(f"{what} is not a PEM certificate chain") from None
    return tuple(certs)


# ---- checking ---------------------------------------------------------------------------------------


def _verify(key: ec.EllipticCurvePublicKey, signature: bytes, message: bytes) -> bool:
    """ECDSA with SHA-256 over `message`. authsign writes the signature in DER; ArchiveWeb.page writes
    WebCrypto's raw r || s (IEEE P1363), twice the curve's size. Either reading that verifies is a
    signature by the key: a rare DER signature of that very length is tried both ways."""
    size = (key.curve.key_size + 7) // 8
    readings = [signature]
    if len(signature) == 2 * size:
        readings.append(utils.encode_dss_signature(int.from_bytes(signature[:size]), int.from_bytes(signature[size:])))
    for der in readings:
        try:
            key.verify(der, message, ec.ECDSA(hashes.SHA256()))
        except (InvalidSignature, ValueError):
            continue
        return True
    return False


def _fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def _check_anonymous(signed: _Signed, problems: list[tuple[str, str]]) -> str:
    assert signed.key is not None
    if not _verify(signed.key, signed.signature_bytes, signed.hash.encode("ascii")):
        problems.append(("WACZ_SIGNATURE_INVALID", "the signature does not verify with publicKey"))
    return (
        f"signed by ECDSA key {_fingerprint(signed.key_der)[:16]}…: proves the package is intact and signed with "
        "that key, not whose key it is (anonymous: the key must be known from elsewhere) nor when "
        "(created is the signer's word)"
    )


def _links(certs: tuple[x509.Certificate, ...], what: str, at: datetime | None) -> str | None:
    """Why `certs` is no chain (each issued and signed by the next, issuers CAs, all valid at `at`), or None."""
    for n, cert in enumerate(certs):
        if at is not None and not cert.not_valid_before_utc <= at <= cert.not_valid_after_utc:
            return f"{what} certificate {n + 1} ({_subject(cert)}) is not valid at created {at.isoformat()}"
        if n + 1 == len(certs):
            break
        issuer = certs[n + 1]
        try:
            ca = issuer.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        except (x509.ExtensionNotFound, ValueError):
            ca = False
        if not ca:
            return f"{what} certificate {n + 2} ({_subject(issuer)}) issues certificate {n + 1} but is no CA"
        try:
            cert.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
            return f"{what} certificate {n + 1} ({_subject(cert)}) is not issued and signed by certificate {n + 2}"
    return None


def _subject(cert: x509.Certificate, limit: int | None = 120) -> str:
    try:
        return cert.subject.rfc4514_string()[:limit]
    except ValueError:
        return "a subject that cannot be read"


def _for_domain(cert: x509.Certificate, domain: str) -> bool:
    """RFC 6125: the DNS names of the subjectAltName; the common name only when there are none."""
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
            x509.DNSName
        )
    except x509.ExtensionNotFound:
        names = [str(a.value) for a in cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)]
    except ValueError:
        return False
    domain = domain.lower()
    for name in names:
        name = name.lower().rstrip(".")
        if name == domain:
            return True
        # A wildcard stands for exactly one left-most label.
        if name.startswith("*.") and "." in domain and domain.split(".", 1)[1] == name[2:]:
            return True
    return False


def _public_key(cert: x509.Certificate) -> Any:
    """The certificate's key, or None when cryptography cannot read it (an unknown algorithm)."""
    try:
        return cert.public_key()
    except (ValueError, UnsupportedAlgorithm):
        return None


def _signs(cert: x509.Certificate) -> str | None:
    key = _public_key(cert)
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return "domainCert's first certificate does not hold an ECDSA key"
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None
    except ValueError:
        return "domainCert's first certificate has a key usage that cannot be read"
    return None if usage.digital_signature else "domainCert's first certificate is not for digital signatures"


def _check_domain(signed: _Signed, problems: list[tuple[str, str]]) -> str:
    leaf = signed.domain_cert[0]
    assert signed.domain is not None and signed.when is not None
    not_signing = _signs(leaf)
    if not_signing is not None:
        problems.append(("WACZ_CERT_INVALID", not_signing))
    else:
        key = _public_key(leaf)
        assert isinstance(key, ec.EllipticCurvePublicKey)
        if not _verify(key, signed.signature_bytes, signed.hash.encode("ascii")):
            problems.append(("WACZ_SIGNATURE_INVALID", "the signature does not verify with domainCert's key"))
    broken = _links(signed.domain_cert, "domainCert", signed.when)
    if broken is not None:
        problems.append(("WACZ_CERT_INVALID", broken))
    if not _for_domain(leaf, signed.domain):
        problems.append(("WACZ_CERT_DOMAIN_MISMATCH", f"domainCert ({_subject(leaf)}) is not for {signed.domain}"))
    if signed.cross_cert:
        broken = _links(signed.cross_cert, "crossSignedCert", signed.when)
        if broken is None and (_key_der(signed.cross_cert[0]) or b"?") != _key_der(leaf):
            broken = "crossSignedCert's first certificate has another key than domainCert's"
        if broken is not None:
            problems.append(("WACZ_CERT_INVALID", broken))
    stamped = _check_time(signed, problems)
    return (
        f"signed with the key of a certificate for {signed.domain} (chain of {len(signed.domain_cert)} checked at "
        f"created {signed.created}){stamped}: proves the package is intact and was signed with that certificate's "
        "key, not that its CA or the time-stamp authority is trusted (no trust roots were checked)"
    )


def _key_der(cert: x509.Certificate) -> bytes | None:
    key = _public_key(cert)
    if key is None:
        return None
    der: bytes = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return der


def _check_time(signed: _Signed, problems: list[tuple[str, str]]) -> str:
    """The time stamp over the signature; its part of the detail line."""
    tsa = signed.timestamp_cert
    token = _token_of(signed.time_signature)
    if token is None:
        problems.append(("WACZ_TIMESTAMP_INVALID", "timeSignature is not a granted RFC 3161 time-stamp reply"))
        return ""
    broken = _links(tsa, "timestampCert", None)
    if broken is not None:
        problems.append(("WACZ_TIMESTAMP_INVALID", broken))
        return ""
    # The chain's own top, standing in for a trust root: proves the token is signed within timestampCert.
    roots = [c for c in tsa if c.subject == c.issuer] or [tsa[-1]]
    try:
        found = tokens.check_token(_with_certificates(token, list(tsa)), signed.signature, roots)
    except (ValueError, TypeError, UnsupportedAlgorithm, ArchiveError):
        # The roots come from the file itself here: a certificate the verifier cannot use is the file's fault.
        problems.append(("WACZ_TIMESTAMP_INVALID", "timeSignature cannot be checked with timestampCert"))
        return ""
    if not found:
        problems.append(("WACZ_TIMESTAMP_INVALID", f"timeSignature: {found.detail}"))
        return ""
    if found.authority is None or found.authority != _subject(tsa[0], limit=None):
        problems.append(("WACZ_TIMESTAMP_INVALID", "timeSignature is not signed by timestampCert's first certificate"))
        return ""
    assert found.gen_time is not None and signed.when is not None
    stamped = datetime.fromisoformat(found.gen_time.replace("Z", "+00:00"))
    if abs(signed.when - stamped) > TIME_WINDOW:
        problems.append(
            (
                "WACZ_TIME_MISMATCH",
                f"created {signed.created} is not within 10 minutes of the time stamp ({found.gen_time})",
            )
        )
    return f", time-stamped at {found.gen_time} by {_subject(tsa[0])}"


def _token_of(reply: bytes) -> bytes | None:
    """The TimeStampToken in a DER TimeStampResp (RFC 3161 §2.4.2) whose status is granted, as authsign
    stores it; a bare token is taken as it is. None when it is neither."""
    try:
        tag, start, end = _tlv(reply, 0)
        if tag != 0x30 or end != len(reply):
            return None
        inner, status_start, status_end = _tlv(reply, start)
        if inner == 0x06:  # a ContentInfo's contentType: the token itself
            return reply
        if inner != 0x30:
            return None
        code, value_start, value_end = _tlv(reply, status_start)
        if code != 0x02 or reply[value_start:value_end] not in (b"\x00", b"\x01"):  # granted, grantedWithMods
            return None
        kind, _, token_end = _tlv(reply, status_end)
        if kind != 0x30 or token_end != end:
            return None
        return reply[status_end:token_end]
    except ValueError:
        return None


def _with_certificates(token: bytes, certs: list[x509.Certificate]) -> bytes:
    """`token` with `certs` put in its SignedData when it embeds none (RFC 5652 §5.1: the certificates
    are outside what the signer signs). A TSA asked for no certificate embeds none, and authsign then
    gives them in timestampCert; the time-stamp check finds the signer among the embedded ones."""
    try:
        _, start, end = _tlv(token, 0)
        _, _, oid_end = _tlv(token, start)
        oid = token[start:oid_end]
        _, explicit_start, explicit_end = _tlv(token, oid_end)
        _, signed_start, signed_end = _tlv(token, explicit_start)
        if not end == explicit_end == signed_end == len(token):
            return token
        parts: list[bytes] = []
        at = signed_start
        while at < signed_end:
            tag, _, part_end = _tlv(token, at)
            if tag == 0xA0:  # it embeds certificates already
                return token
            parts.append(token[at:part_end])
            at = part_end
    except ValueError:
        return token
    if len(parts) < 4 or not certs:
        return token
    # DER orders a SET OF by the encodings' bytes.
    ders = sorted(c.public_bytes(serialization.Encoding.DER) for c in certs)
    signed_data = _der(0x30, b"".join([*parts[:3], _der(0xA0, b"".join(ders)), *parts[3:]]))
    return _der(0x30, oid + _der(0xA0, signed_data))


def _der(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    raw = n.to_bytes((n.bit_length() + 7) // 8)
    return bytes([tag, 0x80 | len(raw)]) + raw + content


def _tlv(data: bytes, at: int) -> tuple[int, int, int]:
    """(tag, start of contents, end of contents) of the DER element at `at`."""
    if at + 2 > len(data):
        raise ValueError("truncated")
    tag, first = data[at], data[at + 1]
    at += 2
    if first & 0x80:
        count = first & 0x7F
        if not 1 <= count <= 4 or at + count > len(data):
            raise ValueError("bad length")
        length = int.from_bytes(data[at : at + count])
        at += count
    else:
        length = first
    if at + length > len(data):
        raise ValueError("truncated")
    return tag, at, at + length


# ---- reporting --------------------------------------------------------------------------------------


def _first(problems: list[tuple[str, str]]) -> str:
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{problems[0][0]}: {problems[0][1]}{more}"


def _report(signed: _Signed | None, problems: list[tuple[str, str]], proof: str) -> SignatureCheck:
    if signed is None:
        signer = domain = created = software = identity = None
    else:
        identity, created, software, domain = signed.identity, signed.created, signed.software, signed.domain
        signer = domain if identity == DOMAIN else "key " + _fingerprint(signed.key_der)
    if problems:
        return SignatureCheck(
            INVALID,
            signer,
            domain,
            created,
            software,
            identity,
            tuple(problems),
            "signature not valid: " + _first(problems),
        )
    detail = "datapackage.json matches the signed digest; " + proof
    return SignatureCheck(VALID, signer, domain, created, software, identity, (), detail)
