"""Make the version-1 vault of this folder with the archive as it was at commit 7629b2e.

git worktree add OLD 7629b2e && PYTHONPATH=OLD python tests/data/v1/make.py OLD OUT
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

OLD, OUT = Path(sys.argv[1]), Path(sys.argv[2])
sys.path[:0] = [str(OLD / "tests"), str(OLD)]
from lib import EPOCH, ingest, open_archive, ticking_clock  # noqa: E402 - the old checkout's helpers

SEEDS = ("000_db7ac71fd7a6e07f.txt", "004_1ff66ad646ea374e.txt")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sources = Path(tmp)
        for name in SEEDS:
            shutil.copyfile(OLD / "seeds" / name, sources / name)
            os.utime(sources / name, (1_700_000_000, 1_700_000_000))
        archive = open_archive(
            OUT, actor="v1-writer", origin="example.org/v1", clock=ticking_clock(EPOCH), host="v1-host"
        )
        first, second = (r.item for r in ingest(archive, sorted(sources.iterdir())))
        archive.amend(first, {"outlet": ["Earlier Outlet"]}, [], "checked")
        archive.set_access(second, "restricted", "names a witness")
        archive.relate(first, second, "translation")
        archive.close()


if __name__ == "__main__":
    main()
