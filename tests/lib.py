"""Library-level test helpers: archives with a fixed key and a fixed clock, ingest in one call."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from archive.service.archive import Archive, Context
from archive.service.ingest import IngestRequest, IngestResult

# RFC 8032 test 1 secret key: a fixed key makes signatures (Ed25519 is deterministic) reproducible.
RFC8032_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
EPOCH = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def fixed_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(RFC8032_SEED)


def ticking_clock(start: datetime = EPOCH, step: timedelta = timedelta(seconds=1)) -> Callable[[], datetime]:
    """A clock that advances by `step` at every reading: exact and monotonic."""
    counter = itertools.count()
    return lambda: start + step * next(counter)


def open_archive(
    vault: Path,
    *,
    actor: str = "tester",
    origin: str = "example.org/test-archive",
    key: Ed25519PrivateKey | None = None,
    clock: Callable[[], datetime] | None = None,
    host: str = "test-host",
) -> Archive:
    now = clock or (lambda: datetime.now(UTC))
    ctx = Context(actor=actor, clock=now, host=host, origin=origin, key=key or fixed_key())
    archive, _ = Archive.open(vault, ctx, create=True)
    return archive


def ingest(
    archive: Archive, paths: Sequence[Path], values: dict[str, list[Any]] | None = None, batch_size: int = 256
) -> list[IngestResult]:
    request = IngestRequest(paths=list(paths), values=dict(values or {}), batch_size=batch_size)
    return archive.ingest(request).results
