"""Witnesses end to end: a real `archive witness serve` on 127.0.0.1 and two archives acting through
the CLI. Cosign, extend, cosign again with a consistency proof; a fork (a copy of a vault, same key,
another later history) refused with 409 and the witness's state unchanged; manifests checked
offline with --witness; a witness that is down or hangs never costs a write."""

from __future__ import annotations

import json
import select
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import SEEDS, ok, run, start

from archive.core.cosignature import Cosignature, WitnessKey
from archive.core.merkle import verify_consistency
from archive.core.note import decode_base64

pytestmark = pytest.mark.slow


@dataclass
class Witness:
    url: str
    key: str
    state: Path
    proc: subprocess.Popen[str]

    def log_states(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted((self.state / "logs").glob("*.json"))}

    def log_state(self, origin: str) -> dict[str, object]:
        for data in self.log_states().values():
            doc = json.loads(data)
            if doc["origin"] == origin:
                return dict(doc)
        raise AssertionError(f"the witness keeps no state for {origin}")


def _first_line(proc: subprocess.Popen[str], timeout: float = 30) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "the witness did not start"
    return proc.stdout.readline()


def _new_vault(path: Path, origin: str) -> str:
    ok("init", "--origin", origin, vault=path)
    return ok("key", "show", vault=path).out.strip()


@pytest.fixture
def two_archives(tmp_path: Path) -> Iterator[tuple[Path, Path, Witness]]:
    a, b = tmp_path / "a", tmp_path / "b"
    keys = [_new_vault(a, "example.org/a"), _new_vault(b, "example.org/b")]
    state = tmp_path / "witness"
    args: list[str | Path] = [
        "witness",
        "serve",
        "--state",
        state,
        "--listen",
        "127.0.0.1:0",
        "--name",
        "test.example/w1",
    ]
    proc = start(*args, *[w for k in keys for w in ("--log", k)])
    try:
        line = _first_line(proc)
        assert "listening on http://127.0.0.1:" in line, line
        url = line.split(" on ", 1)[1].strip()
        key = ok("witness", "key", "--state", state).out.strip()
        witness = Witness(url, key, state, proc)
        for vault in (a, b):
            ok("witness", "add", url, "--key", key, vault=vault)
        yield a, b, witness
    finally:
        proc.terminate()  # only the process this fixture started, by its pid
        proc.wait(timeout=10)


def _kept(vault: Path) -> list[tuple[int, str]]:
    import sqlite3

    with sqlite3.connect(vault / "ledger.sqlite") as conn:
        return [(int(s), str(line)) for s, line in conn.execute("SELECT size, line FROM cosignature ORDER BY size")]


def _consistency_proof(vault: Path, old: int, new: int) -> list[bytes]:
    from functools import partial

    from archive.core.merkle import batched, consistency_proof
    from archive.service.archive import Archive, Context

    archive, _ = Archive.open(vault, Context(actor="reader"), read_only=True)
    try:
        with archive.reading() as reader:
            [proof] = batched([partial(consistency_proof, old, new)], reader)
    finally:
        archive.close()
    return proof


def _seed(name: str, into: Path) -> Path:
    source = next(SEEDS.glob(f"{name}_*.txt"))
    target = into / source.name
    shutil.copyfile(source, target)
    return target


def test_the_witness_key_is_a_cosignature_key_made_on_first_start_and_private(
    two_archives: tuple[Path, Path, Witness],
) -> None:
    _, _, witness = two_archives
    key = WitnessKey.parse(witness.key)
    assert key.name == "test.example/w1"
    assert (witness.state / "witness.key").stat().st_mode & 0o777 == 0o600
    assert witness.key.split("+")[2] not in (witness.state / "witness.key").read_text()


