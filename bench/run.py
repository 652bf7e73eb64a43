"""The archive's benchmark: ingest, verify, memory, start-up and scale, each beside a peer in the same run.

    cd /work/main && .venv/bin/python -m bench.run [--quick] [--only SECTION] [--profile]

Every archive command runs as users install it: a wheel built from this checkout, installed in a
fresh venv outside it (`bench/install.py`). Sections (see bench/README.md): `ingest` (articles
through the CLI vs git add+commit), `verify-small` and `verify-large` (archive verify vs
bagit.py --validate), `memory` (peak RSS of ingesting one large file), `startup` (`archive
--help`), `scale` (quick commands and peak RSS on a 100,000-item vault, `bench/scale.py`).
Corpora are generated (seeded) under the work directory (default bench/out/work) and removed
after their section. Every timed command runs `--reps` times (default 3; the page cache dropped
before each when permitted) and the median counts. The table at the end gives the archive's
figure, the peer's, the ratio (peer time / archive time, or peer bytes / archive bytes: above 1.0
the archive does better), the target and the verdict; a JSON copy of every figure goes to
bench/out/results-*.json. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pstats
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.corpus import CorpusInfo, write_articles, write_random_files, write_text_file
from bench.harness import MB, GiB, Harness, MiB, importtime, noise, print_table, say, secs
from bench.install import Installed, InstallError, install
from bench.measure import Run, median, remove_tree
from bench.scale import FULL as SCALE_FULL
from bench.scale import QUICK as SCALE_QUICK
from bench.scale import Scale, ScaleSizes

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
OUT = BENCH / "out"
DEFAULT_VENV = Path("/tmp/archive-bench/venv")
SECTIONS = ("ingest", "verify-small", "verify-large", "memory", "startup", "scale")
GIT_SH = "git init -q && git add -A && git commit -q -m x"
INGEST_TARGET = 1000.0  # articles per second


@dataclass(frozen=True)
class Sizes:
    small_files: int
    small_size: int
    large_files: int
    large_size: int
    single_size: int

    scale: ScaleSizes


FULL = Sizes(10_000, 4096, 64, 16 * MiB, 2 * GiB, SCALE_FULL)
QUICK = Sizes(1_000, 4096, 16, 16 * MiB, 256 * MiB, SCALE_QUICK)


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


class Bench(Harness):
    """Runs the sections and collects their rows."""

    def __init__(self, args: argparse.Namespace, tools: Installed) -> None:
        super().__init__(
            tools,
            args.workdir.resolve(),
            cold=not args.warm,
            idle_wait=args.idle_wait,
            reps=args.reps,
            runs=args.startup_runs,
            cpus=args.cpus or None,
        )
        self.sizes = QUICK if args.quick else FULL
        self.profile: bool = args.profile
        self.batch_size: int | None = args.batch_size
        self.cpu = (0.0, 0.0)  # CPU seconds (archive, peer) of the last verify pair
        self._small: tuple[Path, Path, CorpusInfo] | None = None  # corpus, vault, info

    # ---- helpers -------------------------------------------------------------------------

    def ingest_cmd(self, paths: Sequence[Path], vault: Path, *, raw: bool = False) -> list[str | Path]:
        cmd: list[str | Path] = [self.tools.archive, "ingest", *paths, "--vault", vault, "--json"]
        if raw:
            cmd.append("--raw")
        if self.batch_size is not None:
            cmd += ["--batch-size", str(self.batch_size)]
        return cmd

    def archive_ingest(self, paths: Sequence[Path], vault: Path, expected: int, *, raw: bool = False) -> Run:
        r = self.timed(self.ingest_cmd(paths, vault, raw=raw), cpus=self.cpus)
        got = json.loads(r.stdout)
        if got.get("ingested") != expected:
            raise RuntimeError(f"archive ingested {got.get('ingested')} files, expected {expected}")
        return r

    def git_commit(self, directory: Path, *, durable: bool = False) -> Run:
        try:
            return self.timed(["sh", "-c", GIT_SH], cwd=directory, env=_git_env(durable=durable), cpus=self.cpus)
        finally:
            remove_tree(directory / ".git")

    # ---- small corpus --------------------------------------------------------------------

    def small_corpus(self) -> tuple[Path, CorpusInfo]:
        corpus = self.work / "small" / "corpus"
        remove_tree(corpus)
        t = time.perf_counter()
        info = write_articles(corpus, self.sizes.small_files, size=self.sizes.small_size)
        say(
            f"  generated {info.files} articles, {info.bytes / MB:.1f} MB "
            f"(mean {info.bytes / info.files:.0f} bytes), {info.layout}, in {secs(time.perf_counter() - t)}"
        )
        self.figure("small_corpus", {"files": info.files, "bytes": info.bytes, "layout": info.layout})
        return corpus, info

    def section_ingest(self, keep: bool) -> None:
        n = self.sizes.small_files
        say(
            f"\n== ingest: {n} articles of ~{self.sizes.small_size} bytes (identified and extracted), "
            "CLI vs git add+commit"
        )
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
                        say(f"  archive CLI failed, measuring the rest without it: {cli_error}")
                git.append(self.git_commit(corpus))
                git_durable.append(self.git_commit(corpus, durable=True))
                inproc.append(self.inproc_ingest(corpus, self.work / "small" / "vault-inproc"))
                shown = (
                    f"archive CLI {secs(cli[-1].wall)} (user {cli[-1].user:.2f} + sys {cli[-1].sys:.2f} s CPU)"
                    if cli and not cli_error
                    else "archive CLI failed"
                )
                say(
                    f"  rep {rep + 1}: {shown}, in-process {secs(inproc[-1]['phases']['total'])}, "
                    f"git {secs(git[-1].wall)}, git durable {secs(git_durable[-1].wall)}"
                    + noise(*cli[-1:], git[-1], git_durable[-1])
                )
            t_git = median([r.wall for r in git])
            t_gitd = median([r.wall for r in git_durable])
            t_lib = median([p["phases"]["total"] for p in inproc])
            phases = {k: median([p["phases"][k] for p in inproc]) for k in inproc[0]["phases"]}
            inside = {
                k: median([p["inside"].get(k, {}).get("seconds", 0.0) for p in inproc]) for k in inproc[0]["inside"]
            }
            say("  in-process phases (median, wall s): " + ", ".join(f"{k} {v:.2f}" for k, v in phases.items()))
            say(
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
                target = f">= {INGEST_TARGET:,.0f}/s"
                self.row(f"ingest {n} articles, CLI", "FAILED: " + cli_error[-50:], "", None, target, False)
                cli_mark = "(CLI failed)"
            else:
                t_cli = median([r.wall for r in cli])
                self.row(
                    f"ingest {n} articles, CLI (articles/s)",
                    f"{n / t_cli:,.0f}/s ({secs(t_cli)})",
                    f"git {n / t_git:,.0f}/s ({secs(t_git)})",
                    t_git / t_cli,
                    f">= {INGEST_TARGET:,.0f}/s" + (f" on {self.cpus} CPUs" if self.cpus else ""),
                    n / t_cli >= INGEST_TARGET,
                )
                cli_mark = f"{n / t_cli:,.0f}/s"
                c_cli, c_git = median([r.user + r.sys for r in cli]), median([r.user + r.sys for r in git])
                self.row("  same, CPU time (user+sys)", secs(c_cli), f"git {secs(c_git)}", c_git / c_cli, "", None)
            self.row(
                "  same, in-process library (no start-up)",
                f"{n / t_lib:,.0f}/s ({secs(t_lib)})",
                f"git {n / t_git:,.0f}/s",
                t_git / t_lib,
                "",
                None,
            )
            self.row(
                "  same, vs git with core.fsync=all (durable)",
                cli_mark,
                f"git {n / t_gitd:,.0f}/s ({secs(t_gitd)})",
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
            cmd: list[str | Path] = [self.tools.python, BENCH / "inproc.py", corpus, vault]
            if raw:
                cmd.append("--raw")
            if self.batch_size is not None:
                cmd += ["--batch-size", str(self.batch_size)]
            r = self.timed(cmd)
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
            say(f"  archive CLI ingest failed ({exc}); building the vault through the library instead")
            remove_tree(vault)
            self.inproc_ingest(corpus, vault, raw=raw, keep=True)
            return None

    def profile_ingest(self, corpus: Path, vault: Path) -> None:
        stats_file = OUT / "ingest.prof"
        OUT.mkdir(parents=True, exist_ok=True)
        remove_tree(vault)
        self.timed([self.tools.python, BENCH / "inproc.py", corpus, vault, "--profile", stats_file])
        remove_tree(vault)
        for key, title in (("cumulative", "cumulative time"), ("tottime", "own time")):
            say(f"\n  cProfile of the in-process ingest (main thread), top 10 by {title} ({stats_file}):")
            text = _pstats_text(stats_file, key, 10)
            for line in text.splitlines():
                say("    " + line)
        self.figure("profile", {"file": str(stats_file), "top_cumulative": _pstats_text(stats_file, "cumulative", 10)})

    # ---- verify --------------------------------------------------------------------------

    def verify_pair(self, vault: Path, bag: Path, label: str, files: int, size: int) -> tuple[float, float]:
        arch: list[Run] = []
        bag_runs: list[Run] = []
        for rep in range(self.reps):
            arch.append(self.timed([self.tools.archive, "verify", "--vault", vault, "--json"]))
            bag_runs.append(self.timed([self.tools.bagit, "--validate", "--processes", "2", bag]))
            say(
                f"  rep {rep + 1}: archive verify {secs(arch[-1].wall)} "
                f"(CPU {arch[-1].user + arch[-1].sys:.2f} s), bagit --validate {secs(bag_runs[-1].wall)} "
                f"(CPU {bag_runs[-1].user + bag_runs[-1].sys:.2f} s)" + noise(arch[-1], bag_runs[-1])
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
        self.row("  same, CPU time (user+sys)", secs(c_a), f"{peer} {secs(c_b)}", c_b / c_a, "", None)

    def make_bag(self, directory: Path) -> float:
        """Make a bag of `directory` in place (its files move into data/); returns the time it took."""
        return self.timed([self.tools.bagit, "--processes", "2", "--sha256", directory]).wall

    def section_verify_small(self) -> None:
        n = self.sizes.small_files
        say(f"\n== verify-small: {n} articles, archive verify vs bagit.py --validate --processes 2")
        try:
            if self._small is None:
                self.drop_small()
                corpus, info = self.small_corpus()
                vault = self.work / "small" / "vault"
                self.build_vault(corpus, vault, n)
            else:
                corpus, vault, info = self._small
            t_make = self.make_bag(corpus)
            say(f"  made the bag (sha256, 2 processes) in {secs(t_make)}")
            t_a, t_b = self.verify_pair(vault, corpus, "verify_small", info.files, info.bytes)
            self.row(
                f"verify {n} articles (files/s)",
                f"{n / t_a:,.0f}/s, {info.bytes / MB / t_a:.1f} MB/s ({secs(t_a)})",
                f"bagit {n / t_b:,.0f}/s, {info.bytes / MB / t_b:.1f} MB/s ({secs(t_b)})",
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
        say(
            f"\n== verify-large: {s.large_files} files of {s.large_size // MiB} MiB ({total / GiB:.2f} GiB), "
            "random bytes ingested with --raw"
        )
        base = self.work / "large"
        corpus, vault = base / "corpus", base / "vault"
        try:
            remove_tree(base)
            t = time.perf_counter()
            info = write_random_files(corpus, s.large_files, s.large_size)
            say(f"  generated {info.files} files, {info.bytes / MB:.0f} MB, in {secs(time.perf_counter() - t)}")
            r = self.build_vault(corpus, vault, info.files, raw=True)
            if r is not None:
                say(f"  archive ingest --raw (one run): {secs(r.wall)}, {total / MB / r.wall:.0f} MB/s")
                self.figure("ingest_large_s", r.wall)
            t_make = self.make_bag(corpus)
            say(f"  made the bag (sha256, 2 processes) in {secs(t_make)}")
            t_a, t_b = self.verify_pair(vault, corpus, "verify_large", info.files, info.bytes)
            self.row(
                f"verify {s.large_files} x {s.large_size // MiB} MiB (MB/s)",
                f"{total / MB / t_a:,.0f} MB/s, {info.files / t_a:.1f} files/s ({secs(t_a)})",
                f"bagit {total / MB / t_b:,.0f} MB/s ({secs(t_b)})",
                t_b / t_a,
                "ratio >= 1.0",
                t_b / t_a >= 1.0,
            )
            self.cpu_row("bagit")
            if r is not None:
                self.row(
                    "  ingest of the same, --raw, 1 run",
                    f"{total / MB / r.wall:,.0f} MB/s ({secs(r.wall)})",
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
        say(f"\n== memory: ingest of one {size / GiB:.2f} GiB UTF-8 text file (peak RSS of the process)")
        base = self.work / "memory"
        corpus, vault = base / "corpus", base / "vault"
        try:
            remove_tree(base)
            t = time.perf_counter()
            write_text_file(corpus / "big.txt", size)
            say(f"  generated {size / MB:.0f} MB of text in {secs(time.perf_counter() - t)}")
            arch: list[Run] = []
            git: list[Run] = []
            for rep in range(self.reps):
                remove_tree(vault)
                arch.append(self.archive_ingest([corpus / "big.txt"], vault, 1))
                git.append(self.git_commit(corpus))
                say(
                    f"  rep {rep + 1}: archive max RSS {arch[-1].maxrss / MiB:.1f} MiB "
                    f"in {secs(arch[-1].wall)}, "
                    f"git max RSS {git[-1].maxrss / MiB:.1f} MiB in {secs(git[-1].wall)}" + noise(arch[-1], git[-1])
                )
            remove_tree(vault)
            base_rss = self.run([self.tools.archive, "--help"]).check().maxrss
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
                f"{size / MB / t_a:,.0f} MB/s ({secs(t_a)})",
                f"git {size / MB / t_g:,.0f} MB/s ({secs(t_g)})",
                t_g / t_a,
                "",
                None,
            )
            self.row("  baseline: RSS of `archive --help`", f"{base_rss / MiB:.1f} MiB", "", None, "", None)
        finally:
            remove_tree(base)

    # ---- start-up ------------------------------------------------------------------------

    def section_startup(self) -> None:
        n = self.runs
        say(f"\n== startup: `archive --help`, median of {n} warm runs, vs `python -c pass` (same venv)")

        def times(argv: Sequence[str | Path], count: int, *, cold: bool) -> list[float]:
            out = []
            for _ in range(count):
                if cold:
                    self.caches.drop()
                out.append(self.run(argv).check().wall)
            return out

        help_cmd: list[str | Path] = [self.tools.archive, "--help"]
        pass_cmd: list[str | Path] = [self.tools.python, "-c", "pass"]
        self.quiet()
        times(help_cmd, 2, cold=False)  # warm-up
        warm = times(help_cmd, n, cold=False)
        floor = times(pass_cmd, n, cold=False)
        t_h, t_p = median(warm), median(floor)
        self.row(
            "start-up `archive --help` (s)",
            secs(t_h),
            f"python -c pass {secs(t_p)}",
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
                secs(median(cold_help)),
                f"python -c pass {secs(median(cold_pass))}",
                median(cold_pass) / median(cold_help),
                "",
                None,
            )
            figures.update(archive_help_cold_s=cold_help, python_pass_cold_s=cold_pass)
        say("  " + ", ".join(f"{t:.3f}" for t in warm) + " s")
        r = self.run([self.tools.python, "-X", "importtime", self.tools.archive, "--help"])
        imports = importtime(r.stderr.decode("utf-8", "replace"))
        total = sum(self_us for _, self_us, _ in imports)
        say(f"  python -X importtime: {len(imports)} modules, {total / 1e3:.0f} ms own import time in all")
        for by_self, title in ((False, "cumulative"), (True, "self")):
            say(f"  top 5 imports by {title} time:")
            ranked = sorted(imports, key=lambda x: x[1] if by_self else x[2], reverse=True)
            for name, self_us, cum_us in ranked[:5]:
                say(f"    {cum_us / 1e3:8.1f} ms cumulative {self_us / 1e3:8.1f} ms self  {name.strip()}")
        top = sorted(imports, key=lambda x: -x[2])[:5]
        figures["importtime_top_cumulative"] = [
            {"module": m.strip(), "self_us": s, "cumulative_us": c} for m, s, c in top
        ]
        self.figure("startup", figures)


def _pstats_text(path: Path, key: str, count: int) -> str:
    import io

    buffer = io.StringIO()
    stats = pstats.Stats(str(path), stream=buffer)
    stats.strip_dirs().sort_stats(key).print_stats(count)
    lines = buffer.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    head = [line.strip() for line in lines[:start] if "function calls" in line]
    return "\n".join(head + [line for line in lines[start:] if line.strip()])


def _commit() -> str:
    """The commit measured, and whether what goes into the wheel (the package, its build) differs from it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(PROJECT), *args], capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "archive", "pyproject.toml", "constraints.txt")
    return head + (" (with uncommitted changes to the package)" if dirty else "")


