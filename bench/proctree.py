"""Memory of a command's whole process tree, sampled from /proc while it runs.

GNU time's peak RSS is that of the largest single process (wait4 reports the maximum over a child
and the descendants it waited for, never their sum), so a command that hands work to helpers
(pandoc for citations, the sandbox's extraction workers) can use more memory in all than it says.
`TreeSampler` walks the tree under a process every few tenths of a second and keeps the largest
total RSS it saw, and each process's own peak (VmHWM, which the kernel keeps, so a late sample
still sees an early peak of a process that is alive).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")


def _parents() -> dict[int, list[int]]:
    """Children of every process, from each /proc/PID/stat (this kernel has no /proc/.../children)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir(PROC):
        if not entry.name.isdigit():
            continue
        try:
            stat = (PROC / entry.name / "stat").read_bytes()
        except OSError:
            continue  # gone meanwhile
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")"
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _memory(pid: int) -> tuple[str, int, int] | None:
    """(name, VmRSS, VmHWM) in bytes, or None when the process is gone or has no memory (a zombie)."""
    try:
        text = (PROC / str(pid) / "status").read_text("utf-8", "replace")
    except OSError:
        return None
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        values[key] = value.strip()
    if "VmRSS" not in values or "VmHWM" not in values:
        return None
    return values.get("Name", "?"), int(values["VmRSS"].split()[0]) * 1024, int(values["VmHWM"].split()[0]) * 1024


@dataclass
class TreeMemory:
    """What the samples saw: the largest total, and each process's peak by its name (the largest of a name)."""

    samples: int = 0
    total_peak: int = 0  # the largest sum of RSS over the tree at one sample
    main_peak: int = 0  # the command's own process (not GNU time around it)
    helpers: dict[str, int] = field(default_factory=dict)  # name -> the largest VmHWM among its processes


class TreeSampler:
    """Samples the tree under `root`; `skip_root`: the root is a wrapper (GNU time), its child the command."""

    def __init__(self, root: int, *, skip_root: bool) -> None:
        self.root = root
        self.skip_root = skip_root
        self.seen = TreeMemory()

    def sample(self) -> None:
        children = _parents()
        main = children.get(self.root, [None])[0] if self.skip_root else self.root
        if main is None:
            return
        total = 0
        todo = [main]
        while todo:
            pid = todo.pop()
            todo.extend(children.get(pid, []))
            found = _memory(pid)
            if found is None:
                continue
            name, rss, hwm = found
            total += rss
            if pid == main:
                self.seen.main_peak = max(self.seen.main_peak, hwm)
            else:
                self.seen.helpers[name] = max(self.seen.helpers.get(name, 0), hwm)
        self.seen.samples += 1
        self.seen.total_peak = max(self.seen.total_peak, total)
