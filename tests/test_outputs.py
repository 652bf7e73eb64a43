"""`-o PATH` writes a regular file whole (temporary file, fsync, rename), writes in place to a
device or a pipe (renaming over one would replace the device: a red-team pass turned a `mknod`
copy of /dev/null into a 34 KB file, as root), and refuses a symbolic link or a directory; from a
vault on each ledger backend."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from backends import Backend
from helpers import assert_one_error_line, is_root, ok, run, seed_files

COMMANDS = [("manifest", "--all", "-o"), ("export", "proof", "ITEM", "-o")]


@pytest.fixture(scope="module")
def vault(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    vault = backend.make(tmp_path_factory.mktemp("outputs") / "vault")
    ok("ingest", seed_files()[0], vault=vault)
    return vault, ok("list", "--json", vault=vault).json()[0]["id"]


def _args(command: tuple[str, ...], item: str, target: Path) -> list[str | Path]:
    return [*(item if word == "ITEM" else word for word in command), target]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.skipif(not is_root(), reason="mknod needs root")
def test_a_device_is_written_in_place_not_replaced(
    vault: tuple[Path, str], tmp_path: Path, command: tuple[str, ...]
) -> None:
    path, item = vault
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    ok(*_args(command, item, null), vault=path)
    info = os.lstat(null)
    assert stat.S_ISCHR(info.st_mode) and info.st_rdev == os.makedev(1, 3)
    assert sorted(os.listdir(tmp_path)) == ["null"]  # no temporary file left beside it


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_pipe_is_written_in_place(vault: tuple[Path, str], tmp_path: Path, command: tuple[str, ...]) -> None:
    path, item = vault
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    ok(*_args(command, item, fifo), vault=path)
    reader.join(30)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got and got[0].startswith(b"{")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_symbolic_link_is_refused_and_its_target_kept(
    vault: tuple[Path, str], tmp_path: Path, command: tuple[str, ...]
) -> None:
    path, item = vault
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    link = tmp_path / "out.json"
    link.symlink_to(target)
    result = run(*_args(command, item, link), vault=path)
    assert_one_error_line(result, 3)
    assert "symbolic link" in result.err
    assert link.is_symlink() and target.read_text() == "keep me\n"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_directory_or_a_missing_parent_is_one_error_line(
    vault: tuple[Path, str], tmp_path: Path, command: tuple[str, ...]
) -> None:
    path, item = vault
    for target in (tmp_path, tmp_path / "no" / "such" / "out.json"):
        result = run(*_args(command, item, target), vault=path)
        assert_one_error_line(result, 3)
    assert sorted(os.listdir(tmp_path)) == []
