"""The README's library example runs as written (docs kept in sync by a test)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_library_example_runs(tmp_path: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text("utf-8"), flags=re.DOTALL)
    assert len(blocks) == 1
    (tmp_path / "page.html").write_text(
        "<!doctype html><html><head><title>A story</title></head><body><h1>A story</h1></body></html>\n", "utf-8"
    )
    script = blocks[0] + "\nassert len(doc['items']) == 1 and report.ingested == 1\nprint('ran')\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_")}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ran"
    assert (tmp_path / "vault" / "VAULT.json").is_file()
