"""The archive's benchmark: ingest, verify, memory and start-up, each beside a peer in the same run.

    cd /work/main && .venv/bin/python -m bench.run [--quick] [--only SECTION] [--profile]

Sections (see bench/README.md): `ingest` (small articles through the CLI vs git add+commit),
`verify-small` and `verify-large` (archive verify vs bagit.py --validate), `memory` (peak RSS of
ingesting one large file), `startup` (`archive --help`). Corpora are generated (seeded) under the
work directory (default bench/out/work) and removed after their section. Every timed command runs
`--reps` times (default 3; the page cache dropped before each when permitted) and the median counts.
The table at the end gives the archive's figure, the peer's, the ratio (peer time / archive time,
or peer bytes / archive bytes: above 1.0 the archive does better), the target and the verdict;
a JSON copy of every figure goes to bench/out/results-*.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pstats
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.corpus import CorpusInfo, write_articles, write_random_files, write_text_file
from bench.measure import Caches, Run, median, remove_tree, run, wait_idle

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
OUT = BENCH / "out"
MiB = 1 << 20
GiB = 1 << 30
MB = 1_000_000
SECTIONS = ("ingest", "verify-small", "verify-large", "memory", "startup")
GIT_SH = "git init -q && git add -A && git commit -q -m x"


@dataclass(frozen=True)
class Sizes:
    small_files: int
    small_size: int
    large_files: int
    large_size: int
    single_size: int


FULL = Sizes(small_files=10_000, small_size=4096, large_files=64, large_size=16 * MiB, single_size=2 * GiB)
QUICK = Sizes(small_files=1_000, small_size=4096, large_files=16, large_size=16 * MiB, single_size=256 * MiB)


@dataclass
class Row:
    """One line of the final table."""

    metric: str
    archive: str
    peer: str
    ratio: float | None
    target: str
    passed: bool | None  # None: for information only

    @property
    def verdict(self) -> str:
        return "info" if self.passed is None else ("PASS" if self.passed else "FAIL")


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _secs(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def _git_env(*, durable: bool) -> dict[str, str]:
    """git isolated from user and system config, auto-gc off (it would repack in the background)."""
    env = dict(os.environ)
    env.update(
        GIT_CONFIG_GLOBAL="/dev/null",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="bench",
        GIT_AUTHOR_EMAIL="bench@example.org",
        GIT_COMMITTER_NAME="bench",
        GIT_COMMITTER_EMAIL="bench@example.org",
    )
    config = [("init.defaultBranch", "main"), ("gc.auto", "0"), ("maintenance.auto", "false")]
    if durable:
        config += [("core.fsync", "all"), ("core.fsyncMethod", "batch")]
    env["GIT_CONFIG_COUNT"] = str(len(config))
    for i, (key, value) in enumerate(config):
        env[f"GIT_CONFIG_KEY_{i}"] = key
        env[f"GIT_CONFIG_VALUE_{i}"] = value
    return env


class Bench:
    """Runs the sections and collects their rows."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.sizes = QUICK if args.quick else FULL
        self.reps: int = args.reps
        self.startup_runs: int = args.startup_runs
        self.profile: bool = args.profile
        self.batch_size: int | None = args.batch_size
        self.work: Path = args.workdir.resolve()
        self.caches = Caches(cold=not args.warm)
        self.idle_wait: float = args.idle_wait
        self.disturbance: list[float] = []  # CPUs other processes used during each timed run
        bindir = Path(sys.executable).parent
        self.python = Path(sys.executable)
        self.archive = _tool(bindir, "archive")
        self.bagit = _tool(bindir, "bagit.py")
        self.git = shutil.which("git") or "git"
        self.res = Results()
        self.cpu = (0.0, 0.0)  # CPU seconds (archive, peer) of the last verify pair
        self.env = {k: v for k, v in os.environ.items() if k not in {"ARCHIVE_VAULT", "ARCHIVE_DEBUG"}}
        self.env["ARCHIVE_ACTOR"] = "bench"
        self.env["PYTHONPATH"] = str(PROJECT)
        self.scratch = self.work / "scratch"
        self._small: tuple[Path, Path, CorpusInfo] | None = None  # corpus, vault, info

    # ---- helpers -------------------------------------------------------------------------

    def timed(self, argv: Sequence[str | Path], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
        """Drop caches (when cold), wait for a quiet machine, then run and check one command."""
        self.caches.drop()
        self.quiet()
        r = run(argv, cwd=cwd, env=env or self.env, scratch=self.scratch).check()
        self.disturbance.append(r.foreign / r.wall)
        return r

    def quiet(self) -> None:
        if self.idle_wait > 0:
            load = wait_idle(self.idle_wait)
            if load >= 0.2:
                _say(f"  (machine still busy after {self.idle_wait:.0f} s: {load:.1f} CPUs used by others)")

    def ingest_cmd(self, paths: Sequence[Path], vault: Path, *, raw: bool = False) -> list[str | Path]:
        cmd: list[str | Path] = [self.archive, "ingest", *paths, "--vault", vault, "--json"]
        if raw:
            cmd.append("--raw")
        if self.batch_size is not None:
            cmd += ["--batch-size", str(self.batch_size)]
        return cmd

    def archive_ingest(self, paths: Sequence[Path], vault: Path, expected: int, *, raw: bool = False) -> Run:
        r = self.timed(self.ingest_cmd(paths, vault, raw=raw))
        got = json.loads(r.stdout)
        if got.get("ingested") != expected:
            raise RuntimeError(f"archive ingested {got.get('ingested')} files, expected {expected}")
        return r

    def git_commit(self, directory: Path, *, durable: bool = False) -> Run:
        try:
            return self.timed(["sh", "-c", GIT_SH], cwd=directory, env=_git_env(durable=durable))
        finally:
            remove_tree(directory / ".git")

    def row(self, *args: Any) -> None:
        self.res.rows.append(Row(*args))

    def figure(self, key: str, value: Any) -> None:
        self.res.figures[key] = value

    # ---- small corpus --------------------------------------------------------------------

    def small_corpus(self) -> tuple[Path, CorpusInfo]:
        corpus = self.work / "small" / "corpus"
        remove_tree(corpus)
        t = time.perf_counter()
        info = write_articles(corpus, self.sizes.small_files, size=self.sizes.small_size)
        _say(
            f"  generated {info.files} articles, {info.bytes / MB:.1f} MB "
            f"(mean {info.bytes / info.files:.0f} bytes), {info.layout}, in {_secs(time.perf_counter() - t)}"
        )
        self.figure("small_corpus", {"files": info.files, "bytes": info.bytes, "layout": info.layout})
        return corpus, info

    def section_ingest(self, keep: bool) -> None:
        n = self.sizes.small_files
        _say(f"\n== ingest: {n} articles of ~{self.sizes.small_size} bytes, CLI vs git add+commit")
        corpus, info = self.small_corpus()
        vault = self.work / "small" / "vault"
        cli: list[Run] = []
        git: list[Run] = []
        git_durable: list[Run] = []
        inproc: list[dict[str, Any]] = []
        cli_error = ""
        try:
            for rep in range(self.reps):
                if not cli_error:
                    remove_tree(vault)
                    try:
                        cli.append(self.archive_ingest([corpus], vault, n))
                    except RuntimeError as exc:
                        cli_error = str(exc)
                        _say(f"  archive CLI failed, measuring the rest without it: {cli_error}")
                git.append(self.git_commit(corpus))
                git_durable.append(self.git_commit(corpus, durable=True))
                inproc.append(self.inproc_ingest(corpus, self.work / "small" / "vault-inproc"))
                shown = (
                    f"archive CLI {_secs(cli[-1].wall)} (user {cli[-1].user:.2f} + sys {cli[-1].sys:.2f} s CPU)"
                    if cli and not cli_error
                    else "archive CLI failed"
                )
                _say(
                    f"  rep {rep + 1}: {shown}, in-process {_secs(inproc[-1]['phases']['total'])}, "
                    f"git {_secs(git[-1].wall)}, git durable {_secs(git_durable[-1].wall)}"
                    + _noise(*cli[-1:], git[-1], git_durable[-1])
                )
            t_git = median([r.wall for r in git])
            t_gitd = median([r.wall for r in git_durable])
            t_lib = median([p["phases"]["total"] for p in inproc])
            phases = {k: median([p["phases"][k] for p in inproc]) for k in inproc[0]["phases"]}
            inside = {
                k: median([p["inside"].get(k, {}).get("seconds", 0.0) for p in inproc]) for k in inproc[0]["inside"]
            }
            _say("  in-process phases (median, wall s): " + ", ".join(f"{k} {v:.2f}" for k, v in phases.items()))
            _say(
                "  time inside (median, summed over threads, s): "
                + ", ".join(f"{k} {v:.2f}" for k, v in inside.items())
            )
            self.figure(
                "ingest",
                {
                    "archive_cli_s": [r.wall for r in cli],
                    "archive_cli_cpu_s": [r.user + r.sys for r in cli],
                    "archive_cli_maxrss": [r.maxrss for r in cli],
                    "archive_cli_error": cli_error,
                    "git_s": [r.wall for r in git],
                    "git_durable_s": [r.wall for r in git_durable],
                    "inprocess": inproc,
                },
            )
            if cli_error:
                self.row(f"ingest {n} articles, CLI", "FAILED: " + cli_error[-50:], "", None, "ratio >= 1.0", False)
                cli_mark = "(CLI failed)"
            else:
                t_cli = median([r.wall for r in cli])
                self.row(
                    f"ingest {n} articles, CLI (articles/s)",
                    f"{n / t_cli:,.0f}/s ({_secs(t_cli)})",
                    f"git {n / t_git:,.0f}/s ({_secs(t_git)})",
                    t_git / t_cli,
                    "ratio >= 1.0",
                    t_git / t_cli >= 1.0,
                )
                cli_mark = f"{n / t_cli:,.0f}/s"
                c_cli, c_git = median([r.user + r.sys for r in cli]), median([r.user + r.sys for r in git])
                self.row("  same, CPU time (user+sys)", _secs(c_cli), f"git {_secs(c_git)}", c_git / c_cli, "", None)
            self.row(
                "  same, in-process library (no start-up)",
                f"{n / t_lib:,.0f}/s ({_secs(t_lib)})",
                f"git {n / t_git:,.0f}/s",
                t_git / t_lib,
                "",
                None,
            )
            self.row(
                "  same, vs git with core.fsync=all (durable)",
                cli_mark,
                f"git {n / t_gitd:,.0f}/s ({_secs(t_gitd)})",
                None if cli_error else t_gitd / median([r.wall for r in cli]),
                "",
                None,
            )
            if self.profile:
                self.profile_ingest(corpus, self.work / "small" / "vault-profile")
            if cli_error:
                self.inproc_ingest(corpus, vault, keep=True)  # the vault verify-small checks
            self._small = (corpus, vault, info)
        finally:
            remove_tree(self.work / "small" / "vault-inproc")
            remove_tree(self.work / "small" / "vault-profile")
            if not keep:
                self.drop_small()

    def drop_small(self) -> None:
        remove_tree(self.work / "small")
        self._small = None

    def inproc_ingest(self, corpus: Path, vault: Path, *, raw: bool = False, keep: bool = False) -> dict[str, Any]:
        """Ingest through the library in a fresh process (timed after imports); the vault is removed."""
        remove_tree(vault)
        try:
            cmd: list[str | Path] = [self.python, "-m", "bench.inproc", corpus, vault]
            if raw:
                cmd.append("--raw")
            if self.batch_size is not None:
                cmd += ["--batch-size", str(self.batch_size)]
            r = self.timed(cmd, cwd=PROJECT)
            result: dict[str, Any] = json.loads(r.stdout)
            if result["ingested"] != result["files"]:
                raise RuntimeError(f"in-process ingest stored {result['ingested']} of {result['files']} files")
            return result
        finally:
            if not keep:
                remove_tree(vault)

    def build_vault(self, corpus: Path, vault: Path, expected: int, *, raw: bool = False) -> Run | None:
        """A vault of `corpus` for the verify sections: through the CLI, or the library if the CLI fails."""
        try:
            return self.archive_ingest([corpus], vault, expected, raw=raw)
        except RuntimeError as exc:
            _say(f"  archive CLI ingest failed ({exc}); building the vault through the library instead")
            remove_tree(vault)
            self.inproc_ingest(corpus, vault, raw=raw, keep=True)
            return None

    def profile_ingest(self, corpus: Path, vault: Path) -> None:
        stats_file = OUT / "ingest.prof"
        OUT.mkdir(parents=True, exist_ok=True)
        remove_tree(vault)
        self.timed([self.python, "-m", "bench.inproc", corpus, vault, "--profile", stats_file], cwd=PROJECT)
        remove_tree(vault)
        for key, title in (("cumulative", "cumulative time"), ("tottime", "own time")):
            _say(f"\n  cProfile of the in-process ingest (main thread), top 10 by {title} ({stats_file}):")
            text = _pstats_text(stats_file, key, 10)
            for line in text.splitlines():
                _say("    " + line)
        self.figure("profile", {"file": str(stats_file), "top_cumulative": _pstats_text(stats_file, "cumulative", 10)})

    # ---- verify --------------------------------------------------------------------------

    def verify_pair(self, vault: Path, bag: Path, label: str, files: int, size: int) -> tuple[float, float]:
        arch: list[Run] = []
        bag_runs: list[Run] = []
        for rep in range(self.reps):
            arch.append(self.timed([self.archive, "verify", "--vault", vault, "--json"]))
            bag_runs.append(self.timed([self.bagit, "--validate", "--processes", "2", bag]))
            _say(
                f"  rep {rep + 1}: archive verify {_secs(arch[-1].wall)} "
                f"(CPU {arch[-1].user + arch[-1].sys:.2f} s), bagit --validate {_secs(bag_runs[-1].wall)} "
                f"(CPU {bag_runs[-1].user + bag_runs[-1].sys:.2f} s)" + _noise(arch[-1], bag_runs[-1])
            )
        t_a = median([r.wall for r in arch])
        t_b = median([r.wall for r in bag_runs])
        self.cpu = (median([r.user + r.sys for r in arch]), median([r.user + r.sys for r in bag_runs]))
        self.figure(
            label,
            {
                "files": files,
                "bytes": size,
                "archive_s": [r.wall for r in arch],
                "bagit_s": [r.wall for r in bag_runs],
                "archive_cpu_s": [r.user + r.sys for r in arch],
                "bagit_cpu_s": [r.user + r.sys for r in bag_runs],
            },
        )
        return t_a, t_b

    def cpu_row(self, peer: str) -> None:
        c_a, c_b = self.cpu
        self.row("  same, CPU time (user+sys)", _secs(c_a), f"{peer} {_secs(c_b)}", c_b / c_a, "", None)

    def make_bag(self, directory: Path) -> float:
        """Make a bag of `directory` in place (its files move into data/); returns the time it took."""
        return self.timed([self.bagit, "--processes", "2", "--sha256", directory]).wall

    def section_verify_small(self) -> None:
        n = self.sizes.small_files
        _say(f"\n== verify-small: {n} articles, archive verify vs bagit.py --validate --processes 2")
        try:
            if self._small is None:
                self.drop_small()
                corpus, info = self.small_corpus()
                vault = self.work / "small" / "vault"
                self.build_vault(corpus, vault, n)
            else:
                corpus, vault, info = self._small
            t_make = self.make_bag(corpus)
            _say(f"  made the bag (sha256, 2 processes) in {_secs(t_make)}")
            t_a, t_b = self.verify_pair(vault, corpus, "verify_small", info.files, info.bytes)
            self.row(
                f"verify {n} articles (files/s)",
                f"{n / t_a:,.0f}/s, {info.bytes / MB / t_a:.1f} MB/s ({_secs(t_a)})",
                f"bagit {n / t_b:,.0f}/s, {info.bytes / MB / t_b:.1f} MB/s ({_secs(t_b)})",
                t_b / t_a,
                "ratio >= 2.0",
                t_b / t_a >= 2.0,
            )
            self.cpu_row("bagit")
        finally:
            self.drop_small()

    def section_verify_large(self) -> None:
        s = self.sizes
        total = s.large_files * s.large_size
        _say(
            f"\n== verify-large: {s.large_files} files of {s.large_size // MiB} MiB ({total / GiB:.2f} GiB), "
            "random bytes ingested with --raw"
        )
        base = self.work / "large"
        corpus, vault = base / "corpus", base / "vault"
        try:
            remove_tree(base)
            t = time.perf_counter()
            info = write_random_files(corpus, s.large_files, s.large_size)
            _say(f"  generated {info.files} files, {info.bytes / MB:.0f} MB, in {_secs(time.perf_counter() - t)}")
            r = self.build_vault(corpus, vault, info.files, raw=True)
            if r is not None:
                _say(f"  archive ingest --raw (one run): {_secs(r.wall)}, {total / MB / r.wall:.0f} MB/s")
                self.figure("ingest_large_s", r.wall)
            t_make = self.make_bag(corpus)
            _say(f"  made the bag (sha256, 2 processes) in {_secs(t_make)}")
            t_a, t_b = self.verify_pair(vault, corpus, "verify_large", info.files, info.bytes)
            self.row(
                f"verify {s.large_files} x {s.large_size // MiB} MiB (MB/s)",
                f"{total / MB / t_a:,.0f} MB/s, {info.files / t_a:.1f} files/s ({_secs(t_a)})",
                f"bagit {total / MB / t_b:,.0f} MB/s ({_secs(t_b)})",
                t_b / t_a,
                "ratio >= 1.0",
                t_b / t_a >= 1.0,
            )
            self.cpu_row("bagit")
            if r is not None:
                self.row(
                    "  ingest of the same, --raw, 1 run",
                    f"{total / MB / r.wall:,.0f} MB/s ({_secs(r.wall)})",
                    f"bag creation {total / MB / t_make:,.0f} MB/s",
                    t_make / r.wall,
                    "",
                    None,
                )
        finally:
            remove_tree(base)

    # ---- memory --------------------------------------------------------------------------

    def section_memory(self) -> None:
        size = self.sizes.single_size
        _say(f"\n== memory: ingest of one {size / GiB:.2f} GiB UTF-8 text file (peak RSS of the process)")
        base = self.work / "memory"
        corpus, vault = base / "corpus", base / "vault"
        try:
            remove_tree(base)
            t = time.perf_counter()
            write_text_file(corpus / "big.txt", size)
            _say(f"  generated {size / MB:.0f} MB of text in {_secs(time.perf_counter() - t)}")
            arch: list[Run] = []
            git: list[Run] = []
            for rep in range(self.reps):
                remove_tree(vault)
                arch.append(self.archive_ingest([corpus / "big.txt"], vault, 1))
                git.append(self.git_commit(corpus))
                _say(
                    f"  rep {rep + 1}: archive max RSS {arch[-1].maxrss / MiB:.1f} MiB "
                    f"in {_secs(arch[-1].wall)}, "
                    f"git max RSS {git[-1].maxrss / MiB:.1f} MiB in {_secs(git[-1].wall)}" + _noise(arch[-1], git[-1])
                )
            remove_tree(vault)
            base_rss = run([self.archive, "--help"], env=self.env, scratch=self.scratch).check().maxrss
            m_a = median([r.maxrss for r in arch])
            m_g = median([r.maxrss for r in git])
            t_a = median([r.wall for r in arch])
            t_g = median([r.wall for r in git])
            self.figure(
                "memory",
                {
                    "bytes": size,
                    "archive_maxrss": [r.maxrss for r in arch],
                    "git_maxrss": [r.maxrss for r in git],
                    "archive_s": [r.wall for r in arch],
                    "git_s": [r.wall for r in git],
                    "archive_help_maxrss": base_rss,
                },
            )
            self.row(
                f"peak RSS, ingest 1 x {size / GiB:.2f} GiB text",
                f"{m_a / MiB:.1f} MiB (max {max(r.maxrss for r in arch) / MiB:.1f})"
                + ("" if all(r.rss_exact for r in arch) else " upper bound: no /usr/bin/time"),
                f"git add {m_g / MiB:.1f} MiB",
                m_g / m_a,
                "< 100 MiB",
                m_a < 100 * MiB,
            )
            self.row(
                "  same, time (MB/s)",
                f"{size / MB / t_a:,.0f} MB/s ({_secs(t_a)})",
                f"git {size / MB / t_g:,.0f} MB/s ({_secs(t_g)})",
                t_g / t_a,
                "",
                None,
            )
            self.row("  baseline: RSS of `archive --help`", f"{base_rss / MiB:.1f} MiB", "", None, "", None)
        finally:
            remove_tree(base)

    # ---- start-up ------------------------------------------------------------------------

    def section_startup(self) -> None:
        n = self.startup_runs
        _say(f"\n== startup: `archive --help`, median of {n} warm runs, vs `python -c pass` (same venv)")

        def times(argv: Sequence[str | Path], count: int, *, cold: bool) -> list[float]:
            out = []
            for _ in range(count):
                if cold:
                    self.caches.drop()
                out.append(run(argv, env=self.env, scratch=self.scratch).check().wall)
            return out

        help_cmd: list[str | Path] = [self.archive, "--help"]
        pass_cmd: list[str | Path] = [self.python, "-c", "pass"]
        self.quiet()
        times(help_cmd, 2, cold=False)  # warm-up
        warm = times(help_cmd, n, cold=False)
        floor = times(pass_cmd, n, cold=False)
        t_h, t_p = median(warm), median(floor)
        self.row(
            "start-up `archive --help` (s)",
            _secs(t_h),
            f"python -c pass {_secs(t_p)}",
            t_p / t_h,
            "< 0.5 s",
            t_h < 0.5,
        )
        figures: dict[str, Any] = {"archive_help_s": warm, "python_pass_s": floor}
        if self.caches.cold:
            cold_help = times(help_cmd, self.reps, cold=True)
            cold_pass = times(pass_cmd, self.reps, cold=True)
            self.row(
                "  same, cold page cache",
                _secs(median(cold_help)),
                f"python -c pass {_secs(median(cold_pass))}",
                median(cold_pass) / median(cold_help),
                "",
                None,
            )
            figures.update(archive_help_cold_s=cold_help, python_pass_cold_s=cold_pass)
        _say("  " + ", ".join(f"{t:.3f}" for t in warm) + " s")
        r = run([self.python, "-X", "importtime", self.archive, "--help"], env=self.env, scratch=self.scratch)
        imports = _importtime(r.stderr.decode("utf-8", "replace"))
        total = sum(self_us for _, self_us, _ in imports)
        _say(f"  python -X importtime: {len(imports)} modules, {total / 1e3:.0f} ms own import time in all")
        for by_self, title in ((False, "cumulative"), (True, "self")):
            _say(f"  top 5 imports by {title} time:")
            ranked = sorted(imports, key=lambda x: x[1] if by_self else x[2], reverse=True)
            for name, self_us, cum_us in ranked[:5]:
                _say(f"    {cum_us / 1e3:8.1f} ms cumulative {self_us / 1e3:8.1f} ms self  {name.strip()}")
        top = sorted(imports, key=lambda x: -x[2])[:5]
        figures["importtime_top_cumulative"] = [
            {"module": m.strip(), "self_us": s, "cumulative_us": c} for m, s, c in top
        ]
        self.figure("startup", figures)


def _noise(*runs: Run) -> str:
    """A note when other processes used a noticeable share of the machine during these runs."""
    worst = max(r.foreign / r.wall for r in runs)
    return f" [others used up to {worst:.1f} CPUs]" if worst >= 0.1 else ""


def _tool(bindir: Path, name: str) -> Path:
    path = bindir / name
    if path.exists():
        return path
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"bench: {name} not found (next to {sys.executable} or on PATH)")
    return Path(found)