def test_cosign_extend_and_cosign_again_with_a_consistency_proof(
    two_archives: tuple[Path, Path, Witness], tmp_path: Path
) -> None:
    a, b, witness = two_archives
    first = ok("cosign", "--json", vault=a).json()
    assert [w["status"] for w in first["witnesses"]] == ["cosigned"]
    assert witness.log_state("example.org/a")["size"] == first["size"] == 1
    root1 = decode_base64(str(witness.log_state("example.org/a")["root"]))
    ok("cosign", vault=b)  # the second archive is a second log of the same witness

    ok("ingest", _seed("001", tmp_path), _seed("002", tmp_path), vault=a)  # cosigned after the write
    size = json.loads(ok("checkpoint", "--json", vault=a).out)["size"]
    assert size > 1
    state = witness.log_state("example.org/a")
    assert state["size"] == size
    # What the witness kept, one state after the other, is consistent as an outsider checks it.
    root2 = decode_base64(str(state["root"]))
    assert verify_consistency(1, size, _consistency_proof(a, 1, size), root1, root2)
    again = ok("cosign", "--json", vault=a).json()  # asked again: a fresh cosignature of the same size
    assert [(w["status"], w["size"]) for w in again["witnesses"]] == [("cosigned", size)]
    note = json.loads(ok("checkpoint", "--json", vault=a).out)["note"]
    text = note[: note.rfind("\n\n") + 1]
    kept = _kept(a)
    assert sorted({s for s, _ in kept}) == [1, size]
    assert all(Cosignature.parse(line).verifies(text, WitnessKey.parse(witness.key)) for s, line in kept if s == size)
    assert root2 == decode_base64(text.split("\n")[2])
    listed = ok("witness", "list", "--json", vault=a).json()["witnesses"]
    assert listed == [{"url": witness.url, "key": witness.key, "cosigned_size": size}]
    assert witness.log_state("example.org/b")["size"] == 1


def test_a_fork_is_refused_with_409_and_the_witness_keeps_its_state(
    two_archives: tuple[Path, Path, Witness], tmp_path: Path
) -> None:
    a, _, witness = two_archives
    ok("ingest", _seed("001", tmp_path), vault=a)
    fork = tmp_path / "fork"
    shutil.copytree(a, fork, symlinks=True)  # the same key, the same history so far
    ok("ingest", _seed("002", tmp_path), vault=a)  # a's history goes on, and is cosigned
    before = witness.log_states()

    forked = run("ingest", _seed("003", tmp_path), vault=fork)  # another history at the same size
    assert forked.code == 0, str(forked)  # the write itself never fails for a witness
    assert "warning: witness test.example/w1" in forked.err and "split view" in forked.err
    refused = run("cosign", "--json", vault=fork)
    assert refused.code == 1, str(refused)
    [outcome] = refused.json()["witnesses"]
    assert outcome["status"] == "refused"
    assert outcome["problem"]["code"] == "WITNESS_SPLIT_VIEW"
    fork_root = json.loads(ok("checkpoint", "--json", vault=fork).out)["note"].split("\n")[2]
    assert fork_root in outcome["problem"]["message"]
    assert witness.log_states() == before  # byte for byte: nothing the fork sent was kept
    assert "add-checkpoint 409" in _stop_and_read_log(witness)


def _stop_and_read_log(witness: Witness) -> str:
    witness.proc.terminate()
    _, err = witness.proc.communicate(timeout=10)
    return err


def test_the_witness_refuses_a_rollback_and_the_vault_reports_it(
    two_archives: tuple[Path, Path, Witness], tmp_path: Path
) -> None:
    a, _, witness = two_archives
    old = tmp_path / "old"
    shutil.copytree(a, old, symlinks=True)
    ok("ingest", _seed("001", tmp_path), vault=a)
    refused = run("cosign", "--json", vault=old)  # a copy that lost the later entries
    assert refused.code == 1, str(refused)
    assert refused.json()["witnesses"][0]["problem"]["code"] == "WITNESS_SPLIT_VIEW"
    assert witness.log_state("example.org/a")["size"] == 2