def _environment(bench: Bench, commit: str) -> dict[str, Any]:
    def version(argv: Sequence[str | Path]) -> str:
        try:
            out = subprocess.run([str(a) for a in argv], capture_output=True, text=True, check=False, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return "unknown"
        text = (out.stdout or out.stderr).strip()
        return text.splitlines()[0] if text else "?"

    tools = bench.tools
    return {
        "commit": commit,
        "archive": f"{tools.package} ({tools.wheel or 'venv reused'})",
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "ingest on": f"{bench.cpus} CPUs" if bench.cpus else "all CPUs",
        "git": version([bench.git, "--version"]),
        "bagit": version([tools.python, "-c", "import bagit; print(bagit.VERSION)"]),
        "caches": bench.caches.label,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small corpora: 1,000 articles, 256 MiB large and single; scale on 10,000 and 1,000 items",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        metavar="SECTION",
        help=f"run only this section (repeatable): {', '.join(SECTIONS)}",
    )
    parser.add_argument("--reps", type=int, default=3, help="runs of each timed command; the median counts (default 3)")
    parser.add_argument(
        "--startup-runs",
        type=int,
        default=10,
        help="runs of each quick command (`archive --help`, scale's show/list/log; default 10)",
    )
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
        "--cpus",
        type=int,
        default=2,
        help="run archive ingest and its git peer on the first N CPUs (default 2, as the ingest target says; 0: all)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=OUT / "work",
        help="where corpora and vaults go (default bench/out/work)",
    )
    parser.add_argument(
        "--venv",
        type=Path,
        default=DEFAULT_VENV,
        help=f"where the wheel is installed, outside the checkout; remade every run (default {DEFAULT_VENV})",
    )
    parser.add_argument(
        "--reuse-venv",
        action="store_true",
        help="use the archive already installed in --venv (when iterating on the benchmark itself)",
    )
    args = parser.parse_args(argv)
    selected = [s for s in SECTIONS if not args.only or s in args.only]

    def terminate(_signum: int, _frame: object) -> None:
        raise SystemExit(143)  # unwinds: the running child is killed, the work directory removed

    signal.signal(signal.SIGTERM, terminate)
    commit = _commit()  # before the wheel is built from the checkout as it is now
    t = time.perf_counter()
    try:
        tools = install(PROJECT, args.venv, OUT / "install.log", reuse=args.reuse_venv)
    except InstallError as exc:
        sys.stderr.write(f"bench: {exc}\n")
        return 3
    installed_in = time.perf_counter() - t
    bench = Bench(args, tools)
    env = _environment(bench, commit)
    say(f"archive benchmark{' (--quick)' if args.quick else ''}: sections {', '.join(selected)}")
    say("  " + "; ".join(f"{k} {v}" for k, v in env.items()))
    say(f"  built and installed the wheel in {secs(installed_in)} (log: {OUT / 'install.log'})")
    if bench.caches.reason:
        say(f"  note: {bench.caches.reason}; every run is warm, for the archive and its peers alike")
    bench.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    sections: dict[str, Callable[[], None]] = {
        "ingest": lambda: bench.section_ingest(keep="verify-small" in selected),
        "verify-small": bench.section_verify_small,
        "verify-large": bench.section_verify_large,
        "memory": bench.section_memory,
        "startup": bench.section_startup,
        "scale": Scale(bench, bench.sizes.scale).section,
    }
    try:
        for name in selected:
            try:
                sections[name]()
            except (RuntimeError, OSError, ValueError, KeyError) as exc:
                # one section failing (say, the archive refusing its input) does not stop the others
                say(f"  section {name} failed: {exc}")
                bench.row(f"{name}: FAILED to run", str(exc)[:60], "", None, "", False)
    finally:
        remove_tree(bench.work)
    elapsed = time.perf_counter() - started
    say(f"\n== results ({bench.caches.label}; median of {bench.reps} runs; ratio > 1.0: the archive does better)")
    print_table(bench.res.rows)
    if bench.disturbance:
        worst, typical = max(bench.disturbance), median(bench.disturbance)
        say(
            f"\nother processes during timed runs: median {typical:.2f} CPUs, worst {worst:.2f} CPUs "
            f"(of {os.cpu_count()})" + ("; figures are disturbed" if worst >= 0.25 else "")
        )
        bench.figure("other_cpus_during_runs", bench.disturbance)
    say(f"\ntotal {elapsed:.0f} s (and {installed_in:.0f} s to build and install)")
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
    say(f"figures: {out}")
    failed = [r for r in bench.res.rows if r.passed is False]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
