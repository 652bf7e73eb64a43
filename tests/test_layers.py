"""The layout holds its rules: each layer imports only from below, and each third-party package has
one owner module. Every import in every module counts, the lazy ones inside functions too."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "archive"

# Which archive sub-packages each layer may import (besides itself, `archive` and `archive.errors`).
ALLOWED = {
    "core": set(),
    "storage": {"core"},
    "extract": {"core"},
    "sandbox": set(),
    "schemas": set(),
    "evidence": {"core", "storage", "schemas"},
    "service": {"core", "storage", "extract", "sandbox", "evidence", "schemas", "webarchive"},
    "cli": {"core", "storage", "extract", "sandbox", "evidence", "service", "schemas", "witness", "webarchive"},
    "witness": {"core", "storage"},
    "webarchive": {"core", "evidence"},
}
OWNERS = {
    "sqlmodel": {"storage/tables.py"},
    "sqlalchemy": {"storage/tables.py"},
    "psycopg": {"storage/postgres.py"},
    "boto3": {"storage/s3.py"},
    "botocore": {"storage/s3.py"},
    "typer": {"cli/app.py", "cli/main.py"},
    "magic": {"extract/identify.py"},
    "yaml": {"service/sidecar.py"},
    "jsonschema": {"schemas/__init__.py"},
    "pypandoc": {"evidence/citeproc.py"},
    "rfc3161_client": {"evidence/tokens.py"},
    "c2pa": {"extract/credentials.py"},
    "warcio": set(),  # the tests' reference reader; the archive reads WARCs with its own bounded reader
    "rich": set(),
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names if node.module == "archive")
    return names


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_module_belongs_to_a_layer() -> None:
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name not in {"__init__.py", "__main__.py", "errors.py"}]
    assert loose == []
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"} == set(ALLOWED)


def test_layers_import_only_from_below() -> None:
    wrong = []
    for path in _modules():
        rel = path.relative_to(PACKAGE)
        if len(rel.parts) == 1:
            continue
        layer = rel.parts[0]
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "archive" or len(parts) < 2 or parts[1] in {"errors", "__version__", "TOOL_NAME"}:
                continue
            target = parts[1]
            if target != layer and target not in ALLOWED[layer]:
                wrong.append(f"{rel} imports {name}")
    assert wrong == []


def test_each_third_party_package_has_one_owner() -> None:
    wrong = []
    for path in _modules():
        rel = str(path.relative_to(PACKAGE))
        for name in _imports(path):
            top = name.split(".")[0]
            if top in OWNERS and rel not in OWNERS[top]:
                wrong.append(f"{rel} imports {name}")
    assert wrong == []


def test_the_core_does_no_io() -> None:
    io_modules = {"os", "sqlite3", "subprocess", "socket", "shutil", "pathlib", "tempfile"}
    wrong = []
    for path in sorted((PACKAGE / "core").glob("*.py")):
        for name in _imports(path):
            if name.split(".")[0] in io_modules:
                wrong.append(f"core/{path.name} imports {name}")
    assert wrong == []
