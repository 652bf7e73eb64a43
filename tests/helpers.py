"""Shared test helpers: run the CLI as a subprocess, make files, inspect and tamper with a vault."""

from __future__ import annotations

import ctypes
import hashlib
import itertools
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
ACTOR = "test-actor"
DATABASE = "ledger.sqlite"


def archive_command() -> list[str]:
    """The installed `archive` script beside the running interpreter (the venv's), else the repo's."""
    beside = Path(sys.executable).parent / "archive"
    script = beside if beside.is_file() else REPO / ".venv" / "bin" / "archive"
    return [str(script)]


def cli_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a CLI run: no inherited ARCHIVE_* settings, a fixed actor, unbuffered."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_")}
    base["ARCHIVE_ACTOR"] = ACTOR
    base["PYTHONUNBUFFERED"] = "1"
    base["COLUMNS"] = "250"
    base.update(env or {})
    return base


@dataclass(frozen=True)
class Run:
    """What one CLI run did."""

    args: tuple[str, ...]
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def __str__(self) -> str:
        return f"archive {' '.join(self.args)} -> {self.code}\nstdout:\n{self.out}\nstderr:\n{self.err}"


def cli_args(args: Sequence[str | Path], vault: Path | None) -> list[str]:
    words = [str(a) for a in args]
    return [*words, "--vault", str(vault)] if vault is not None else words


def run(
    *args: str | Path,
    vault: Path | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 120,
    honour_modes: bool = False,
    umask: int | None = None,
) -> Run:
    """Run `archive ARGS [--vault VAULT]` to completion and capture what it did.

    With `honour_modes`, a root test run gives the CLI no power to read files whatever their mode;
    with `umask`, the CLI runs under that umask (set in the child alone).
    """
    words = cli_args(args, vault)
    preexec = drop_read_override if honour_modes and is_root() else None
    if umask is not None:
        mask, before = umask, preexec

        def preexec() -> None:
            os.umask(mask)
            if before is not None:
                before()

    proc = subprocess.run(
        [*archive_command(), *words],
        capture_output=True,
        text=True,
        env=cli_env(env),
        cwd=cwd,
        timeout=timeout,
        check=False,
        preexec_fn=preexec,
    )
    return Run(tuple(words), proc.returncode, proc.stdout, proc.stderr)


PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE = 1
CAP_DAC_READ_SEARCH = 2


def drop_read_override() -> None:
    """In a child about to exec: give up root's power to ignore file modes (CAP_DAC_*), for good.

    Dropped from the bounding set, the capabilities do not come back when root execs the CLI, so a
    chmod 000 file is as unreadable to it as to anyone else; files root owns stay readable.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) refused")


PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a child about to exec: be sent SIGTERM when the test process that started it dies. A
    server's fixture stops it by its pid; this stops it when the test run is killed instead (a
    timeout, SIGKILL), so no server outlives its tests."""
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) refused")


