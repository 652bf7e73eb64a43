"""What the sandbox's workers run (the handlers module of `archive.sandbox`): one extraction per task.

A task names a stored object and what it was identified as; the answer is the extractor's Result as
JSON data. Time and memory limits are the sandbox's, one of each for every document; the extractor
modules load in a worker only when a document needs them.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from archive.extract.run import extract_in_process


def extract(path: str, media_type: str, charset: str | None, size: int, url: str | None = None) -> dict[str, Any]:
    return dataclasses.asdict(extract_in_process(Path(path), media_type, size, url))


HANDLERS = {"extract": extract}
