"""The witness's state directory: its key (made on first start, 0600, never printed), its name, and
per log origin the latest checkpoint it cosigned, each replaced atomically under one lock.

Layout: `witness.key` (OpenSSH Ed25519 private key), `witness.json` (`{"name": ...}`),
`logs/<SHA-256 of the origin, hex>.json` (`{"origin", "size", "root", "checkpoint"}`), `.lock`.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archive.core.cosignature import Cosigner, WitnessKey
from archive.errors import BadInputError, CryptoError, NotFoundError, VaultError
from archive.storage.fsutil import atomic_write, create_once, make_dir, read_regular
from archive.storage.keyfile import generate_key, load_private_key, save_private_key
from archive.witness.protocol import LogState

KEY_FILE = "witness.key"
CONFIG_FILE = "witness.json"
LOGS = "logs"
MAX_STATE_FILE = 256 * 1024


class WitnessState:
    """One witness's state directory; `transaction` serialises check-and-persist across threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread_lock = threading.Lock()

    @classmethod
    def open(
        cls, path: Path, name: str | None = None, *, create: bool = True, default_name: str | None = None
    ) -> tuple[WitnessState, Cosigner]:
        """The state at `path` and its cosigner; on first use (with `create`) a new key named `name`
        (else `default_name`). A `name` given for an existing witness must be its name."""
        state = cls(path)
        key_path = path / KEY_FILE
        if not key_path.exists():
            name = name or default_name
            if not create:
                raise NotFoundError(f"no witness key in {path}: start `archive witness serve --state {path}` first")
            if not name:
                raise BadInputError("a new witness needs a name (--name), e.g. example.org/witness")
            key = generate_key()
            WitnessKey.from_public_key(name, key.public_key())  # refuse a bad name before writing anything
            make_dir(path, 0o700)
            make_dir(path / LOGS, 0o700)
            create_once(path / CONFIG_FILE, json.dumps({"name": name}).encode() + b"\n", 0o644)
            try:
                save_private_key(key_path, key, None)
            except CryptoError:
                if not key_path.exists():
                    raise  # otherwise another process made it first: use theirs
        stored = state._name()
        if name and name != stored:
            raise BadInputError(f"the witness in {path} is named {stored!r}, not {name!r}")
        return state, Cosigner(stored, load_private_key(key_path, None))

    def _name(self) -> str:
        try:
            data = json.loads(read_regular(self.path / CONFIG_FILE, MAX_STATE_FILE))
        except (OSError, ValueError) as exc:
            raise VaultError(f"the witness config {self.path / CONFIG_FILE} is unreadable: {exc}") from None
        name = data.get("name") if isinstance(data, dict) else None
        if not isinstance(name, str):
            raise VaultError(f"the witness config {self.path / CONFIG_FILE} names no witness")
        return name

    def _file(self, origin: str) -> Path:
        return self.path / LOGS / (hashlib.sha256(origin.encode()).hexdigest() + ".json")

    def get(self, origin: str) -> LogState | None:
        path = self._file(origin)
        try:
            data = json.loads(read_regular(path, MAX_STATE_FILE))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise VaultError(f"the witness state {path} is unreadable: {exc}") from None
        try:
            state = LogState(data["origin"], int(data["size"]), base64.b64decode(data["root"]), data["checkpoint"])
        except (KeyError, TypeError, ValueError) as exc:
            raise VaultError(f"the witness state {path} is damaged: {exc}") from None
        if state.origin != origin or len(state.root) != 32:
            raise VaultError(f"the witness state {path} is damaged")
        return state

    def put(self, state: LogState) -> None:
        doc = {
            "origin": state.origin,
            "size": state.size,
            "root": base64.b64encode(state.root).decode("ascii"),
            "checkpoint": state.note,
        }
        atomic_write(self._file(state.origin), json.dumps(doc, indent=2).encode() + b"\n", 0o644)

    @contextmanager
    def transaction(self) -> Iterator[WitnessState]:
        """Hold the witness's lock (threads and processes): read, decide and persist as one step."""
        with self._thread_lock:
            fd = os.open(self.path / ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield self
            finally:
                os.close(fd)
