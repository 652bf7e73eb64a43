"""The S3 object store against a real SeaweedFS (tests/s3_server.py): checksummed, locked puts; the
lock holding against the operator's own credentials; credentials from boto3's chain; verify finding
missing, damaged and unlocked objects. Buckets are made by the admin, objects written by the operator.
"""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import unique
from s3_server import SeaweedServer, _free_ports

from archive.errors import BadInputError, VaultError
from archive.storage.objects import StoreWriteError
from archive.storage.s3 import LOCK_MISSING, LOCK_SHORT, S3Objects, parse_s3_url

RETENTION_DAYS = 30


@pytest.fixture(scope="session")
def server(s3_server: SeaweedServer) -> SeaweedServer:
    return s3_server  # the test process's one server (tests/conftest.py)


def _bucket(server: SeaweedServer, *, locked: bool = True) -> str:
    name = unique("vault", "-")
    if locked:
        S3Objects(name, "", None, RETENTION_DAYS, client=server.client(server.admin)).ensure_bucket(create=True)
    else:
        server.client(server.admin).create_bucket(Bucket=name)
    return name


@pytest.fixture
def store(server: SeaweedServer) -> S3Objects:
    """A store in a fresh Object Lock bucket, written with the operator's credentials."""
    return S3Objects(_bucket(server), "vaults/v1", None, RETENTION_DAYS, client=server.client())


def _file(tmp_path: Path, data: bytes) -> tuple[Path, str]:
    digest = hashlib.sha256(data).hexdigest()
    path = tmp_path / f"staged-{digest[:12]}"
    path.write_bytes(data)
    return path, digest


def _versions(client: Any, bucket: str, key: str) -> list[dict[str, Any]]:
    listed = client.list_object_versions(Bucket=bucket, Prefix=key)
    return [v for v in listed.get("Versions", []) if v["Key"] == key]


def _refusal(call: Any) -> tuple[str, int]:
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response
    return str(error["Error"]["Code"]), int(error["ResponseMetadata"]["HTTPStatusCode"])


def test_an_s3_url_names_a_bucket_and_a_prefix() -> None:
    assert parse_s3_url("s3://evidence/vaults/one/") == ("evidence", "vaults/one")
    assert parse_s3_url("s3://evidence") == ("evidence", "")
    for bad in ("https://evidence/x", "s3://e/x", "evidence"):
        with pytest.raises(BadInputError):
            parse_s3_url(bad)


def test_put_exists_hash_open_and_list_round_trip(store: S3Objects, tmp_path: Path) -> None:
    small, small_digest = _file(tmp_path, b"an article, stored unchanged\n")
    large, large_digest = _file(tmp_path, os.urandom(3 * (1 << 20) + 17))  # more than one read block
    assert not store.exists(small_digest)
    store.put(small, small_digest)
    store.put(large, large_digest)
    assert store.exists(small_digest) and store.exists(large_digest)
    assert store.hash(small_digest) == (small_digest, small.stat().st_size)
    assert store.hash(large_digest) == (large_digest, large.stat().st_size)
    assert b"".join(store.open(small_digest)) == small.read_bytes()
    assert all(len(block) <= 1 << 20 for block in store.open(large_digest))
    with pytest.raises(VaultError):
        list(store.open(large_digest, max_size=1 << 20))
    listed = sorted(store.iter_stored())
    assert listed == sorted((d, f"vaults/v1/sha256/{d[:2]}/{d}") for d in (small_digest, large_digest))
    # The same bytes again (a retry) leave the one locked version as it is.
    store.put(small, small_digest)
    assert len(_versions(store.client(), store.bucket, store.key_for(small_digest))) == 1


def test_a_large_object_goes_up_in_parts_each_checked_and_the_whole_locked(
    server: SeaweedServer, tmp_path: Path
) -> None:
    store = S3Objects(
        _bucket(server), "p", None, RETENTION_DAYS, client=server.client(), multipart_at=6 << 20, part_size=5 << 20
    )
    data = os.urandom(12 << 20)
    path, digest = _file(tmp_path, data)
    store.put(path, digest)
    client, key = server.client(server.admin), store.key_for(digest)
    head = client.head_object(Bucket=store.bucket, Key=key, ChecksumMode="ENABLED")
    parts = [data[i : i + (5 << 20)] for i in range(0, len(data), 5 << 20)]
    composite = hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in parts)).digest()
    assert head["ChecksumSHA256"] == f"{base64.b64encode(composite).decode()}-3"
    assert head["ObjectLockMode"] == "COMPLIANCE"
    assert store.hash(digest) == (digest, len(data))
    assert store.check(digest, len(data)) is None
    store.put(path, digest)  # a retry: the composite checksum matches, nothing is sent again
    assert len(_versions(client, store.bucket, key)) == 1
    assert not client.list_multipart_uploads(Bucket=store.bucket).get("Uploads")


