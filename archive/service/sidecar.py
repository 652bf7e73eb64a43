"""Metadata sidecar files (`--meta FILE`): JSON or YAML, checked against schemas/sidecar.schema.json."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from archive import schemas
from archive.core.fields import ASSERTABLE
from archive.core.strict import MAX_COUNT
from archive.errors import BadInputError, NotFoundError

Values = dict[str, list[Any]]


def _plain(value: Any, budget: list[int]) -> Any:
    """The document as plain JSON-like values, refused once it holds more than MAX_NODES values
    (YAML aliases share one value many times over: a few lines can stand for billions)."""
    budget[0] -= 1
    if budget[0] < 0:
        raise BadInputError(f"too large: more than {MAX_NODES} values (aliases expanded)")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_COUNT:
        # Before any message prints it: past 4,300 digits even str() of it raises.
        raise BadInputError("holds a number beyond 2^53 - 1")
    if isinstance(value, dict):
        return {str(k): _plain(v, budget) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, budget) for v in value]
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


MAX_BYTES = 16 << 20
MAX_ITEMS = 100_000
_HUGE = "a number too long to read (more than 4,300 digits)"
MAX_NODES = 1_000_000  # YAML nodes after aliases are expanded: a "billion laughs" stops here
MAX_DEPTH = 64  # far beyond any real metadata (a field holds a list of values, or of credits)
MAX_YAML_BYTES = 1 << 20  # YAML is for metadata written by hand; many items' metadata goes in JSON


def _yaml(text: str) -> Any:
    """YAML read as text: dates and times stay the strings written (2022-02-30 is a bad date for
    the field's check to name, not a crash), a key given twice in one mapping is refused (as in
    JSON), and the document is refused once aliases would make it larger than MAX_NODES (counted
    by `_plain`, which every document goes through). libyaml's parser is used where PyYAML has it
    (about 15x faster than the pure-Python one); MAX_YAML_BYTES bounds the time either takes."""
    import yaml  # lazily: only sidecars need it

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode):
                seen: set[Any] = set()
                for key_node, _ in node.value:
                    key = (key_node.tag, key_node.value) if isinstance(key_node, yaml.ScalarNode) else id(key_node)
                    if key in seen:
                        raise BadInputError(f"duplicate key {str(key_node.value)[:80]!r} in a YAML mapping")
                    seen.add(key)
            return super().construct_mapping(node, deep=deep)

    _check_depth(text, base, yaml)
    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader subclass


def _check_depth(text: str, loader: Any, yaml: Any) -> None:
    """Refuse nesting deeper than MAX_DEPTH from the event stream, before any node is composed: the
    parser's event loop keeps its own stack, but composing recurses (in C for libyaml, where a
    deep document overflows the process stack instead of raising)."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise BadInputError(f"nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def load_sidecar(path: Path) -> Sidecar:
    """A sidecar file, checked: a regular file, UTF-8, at most MAX_BYTES, no duplicate keys in JSON."""
    from archive.core.canonical import parse_json
    from archive.errors import LedgerError
    from archive.service.sources import shown_path
    from archive.storage.fsutil import NotRegularError, TooLargeError, read_regular

    shown = shown_path(path)
    try:
        raw = read_regular(path, MAX_BYTES)
    except FileNotFoundError:
        raise NotFoundError(f"{shown}: no such metadata file") from None
    except NotRegularError:
        raise BadInputError(f"{shown}: the metadata file is not a regular file") from None
    except TooLargeError:
        raise BadInputError(f"{shown}: metadata file larger than {MAX_BYTES} bytes") from None
    except OSError as exc:
        raise BadInputError(f"{shown}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInputError(f"{shown}: metadata file is not UTF-8") from None
    is_json = path.suffix.lower() == ".json"
    if not is_json and len(raw) > MAX_YAML_BYTES:
        raise BadInputError(
            f"{shown}: YAML metadata file larger than {MAX_YAML_BYTES} bytes (give metadata for many files as JSON)"
        )
    if is_json:
        try:
            document = parse_json(raw)
        except LedgerError as exc:
            raise BadInputError(f"{shown}: malformed JSON metadata file: {str(exc)[:200]}") from None
        except ValueError:  # the one other thing json.loads raises: an integer of more than 4,300 digits
            raise BadInputError(f"{shown}: malformed JSON metadata file: {_HUGE}") from None
    else:
        import yaml

        try:
            document = _yaml(text)
        except BadInputError as exc:
            raise BadInputError(f"{shown}: malformed YAML metadata file: {exc}") from None
        except yaml.YAMLError as exc:
            first = str(exc).splitlines()[0] if str(exc) else "unparseable"
            raise BadInputError(f"{shown}: malformed YAML metadata file: {first[:200]}") from None
        except RecursionError:
            raise BadInputError(f"{shown}: malformed YAML metadata file: nested too deeply") from None
        except ValueError:  # from YAML's int constructor, for an integer of more than 4,300 digits
            raise BadInputError(f"{shown}: malformed YAML metadata file: {_HUGE}") from None
    try:
        try:
            document = _plain(document, [MAX_NODES])
        except BadInputError as exc:
            raise BadInputError(f"{shown}: metadata file {exc}") from None
        if not isinstance(document, dict):
            raise BadInputError(f"{shown}: a metadata file holds a mapping of fields")
        items = document.get("items", {})
        if isinstance(items, dict) and len(items) > MAX_ITEMS:
            raise BadInputError(f"{shown}: more than {MAX_ITEMS} items")
        schemas.check("sidecar", document, shown)
    except RecursionError:
        raise BadInputError(f"{shown}: metadata file nested too deeply") from None
    items = document.pop("items", {})
    return Sidecar(_as_lists(document), {str(k): _as_lists(v) for k, v in items.items()})
