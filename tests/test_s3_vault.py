"""A vault whose objects are in an S3 bucket with Object Lock, through the CLI, against a real
SeaweedFS on 127.0.0.1 (tests/s3_server.py): ingest uploads each object, checksummed and locked,
before its entry commits; verify streams every object back and checks its lock; what the operator
can still do to a bucket (a new version over a locked one, a delete marker, an unlocked or shortly
locked copy) is reported by its code; credentials never reach the vault."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import assert_one_error_line, ledger_rows, make_articles, ok, run, seed_files, seed_sums, unique
from s3_server import SeaweedServer
from warc_pages import page, write_warc

RETENTION_DAYS = 30


@pytest.fixture(scope="session")
def server(s3_server: SeaweedServer) -> SeaweedServer:
    return s3_server  # the test process's one server (tests/conftest.py)


def _bucket(server: SeaweedServer) -> str:
    return server.make_bucket(unique("s3vault", "-"))


def _init(server: SeaweedServer, vault: Path, bucket: str, *extra: str) -> None:
    ok(
        "init",
        "--objects",
        f"s3://{bucket}/case-1",
        "--s3-endpoint",
        server.endpoint,
        "--retention-days",
        str(RETENTION_DAYS),
        *extra,
        vault=vault,
        env=server.env(),
    )


@pytest.fixture(scope="module")
def pristine(server: SeaweedServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The seeds ingested once into a bucket-backed vault (read-only tests share it)."""
    vault = tmp_path_factory.mktemp("s3") / "vault"
    bucket = _bucket(server)
    _init(server, vault, bucket)
    ok("ingest", *seed_files(), vault=vault, env=server.env())
    return vault, bucket


@pytest.fixture
def fresh(server: SeaweedServer, tmp_path: Path) -> tuple[Path, str]:
    """A bucket-backed vault of its own, with the seeds ingested (for tests that damage it)."""
    vault = tmp_path / "vault"
    bucket = _bucket(server)
    _init(server, vault, bucket)
    ok("ingest", *seed_files(), vault=vault, env=server.env())
    return vault, bucket


def _key(digest: str) -> str:
    return f"case-1/sha256/{digest[:2]}/{digest}"


def _verify(server: SeaweedServer, vault: Path) -> dict[str, Any]:
    result = run("verify", "--json", vault=vault, env=server.env())
    assert result.code in (0, 1), str(result)
    doc: dict[str, Any] = result.json()
    return doc


def _codes(doc: dict[str, Any], what: str = "problems") -> list[str]:
    return [p["code"] for p in doc[what]]


def test_ingest_puts_each_object_checksummed_and_locked_and_verify_reads_them_back(
    server: SeaweedServer, pristine: tuple[Path, str]
) -> None:
    vault, bucket = pristine
    admin = server.client(server.admin)
    sums = seed_sums()
    assert not (vault / "objects").exists()  # the ledger is the vault's own SQLite; the bytes are in the bucket
    marker = json.loads((vault / "VAULT.json").read_text())
    assert marker["objects"] == {
        "backend": "s3",
        "bucket": bucket,
        "prefix": "case-1",
        "endpoint": server.endpoint,
        "retention_days": str(RETENTION_DAYS),
    }
    soon = datetime.now(UTC) + timedelta(days=RETENTION_DAYS) - timedelta(hours=1)
    for path in seed_files():
        digest = sums[path.name]
        head = admin.head_object(Bucket=bucket, Key=_key(digest), ChecksumMode="ENABLED")
        assert head["ChecksumSHA256"] == base64.b64encode(bytes.fromhex(digest)).decode()
        retention = admin.get_object_retention(Bucket=bucket, Key=_key(digest))["Retention"]
        assert retention["Mode"] == "COMPLIANCE" and retention["RetainUntilDate"] > soon
        body = admin.get_object(Bucket=bucket, Key=_key(digest))["Body"].read()
        assert body == path.read_bytes()
    doc = _verify(server, vault)
    assert doc["ok"] is True, doc["problems"]
    assert doc["counts"]["objects"] == len(seed_files())
    assert not doc["warnings"], doc["warnings"]
    # The credentials are in no file of the vault.
    for path in vault.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert server.operator.access_key.encode() not in data
            assert server.operator.secret_key.encode() not in data


def test_an_upload_the_store_refuses_records_nothing(
    server: SeaweedServer, fresh: tuple[Path, str], tmp_path: Path
) -> None:
    vault, _ = fresh
    before = ledger_rows_of(server, vault)
    wrong = {**server.env(), "AWS_SECRET_ACCESS_KEY": "0" * 40}
    # Three batches: the refusal of the first stops the rest (it once left the ingest waiting forever).
    result = run(
        "ingest", "--batch-size", "4", *make_articles(tmp_path / "new", 12), vault=vault, env=wrong, timeout=60
    )
    assert_one_error_line(result)
    assert "access denied" in result.err.lower() or "signature" in result.err.lower(), result.err
    assert "nothing was recorded" in result.err
    assert ledger_rows_of(server, vault) == before
    assert not [p for p in (vault / "tmp").rglob("*") if p.is_file()]


def ledger_rows_of(server: SeaweedServer, vault: Path) -> int:
    return len(ledger_rows(vault))


