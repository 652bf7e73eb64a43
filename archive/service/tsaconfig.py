"""The vault's Time-Stamp Authorities: `tsa.json` in the vault directory, their URLs and trusted roots.

Configured once (`archive tsa add URL --roots PEM`), a TSA is asked for a token after every write
and its roots are what `archive verify` checks tokens against. The file is the canonical JSON of
`{"format": "archive-tsa", "version": 1, "tsas": [{"url", "roots", "timeout"}]}` and a newline,
written atomically with mode 0644 (docs/format.md §19.3).
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.core.canonical import canonical_bytes
from archive.errors import BadInputError, UsageError, VaultError
from archive.storage.fsutil import NotRegularError, TooLargeError, atomic_write, read_regular

CONFIG = "tsa.json"
FORMAT = "archive-tsa"
VERSION = 1
DEFAULT_TIMEOUT = 10.0  # seconds a write waits for a TSA before it warns and moves on
MAX_TIMEOUT = 300.0
MAX_CONFIG = 4 << 20
MAX_TSAS = 16


@dataclass(frozen=True)
class TSA:
    """One Time-Stamp Authority: where to ask (plain RFC 3161 over HTTP), and the roots its
    certificates must chain to (PEM text)."""

    url: str
    roots: str
    timeout: float = DEFAULT_TIMEOUT

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "roots": self.roots, "timeout": self.timeout}


def check_url(url: str) -> str:
    """A TSA URL as given, if it is an absolute http(s) URL with a host and no credentials."""
    text = url.strip()
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(text) > 2000:
        raise UsageError(f"a TSA URL is an http:// or https:// URL with a host, not {text[:80]!r}")
    if parts.username or parts.password:
        raise UsageError("a TSA URL must not carry credentials")
    if any(c.isspace() or not c.isprintable() for c in text):
        raise UsageError("a TSA URL holds no whitespace or control characters")
    return text


def check_timeout(seconds: float) -> float:
    if not 0 < seconds <= MAX_TIMEOUT:
        raise UsageError(f"a TSA timeout is more than 0 and at most {MAX_TIMEOUT:g} seconds")
    return float(seconds)


def check_roots(pem: str) -> str:
    """PEM roots, refused (BadInputError) unless they hold at least one certificate."""
    from archive.evidence.tokens import load_roots  # cryptography: only when roots are read

    try:
        load_roots(pem.encode("utf-8"))
    except Exception as exc:  # CryptoError, or a certificate cryptography cannot read
        raise BadInputError(f"the TSA roots are not usable: {exc}") from None
    return pem


def read_config(vault: Path) -> list[TSA]:
    """The configured TSAs ([] without a config file); VaultError when the file is unreadable."""
    path = vault / CONFIG
    try:
        data = read_regular(path, MAX_CONFIG)
    except FileNotFoundError:
        return []
    except (NotRegularError, TooLargeError, OSError) as exc:
        raise VaultError(f"{CONFIG}: cannot read the TSA configuration ({exc})") from None
    try:
        doc = json.loads(data.decode("utf-8"))
        if doc.get("format") != FORMAT or doc.get("version") != VERSION or not isinstance(doc.get("tsas"), list):
            raise ValueError("not an archive-tsa file of version 1")
        tsas = [
            TSA(check_url(t["url"]), check_roots(t["roots"]), check_timeout(float(t.get("timeout", DEFAULT_TIMEOUT))))
            for t in doc["tsas"]
        ]
    except (ValueError, TypeError, KeyError, AttributeError, UsageError, BadInputError) as exc:
        raise VaultError(f"{CONFIG}: the TSA configuration is malformed ({str(exc)[:120]})") from None
    return tsas


def write_config(vault: Path, tsas: Sequence[TSA]) -> None:
    doc = {"format": FORMAT, "version": VERSION, "tsas": [t.to_json() for t in tsas]}
    atomic_write(vault / CONFIG, canonical_bytes(doc) + b"\n", mode=0o644)


def add_tsa(vault: Path, tsa: TSA) -> bool:
    """Configure a TSA (replacing the roots and timeout of one of the same URL); True when new."""
    tsas = read_config(vault)
    new = all(t.url != tsa.url for t in tsas)
    if new and len(tsas) >= MAX_TSAS:
        raise UsageError(f"at most {MAX_TSAS} TSAs can be configured")
    write_config(vault, [*[t for t in tsas if t.url != tsa.url], tsa])
    return new


def remove_tsa(vault: Path, url: str) -> bool:
    """Stop asking a TSA (its tokens stay in the vault); False when it was not configured."""
    tsas = read_config(vault)
    kept = [t for t in tsas if t.url != url]
    if len(kept) == len(tsas):
        return False
    write_config(vault, kept)
    return True
