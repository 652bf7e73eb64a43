"""RFC 3161 time-stamp tokens over checkpoints: requests made, replies read, tokens checked offline.

A token binds a Time-Stamp Authority's clock to the SHA-256 of a checkpoint note's exact bytes:
the ledger existed in that state no later than the token's genTime. Everything here works on
bytes (no network, no vault); `rfc3161-client` parses and verifies the CMS signature and the
certificate chain, and this module says which of the checks failed, as a stable reason.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import ExtendedKeyUsageOID
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from archive.errors import CryptoError

SHA256_OID = x509.ObjectIdentifier("2.16.840.1.101.3.4.2.1")
MAX_TOKEN = 256 << 10  # a token with a long certificate chain is a few KiB; more is not a token
MAX_ROOTS = 1 << 20  # bytes of PEM roots read
# genTime is often whole seconds, and `accuracy` (RFC 3161 §2.4.2) widens it: a token is "not
# earlier" than an entry when genTime plus its accuracy plus this resolution reaches the entry's time.
RESOLUTION = timedelta(seconds=1)

# Why a token failed, each a stable word (`archive.service.verify` and `archive.evidence.check`
# turn them into problem codes).
MALFORMED = "malformed"  # not an RFC 3161 token this archive can read
IMPRINT = "imprint"  # not over the SHA-256 of this checkpoint note
NONCE = "nonce"  # not the reply to the request sent (checked on receipt only)
SIGNATURE = "signature"  # the CMS signature does not verify
UNTRUSTED = "untrusted"  # the signer's certificate does not chain to the roots given
EKU = "eku"  # the signer's certificate is not (only) for time-stamping
EARLY = "early"  # genTime is before the newest entry the checkpoint covers


def imprint(note: str) -> bytes:
    """What a token over a checkpoint is a token over: SHA-256 of the note's exact UTF-8 bytes."""
    return hashlib.sha256(note.encode("utf-8")).digest()


def time_text(when: datetime) -> str:
    """A genTime in the archive's time format (six fractional digits, `Z`)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def make_request(note: str) -> tuple[bytes, int]:
    """A DER TimeStampReq over the checkpoint note: SHA-256 imprint, a random nonce, certificate
    requested. Returns (request, nonce)."""
    request = (
        TimestampRequestBuilder()
        .data(note.encode("utf-8"))
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    if request.nonce is None:  # the builder was asked for one
        raise CryptoError("the time-stamp request has no nonce")
    return request.as_bytes(), int(request.nonce)


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


_GRANTED = b"\x30\x03\x02\x01\x00"  # PKIStatusInfo { status granted }


def as_response(token: bytes) -> bytes:
    """The TimeStampResp (status granted) carrying `token`: what the parser and openssl read."""
    return b"\x30" + _length(len(_GRANTED) + len(token)) + _GRANTED + token


def _parse(reply: bytes) -> TimeStampResponse:
    try:
        return decode_timestamp_response(reply)
    except ValueError as exc:
        text = str(exc)
        if "InvalidSetOrdering" in text:
            # DER sorts a SET OF; some TSAs (openssl among them) embed the certificates unsorted,
            # and rfc3161-client parses strictly.
            raise CryptoError(
                "the reply embeds its certificates as an unsorted SET OF (not DER), which this archive's "
                "strict parser refuses; configure the TSA to embed only its own certificate, or use another TSA"
            ) from None
        raise CryptoError(f"not an RFC 3161 reply ({text.split(':', 1)[0][:80]})") from None


def read_reply(reply: bytes, note: str, nonce: int) -> bytes:
    """The token out of a TSA's DER reply to our request over `note`; CryptoError says why not."""
    if len(reply) > MAX_TOKEN:
        raise CryptoError(f"the reply is larger than {MAX_TOKEN} bytes")
    response = _parse(reply)
    if response.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        said = "; ".join(response.status_string)[:200] or "no reason given"
        raise CryptoError(f"the TSA refused the request (status {response.status}: {said})")
    info = response.tst_info
    if info.message_imprint.hash_algorithm != SHA256_OID or info.message_imprint.message != imprint(note):
        raise CryptoError("the token is over other bytes than the checkpoint asked for")
    if info.nonce != nonce:
        raise CryptoError("the token does not carry the request's nonce (a reply to another request)")
    return response.time_stamp_token()


