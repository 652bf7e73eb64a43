"""Run one extractor on one file in a separate process: `python -m archive.extract.worker KIND PATH`.

The parent bounds this process's time and memory, so a hostile or broken file can make one
extraction fail (recorded as a note), never hang or exhaust the archive. Prints the Result as JSON.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from archive.extract.base import Result


def plaintext_result(data: bytes) -> Result:
    """The plain-text extractor's answer in the common form (run here or in the parent)."""
    from archive.extract import plaintext
    from archive.extract.base import Fact

    facts = tuple(Fact(f.field, f.value, f.rule, f.evidence, f.start, f.end) for f in plaintext.extract(data))
    return Result(plaintext.NAME, plaintext.VERSION, facts)


def run(kind: str, path: Path, base_url: str | None) -> Result:
    if kind == "plaintext":
        return plaintext_result(path.read_bytes())
    if kind == "html":
        from archive.extract import html

        return html.extract(path.read_bytes(), base_url=base_url)
    if kind == "pdf":
        from archive.extract import pdf

        return pdf.extract(path)
    if kind == "image":
        from archive.extract import image

        return image.extract(path)
    raise SystemExit(f"unknown extractor {kind}")


def main() -> None:
    kind, path = sys.argv[1], Path(sys.argv[2])
    base_url = sys.argv[3] if len(sys.argv) > 3 else None
    result = run(kind, path, base_url)
    sys.stdout.write(json.dumps(dataclasses.asdict(result), ensure_ascii=False))


if __name__ == "__main__":
    main()
