"""The team archive (issue 13): ingest and verify throughput with the ledger in PostgreSQL (objects in
the vault's folder, or in an S3 bucket with Object Lock on SeaweedFS) beside the local vault, in one
run, with 1, 4 and 8 concurrent writers; and proof times on a large PostgreSQL ledger.

Prints figures as tables. Part 1: the same generated articles (`bench.corpus.write_articles`) go into
a new vault per configuration (ledger, objects) and writer count; each writer is its own
`archive ingest DIR --vault V --json` process with its share of the files, all started at once (with
a bucket, the writers are spread over up to 4 copies of the vault directory: 4 machines), and
the figure is all the files over the wall time from the first start to the last exit (the median
of `--reps` runs, each into a new vault, the configurations taking turns). `archive verify --vault V
--json` is then timed, and must be clean with one ingest entry per file (entries = files + the key
announcement). Part 2: a new PostgreSQL vault gets the articles by `archive ingest`,
then is filled to `--entries` with access changes and amendments made by the archive's own write
path (`Archive.write`: entries sealed by the core, `Writer.append` and `put_nodes` of the backend in
batches, a signed checkpoint per batch); then inclusion proofs of random leaves and consistency
proofs from random old sizes to the head are timed and checked against the signed checkpoint: in one
open snapshot, with the vault opened for each proof, and `archive export proof`'s own library path
(`Archive.write_manifest(..., kind="archive-proof")`) and command.

The PostgreSQL server is tests/pg_server.py's (a throwaway PG 15 cluster on 127.0.0.1), started here
with fsync on so that its commits are as durable as the SQLite vault's; the S3 server is
tests/s3_server.py's SeaweedFS (`weed mini` on 127.0.0.1). The `archive` command is the
one beside this interpreter unless `--archive` names one or `--venv` installs this checkout's wheel
(`bench.install`, as bench/run.py does): the editable install recompiles its modules at every start
where PYTHONDONTWRITEBYTECODE is set, so only an installed one gives the start-up a user sees, and
each writer's start-up is in the ingest figures. Exits 1 when a check fails or a target is missed.
Run: `.venv/bin/python -m bench.bench_team [--entries N] [--files N] [--writers 1,4,8] [--reps N] [--venv DIR]
[--verify-ledger] [--json FILE]` (about 20 minutes at the defaults on 2 CPUs).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from archive.core.body import AccessBody, AmendBody, Body
from archive.core.checkpoint import check_checkpoint
from archive.core.claim import Claim
from archive.core.entry import decode, format_time
from archive.core.item import Fold
from archive.core.merkle import (
    batched,
    consistency_proof,
    inclusion_proof,
    root_at,
    verify_consistency,
    verify_inclusion,
)
from archive.evidence.manifest import PROOF_FORMAT, header
from archive.evidence.manifest import _entries as proven_entries
from archive.service.archive import Archive, Context
from archive.storage.announced import key_history
from archive.storage.port import Reader
from archive.storage.reads import item_from_state, load_item
from bench.corpus import write_articles
from bench.measure import remove_tree

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the test servers: tests/ is not a package

from pg_server import APP, OWNER, PgServer  # noqa: E402
from s3_server import SeaweedServer  # noqa: E402

TARGET_MS = 50.0  # the target for a proof on a 1,000,000-entry ledger (judged on the p95)
COMMAND_TIMEOUT = 1800.0  # seconds; a writer or a verify running longer is killed and fails its row
ARTICLE_BYTES = 2048
QUIET_EVERY = 10  # every tenth item is left out of the fill: it keeps its one ingest entry


# ---- configurations: where a vault's ledger and objects live -------------------------------------


@dataclass(frozen=True)
class Setup:
    """One configuration of a vault: its ledger backend and its object store."""

    ledger: str  # "sqlite" | "postgresql"
    objects: str  # "folder" | "s3" (a bucket with Object Lock on SeaweedFS)

    @property
    def name(self) -> str:
        return f"{self.ledger}+{self.objects}"

    @property
    def shared_directory(self) -> bool:
        """Whether every writer must use the one vault directory: a folder object store is local to it."""
        return self.objects == "folder"


SETUPS = (Setup("sqlite", "folder"), Setup("postgresql", "folder"), Setup("postgresql", "s3"))
MACHINES = 4  # working directories writers of a team archive are spread over


class Servers:
    """The servers vaults need, started on first use and stopped (by pid) at the end."""

    def __init__(self, secrets_dir: Path) -> None:
        self.secrets_dir = secrets_dir
        self._pg: PgServer | None = None
        self._s3: SeaweedServer | None = None
        self._databases = 0
        self._buckets = 0

    def pg(self) -> PgServer:
        """PostgreSQL with fsync on (the tests turn it off for speed): a commit is durable, as a commit
        of the SQLite vault is, so the two are compared on the same footing."""
        if self._pg is None:
            server = PgServer(self.secrets_dir, fsync=True)
            self._pg = server
            server.start()
        return self._pg

    def s3(self) -> SeaweedServer:
        if self._s3 is None:
            server = SeaweedServer()
            self._s3 = server
            server.start()
        return self._s3

    def fresh_bucket(self) -> str:
        """A new bucket with Object Lock, made by the store's administrator."""
        self._buckets += 1
        return self.s3().make_bucket(f"bench-{os.getpid()}-{self._buckets}")

    def fresh_database(self) -> tuple[str, str]:
        """(app DSN, owner DSN) of a new empty database."""
        self._databases += 1
        name = f"bench_{self._databases}"
        pg = self.pg()
        pg.fresh_database(name)
        return pg.dsn(APP, name), pg.dsn(OWNER, name)

    def close(self) -> None:
        if self._pg is not None:
            self._pg.destroy()
            self._pg = None
        if self._s3 is not None:
            self._s3.destroy()
            self._s3 = None