def load_roots(pem: bytes) -> list[x509.Certificate]:
    """Trusted roots from PEM text (one or more certificates); CryptoError when there are none."""
    if len(pem) > MAX_ROOTS:
        raise CryptoError(f"the roots file is larger than {MAX_ROOTS} bytes")
    try:
        # A system bundle holds old roots that break RFC 5280 (a negative serial): cryptography warns,
        # on every load, of a future refusal. They are the user's roots to trust, not our output.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            roots = x509.load_pem_x509_certificates(pem)
    except ValueError:
        raise CryptoError("the roots are not PEM certificates") from None
    if not roots:
        raise CryptoError("the roots hold no certificate")
    return roots


@dataclass(frozen=True)
class TokenCheck:
    """What checking one token found: `reason` None when every check passed (`trusted` False when
    no roots were given, so the signature and chain were not checked)."""

    reason: str | None
    detail: str
    gen_time: str | None = None
    authority: str | None = None  # the signing certificate's subject (RFC 4514)
    trusted: bool = False

    def __bool__(self) -> bool:
        return self.reason is None


def _signer(response: TimeStampResponse) -> x509.Certificate | None:
    infos = list(response.signed_data.signer_infos)
    if len(infos) != 1:
        return None
    for der in response.signed_data.certificates:
        cert = x509.load_der_x509_certificate(der)
        if cert.issuer == infos[0].issuer and cert.serial_number == infos[0].serial_number:
            return cert
    return None


def _eku_problem(cert: x509.Certificate | None) -> str | None:
    # RFC 3161 §2.3: the TSA's certificate carries a critical extended key usage of timeStamping.
    if cert is None:
        return "the token embeds no certificate of its signer"
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        return "the signer's certificate has no extended key usage (timeStamping is required)"
    if not eku.critical or ExtendedKeyUsageOID.TIME_STAMPING not in eku.value:
        return "the signer's certificate is not for time-stamping (a critical extended key usage timeStamping)"
    return None


def _latest_time(response: TimeStampResponse) -> datetime:
    """genTime plus the token's stated accuracy plus the resolution of genTime."""
    at = response.tst_info.gen_time
    try:
        accuracy = response.tst_info.accuracy
        slack = timedelta(
            seconds=accuracy.seconds or 0, milliseconds=accuracy.millis or 0, microseconds=accuracy.micros or 0
        )
    except (ValueError, AttributeError):
        slack = timedelta(0)
    return at + slack + RESOLUTION


def check_token(
    token: bytes, note: str, roots: Sequence[x509.Certificate], *, newest_entry: datetime | None = None
) -> TokenCheck:
    """Check a stored token against the checkpoint note it is for: parsed, its imprint the note's
    SHA-256, signed by a certificate for time-stamping that chains to `roots` (at genTime), and
    genTime not before `newest_entry` (the time of the last entry the checkpoint covers)."""
    if len(token) > MAX_TOKEN:
        return TokenCheck(MALFORMED, f"larger than {MAX_TOKEN} bytes")
    try:
        response = _parse(as_response(token))
        info = response.tst_info
        gen_time = time_text(info.gen_time)
        signer = _signer(response)
    except (CryptoError, ValueError) as exc:
        return TokenCheck(MALFORMED, str(exc))
    authority = signer.subject.rfc4514_string() if signer is not None else None

    def found(reason: str | None, detail: str, *, trusted: bool = False) -> TokenCheck:
        return TokenCheck(reason, detail, gen_time, authority, trusted)

    if info.message_imprint.hash_algorithm != SHA256_OID or info.message_imprint.message != imprint(note):
        return found(IMPRINT, "the token is not over the SHA-256 of this checkpoint note")
    if newest_entry is not None and _latest_time(response) < newest_entry:
        return found(EARLY, f"genTime {gen_time} is before the newest entry it covers ({time_text(newest_entry)})")
    if not roots:
        return found(None, "not checked against any trusted TSA roots")
    eku = _eku_problem(signer)
    try:
        VerifierBuilder(roots=list(roots)).build().verify(response, imprint(note))
    except VerificationError as exc:
        text = str(exc)
        if "EKU" in text and eku is not None:
            return found(EKU, eku)
        if "certificate verify error" in text or "local issuer" in text:
            # Checked first, at genTime: a token whose genTime was altered fails here too.
            detail = f"the signer's certificate does not chain to the trusted TSA roots at genTime {gen_time}"
            return found(UNTRUSTED, detail)
        return found(SIGNATURE, f"the token's signature does not verify ({_short(text)})")
    if eku is not None:
        return found(EKU, eku)
    return found(None, "verified", trusted=True)


def _short(text: str) -> str:
    for marker in ("signature failure", "digest failure", "Mismatch", "PKIStatus"):
        if marker in text:
            return marker
    return text.split(":", 1)[0][:80]
