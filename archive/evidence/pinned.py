"""Keys the user trusts (pins) for checking checkpoints and manifests made elsewhere.

Stored one verifier key per line in `$XDG_CONFIG_HOME/archive/trusted-keys` (default
`~/.config/archive/trusted-keys`); the path is passed in, so the library reads no environment.
"""

from __future__ import annotations

from pathlib import Path

from archive.core.note import VerifierKey
from archive.errors import CryptoError
from archive.storage.fsutil import DIR_MODE, atomic_write, make_dir, read_regular

MAX_BYTES = 1 << 20


def _read(path: Path) -> str:
    try:
        return read_regular(path, MAX_BYTES).decode("utf-8")
    except FileNotFoundError:
        return ""
    except UnicodeDecodeError:
        raise CryptoError(f"trusted keys {path}: not UTF-8 text") from None
    except OSError as exc:
        raise CryptoError(f"cannot read trusted keys {path}: {exc.strerror}") from None


def read_trusted(path: Path) -> list[VerifierKey]:
    """The pinned keys: one verifier key per line; blank lines and `#` comments are skipped."""
    text = _read(path)
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
    make_dir(path.parent, DIR_MODE)  # 0755 whatever the umask, like the file's 0644: public keys
    text = _read(path)  # the file as it is, comments and all, with the new key appended
    if text and not text.endswith("\n"):
        text += "\n"
    atomic_write(path, (text + f"{key}\n").encode("utf-8"), mode=0o644)
    return True