_IMPORT_LINE = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(.*)")


def _importtime(stderr: str) -> list[tuple[str, int, int]]:
    """(module, self µs, cumulative µs) for each line of `python -X importtime` output."""
    out = []
    for line in stderr.splitlines():
        m = _IMPORT_LINE.match(line)
        if m:
            out.append((m.group(3).rstrip(), int(m.group(1)), int(m.group(2))))
    return out


def _pstats_text(path: Path, key: str, count: int) -> str:
    import io

    buffer = io.StringIO()
    stats = pstats.Stats(str(path), stream=buffer)
    stats.strip_dirs().sort_stats(key).print_stats(count)
    lines = buffer.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    head = [line.strip() for line in lines[:start] if "function calls" in line]
    return "\n".join(head + [line for line in lines[start:] if line.strip()])


def print_table(rows: Sequence[Row]) -> None:
    header = ("metric", "archive", "peer", "ratio", "target", "result")
    cells = [header] + [
        (r.metric, r.archive, r.peer, "" if r.ratio is None else f"{r.ratio:.2f}", r.target, r.verdict) for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    line = "-+-".join("-" * w for w in widths)
    for i, c in enumerate(cells):
        _say(" | ".join(c[j].ljust(widths[j]) for j in range(len(header))))
        if i == 0:
            _say(line)


def _environment(bench: Bench) -> dict[str, Any]:
    def version(argv: Sequence[str | Path]) -> str:
        try:
            out = subprocess.run([str(a) for a in argv], capture_output=True, text=True, check=False)
        except OSError:
            return "unknown"
        return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else "?"

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "git": version([bench.git, "--version"]),
        "bagit": version([bench.python, "-c", "import bagit; print(bagit.VERSION)"]),
        "caches": bench.caches.label,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="small corpora: 1,000 articles, 256 MiB large and single")
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        metavar="SECTION",
        help=f"run only this section (repeatable): {', '.join(SECTIONS)}",
    )
    parser.add_argument("--reps", type=int, default=3, help="runs of each timed command; the median counts (default 3)")
    parser.add_argument("--startup-runs", type=int, default=10, help="runs of `archive --help` (default 10)")
    parser.add_argument("--warm", action="store_true", help="do not drop the page cache before timed runs")
    parser.add_argument("--profile", action="store_true", help="also profile the in-process small ingest (cProfile)")
    parser.add_argument(
        "--idle-wait",
        type=float,
        default=120.0,
        help="before each timed run, wait up to this many seconds for other processes to go quiet "
        "(under 0.2 CPUs; 0: do not wait; default 120)",
    )
    parser.add_argument("--batch-size", type=int, help="pass --batch-size to archive ingest (default: its own)")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=OUT / "work",
        help="where corpora and vaults go (default bench/out/work)",
    )
    args = parser.parse_args(argv)
    selected = [s for s in SECTIONS if not args.only or s in args.only]

    def terminate(_signum: int, _frame: object) -> None:
        raise SystemExit(143)  # unwinds: the running child is killed, the work directory removed

    signal.signal(signal.SIGTERM, terminate)
    bench = Bench(args)
    env = _environment(bench)
    _say(f"archive benchmark{' (--quick)' if args.quick else ''}: sections {', '.join(selected)}")
    _say("  " + "; ".join(f"{k} {v}" for k, v in env.items()))
    if bench.caches.reason:
        _say(f"  note: {bench.caches.reason}; every run is warm, for the archive and its peers alike")
    bench.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    sections: dict[str, Callable[[], None]] = {
        "ingest": lambda: bench.section_ingest(keep="verify-small" in selected),
        "verify-small": bench.section_verify_small,
        "verify-large": bench.section_verify_large,
        "memory": bench.section_memory,
        "startup": bench.section_startup,
    }
    try:
        for name in selected:
            try:
                sections[name]()
            except (RuntimeError, OSError, ValueError, KeyError) as exc:
                # one section failing (say, the archive refusing its input) does not stop the others
                _say(f"  section {name} failed: {exc}")
                bench.row(f"{name}: FAILED to run", str(exc)[:60], "", None, "", False)
    finally:
        remove_tree(bench.work)
    elapsed = time.perf_counter() - started
    _say(f"\n== results ({bench.caches.label}; median of {bench.reps} runs; ratio > 1.0: the archive does better)")
    print_table(bench.res.rows)
    if bench.disturbance:
        worst, typical = max(bench.disturbance), median(bench.disturbance)
        _say(
            f"\nother processes during timed runs: median {typical:.2f} CPUs, worst {worst:.2f} CPUs "
            f"(of {os.cpu_count()})" + ("; figures are disturbed" if worst >= 0.25 else "")
        )
        bench.figure("other_cpus_during_runs", bench.disturbance)
    _say(f"\ntotal {elapsed:.0f} s")
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out = OUT / f"results-{stamp}{'-quick' if args.quick else ''}.json"
    doc = {
        "environment": env,
        "quick": args.quick,
        "sections": selected,
        "rows": [asdict(r) for r in bench.res.rows],
        "figures": bench.res.figures,
    }
    out.write_text(json.dumps(doc, indent=2) + "\n")
    _say(f"figures: {out}")
    failed = [r for r in bench.res.rows if r.passed is False]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
