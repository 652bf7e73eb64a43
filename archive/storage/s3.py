"""The content-addressed object store in an S3 bucket with Object Lock, through boto3.

Keys are `<prefix>/sha256/<first two hex>/<64 hex>`. Each object is written with its SHA-256
checksum (the store refuses bytes that do not match it) and a COMPLIANCE retention of the vault's
declared length, so within it nobody, the operator included, can delete, overwrite or shorten the
locked version. Credentials come from boto3's usual chain (environment, profile); they are never
taken as arguments to keep and never stored in a vault.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from archive.core.digest import CHUNK, is_hex_digest
from archive.core.problems import Problem
from archive.errors import BadInputError, VaultError
from archive.storage.objects import StoreWriteError

COMPLIANCE = "COMPLIANCE"
MULTIPART_AT = 1 << 30  # objects this large are uploaded in parts (S3 takes no single PUT over 5 GiB)
PART_SIZE = 8 << 20  # bytes per part (in memory while it is sent)
MIN_PART = 5 << 20  # S3's least part size (but for the last)
MAX_PARTS = 10_000
# Clocks of the writer and the store may differ a little; a lock this much short still counts.
LOCK_TOLERANCE = timedelta(minutes=5)
# Problem codes beyond the folder's (OBJECT_MISSING, OBJECT_UNREADABLE, OBJECT_SIZE_MISMATCH,
# OBJECT_HASH_MISMATCH): an object version with no COMPLIANCE lock, or one shorter than declared.
LOCK_MISSING = "OBJECT_LOCK_MISSING"
LOCK_SHORT = "OBJECT_LOCK_SHORT"
_NOT_FOUND = {"404", "NoSuchKey", "NotFound", "NoSuchVersion"}
_NO_LOCK = {"NoSuchObjectLockConfiguration", "ObjectLockConfigurationNotFoundError", "InvalidRequest"}
_DENIED = {"AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId", "InvalidToken", "ExpiredToken", "403"}


class BucketLock(NamedTuple):
    """A bucket's Object Lock: enabled or not, and its default retention (if it declares one)."""

    enabled: bool
    default_mode: str | None
    default_days: int | None


class Lock(NamedTuple):
    """An object version's retention."""

    mode: str
    retain_until: datetime


def parse_s3_url(url: str) -> tuple[str, str]:
    """`s3://bucket/prefix` as (bucket, prefix); the prefix may be empty."""
    if not isinstance(url, str) or not url.startswith("s3://"):
        raise BadInputError(f"not an s3:// URL: {str(url)[:200]!r}")
    bucket, _, prefix = url[len("s3://") :].partition("/")
    if not 3 <= len(bucket) <= 63:
        raise BadInputError(f"not an S3 bucket name: {bucket[:80]!r}")
    return bucket, prefix.strip("/")


