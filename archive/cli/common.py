"""What every command shares, without typer: the global options, opening the vault, output.

The read commands' fast path (`archive.cli.fast`) uses this module without loading typer at all.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from archive.service.archive import Archive, Context

DEFAULT_VAULT = Path("vault")
# The global options as given before the command (the command's own options win over these).
root: dict[str, Any] = {"vault": None, "actor": None, "json": False, "debug": False}


def vault_path(given: Path | None) -> Path:
    if given is not None:
        return given
    if root["vault"] is not None:
        return Path(root["vault"])
    env = os.environ.get("ARCHIVE_VAULT")
    return Path(env) if env else DEFAULT_VAULT


def as_json(given: bool) -> bool:
    return given or bool(root["json"])


def globals_passphrase() -> bytes | None:
    """The signing key's passphrase, from ARCHIVE_KEY_PASSPHRASE."""
    value = os.environ.get("ARCHIVE_KEY_PASSPHRASE")
    return value.encode("utf-8", "surrogateescape") if value else None


def _user() -> str:
    import getpass  # lazily: it loads termios, and a command given --actor never needs it

    return getpass.getuser()


def context(
    actor: str | None,
    *,
    origin: str | None = None,
    passphrase: bytes | None = None,
    ledger: dict[str, str] | None = None,
    objects: dict[str, str] | None = None,
) -> Context:
    from archive.errors import UsageError
    from archive.service.archive import Context

    who = actor or root["actor"] or os.environ.get("ARCHIVE_ACTOR") or _user()
    if not who.strip():
        raise UsageError("--actor must not be empty")
    try:
        who.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError("--actor (or ARCHIVE_ACTOR) is not valid UTF-8 text") from None
    return Context(
        actor=who.strip(), origin=origin, passphrase=passphrase or globals_passphrase(), ledger=ledger, objects=objects
    )


def trusted_keys_path() -> Path:
    explicit = os.environ.get("ARCHIVE_TRUSTED_KEYS")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "archive" / "trusted-keys"


@contextmanager
def open_vault(
    vault: Path | None,
    actor: str | None,
    *,
    create: bool = False,
    ctx: Context | None = None,
    read_only: bool = False,
    stamp: bool = True,
) -> Iterator[tuple[Archive, bool]]:
    """The vault, opened for the block; after a block that may have written (not `read_only`),
    the new checkpoint is time-stamped by the vault's configured TSAs (`stamp`)."""
    from archive.service.archive import Archive

    archive, created = Archive.open(vault_path(vault), ctx or context(actor), create=create, read_only=read_only)
    try:
        yield archive, created
        if stamp and not read_only:
            stamp_after_write(archive)
    finally:
        _warn(archive.warnings)
        archive.close()


# ---- trusted time after a write (issue 11) ------------------------------------------------------


def stamp_after_write(archive: Archive) -> None:
    """Ask the configured TSAs for a token over the checkpoint just issued: the write has committed
    already, so a TSA that fails is one warning line naming it, and `archive timestamp` retries."""
    from archive.service.tsaconfig import CONFIG

    if not os.path.lexists(archive.vault.path / CONFIG):
        return  # no TSA configured: nothing to load, nothing to ask
    from archive.service.timestamps import after_write

    for outcome in after_write(archive):
        if outcome.status == "failed":
            sys.stderr.write(
                f"warning: TSA {outcome.tsa}: no token for checkpoint {outcome.size}: {outcome.detail}; "
                "the checkpoint is issued and kept: run `archive timestamp` later\n"
            )


def _warn(lines: list[str]) -> None:
    """What went wrong after a write committed (a witness down): one `warning:` line each on stderr."""
    for line in lines:
        sys.stderr.write(f"warning: {line}\n")


@contextmanager
def output(path: Path | None) -> Iterator[TextIO]:
    """Where a command writes: stdout, or a file written whole or not at all."""
    if path is None:
        yield sys.stdout
        return
    from archive.cli.output import atomic_text

    with atomic_text(path) as out:
        yield out


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def read_text(path: Path, what: str = "file", limit: int = 1 << 20) -> str:
    from archive.errors import BadInputError, NotFoundError
    from archive.service.sources import shown_path
    from archive.storage.fsutil import NotRegularError, TooLargeError, read_regular

    try:
        return read_regular(path, limit).decode("utf-8")
    except FileNotFoundError:
        raise NotFoundError(f"{shown_path(path)}: no such {what}") from None
    except NotRegularError:
        raise BadInputError(f"{shown_path(path)}: not a regular file") from None
    except TooLargeError:
        raise BadInputError(f"{shown_path(path)}: larger than {limit} bytes; not a {what}") from None
    except UnicodeDecodeError:
        raise BadInputError(f"{shown_path(path)}: not UTF-8 text") from None
    except OSError as exc:
        raise BadInputError(f"{shown_path(path)}: cannot read: {exc.strerror}") from None
