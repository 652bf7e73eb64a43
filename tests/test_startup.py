"""Commands import only what they use: the read commands start without the heavy packages.

Not a timing test: it checks which modules a command loaded, which is what its start-up time
follows (`bench/` prints the times).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import cli_env, ok, seed_files

HEAVY = (
    "typer",  # ~50 ms: the read commands' simple forms are parsed by archive.cli.fast
    "dataclasses",  # and inspect, ast: ~20 ms; the records on the read path are NamedTuples
    "sqlalchemy",
    "sqlmodel",
    "pydantic",
    "cryptography",
    "magic",
    "yaml",
    "jsonschema",
    "rich",
    "lxml",
    "pypandoc",
    "socket",
    "ctypes",
)
PROBE = """
import json, sys
sys.argv = ["archive", *json.loads(sys.argv[1])]
from archive.cli.main import main
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("startup") / "vault"
    ok("ingest", *seed_files(), vault=where)
    return where


def _loaded(argv: list[str]) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(argv)], capture_output=True, text=True, env=cli_env(), check=False
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, done.stderr
    return {name.split(".")[0] for name in report["modules"]}


@pytest.mark.parametrize("command", [["show", "ITEM"], ["list", "--limit", "20"], ["log", "--limit", "20"]])
def test_read_commands_load_none_of_the_heavy_packages(vault: Path, command: list[str]) -> None:
    item = ok("list", "--json", vault=vault).json()[0]["id"]
    argv = [word.replace("ITEM", item) for word in command] + ["--vault", str(vault)]
    assert sorted(_loaded(argv) & set(HEAVY)) == []


def test_verify_loads_no_database_layer_or_cli_framework(vault: Path) -> None:
    loaded = _loaded(["verify", "--vault", str(vault)])
    assert sorted(loaded & {"sqlalchemy", "sqlmodel", "pydantic", "rich", "lxml", "pypandoc", "yaml"}) == []
