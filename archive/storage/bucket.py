"""A vault's objects in an S3 bucket with Object Lock (the `s3` object backend of the marker).

Writers stage and hash bytes locally exactly as for a folder (`ObjectStore`'s staging under
`<vault>/tmp`); `publish` uploads a batch, each object with its SHA-256 checksum and a COMPLIANCE
retention, and returns only once the store has acknowledged every one, so an entry is appended only
after its object is durable in the bucket. After the commit the staged copies are simply deleted.
A writer killed between upload and commit leaves an object no entry names: it cannot be deleted
(it is locked), and verification reports it as a warning, never as damage.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from archive.core.digest import is_hex_digest
from archive.errors import VaultError
from archive.storage.fsutil import PRIVATE_DIR_MODE
from archive.storage.objects import FETCHING, ObjectStore, Staged

if TYPE_CHECKING:
    from archive.core.problems import Problem
    from archive.storage.s3 import S3Objects

UPLOADS = 8  # objects uploaded at once by a writer


def check_config(config: Mapping[str, str], where: str) -> None:
    """Refuse a marker `objects` member for s3 that is malformed (read before anything connects)."""
    allowed = {"backend", "bucket", "prefix", "endpoint", "region", "retention_days"}
    extra = sorted(set(config) - allowed)
    if extra:
        raise VaultError(f"{where}: unknown member {extra[0]!r} of `objects`")
    bucket = config.get("bucket", "")
    if not (3 <= len(bucket) <= 63 and bucket.isascii() and all(c.isalnum() or c in ".-" for c in bucket)):
        raise VaultError(f"{where}: `objects.bucket` is not an S3 bucket name")
    days = config.get("retention_days", "")
    if not (days.isascii() and days.isdigit() and 1 <= int(days) <= 36500):
        raise VaultError(f"{where}: `objects.retention_days` must be a whole number of days from 1 to 36500")
    endpoint = config.get("endpoint")
    if endpoint is not None and not endpoint.startswith(("http://", "https://")):
        raise VaultError(f"{where}: `objects.endpoint` must be an http:// or https:// URL")


class BucketStore(ObjectStore):
    """Objects under `s3://bucket/prefix/sha256/`, each locked for the vault's retention."""

    name = "s3"

    def __init__(self, vault: Path, config: Mapping[str, str]) -> None:
        super().__init__(vault)
        from archive.storage.s3 import S3Objects

        self.config = dict(config)
        self.s3: S3Objects = S3Objects(
            config["bucket"],
            config.get("prefix", ""),
            config.get("endpoint"),
            int(config["retention_days"]),
            region=config.get("region"),
        )

    @property
    def where(self) -> str:
        return self.s3.where

    def path_for(self, digest: str) -> Path:
        raise VaultError("the vault's objects are in a bucket, not in a folder")  # pragma: no cover - a misuse

    def locate(self, digest: str) -> Path | None:
        raise VaultError("the vault's objects are in a bucket: use fetch()")  # pragma: no cover - a misuse

    # ---- writing ---------------------------------------------------------------------------

    def make_room(self, digest: str) -> None:
        """Nothing to make: a bucket has no directories."""

    def publish(self, staged: Sequence[Staged]) -> None:
        """Upload staged objects (several at once); returns once the store holds every one, locked."""
        unique = list({s.digest.hex: s for s in staged}.values())
        if not unique:
            return
        if len(unique) == 1:
            self.s3.put(unique[0].path, unique[0].digest.hex)
            return
        with ThreadPoolExecutor(max_workers=min(UPLOADS, len(unique)), thread_name_prefix="s3-put") as pool:
            futures = [pool.submit(self.s3.put, s.path, s.digest.hex) for s in unique]
            for future in futures:
                future.result()  # the first failure is raised; the rest finish or fail on their own

    def place(self, staged: Path, digest: str) -> None:
        """After the commit: the bytes are in the bucket already; the staged copy goes."""
        staged.unlink(missing_ok=True)

    def _settle(self, staged: Path, digest: str) -> int:
        # A dead writer's committed object was uploaded before its entry committed.
        staged.unlink(missing_ok=True)
        return 0

    # ---- reading ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def fetch(self, digest: str, *, into: Path | None = None) -> Iterator[Path | None]:
        """The object downloaded into a private temporary directory (the vault's tmp/, or `into`),
        checked against its digest; None when the bucket does not hold it."""
        if not is_hex_digest(digest) or not self.s3.exists(digest):
            yield None
            return
        parent = into
        if parent is None:
            parent = self.staging
            os.makedirs(parent, mode=PRIVATE_DIR_MODE, exist_ok=True)
        directory = Path(tempfile.mkdtemp(prefix=FETCHING, dir=parent))
        try:
            os.chmod(directory, PRIVATE_DIR_MODE)
            path = directory / digest
            h = hashlib.sha256()
            with open(path, "xb") as out:
                for block in self.s3.open(digest):
                    h.update(block)
                    out.write(block)
            if h.hexdigest() != digest:
                raise VaultError(f"the object {digest} in {self.where} is damaged; run `archive verify`")
            os.chmod(path, 0o400)
            yield path
        finally:
            shutil.rmtree(directory, ignore_errors=True)

    def iter_keys(self) -> Iterator[tuple[str, str]]:
        """Every key under the prefix's sha256/, as (its last component, the key)."""
        return self.s3.iter_stored()

    def check_all(self, sizes: Mapping[str, int], workers: int) -> Iterator[tuple[str, Problem | None]]:
        """Each object streamed and hashed from the bucket (in parallel), with its lock checked."""
        return self.s3.verify_all(sizes, workers=workers, sizes=sizes)


def open_objects(vault: Path, config: Mapping[str, str]) -> ObjectStore:
    """The object store a marker's `objects` member names (checked by `read_marker`)."""
    if config.get("backend") == "s3":
        return BucketStore(vault, config)
    return ObjectStore(vault)
