"""A real RFC 3161 Time-Stamp Authority for tests: `openssl ts -reply` behind a stdlib HTTP server.

`make_pki(dir)` makes a test CA and a TSA certificate it issues (extended key usage timeStamping,
critical), with `cryptography`; `python tests/tsa_server.py DIR MODE` serves on 127.0.0.1 at a free
port and prints `port N` once listening. MODE is `ok` (a real reply from openssl), `hang` (reads
the request, then answers nothing for an hour), `garbage` (HTTP 200 with bytes that are no reply),
or `mismatch` (a real reply to another request: a token over other bytes). The test set-up starts
it as a process and stops it by its pid.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CONFIG = """\
[ tsa ]
default_tsa = tsa_config

[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/{certs}
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def make_pki(where: Path, name: str = "Test", *, eku: bool = True, embed_ca: bool = True) -> Path:
    """A CA (`ca.pem`, the roots a verifier trusts) and a TSA certificate it issues (`tsa.pem`,
    `tsa.key`), with the openssl config that serves them (`tsa.cnf`). Returns `where`."""
    where.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    later = now + datetime.timedelta(days=30)
    ca_key, tsa_key = _key(), _key()
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{name} Root CA"))
        .issuer_name(_name(f"{name} Root CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(later)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{name} TSA"))
        .issuer_name(ca.subject)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(later)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    tsa = builder.sign(ca_key, hashes.SHA256())
    (where / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (where / "tsa.pem").write_bytes(tsa.public_bytes(serialization.Encoding.PEM))
    (where / "tsa.key").write_bytes(_pem(tsa_key))
    (where / "ca.key").write_bytes(_pem(ca_key))
    (where / "serial").write_text("01\n")
    # `certs` are the certificates a reply embeds beside the signer's: the CA too, or only the TSA's.
    (where / "tsa.cnf").write_text(CONFIG.format(dir=where, certs="ca.pem" if embed_ca else "tsa.pem"))
    return where


def reply(pki: Path, query: bytes) -> bytes:
    """openssl's reply to a DER time-stamp query, signed by the TSA in `pki`."""
    with tempfile.TemporaryDirectory() as tmp:
        q, r = Path(tmp) / "q.tsq", Path(tmp) / "r.tsr"
        q.write_bytes(query)
        subprocess.run(
            ["openssl", "ts", "-reply", "-config", str(pki / "tsa.cnf"), "-queryfile", str(q), "-out", str(r)],
            check=True,
            capture_output=True,
            timeout=30,
        )
        return r.read_bytes()


def _other_query() -> bytes:
    """A query over other bytes (openssl makes it), for a TSA that answers the wrong request."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "other"
        data.write_bytes(b"some other bytes\n")
        out = subprocess.run(
            ["openssl", "ts", "-query", "-data", str(data), "-sha256", "-cert"],
            check=True,
            capture_output=True,
            timeout=30,
        )
        return out.stdout


def serve(pki: Path, mode: str) -> None:
    lock = threading.Lock()  # openssl keeps its serial number in one file

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            query = self.rfile.read(min(length, 1 << 20))
            if mode == "hang":
                time.sleep(3600)
                return
            if mode == "garbage":
                body = b"<html>this is not a time-stamp reply</html>"
            else:
                with lock:
                    body = reply(pki, _other_query() if mode == "mismatch" else query)
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    sys.stdout.write(f"port {server.server_address[1]}\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    serve(Path(sys.argv[1]), sys.argv[2])
