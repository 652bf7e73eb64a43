"""Several CLI processes ingesting into one vault at once still leave one linear, verifying chain."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import (
    Run,
    article,
    entry_hash,
    item_ids,
    ledger_rows,
    ok,
    sha256_hex,
    start,
    tmp_leftovers,
    write_text,
)

from archive.service.verify import verify_vault

PROCESSES = 6
FILES_EACH = 30
BATCH = "5"


def make_inputs(root: Path) -> list[list[Path]]:
    """PROCESSES sets of FILES_EACH distinct small text files, one set per writer."""
    return [
        [write_text(root / f"writer-{w}" / f"{i:03d}.txt", article(f"writer {w} file {i}")) for i in range(FILES_EACH)]
        for w in range(PROCESSES)
    ]


def ingest_together(vault: Path, inputs: list[list[Path]]) -> list[Run]:
    """Start one `archive ingest` per set of files, all at once, and wait for every one."""
    commands = [["ingest", *map(str, files), "--batch-size", BATCH, "--json"] for files in inputs]
    procs = [start(*words, vault=vault) for words in commands]
    runs: list[Run] = []
    for words, proc in zip(commands, procs, strict=True):
        try:
            out, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        runs.append(Run(tuple(words), proc.returncode, out, err))
    return runs


def assert_one_linear_chain(vault: Path, expected: set[str]) -> None:
    rows = ledger_rows(vault)
    assert [r.seq for r in rows] == list(range(len(rows)))
    prev = "0" * 64
    for row in rows:
        entry = row.entry()
        assert row.hash == entry_hash(row.data)
        assert row.prev == prev
        assert entry["prev"] == prev
        assert entry["seq"] == row.seq
        prev = row.hash
    ingested = [r.entry()["body"]["item"] for r in rows if r.kind == "ingest"]
    assert len(ingested) == len(expected)
    assert set(ingested) == expected
    assert item_ids(vault) == expected
    result = ok("verify", "--json", vault=vault)
    assert result.json()["problems"] == []
    assert verify_vault(vault).codes() == []
    assert tmp_leftovers(vault) == []


def expected_ids(inputs: list[list[Path]]) -> set[str]:
    return {sha256_hex(p.read_bytes()) for files in inputs for p in files}


def check_runs(runs: list[Run], inputs: list[list[Path]]) -> None:
    for result, files in zip(runs, inputs, strict=True):
        assert result.code == 0, str(result)
        answer = result.json()
        assert answer["ingested"] == FILES_EACH, str(result)
        assert [i["item"] for i in answer["items"]] == [sha256_hex(p.read_bytes()) for p in files]


def test_writers_share_an_existing_vault(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    ok("init", vault=vault)
    inputs = make_inputs(tmp_path / "inputs")
    runs = ingest_together(vault, inputs)
    check_runs(runs, inputs)
    assert sum(1 for r in runs if r.json()["created"]) == 0
    assert_one_linear_chain(vault, expected_ids(inputs))


@pytest.mark.parametrize("round_", range(2))
def test_writers_create_the_vault_together(tmp_path: Path, round_: int) -> None:
    vault = tmp_path / "vault"
    inputs = make_inputs(tmp_path / "inputs")
    runs = ingest_together(vault, inputs)
    check_runs(runs, inputs)
    assert sum(1 for r in runs if r.json()["created"]) >= 1
    assert_one_linear_chain(vault, expected_ids(inputs))


def test_writers_ingesting_the_same_files_store_each_once(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    ok("init", vault=vault)
    shared = [write_text(tmp_path / "shared" / f"{i:03d}.txt", article(f"shared {i}")) for i in range(FILES_EACH)]
    runs = ingest_together(vault, [shared] * 4)
    for result in runs:
        assert result.code == 0, str(result)
    statuses = [i["status"] for r in runs for i in r.json()["items"]]
    assert statuses.count("ingested") == FILES_EACH
    assert statuses.count("exists") == 3 * FILES_EACH
    assert_one_linear_chain(vault, {sha256_hex(p.read_bytes()) for p in shared})


# The staging race is microseconds wide, too narrow to hit reliably through whole CLI runs, so two
# processes drive the library's own calls in tight loops: one writer after another entering and
# leaving its staging directory, as every `ingest` does, and another writer recovering dead writers'
# staging, as every `ingest` does before each batch it commits.
STAGING_LOOP = """
import json, sys, time
from pathlib import Path
from archive.storage.objects import ObjectStore
store, end, failures, rounds = ObjectStore(Path(sys.argv[1])), time.monotonic() + float(sys.argv[2]), [], 0
while time.monotonic() < end:
    rounds += 1
    try:
        with store.stager():
            pass
    except Exception as exc:
        failures.append(f"{type(exc).__name__}: {exc}")
print(json.dumps({"rounds": rounds, "failures": failures}))
"""
RECOVER_LOOP = """
import json, sys, time
from pathlib import Path
from archive.storage.vault import Vault
vault, end, failures, rounds = Vault.open(Path(sys.argv[1])), time.monotonic() + float(sys.argv[2]), [], 0
while time.monotonic() < end:
    rounds += 1
    try:
        with vault.ledger.write() as w:  # exactly as a writer starts committing each batch
            vault.objects.recover(lambda digest: bool(w.known_items([digest])))
    except Exception as exc:
        failures.append(f"{type(exc).__name__}: {exc}")
print(json.dumps({"rounds": rounds, "failures": failures}))
"""


def test_recovery_never_takes_a_live_writers_staging(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    ok("init", vault=vault)
    loops = [
        subprocess.Popen([sys.executable, "-c", code, str(vault), "4"], stdout=subprocess.PIPE, text=True)
        for code in (STAGING_LOOP, RECOVER_LOOP)
    ]
    stager, recoverer = (json.loads(proc.communicate(timeout=60)[0]) for proc in loops)
    assert stager["rounds"] > 0 and recoverer["rounds"] > 0
    assert stager["failures"][:3] == [], f"{len(stager['failures'])} of {stager['rounds']} writers failed"
    assert recoverer["failures"][:3] == [], f"{len(recoverer['failures'])} of {recoverer['rounds']} recoveries failed"
    ok("verify", vault=vault)
