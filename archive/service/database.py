"""Where a new vault keeps its ledger (its own SQLite file, or a PostgreSQL database) and its
objects (its own folder, or an S3 bucket with Object Lock).

`archive init --db postgresql://ROLE@HOST/DB` names a database; the vault's marker then holds that
connection string (never a password: libpq reads it from PGPASSFILE, ~/.pgpass or a service file).
With `--db-owner`, the schema is made (or brought up to date) first, as the role that owns it, and
ROLE is granted only what the archive needs (docs/format.md §9.1). `--objects s3://BUCKET/PREFIX`
names a bucket (docs/format.md §9.2); credentials come from boto3's usual chain, never the vault.
"""

from __future__ import annotations

from archive.errors import UsageError

SCHEMES = ("postgresql://", "postgres://")


def ledger_config(dsn: str, *, owner: str | None = None) -> dict[str, str]:
    """The marker's `ledger` member for a PostgreSQL database, its schema made first with `owner`."""
    if not dsn.startswith(SCHEMES):
        raise UsageError("--db takes a PostgreSQL connection string, postgresql://ROLE@HOST[:PORT]/DB")
    if owner is not None and not owner.startswith(SCHEMES):
        raise UsageError("--db-owner takes a PostgreSQL connection string, postgresql://OWNER@HOST[:PORT]/DB")
    from archive.storage.postgres import check_dsn, migrate, role_of

    role = role_of(check_dsn(dsn))
    if owner is not None:
        migrate(owner, role)
    return {"backend": "postgresql", "dsn": dsn}


def objects_config(
    url: str, *, endpoint: str | None = None, region: str | None = None, retention_days: int | None = None
) -> dict[str, str]:
    """The marker's `objects` member for an S3 bucket, once the bucket is found to have Object Lock.

    The retention is the vault's declaration: every object is locked (COMPLIANCE) for that long from
    its upload. Without `retention_days`, the bucket's own default COMPLIANCE retention is taken.
    """
    if not url.startswith("s3://"):
        raise UsageError("--objects takes s3://BUCKET[/PREFIX]")
    if endpoint is not None and not endpoint.startswith(("http://", "https://")):
        raise UsageError("--s3-endpoint takes an http:// or https:// URL")
    if retention_days is not None and not 1 <= retention_days <= 36500:
        raise UsageError("--retention-days takes a whole number of days from 1 to 36500")
    from archive.storage.s3 import COMPLIANCE, S3Objects, parse_s3_url

    bucket, prefix = parse_s3_url(url)
    found = S3Objects(bucket, prefix, endpoint, retention_days or 1, region=region).ensure_bucket()
    if retention_days is None:
        if found.default_mode != COMPLIANCE or not found.default_days:
            raise UsageError(f"the bucket {bucket} declares no default COMPLIANCE retention: give --retention-days")
        retention_days = found.default_days
    config = {"backend": "s3", "bucket": bucket, "retention_days": str(retention_days)}
    if prefix:
        config["prefix"] = prefix
    if endpoint:
        config["endpoint"] = endpoint
    if region:
        config["region"] = region
    return config
