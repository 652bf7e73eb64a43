"""A bulk ingest killed with SIGKILL at any moment leaves a verifying vault that a re-run completes."""

from __future__ import annotations

import random
import re
import subprocess
import time
from pathlib import Path

import pytest
from helpers import (
    archive_command,
    cli_args,
    cli_env,
    entry_hash,
    item_ids,
    ledger_rows,
    make_articles,
    ok,
    run,
    sha256_hex,
    tmp_leftovers,
)

from archive.service.verify import verify_vault

FILES = 400
BATCH = "20"
INGESTED = re.compile(r"^ingested\s+([0-9a-f]{64})\s", re.MULTILINE)
RNG = random.Random(20260322)
# When to kill: once the process has reported this many items, after this many more seconds.
# Counting reported items spreads the kills over the whole run however fast the machine is; with
# none reported yet, the kill lands in start-up, checking or the first batch.
MOMENTS = [(0, round(RNG.uniform(0.05, 2.0), 2))] + [
    (RNG.randrange(20, FILES - 40, 20), round(RNG.uniform(0.0, 0.3), 3)) for _ in range(4)
]
EARLY_DELAYS = [round(RNG.uniform(0.05, 1.0), 2) for _ in range(2)]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("bulk") / "articles"
    make_articles(directory, FILES)
    return directory


def all_ids(inputs: Path) -> set[str]:
    return {sha256_hex(p.read_bytes()) for p in inputs.iterdir()}


def ingest_args(inputs: Path) -> list[str | Path]:
    return ["ingest", inputs, "--batch-size", BATCH]


def launch(vault: Path, inputs: Path, log: Path) -> subprocess.Popen[bytes]:
    """The bulk ingest, its human output (one line per item, after each durable batch) to a file."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [*archive_command(), *cli_args(ingest_args(inputs), vault)],
            stdout=out,
            stderr=subprocess.DEVNULL,
            env=cli_env(),
        )


def printed(log: Path) -> set[str]:
    """Items the process said were ingested before it died."""
    return set(INGESTED.findall(log.read_text("utf-8", errors="replace")))


def kill(proc: subprocess.Popen[bytes]) -> int:
    proc.kill()
    return proc.wait(timeout=30)


def assert_sound(vault: Path, must_hold: set[str]) -> None:
    """Verifies through the CLI and the library, one linear chain, holding at least `must_hold`."""
    result = run("verify", "--json", vault=vault)
    assert result.code == 0, str(result)
    assert verify_vault(vault).codes() == []
    rows = ledger_rows(vault)
    assert [r.seq for r in rows] == list(range(len(rows)))
    assert all(r.hash == entry_hash(r.data) for r in rows)
    assert [r.prev for r in rows] == ["0" * 64] + [r.hash for r in rows[:-1]]
    held = item_ids(vault)
    assert must_hold <= held, sorted(must_hold - held)[:5]


def finish(vault: Path, inputs: Path) -> None:
    """Re-run the same ingest to completion: everything present, verifying, nothing left staged."""
    ok(*ingest_args(inputs), vault=vault)
    assert_sound(vault, all_ids(inputs))
    assert item_ids(vault) == all_ids(inputs)
    assert tmp_leftovers(vault) == []
    again = ok(*ingest_args(inputs), "--json", vault=vault).json()
    assert again["ingested"] == 0
    assert again["existing"] == FILES


def wait_for_reports(proc: subprocess.Popen[bytes], log: Path, count: int) -> None:
    deadline = time.monotonic() + 60
    while len(printed(log)) < count and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)


@pytest.mark.parametrize("after,delay", MOMENTS, ids=lambda m: str(m))
def test_killed_at_a_random_moment(tmp_path: Path, inputs: Path, after: int, delay: float) -> None:
    vault = tmp_path / "vault"
    ok("init", vault=vault)
    log = tmp_path / "out.txt"
    proc = launch(vault, inputs, log)
    wait_for_reports(proc, log, after)
    time.sleep(delay)
    kill(proc)
    said = printed(log)
    assert len(said) >= after
    assert_sound(vault, said)
    finish(vault, inputs)


def test_killed_right_after_a_batch_was_reported(tmp_path: Path, inputs: Path) -> None:
    vault = tmp_path / "vault"
    ok("init", vault=vault)
    log = tmp_path / "out.txt"
    proc = launch(vault, inputs, log)
    wait_for_reports(proc, log, 1)
    code = kill(proc)
    said = printed(log)
    assert said, "the ingest printed nothing before it was killed"
    assert code != 0, "the ingest finished before it could be killed"
    assert_sound(vault, said)
    finish(vault, inputs)


@pytest.mark.parametrize("delay", EARLY_DELAYS, ids=lambda d: f"{d}s")
def test_killed_while_creating_the_vault(tmp_path: Path, inputs: Path, delay: float) -> None:
    vault = tmp_path / "vault"
    log = tmp_path / "out.txt"
    proc = launch(vault, inputs, log)
    time.sleep(delay)
    kill(proc)
    said = printed(log)
    if (vault / "VAULT.json").exists():
        assert_sound(vault, said)
    else:
        assert not said
    finish(vault, inputs)