@pytest.mark.slow
def test_listing_is_paginated(server: SeaweedServer, tmp_path: Path) -> None:
    store = S3Objects(_bucket(server), "p", None, RETENTION_DAYS, client=server.client())
    digests = set()
    for i in range(1005):  # more than one page of 1,000 keys
        path, digest = _file(tmp_path, f"object {i}\n".encode())
        store.put(path, digest)
        digests.add(digest)
    assert {name for name, _ in store.iter_stored()} == digests


def test_the_store_refuses_bytes_that_do_not_match_their_checksum(store: S3Objects, tmp_path: Path) -> None:
    path, _ = _file(tmp_path, b"the real bytes\n")
    claimed = hashlib.sha256(b"other bytes\n").hexdigest()
    with pytest.raises(StoreWriteError, match="do not match the checksum"):
        store.put(path, claimed)
    assert not store.exists(claimed)
    assert list(store.iter_stored()) == []


def test_each_object_is_locked_in_compliance_mode_for_the_declared_retention(store: S3Objects, tmp_path: Path) -> None:
    bucket = store.ensure_bucket()
    assert bucket.enabled
    path, digest = _file(tmp_path, b"locked bytes\n")
    before = datetime.now(UTC)
    store.put(path, digest)
    lock = store.lock(digest)
    assert lock is not None
    assert lock.mode == "COMPLIANCE"
    assert lock.retain_until >= before + timedelta(days=RETENTION_DAYS) - timedelta(seconds=1)
    assert store.check(digest) is None


def test_the_lock_holds_against_the_operators_own_credentials(
    server: SeaweedServer, store: S3Objects, tmp_path: Path
) -> None:
    path, digest = _file(tmp_path, b"evidence that must stay\n")
    store.put(path, digest)
    operator = server.client()
    key = store.key_for(digest)
    (locked,) = _versions(operator, store.bucket, key)
    version = locked["VersionId"]
    lock = store.lock(digest)
    assert lock is not None

    # Deleting the locked version is refused.
    assert _refusal(lambda: operator.delete_object(Bucket=store.bucket, Key=key, VersionId=version)) == (
        "AccessDenied",
        403,
    )
    # Shortening its retention is refused; so is turning it into GOVERNANCE with a bypass.
    shorter = {"Mode": "COMPLIANCE", "RetainUntilDate": lock.retain_until - timedelta(days=1)}
    assert _refusal(
        lambda: operator.put_object_retention(Bucket=store.bucket, Key=key, VersionId=version, Retention=shorter)
    ) == ("AccessDenied", 403)
    governance = {"Mode": "GOVERNANCE", "RetainUntilDate": lock.retain_until}
    assert _refusal(
        lambda: operator.put_object_retention(
            Bucket=store.bucket, Key=key, VersionId=version, Retention=governance, BypassGovernanceRetention=True
        )
    ) == ("AccessDenied", 403)
    # Even the admin cannot delete it, with or without a governance bypass.
    admin = server.client(server.admin)
    assert _refusal(
        lambda: admin.delete_object(Bucket=store.bucket, Key=key, VersionId=version, BypassGovernanceRetention=True)
    ) == ("AccessDenied", 403)
    # Writing over the key makes a new version beside it; the locked one keeps its bytes and lock.
    operator.put_object(Bucket=store.bucket, Key=key, Body=b"forged\n")
    assert len(_versions(operator, store.bucket, key)) == 2
    assert store.hash(digest, version=version) == (digest, path.stat().st_size)
    assert store.lock(digest, version=version) == lock
    # ...and verify sees that the current version is not the locked bytes.
    problem = store.check(digest)
    assert problem is not None and problem.code == "OBJECT_HASH_MISMATCH"


def test_without_a_lock_the_operator_could_delete(server: SeaweedServer, tmp_path: Path) -> None:
    """The control for the test above: the refusals come from the lock, not from missing permissions."""
    bucket = _bucket(server, locked=False)
    operator = server.client()
    operator.put_object(Bucket=bucket, Key="k", Body=b"x")
    operator.delete_object(Bucket=bucket, Key="k")
    assert operator.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0
    with pytest.raises(VaultError, match="no Object Lock"):
        S3Objects(bucket, "", None, RETENTION_DAYS, client=operator).ensure_bucket()