class S3Objects:
    """Objects under `<prefix>/sha256/` in one bucket, each locked for `retention_days`."""

    def __init__(
        self,
        bucket: str,
        prefix: str,
        endpoint: str | None,
        retention_days: int,
        *,
        client: Any = None,
        region: str | None = None,
        multipart_at: int = MULTIPART_AT,
        part_size: int = PART_SIZE,
    ) -> None:
        if not isinstance(retention_days, int) or isinstance(retention_days, bool) or retention_days < 1:
            raise BadInputError(f"a retention must be a whole number of days, at least 1: {retention_days!r}")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint = endpoint
        self.region = region
        self.multipart_at = multipart_at
        self.part_size = max(part_size, MIN_PART)
        self.retention = timedelta(days=retention_days)
        self._client = client
        self._client_lock = threading.Lock()
        self._pool = 10

    @property
    def where(self) -> str:
        place = f"s3://{self.bucket}/{self.prefix}".rstrip("/")
        return f"{place} at {self.endpoint}" if self.endpoint else place

    def client(self) -> Any:
        """The boto3 client, made on first use from the standard credential chain (thread-safe once made)."""
        with self._client_lock:
            if self._client is None:
                config = Config(
                    retries={"max_attempts": 3, "mode": "standard"},
                    connect_timeout=10,
                    read_timeout=60,
                    max_pool_connections=self._pool,
                )
                try:
                    self._client = boto3.session.Session().client(
                        "s3", endpoint_url=self.endpoint, region_name=self.region, config=config
                    )
                except (BotoCoreError, ValueError) as exc:
                    raise VaultError(f"cannot use the object store {self.where}: {exc}") from exc
            return self._client

    def key_for(self, digest: str) -> str:
        if not is_hex_digest(digest):
            raise BadInputError(f"not a SHA-256 hex digest: {str(digest)[:80]!r}")
        return f"{self.prefix}/sha256/{digest[:2]}/{digest}" if self.prefix else f"sha256/{digest[:2]}/{digest}"

    # ---- the bucket ------------------------------------------------------------------------

    def ensure_bucket(self, *, create: bool = False) -> BucketLock:
        """Check the bucket has Object Lock enabled (making it first when `create`); report its default."""
        s3 = self.client()
        try:
            s3.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if _code(exc) not in _NOT_FOUND | {"NoSuchBucket"} or not create:
                raise self._error("cannot open the bucket", exc) from exc
            try:
                s3.create_bucket(Bucket=self.bucket, ObjectLockEnabledForBucket=True)
            except (ClientError, BotoCoreError) as made:
                raise self._error("cannot create the bucket", made) from made
        except BotoCoreError as exc:
            raise self._error("cannot open the bucket", exc) from exc
        try:
            config = s3.get_object_lock_configuration(Bucket=self.bucket).get("ObjectLockConfiguration", {})
        except ClientError as exc:
            if _code(exc) in _NO_LOCK or "ObjectLock" in _code(exc):
                raise VaultError(
                    f"the bucket {self.where} has no Object Lock: make it with Object Lock enabled"
                ) from exc
            raise self._error("cannot read the bucket's Object Lock", exc) from exc
        except BotoCoreError as exc:
            raise self._error("cannot read the bucket's Object Lock", exc) from exc
        if config.get("ObjectLockEnabled") != "Enabled":
            raise VaultError(f"the bucket {self.where} has no Object Lock: make it with Object Lock enabled")
        default = config.get("Rule", {}).get("DefaultRetention", {})
        days = default.get("Days")
        if days is None and default.get("Years") is not None:
            days = int(default["Years"]) * 365
        return BucketLock(True, default.get("Mode"), int(days) if days is not None else None)

    # ---- writing ---------------------------------------------------------------------------

    def put(self, path: Path, digest: str, *, now: datetime | None = None) -> None:
        """Upload a staged file under its digest, locked; returns once the store has acknowledged it.

        The store checks the bytes against the SHA-256 sent with them and refuses a mismatch: the
        whole object's, or each part's for an object of `multipart_at` bytes or more (uploaded in
        parts, as S3 takes no single PUT over 5 GiB; its stored checksum is then the composite
        SHA-256 of the parts' digests, "-N"). An object already there with that checksum and a lock
        is left as it is (a retry, or the same bytes ingested twice).
        """
        key = self.key_for(digest)
        try:
            size = path.stat().st_size
            parts = self._part_digests(path, size) if size >= self.multipart_at else None
        except OSError as exc:
            raise BadInputError(f"cannot read {path}: {exc.strerror or exc}") from exc
        if parts is None:
            expected = _b64(bytes.fromhex(digest))
        else:
            expected = f"{_b64(hashlib.sha256(b''.join(parts)).digest())}-{len(parts)}"
        s3 = self.client()
        if self._present_and_locked(key, expected):
            return
        until = (now or datetime.now(UTC)) + self.retention
        try:
            if parts is not None:
                self._put_parts(path, key, parts, until)
                return
            with path.open("rb") as body:
                s3.put_object(
                    Bucket=self.bucket,
                    Key=key,
                    Body=body,
                    ChecksumAlgorithm="SHA256",
                    ChecksumSHA256=expected,
                    ObjectLockMode=COMPLIANCE,
                    ObjectLockRetainUntilDate=until,
                )
        except OSError as exc:
            raise BadInputError(f"cannot read {path}: {exc.strerror or exc}") from exc
        except ClientError as exc:
            if _code(exc) in {"BadDigest", "XAmzContentSHA256Mismatch", "InvalidDigest"}:
                raise StoreWriteError(
                    f"the object store {self.where} refused {digest}: its bytes do not match the checksum"
                ) from exc
            raise self._write_error(exc) from exc
        except BotoCoreError as exc:
            raise self._write_error(exc) from exc

    def _part_size(self, size: int) -> int:
        """Parts of `part_size`, larger where the object would otherwise need over 10,000 parts."""
        least = -(-size // MAX_PARTS)
        return max(self.part_size, -(-least // (1 << 20)) * (1 << 20))

    def _part_digests(self, path: Path, size: int) -> list[bytes]:
        """The SHA-256 of each part of the file (read once, a block at a time)."""
        step = self._part_size(size)
        digests = []
        with path.open("rb") as f:
            while True:
                h = hashlib.sha256()
                left = step
                while left and (block := f.read(min(CHUNK, left))):
                    h.update(block)
                    left -= len(block)
                if left == step:
                    break
                digests.append(h.digest())
        return digests

    def _put_parts(self, path: Path, key: str, digests: list[bytes], until: datetime) -> None:
        """A multipart upload, each part sent with its SHA-256; aborted (its parts dropped) on any failure."""
        s3 = self.client()
        step = self._part_size(path.stat().st_size)
        upload = s3.create_multipart_upload(
            Bucket=self.bucket,
            Key=key,
            ChecksumAlgorithm="SHA256",
            ObjectLockMode=COMPLIANCE,
            ObjectLockRetainUntilDate=until,
        )["UploadId"]
        try:
            done = []
            with path.open("rb") as f:
                for number, digest in enumerate(digests, start=1):
                    body = f.read(step)
                    if hashlib.sha256(body).digest() != digest:
                        raise BadInputError(f"{path} changed while it was uploaded")
                    answer = s3.upload_part(
                        Bucket=self.bucket,
                        Key=key,
                        UploadId=upload,
                        PartNumber=number,
                        Body=body,
                        ChecksumAlgorithm="SHA256",
                        ChecksumSHA256=_b64(digest),
                    )
                    done.append({"PartNumber": number, "ETag": answer["ETag"], "ChecksumSHA256": _b64(digest)})
            s3.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": done})
        except BaseException:
            with contextlib.suppress(ClientError, BotoCoreError):
                s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload)
            raise

    def _present_and_locked(self, key: str, expected: str) -> bool:
        try:
            head = self.client().head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
        except ClientError as exc:
            if _code(exc) in _NOT_FOUND:
                return False
            raise self._write_error(exc) from exc
        except BotoCoreError as exc:
            raise self._write_error(exc) from exc
        return bool(head.get("ChecksumSHA256") == expected and head.get("ObjectLockMode") == COMPLIANCE)

    # ---- reading ---------------------------------------------------------------------------

    def exists(self, digest: str) -> bool:
        return self._head(digest) is not None

    def _head(self, digest: str) -> dict[str, Any] | None:
        try:
            head: dict[str, Any] = self.client().head_object(Bucket=self.bucket, Key=self.key_for(digest))
        except ClientError as exc:
            if _code(exc) in _NOT_FOUND:
                return None
            raise self._error(f"cannot look up {digest}", exc) from exc
        except BotoCoreError as exc:
            raise self._error(f"cannot look up {digest}", exc) from exc
        return head

    def open(self, digest: str, *, max_size: int | None = None, version: str | None = None) -> Iterator[bytes]:
        """The object's bytes in blocks of at most CHUNK; refuses one larger than `max_size`."""
        got = self._get(digest, version)
        if got is None:
            raise VaultError(f"{digest} is not in the object store {self.where}")
        return self._blocks(got, digest, max_size)

    def _get(self, digest: str, version: str | None = None) -> dict[str, Any] | None:
        """The GetObject answer (its body not yet read), or None when there is no such object."""
        extra = {"VersionId": version} if version else {}
        try:
            got: dict[str, Any] = self.client().get_object(Bucket=self.bucket, Key=self.key_for(digest), **extra)
        except ClientError as exc:
            if _code(exc) in _NOT_FOUND:
                return None
            raise self._error(f"cannot read {digest}", exc) from exc
        except BotoCoreError as exc:
            raise self._error(f"cannot read {digest}", exc) from exc
        return got

    def _blocks(self, got: dict[str, Any], digest: str, max_size: int | None) -> Iterator[bytes]:
        body = got["Body"]
        try:
            length = int(got.get("ContentLength", 0))
            if max_size is not None and length > max_size:
                raise VaultError(f"{digest} in {self.where} is {length} bytes, more than the {max_size} allowed")
            read = 0
            while True:
                try:
                    block = body.read(CHUNK)
                except (BotoCoreError, OSError) as exc:
                    raise self._error(f"cannot read {digest}", exc) from exc
                if not block:
                    return
                read += len(block)
                if max_size is not None and read > max_size:
                    raise VaultError(f"{digest} in {self.where} is more than the {max_size} bytes allowed")
                yield block
        finally:
            body.close()

    def hash(self, digest: str, *, version: str | None = None) -> tuple[str, int]:
        """SHA-256 (hex) and size of the object's bytes, read as a stream."""
        h = hashlib.sha256()
        size = 0
        for block in self.open(digest, version=version):
            h.update(block)
            size += len(block)
        return h.hexdigest(), size

    def iter_stored(self) -> Iterator[tuple[str, str]]:
        """Every object under `<prefix>/sha256/`, as (its last key component, its key); paginated."""
        root = f"{self.prefix}/sha256/" if self.prefix else "sha256/"
        try:
            for page in self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=root):
                for item in page.get("Contents", []):
                    key = str(item["Key"])
                    yield key.rsplit("/", 1)[-1], key
        except (ClientError, BotoCoreError) as exc:
            raise self._error("cannot list the objects", exc) from exc

    def lock(self, digest: str, *, version: str | None = None) -> Lock | None:
        """The retention of the object's (current, or given) version; None when it has none."""
        extra = {"VersionId": version} if version else {}
        try:
            got = self.client().get_object_retention(Bucket=self.bucket, Key=self.key_for(digest), **extra)
        except ClientError as exc:
            if _code(exc) in _NO_LOCK:
                return None
            raise self._error(f"cannot read the retention of {digest}", exc) from exc
        except BotoCoreError as exc:
            raise self._error(f"cannot read the retention of {digest}", exc) from exc
        retention = got.get("Retention") or {}
        if not retention.get("Mode") or retention.get("RetainUntilDate") is None:
            return None
        until = retention["RetainUntilDate"]
        return Lock(str(retention["Mode"]), until.astimezone(UTC))

    # ---- verification ----------------------------------------------------------------------

    def check(self, digest: str, size: int | None = None) -> Problem | None:
        """What is wrong with one object as the store holds it now (its current version), if anything.

        One GetObject streams the bytes and, for a caller allowed to read retention, names the
        version's lock; only where it does not is the retention asked for apart.
        """
        key = self.key_for(digest)
        try:
            got = self._get(digest)
            if got is None:
                return Problem("OBJECT_MISSING", f"the object is not in {self.where}", path=key)
            h = hashlib.sha256()
            length = 0
            for block in self._blocks(got, digest, None):
                h.update(block)
                length += len(block)
            mode, until = got.get("ObjectLockMode"), got.get("ObjectLockRetainUntilDate")
            if mode and isinstance(until, datetime):
                lock: Lock | None = Lock(str(mode), until.astimezone(UTC))
            else:
                lock = self.lock(digest, version=got.get("VersionId"))
        except VaultError as exc:
            return Problem("OBJECT_UNREADABLE", f"cannot read: {exc}", path=key)
        if size is not None and length != size:
            return Problem("OBJECT_SIZE_MISMATCH", f"{length} bytes, the ledger says {size}", path=key)
        if h.hexdigest() != digest:
            return Problem("OBJECT_HASH_MISMATCH", f"bytes hash to {h.hexdigest()}", path=key)
        if lock is None or lock.mode != COMPLIANCE:
            mode = lock.mode if lock else "none"
            return Problem(LOCK_MISSING, f"the object has no COMPLIANCE lock (mode: {mode})", path=key)
        written = got.get("LastModified")
        if isinstance(written, datetime) and lock.retain_until + LOCK_TOLERANCE < written + self.retention:
            declared = (written + self.retention).astimezone(UTC).isoformat()
            return Problem(
                LOCK_SHORT, f"locked until {lock.retain_until.isoformat()}, the vault declares {declared}", path=key
            )
        return None

    def verify_all(
        self, digests: Iterable[str], workers: int = 4, sizes: Mapping[str, int] | None = None
    ) -> Iterator[tuple[str, Problem | None]]:
        """Check objects in `workers` threads, in the order given; memory stays at a few blocks per worker.

        At most `2 * workers` checks are in flight, so a long list is never held as futures.
        """
        workers = max(1, int(workers))
        self._pool = max(self._pool, workers)
        self.client()
        pending: deque[tuple[str, Future[Problem | None]]] = deque()
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="s3-verify") as pool:
            for digest in digests:
                expected = sizes.get(digest) if sizes is not None else None
                pending.append((digest, pool.submit(self.check, digest, expected)))
                if len(pending) >= 2 * workers:
                    done, future = pending.popleft()
                    yield done, future.result()
            while pending:
                done, future = pending.popleft()
                yield done, future.result()

    # ---- errors ----------------------------------------------------------------------------

    def _write_error(self, exc: Exception) -> StoreWriteError:
        return StoreWriteError(f"cannot write to the object store {self.where}: {_describe(exc)}")

    def _error(self, what: str, exc: Exception) -> VaultError:
        return VaultError(f"{what} in the object store {self.where}: {_describe(exc)}")


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _describe(exc: Exception) -> str:
    """One line for an S3 failure, never the credentials."""
    if isinstance(exc, NoCredentialsError):
        return "no AWS credentials (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE)"
    if isinstance(exc, ClientError):
        code = _code(exc)
        if code in _DENIED:
            return f"access denied ({code})"
        return f"{code or 'error'}: {exc.response.get('Error', {}).get('Message', '')}".strip()
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
