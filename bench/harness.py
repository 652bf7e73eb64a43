"""What every benchmark section shares: the installed tools, timed runs, and the rows of the final table.

A section calls `Harness.timed` for a run that counts (caches dropped when cold, the machine given
time to go quiet, the run checked), adds `row`s to the table and `figure`s to the JSON results.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.install import Installed
from bench.measure import Caches, Run, run, wait_idle

MiB = 1 << 20
GiB = 1 << 30
MB = 1_000_000


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


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def secs(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def noise(*runs: Run) -> str:
    """A note when other processes used a noticeable share of the machine during these runs."""
    worst = max(r.foreign / r.wall for r in runs)
    return f" [others used up to {worst:.1f} CPUs]" if worst >= 0.1 else ""


_IMPORT_LINE = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(.*)")


def importtime(stderr: str) -> list[tuple[str, int, int]]:
    """(module, own µs, cumulative µs) for each line of `python -X importtime` output."""
    out = []
    for line in stderr.splitlines():
        m = _IMPORT_LINE.match(line)
        if m:
            out.append((m.group(3).rstrip(), int(m.group(1)), int(m.group(2))))
    return out


def print_table(rows: Sequence[Row]) -> None:
    header = ("metric", "archive", "peer", "ratio", "target", "result")
    cells = [header] + [
        (r.metric, r.archive, r.peer, "" if r.ratio is None else f"{r.ratio:.2f}", r.target, r.verdict) for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    line = "-+-".join("-" * w for w in widths)
    for i, c in enumerate(cells):
        say(" | ".join(c[j].ljust(widths[j]) for j in range(len(header))).rstrip())
        if i == 0:
            say(line)


class Harness:
    """The tools, the work directory and the results that every section uses."""

    def __init__(
        self, tools: Installed, work: Path, *, cold: bool, idle_wait: float, reps: int, runs: int, cpus: int | None
    ) -> None:
        self.tools = tools
        self.work = work
        self.scratch = work / "scratch"
        self.caches = Caches(cold=cold)
        self.idle_wait = idle_wait
        self.reps = reps  # runs of each timed command; the median counts
        self.runs = runs  # runs of each start-up measurement (quick commands, CPU time)
        self.cpus = cpus  # ingest runs on this many CPUs (None: all)
        self.disturbance: list[float] = []  # CPUs other processes used during each timed run
        self.git = shutil.which("git") or "git"
        self.res = Results()
        # The installed archive only: no PYTHONPATH into the checkout, no vault or debug from the caller.
        drop = {"ARCHIVE_VAULT", "ARCHIVE_DEBUG", "PYTHONPATH", "PYTHONHOME"}
        self.env = {k: v for k, v in os.environ.items() if k not in drop}
        self.env["ARCHIVE_ACTOR"] = "bench"

    def timed(
        self,
        argv: Sequence[str | Path],
        *,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        stdout: Path | None = None,
        cpus: int | None = None,
        sample: bool = False,
        timeout: float | None = None,
    ) -> Run:
        """Drop caches (when cold), wait for a quiet machine, then run and check one command."""
        self.caches.drop()
        self.quiet()
        r = self.run(argv, cwd=cwd, env=env, stdout=stdout, cpus=cpus, sample=sample, timeout=timeout).check()
        self.disturbance.append(r.foreign / r.wall)
        return r

    def run(
        self,
        argv: Sequence[str | Path],
        *,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        stdout: Path | None = None,
        rss: bool = True,
        cpus: int | None = None,
        sample: bool = False,
        timeout: float | None = None,
    ) -> Run:
        """Run one command as is (no cache drop, no wait), from the work directory unless told."""
        return run(
            argv,
            cwd=cwd or self.work,
            env=env or self.env,
            scratch=self.scratch,
            stdout=stdout,
            rss=rss,
            cpus=cpus,
            sample=sample,
            timeout=timeout,
        )

    def quiet(self) -> None:
        if self.idle_wait > 0:
            load = wait_idle(self.idle_wait)
            if load >= 0.2:
                say(f"  (machine still busy after {self.idle_wait:.0f} s: {load:.1f} CPUs used by others)")

    def row(self, *args: Any) -> None:
        self.res.rows.append(Row(*args))

    def figure(self, key: str, value: Any) -> None:
        self.res.figures[key] = value
