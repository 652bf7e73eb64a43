"""Keys the user trusts (pins) for checking checkpoints and manifests made elsewhere.

Stored one verifier key per line in `$XDG_CONFIG_HOME/archive/trusted-keys` (default
`~/.config/archive/trusted-keys`); the path is passed in, so the library reads no environment.
"""

from __future__ import annotations

from pathlib import Path

from archive.core.note import VerifierKey
from archive.errors import CryptoError
from archive.storage.fsutil import atomic_write


def read_trusted(path: Path) -> list[VerifierKey]:
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise CryptoError(f"cannot read trusted keys {path}: {exc.strerror}") from None
    keys = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            try:
                keys.append(VerifierKey.parse(line))
            except CryptoError as exc:
                raise CryptoError(f"{path}:{number}: {exc}") from None
    return keys


def add_trusted(path: Path, key: VerifierKey) -> bool:
    """Pin a key; returns False if it was already pinned."""
    keys = read_trusted(path)
    if any(str(k) == str(key) for k in keys):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, "".join(f"{k}\n" for k in [*keys, key]).encode("utf-8"))
    return True
