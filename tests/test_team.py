"""The team archive (issue 13): writers on several machines sharing one PostgreSQL ledger and one
SeaweedFS bucket with Object Lock, through the CLI, against real servers (tests/pg_server.py,
tests/s3_server.py). One linear chain however the writers interleave; SIGKILLed writers, a database
restart and a refused upload leave an archive that verifies, and a retry that completes.

A machine is a copy of the team vault's directory (its marker and keys, its own tmp/ for staging),
as a team member's machine joins; its CLI processes run in a UTS namespace of their own with the
machine's host name (so the acquisition host is really what `gethostname()` says there).
"""

from __future__ import annotations

import base64
import ctypes
import hashlib
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    Run,
    archive_command,
    assert_one_error_line,
    cli_args,
    cli_env,
    make_articles,
    unique,
    write_text,
)
from pg_server import APP, OWNER, PgServer
from s3_server import SeaweedServer

from archive.storage.port import StoredRow
from archive.storage.postgres import PostgresLedger

pytestmark = pytest.mark.slow

RETENTION_DAYS = 30
PREFIX = "team"
MACHINES = 4
WRITERS_PER_MACHINE = 2
CLONE_NEWUTS = 0x04000000
RUN_TIMEOUT = 240.0  # seconds for any one group of CLI processes: nothing here may hang


# ---- servers and the team vault -----------------------------------------------------------------


@pytest.fixture(scope="module")
def namespaces() -> None:
    """Each machine's processes need a UTS namespace of their own: root, and a kernel that allows it."""
    if os.geteuid() != 0:
        pytest.fail("test_team needs root: each machine's CLI runs in a UTS namespace of its own (CI runs as root)")
    try:
        subprocess.run([sys.executable, "-c", ""], check=True, timeout=60, preexec_fn=_enter_machine("probe"))
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.fail(f"test_team cannot give a process a UTS namespace and host name of its own: {exc}")


@pytest.fixture(scope="session")
def pg(pg_server: PgServer) -> PgServer:
    return pg_server  # the test process's one server (tests/conftest.py)


@pytest.fixture(scope="session")
def s3(s3_server: SeaweedServer) -> SeaweedServer:
    return s3_server


@dataclass(frozen=True)
class Machine:
    """One team member's machine: its host name, its copy of the vault, the folder its files are in."""

    host: str
    vault: Path
    inbox: Path


@dataclass(frozen=True)
class Writer:
    """One person (an actor) writing from one machine."""

    machine: Machine
    actor: str

    @property
    def inbox(self) -> Path:
        return self.machine.inbox / self.actor


@dataclass(frozen=True)
class Team:
    """The team vault (PostgreSQL ledger, S3 objects), its machines and its writers."""

    dsn: str
    bucket: str
    machines: list[Machine]
    writers: list[Writer]
    s3: SeaweedServer
    scratch: Path

    def env(self, **extra: str) -> dict[str, str]:
        return {**self.s3.env(), **extra}


@pytest.fixture
def team(namespaces: None, pg: PgServer, s3: SeaweedServer, tmp_path: Path) -> Team:
    """A new team vault made by `archive init --db … --objects s3://…`, copied to MACHINES machines."""
    database = unique("team")
    pg.fresh_database(database)
    bucket = s3.make_bucket(unique("team", "-"))
    origin = tmp_path / "vault"
    made = _complete(
        [
            _launch(
                None,
                "init",
                "--db",
                pg.dsn(APP, database),
                "--db-owner",
                pg.dsn(OWNER, database),
                "--objects",
                f"s3://{bucket}/{PREFIX}",
                "--s3-endpoint",
                s3.endpoint,
                "--retention-days",
                str(RETENTION_DAYS),
                vault=origin,
                env=s3.env(),
                logs=tmp_path / "logs",
            )
        ]
    )[0]
    assert made.code == 0, str(made)
    machines = []
    for m in range(MACHINES):
        home = tmp_path / f"machine-{m}"
        shutil.copytree(origin, home / "vault", symlinks=True)  # modes kept: keys/ stays private
        machines.append(Machine(f"machine-{m}", home / "vault", home / "inbox"))
    writers = [Writer(m, f"{m.host}-person-{w}") for m in machines for w in range(WRITERS_PER_MACHINE)]
    return Team(pg.dsn(APP, database), bucket, machines, writers, s3, tmp_path)