def make_vault(path: Path, setup: Setup, servers: Servers, archive: Sequence[str], env: dict[str, str]) -> None:
    """A new empty vault of `setup` at `path`, made by `archive init` as a user makes it."""
    argv = [*archive, "init", "--vault", str(path), "--json"]
    if setup.ledger == "postgresql":
        app, owner = servers.fresh_database()
        argv += ["--db", app, "--db-owner", owner]
    elif setup.ledger != "sqlite":
        raise SystemExit(f"unknown ledger {setup.ledger!r}")
    if setup.objects == "s3":
        s3 = servers.s3()
        argv += ["--objects", f"s3://{servers.fresh_bucket()}/bench", "--s3-endpoint", s3.endpoint]
        argv += ["--retention-days", "1"]
    elif setup.objects != "folder":
        raise SystemExit(f"unknown objects {setup.objects!r}")
    done = subprocess.run(argv, capture_output=True, env=env, timeout=120, check=False)
    if done.returncode != 0:
        raise SystemExit(f"archive init ({setup.name}) exited {done.returncode}: {done.stderr.decode()[-500:]}")


def writer_vaults(vault: Path, setup: Setup, writers: int) -> list[Path]:
    """The vault directory each writer names: the one directory when objects are a local folder;
    else up to MACHINES copies of it (marker and key, as a team member's machine gets them), the
    writers spread over them."""
    if setup.shared_directory:
        return [vault] * writers
    machines = [vault.with_name(f"{vault.name}-machine{m}") for m in range(min(writers, MACHINES))]
    for machine in machines:
        if not machine.exists():
            shutil.copytree(vault, machine, symlinks=True)
    return [machines[w % len(machines)] for w in range(writers)]


# ---- part 1: concurrent ingest, then verify ---------------------------------------------------------


@dataclass
class IngestRow:
    """One run: `writers` processes into a new vault of `setup`, then its verify."""

    setup: str
    writers: int
    rep: int
    files: int
    wall: float
    cpu: float  # the writers' own CPU seconds (the database server's are not in it)
    ingested: int
    verify_wall: float
    verify_ok: bool
    entries: int
    items: int
    problems: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.files / self.wall if self.wall else 0.0

    @property
    def clean(self) -> bool:
        return (
            self.verify_ok
            and self.ingested == self.files
            and self.items == self.files
            and self.entries == self.files + 1
        )


def write_shares(root: Path, files: int, writers: int) -> list[Path]:
    """The articles 0..files-1 split in `writers` folders of consecutive numbers (the same bytes whatever the split)."""
    folders = []
    for k in range(writers):
        start, stop = files * k // writers, files * (k + 1) // writers
        folder = root / f"writer-{k}"
        write_articles(folder, stop - start, size=ARTICLE_BYTES, tree=False, start=start)
        folders.append(folder)
    return folders


