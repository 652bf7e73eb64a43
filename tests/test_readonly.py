"""A vault on read-only media (a copy on write-once media for a court) verifies and can be read.

Made real with a read-only bind mount, which needs root (CI runs as root); elsewhere the test is
skipped, saying why. Two copies: one of a closed vault (no write-ahead log beside the database) and
one taken while a process had the database open (its -wal and -shm files copied with it).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import assert_one_error_line, is_root, object_files, ok, run, seed_files


def _mount_read_only(source: Path, target: Path) -> bool:
    target.mkdir()
    try:
        subprocess.run(["mount", "--bind", str(source), str(target)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return False
    done = subprocess.run(["mount", "-o", "remount,bind,ro", str(target)], capture_output=True, check=False)
    if done.returncode != 0:
        subprocess.run(["umount", str(target)], check=False)
        return False
    return True


@pytest.fixture(params=["closed", "copied-while-open"])
def mounted(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    if not is_root():
        pytest.skip("a read-only bind mount needs root")
    vault = tmp_path / "vault"
    ok("ingest", *seed_files(), vault=vault)
    copy = tmp_path / "copy"
    if request.param == "closed":
        shutil.copytree(vault, copy)
        assert not (copy / "ledger.sqlite-wal").exists()
    else:
        conn = sqlite3.connect(vault / "ledger.sqlite")
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM ledger").fetchone()
        shutil.copytree(vault, copy)
        conn.close()
        assert (copy / "ledger.sqlite-wal").exists() and (copy / "ledger.sqlite-shm").exists()
    target = tmp_path / "ro"
    if not _mount_read_only(copy, target):
        pytest.skip("this machine does not allow bind mounts")
    try:
        yield target
    finally:
        subprocess.run(["umount", str(target)], check=False)


def test_verify_and_reads_work_on_a_read_only_mount(mounted: Path, tmp_path: Path) -> None:
    with pytest.raises(OSError):
        (mounted / "probe").write_text("x")
    files = sorted(p.name for p in mounted.iterdir())
    before = object_files(mounted)
    report = ok("verify", "--json", vault=mounted).json()
    assert (report["ok"], report["problems"], report["warnings"]) == (True, [], [])
    items = ok("list", "--json", vault=mounted).json()
    assert len(items) == len(seed_files())
    ok("show", items[0]["id"], vault=mounted)
    ok("log", "--limit", "3", vault=mounted)
    out = tmp_path / "m.json"
    ok("manifest", "--all", "-o", out, vault=mounted)
    assert len(json.loads(out.read_text("utf-8"))["items"]) == len(seed_files())
    assert object_files(mounted) == before
    assert sorted(p.name for p in mounted.iterdir()) == files


def test_a_write_on_a_read_only_mount_is_one_clear_error(mounted: Path) -> None:
    item = ok("list", "--json", vault=mounted).json()[0]["id"]
    result = run("amend", item, "--set", "outlet=X", "--reason", "r", vault=mounted)
    assert_one_error_line(result, 3)
