"""Sandbox overhead: wall and CPU time per task for trivial tasks and ~1 ms CPU tasks, on 1 and 2 workers.

Prints figures; asserts nothing. CPU is this process's plus its reaped workers' (`RUSAGE_CHILDREN`,
read after the pool is closed), so worker start-up, imports and shutdown are in the figures, spread
over the tasks. Overhead of a CPU task is its CPU time less the work it was given.
Run from the repository root: `.venv/bin/python -m bench.bench_sandbox [--tasks N]`.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from typing import Any

from archive.sandbox import Pool

WORK = 0.001  # seconds of CPU a "work" task burns


def echo(value: Any) -> Any:
    return value


def work(seconds: float) -> float:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return seconds


HANDLERS = {"echo": echo, "work": work}


def cpu() -> tuple[float, float]:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def measure(name: str, args: dict[str, Any], tasks: int, workers: int) -> tuple[float, float, float]:
    """Wall seconds, parent CPU seconds and worker CPU seconds for `tasks` tasks, pool start to close."""
    me0, kids0 = cpu()
    start = time.perf_counter()
    with Pool("bench.bench_sandbox", workers=workers) as pool:
        for answer in pool.map(name, (args for _ in range(tasks))):
            if not answer.ok:
                raise SystemExit(f"task failed: {answer.error}")
    wall = time.perf_counter() - start
    me1, kids1 = cpu()
    return wall, me1 - me0, kids1 - kids0


def free_cores(seconds: float = 0.5) -> float:
    """How many cores two plain processes get now: the machine may be shared, so read the speed-up beside it."""
    spin = f"import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass"
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(2)]
    for proc in procs:
        proc.wait()
    return 2 * seconds / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each case; the fastest is shown")
    options = parser.parse_args()
    n = options.tasks
    print(f"{n} tasks per run, best of {options.repeat}; per task in microseconds (CPU = parent + workers)")
    print(f"{'task':<12}{'workers':>8}{'wall':>10}{'parent':>10}{'workers':>10}{'CPU':>10}{'overhead':>10}")
    walls: dict[tuple[str, int], float] = {}
    for label, name, args, given in (
        ("trivial", "echo", {"value": 1}, 0.0),
        ("1 ms CPU", "work", {"seconds": WORK}, WORK),
    ):
        for workers in (1, 2):
            wall, parent, children = min(measure(name, args, n, workers) for _ in range(options.repeat))
            walls[label, workers] = wall
            per = 1e6 / n
            overhead = (parent + children) * per - given * 1e6
            print(
                f"{label:<12}{workers:>8}{wall * per:>10.1f}{parent * per:>10.1f}{children * per:>10.1f}"
                f"{(parent + children) * per:>10.1f}{overhead:>10.1f}"
            )
    for label in ("trivial", "1 ms CPU"):
        print(f"speed-up from 2 workers, {label}: {walls[label, 1] / walls[label, 2]:.2f}x wall")
    print(f"reference: two plain processes spinning in parallel got {free_cores():.2f} cores")


if __name__ == "__main__":
    main()
