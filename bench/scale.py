"""The scale figures of issue 8: quick commands and peak memory on a 100,000-item vault beside a 10,000-item one.

Both vaults are made by the installed CLI from one generated corpus in two parts (`a/`: the first
10,000 articles, `b/`: the other 90,000): `archive ingest CORPUS` makes the large vault in one
command (its time is a figure), `archive ingest CORPUS/a` the small one. Then:

* CPU time (user+sys of the child, median of warm runs, run round-robin) of `show ID`,
  `list --limit 20` and `log --limit 20` on each vault, as a multiple of `python -c pass` run the
  same way (the venv's python); `archive --help` beside them. Target: at most 5x on the large vault.
* Peak RSS (GNU time) of `list --json`, `log --json` and `manifest --all -o FILE` on each vault,
  their output checked for every item. Target: under 150 MB on the large vault and within 20 MB of
  the small vault's figure (MB = 10^6 bytes).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.corpus import write_articles_in_parallel
from bench.harness import MB, Harness, importtime, say, secs
from bench.measure import Run, median, remove_tree

CPU_TARGET = 5.0  # times `python -c pass`
RSS_TARGET = 150 * MB
RSS_GROWTH = 20 * MB  # the large vault's peak over the small one's
TIMEOUT = 1800.0  # seconds for one ingest or streaming command before it is killed (and FAILs)
WARMUP = 2  # runs of each quick command not counted (page cache, first-run effects)


@dataclass(frozen=True)
class ScaleSizes:
    large: int
    small: int
    article_size: int = 4096


FULL = ScaleSizes(large=100_000, small=10_000)
QUICK = ScaleSizes(large=10_000, small=1_000)


@dataclass(frozen=True)
class Vault:
    path: Path
    items: int
    some_id: str  # the item in the middle, for `show`


def _n(count: int) -> str:
    return f"{count:,}"


class Scale:
    """Builds the two vaults, then measures the quick commands and the streaming commands on each."""

    def __init__(self, h: Harness, sizes: ScaleSizes, *, timeout: float = TIMEOUT) -> None:
        self.h = h
        self.sizes = sizes
        self.base = h.work / "scale"
        self.timeout = timeout  # for each ingest and streaming command

    def section(self) -> None:
        s = self.sizes
        say(f"\n== scale: a vault of {_n(s.large)} articles beside one of {_n(s.small)}, made by the installed CLI")
        try:
            remove_tree(self.base)
            corpus = self.corpus()
            large = self.ingest(corpus, self.base / "vault-large", s.large, timed=True)
            small = self.ingest(corpus / "a", self.base / "vault-small", s.small, timed=False)
            self.quick_commands(large, small)
            self.streaming(large, small)
        finally:
            remove_tree(self.base)

    # ---- the vaults ----------------------------------------------------------------------

    def corpus(self) -> Path:
        s = self.sizes
        root = self.base / "corpus"
        t = time.perf_counter()
        a = write_articles_in_parallel(root / "a", s.small, size=s.article_size)
        b = write_articles_in_parallel(root / "b", s.large - s.small, size=s.article_size, start=s.small)
        say(
            f"  generated {_n(a.files + b.files)} articles ({(a.bytes + b.bytes) / MB:,.0f} MB; "
            f"a/ the first {_n(a.files)}, b/ the rest) in {secs(time.perf_counter() - t)}"
        )
        self.h.figure("scale_corpus", {"files": a.files + b.files, "bytes": a.bytes + b.bytes})
        return root

    def ingest(self, corpus: Path, vault: Path, expected: int, *, timed: bool) -> Vault:
        """Ingest with the CLI (its default batches); the large one's time is a figure."""
        h = self.h
        out = h.scratch / "ingest.json"
        h.scratch.mkdir(parents=True, exist_ok=True)
        argv: list[str | Path] = [h.tools.archive, "ingest", corpus, "--vault", vault, "--json"]
        if timed:
            r = h.timed(argv, stdout=out, cpus=h.cpus, sample=True, timeout=self.timeout)
        else:
            r = h.run(argv, stdout=out, cpus=h.cpus, sample=True, timeout=self.timeout).check()
        with out.open("rb") as f:
            got = json.load(f)
        out.unlink()
        if got.get("ingested") != expected:
            raise RuntimeError(f"archive ingested {got.get('ingested')} of {expected} files into {vault.name}")
        some = got["items"][expected // 2]["item"]
        size = sum(p.stat().st_size for p in vault.rglob("*") if p.is_file())
        say(
            f"  archive ingest of {_n(expected)} articles: {secs(r.wall)} ({expected / r.wall:,.0f}/s; "
            f"CPU {r.cpu:.1f} s; peak RSS {r.maxrss / MB:.0f} MB{_tree(r)}); vault {size / MB:,.0f} MB"
        )
        key = "large" if timed else "small"
        self.h.figure(
            f"scale_ingest_{key}",
            {
                "items": expected,
                "s": r.wall,
                "cpu_s": r.cpu,
                "maxrss": r.maxrss,
                "tree": asdict(r.tree) if r.tree else None,
                "vault_bytes": size,
            },
        )
        if timed:
            h.row(
                f"ingest {_n(expected)} articles, one CLI command",
                f"{expected / r.wall:,.0f}/s ({secs(r.wall)}), peak RSS {r.maxrss / MB:.0f} MB",
                "",
                None,
                "",
                None,
            )
        return Vault(vault, expected, some)

    # ---- quick commands: CPU time against `python -c pass` ------------------------------

    def quick_commands(self, large: Vault, small: Vault) -> None:
        h = self.h
        n = h.runs
        say(
            f"  quick commands: CPU time (user+sys), median of {n} warm runs each (round-robin, "
            f"after {WARMUP} not counted), as a multiple of `python -c pass`"
        )
        # The two imports show how much of a command is start-up before it reads anything.
        commands: dict[str, list[str | Path]] = {
            "python -c pass": [h.tools.python, "-c", "pass"],
            "import typer": [h.tools.python, "-c", "import typer"],
            "import archive.cli.app": [h.tools.python, "-c", "import archive.cli.app"],
            "archive --help": [h.tools.archive, "--help"],
        }
        for v, label in ((large, "large"), (small, "small")):
            commands[f"show ID|{label}"] = [h.tools.archive, "show", v.some_id, "--vault", v.path]
            commands[f"list --limit 20|{label}"] = [h.tools.archive, "list", "--limit", "20", "--vault", v.path]
            commands[f"log --limit 20|{label}"] = [h.tools.archive, "log", "--limit", "20", "--vault", v.path]
        runs: dict[str, list[Run]] = {k: [] for k in commands}
        h.quiet()
        for i in range(WARMUP + n):
            for key, argv in commands.items():
                r = h.run(argv, rss=False).check()
                if i >= WARMUP:
                    runs[key].append(r)
        cpu = {k: median([r.cpu for r in v]) for k, v in runs.items()}
        wall = {k: median([r.wall for r in v]) for k, v in runs.items()}
        floor = cpu["python -c pass"]
        for key in commands:
            shown = key.replace("|", ", ") + (" vault" if "|" in key else "")
            say(f"    {shown:30} CPU {cpu[key]:.3f} s ({cpu[key] / floor:5.1f}x), wall {wall[key]:.3f} s")
        self.h.figure(
            "scale_quick",
            {k: {"cpu_s": [r.cpu for r in v], "wall_s": [r.wall for r in v]} for k, v in runs.items()},
        )
        peer = f"python -c pass {floor * 1000:.1f} ms"
        for name in ("show ID", "list --limit 20", "log --limit 20"):
            big, little = cpu[f"{name}|large"], cpu[f"{name}|small"]
            h.row(
                f"CPU `{name}`, {_n(large.items)} items",
                f"{big * 1000:.0f} ms = {big / floor:.1f}x ({_n(small.items)} items: {little / floor:.1f}x)",
                peer,
                floor / big,
                f"<= {CPU_TARGET:.0f}x python",
                big <= CPU_TARGET * floor,
            )
        helped = cpu["archive --help"]
        h.row("CPU `archive --help`", f"{helped * 1000:.0f} ms = {helped / floor:.1f}x", peer, floor / helped, "", None)
        self.imports([h.tools.archive, "show", large.some_id, "--vault", large.path], cpu["show ID|large"])

    def imports(self, argv: Sequence[str | Path], cpu: float) -> None:
        """Where `show`'s start-up goes: `python -X importtime`, the largest cumulative imports."""
        h = self.h
        r = h.run([h.tools.python, "-X", "importtime", *argv], rss=False).check()
        found = importtime(r.stderr.decode("utf-8", "replace"))
        total = sum(own for _, own, _ in found)
        say(
            f"  `show ID` imports {len(found)} modules, {total / 1e3:.0f} ms own import time "
            f"(its median CPU is {cpu * 1000:.0f} ms); largest cumulative:"
        )
        top = sorted(found, key=lambda x: -x[2])[:8]
        for name, own, cumulative in top:
            say(f"    {cumulative / 1e3:7.1f} ms cumulative {own / 1e3:7.1f} ms own  {name.strip()}")
        self.h.figure(
            "scale_show_imports",
            {
                "modules": len(found),
                "own_us": total,
                "top": [{"module": m.strip(), "cumulative_us": c} for m, _, c in top],
            },
        )

    # ---- streaming commands: peak RSS ---------------------------------------------------

    def streaming(self, large: Vault, small: Vault) -> None:
        h = self.h
        say("  streaming commands: peak RSS (GNU time), one run each, output to a file and checked")
        measured: dict[str, dict[str, Run]] = {}
        for v, label in ((small, "small"), (large, "large")):
            measured[label] = {
                "list --json": self.listing(v, "list", v.items),
                "log --json": self.listing(v, "log", v.items + 1),  # the key announcement, then one per item
                "manifest --all": self.manifest(v),
            }
        self.h.figure(
            "scale_streaming",
            {
                label: {
                    k: {"maxrss": r.maxrss, "s": r.wall, "cpu_s": r.cpu, "tree": asdict(r.tree) if r.tree else None}
                    for k, r in runs.items()
                }
                for label, runs in measured.items()
            },
        )
        for name in ("list --json", "log --json", "manifest --all"):
            big, little = measured["large"][name], measured["small"][name]
            growth = big.maxrss - little.maxrss
            exact = "" if big.rss_exact and little.rss_exact else " (upper bound: no /usr/bin/time)"
            h.row(
                f"peak RSS `{name}`, {_n(large.items)} items",
                f"{big.maxrss / MB:.1f} MB{exact} ({_n(small.items)}: {little.maxrss / MB:.1f} MB, "
                f"{growth / MB:+.1f} MB); {secs(big.wall)}",
                "",
                None,
                f"< {RSS_TARGET / MB:.0f} MB, <= {_n(small.items)} + {RSS_GROWTH / MB:.0f} MB",
                big.maxrss < RSS_TARGET and growth <= RSS_GROWTH,
            )

    def listing(self, v: Vault, command: str, expected: int) -> Run:
        h = self.h
        out = self.base / f"{command}.json"
        try:
            r = h.run(
                [h.tools.archive, command, "--json", "--vault", v.path], stdout=out, sample=True, timeout=self.timeout
            ).check()
            got = json_array_length(out)
            if got != expected:
                raise RuntimeError(f"`{command} --json` on {_n(v.items)} items printed {got} elements, not {expected}")
            size = out.stat().st_size
        finally:
            out.unlink(missing_ok=True)
        say(
            f"    {command} --json, {_n(v.items)} items: peak RSS {r.maxrss / MB:.1f} MB{_tree(r)}, {secs(r.wall)} "
            f"(CPU {r.cpu:.1f} s), {size / MB:,.0f} MB of JSON"
        )
        return r

    def manifest(self, v: Vault) -> Run:
        h = self.h
        out = self.base / "manifest.json"
        try:
            r = h.run(
                [h.tools.archive, "manifest", "--all", "-o", out, "--vault", v.path], sample=True, timeout=self.timeout
            ).check()
            wrote = re.search(r"\((\d+) items?\)", r.stderr.decode("utf-8", "replace"))
            if wrote is None or int(wrote.group(1)) != v.items or not out.is_file():
                raise RuntimeError(
                    f"`manifest --all` on {_n(v.items)} items: {r.stderr.decode(errors='replace')[-200:]}"
                )
            size = out.stat().st_size
        finally:
            out.unlink(missing_ok=True)
        say(
            f"    manifest --all, {_n(v.items)} items: peak RSS {r.maxrss / MB:.1f} MB{_tree(r)}, {secs(r.wall)} "
            f"(CPU {r.cpu:.1f} s), {size / MB:,.0f} MB file"
        )
        return r


def _tree(r: Run) -> str:
    """What the sampled process tree adds to GNU time's figure (that of the largest process)."""
    tree = r.tree
    if tree is None or not tree.samples:
        return ""
    helpers = ", ".join(f"{name} {peak / MB:.0f}" for name, peak in sorted(tree.helpers.items()))
    return (
        f" [sampled: archive process {tree.main_peak / MB:.1f} MB"
        + (f", helpers {helpers} MB" if helpers else "")
        + f", whole tree at most {tree.total_peak / MB:.1f} MB at once]"
    )


def json_array_length(path: Path, chunk: int = 16 << 20) -> int:
    """Elements of a JSON array as `archive list/log --json` print it (a `  {` line opens each).

    Read in chunks, so a file of hundreds of megabytes costs no memory here.
    """
    opener = b"\n  {\n"  # cannot overlap itself, so chunks that keep the last few bytes count exactly
    found = 0
    with path.open("rb") as f:
        head = f.read(1)
        if head != b"[":
            raise RuntimeError(f"{path.name} does not start a JSON array")
        tail = head
        while block := f.read(chunk):
            data = tail + block
            found += data.count(opener)
            tail = data[-(len(opener) - 1) :]
    if not tail.endswith(b"]\n"):
        raise RuntimeError(f"{path.name} does not end a JSON array")
    return found
