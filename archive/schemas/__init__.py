"""The JSON Schemas in `schemas/`: finding them and validating documents against them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from archive.errors import BadInputError

SCHEMA_DIR = Path(__file__).resolve().parent


@cache
def load(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text("utf-8"))
    return schema


def errors(name: str, document: Any) -> list[str]:
    """Every way `document` breaks schema `name`, as 'path: message' lines (empty when valid)."""
    from jsonschema import Draft202012Validator  # lazily: slow to import

    validator = Draft202012Validator(load(name), format_checker=Draft202012Validator.FORMAT_CHECKER)
    found = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}" for e in found]


def check(name: str, document: Any, what: str) -> None:
    problems = errors(name, document)
    if problems:
        raise BadInputError(
            f"{what}: {problems[0]}" + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
        )
