"""Signed WACZ verification against real signers: WACZ files made by py-wacz's `wacz create`, signed
by authsign (Webrecorder's signing server) running on 127.0.0.1 with a local CA's domain certificate
and a real RFC 3161 TSA, and two public signatures by authsign 0.4.0 (Let's Encrypt, FreeTSA) and
ArchiveWeb.page 0.7.9. Each tamper is made to the real files' bytes; tests assert codes, not wording.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st
from tsa_server import make_pki
from wacz_signer import Processes, create_wacz, domain_pki, members, write_warc

from archive.webarchive.signing import CODES, MAX_DIGEST_FILE, SignatureCheck, check

DOMAIN = "archive.example.org"
DATA = Path(__file__).resolve().parent / "data" / "wacz"
Json = dict[str, Any]


@dataclass(frozen=True)
class Wacz:
    digest: bytes
    package: bytes

    @property
    def doc(self) -> Json:
        parsed: Json = json.loads(self.digest)
        return parsed


@dataclass(frozen=True)
class Made:
    signed: Wacz  # signed by authsign for DOMAIN
    another: Wacz  # another capture, signed by the same server
    unsigned: Wacz  # no signing server
    wrong_domain: Wacz  # authsign for DOMAIN whose certificate is for another domain
    cross_signed: Wacz  # authsign with a cross-signing CA
    stranger_ca: bytes  # PEM of a CA that issued none of these
    roots: Path  # an authsign trusted-roots file naming the test CAs


def _fingerprint(pem: Path) -> str:
    return x509.load_pem_x509_certificate(pem.read_bytes()).fingerprint(hashes.SHA256()).hex()


def _read(path: Path) -> Wacz:
    digest, package = members(path)
    assert digest is not None and package is not None
    return Wacz(digest, package)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Made]:
    where = tmp_path_factory.mktemp("signers")
    servers = Processes()
    try:
        tsa = servers.tsa(make_pki(where / "tsa", "WACZ"))
        domain_pki(where / "main", DOMAIN)
        main = servers.authsign(where / "main", DOMAIN, tsa)
        domain_pki(where / "wrong", DOMAIN, cert_domain="other.example.net")
        wrong = servers.authsign(where / "wrong", DOMAIN, tsa)
        domain_pki(where / "cross", DOMAIN, cross=True)
        cross = servers.authsign(where / "cross", DOMAIN, tsa)
        domain_pki(where / "stranger", "stranger.example.org")
        roots = {
            "domain_cert_roots": [_fingerprint(where / "main" / "ca.pem"), _fingerprint(where / "cross" / "ca.pem")],
            "timestamp_cert_roots": [_fingerprint(where / "tsa" / "ca.pem")],
        }
        (where / "roots.yaml").write_text(json.dumps(roots))  # JSON is YAML

        def make(name: str, url: str | None, body: bytes | None = None) -> Wacz:
            warc = write_warc(where / f"{name}.warc.gz", body=body)
            return _read(create_wacz(where / f"{name}.wacz", warc, url))

        yield Made(
            signed=make("signed", main),
            another=make("another", main, b"<html><body>Another page.</body></html>"),
            unsigned=make("unsigned", None),
            wrong_domain=make("wrong", wrong),
            cross_signed=make("cross", cross),
            stranger_ca=(where / "stranger" / "ca.pem").read_bytes(),
            roots=where / "roots.yaml",
        )
    finally:
        servers.stop()


def _codes(result: SignatureCheck) -> list[str]:
    codes = [code for code, _ in result.problems]
    assert all(code in CODES for code in codes)
    assert "\n" not in result.detail and result.detail
    return codes


def _edit(wacz: Wacz, change: Callable[[Json], object]) -> bytes:
    doc = wacz.doc
    change(doc)
    return json.dumps(doc).encode()


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _pems(text: str) -> list[str]:
    marker = "-----END CERTIFICATE-----"
    return [part.strip() + "\n" + marker + "\n" for part in text.split(marker) if part.strip()]


# ---- what real signers make -------------------------------------------------------------------------


def test_a_wacz_signed_by_authsign_is_valid(made: Made) -> None:
    result = check(made.signed.digest, made.signed.package, now=datetime.now(UTC))
    assert _codes(result) == []
    assert bool(result)
    assert (result.status, result.identity, result.signer, result.domain) == ("valid", "domain", DOMAIN, DOMAIN)
    # py-wacz asks for the signature with the package's own creation time; authsign names itself.
    assert result.created == json.loads(made.signed.package)["created"] == made.signed.doc["signedData"]["created"]
    assert result.software is not None and result.software.startswith("authsigner ")


def test_a_cross_signed_wacz_is_valid(made: Made) -> None:
    assert "crossSignedCert" in made.cross_signed.doc["signedData"]
    result = check(made.cross_signed.digest, made.cross_signed.package)
    assert (_codes(result), result.status, result.signer) == ([], "valid", DOMAIN)


def test_an_unsigned_wacz_is_unsigned(made: Made) -> None:
    assert "signedData" not in made.unsigned.doc
    result = check(made.unsigned.digest, made.unsigned.package)
    assert (_codes(result), result.status, result.signer, result.identity) == ([], "unsigned", None, None)
    assert bool(result)
    nothing = check(None, made.unsigned.package)
    assert (_codes(nothing), nothing.status) == ([], "unsigned")


# ---- tampering with what they made -----------------------------------------------------------------


def test_a_changed_datapackage_is_a_digest_mismatch(made: Made) -> None:
    changed = made.signed.package.replace(b'"py-wacz ', b'"py-wacZ ')
    assert changed != made.signed.package
    result = check(made.signed.digest, changed)
    assert (_codes(result), result.status, result.signer) == (["WACZ_DIGEST_MISMATCH"], "invalid", DOMAIN)
    unsigned = check(made.unsigned.digest, made.unsigned.package + b" ")
    assert (_codes(unsigned), unsigned.status) == (["WACZ_DIGEST_MISMATCH"], "unsigned")
    missing = check(made.signed.digest, None)
    assert _codes(missing) == ["WACZ_DIGEST_MISMATCH"]


def test_a_changed_datapackage_with_its_new_hash_breaks_the_signature(made: Made) -> None:
    changed = made.signed.package.replace(b'"py-wacz ', b'"py-wacZ ')

    def rehash(doc: Json) -> None:
        doc["hash"] = doc["signedData"]["hash"] = _sha256(changed)

    result = check(_edit(made.signed, rehash), changed)
    assert _codes(result) == ["WACZ_SIGNATURE_INVALID"]


def test_a_changed_signature_is_invalid(made: Made) -> None:
    raw = bytearray(base64.b64decode(made.signed.doc["signedData"]["signature"]))
    raw[-1] ^= 1

    def flip(doc: Json) -> None:
        doc["signedData"]["signature"] = base64.b64encode(bytes(raw)).decode()

    result = check(_edit(made.signed, flip), made.signed.package)
    # The time stamp is over the signature as written, so it no longer matches either.
    assert sorted(_codes(result)) == ["WACZ_SIGNATURE_INVALID", "WACZ_TIMESTAMP_INVALID"]
    assert result.status == "invalid"


def test_a_signed_hash_changed_breaks_the_signature(made: Made) -> None:
    def swap(doc: Json) -> None:
        doc["signedData"]["hash"] = made.another.doc["hash"]

    result = check(_edit(made.signed, swap), made.signed.package)
    assert sorted(_codes(result)) == ["WACZ_DIGEST_MISMATCH", "WACZ_SIGNATURE_INVALID"]


def test_a_signature_taken_from_another_wacz_covers_another_package(made: Made) -> None:
    def transplant(doc: Json) -> None:
        doc["signedData"] = made.another.doc["signedData"]

    result = check(_edit(made.signed, transplant), made.signed.package)
    # Intact in itself, and a signature over another datapackage.json.
    assert _codes(result) == ["WACZ_DIGEST_MISMATCH"]
    whole = check(made.another.digest, made.signed.package)
    assert _codes(whole) == ["WACZ_DIGEST_MISMATCH"]


def test_a_certificate_for_another_domain(made: Made) -> None:
    result = check(made.wrong_domain.digest, made.wrong_domain.package)
    assert (_codes(result), result.signer) == (["WACZ_CERT_DOMAIN_MISMATCH"], DOMAIN)

    def claim(doc: Json) -> None:
        doc["signedData"]["domain"] = "archive.example.com"

    claimed = check(_edit(made.signed, claim), made.signed.package)
    assert (_codes(claimed), claimed.signer) == (["WACZ_CERT_DOMAIN_MISMATCH"], "archive.example.com")


def test_a_broken_certificate_chain(made: Made) -> None:
    leaf, _ = _pems(made.signed.doc["signedData"]["domainCert"])

    def stranger(doc: Json) -> None:
        doc["signedData"]["domainCert"] = leaf + made.stranger_ca.decode()

    assert _codes(check(_edit(made.signed, stranger), made.signed.package)) == ["WACZ_CERT_INVALID"]

    def reverse(doc: Json) -> None:
        doc["signedData"]["domainCert"] = "".join(reversed(_pems(doc["signedData"]["domainCert"])))

    reversed_chain = check(_edit(made.signed, reverse), made.signed.package)
    assert "WACZ_CERT_INVALID" in _codes(reversed_chain)


def test_a_domain_certificate_without_an_ecdsa_key(made: Made) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, DOMAIN)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(DOMAIN)]), critical=False)
        .sign(key, None)
    )

    def ed25519_leaf(doc: Json) -> None:
        doc["signedData"]["domainCert"] = cert.public_bytes(serialization.Encoding.PEM).decode()

    assert _codes(check(_edit(made.signed, ed25519_leaf), made.signed.package)) == ["WACZ_CERT_INVALID"]


def test_a_cross_signed_certificate_with_another_key(made: Made) -> None:
    def other(doc: Json) -> None:
        doc["signedData"]["crossSignedCert"] = made.signed.doc["signedData"]["domainCert"]

    result = check(_edit(made.cross_signed, other), made.cross_signed.package)
    assert _codes(result) == ["WACZ_CERT_INVALID"]


def test_a_time_stamp_of_another_signature_or_by_another_certificate(made: Made) -> None:
    def other_stamp(doc: Json) -> None:
        doc["signedData"]["timeSignature"] = made.another.doc["signedData"]["timeSignature"]

    assert _codes(check(_edit(made.signed, other_stamp), made.signed.package)) == ["WACZ_TIMESTAMP_INVALID"]

    def domain_as_tsa(doc: Json) -> None:
        doc["signedData"]["timestampCert"] = doc["signedData"]["domainCert"]

    assert _codes(check(_edit(made.signed, domain_as_tsa), made.signed.package)) == ["WACZ_TIMESTAMP_INVALID"]

    def not_a_reply(doc: Json) -> None:
        doc["signedData"]["timeSignature"] = base64.b64encode(b"\x30\x03\x02\x01\x02").decode()

    assert _codes(check(_edit(made.signed, not_a_reply), made.signed.package)) == ["WACZ_TIMESTAMP_INVALID"]


def test_a_created_time_far_from_the_time_stamp(made: Made) -> None:
    signed_at = datetime.fromisoformat(made.signed.doc["signedData"]["created"])

    def at(when: datetime) -> Callable[[Json], None]:
        def move(doc: Json) -> None:
            doc["signedData"]["created"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")

        return move

    early = check(_edit(made.signed, at(signed_at - timedelta(minutes=11))), made.signed.package)
    assert _codes(early) == ["WACZ_TIME_MISMATCH"]
    close = check(_edit(made.signed, at(signed_at - timedelta(minutes=9))), made.signed.package)
    assert _codes(close) == []
    # Beyond the domain certificate's validity (7 days) as well.
    late = check(_edit(made.signed, at(signed_at + timedelta(days=10))), made.signed.package)
    assert sorted(_codes(late)) == ["WACZ_CERT_INVALID", "WACZ_TIME_MISMATCH"]
    # A clock that is a day behind the signature: created is in its future.
    behind = check(made.signed.digest, made.signed.package, now=signed_at - timedelta(days=1))
    assert _codes(behind) == ["WACZ_TIME_MISMATCH"]


def test_authsigns_own_verifier_agrees(made: Made) -> None:
    """authsign's Verifier, told to trust the test CAs, accepts what this module finds valid and
    refuses what it finds invalid (it checks the domain by the common name, and trust roots)."""
    from authsign.verifier import Verifier

    verifier = Verifier(str(made.roots))

    def accepts(signed: Json) -> bool:
        try:
            verifier(signed)
        except (AssertionError, ValueError, TypeError):
            return False
        return True

    assert accepts(made.signed.doc["signedData"])
    assert accepts(made.cross_signed.doc["signedData"])
    assert not accepts(made.wrong_domain.doc["signedData"])
    flipped = dict(made.signed.doc["signedData"], hash=made.another.doc["hash"])
    assert not accepts(flipped)
    stamped = dict(made.signed.doc["signedData"], timeSignature=made.another.doc["signedData"]["timeSignature"])
    assert not accepts(stamped)
    for signed in (flipped, stamped, made.wrong_domain.doc["signedData"]):
        assert check(_around(signed), made.signed.package).status == "invalid"


# ---- malformed input: a problem, never an exception ------------------------------------------------


@pytest.mark.parametrize(
    "digest",
    [
        b"",
        b"{",
        b"\xff\xfe{}",
        b"[]",
        b'"datapackage.json"',
        b'{"path": "datapackage.json", "hash": "sha256:00", "hash": "sha256:01"}',
        b'{"path": "datapackage.json", "hash": NaN}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a": ' * 20 + b"1" + b"}" * 20,
        b'{"a": ' + b"[" * 900 + b"]" * 900 + b"}",
        b" " * (MAX_DIGEST_FILE + 1) + b"{}",
    ],
)
def test_a_digest_file_that_is_no_json_object(made: Made, digest: bytes) -> None:
    result = check(digest, made.signed.package)
    assert (_codes(result), result.status) == (["WACZ_DIGEST_MALFORMED"], "invalid")


def _set(path: str, value: object) -> Callable[[Json], None]:
    def change(doc: Json) -> None:
        *parents, last = path.split(".")
        target = doc
        for name in parents:
            target = target[name]
        target[last] = value

    return change


def _drop(path: str) -> Callable[[Json], None]:
    def change(doc: Json) -> None:
        *parents, last = path.split(".")
        target = doc
        for name in parents:
            target = target[name]
        del target[last]

    return change


SIGNED_MALFORMED: list[tuple[str, Callable[[Json], object]]] = [
    ("not an object", _set("signedData", "signed")),
    ("no identity", _drop("signedData.domain")),
    ("no signature", _drop("signedData.signature")),
    ("no created", _drop("signedData.created")),
    ("no time stamp", _drop("signedData.timeSignature")),
    ("unknown member", _set("signedData.comment", "hello")),
    ("both identities", _set("signedData.publicKey", "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE")),
    ("signature a number", _set("signedData.signature", 12)),
    ("signature not base64", _set("signedData.signature", "not base64!")),
    ("signature empty", _set("signedData.signature", "")),
    ("hash uppercase", _set("signedData.hash", "sha256:" + "A" * 64)),
    ("hash md5", _set("signedData.hash", "md5:" + "0" * 32)),
    (
        "domainCert not PEM",
        _set("signedData.domainCert", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
    ),
    ("domainCert empty", _set("signedData.domainCert", "")),
    ("timestampCert a list", _set("signedData.timestampCert", ["a"])),
    ("timeSignature not base64", _set("signedData.timeSignature", "%%%")),
    ("created not a date", _set("signedData.created", "yesterday")),
    ("created without a zone", _set("signedData.created", "2026-12-01T18:00:00")),
    ("created impossible", _set("signedData.created", "2026-02-30T18:00:00Z")),
    ("domain not a host", _set("signedData.domain", "Not A Host")),
    ("domain an IP with a port", _set("signedData.domain", "127.0.0.1:8080")),
    ("software an object", _set("signedData.software", {"name": "x"})),
    ("version a number", _set("signedData.version", 1)),
    ("crossSignedCert garbage", _set("signedData.crossSignedCert", "garbage")),
]


@pytest.mark.parametrize("name, change", SIGNED_MALFORMED, ids=[name for name, _ in SIGNED_MALFORMED])
def test_malformed_signed_data(made: Made, name: str, change: Callable[[Json], object]) -> None:
    result = check(_edit(made.signed, change), made.signed.package)
    assert (_codes(result), result.status) == (["WACZ_SIGNATURE_MALFORMED"], "invalid")


@pytest.mark.parametrize(
    "change",
    [_drop("hash"), _drop("path"), _set("path", "pages/pages.jsonl"), _set("hash", 5), _set("hash", "sha256:xyz")],
)
def test_malformed_digest_members(made: Made, change: Callable[[Json], object]) -> None:
    result = check(_edit(made.unsigned, change), made.unsigned.package)
    assert (_codes(result), result.status) == (["WACZ_DIGEST_MALFORMED"], "unsigned")


ODD_VALUES: list[object] = [None, 0, -1, 1.5, True, "", "x", "=" * 5000, [], {}, ["x"], {"a": 1}]


def test_every_member_with_every_odd_value_is_a_problem(made: Made) -> None:
    for wacz in (made.signed, made.cross_signed):
        for name in wacz.doc["signedData"]:
            for value in ODD_VALUES:
                if value is None and name in ("software", "version", "crossSignedCert"):
                    continue  # optional members: null is read as absent
                if isinstance(value, str) and len(value) < 1000 and name in ("software", "version"):
                    continue  # free text, which the signature does not cover
                result = check(_edit(wacz, _set(f"signedData.{name}", value)), wacz.package)
                assert result.status == "invalid" and result.problems, (name, value)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_report(digest: bytes) -> None:
    result = check(digest, b"{}")
    assert result.status in ("unsigned", "valid", "invalid")
    assert all(code in CODES for code, _ in result.problems)


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=40),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
        max_leaves=20,
    )
)
def test_any_signed_data_gives_a_report(value: object) -> None:
    digest = json.dumps({"path": "datapackage.json", "hash": _sha256(b"{}"), "signedData": value}).encode()
    result = check(digest, b"{}")
    assert result.status == "invalid" and all(code in CODES for code, _ in result.problems)


# ---- public signatures by other deployments ---------------------------------------------------------


def _public(name: str) -> Json:
    signed: Json = json.loads((DATA / name).read_text("utf-8"))
    return signed


def _around(signed: Json) -> bytes:
    return json.dumps({"path": "datapackage.json", "hash": signed["hash"], "signedData": signed}).encode()


def test_a_public_authsign_signature_with_lets_encrypt_and_freetsa() -> None:
    signed = _public("authsign-0.4.0-letsencrypt-freetsa.signedData.json")
    result = check(_around(signed), None)
    # Everything verifies; only the datapackage.json it covers is not in this repository.
    assert _codes(result) == ["WACZ_DIGEST_MISMATCH"]
    assert (result.identity, result.signer, result.created, result.software) == (
        "domain",
        "org1.authsign.stg.starlinglab.org",
        "2022-05-31T15:15:23Z",
        "authsigner 0.4.0",
    )
    edited = dict(signed, hash="sha256:" + "0" * 64)
    assert "WACZ_SIGNATURE_INVALID" in _codes(check(_around(edited), None))
    tsa, root = _pems(signed["timestampCert"])
    assert "WACZ_TIMESTAMP_INVALID" in _codes(check(_around(dict(signed, timestampCert=root)), None))
    leaf, *_ = _pems(signed["domainCert"])
    assert "WACZ_CERT_INVALID" in _codes(check(_around(dict(signed, domainCert=leaf + tsa)), None))


def test_a_public_anonymous_signature_by_archiveweb_page() -> None:
    signed = _public("archiveweb.page-0.7.9-anonymous.signedData.json")
    result = check(_around(signed), None)
    assert _codes(result) == ["WACZ_DIGEST_MISMATCH"]
    key = hashlib.sha256(base64.b64decode(signed["publicKey"])).hexdigest()
    assert (result.identity, result.signer, result.domain) == ("anonymous", f"key {key}", None)
    assert result.software == "Webrecorder ArchiveWeb.page 0.7.9, using warcio.js 1.5.0"
    raw = bytearray(base64.b64decode(signed["signature"]))
    raw[0] ^= 1
    flipped = dict(signed, signature=base64.b64encode(bytes(raw)).decode())
    assert sorted(_codes(check(_around(flipped), None))) == ["WACZ_DIGEST_MISMATCH", "WACZ_SIGNATURE_INVALID"]
    other = dict(signed, hash="sha256:" + "1" * 64)
    assert "WACZ_SIGNATURE_INVALID" in _codes(check(_around(other), None))
