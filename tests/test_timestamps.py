"""RFC 3161 trusted time: tokens from a real TSA (`openssl ts -reply` over HTTP on 127.0.0.1),
kept with their checkpoints, checked by `verify`, by `openssl ts -verify`, and offline in manifests.

Set up through the library or the CLI, act through the CLI, check through the library and outside
tools; every TSA here is a real server process started by a fixture and stopped by its pid.
"""

from __future__ import annotations

import base64
import json
import select
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import SEEDS, database, ok, run
from lib import ingest, open_archive
from tsa_server import make_pki, reply

from archive import schemas
from archive.core.canonical import canonical_bytes
from archive.evidence.tokens import check_token, load_roots, make_request, read_reply
from archive.service.timestamps import timestamp
from archive.service.tsaconfig import TSA, add_tsa

SERVER = Path(__file__).resolve().parent / "tsa_server.py"
Server = Callable[[Path, str], str]


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The trusted TSA: a test CA and a TSA certificate it issued (a reply embeds the TSA's alone)."""
    return make_pki(tmp_path_factory.mktemp("pki") / "trusted", "Trusted", embed_ca=False)


@pytest.fixture(scope="module")
def stranger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A TSA of another CA, which no test vault trusts."""
    return make_pki(tmp_path_factory.mktemp("pki") / "stranger", "Stranger", embed_ca=False)


@pytest.fixture(scope="module")
def tsa() -> Iterator[Server]:
    """Start `tests/tsa_server.py PKI MODE` on a free port of 127.0.0.1; its URL. Stopped by pid."""
    started: list[subprocess.Popen[str]] = []

    def start(where: Path, mode: str) -> str:
        proc = subprocess.Popen(
            [sys.executable, str(SERVER), str(where), mode], stdout=subprocess.PIPE, text=True, cwd=SERVER.parent
        )
        started.append(proc)
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        assert ready, "the TSA did not start"
        line = proc.stdout.readline()
        assert line.startswith("port "), line
        return f"http://127.0.0.1:{int(line.split()[1])}/tsa"

    yield start
    for proc in started:
        proc.kill()
        proc.wait(timeout=30)


ORIGIN = "example.org/timestamps"
ARTICLE = SEEDS / "001_40422bc615495af1.txt"


def _vault(tmp_path: Path, name: str = "v") -> Path:
    """A new vault, made through the library (its key entry and first checkpoint)."""
    vault = tmp_path / name
    open_archive(vault, origin=ORIGIN).close()
    return vault


def _verify(vault: Path, *extra: str | Path) -> dict[str, Any]:
    result = run("verify", "--json", *extra, vault=vault)
    doc: dict[str, Any] = json.loads(result.out)
    assert result.code == (0 if doc["ok"] else 1), str(result)
    return doc


def _codes(doc: dict[str, Any], kind: str = "problems") -> list[str]:
    return [p["code"] for p in doc[kind]]


def _tokens(vault: Path) -> list[tuple[int, str, bytes]]:
    with database(vault) as conn:
        return [(int(s), str(t), bytes(b)) for s, t, b in conn.execute("SELECT size, tsa, token FROM timestamp")]


def _checkpoint(vault: Path) -> tuple[int, str]:
    with database(vault) as conn:
        size, note = conn.execute("SELECT size, note FROM checkpoint ORDER BY size DESC LIMIT 1").fetchone()
    return int(size), str(note)


def _key(vault: Path) -> str:
    return ok("key", "show", vault=vault).out.strip()


# ---- a real TSA, after every write -------------------------------------------------------------


def test_a_configured_tsa_stamps_every_write_and_verify_and_openssl_accept_the_token(
    tmp_path: Path, pki: Path, tsa: Server
) -> None:
    vault = _vault(tmp_path)
    url = tsa(pki, "ok")
    ok("tsa", "add", url, "--roots", pki / "ca.pem", vault=vault)
    ok("ingest", ARTICLE, vault=vault)
    ok("amend", "bd253d2a", "--set", "outlet=Washington Examiner", "--reason", "seen on the page", vault=vault)
    size, note = _checkpoint(vault)
    stored = _tokens(vault)
    # One token per write, each over the checkpoint that write issued.
    assert [(s, t) for s, t, _ in stored] == [(2, url), (3, url)]
    doc = _verify(vault)
    assert doc["ok"] is True and _codes(doc, "warnings") == []
    assert [(t["size"], t["verified"]) for t in doc["timestamps"]] == [(2, True), (3, True)]
    # An outside tool agrees: openssl checks the token against the note's exact bytes and the CA.
    token = next(t for s, _, t in stored if s == size)
    (tmp_path / "token.der").write_bytes(token)
    (tmp_path / "checkpoint.txt").write_bytes(note.encode("utf-8"))
    openssl = ["openssl", "ts", "-verify", "-token_in", "-in", str(tmp_path / "token.der")]
    openssl += ["-data", str(tmp_path / "checkpoint.txt"), "-CAfile", str(pki / "ca.pem")]
    checked = subprocess.run(openssl, capture_output=True, text=True, timeout=60, check=False)
    assert checked.returncode == 0 and "Verification: OK" in checked.stdout, checked.stdout + checked.stderr
    (tmp_path / "checkpoint.txt").write_bytes(note.encode("utf-8") + b"\n")  # one byte more: other bytes
    other = subprocess.run(openssl, capture_output=True, text=True, timeout=60, check=False)
    assert other.returncode != 0


def test_archive_timestamp_asks_once_per_checkpoint_and_names_what_it_proves(
    tmp_path: Path, pki: Path, tsa: Server
) -> None:
    vault = _vault(tmp_path)
    url = tsa(pki, "ok")
    first = ok("timestamp", "--tsa", url, "--roots", pki / "ca.pem", "--json", vault=vault).json()
    assert [(o["tsa"], o["size"], o["status"]) for o in first["timestamps"]] == [(url, 1, "stamped")]
    again = ok("timestamp", "--tsa", url, "--roots", pki / "ca.pem", "--json", vault=vault).json()
    assert [o["status"] for o in again["timestamps"]] == ["already"]
    assert len(_tokens(vault)) == 1
    # Not configured: verify reads the token (imprint, time) but says its signature went unchecked ...
    doc = _verify(vault)
    assert doc["ok"] is True and _codes(doc, "warnings") == ["TIMESTAMP_UNCHECKED"]
    # ... until it is given the roots.
    doc = _verify(vault, "--tsa-roots", pki / "ca.pem")
    assert doc["ok"] is True and _codes(doc, "warnings") == []


def test_a_timestamp_without_roots_for_an_unconfigured_tsa_is_a_usage_error(tmp_path: Path) -> None:
    vault = _vault(tmp_path)
    result = run("timestamp", "--tsa", "http://127.0.0.1:9/tsa", vault=vault)
    assert result.code == 2 and "--roots" in result.err
    result = run("timestamp", vault=vault)
    assert result.code == 2 and "no TSA is configured" in result.err


# ---- TSAs that fail: the write goes on, the gap is filled later -------------------------------


@pytest.mark.parametrize(
    ("mode", "said"),
    [
        pytest.param("hang", "no answer within 1 s", marks=pytest.mark.slow),  # waits out its timeouts
        ("garbage", "not an RFC 3161 reply"),
    ],
)
def test_a_tsa_that_hangs_or_answers_garbage_warns_and_the_checkpoint_is_still_issued(
    tmp_path: Path, pki: Path, tsa: Server, mode: str, said: str
) -> None:
    vault = _vault(tmp_path)
    bad = tsa(pki, mode)
    ok("tsa", "add", bad, "--roots", pki / "ca.pem", "--timeout", "1", vault=vault)
    result = run("ingest", ARTICLE, vault=vault, timeout=60)
    assert result.code == 0, str(result)
    assert f"warning: TSA {bad}: " in result.err and said in result.err
    assert "1 ingested" in result.out
    assert _checkpoint(vault)[0] == 2 and _tokens(vault) == []
    doc = _verify(vault)
    assert doc["ok"] is True and doc["counts"]["timestamps"] == 0
    # `archive timestamp` names the TSA and fails; a working TSA fills the gap afterwards.
    failed = run("timestamp", vault=vault, timeout=60)
    assert failed.code == 3 and f"error: TSA {bad}: " in failed.err
    good = tsa(pki, "ok")
    ok("tsa", "remove", bad, vault=vault)
    ok("tsa", "add", good, "--roots", pki / "ca.pem", vault=vault)
    ok("timestamp", vault=vault)
    assert [(s, t) for s, t, _ in _tokens(vault)] == [(2, good)]
    assert _verify(vault)["ok"] is True


def test_a_token_over_other_bytes_is_refused_and_nothing_is_kept(tmp_path: Path, pki: Path, tsa: Server) -> None:
    vault = _vault(tmp_path)
    url = tsa(pki, "mismatch")
    result = run("timestamp", "--tsa", url, "--roots", pki / "ca.pem", vault=vault)
    assert result.code == 3 and f"error: TSA {url}: " in result.err and "over other bytes" in result.err
    assert _tokens(vault) == []


def test_a_token_from_a_tsa_outside_the_roots_is_refused(
    tmp_path: Path, pki: Path, stranger: Path, tsa: Server
) -> None:
    vault = _vault(tmp_path)
    url = tsa(stranger, "ok")
    result = run("timestamp", "--tsa", url, "--roots", pki / "ca.pem", vault=vault)
    assert result.code == 3 and f"error: TSA {url}: " in result.err and "does not chain" in result.err
    assert _tokens(vault) == []


def test_a_reply_with_an_unsorted_certificate_set_is_refused_with_a_clear_message(tmp_path: Path, tsa: Server) -> None:
    # openssl embeds the signer's certificate first and then the CA's: not the DER order of a SET OF
    # (the longer TSA certificate sorts after the CA's), which rfc3161-client refuses to parse.
    chained = make_pki(tmp_path / "chained", "Chained", embed_ca=True)
    vault = _vault(tmp_path)
    url = tsa(chained, "ok")
    result = run("timestamp", "--tsa", url, "--roots", chained / "ca.pem", vault=vault)
    assert result.code == 3 and "unsorted SET OF" in result.err and url in result.err
    assert _tokens(vault) == []


# ---- tokens stored: verify checks each ----------------------------------------------------------


@pytest.fixture
def stamped(tmp_path: Path, pki: Path, tsa: Server) -> tuple[Path, str]:
    """A vault whose configured TSA stamped its ingest (checkpoint 2) and its amendment (checkpoint 3),
    set up through the library."""
    vault = _vault(tmp_path)
    url = tsa(pki, "ok")
    config = TSA(url, (pki / "ca.pem").read_text("utf-8"))
    add_tsa(vault, config)
    with open_archive(vault, origin=ORIGIN) as archive:
        [result] = ingest(archive, [ARTICLE])
        assert [o.status for o in timestamp(archive, [config])] == ["stamped"]
        archive.amend(result.item, {"outlet": ["Washington Examiner"]}, [], "seen on the page")
        assert [o.status for o in timestamp(archive, [config])] == ["stamped"]
    return vault, url


def _insert(vault: Path, size: int, tsa: str, token: bytes) -> None:
    with database(vault) as conn:
        conn.execute("INSERT INTO timestamp (size, tsa, token) VALUES (?, ?, ?)", (size, tsa, token))
        conn.commit()


def test_a_token_filed_under_another_checkpoint_is_an_imprint_mismatch(stamped: tuple[Path, str]) -> None:
    vault, url = stamped
    token = next(t for s, _, t in _tokens(vault) if s == 2)
    _insert(vault, 3, url, token)  # the token over checkpoint 2, filed as if it were over 3
    assert _codes(_verify(vault)) == ["TIMESTAMP_IMPRINT_MISMATCH"]


def test_a_tampered_token_is_a_bad_signature(stamped: tuple[Path, str]) -> None:
    vault, url = stamped
    token = bytearray(next(t for s, _, t in _tokens(vault) if s == 3))
    token[-10] ^= 0x01  # inside the CMS signature
    _insert(vault, 3, url, bytes(token))
    assert _codes(_verify(vault)) == ["TIMESTAMP_SIGNATURE_INVALID"]


def test_a_token_that_is_not_a_token_is_malformed(stamped: tuple[Path, str]) -> None:
    vault, url = stamped
    _insert(vault, 3, url, b"\x30\x03\x02\x01\x00")
    assert _codes(_verify(vault)) == ["TIMESTAMP_MALFORMED"]


def test_a_token_from_an_untrusted_tsa_is_reported(
    stamped: tuple[Path, str], pki: Path, stranger: Path, tsa: Server
) -> None:
    vault, url = stamped
    other = tsa(stranger, "ok")
    ok("timestamp", "--tsa", other, "--roots", stranger / "ca.pem", vault=vault)
    # Filed under the configured TSA's URL, its token is checked against that TSA's roots.
    token = next(t for s, u, t in _tokens(vault) if u == other)
    _insert(vault, 3, url, token)
    doc = _verify(vault)
    assert _codes(doc) == ["TIMESTAMP_UNTRUSTED"] and _codes(doc, "warnings") == ["TIMESTAMP_UNCHECKED"]
    # Roots given are trusted for every token: with the stranger's, both of its tokens verify.
    doc = _verify(vault, "--tsa-roots", stranger / "ca.pem")
    assert _codes(doc) == [] and _codes(doc, "warnings") == []


def test_the_timestamp_table_refuses_update_and_delete(stamped: tuple[Path, str]) -> None:
    vault, _ = stamped
    with database(vault) as conn:
        for statement in ("UPDATE timestamp SET tsa = 'x'", "DELETE FROM timestamp"):
            with pytest.raises(sqlite3.IntegrityError, match="kept as received"):
                conn.execute(statement)
        conn.execute("DROP TRIGGER timestamp_no_delete")
        conn.commit()
    assert _codes(_verify(vault), "warnings") == ["GUARD_MISSING"]


def test_a_vault_made_before_the_table_gains_it_on_the_next_write(tmp_path: Path) -> None:
    vault = _vault(tmp_path)
    with database(vault) as conn:
        conn.execute("DROP TABLE timestamp")  # as a vault made before tokens were kept
        conn.commit()
    doc = _verify(vault)  # read-only: no table is no token, and its guards are not expected
    assert doc["ok"] is True and _codes(doc, "warnings") == []
    ok("ingest", ARTICLE, vault=vault)
    with database(vault) as conn:
        triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'timestamp'")}
    assert triggers == {"timestamp", "timestamp_no_update", "timestamp_no_delete", "sqlite_autoindex_timestamp_1"}
    assert _verify(vault)["ok"] is True


def test_gen_time_before_the_newest_entry_is_reported(pki: Path) -> None:
    note = "example.org/timestamps\n5\n" + base64.b64encode(bytes(32)).decode() + "\n\n— x y\n"
    request, nonce = make_request(note)
    token = read_reply(reply(pki, request), note, nonce)
    roots = load_roots((pki / "ca.pem").read_bytes())
    good = check_token(token, note, roots)
    assert good and good.trusted and good.gen_time is not None
    at = datetime.fromisoformat(good.gen_time)
    # The token states an accuracy of 1 s and genTime is whole seconds: up to 2 s after is still "not earlier".
    assert check_token(token, note, roots, newest_entry=at + timedelta(seconds=2))
    late = check_token(token, note, roots, newest_entry=at + timedelta(seconds=3))
    assert late.reason == "early"


# ---- manifests and proof files carry the tokens ------------------------------------------------


def _manifest(vault: Path, tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "manifest.json"
    ok("manifest", "--all", "-o", out, *args, vault=vault)
    return out


def _check(path: Path, key: str, *extra: str | Path) -> dict[str, Any]:
    result = run("verify-manifest", path, "--key", key, "--json", *extra)
    doc: dict[str, Any] = json.loads(result.out)
    assert result.code == (0 if doc["ok"] else 1), str(result)
    return doc


def test_a_manifest_carries_its_checkpoints_token_and_verifies_offline(
    stamped: tuple[Path, str], tmp_path: Path, pki: Path, stranger: Path
) -> None:
    vault, url = stamped
    key = _key(vault)
    path = _manifest(vault, tmp_path)
    doc = json.loads(path.read_text("utf-8"))
    size, _ = _checkpoint(vault)
    assert [t["tsa"] for t in doc["timestamps"]] == [url]
    assert base64.b64decode(doc["timestamps"][0]["token"]) == next(t for s, _, t in _tokens(vault) if s == size)
    assert [(t["tsa"], t["size"]) for t in doc["time"]["timestamped"]] == [(url, size)]
    checked = _check(path, key, "--tsa-roots", pki / "ca.pem")
    assert checked["ok"] is True
    proofs = checked["timestamps"]
    assert isinstance(proofs, list) and len(proofs) == 1
    proof = proofs[0]
    assert proof["verified"] is True and proof["gen_time"] == doc["time"]["timestamped"][0]["gen_time"]
    # Without roots the token is read but not relied on; the check still passes.
    unchecked = _check(path, key)
    assert unchecked["ok"] is True and unchecked["timestamps"][0]["verified"] is False
    # Roots of another authority: the token proves nothing, and time was required.
    assert _codes(_check(path, key, "--tsa-roots", stranger / "ca.pem")) == [
        "MANIFEST_TIMESTAMP_UNTRUSTED",
        "MANIFEST_TIMESTAMP_MISSING",
    ]


def _edited(path: Path, tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    doc = json.loads(path.read_text("utf-8"))
    change(doc)
    out = tmp_path / "edited.json"
    out.write_text(json.dumps(doc, indent=2, ensure_ascii=False), "utf-8")
    return out


def test_a_manifest_fails_when_its_token_is_removed_or_altered(
    stamped: tuple[Path, str], tmp_path: Path, pki: Path
) -> None:
    vault, _ = stamped
    key = _key(vault)
    path = _manifest(vault, tmp_path)
    roots = ("--tsa-roots", pki / "ca.pem")

    def remove(doc: dict[str, Any]) -> None:
        doc["timestamps"] = []

    def alter(doc: dict[str, Any]) -> None:
        carried = doc["timestamps"][0]
        der = bytearray(base64.b64decode(carried["token"]))
        der[-10] ^= 0x01
        carried["token"] = base64.b64encode(bytes(der)).decode()

    def redate(doc: dict[str, Any]) -> None:
        doc["time"]["timestamped"][0]["gen_time"] = "2020-01-01T00:00:00.000000Z"

    codes = _codes(_check(_edited(path, tmp_path, remove), key, *roots))
    assert codes == ["MANIFEST_SIGNATURE_INVALID", "MANIFEST_TIMESTAMP_MISSING", "MANIFEST_TIME_MISMATCH"]
    codes = _codes(_check(_edited(path, tmp_path, alter), key, *roots))
    assert codes == ["MANIFEST_SIGNATURE_INVALID", "MANIFEST_TIMESTAMP_INVALID", "MANIFEST_TIMESTAMP_MISSING"]
    codes = _codes(_check(_edited(path, tmp_path, redate), key, *roots))
    assert codes == ["MANIFEST_SIGNATURE_INVALID", "MANIFEST_TIME_MISMATCH"]


def test_a_manifest_without_tokens_says_so_and_fails_when_time_is_required(tmp_path: Path, pki: Path) -> None:
    vault = _vault(tmp_path)
    with open_archive(vault, origin=ORIGIN) as archive:
        ingest(archive, [ARTICLE])
    path = _manifest(vault, tmp_path)
    doc = json.loads(path.read_text("utf-8"))
    assert doc["timestamps"] == [] and doc["time"]["timestamped"] == []
    assert "No Time-Stamp Authority" in doc["time"]["summary"]
    assert _check(path, _key(vault))["ok"] is True
    assert _codes(_check(path, _key(vault), "--tsa-roots", pki / "ca.pem")) == ["MANIFEST_TIMESTAMP_MISSING"]


def test_a_proof_file_and_the_markdown_carry_the_time(stamped: tuple[Path, str], tmp_path: Path, pki: Path) -> None:
    vault, url = stamped
    proof = tmp_path / "proof.json"
    ok("export", "proof", "bd253d2a", "-o", proof, vault=vault)
    assert [t["tsa"] for t in json.loads(proof.read_text("utf-8"))["timestamps"]] == [url]
    assert _check(proof, _key(vault), "--tsa-roots", pki / "ca.pem")["ok"] is True
    markdown = ok("manifest", "--all", "--format", "md", vault=vault).out
    section = markdown.split("## Time", 1)[1].split("## 1.", 1)[0]
    assert "archive's own clock" in section and "no later than" in section


# ---- configuration -------------------------------------------------------------------------------


def test_tsa_add_list_remove_keep_a_small_json_file(tmp_path: Path, pki: Path) -> None:
    vault = _vault(tmp_path)
    ok("tsa", "add", "http://127.0.0.1:9/a", "--roots", pki / "ca.pem", vault=vault)
    ok("tsa", "add", "https://tsa.example/b", "--roots", pki / "ca.pem", "--timeout", "3", vault=vault)
    listed = ok("tsa", "list", "--json", vault=vault).json()
    assert [(t["url"], t["timeout"], t["roots"]) for t in listed] == [
        ("http://127.0.0.1:9/a", 10, ["CN=Trusted Root CA"]),
        ("https://tsa.example/b", 3, ["CN=Trusted Root CA"]),
    ]
    config = vault / "tsa.json"
    assert config.stat().st_mode & 0o777 == 0o644
    written = config.read_bytes()
    assert written == canonical_bytes(json.loads(written)) + b"\n"
    assert schemas.errors("tsa", json.loads(written)) == []
    ok("tsa", "remove", "http://127.0.0.1:9/a", vault=vault)
    assert [t["url"] for t in ok("tsa", "list", "--json", vault=vault).json()] == ["https://tsa.example/b"]
    assert run("tsa", "remove", "http://127.0.0.1:9/a", vault=vault).code == 3


def test_bad_tsa_settings_are_refused_and_change_nothing(tmp_path: Path, pki: Path) -> None:
    vault = _vault(tmp_path)
    not_pem = tmp_path / "roots.pem"
    not_pem.write_text("not a certificate\n")
    assert run("tsa", "add", "http://127.0.0.1:9/a", "--roots", not_pem, vault=vault).code == 3
    assert run("tsa", "add", "ftp://127.0.0.1/a", "--roots", pki / "ca.pem", vault=vault).code == 2
    assert run("tsa", "add", "http://u:p@127.0.0.1/a", "--roots", pki / "ca.pem", vault=vault).code == 2
    assert run("tsa", "add", "http://127.0.0.1/a", "--roots", pki / "ca.pem", "--timeout", "0", vault=vault).code == 2
    assert not (vault / "tsa.json").exists()
    (vault / "tsa.json").write_text("{not json")
    broken = run("ingest", ARTICLE, vault=vault)
    assert broken.code == 0 and "warning: TSA tsa.json" in broken.err  # the write is never lost
    assert _codes(_verify(vault)) == []


SYSTEM_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")


@pytest.mark.skipif(not SYSTEM_BUNDLE.is_file(), reason="no system CA bundle on this machine")
def test_the_system_bundle_loads_as_roots_without_a_warning() -> None:
    # Debian's bundle holds a root with a negative serial, for which cryptography warns on every
    # load: as --roots it must load quietly (the warning would be a line of noise on stderr).
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(load_roots(SYSTEM_BUNDLE.read_bytes())) > 10
