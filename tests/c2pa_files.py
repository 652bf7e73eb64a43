"""Real Content Credentials for tests: a test CA and a C2PA signing certificate it issues (made with
`cryptography`), and files signed with c2pa-python's own signing API (Builder and Signer).

The signing certificate carries what C2PA asks of one (as c2pa-python's tests/fixtures certificates
do): basicConstraints CA:FALSE, keyUsage digitalSignature and nonRepudiation, extendedKeyUsage
emailProtection (all critical), subject and authority key identifiers; the CA has CA:TRUE and
keyCertSign. A signature is time-stamped when a TSA URL is given (tests/tsa_server.py serves one),
which is where a credential's signing time comes from.
"""

from __future__ import annotations

import datetime
import io
import wave
from dataclasses import dataclass
from typing import Any

import c2pa  # type: ignore[import-untyped,unused-ignore]
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image

SIGNER_ORGANISATION = "Example Newsroom"
SIGNER_NAME = "Example Signer"
GENERATOR = {"name": "Example Editor", "version": "2.1"}
CAMERA = {"name": "Example Camera", "version": "1.0"}
CREATED_WHEN = "2026-11-30T09:58:00Z"
PHOTOGRAPHER = "Oksana Kovalenko"
INGREDIENT_TITLE = "IMG_0001.jpg"
DIGITAL_CAPTURE = "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"


@dataclass(frozen=True)
class Pki:
    """A test CA (`ca_pem`, the root a trusting reader is given) and the signer it issued."""

    ca_pem: str
    chain_pem: bytes  # the signing certificate, then the CA's
    key_pem: bytes


def _name(common: str, organisation: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, common), x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation)]
    )


def make_pki(organisation: str = SIGNER_ORGANISATION) -> Pki:
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    later = now + datetime.timedelta(days=30)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Example Test Root CA", "Example Test CA")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(later)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    signer = (
        x509.CertificateBuilder()
        .subject_name(_name(SIGNER_NAME, organisation))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(later)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # digitalSignature and nonRepudiation (content_commitment)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    return Pki(
        ca.public_bytes(pem).decode(),
        signer.public_bytes(pem) + ca.public_bytes(pem),
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )


def manifest(*, author: str = PHOTOGRAPHER) -> dict[str, Any]:
    """A manifest definition: a capture, then a crop, by the photographer `author`."""
    return {
        "claim_generator_info": [GENERATOR],
        "title": "signed",
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "when": CREATED_WHEN,
                            "softwareAgent": CAMERA,
                            "digitalSourceType": DIGITAL_CAPTURE,
                        },
                        {"action": "c2pa.cropped", "softwareAgent": GENERATOR},
                    ]
                },
            },
            {
                "label": "stds.schema-org.CreativeWork",
                "data": {
                    "@context": "https://schema.org",
                    "@type": "CreativeWork",
                    "author": [{"@type": "Person", "name": author}],
                },
                "kind": "Json",
            },
        ],
    }


def sign(
    asset: bytes,
    media_type: str,
    pki: Pki,
    *,
    tsa_url: str | None = None,
    definition: dict[str, Any] | None = None,
    ingredient: bytes | None = None,
    remote_url: str | None = None,
) -> bytes:
    """`asset` signed by c2pa-python's Builder with the signer of `pki` (time-stamped by `tsa_url`);
    with `ingredient` (a JPEG) named as a component; with `remote_url` the manifest is not embedded,
    only a reference to that URL."""
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, pki.chain_pem, pki.key_pem, tsa_url))
    with signer, c2pa.Builder(definition or manifest()) as builder:
        if ingredient is not None:
            builder.add_ingredient(
                {"title": INGREDIENT_TITLE, "relationship": "componentOf"}, "image/jpeg", io.BytesIO(ingredient)
            )
        if remote_url is not None:
            builder.set_no_embed()
            builder.set_remote_url(remote_url)
        out = io.BytesIO()
        builder.sign(signer, media_type, io.BytesIO(asset), out)
        return out.getvalue()


def picture(kind: str, colour: tuple[int, int, int] = (180, 40, 30), size: tuple[int, int] = (96, 64)) -> bytes:
    """A picture made by Pillow in `kind` ("JPEG", "PNG", "AVIF", "GIF", ...)."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, kind)
    return out.getvalue()


def wav(size: int = 1536) -> bytes:
    """`size` bytes of sound (a tenth of a second by default), written by the standard library's `wave`."""
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(bytes(range(256)) * (size // 256))
    return out.getvalue()


def jpeg_segments(data: bytes) -> list[tuple[int, int, int]]:
    """(marker, start, end) of each marker segment of a JPEG up to its scan, `start` at the marker."""
    segments, pos = [], 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker, length = data[pos + 1], int.from_bytes(data[pos + 2 : pos + 4], "big")
        segments.append((marker, pos, pos + 2 + length))
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        pos += 2 + length
    return segments


def tamper_pixels(signed_jpeg: bytes) -> bytes:
    """The signed JPEG with one byte of its picture data changed, its metadata untouched."""
    _, _, scan = jpeg_segments(signed_jpeg)[-1]
    data = bytearray(signed_jpeg)
    data[scan + 20] ^= 0x5A
    return bytes(data)


def cut_manifest(signed_jpeg: bytes, keep: int) -> bytes:
    """The signed JPEG with its first C2PA segment (APP11) cut to `keep` bytes of payload, its
    length field rewritten so that the JPEG itself stays well-formed."""
    marker, start, end = next(s for s in jpeg_segments(signed_jpeg) if s[0] == 0xEB)
    payload = signed_jpeg[start + 4 : end][:keep]
    segment = bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload
    return signed_jpeg[:start] + segment + signed_jpeg[end:]


def app11_range(signed_jpeg: bytes) -> tuple[int, int]:
    """Where the C2PA segments (APP11) of a signed JPEG lie: (first start, last end)."""
    found = [(start, end) for marker, start, end in jpeg_segments(signed_jpeg) if marker == 0xEB]
    return found[0][0], found[-1][1]
