"""What the sandbox's workers run (the handlers module of `archive.sandbox`).

`extract` reads one stored object; `stage_and_extract` first copies a file being ingested into the
writer's staging directory (hashing it as it goes) and then reads that copy, so that the copying,
hashing and extraction of many small files run on every core. Time and memory limits are the
sandbox's, one of each per task; the extractor modules load in a worker only when a document
needs them. Extraction failures are notes in the answer; a staging failure is the task's error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archive.extract.api import Document, result_to_json
from archive.extract.dispatch import run


def extract(path: str, media_type: str, charset: str | None, size: int, url: str | None = None) -> dict[str, Any]:
    return result_to_json(run(Document(Path(path), media_type, charset, size, url)))


def stage_and_extract(
    source: str | None, stage: str, media_type: str, charset: str | None, url: str | None = None
) -> dict[str, Any] | None:
    """Stage `source` into `stage` and read the copy; None for a file the writer stages itself."""
    from archive.storage.objects import stage_file

    if source is None:
        return None
    staged = stage_file(Path(source), Path(stage))
    result = run(Document(staged.path, media_type, charset, staged.size, url))
    return {"sha256": staged.digest.hex, "size": staged.size, "result": result_to_json(result)}


HANDLERS = {"extract": extract, "stage_and_extract": stage_and_extract}
