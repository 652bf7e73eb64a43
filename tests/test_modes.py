"""Every path the archive makes has the mode of docs/format.md §1.2, whatever the umask it ran under.

The CLI runs in a subprocess under umask 000 (which would leave directories world-writable) and
077 (which would hide what should be readable); the whole vault is walked and each mode checked.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

import pytest
from helpers import Run, run, seed_files
from tsa_server import make_pki

UMASKS = [0o000, 0o077]


def run_under(umask: int, *args: str | Path, vault: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run the CLI with `umask` set in the child alone; require exit 0."""
    result = run(*args, vault=vault, env=env, umask=umask)
    assert result.code == 0, str(result)
    return result


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def expected_mode(vault: Path, path: Path) -> int:
    """The mode table of docs/format.md §1.2, for any path a vault may hold."""
    parts = path.relative_to(vault).parts
    if not parts or parts[0] == "objects":
        return 0o444 if path.is_file() else 0o755
    if parts[0] in ("tmp", "keys"):
        return 0o700 if path.is_dir() else 0o600
    if parts[0] in ("VAULT.json", "ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm", "tsa.json"):
        return 0o644
    raise AssertionError(f"the vault holds a path the layout does not name: {path}")


def walk(vault: Path) -> list[Path]:
    return [vault, *sorted(vault.rglob("*"))]


def assert_modes(vault: Path, paths: Sequence[Path]) -> None:
    wrong = {
        str(p): f"{mode(p):04o}, not {expected_mode(vault, p):04o}" for p in paths if mode(p) != expected_mode(vault, p)
    }
    assert not wrong, wrong


@pytest.mark.parametrize("umask", UMASKS, ids=lambda m: f"umask{m:03o}")
def test_every_path_of_a_used_vault_has_its_mode_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    vault = tmp_path / "made" / "by" / "init" / "v"  # the parents are the archive's to make too
    run_under(umask, "init", vault=vault)
    run_under(umask, "ingest", *seed_files(), vault=vault)
    run_under(umask, "key", "rotate", vault=vault)
    item = run_under(umask, "list", "--json", vault=vault).json()[0]["id"]
    run_under(umask, "amend", item, "--set", "outlet=Example Outlet", "--reason", "checked", vault=vault)
    roots = make_pki(tmp_path / "pki") / "ca.pem"
    run_under(umask, "tsa", "add", "http://127.0.0.1:9/tsa", "--roots", roots, vault=vault)
    run_under(umask, "verify", vault=vault)  # a reader: SQLite makes its -wal and -shm under this umask

    paths = walk(vault)
    names = {p.name for p in paths}
    # The walk covers each kind the table names: otherwise the test would prove nothing about it.
    assert {"objects", "sha256", "tmp", "keys", "signing.key", "VAULT.json", "ledger.sqlite", "tsa.json"} <= names
    assert {"ledger.sqlite-wal", "ledger.sqlite-shm"} <= names
    assert sum(1 for p in paths if p.parent.parent.name == "sha256" and p.is_file()) == len(seed_files())
    assert_modes(vault, paths)
    assert [mode(p) for p in (tmp_path / "made", tmp_path / "made" / "by", tmp_path / "made" / "by" / "init")] == [
        0o755
    ] * 3


@pytest.mark.parametrize("umask", UMASKS, ids=lambda m: f"umask{m:03o}")
def test_files_written_for_the_user_are_0644_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    vault = tmp_path / "v"
    run_under(umask, "ingest", seed_files()[0], vault=vault)
    item = run_under(umask, "list", "--json", vault=vault).json()[0]["id"]
    key = run_under(umask, "key", "show", "--json", vault=vault).json()["current"]
    trusted = tmp_path / "config" / "archive" / "trusted-keys"  # its directories made by `key trust`
    outputs = {
        "manifest": tmp_path / "manifest.json",
        "proof": tmp_path / "proof.json",
        "trusted": trusted,
    }
    run_under(umask, "manifest", item, "-o", outputs["manifest"], vault=vault)
    run_under(umask, "export", "proof", item, "-o", outputs["proof"], vault=vault)
    run_under(umask, "key", "trust", key, env={"ARCHIVE_TRUSTED_KEYS": str(trusted)})
    assert {name: f"{mode(path):04o}" for name, path in outputs.items()} == dict.fromkeys(outputs, "0644")
    assert [f"{mode(d):04o}" for d in (trusted.parent, trusted.parent.parent)] == ["0755", "0755"]


def test_a_vault_made_in_an_existing_directory_loses_only_group_and_other_write(tmp_path: Path) -> None:
    """An empty directory the user made is theirs: its mode stays, but nobody else may write in it."""
    vault = tmp_path / "v"
    vault.mkdir()
    os.chmod(vault, 0o777)
    run_under(0o000, "init", vault=vault)
    assert mode(vault) == 0o755
    os.chmod(vault, 0o700)  # narrower than the table: left as the user chose
    run_under(0o000, "ingest", seed_files()[0], vault=vault)
    assert mode(vault) == 0o700
    assert_modes(vault, walk(vault)[1:])


def test_upgrade_brings_the_modes_of_a_vault_made_under_a_loose_umask_to_the_table(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    run_under(0o022, "ingest", *seed_files()[:2], vault=vault)
    loosened = [vault, vault / "objects", vault / "objects" / "sha256", vault / "tmp", vault / "ledger.sqlite"]
    loosened += [p for p in (vault / "objects" / "sha256").iterdir()]
    for path in loosened:  # as an earlier version left a vault made under umask 000
        os.chmod(path, 0o777 if path.is_dir() else 0o666)
    run_under(0o000, "upgrade", vault=vault)
    assert_modes(vault, walk(vault))