def _reap(procs: list[tuple[subprocess.Popen[bytes], Path]], deadline: float) -> list[tuple[int, float]]:
    """Wait for every process (wait4: each one's own CPU time); (exit code, CPU seconds) each."""
    out = []
    for proc, _ in procs:
        while True:
            done, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if done == proc.pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                out.append((proc.returncode, usage.ru_utime + usage.ru_stime))
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"a writer ran over {COMMAND_TIMEOUT:.0f} s")
            time.sleep(0.02)
    return out


def concurrent_ingest(
    folders: Sequence[Path], vaults: Sequence[Path], archive: Sequence[str], env: dict[str, str], logs: Path
) -> tuple[float, float, int, list[str]]:
    """Every writer started at once, each in its own working directory; (wall, CPU, files ingested, problems)."""
    logs.mkdir(parents=True, exist_ok=True)
    procs: list[tuple[subprocess.Popen[bytes], Path]] = []
    start = time.perf_counter()
    try:
        for k, (folder, vault) in enumerate(zip(folders, vaults, strict=True)):
            out = logs / f"writer-{k}.json"
            work = logs / f"cwd-{k}"
            work.mkdir(exist_ok=True)
            with out.open("wb") as stdout, (logs / f"writer-{k}.err").open("wb") as stderr:
                proc = subprocess.Popen(
                    [*archive, "ingest", str(folder), "--vault", str(vault), "--json"],
                    cwd=work,
                    env=env,
                    stdout=stdout,
                    stderr=stderr,
                    start_new_session=True,  # its own process group: killed whole if it overruns
                )
            procs.append((proc, out))
        reaped = _reap(procs, time.monotonic() + COMMAND_TIMEOUT)
    except BaseException:
        for proc, _ in procs:
            if proc.returncode is None:
                os.killpg(proc.pid, 9)
                proc.wait()
        raise
    wall = time.perf_counter() - start
    problems, ingested = [], 0
    for k, ((_, out), (code, _)) in enumerate(zip(procs, reaped, strict=True)):
        if code != 0:
            tail = (logs / f"writer-{k}.err").read_text("utf-8", "replace").strip().splitlines()[-1:]
            problems.append(f"writer {k} exited {code}: {' '.join(tail)}")
            continue
        ingested += int(json.loads(out.read_bytes())["ingested"])
    return wall, sum(cpu for _, cpu in reaped), ingested, problems


