"""The error hierarchy: one base per source of fault, each with the exit code the CLI returns."""

from __future__ import annotations


class ArchiveError(Exception):
    """Base of every error the archive raises on purpose; carries the CLI exit code."""

    exit_code = 3


class UsageError(ArchiveError):
    """The command was called wrongly (bad option value, conflicting options)."""

    exit_code = 2


class NotFoundError(ArchiveError):
    """A path, item, entry or vault that was asked for does not exist."""


class AmbiguousIdError(ArchiveError):
    """An id prefix matches more than one item."""


class BadInputError(ArchiveError):
    """Input that cannot be accepted: empty, binary, not UTF-8, malformed metadata."""


class VaultError(ArchiveError):
    """The vault is missing, of an unknown format, damaged, or cannot be written."""


class LedgerError(ArchiveError):
    """A ledger rule was broken (a bad entry, a fork attempt, a non-canonical record)."""


class CryptoError(ArchiveError):
    """A key, signature or signed note could not be read, made or checked."""


class VerificationError(ArchiveError):
    """Checking found problems; raised by the raising variants of verification."""

    exit_code = 1
