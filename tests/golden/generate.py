"""Regenerate the golden ledger: the seeds ingested with a fixed key, clock, actor, host and paths.

Run `.venv/bin/python tests/golden/generate.py` after a deliberate change to the entry format or
the extractors, and review the diff: every byte of every entry and checkpoint is pinned.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent.parent))

from lib import EPOCH, ingest, open_archive, ticking_clock  # noqa: E402

SOURCE_DIR = Path("/tmp/archive-golden-sources")  # fixed: source paths are recorded in entries
MTIME = 1_700_000_000


def build(vault: Path) -> tuple[list[bytes], list[str]]:
    """Make the golden vault at `vault`; returns every entry's bytes and every checkpoint note."""
    seeds = HERE.parent.parent / "seeds"
    SOURCE_DIR.mkdir(parents=True, exist_ok=True)
    for seed in sorted(seeds.glob("*.txt")):
        target = SOURCE_DIR / seed.name
        shutil.copyfile(seed, target)
        os.utime(target, (MTIME, MTIME))
    archive = open_archive(
        vault, actor="golden", origin="example.org/golden", clock=ticking_clock(EPOCH), host="golden-host"
    )
    ingest(archive, sorted(SOURCE_DIR.glob("*.txt")), batch_size=2)
    first = next(archive.items()).id
    archive.amend(first, {"outlet": ["CNN"]}, [], "seen on the original page")
    entries = [sealed.data for sealed, _ in archive.entries()]
    with archive.reading() as r:
        notes = [note for _, note in r.checkpoints()]
    archive.close()
    return entries, notes


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        entries, notes = build(Path(tmp) / "vault")
    (HERE / "ledger.jsonl").write_bytes(b"".join(e + b"\n" for e in entries))
    (HERE / "checkpoints.txt").write_text("".join(n + "\n" for n in notes), encoding="utf-8")
    print(f"wrote {len(entries)} entries and {len(notes)} checkpoints")


if __name__ == "__main__":
    main()