def start(*args: str | Path, vault: Path | None = None, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
    """Start `archive ARGS [--vault VAULT]` without waiting; stdout and stderr are pipes."""
    return subprocess.Popen(
        [*archive_command(), *cli_args(args, vault)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(env),
    )


def stop_process(process: subprocess.Popen[Any], stop: int, timeout: float) -> None:
    """Stop a server a test started, by its pid: the signal `stop`, then SIGKILL if it lingers."""
    if process.poll() is None:
        process.send_signal(stop)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


def ok(*args: str | Path, vault: Path | None = None, env: Mapping[str, str] | None = None) -> Run:
    """Run the CLI and require exit 0."""
    result = run(*args, vault=vault, env=env)
    assert result.code == 0, str(result)
    return result


def assert_one_error_line(result: Run, code: int = 3) -> None:
    """The CLI failed with `code` and said so in exactly one `error: ...` line, no traceback."""
    assert result.code == code, str(result)
    lines = result.err.splitlines()
    assert len(lines) == 1, str(result)
    assert lines[0].startswith("error: "), str(result)
    assert "Traceback" not in result.err, str(result)
    assert "internal error" not in result.err, str(result)  # bad input is named, not a crash


# ---- files ------------------------------------------------------------------------------------


def write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def article(tag: str) -> str:
    """A small, unique, plainly textual article body."""
    return (
        f"Report {tag}\n\nThis is a short test article numbered {tag}. It says nothing of note,\n"
        f"but it says it in plain English so that it is recognised as text ({tag}).\n"
    )


def make_articles(directory: Path, count: int, prefix: str = "a") -> list[Path]:
    """`count` distinct small text files named `<prefix>-0000.txt`, ... in `directory`."""
    return [write_text(directory / f"{prefix}-{i:04d}.txt", article(f"{prefix}-{i}")) for i in range(count)]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def seed_sums() -> dict[str, str]:
    """seeds/SHA256SUMS as {file name: sha256}."""
    sums: dict[str, str] = {}
    for line in (SEEDS / "SHA256SUMS").read_text("utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            sums[name.lstrip("*")] = digest
    return sums


# ---- vault inspection -------------------------------------------------------------------------


def entry_hash(data: bytes) -> str:
    """The ledger's entry hash, computed independently: SHA-256(0x00 || bytes)."""
    return sha256_hex(b"\x00" + data)


def object_path(vault: Path, digest: str) -> Path:
    return vault / "objects" / "sha256" / digest[:2] / digest


def object_files(vault: Path) -> dict[str, bytes]:
    """Every file under objects/, by path relative to the vault, with its bytes."""
    root = vault / "objects"
    if not root.is_dir():
        return {}
    return {str(p.relative_to(vault)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def tmp_leftovers(vault: Path) -> list[str]:
    """Everything left under the vault's tmp/ staging area."""
    root = vault / "tmp"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.is_dir() else []


@contextmanager
def database(vault: Path) -> Iterator[sqlite3.Connection]:
    """The vault's SQLite database opened directly (autocommit), as an attacker would."""
    with closing(sqlite3.connect(vault / DATABASE, isolation_level=None)) as conn:
        yield conn


@dataclass(frozen=True)
class Row:
    """One ledger row as stored."""

    seq: int
    prev: str
    hash: str
    kind: str
    data: bytes

    def entry(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.data)
        return value


def ledger_rows(vault: Path) -> list[Row]:
    with database(vault) as conn:
        rows = conn.execute("SELECT seq, prev, hash, kind, data FROM ledger ORDER BY seq").fetchall()
    return [Row(int(s), str(p), str(h), str(k), bytes(d)) for s, p, h, k, d in rows]


def index_rows(vault: Path) -> dict[str, tuple[Any, ...]]:
    with database(vault) as conn:
        rows = conn.execute("SELECT * FROM item ORDER BY id").fetchall()
    return {str(r[0]): tuple(r) for r in rows}


@dataclass(frozen=True)
class Snapshot:
    """Everything a write could change: ledger, index, objects."""

    ledger: list[Row]
    index: dict[str, tuple[Any, ...]]
    objects: dict[str, bytes]


def snapshot(vault: Path) -> Snapshot:
    return Snapshot(ledger_rows(vault), index_rows(vault), object_files(vault))


def item_ids(vault: Path) -> set[str]:
    """The ids of every item the vault holds, read through the library."""
    from archive.service.archive import Archive, Context

    archive, _ = Archive.open(vault, Context(actor=ACTOR))
    try:
        return {state.id for state in archive.items()}
    finally:
        archive.close()


def copy_vault(source: Path, target: Path) -> Path:
    """A byte-for-byte copy of a vault that no process has open."""
    shutil.copytree(source, target, symlinks=True)
    return target


# ---- tampering --------------------------------------------------------------------------------


def drop_guards(conn: sqlite3.Connection) -> None:
    """What an attacker does first: drop the triggers that refuse UPDATE and DELETE on the ledger."""
    conn.execute("DROP TRIGGER IF EXISTS ledger_no_update")
    conn.execute("DROP TRIGGER IF EXISTS ledger_no_delete")


def drop_constraints(conn: sqlite3.Connection) -> None:
    """Rebuild the ledger table without its triggers, primary key and UNIQUE constraints."""
    drop_guards(conn)
    conn.execute("BEGIN")
    conn.execute("CREATE TABLE ledger_loose AS SELECT seq, prev, hash, kind, data FROM ledger")
    conn.execute("DROP TABLE ledger")
    conn.execute("ALTER TABLE ledger_loose RENAME TO ledger")
    conn.execute("COMMIT")


def canonical(value: Any) -> bytes:
    """RFC 8785 canonical bytes, through the library's own serialiser."""
    from archive.core.canonical import canonical_bytes

    return canonical_bytes(value)


def set_entry_data(conn: sqlite3.Connection, seq: int, data: bytes, *, rehash: bool) -> None:
    """Replace one entry's bytes; with `rehash`, also store the hash of the new bytes."""
    if rehash:
        conn.execute("UPDATE ledger SET data = ?, hash = ? WHERE seq = ?", (data, entry_hash(data), seq))
    else:
        conn.execute("UPDATE ledger SET data = ? WHERE seq = ?", (data, seq))


def rewrite_entry(vault: Path, seq: int, changes: Mapping[str, Any], *, rehash: bool) -> None:
    """Edit fields of one entry in place (canonical bytes), leaving every other entry alone."""
    row = next(r for r in ledger_rows(vault) if r.seq == seq)
    data = canonical({**row.entry(), **changes})
    with database(vault) as conn:
        drop_guards(conn)
        set_entry_data(conn, seq, data, rehash=rehash)


def rechain_from(vault: Path, seq: int, changes: Mapping[str, Any]) -> None:
    """The thorough forger: edit one entry, then re-link and re-hash every entry after it."""
    rows = ledger_rows(vault)
    with database(vault) as conn:
        drop_guards(conn)
        rechain_rows(conn, rows, seq, changes)


def rechain_rows(conn: Any, rows: Sequence[Row], seq: int, changes: Mapping[str, Any]) -> None:
    """Replace the ledger rows from `seq` on, the one at `seq` edited, each re-linked and re-hashed
    (on a connection whose guards are already off; `?` placeholders)."""
    conn.execute("BEGIN")
    conn.execute("DELETE FROM ledger WHERE seq >= ?", (seq,))
    prev = next(r.hash for r in rows if r.seq == seq - 1) if seq > 0 else "0" * 64
    for row in rows:
        if row.seq < seq:
            continue
        value = {**row.entry(), "prev": prev, **(changes if row.seq == seq else {})}
        data = canonical(value)
        digest = entry_hash(data)
        conn.execute(
            "INSERT INTO ledger (seq, prev, hash, kind, data) VALUES (?, ?, ?, ?, ?)",
            (row.seq, prev, digest, row.kind, data),
        )
        prev = digest
    conn.execute("COMMIT")


def make_writable(path: Path) -> None:
    """Objects are stored read-only (0444); an attacker simply changes that first."""
    path.chmod(0o644)


def is_root() -> bool:
    return os.geteuid() == 0


def unreadable_to_cli(path: Path) -> bool:
    """Whether a run with `honour_modes` really cannot read `path` (false where caps cannot drop)."""
    try:
        probe = subprocess.run(
            [sys.executable, "-c", "import sys; open(sys.argv[1], 'rb').read(1)", str(path)],
            capture_output=True,
            check=False,
            preexec_fn=drop_read_override if is_root() else None,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode != 0


_unique = itertools.count()


def unique(prefix: str, sep: str = "_") -> str:
    """A name no other test of this run uses on a shared server (a database: `_`; a bucket: `-`)."""
    return sep.join((prefix, str(os.getpid()), str(next(_unique))))