def test_wrong_credentials_are_refused(server: SeaweedServer, store: S3Objects, tmp_path: Path) -> None:
    path, digest = _file(tmp_path, b"bytes\n")
    wrong = S3Objects(store.bucket, store.prefix, None, RETENTION_DAYS, client=server.client(secret="not-the-secret"))
    with pytest.raises(StoreWriteError, match="access denied"):
        wrong.put(path, digest)
    with pytest.raises(VaultError, match="access denied"):
        wrong.ensure_bucket()
    assert not store.exists(digest)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """An environment with no AWS settings of the machine's own (no profile files, no variables)."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return monkeypatch


def test_credentials_come_from_the_standard_chain(
    server: SeaweedServer, store: S3Objects, aws_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path, digest = _file(tmp_path, b"written with environment credentials\n")
    chained = S3Objects(store.bucket, store.prefix, server.endpoint, RETENTION_DAYS)
    with pytest.raises(StoreWriteError, match="no AWS credentials"):
        chained.put(path, digest)
    # A profile in a shared credentials file.
    credentials = tmp_path / "no-credentials"
    credentials.write_text(
        f"[evidence]\naws_access_key_id = {server.operator.access_key}\n"
        f"aws_secret_access_key = {server.operator.secret_key}\n"
    )
    aws_env.setenv("AWS_PROFILE", "evidence")
    S3Objects(store.bucket, store.prefix, server.endpoint, RETENTION_DAYS).put(path, digest)
    assert store.exists(digest)
    assert not any(server.operator.secret_key in repr(v) for v in vars(chained).values() if isinstance(v, str))


def test_an_endpoint_that_is_down_is_one_clear_error(aws_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    aws_env.setenv("AWS_ACCESS_KEY_ID", "AKNOBODY")
    aws_env.setenv("AWS_SECRET_ACCESS_KEY", "nothing")
    (port,) = _free_ports(1)
    down = S3Objects("evidence", "", f"http://127.0.0.1:{port}", RETENTION_DAYS)
    path, digest = _file(tmp_path, b"bytes\n")
    with pytest.raises(StoreWriteError, match="cannot write to the object store") as caught:
        down.put(path, digest)
    assert "\n" not in str(caught.value)
    with pytest.raises(VaultError, match="Could not connect"):
        down.exists(digest)


def test_parallel_verify_finds_missing_damaged_and_unlocked_objects(
    server: SeaweedServer, store: S3Objects, tmp_path: Path
) -> None:
    operator = server.client()
    good = []
    for i in range(12):
        path, digest = _file(tmp_path, os.urandom((1 << 20) + i))
        store.put(path, digest)
        good.append(digest)
    missing = hashlib.sha256(b"never stored\n").hexdigest()
    # Damage with the operator's credentials: new bytes written over an object's key.
    damaged = good[3]
    operator.put_object(Bucket=store.bucket, Key=store.key_for(damaged), Body=b"not the evidence\n")
    # An object written with the right bytes and checksum but without a lock.
    bare_bytes = b"stored without a lock\n"
    bare = hashlib.sha256(bare_bytes).hexdigest()
    operator.put_object(
        Bucket=store.bucket,
        Key=store.key_for(bare),
        Body=bare_bytes,
        ChecksumSHA256=base64.b64encode(bytes.fromhex(bare)).decode(),
    )
    # An object locked for a day where the vault declares thirty.
    short_bytes = b"locked too briefly\n"
    short = hashlib.sha256(short_bytes).hexdigest()
    operator.put_object(
        Bucket=store.bucket,
        Key=store.key_for(short),
        Body=short_bytes,
        ObjectLockMode="COMPLIANCE",
        ObjectLockRetainUntilDate=datetime.now(UTC) + timedelta(days=1),
    )
    asked = [*good, missing, bare, short]
    sizes = {d: (1 << 20) + i for i, d in enumerate(good)}
    sizes[good[5]] += 1  # the ledger says another size
    found = list(store.verify_all(asked, workers=4, sizes=sizes))
    assert [d for d, _ in found] == asked
    codes = {d: p.code for d, p in found if p is not None}
    assert codes == {
        damaged: "OBJECT_SIZE_MISMATCH",
        good[5]: "OBJECT_SIZE_MISMATCH",
        missing: "OBJECT_MISSING",
        bare: LOCK_MISSING,
        short: LOCK_SHORT,
    }
    # Without the ledger's sizes, the overwritten object is caught by its hash.
    (problem,) = [p for _, p in store.verify_all([damaged], workers=2)]
    assert problem is not None and problem.code == "OBJECT_HASH_MISMATCH"


def test_verify_of_an_unlocked_bucket_reports_every_object_unlocked(server: SeaweedServer, tmp_path: Path) -> None:
    bucket = _bucket(server, locked=False)
    unlocked = S3Objects(bucket, "", None, RETENTION_DAYS, client=server.client())
    path, digest = _file(tmp_path, b"bytes in a bucket without Object Lock\n")
    server.client().put_object(Bucket=bucket, Key=unlocked.key_for(digest), Body=path.read_bytes())
    assert [(d, p.code if p else None) for d, p in unlocked.verify_all([digest], workers=2)] == [(digest, LOCK_MISSING)]


def test_ensure_bucket_reports_the_buckets_default_retention(server: SeaweedServer) -> None:
    bucket = _bucket(server)
    store = S3Objects(bucket, "", None, RETENTION_DAYS, client=server.client())
    assert store.ensure_bucket() == (True, None, None)
    server.client(server.admin).put_object_lock_configuration(
        Bucket=bucket,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 7}},
        },
    )
    assert store.ensure_bucket() == (True, "COMPLIANCE", 7)
    with pytest.raises(VaultError, match="cannot open the bucket"):
        S3Objects(f"{bucket}-absent", "", None, RETENTION_DAYS, client=server.client()).ensure_bucket()
