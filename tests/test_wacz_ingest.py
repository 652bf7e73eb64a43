"""WACZ packages through the CLI: made by py-wacz's `wacz create` from warcio WARCs, signed by a real
authsign server (and a real RFC 3161 TSA) started here on 127.0.0.1, then ingested, shown, cited and
verified; and tampered copies of them, whose damage is recorded and reported, never refused.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import ok, run
from tsa_server import make_pki
from wacz_signer import Processes, create_wacz, domain_pki
from warc_pages import page, warcio_records, write_warc

DOMAIN = "signer.example.org"
KHERSON = "https://news.example/kherson"
ODESA = "https://news.example/odesa"


@dataclass(frozen=True)
class Made:
    signed: Path
    unsigned: Path
    warc: Path


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Made]:
    where = tmp_path_factory.mktemp("wacz")
    warc = write_warc(
        where / "capture.warc.gz",
        [
            (KHERSON, page("Dam breach floods Kherson").encode(), "200 OK", "text/html; charset=utf-8"),
            (ODESA, page("Odesa port reopens").encode(), "200 OK", "text/html"),
        ],
    )
    servers = Processes()
    try:
        tsa = servers.tsa(make_pki(where / "tsa", "WACZ"))
        domain_pki(where / "signer", DOMAIN)
        signer = servers.authsign(where / "signer", DOMAIN, tsa)
        signed = create_wacz(where / "signed.wacz", warc, signer)
        unsigned = create_wacz(where / "unsigned.wacz", warc, None)
        yield Made(signed, unsigned, warc)
    finally:
        servers.stop()


def rewritten(source: Path, target: Path, member: str, change: Callable[[bytes], bytes]) -> Path:
    """A copy of a zip with one member's bytes changed (each member kept as it was compressed)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info, change(data) if info.filename == member else data)
    return target


def ingest(vault: Path, path: Path) -> tuple[str, str]:
    result = ok("ingest", path, vault=vault)
    item = ok("list", "--json", vault=vault).json()[-1]["id"]
    return str(item), result.err


def test_a_signed_wacz_is_one_item_with_its_signature_checked(tmp_path: Path, made: Made) -> None:
    vault = tmp_path / "vault"
    item, warnings = ingest(vault, made.signed)
    assert "warning" not in warnings
    shown = ok("show", item, "--json", vault=vault).json()
    assert shown["media_type"] == "application/wacz" and shown["contents"]["format"] == "wacz"
    current = shown["metadata"]["current"]
    package = json.loads(zipfile.ZipFile(made.signed).read("datapackage.json"))
    signed_data = json.loads(zipfile.ZipFile(made.signed).read("datapackage-digest.json"))["signedData"]
    assert current["signature_status"] == "valid"
    assert current["signed_by"] == DOMAIN
    assert current["signed_at"] == signed_data["created"]
    assert current["generator"] == package["software"]
    assert current["captured"] == package["created"]
    assert "signature_problem" not in current
    # Its pages, from the WARC inside, by URL.
    assert [p["uri"] for p in shown["pages"]] == [r["uri"] for r in warcio_records(made.warc)]
    kherson = ok("show", f"{item}#{KHERSON}", "--json", vault=vault).json()
    assert kherson["part"].startswith("archive/") and kherson["metadata"]["current"]["title"] == (
        "Dam breach floods Kherson"
    )
    said = f"WACZ signature: valid, signed by {DOMAIN} at {signed_data['created']}."
    assert said in " ".join(ok("show", item, vault=vault).out.split())
    appendix = tmp_path / "appendix.md"
    ok("manifest", item, "--format", "md", "-o", appendix, vault=vault)
    assert said in appendix.read_text(encoding="utf-8").replace("\\", "")
    assert ok("verify", vault=vault).code == 0


def test_two_pages_of_one_wacz_are_cited_and_verified_offline(tmp_path: Path, made: Made) -> None:
    vault = tmp_path / "vault"
    item, _ = ingest(vault, made.signed)
    manifest = tmp_path / "pages.json"
    ok("manifest", f"{item}#{KHERSON}", f"{item}#{ODESA}", "-o", manifest, vault=vault)
    key = ok("key", "show", vault=vault).out.split()[-1]
    checked = ok("verify-manifest", manifest, "--key", key, "--files", made.signed.parent, "--json").json()
    assert checked["ok"] is True and checked["counts"]["items"] == 2
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    contents = {r["uri"]: r["content"] for r in warcio_records(made.warc)}
    for cited, url in zip(doc["items"], (KHERSON, ODESA), strict=True):
        assert cited["page"]["record"]["uri"] == url
        assert cited["page"]["record"]["sha256"] == hashlib.sha256(contents[url]).hexdigest()
    # The proof file of one page says the same.
    proof = tmp_path / "proof.json"
    ok("export", "proof", f"{item}#{ODESA}", "-o", proof, vault=vault)
    assert ok("verify-manifest", proof, "--key", key, "--json").json()["ok"] is True


def test_an_unsigned_wacz_has_no_signature_claims(tmp_path: Path, made: Made) -> None:
    vault = tmp_path / "vault"
    item, warnings = ingest(vault, made.unsigned)
    assert "warning" not in warnings
    current = ok("show", item, "--json", vault=vault).json()["metadata"]["current"]
    assert not {"signature_status", "signed_by", "signed_at"} & set(current)
    assert ok("verify", vault=vault).code == 0


def test_a_changed_package_breaks_its_signature_and_is_reported(tmp_path: Path, made: Made) -> None:
    forged = rewritten(made.signed, tmp_path / "forged.wacz", "datapackage.json", lambda b: b + b" ")
    vault = tmp_path / "vault"
    item, warnings = ingest(vault, forged)
    assert "WACZ_DIGEST_MISMATCH" in warnings
    current = ok("show", item, "--json", vault=vault).json()["metadata"]["current"]
    assert current["signature_status"] == "invalid"
    assert any(p.startswith("WACZ_DIGEST_MISMATCH") for p in current["signature_problem"])
    verified = run("verify", "--json", vault=vault)
    assert verified.code == 1
    assert "WACZ_DIGEST_MISMATCH" in {p["code"] for p in verified.json()["problems"]}


def test_a_changed_warc_inside_is_a_resource_mismatch(tmp_path: Path, made: Made) -> None:
    member = next(n for n in zipfile.ZipFile(made.unsigned).namelist() if n.endswith(".warc.gz"))
    forged = rewritten(made.unsigned, tmp_path / "forged.wacz", member, lambda b: b + b"\x00")
    vault = tmp_path / "vault"
    item, warnings = ingest(vault, forged)
    assert "WACZ_RESOURCE_MISMATCH" in warnings
    verified = run("verify", "--json", vault=vault)
    assert "WACZ_RESOURCE_MISMATCH" in {p["code"] for p in verified.json()["problems"]}
    # The pages are still indexed and read: damage is recorded, never a refusal.
    assert len(ok("show", item, "--json", vault=vault).json()["pages"]) == 2
