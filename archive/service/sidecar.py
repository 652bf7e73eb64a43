"""Metadata sidecar files (`--meta FILE`): JSON or YAML, checked against schemas/sidecar.schema.json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from archive import schemas
from archive.core.fields import ASSERTABLE
from archive.errors import BadInputError, NotFoundError

Values = dict[str, list[Any]]


def _plain(value: Any) -> Any:
    # YAML turns 2022-03-23 into a date; the ledger records the text the user meant.
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _as_lists(fields: dict[str, Any]) -> Values:
    return {k: v if isinstance(v, list) else [v] for k, v in fields.items() if k in ASSERTABLE}


class Sidecar:
    """Values for every file, and values for single files by recorded name."""

    def __init__(self, common: Values, per_item: dict[str, Values]) -> None:
        self.common = common
        self.per_item = per_item

    def values_for(self, name: str) -> Values:
        return {**self.common, **self.per_item.get(name, {})}

    def unused_names(self, names: set[str]) -> list[str]:
        return sorted(set(self.per_item) - names)


def load_sidecar(path: Path) -> Sidecar:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"{path}: no such metadata file") from None
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInputError(f"{path}: metadata file is not UTF-8") from None
    if path.suffix.lower() == ".json":
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise BadInputError(f"{path}: malformed JSON metadata file: {exc}") from None
        except RecursionError:
            raise BadInputError(f"{path}: malformed JSON metadata file: nested too deeply") from None
    else:
        import yaml  # lazily: only sidecars need it

        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            first = str(exc).splitlines()[0] if str(exc) else "unparseable"
            raise BadInputError(f"{path}: malformed YAML metadata file: {first}") from None
        except RecursionError:
            raise BadInputError(f"{path}: malformed YAML metadata file: nested too deeply") from None
    try:
        document = _plain(document)
        if not isinstance(document, dict):
            raise BadInputError(f"{path}: a metadata file holds a mapping of fields")
        schemas.check("sidecar", document, f"{path}")
    except RecursionError:
        raise BadInputError(f"{path}: metadata file nested too deeply") from None
    items = document.pop("items", {})
    return Sidecar(_as_lists(document), {str(k): _as_lists(v) for k, v in items.items()})