def test_a_manifest_carries_the_cosignatures_and_verifies_offline_with_witness(
    two_archives: tuple[Path, Path, Witness], tmp_path: Path
) -> None:
    a, _, witness = two_archives
    ok("ingest", _seed("001", tmp_path), vault=a)
    out = tmp_path / "m.json"
    ok("manifest", "--all", "-o", out, vault=a)
    vkey = ok("key", "show", vault=a).out.strip()
    args: list[str | Path] = ["verify-manifest", out, "--key", vkey, "--witness", witness.key]
    ok(*args)
    doc = json.loads(out.read_text())
    [entry] = doc["time"]["witnessed"]
    assert entry["witness"] == "test.example/w1" and entry["size"] == doc["ledger"]["size"]
    markdown = ok("manifest", "--all", "--format", "md", vault=a).out
    assert "## Time" in markdown and "test.example/w1" in markdown

    other_key = ok("witness", "key", "--state", tmp_path / "other", "--name", "other.example/w").out.strip()
    needing_two = run(*args, "--witness", other_key, "--json")
    assert needing_two.code == 1 and _codes(needing_two.json()) == ["MANIFEST_WITNESS_MISSING"]
    ok(*args, "--witness", other_key, "--min-witnesses", "1")

    removed = json.loads(out.read_text())
    removed["time"]["witnessed"] = []
    altered = json.loads(out.read_text())
    line = altered["time"]["witnessed"][0]["cosignature"]
    at = len(line) - 10  # a byte of the Ed25519 signature
    altered["time"]["witnessed"][0]["cosignature"] = line[:at] + ("A" if line[at] != "A" else "B") + line[at + 1 :]
    for name, doc_ in (("removed", removed), ("altered", altered)):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(doc_))
        result = run("verify-manifest", path, "--key", vkey, "--witness", witness.key, "--json")
        assert result.code == 1, str(result)
        codes = _codes(result.json())
        assert "MANIFEST_WITNESS_MISSING" in codes
        assert ("MANIFEST_COSIGNATURE_INVALID" in codes) == (name == "altered")

    proof = tmp_path / "item.proof.json"
    item = json.loads(ok("list", "--json", vault=a).out)[0]["id"]
    ok("export", "proof", item, "-o", proof, vault=a)
    ok("verify-manifest", proof, "--key", vkey, "--witness", witness.key)


def _codes(report: dict[str, list[dict[str, str]]]) -> list[str]:
    return [p["code"] for p in report["problems"]]


def test_a_witness_that_is_down_or_hangs_costs_a_warning_never_a_write(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    _new_vault(vault, "example.org/v")
    key = ok("witness", "key", "--state", tmp_path / "w", "--name", "down.example/w").out.strip()
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]  # closed again: nothing listens there
    ok("witness", "add", f"http://127.0.0.1:{port}", "--key", key, "--timeout", "1", vault=vault)
    down = run("ingest", _seed("001", tmp_path), vault=vault)
    assert down.code == 0 and "warning: witness down.example/w" in down.err, str(down)
    assert ok("verify", vault=vault)

    hanging = socket.socket()
    hanging.bind(("127.0.0.1", 0))
    hanging.listen()
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(hanging.accept()[0]), daemon=True).start()
    try:
        hang_vault = tmp_path / "h"
        _new_vault(hang_vault, "example.org/h")
        url = f"http://127.0.0.1:{hanging.getsockname()[1]}"
        ok("witness", "add", url, "--key", key, "--timeout", "1", vault=hang_vault)
        began = time.monotonic()
        slow = run("ingest", _seed("002", tmp_path), vault=hang_vault, timeout=60)
        assert slow.code == 0 and "timed out" in slow.err, str(slow)
        assert time.monotonic() - began < 60
        failed = run("cosign", vault=hang_vault, timeout=60)
        assert failed.code == 3 and "down.example/w" in failed.err, str(failed)
    finally:
        for conn in accepted:
            conn.close()
        hanging.close()
