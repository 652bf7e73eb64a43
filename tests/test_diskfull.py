"""Ingest on a file system out of space or inodes: one clear error, nothing recorded, nothing left over.

A real tmpfs of 1 MiB and 64 inodes (mounting needs root; the tests skip, saying why, otherwise),
filled around a vault that holds one item, then asked to ingest a file that cannot fit. Reading
commands keep working on the full disk, and the vault still verifies.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import assert_one_error_line, is_root, ok, run, seed_files, tmp_leftovers, write_bytes

SIZE = "1m"
INODES = 64


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    """A fresh tmpfs of 1 MiB and 64 inodes, unmounted afterwards."""
    if not is_root():
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "tiny"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE},nr_inodes={INODES}", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip() or made.returncode}")
    try:
        yield mount
    finally:
        if subprocess.run(["umount", str(mount)], capture_output=True, check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)


def fill_space(directory: Path, leave_pages: int) -> None:
    """Write one file until the file system has no room, then give back `leave_pages` pages."""
    path = directory / "filler"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        for size in (1 << 16, 1 << 12, 1):
            block = b"\0" * size
            try:
                while True:
                    os.write(fd, block)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
        if leave_pages:
            os.ftruncate(fd, max(0, os.fstat(fd).st_size - leave_pages * 4096))
    finally:
        os.close(fd)
    assert os.statvfs(directory).f_bavail == leave_pages


def fill_inodes(directory: Path, leave: int) -> None:
    """Make empty files until no inode is left, then remove `leave` of them."""
    made: list[Path] = []
    while True:
        try:
            path = directory / f"inode-{len(made)}"
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
            break
        made.append(path)
    for path in made[:leave]:
        path.unlink()
    assert os.statvfs(directory).f_favail == leave


def vault_with_one_item(mount: Path) -> tuple[Path, str]:
    vault = mount / "vault"
    ok("ingest", seed_files()[0], vault=vault)
    item = ok("list", "--json", vault=vault).json()[0]["id"]
    return vault, str(item)


def assert_refused_cleanly(vault: Path, source: Path, item: str) -> None:
    """The ingest fails saying it could not write and recorded nothing; the vault is as it was."""
    before = ok("verify", "--json", vault=vault).json()["counts"]
    refused = run("ingest", source, vault=vault)
    assert_one_error_line(refused, code=3)
    assert "cannot write" in refused.err and "nothing was recorded" in refused.err, str(refused)
    assert str(vault) in refused.err, str(refused)  # says where
    assert tmp_leftovers(vault) == []
    after = ok("verify", "--json", vault=vault).json()
    assert after["ok"] and after["counts"] == before
    # Reading commands need no room.
    assert [i["id"] for i in ok("list", "--json", vault=vault).json()] == [item]
    assert ok("show", item, "--json", vault=vault).json()["id"] == item


@pytest.mark.parametrize("leave_pages", [0, 4, 12, 24])
def test_ingest_out_of_space_says_it_cannot_write_and_leaves_nothing(
    tiny_fs: Path, tmp_path: Path, leave_pages: int
) -> None:
    vault, item = vault_with_one_item(tiny_fs)
    source = write_bytes(tmp_path / "src" / "big.txt", b"a line of text that will not fit\n" * 8000)
    fill_space(tiny_fs, leave_pages)
    assert_refused_cleanly(vault, source, item)


def test_ingest_out_of_inodes_fails_cleanly_at_every_step_until_it_fits(tiny_fs: Path, tmp_path: Path) -> None:
    """One inode more each time, so the failure moves through every file the ingest makes (SQLite's
    -wal and -shm, the staging directory, its lock, the copy, the fan-out directory): each one is
    refused cleanly, changing nothing, until there is room and the ingest succeeds."""
    vault, item = vault_with_one_item(tiny_fs)
    source = write_bytes(tmp_path / "src" / "small.txt", b"a small new article\n")
    fill_inodes(tiny_fs, 0)
    fillers = sorted(tiny_fs.glob("inode-*"))
    for freed in range(len(fillers) + 1):
        attempt = run("ingest", source, vault=vault)
        if attempt.code == 0:
            break
        assert_one_error_line(attempt, code=3)
        assert "cannot write" in attempt.err and "nothing was recorded" in attempt.err, str(attempt)
        assert tmp_leftovers(vault) == []
        assert [i["id"] for i in ok("list", "--json", vault=vault).json()] == [item]
        fillers[freed].unlink()
    assert freed >= 3, "the ingest fitted in fewer inodes than it makes: the test no longer fills the disk"
    assert len(ok("list", "--json", vault=vault).json()) == 2
    assert ok("verify", "--json", vault=vault).json()["ok"]


def test_reading_commands_and_verify_work_with_no_inode_left(tiny_fs: Path, tmp_path: Path) -> None:
    vault, item = vault_with_one_item(tiny_fs)
    fill_inodes(tiny_fs, 0)
    assert_refused_cleanly(vault, write_bytes(tmp_path / "src" / "small.txt", b"a small new article\n"), item)


def test_a_later_batch_that_does_not_fit_says_what_the_earlier_ones_recorded(tiny_fs: Path, tmp_path: Path) -> None:
    vault, _ = vault_with_one_item(tiny_fs)
    small = write_bytes(tmp_path / "src" / "a-small.txt", b"a small new article\n")
    big = write_bytes(tmp_path / "src" / "b-big.txt", b"a line of text that will not fit\n" * 8000)
    fill_space(tiny_fs, 24)
    refused = run("ingest", small, big, "--batch-size", "1", vault=vault)
    assert refused.code == 3 and "Traceback" not in refused.err, str(refused)
    [error] = [line for line in refused.err.splitlines() if line.startswith("error: ")]
    assert "cannot write" in error and "1 file was recorded before it" in error, str(refused)
    assert "small.txt" in refused.out  # the batch that was recorded was reported as it became durable
    assert tmp_leftovers(vault) == []
    assert len(ok("list", "--json", vault=vault).json()) == 2
    assert ok("verify", "--json", vault=vault).json()["ok"]