# ---- running the CLI as a machine ---------------------------------------------------------------


@dataclass
class Process:
    """A CLI process a test started, with its output going to files (many run at once: no pipes to fill)."""

    args: tuple[str, ...]
    popen: subprocess.Popen[bytes]
    out: Path
    err: Path

    def result(self) -> Run:
        code = self.popen.wait()
        return Run(self.args, code, self.out.read_text(errors="replace"), self.err.read_text(errors="replace"))


def _enter_machine(host: str) -> Callable[[], None]:
    """In the child before exec: a UTS namespace of its own, named `host` (ctypes is loaded here, in
    the parent, so the child only makes the two system calls)."""
    libc = ctypes.CDLL(None, use_errno=True)
    name = host.encode("ascii")

    def enter() -> None:
        if libc.unshare(CLONE_NEWUTS) != 0:
            raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWUTS) refused")
        if libc.sethostname(name, len(name)) != 0:
            raise OSError(ctypes.get_errno(), "sethostname refused")

    return enter


_launched = itertools.count()


def _launch(
    who: Writer | Machine | None,
    *args: str | Path,
    vault: Path | None = None,
    env: Mapping[str, str],
    logs: Path,
) -> Process:
    """Start `archive ARGS` as `who` (a writer: its actor, on its machine; a machine: its host name)."""
    machine = who.machine if isinstance(who, Writer) else who
    extra = {"ARCHIVE_ACTOR": who.actor} if isinstance(who, Writer) else {}
    words = cli_args(args, vault if vault is not None else (machine.vault if machine is not None else None))
    logs.mkdir(parents=True, exist_ok=True)
    n = next(_launched)
    out, err = logs / f"{n}.out", logs / f"{n}.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        popen = subprocess.Popen(
            [*archive_command(), *words],
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            env=cli_env({**env, **extra}),
            preexec_fn=_enter_machine(machine.host) if machine is not None else None,
        )
    return Process(tuple(words), popen, out, err)


def _complete(processes: Sequence[Process], timeout: float = RUN_TIMEOUT) -> list[Run]:
    """Wait for every process (killing them all, by pid, if any overruns) and return what each did."""
    deadline = time.monotonic() + timeout
    try:
        for process in processes:
            process.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        for process in processes:
            if process.popen.poll() is None:
                process.popen.kill()
                process.popen.wait()
        pytest.fail(f"CLI processes ran over {timeout:.0f} s: {[p.args[:2] for p in processes]}")
    return [process.result() for process in processes]


@dataclass(eq=False)
class Step:
    """One CLI run of a writer's plan; it starts once `after` (another writer's step) has finished."""

    args: tuple[str, ...]
    after: Step | None = None
    result: Run | None = None


@dataclass
class Plan:
    writer: Writer
    steps: list[Step] = field(default_factory=list)


def _run_plans(team: Team, plans: Sequence[Plan]) -> None:
    """Every writer runs its steps in order, all writers at once; a step waits for the one it needs.

    Driven from this one thread (no threads: a `preexec_fn` is safe only without them).
    """
    queues = {id(plan): list(plan.steps) for plan in plans}
    running: dict[int, tuple[Step, Process]] = {}
    deadline = time.monotonic() + RUN_TIMEOUT
    while any(queues.values()) or running:
        for plan in plans:
            queue = queues[id(plan)]
            if id(plan) in running or not queue:
                continue
            if queue[0].after is not None and queue[0].after.result is None:
                continue
            step = queue.pop(0)
            running[id(plan)] = (step, _launch(plan.writer, *step.args, env=team.env(), logs=team.scratch))
        for key, (step, process) in list(running.items()):
            if process.popen.poll() is not None:
                step.result = process.result()
                del running[key]
        if time.monotonic() > deadline:
            for _, process in running.values():
                process.popen.kill()
                process.popen.wait()
            pytest.fail(f"the writers ran over {RUN_TIMEOUT:.0f} s")
        time.sleep(0.05)


