"""Timing and memory of whole commands: wall time, CPU time and peak RSS of one child process.

`run` starts a command and reaps it with `os.wait4`, which returns the resource usage of that
child alone (including any processes it waited for itself, e.g. the `git` commands a `sh -c`
runs), unlike `RUSAGE_CHILDREN`, which accumulates over every child ever reaped. The peak RSS
comes from GNU time (`/usr/bin/time -f %M`) wrapped around the command when it is installed: a
child that Python starts with vfork inherits this process's high-water mark when it execs, so
wait4's `ru_maxrss` would never be below the harness's own RSS (the fallback, an upper bound).
It also reads the machine's busy CPU time from /proc/stat around the run, so that the CPU time
other processes took meanwhile (`Run.foreign`) shows how disturbed a measurement was, and
`wait_idle` can hold a run back until the machine is quiet. Where only CPU time matters (`rss=False`)
the command runs bare, so that GNU time's own start-up is not in the figure.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import stat
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.proctree import TreeMemory, TreeSampler

DROP_CACHES = Path("/proc/sys/vm/drop_caches")
PROC_STAT = Path("/proc/stat")
GNU_TIME = Path("/usr/bin/time")
SAMPLE_INTERVAL = 0.2  # seconds between samples of a process tree (and polls for its end)
_HZ = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (0.0 where /proc/stat is absent)."""
    try:
        fields = PROC_STAT.read_text().split("\n", 1)[0].split()
    except OSError:
        return 0.0
    # cpu user nice system idle iowait irq softirq steal ...
    values = [int(v) for v in fields[1:9]]
    busy = values[0] + values[1] + values[2] + values[5] + values[6] + values[7]
    return busy / _HZ


def wait_idle(limit: float, *, threshold: float = 0.2, interval: float = 1.0) -> float:
    """Wait (at most `limit` s) until other processes use under `threshold` CPUs for one interval.

    Returns the CPUs they were using when it stopped waiting.
    """
    deadline = time.monotonic() + limit
    while True:
        before = busy_cpu_seconds()
        time.sleep(interval)
        load = (busy_cpu_seconds() - before) / interval
        if load < threshold or time.monotonic() >= deadline:
            return load


@dataclass(frozen=True)
class Run:
    """One finished command."""

    argv: tuple[str, ...]
    wall: float  # seconds
    user: float  # CPU seconds in user mode (with waited-for descendants)
    sys: float  # CPU seconds in the kernel
    maxrss: int  # peak resident set size, bytes (an upper bound when `rss_exact` is false)
    foreign: float  # CPU seconds other processes used on the machine meanwhile
    returncode: int
    stdout: bytes
    stderr: bytes
    rss_exact: bool = True
    tree: TreeMemory | None = None  # sampled memory of the process tree, when asked for

    @property
    def cpu(self) -> float:
        return self.user + self.sys

    def check(self) -> Run:
        if self.returncode != 0:
            tail = self.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
            raise RuntimeError(f"{' '.join(self.argv)} exited {self.returncode}: " + " | ".join(tail))
        return self


def run(
    argv: Sequence[str | Path],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    scratch: Path,
    rss: bool = True,
    stdout: Path | None = None,
    cpus: int | None = None,
    sample: bool = False,
    timeout: float | None = None,
) -> Run:
    """Run `argv` to completion, its output into files under `scratch` (no pipes to drain).

    `stdout`: write standard output to this file and leave it there (`Run.stdout` is then empty),
    for output too large to read back whole. `rss=False`: no GNU time around the command (its
    peak RSS is then wait4's upper bound). `cpus`: run on the first N CPUs only.
    """
    scratch.mkdir(parents=True, exist_ok=True)
    out_path, err_path, rss_path = stdout or scratch / "stdout", scratch / "stderr", scratch / "maxrss"
    args = tuple(str(a) for a in argv)
    exact = rss and GNU_TIME.exists()
    rss_path.unlink(missing_ok=True)
    command = (str(GNU_TIME), "-f", "%M", "-o", str(rss_path), *args) if exact else args
    affinity = sorted(os.sched_getaffinity(0))[:cpus] if cpus else None

    def pin() -> None:
        if affinity:
            os.sched_setaffinity(0, affinity)

    with out_path.open("wb") as out, err_path.open("wb") as err:
        busy = busy_cpu_seconds()
        start = time.perf_counter()
        proc = subprocess.Popen(
            command,
            cwd=cwd,
            env=None if env is None else dict(env),
            stdout=out,
            stderr=err,
            start_new_session=True,  # its own process group, so an interrupted run is killed whole
            preexec_fn=pin if affinity else None,
        )
        sampler = TreeSampler(proc.pid, skip_root=exact) if sample else None
        try:
            status, usage = _wait(proc.pid, sampler, timeout)
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
        wall = time.perf_counter() - start
        busy = busy_cpu_seconds() - busy
    proc.returncode = os.waitstatus_to_exitcode(status)
    maxrss = usage.ru_maxrss * 1024  # Linux reports KiB
    if exact:
        # GNU time writes "Command exited with non-zero status N" first when it did
        last = rss_path.read_text().split()[-1:] if rss_path.exists() else []
        exact = bool(last) and last[0].isdigit()
        maxrss = int(last[0]) * 1024 if exact else maxrss
    return Run(
        args,
        wall,
        usage.ru_utime,
        usage.ru_stime,
        maxrss,
        max(0.0, busy - usage.ru_utime - usage.ru_stime),
        proc.returncode,
        b"" if stdout is not None else out_path.read_bytes(),
        err_path.read_bytes(),
        exact,
        sampler.seen if sampler is not None else None,
    )


def _wait(pid: int, sampler: TreeSampler | None, timeout: float | None) -> tuple[int, resource.struct_rusage]:
    """Reap `pid` (wait4: its own resource usage), sampling its tree meanwhile; RuntimeError after `timeout`."""
    deadline = None if timeout is None else time.perf_counter() + timeout
    if sampler is None and deadline is None:
        _, status, usage = os.wait4(pid, 0)
        return status, usage
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done == pid:
            return status, usage
        if deadline is not None and time.perf_counter() > deadline:
            raise RuntimeError(f"ran over its time limit of {timeout:.0f} s and was killed")
        if sampler is not None:
            sampler.sample()
        time.sleep(SAMPLE_INTERVAL)


class Caches:
    """Drops the page cache before each timed run when allowed (root on Linux); else runs warm."""

    def __init__(self, *, cold: bool) -> None:
        self.cold = cold and self._try()
        self.reason = "" if self.cold or not cold else "writing /proc/sys/vm/drop_caches failed"

    @staticmethod
    def _try() -> bool:
        try:
            os.sync()
            DROP_CACHES.write_text("3\n")
        except OSError:
            return False
        return True

    def drop(self) -> None:
        if self.cold:
            os.sync()
            DROP_CACHES.write_text("3\n")

    @property
    def label(self) -> str:
        return "cold (page cache dropped before each timed run)" if self.cold else "warm page cache"


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def remove_tree(path: Path) -> None:
    """Remove a directory tree, read-only files and directories included."""
    if not path.exists():
        return

    def make_writable(func: Callable[[str], object], target: str, _exc: object) -> None:
        parent = os.path.dirname(target)
        os.chmod(parent, os.stat(parent).st_mode | stat.S_IWUSR)
        func(target)

    shutil.rmtree(path, onerror=make_writable)
