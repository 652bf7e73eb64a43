"""The read commands' fast path means exactly what typer means, or steps aside for typer."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ok, run, seed_files
from typer.testing import CliRunner

from archive.cli.app import app
from archive.cli.fast import parse


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("fast") / "vault"
    ok("ingest", *seed_files(), vault=where)
    return where


def _forms(vault: Path, item: str) -> list[list[str]]:
    v = str(vault)
    return [
        ["list", "--vault", v],
        ["--vault", v, "list"],
        [f"--vault={v}", "list", "--json"],
        ["--json", "list", "--vault", v, "--limit", "2"],
        ["list", "--vault", v, "--start=3", "--limit=1"],
        ["log", "--vault", v],
        ["log", "--vault", v, "--start", "2", "--limit", "3", "--json"],
        ["show", item, "--vault", v],
        ["show", item[:8], "--vault", v, "--json"],
        ["--vault", v, "--actor", "x", "show", item],
    ]


def test_every_simple_form_takes_the_fast_path_and_means_what_typer_means(vault: Path) -> None:
    item = ok("list", "--json", vault=vault).json()[0]["id"]
    runner = CliRunner()
    for argv in _forms(vault, item):
        assert parse(argv) is not None, argv
        fast = run(*argv)  # the installed command: the fast path
        typed = runner.invoke(app, argv, env={"COLUMNS": "250"})
        assert fast.code == typed.exit_code == 0, (argv, fast, typed.output)
        assert fast.out == typed.stdout, argv


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--help"],
        ["show", "--help"],
        ["--help"],
        ["list", "--limit", "0"],
        ["list", "--start", "-1"],
        ["list", "--limit", "x"],
        ["list", "--bogus"],
        ["list", "--json=1"],
        ["list", "--vault"],
        ["show"],
        ["show", "a", "b"],
        ["show", "--", "abcd"],
        ["list", "--limit", "2", "--limit", "3"],
        ["--version"],
        ["ingest", "x"],
        ["log", "extra"],
        ["list", "--limit", "٣"],
    ],
)
def test_anything_else_is_left_to_typer(argv: list[str]) -> None:
    assert parse(argv) is None


def test_a_bad_number_gets_typers_usage_error(vault: Path) -> None:
    result = run("list", "--limit", "0", vault=vault)
    assert result.code == 2 and result.err.startswith("error: ")