def verify(vault: Path, archive: Sequence[str], env: dict[str, str]) -> tuple[float, dict[str, Any]]:
    start = time.perf_counter()
    done = subprocess.run(
        [*archive, "verify", "--vault", str(vault), "--json"],
        capture_output=True,
        env=env,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        return wall, {"ok": False, "counts": {}, "problems": [{"code": f"exit {done.returncode}"}]}
    report: dict[str, Any] = json.loads(done.stdout)
    return wall, report


def ingest_part(
    work: Path,
    files: int,
    writer_counts: Sequence[int],
    reps: int,
    servers: Servers,
    archive: Sequence[str],
    env: dict[str, str],
) -> list[IngestRow]:
    """Every configuration with each writer count, `reps` times, each time into a new vault; the
    configurations take turns within a rep, so that a change in the machine's load falls on all."""
    rows = []
    for writers in writer_counts:
        corpus = work / f"corpus-{writers}"
        folders = write_shares(corpus, files, writers)
        for rep, setup in ((rep, setup) for rep in range(reps) for setup in SETUPS):
            vault = work / f"vault-{setup.name}-{writers}-{rep}"
            make_vault(vault, setup, servers, archive, env)
            wall, cpu, ingested, problems = concurrent_ingest(
                folders, writer_vaults(vault, setup, writers), archive, env, vault.with_name(vault.name + "-logs")
            )
            verify_wall, report = verify(vault, archive, env)
            counts = report.get("counts", {})
            problems += [str(p.get("code")) for p in report.get("problems", [])]
            row = IngestRow(
                setup.name,
                writers,
                rep,
                files,
                wall,
                cpu,
                ingested,
                verify_wall,
                bool(report.get("ok")),
                int(counts.get("entries", 0)),
                int(counts.get("items", 0)),
                problems,
            )
            rows.append(row)
            say(
                f"  {setup.name:<18} {writers} writer(s), run {rep + 1}: {row.rate:7.1f} files/s ({wall:.2f} s), "
                f"verify {verify_wall:.2f} s, {'clean' if row.clean else 'NOT CLEAN ' + '; '.join(problems[:3])}"
            )
            remove_tree(vault)
        remove_tree(corpus)
    return rows


# ---- part 2: a large ledger in PostgreSQL, and its proofs ----------------------------------------


def fill(archive: Archive, total: int, batch: int) -> int:
    """Append `total` entries in transactions of `batch` (as bench_ledger does: access changes and,
    every hundredth, an amendment), round the items but every QUIET_EVERY-th; returns entries appended.

    The index rows are written once, in the last transaction: between batches nothing reads them,
    and rewriting every item's growing state in each batch would be most of the build's time."""
    with archive.reading() as r:
        ids = [row.id for row in r.items()]
        fold = Fold()
        for item_id in ids:
            item = load_item(r, item_id)
            assert item is not None
            fold.items[item_id] = item
    busy = [item_id for n, item_id in enumerate(ids) if n % QUIET_EVERY]
    done = 0
    while done < total:
        count = min(batch, total - done)
        with archive.write() as txn:
            for n in range(done, done + count):
                item = fold.items[busy[n % len(busy)]]
                assert item.head is not None
                now = archive.ctx.clock()
                body: Body
                if n % 100 == 99:
                    note = Claim.asserted("note", f"revision {n}", by=archive.ctx.actor, at=format_time(now))
                    body, kind = AmendBody(item.id, item.head, f"bench correction {n}", (note,)), "amend"
                else:
                    status = "restricted" if item.access.status == "open" else "open"
                    body, kind = AccessBody(item.id, item.head, status, f"bench access change {n}"), "access"
                sealed = txn.append(kind, body, now)
                fold.apply(decode(sealed.data), sealed.hash)
            done += count
            if done == total:
                txn.w.put_items([fold.items[i].index_row() for i in busy])
        if sys.stderr.isatty():
            sys.stderr.write(f"\r  {done:,} / {total:,} entries")
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    return done


@dataclass
class ProofRow:
    name: str
    samples: list[float]  # seconds
    detail: str
    judged: bool = True  # judged against the target (False: for information)

    def ms(self, q: str) -> float:
        s = sorted(self.samples)
        if q == "median":
            return statistics.median(s) * 1000
        if q == "p95":
            return s[min(len(s) - 1, round(0.95 * (len(s) - 1)))] * 1000
        return s[-1] * 1000

    @property
    def passed(self) -> bool | None:
        return self.ms("p95") < TARGET_MS if self.judged else None


def signed_root(archive: Archive, r: Reader) -> tuple[int, bytes]:
    """The size and root of the latest checkpoint, its signature checked with the vault's key."""
    latest = r.latest_checkpoint()
    assert latest is not None
    size, note = latest
    key = key_history(r).key_for_size(size)
    check = check_checkpoint(note, [key] if key else [], archive.origin)
    assert check.checkpoint is not None, check.detail
    assert check.checkpoint.size == size == r.size()
    return size, check.checkpoint.root


def _inclusion(r: Reader, index: int, size: int) -> list[bytes]:
    [proof] = batched([partial(inclusion_proof, index, size)], r)
    return proof


def _consistency(r: Reader, old: int, size: int) -> list[bytes]:
    [proof] = batched([partial(consistency_proof, old, size)], r)
    return proof


def _check_inclusion(r: Reader, index: int, size: int, proof: list[bytes], root: bytes) -> None:
    leaf = bytes.fromhex(r.entries_at([index])[0].hash)
    assert verify_inclusion(leaf, index, size, proof, root), f"inclusion proof of {index} does not verify"


def _check_consistency(r: Reader, old: int, size: int, proof: list[bytes], root: bytes) -> None:
    [old_root] = batched([partial(root_at, old)], r)
    assert verify_consistency(old, size, proof, old_root, root), f"consistency proof from {old} does not verify"


@contextmanager
def opened(vault: Path) -> Iterator[Archive]:
    archive, _ = Archive.open(vault, Context(actor="bench", host="bench"), read_only=True)
    try:
        yield archive
    finally:
        archive.close()


def proof_part(
    vault: Path, samples: int, exports: int, archive_cmd: Sequence[str], env: dict[str, str]
) -> list[ProofRow]:
    rng = random.Random(13)
    with opened(vault) as archive, archive.reading() as r:
        size, root = signed_root(archive, r)
        items = [row for row in r.items()]
        indices = [rng.randrange(size) for _ in range(samples)]
        olds = [rng.randrange(1, size) for _ in range(samples)]
        inc, con = [], []
        for index, old in zip(indices, olds, strict=True):
            start = time.perf_counter()
            proof = _inclusion(r, index, size)
            inc.append(time.perf_counter() - start)
            _check_inclusion(r, index, size, proof, root)
            start = time.perf_counter()
            proof = _consistency(r, old, size)
            con.append(time.perf_counter() - start)
            _check_consistency(r, old, size, proof, root)
    rows = [
        ProofRow("inclusion, one open snapshot", inc, "core proof over the stored nodes, a random leaf"),
        ProofRow("consistency, one open snapshot", con, "core proof, a random old size to the head"),
    ]
    inc_open, con_open = [], []
    for index, old in zip(indices, olds, strict=True):
        start = time.perf_counter()
        with opened(vault) as archive, archive.reading() as r:
            proof = _inclusion(r, index, size)
            inc_open.append(time.perf_counter() - start)
            _check_inclusion(r, index, size, proof, root)
        start = time.perf_counter()
        with opened(vault) as archive, archive.reading() as r:
            proof = _consistency(r, old, size)
            con_open.append(time.perf_counter() - start)
            _check_consistency(r, old, size, proof, root)
    rows.append(ProofRow("inclusion, vault opened each time", inc_open, "Archive.open read-only + snapshot + proof"))
    rows.append(ProofRow("consistency, vault opened each time", con_open, "Archive.open read-only + snapshot + proof"))
    quiet = [row.id for n, row in enumerate(items) if n % QUIET_EVERY == 0]
    busy = [row.id for n, row in enumerate(items) if n % QUIET_EVERY]
    for label, pool in (("1 entry", quiet), ("many entries", busy)):
        chosen = [rng.choice(pool) for _ in range(exports + 1)]
        proven, whole, entries = [], [], []
        for item_id in chosen:
            # What `archive export proof` proves: the header (latest checkpoint checked, key entries
            # proven) and the item's entries with their inclusion proofs, from one snapshot.
            start = time.perf_counter()
            with opened(vault) as archive, archive.reading() as r:
                head = header(r, origin=archive.origin, actor="bench", now=archive.ctx.clock(), kind=PROOF_FORMAT)
                state = r.item_state(item_id)
                assert state is not None
                [item_entries] = proven_entries(r, [item_from_state(state)], head)
            proven.append(time.perf_counter() - start)
            entries.append(len(item_entries))
            # The whole of it: the same, plus citations (pandoc) and the signature, as JSON.
            start = time.perf_counter()
            out = io.StringIO()
            with opened(vault) as archive:
                archive.write_manifest([(archive.resolve_ref(item_id).item, None)], out, kind=PROOF_FORMAT)
            whole.append(time.perf_counter() - start)
            doc = json.loads(out.getvalue())
            assert [e["seq"] for e in doc["items"][0]["entries"]] == [e["seq"] for e in item_entries]
        # The first export of each kind imports the manifest's modules: a warm-up, not counted.
        proven, whole, entries = proven[1:], whole[1:], entries[1:]
        span = f"{min(entries):,}" if min(entries) == max(entries) else f"{min(entries):,} to {max(entries):,}"
        span += " entry" if max(entries) == 1 else " entries"
        rows.append(
            ProofRow(
                f"export proof: header + proofs, item of {label}",
                proven,
                f"vault opened, header + the item's {span} proven (manifest.header, _entries)",
                judged=label == "1 entry",
            )
        )
        rows.append(
            ProofRow(
                f"export proof (library), item of {label}",
                whole,
                "Archive.write_manifest(kind='archive-proof'): the above + citations (pandoc) + signature",
                judged=False,
            )
        )
    times = []
    for n in range(max(1, exports // 10)):
        item_id = quiet[n % len(quiet)]
        out_file = vault.parent / "proof.json"
        start = time.perf_counter()
        done = subprocess.run(
            [*archive_cmd, "export", "proof", item_id, "-o", str(out_file), "--vault", str(vault)],
            capture_output=True,
            env=env,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"archive export proof exited {done.returncode}: {done.stderr.decode()[-300:]}")
    rows.append(
        ProofRow(
            "`archive export proof` (command)", times, "item of 1 entry, interpreter start-up included", judged=False
        )
    )
    return rows


# ---- output --------------------------------------------------------------------------------------


def load() -> str:
    """The machine's 1-minute load average, for the reader to judge how disturbed the figures are."""
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> None:
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)).rstrip()

    say(line(header))
    say("  ".join("-" * w for w in widths))
    for row in rows:
        say(line(row))


@dataclass
class Build:
    size: int
    seconds: float  # the whole build: the ingest of the articles, then the fill
    ingest_seconds: float
    appended: int
    verify_seconds: float | None = None  # `archive verify` of it, when asked for
    verify_ok: bool | None = None

    @property
    def rate(self) -> float:
        return self.appended / max(1e-9, self.seconds - self.ingest_seconds)


def build_ledger(
    work: Path, files: int, entries: int, batch: int, servers: Servers, archive: Sequence[str], env: dict[str, str]
) -> tuple[Path, Build]:
    """A new PostgreSQL vault with the articles (by `archive ingest`), filled to `entries`."""
    vault = work / "proof-vault"
    make_vault(vault, Setup("postgresql", "folder"), servers, archive, env)
    [folder] = write_shares(work / "proof-corpus", files, 1)
    start = time.perf_counter()
    wall, _, ingested, problems = concurrent_ingest([folder], [vault], archive, env, work / "logs-proof")
    if problems or ingested != files:
        raise SystemExit(f"the proof vault's ingest failed: {'; '.join(problems) or f'{ingested} of {files}'}")
    with Archive.open(vault, Context(actor="bench", host="bench"))[0] as filling:
        appended = fill(filling, entries - filling.size()[0], batch)
        size = filling.size()[0]
    return vault, Build(size, time.perf_counter() - start, wall, appended)


def print_ingest(rows: Sequence[IngestRow], files: int) -> None:
    reps = max(r.rep for r in rows) + 1
    say(
        f"\ningest and verify, {files} files per vault, the same files in each; median of {reps} run(s), "
        "each into a new vault"
    )
    say("(every writer names the one vault directory: the objects are a local folder there)")
    groups: dict[tuple[str, int], list[IngestRow]] = {}
    for r in rows:
        groups.setdefault((r.setup, r.writers), []).append(r)
    lines = []
    for (setup, writers), runs in sorted(groups.items(), key=lambda g: (g[0][1], g[0][0] != "sqlite+folder")):
        rates = [r.rate for r in runs]
        lines.append(
            (
                setup,
                str(writers),
                f"{statistics.median(rates):.1f}",
                f"{min(rates):.1f}-{max(rates):.1f}",
                f"{statistics.median(r.wall for r in runs):.2f}",
                f"{statistics.median(r.cpu for r in runs):.1f}",
                f"{statistics.median(r.verify_wall for r in runs):.2f}",
                "clean" if all(r.clean for r in runs) else "NOT CLEAN",
                "/".join(sorted({f"{r.entries:,}" for r in runs})),
            )
        )
    table(
        ("ledger+objects", "writers", "files/s", "range", "wall s", "writers' CPU s", "verify s", "verify", "entries"),
        lines,
        (False, True, True, True, True, True, True, False, True),
    )


def print_proofs(rows: Sequence[ProofRow], build: Build) -> None:
    say(
        f"\nproofs on {build.size:,} entries in PostgreSQL, target p95 < {TARGET_MS:.0f} ms (built in "
        f"{build.seconds:.1f} s: ingest {build.ingest_seconds:.1f} s, then {build.appended:,} entries at "
        f"{build.rate:,.0f}/s)"
    )
    table(
        ("proof", "n", "median ms", "p95 ms", "max ms", "result", "how"),
        [
            (
                p.name,
                str(len(p.samples)),
                f"{p.ms('median'):.2f}",
                f"{p.ms('p95'):.2f}",
                f"{p.ms('max'):.2f}",
                "info" if p.passed is None else ("PASS" if p.passed else "MISS"),
                p.detail,
            )
            for p in rows
        ],
        (False, True, True, True, True, False, False),
    )
    if build.verify_seconds is not None:
        verdict = "clean" if build.verify_ok else "NOT CLEAN"
        say(f"archive verify of that ledger: {build.verify_seconds:.1f} s, {verdict}")


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=400, help="articles ingested per vault (default 400)")
    parser.add_argument("--writers", default="1,4,8", help="concurrent writer counts (default 1,4,8)")
    parser.add_argument("--reps", type=int, default=3, help="runs of each ingest configuration (default 3)")
    parser.add_argument("--entries", type=int, default=1_000_000, help="entries of the proof ledger")
    parser.add_argument("--batch", type=int, default=10_000, help="entries per transaction when filling it")
    parser.add_argument("--proofs", type=int, default=200, help="proofs of each kind timed (default 200)")
    parser.add_argument("--exports", type=int, default=50, help="proof exports of each kind timed (default 50)")
    parser.add_argument("--archive", type=Path, default=Path(sys.executable).parent / "archive", help="the command")
    parser.add_argument("--venv", type=Path, help="install this checkout's wheel into this new venv and use it")
    parser.add_argument("--reuse-venv", action="store_true", help="with --venv: keep one already there")
    parser.add_argument("--verify-ledger", action="store_true", help="also time `archive verify` of the proof ledger")
    parser.add_argument("--skip-ingest", action="store_true", help="only the proof ledger")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    if args.venv is not None:
        from bench.install import install

        args.archive = install(
            REPO, args.venv, args.venv.parent / "bench-team-install.log", reuse=args.reuse_venv
        ).archive
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    archive = [str(args.archive)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_") and k != "PYTHONPATH"}
    env["ARCHIVE_ACTOR"] = "bench"
    ingest_rows: list[IngestRow] = []
    say(f"bench_team: {load()}; archive = {args.archive}")
    with tempfile.TemporaryDirectory(prefix="bench-team-") as tmp:
        work = Path(tmp)
        servers = Servers(work)
        try:
            if not args.skip_ingest:
                say(f"\n1. ingest of {args.files} articles by concurrent `archive ingest` processes ({load()})")
                counts = [int(w) for w in args.writers.split(",")]
                if any(setup.objects == "s3" for setup in SETUPS):
                    env.update(servers.s3().env())  # the writers' AWS credentials, as a user sets them
                ingest_rows = ingest_part(work, args.files, counts, args.reps, servers, archive, env)
            say(f"\n2. a {args.entries:,}-entry ledger in PostgreSQL, and its proofs ({load()})")
            vault, build = build_ledger(work, args.files, args.entries, args.batch, servers, archive, env)
            say(f"  built ({load()}); timing proofs")
            proof_rows = proof_part(vault, args.proofs, args.exports, archive, env)
            say(f"  proofs timed ({load()})")
            if args.verify_ledger:
                build.verify_seconds, report = verify(vault, archive, env)
                build.verify_ok = bool(report.get("ok")) and report.get("counts", {}).get("entries") == build.size
        finally:
            servers.close()
    if ingest_rows:
        print_ingest(ingest_rows, args.files)
    print_proofs(proof_rows, build)
    failures = [
        f"{r.setup}, {r.writers} writers, run {r.rep + 1}: not clean ({'; '.join(r.problems) or 'counts'})"
        for r in ingest_rows
    ]
    failures = [f for f, r in zip(failures, ingest_rows, strict=True) if not r.clean]
    failures += [
        f"{p.name}: p95 {p.ms('p95'):.1f} ms, target < {TARGET_MS:.0f} ms" for p in proof_rows if p.passed is False
    ]
    for failure in failures:
        say(f"MISSED: {failure}")
    if args.json is not None:
        result = {
            "files": args.files,
            "ingest": [asdict(r) | {"rate": r.rate, "clean": r.clean} for r in ingest_rows],
            "build": asdict(build),
            "proofs": [
                {"name": p.name, "n": len(p.samples), "passed": p.passed, "detail": p.detail}
                | {f"{q}_ms": p.ms(q) for q in ("median", "p95", "max")}
                for p in proof_rows
            ],
            "failures": failures,
        }
        args.json.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
