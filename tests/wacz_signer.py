"""Signed WACZ files made by the real tools, for tests.

authsign (Webrecorder's signing server, the one Browsertrix uses) runs as a process on 127.0.0.1.
Instead of asking an ACME CA (Let's Encrypt) for its domain certificate, it finds one already in its
data folder, made here by a local CA: authsign loads `cert.pem` and `private-key.pem` from there
when they exist and are fresh, and only goes to ACME when they do not. Its RFC 3161 time stamps come
from `tests/tsa_server.py` (openssl). py-wacz's `wacz create --signing-url` asks it to sign a WACZ
built from a WARC that warcio's WARCWriter wrote. Every process is stopped by its pid.
"""

from __future__ import annotations

import datetime
import json
import os
import select
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import warc_pages
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HERE = Path(__file__).resolve().parent
TSA_SERVER = HERE / "tsa_server.py"
WACZ = Path(sys.executable).parent / "wacz"
# authsign stores and reads its domain key encrypted with this fixed passphrase (authsign.signer.PASSPHRASE).
PASSPHRASE = b"passphrase"
TOKEN = "test-signing-token"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _ca(common: str, start: datetime.datetime) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(_name(common))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _leaf(
    name: str, key: ec.EllipticCurvePrivateKey, ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey
) -> x509.Certificate:
    start = ca.not_valid_before_utc
    return (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=7))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )


def domain_pki(where: Path, domain: str, *, cert_domain: str | None = None, cross: bool = False) -> Path:
    """A local CA (`ca.pem`) and, in `where/data`, the files authsign signs with: `cert.pem` (a
    certificate for `cert_domain or domain`, then the CA's, as Let's Encrypt's fullchain) and
    `private-key.pem`. With `cross`, also a second CA (`cross-ca.pem`, `cross-ca.key`: authsign's
    cross-signing CA) and `cs-cert.pem`, its certificate for the same key. Returns the data folder."""
    data = where / "data"
    data.mkdir(parents=True, exist_ok=True)
    # authsign refuses a certificate older than its rotation time (7 days) and renews it over ACME.
    start = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    ca_key, ca = _ca("Test Domain CA", start)
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = _leaf(cert_domain or domain, key, ca, ca_key)
    pem = serialization.Encoding.PEM
    (where / "ca.pem").write_bytes(ca.public_bytes(pem))
    (data / "cert.pem").write_bytes(leaf.public_bytes(pem) + ca.public_bytes(pem))
    (data / "private-key.pem").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(PASSPHRASE))
    )
    if cross:
        cross_key, cross_ca = _ca("Test Cross-Signing CA", start)
        (where / "cross-ca.pem").write_bytes(cross_ca.public_bytes(pem))
        (where / "cross-ca.key").write_bytes(
            cross_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
        cs = _leaf(domain, key, cross_ca, cross_key)
        (data / "cs-cert.pem").write_bytes(cs.public_bytes(pem) + cross_ca.public_bytes(pem))
    return data


def write_warc(path: Path, url: str = "http://example.com/", body: bytes | None = None) -> Path:
    """A gzipped WARC with one HTML response, written by warcio's WARCWriter (`warc_pages`)."""
    html = body or b"<!doctype html><html><head><title>Example</title></head><body><p>Hello.</p></body></html>"
    return warc_pages.write_warc(path, [(url, html, "200 OK", "text/html; charset=utf-8")])


@dataclass
class Processes:
    """Servers started for a test module, stopped by pid at the end."""

    started: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def tsa(self, pki: Path) -> str:
        """Start `tests/tsa_server.py PKI ok`; its URL."""
        proc = subprocess.Popen([sys.executable, str(TSA_SERVER), str(pki), "ok"], stdout=subprocess.PIPE, cwd=HERE)
        self.started.append(proc)
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        assert ready, "the TSA did not start"
        line = proc.stdout.readline().decode()
        assert line.startswith("port "), line
        return f"http://127.0.0.1:{int(line.split()[1])}/tsa"

    def authsign(self, where: Path, domain: str, tsa_url: str) -> str:
        """Start authsign (uvicorn serving `authsign.main:app`) for `domain`, signing with the
        certificate in `where/data` (and cross-signed, when `domain_pki` made a cross-signing CA there)
        and time-stamping at `tsa_url`; the URL of its /sign endpoint."""
        config = {
            "signing": {
                "domain": domain,
                "email": "test@example.org",
                "port": 80,  # ACME's challenge port: never used, the certificate is already there
                "output": str(where / "data"),
                "staging": True,
                "auth_token": TOKEN,
                "timestamping": [{"url": tsa_url}],
            }
        }
        if (where / "cross-ca.pem").exists():
            config["signing"]["csca_cert"] = str(where / "cross-ca.pem")
            config["signing"]["csca_private_key"] = str(where / "cross-ca.key")
        (where / "config.yaml").write_text(json.dumps(config))  # JSON is YAML
        # A socket bound here and handed over (uvicorn --fd): a free port with no race for it.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        port = sock.getsockname()[1]
        env = {**os.environ, "CONFIG": str(where / "config.yaml"), "NO_RENEW": "1"}
        log = (where / "authsign.log").open("wb")
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "authsign.main:app", "--fd", str(sock.fileno())],
                pass_fds=(sock.fileno(),),
                env=env,
                cwd=where,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        finally:
            sock.close()
            log.close()
        self.started.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/openapi.json", timeout=5) as reply:
                    if reply.status == 200:
                        return f"{base}/sign"
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("authsign did not start:\n" + (where / "authsign.log").read_text()[-3000:])
            time.sleep(0.2)

    def stop(self) -> None:
        for proc in self.started:
            proc.kill()
            proc.wait(timeout=30)
        self.started.clear()


def create_wacz(out: Path, warc: Path, signing_url: str | None) -> Path:
    """`wacz create` (py-wacz) over `warc`, signed by the server at `signing_url` when one is given."""
    args = [str(WACZ), "create", "-o", str(out), "--detect-pages", str(warc)]
    if signing_url is not None:
        args[2:2] = ["--signing-url", signing_url, "--signing-token", TOKEN]
    done = subprocess.run(args, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout.decode()[-2000:] + done.stderr.decode()[-2000:]
    if signing_url is not None:
        # py-wacz writes an unsigned WACZ when signing fails, and says so only on its output.
        assert b"Added Signature" in done.stdout, done.stdout.decode()[-2000:] + done.stderr.decode()[-2000:]
    return out


def members(wacz: Path) -> tuple[bytes | None, bytes | None]:
    """`datapackage-digest.json` and `datapackage.json` of a WACZ (None for one it lacks)."""
    with zipfile.ZipFile(wacz) as z:
        names = set(z.namelist())
        digest = z.read("datapackage-digest.json") if "datapackage-digest.json" in names else None
        package = z.read("datapackage.json") if "datapackage.json" in names else None
    return digest, package
