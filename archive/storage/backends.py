"""Which ledger backend a vault uses: the marker names it, this table finds its module.

A new backend (PostgreSQL next) is a new module with a class that implements
`archive.storage.port.Ledger` and takes `(vault_path, config, create=, read_only=)`, plus one line
here. Backends are imported only when a vault that names them is opened.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from archive.errors import VaultError
from archive.storage.port import Ledger

LEDGER_BACKENDS: dict[str, str] = {
    "sqlite": "archive.storage.sqlite:open_from_marker",
    "postgresql": "archive.storage.postgres:open_from_marker",
}


def open_ledger(vault: Path, config: dict[str, str], *, create: bool = False, read_only: bool = False) -> Ledger:
    """The ledger database a vault marker's `ledger` member describes."""
    name = config.get("backend", "")
    target = LEDGER_BACKENDS.get(name)
    if target is None:
        known = ", ".join(sorted(LEDGER_BACKENDS))
        raise VaultError(f"the vault's ledger backend {name!r} is not supported (known: {known})")
    module, _, attribute = target.partition(":")
    opener: Any = getattr(importlib.import_module(module), attribute)
    ledger: Ledger = opener(vault, config, create=create, read_only=read_only)
    return ledger


def describe(vault: Path, config: dict[str, str]) -> str:
    """Where a vault's ledger is, in words for a report (a file's path, or the backend and its DSN)."""
    name = config.get("backend", "")
    path = config.get("path")
    if path:
        return str(vault / path)
    dsn = config.get("dsn")  # a connection string never holds a password (the marker refuses one)
    return f"{name} {dsn}" if dsn else name