# ---- reading the team archive -------------------------------------------------------------------


def _rows(team: Team) -> list[StoredRow]:
    """The ledger as stored, read through the library (a read-only connection as the app role)."""
    ledger = PostgresLedger(team.dsn, read_only=True)
    try:
        with ledger.read() as r:
            return list(r.rows())
    finally:
        ledger.close()


def _data(row: StoredRow) -> bytes:
    assert row.data is not None, row.seq  # PostgreSQL keeps the column's type: bytes, never NULL
    return row.data


def _entries(rows: Sequence[StoredRow], kind: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [json.loads(_data(row)) for row in rows if row.kind == kind]
    return found


def _assert_one_chain(rows: Sequence[StoredRow]) -> None:
    """seq 0..n-1, each entry's prev the hash of the one before, each hash that of its bytes."""
    assert [row.seq for row in rows] == list(range(len(rows)))
    assert [row.prev for row in rows] == ["0" * 64] + [row.hash for row in rows[:-1]]
    for row in rows:
        entry = json.loads(_data(row))
        assert (entry["seq"], entry["prev"], entry["kind"]) == (row.seq, row.prev, row.kind)
        assert hashlib.sha256(b"\x00" + _data(row)).hexdigest() == row.hash


def _assert_verifies(team: Team, machines: Sequence[Machine], *, uncommitted_allowed: bool = False) -> set[str]:
    """`archive verify --json` from each machine's working directory (all at once) is clean; returns
    the keys reported as uploads no entry names (the only warning `uncommitted_allowed` allows)."""
    runs = _complete([_launch(m, "verify", "--json", env=team.env(), logs=team.scratch) for m in machines])
    uncommitted: set[str] = set()
    for result in runs:
        assert result.code == 0, str(result)
        report = result.json()
        assert report["ok"] is True and report["problems"] == [], report["problems"]
        codes = {w["code"] for w in report["warnings"]}
        assert codes <= ({"OBJECT_UNCOMMITTED"} if uncommitted_allowed else set()), report["warnings"]
        uncommitted |= {w["path"] for w in report["warnings"]}
    return uncommitted


def _key(digest: str) -> str:
    return f"{PREFIX}/sha256/{digest[:2]}/{digest}"


def _bucket_keys(team: Team) -> set[str]:
    admin = team.s3.client(team.s3.admin)
    keys: set[str] = set()
    for page in admin.get_paginator("list_objects_v2").paginate(Bucket=team.bucket, Prefix=f"{PREFIX}/"):
        keys |= {str(item["Key"]) for item in page.get("Contents", [])}
    return keys


def _assert_in_bucket_locked(team: Team, digests: set[str]) -> None:
    """Each object in the bucket, its current version with the SHA-256 checksum and a COMPLIANCE
    lock of the vault's retention."""
    admin = team.s3.client(team.s3.admin)
    soon = datetime.now(UTC) + timedelta(days=RETENTION_DAYS) - timedelta(hours=1)
    for digest in sorted(digests):
        head = admin.head_object(Bucket=team.bucket, Key=_key(digest), ChecksumMode="ENABLED")
        assert head["ChecksumSHA256"] == base64.b64encode(bytes.fromhex(digest)).decode(), digest
        retention = admin.get_object_retention(Bucket=team.bucket, Key=_key(digest))["Retention"]
        assert retention["Mode"] == "COMPLIANCE" and retention["RetainUntilDate"] > soon, digest


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _owner(writers: Sequence[Writer], path: str) -> Writer:
    """The writer whose inbox holds `path` (an acquisition's path names the machine's file)."""
    owners = [w for w in writers if Path(path).is_relative_to(w.inbox)]
    assert len(owners) == 1, path
    return owners[0]


def _assert_acquired_by_whoever_ran_it(team: Team, ingests: Sequence[dict[str, Any]]) -> None:
    for entry in ingests:
        acquisition = entry["body"]["acquisition"]
        writer = _owner(team.writers, acquisition["path"])
        assert (entry["actor"], acquisition["host"]) == (writer.actor, writer.machine.host), entry


def _staging_left(machine: Machine) -> list[str]:
    tmp = machine.vault / "tmp"
    return sorted(p.name for p in tmp.iterdir()) if tmp.is_dir() else []


def _current(machine: Machine) -> dict[str, dict[str, Any]]:
    """Each item's current metadata as a machine's copy of the vault reads it (through the library)."""
    from archive.service.archive import Archive, Context

    archive, _ = Archive.open(machine.vault, Context(actor="checker"), read_only=True)
    try:
        return {item.id: item.current() for item in archive.items()}
    finally:
        archive.close()


def _ingested_from(rows: Sequence[StoredRow], writer: Writer) -> list[str]:
    """The items whose ingest entry names a file in `writer`'s inbox."""
    return [
        e["body"]["item"]
        for e in _entries(rows, "ingest")
        if Path(e["body"]["acquisition"]["path"]).is_relative_to(writer.inbox)
    ]


def _ingest_args(files: Sequence[Path], batch: int) -> tuple[str, ...]:
    return ("ingest", "--batch-size", str(batch), *map(str, files))


def _wait_until(what: str, condition: Callable[[], bool], processes: Sequence[Process], timeout: float = 120) -> None:
    """Poll `condition` while the processes run; fail (killing them) if it never holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            for process in processes:
                process.popen.kill()
                process.popen.wait()
            pytest.fail(f"never happened within {timeout:.0f} s: {what}")
        time.sleep(0.1)


# ---- the tests ----------------------------------------------------------------------------------

SHARED = 3  # files every machine has (the same bytes under each machine's own path)
CHUNK = 10  # distinct files per writer


def test_eight_writers_on_four_machines_make_one_chain_with_every_item_once(team: Team) -> None:
    shared = [f"Shared report {i}\n\nEvery machine saved this same page ({i}).\n" for i in range(SHARED)]
    files: dict[str, list[Path]] = {}
    for writer in team.writers:
        files[writer.actor] = make_articles(writer.inbox, CHUNK, prefix=writer.actor)
        if writer.actor.endswith("-0"):  # one writer per machine also has the shared files
            files[writer.actor] += [write_text(writer.inbox / f"shared-{i}.txt", text) for i, text in enumerate(shared)]
    first = team.writers[0::2]  # each machine's person 0
    ingests = {w.actor: Step(_ingest_args(files[w.actor], 3)) for w in team.writers}
    # Every writer amends an item a writer on another machine ingested, as soon as that ingest has
    # finished: person 0 after its own ingest, person 1 before its own, so amendments run while
    # other machines are still ingesting.
    amends: set[tuple[str, str, str]] = set()
    plans = []
    for i, writer in enumerate(team.writers):
        other = first[(i // 2 + 1 + i % 2) % MACHINES]
        assert other.machine != writer.machine
        item = _digest(files[other.actor][i])
        outlet = f"Outlet set by {writer.actor}"
        amends.add((writer.actor, item, outlet))
        amend = Step(("amend", item, "--set", f"outlet={outlet}", "--reason", "team check"), ingests[other.actor])
        steps = [ingests[writer.actor], amend] if writer in first else [amend, ingests[writer.actor]]
        plans.append(Plan(writer, steps))
    assert len({i for _, i, _ in amends}) == len(amends) == len(team.writers)
    _run_plans(team, plans)
    for plan in plans:
        for step in plan.steps:
            assert step.result is not None and step.result.code == 0, str(step.result)

    rows = _rows(team)
    _assert_one_chain(rows)
    every = {_digest(path) for paths in files.values() for path in paths}
    assert len(every) == len(team.writers) * CHUNK + SHARED
    ingested = _entries(rows, "ingest")
    assert sorted(e["body"]["item"] for e in ingested) == sorted(every)  # each exactly once
    _assert_acquired_by_whoever_ran_it(team, ingested)
    assert sorted((e["actor"], e["body"]["item"]) for e in _entries(rows, "amend")) == sorted(
        (a, i) for a, i, _ in amends
    )
    assert {row.kind for row in rows} == {"key", "ingest", "amend"}
    for machine in (team.machines[0], team.machines[-1]):  # what a machine reads is the amendment
        current = _current(machine)
        assert set(current) == every
        for _, item, outlet in amends:
            assert current[item].get("outlet") == outlet, current[item]

    assert _assert_verifies(team, team.machines) == set()
    _assert_in_bucket_locked(team, every)
    assert _bucket_keys(team) == {_key(d) for d in every}  # nothing uploaded that no entry names
    for machine in team.machines:
        assert _staging_left(machine) == [], machine


def test_writers_killed_mid_batch_leave_an_archive_that_verifies_and_a_retry_completes(team: Team) -> None:
    victims, survivor = [team.writers[0], team.writers[2]], team.writers[4]
    writers = (*victims, survivor)
    files = {w.actor: make_articles(w.inbox, 120 if w in victims else 30, prefix=w.actor) for w in writers}
    running = {
        w.actor: _launch(w, *_ingest_args(files[w.actor], 5), env=team.env(), logs=team.scratch) for w in writers
    }

    def each_victim_has_committed_batches() -> bool:
        rows = _rows(team)
        return all(len(_ingested_from(rows, w)) >= 10 for w in victims)

    _wait_until("each victim committing batches", each_victim_has_committed_batches, list(running.values()))
    for victim in victims:
        process = running[victim.actor].popen
        assert process.poll() is None, "the victim finished before it could be killed: give it more files"
        os.kill(process.pid, signal.SIGKILL)
    killed = _complete([running[w.actor] for w in victims])
    assert [r.code for r in killed] == [-signal.SIGKILL] * len(victims)
    (kept,) = _complete([running[survivor.actor]])
    assert kept.code == 0, str(kept)
    for victim in victims:  # a dead writer's staging directory, its lock free
        assert [n for n in _staging_left(victim.machine) if n.startswith("stage-")], _staging_left(victim.machine)

    rows = _rows(team)
    _assert_one_chain(rows)
    committed = {e["body"]["item"] for e in _entries(rows, "ingest")}
    # Verified where a dead writer's staging is left, and where none is.
    uncommitted = _assert_verifies(team, [victims[0].machine, team.machines[3]], uncommitted_allowed=True)
    victims_files = {_digest(p) for w in victims for p in files[w.actor]}
    # Uploads whose entries never committed: the victims' files, locked, named by no entry.
    assert uncommitted <= {_key(d) for d in victims_files - committed}
    assert _bucket_keys(team) == {_key(d) for d in committed} | uncommitted
    assert len(_ingested_from(rows, survivor)) == len(files[survivor.actor])

    retried = _complete(
        [_launch(w, *_ingest_args(files[w.actor], 5), env=team.env(), logs=team.scratch) for w in victims]
    )
    for result in retried:
        assert result.code == 0, str(result)
    rows = _rows(team)
    _assert_one_chain(rows)
    every = {_digest(p) for paths in files.values() for p in paths}
    assert sorted(e["body"]["item"] for e in _entries(rows, "ingest")) == sorted(every)
    _assert_acquired_by_whoever_ran_it(team, _entries(rows, "ingest"))
    for victim in victims:  # the killed writer's staging, cleaned by the machine's next writer
        assert _staging_left(victim.machine) == []
    assert _assert_verifies(team, [victims[1].machine]) == set()  # every upload is now named by an entry
    _assert_in_bucket_locked(team, every)
    assert _bucket_keys(team) == {_key(d) for d in every}


RECORDED = re.compile(r"; (nothing was recorded|(\d+) files? (?:was|were) recorded before it)$")


def test_a_database_restart_mid_ingest_fails_cleanly_and_the_retry_completes(team: Team, pg: PgServer) -> None:
    writers = team.writers[0::2]  # one per machine
    batch = 4
    files = {w.actor: make_articles(w.inbox, 48, prefix=w.actor) for w in writers}
    running = [_launch(w, *_ingest_args(files[w.actor], batch), env=team.env(), logs=team.scratch) for w in writers]
    # Once every writer has committed a batch (its vault is open and it is writing), the restart.

    def each_writer_has_committed() -> bool:
        rows = _rows(team)
        return all(_ingested_from(rows, w) for w in writers)

    _wait_until("every writer committing", each_writer_has_committed, running)
    pg.restart()
    results = _complete(running)

    rows = _rows(team)
    _assert_one_chain(rows)
    failed = []
    for writer, result in zip(writers, results, strict=True):
        recorded = len(_ingested_from(rows, writer))
        if result.code == 0:
            assert recorded == len(files[writer.actor])
            continue
        failed.append(writer)
        assert_one_error_line(result, 3)
        assert "ledger database" in result.err, result.err  # it says what failed
        said = RECORDED.search(result.err.strip())
        assert said is not None, result.err
        reported = 0 if said[2] is None else int(said[2])
        if "whole or absent" in result.err:  # the last commit's answer was lost and its outcome unknown
            assert recorded in (reported, reported + batch), (recorded, result.err)
        else:
            assert recorded == reported, (recorded, result.err)
    # (A writer that touched no connection while the server was down carries on: a restart between
    # two transactions is not an error. Which writers fail depends on when each commits.)
    uncommitted = _assert_verifies(team, [team.machines[0]], uncommitted_allowed=True)
    committed = {e["body"]["item"] for e in _entries(rows, "ingest")}
    assert _bucket_keys(team) == {_key(d) for d in committed} | uncommitted

    retried = _complete(
        [_launch(w, *_ingest_args(files[w.actor], batch), env=team.env(), logs=team.scratch) for w in failed]
    )
    for result in retried:
        assert result.code == 0, str(result)
    rows = _rows(team)
    _assert_one_chain(rows)
    every = {_digest(p) for paths in files.values() for p in paths}
    assert sorted(e["body"]["item"] for e in _entries(rows, "ingest")) == sorted(every)
    _assert_acquired_by_whoever_ran_it(team, _entries(rows, "ingest"))
    for machine in team.machines:
        assert _staging_left(machine) == [], machine
    assert _assert_verifies(team, [team.machines[1]]) == set()
    assert _bucket_keys(team) == {_key(d) for d in every}


def test_a_bucket_refusing_one_writers_uploads_records_nothing_of_it_while_the_others_ingest(team: Team) -> None:
    writers = team.writers[0::2]
    refused = writers[-1]
    files = {w.actor: make_articles(w.inbox, 12, prefix=w.actor) for w in writers}
    wrong = team.env(AWS_SECRET_ACCESS_KEY="0" * 40)
    results = _complete(
        [
            _launch(w, *_ingest_args(files[w.actor], 4), env=wrong if w is refused else team.env(), logs=team.scratch)
            for w in writers
        ]
    )
    for writer, result in zip(writers, results, strict=True):
        if writer is refused:
            assert_one_error_line(result, 3)
            assert "access denied" in result.err.lower(), result.err
            assert result.err.rstrip().endswith("nothing was recorded"), result.err
        else:
            assert result.code == 0, str(result)
    rows = _rows(team)
    _assert_one_chain(rows)
    assert _ingested_from(rows, refused) == []
    others = {_digest(p) for w in writers if w is not refused for p in files[w.actor]}
    assert sorted(e["body"]["item"] for e in _entries(rows, "ingest")) == sorted(others)
    assert _staging_left(refused.machine) == []
    assert _assert_verifies(team, [refused.machine]) == set()
    assert _bucket_keys(team) == {_key(d) for d in others}