def test_what_the_operator_can_still_do_to_a_bucket_is_reported(server: SeaweedServer, fresh: tuple[Path, str]) -> None:
    vault, bucket = fresh
    operator = server.client()
    sums = seed_sums()
    first, second, third, fourth = (sums[p.name] for p in seed_files()[:4])
    # A new version over a locked one (the bucket is versioned): other bytes become current.
    operator.put_object(Bucket=bucket, Key=_key(first), Body=b"forged")
    # The same bytes again, but with no lock, and with a lock shorter than the vault declares.
    original = next(p for p in seed_files() if sums[p.name] == second).read_bytes()
    operator.put_object(Bucket=bucket, Key=_key(second), Body=original)
    short = datetime.now(UTC) + timedelta(days=1)
    third_bytes = next(p for p in seed_files() if sums[p.name] == third).read_bytes()
    operator.put_object(
        Bucket=bucket, Key=_key(third), Body=third_bytes, ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=short
    )
    # A delete without a version id: a delete marker hides the locked version.
    operator.delete_object(Bucket=bucket, Key=_key(fourth))
    doc = _verify(server, vault)
    assert doc["ok"] is False
    found = {(p["code"], p.get("item")) for p in doc["problems"]}
    assert ("OBJECT_SIZE_MISMATCH", first) in found or ("OBJECT_HASH_MISMATCH", first) in found, found
    assert ("OBJECT_LOCK_MISSING", second) in found, found
    assert ("OBJECT_LOCK_SHORT", third) in found, found
    assert ("OBJECT_MISSING", fourth) in found, found
    # The locked originals are all still there, as the lock promises.
    for digest in (first, second, third, fourth):
        assert _locked_original(operator, bucket, digest), digest


def _locked_original(client: Any, bucket: str, digest: str) -> bool:
    """Whether some version of the object's key holds its original bytes under a COMPLIANCE lock."""
    versions = client.list_object_versions(Bucket=bucket, Prefix=_key(digest))["Versions"]
    for version in versions:
        try:
            retention = client.get_object_retention(Bucket=bucket, Key=_key(digest), VersionId=version["VersionId"])
        except ClientError:
            continue  # a version written without a lock
        body = client.get_object(Bucket=bucket, Key=_key(digest), VersionId=version["VersionId"])["Body"].read()
        if retention["Retention"]["Mode"] == "COMPLIANCE" and hashlib.sha256(body).hexdigest() == digest:
            return True
    return False


def test_keys_no_entry_names_are_a_warning_or_a_problem(server: SeaweedServer, fresh: tuple[Path, str]) -> None:
    vault, bucket = fresh
    operator = server.client()
    orphan = b"uploaded by a writer that died before its entry committed"
    digest = hashlib.sha256(orphan).hexdigest()
    until = datetime.now(UTC) + timedelta(days=RETENTION_DAYS)
    operator.put_object(
        Bucket=bucket, Key=_key(digest), Body=orphan, ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=until
    )
    doc = _verify(server, vault)
    assert doc["ok"] is True, doc["problems"]
    assert _codes(doc, "warnings") == ["OBJECT_UNCOMMITTED"]
    operator.put_object(Bucket=bucket, Key="case-1/sha256/zz/not-an-object", Body=b"junk")
    doc = _verify(server, vault)
    assert _codes(doc) == ["OBJECT_UNKNOWN"]


def test_reextract_and_a_web_archive_read_their_bytes_from_the_bucket(
    server: SeaweedServer, fresh: tuple[Path, str], tmp_path: Path
) -> None:
    vault, _ = fresh
    warc = write_warc(
        tmp_path / "site.warc.gz",
        [
            ("https://news.example/a", page("Flood waters rise").encode(), "200 OK", "text/html; charset=utf-8"),
            ("https://news.example/b", page("Dam holds").encode(), "200 OK", "text/html; charset=utf-8"),
        ],
    )
    ok("ingest", warc, vault=vault, env=server.env())
    item = hashlib.sha256(warc.read_bytes()).hexdigest()
    shown = ok("show", f"{item}#https://news.example/b", vault=vault, env=server.env())
    assert "Dam holds" in shown.out
    for reread in (seed_sums()[seed_files()[0].name], item):
        result = run("reextract", reread, vault=vault, env=server.env())
        assert result.code == 0, str(result)
    assert not [p for p in (vault / "tmp").rglob("*") if p.is_file()]  # the download is gone
    doc = _verify(server, vault)
    assert doc["ok"] is True, doc["problems"]


def test_init_refuses_a_bucket_without_object_lock(server: SeaweedServer, tmp_path: Path) -> None:
    plain = unique("plain", "-")
    server.client(server.admin).create_bucket(Bucket=plain)
    vault = tmp_path / "vault"
    result = run(
        "init",
        "--objects",
        f"s3://{plain}",
        "--s3-endpoint",
        server.endpoint,
        "--retention-days",
        "30",
        vault=vault,
        env=server.env(),
    )
    assert_one_error_line(result)
    assert "Object Lock" in result.err
    assert not (vault / "VAULT.json").exists()


def test_init_needs_a_retention_when_the_bucket_declares_none(server: SeaweedServer, tmp_path: Path) -> None:
    bucket = _bucket(server)
    result = run(
        "init", "--objects", f"s3://{bucket}", "--s3-endpoint", server.endpoint, vault=tmp_path / "v", env=server.env()
    )
    assert_one_error_line(result, 2)
    assert "--retention-days" in result.err
    result = run("init", "--retention-days", "30", vault=tmp_path / "w")
    assert_one_error_line(result, 2)
    assert not (tmp_path / "w" / "VAULT.json").exists()
