"""End to end through the CLI: ingest the seeds, then show, list, log and verify what was stored."""

from __future__ import annotations

import json
import re
import stat
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import typer
from helpers import (
    ACTOR,
    article,
    entry_hash,
    ledger_rows,
    object_files,
    object_path,
    ok,
    run,
    seed_files,
    seed_sums,
    sha256_hex,
    write_text,
)

from archive import __version__
from archive.cli.app import app
from archive.core.canonical import canonical_bytes
from archive.service.verify import verify_vault

TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """One vault made by ingesting the seeds, with the --json answer of that ingest (read-only use)."""
    vault = tmp_path_factory.mktemp("seeded") / "vault"
    result = ok("ingest", *seed_files(), "--json", vault=vault)
    answer: dict[str, Any] = result.json()
    return vault, answer


def test_ingest_creates_the_vault_and_lists_every_item(seeded: tuple[Path, dict[str, Any]]) -> None:
    vault, answer = seeded
    sums = seed_sums()
    assert answer["created"] is True
    assert answer["ingested"] == len(sums)
    assert answer["existing"] == 0
    assert [i["name"] for i in answer["items"]] == sorted(sums)
    for item in answer["items"]:
        assert item["status"] == "ingested"
        assert item["item"] == sums[item["name"]]
    seqs = [i["seq"] for i in answer["items"]]
    assert seqs == list(range(seqs[0], seqs[0] + len(sums)))
    assert (vault / "VAULT.json").is_file()


def test_human_output_says_the_vault_was_created(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    first = seed_files()[0]
    result = ok("ingest", first, vault=vault)
    assert "created" in result.out
    assert seed_sums()[first.name] in result.out
    again = ok("ingest", first, vault=vault)
    assert "created" not in again.out
    assert seed_sums()[first.name] in again.out


def test_media_type_is_utf8_plain_text(seeded: tuple[Path, dict[str, Any]]) -> None:
    vault, answer = seeded
    assert {i["media_type"] for i in answer["items"]} == {"text/plain"}
    for item in ok("list", "--json", vault=vault).json():
        assert item["media_type"] == "text/plain"
        assert item["charset"] == "utf-8"


def test_verify_passes_after_ingest(seeded: tuple[Path, dict[str, Any]]) -> None:
    vault, _ = seeded
    result = ok("verify", "--json", vault=vault)
    assert result.json()["ok"] is True
    assert result.json()["problems"] == []
    report = verify_vault(vault)
    assert report.codes() == []
    assert report.counts["items"] == len(seed_sums())


def test_second_ingest_appends_nothing(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    ok("ingest", *seed_files(), vault=vault)
    before = ledger_rows(vault)
    answer = ok("ingest", *seed_files(), "--json", vault=vault).json()
    assert answer["created"] is False
    assert answer["ingested"] == 0
    assert answer["existing"] == len(seed_files())
    sums = seed_sums()
    for item in answer["items"]:
        assert item["status"] == "exists"
        assert item["item"] == sums[item["name"]]
        assert item["seq"] is None
    assert ledger_rows(vault) == before


def test_identical_bytes_in_one_ingest_are_stored_once(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    one = write_text(tmp_path / "in" / "one.txt", article("same"))
    two = write_text(tmp_path / "in" / "two.txt", article("same"))
    answer = ok("ingest", one, two, "--json", vault=vault).json()
    assert [i["status"] for i in answer["items"]] == ["ingested", "exists"]
    assert answer["items"][0]["item"] == answer["items"][1]["item"]
    assert [r.kind for r in ledger_rows(vault)].count("ingest") == 1


def test_directory_ingest_is_recursive_nfc_sorted_and_skips_hidden(tmp_path: Path) -> None:
    source = tmp_path / "clippings"
    decomposed = unicodedata.normalize("NFD", "\u00e9t\u00e9.txt")
    for name in ("b.txt", "a.txt", "Z.txt", "sub/c.txt", "sub/a.txt", decomposed, ".hidden.txt", ".git/x.txt"):
        write_text(source / name, article(name))
    # Sorted unnormalised, "e\u0301" would come before "sub"; NFC-sorted, "\u00e9" comes after it.
    expected = ["Z.txt", "a.txt", "b.txt", "sub/a.txt", "sub/c.txt", "\u00e9t\u00e9.txt"]
    for attempt in ("first", "second"):
        answer = ok("ingest", source, "--json", vault=tmp_path / attempt).json()
        assert [i["name"] for i in answer["items"]] == expected
        seqs = [i["seq"] for i in answer["items"]]
        assert seqs == list(range(seqs[0], seqs[0] + len(expected)))
        assert answer["skipped"] == 2
    ids = {i["item"] for i in answer["items"]}
    hidden = {sha256_hex(article(n).encode()) for n in (".hidden.txt", ".git/x.txt")}
    assert not ids & hidden


def test_stored_objects_are_the_seed_bytes_and_read_only(seeded: tuple[Path, dict[str, Any]]) -> None:
    vault, _ = seeded
    sums = seed_sums()
    for seed in seed_files():
        stored = object_path(vault, sums[seed.name])
        assert stored.read_bytes() == seed.read_bytes()
        assert stat.S_IMODE(stored.stat().st_mode) == 0o444
    assert len(object_files(vault)) == len(sums)


def test_show_accepts_a_unique_prefix(seeded: tuple[Path, dict[str, Any]]) -> None:
    vault, _ = seeded
    full = seed_sums()[seed_files()[2].name]
    others = set(seed_sums().values()) - {full}
    length = next(n for n in range(8, 65) if not any(o.startswith(full[:n]) for o in others))
    shown = ok("show", full[:length], "--json", vault=vault).json()
    assert shown["id"] == full
    assert shown["name"] == seed_files()[2].name
    assert shown["media_type"] == "text/plain"
    assert shown["charset"] == "utf-8"
    human = ok("show", full[:length].upper(), vault=vault)
    assert full in human.out


def asserted(shown: dict[str, Any]) -> list[dict[str, Any]]:
    """The claims a person made (extractors may add claims of their own beside them)."""
    return [c for c in shown["metadata"]["claims"] if c["source"] == "asserted"]


def asserted_values(shown: dict[str, Any]) -> dict[str, list[Any]]:
    by_field: dict[str, list[Any]] = {}
    for claim in asserted(shown):
        by_field.setdefault(claim["field"], []).append(claim["value"])
    return by_field


def current_of(shown: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    return {f: shown["metadata"]["current"][f] for f in fields if f in shown["metadata"]["current"]}


ASSERTED = {
    "outlet": ["Courthouse News Service"],
    "published": ["2022-03-23"],
    "author": ["Jane Doe", "John Roe"],
    "credit": [{"photographer": "Nariman El-Mofty", "agency": "AP"}],
}
OPTIONS = [
    "--outlet",
    "Courthouse News Service",
    "--published",
    "2022-03-23",
    "--author",
    "Jane Doe",
    "--author",
    "John Roe",
    "--credit",
    "Nariman El-Mofty/AP",
]


@pytest.fixture(scope="module")
def attributed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seed 0 ingested with OPTIONS by --actor alice, seed 1 by ARCHIVE_ACTOR=alice, seed 2 by
    --actor bob while ARCHIVE_ACTOR says carol."""
    vault = tmp_path_factory.mktemp("attributed") / "vault"
    seeds = seed_files()
    ok("ingest", seeds[0], *OPTIONS, "--actor", "alice", vault=vault)
    ok("ingest", seeds[1], *OPTIONS, vault=vault, env={"ARCHIVE_ACTOR": "alice"})
    ok("ingest", seeds[2], "--outlet", "People", "--actor", "bob", vault=vault, env={"ARCHIVE_ACTOR": "carol"})
    return vault


@pytest.mark.parametrize("seed", [0, 1], ids=["actor-option", "actor-environment"])
def test_show_json_gives_claims_with_provenance(attributed: Path, seed: int) -> None:
    shown = ok("show", seed_sums()[seed_files()[seed].name], "--json", vault=attributed).json()
    assert asserted_values(shown) == ASSERTED
    for claim in asserted(shown):
        assert claim["by"] == "alice"
        assert TIME.fullmatch(claim["at"])
        assert claim["at"] == shown["archived"]["at"]
        assert claim["seq"] == shown["archived"]["seq"]
    assert shown["archived"]["by"] == "alice"
    assert current_of(shown, ASSERTED) == {
        "outlet": "Courthouse News Service",
        "published": "2022-03-23",
        "author": ["Jane Doe", "John Roe"],
        "credit": [{"photographer": "Nariman El-Mofty", "agency": "AP"}],
    }
    assert [h["actor"] for h in shown["history"]] == ["alice"]


def test_actor_option_wins_over_environment(attributed: Path) -> None:
    shown = ok("show", seed_sums()[seed_files()[2].name], "--json", vault=attributed).json()
    assert shown["archived"]["by"] == "bob"
    assert [c["by"] for c in asserted(shown)] == ["bob"]


def _sidecar(tmp_path: Path, fmt: str, document: dict[str, Any]) -> Path:
    if fmt == "json":
        return write_text(tmp_path / "meta.json", json.dumps(document))
    import yaml

    return write_text(tmp_path / "meta.yaml", yaml.safe_dump(document, allow_unicode=True))


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_sidecar_values_apply_to_every_file(tmp_path: Path, fmt: str) -> None:
    vault = tmp_path / "vault"
    if fmt == "json":
        meta = write_text(
            tmp_path / "meta.json", '{"outlet": "People", "published": "2022-03-23", "author": ["Ann Lee"]}'
        )
    else:  # YAML reads an unquoted 2022-03-23 as a date; it must be recorded as written
        meta = write_text(tmp_path / "meta.yaml", "outlet: People\npublished: 2022-03-23\nauthor: [Ann Lee]\n")
    seeds = seed_files()[:2]
    answer = ok("ingest", *seeds, "--meta", meta, "--json", vault=vault).json()
    assert {i["status"] for i in answer["items"]} == {"ingested"}
    listed = {i["id"]: i for i in ok("list", "--json", vault=vault).json()}
    for seed in seeds:
        shown = listed[seed_sums()[seed.name]]
        assert asserted_values(shown) == {"outlet": ["People"], "published": ["2022-03-23"], "author": ["Ann Lee"]}
        assert current_of(shown, ("outlet", "published", "author")) == {
            "outlet": "People",
            "published": "2022-03-23",
            "author": ["Ann Lee"],
        }
        assert {c["by"] for c in asserted(shown)} == {ACTOR}


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_sidecar_items_mapping_gives_values_per_file(tmp_path: Path, fmt: str) -> None:
    vault = tmp_path / "vault"
    first, second = seed_files()[3], seed_files()[4]
    title = "U.S. Believes 'Russia's Forces Have Committed War Crimes in Ukraine'"
    document = {
        "outlet": "People",
        "items": {
            second.name: {
                "title": title,
                "published": "2022-03-23",
                "credit": [{"photographer": "Joshua Roberts", "agency": "Getty"}],
            }
        },
    }
    meta = _sidecar(tmp_path, fmt, document)
    result = run("ingest", first, second, "--meta", meta, vault=vault)
    assert result.code == 0, str(result)
    plain = ok("show", seed_sums()[first.name], "--json", vault=vault).json()
    assert asserted_values(plain) == {"outlet": ["People"]}
    special = ok("show", seed_sums()[second.name], "--json", vault=vault).json()
    assert asserted_values(special) == {
        "outlet": ["People"],
        "title": [title],
        "published": ["2022-03-23"],
        "credit": [{"photographer": "Joshua Roberts", "agency": "Getty"}],
    }
    assert current_of(special, ("outlet", "title", "published", "credit")) == {
        "outlet": "People",
        "title": title,
        "published": "2022-03-23",
        "credit": [{"photographer": "Joshua Roberts", "agency": "Getty"}],
    }
    assert {c["by"] for c in asserted(special)} == {ACTOR}


def test_log_json_entries_hash_and_chain(seeded: tuple[Path, dict[str, Any]]) -> None:
    vault, _ = seeded
    entries = ok("log", "--json", vault=vault).json()
    assert [e["seq"] for e in entries] == list(range(len(entries)))
    assert [e["entry"]["kind"] for e in entries].count("ingest") == len(seed_sums())
    prev = "0" * 64
    for logged in entries:
        data = logged["canonical"].encode("utf-8")
        assert logged["hash"] == sha256_hex(b"\x00" + data) == entry_hash(data)
        assert canonical_bytes(logged["entry"]) == data
        assert logged["entry"]["seq"] == logged["seq"]
        assert logged["entry"]["prev"] == prev
        assert logged["entry"]["actor"] == ACTOR
        assert TIME.fullmatch(logged["entry"]["time"])
        prev = logged["hash"]
    stored = ledger_rows(vault)
    assert [(r.seq, r.hash, r.data) for r in stored] == [
        (e["seq"], e["hash"], e["canonical"].encode("utf-8")) for e in entries
    ]
    assert [r.prev for r in stored] == ["0" * 64] + [e["hash"] for e in entries[:-1]]


def test_log_json_start_and_limit(seeded: tuple[Path, dict[str, Any]]) -> None:
    vault, _ = seeded
    window = ok("log", "--json", "--start", "2", "--limit", "2", vault=vault).json()
    assert [e["seq"] for e in window] == [2, 3]


def test_list_json_names_every_item_in_ingest_order(seeded: tuple[Path, dict[str, Any]]) -> None:
    vault, _ = seeded
    listed = ok("list", "--json", vault=vault).json()
    sums = seed_sums()
    assert [i["id"] for i in listed] == [sums[n] for n in sorted(sums)]
    ok("list", vault=vault)


def test_version() -> None:
    result = ok("--version")
    assert result.out.strip() == f"archive {__version__}"


def _command_names() -> list[str]:
    group = typer.main.get_command(app)
    commands = getattr(group, "commands", {})
    return sorted(commands)


def test_every_command_is_covered_by_help() -> None:
    assert {"init", "ingest", "show", "list", "log", "verify"} <= set(_command_names())


@pytest.mark.parametrize("command", [[], *([name] for name in _command_names())])
def test_help_exits_zero(command: list[str]) -> None:
    result = ok(*command, "--help")
    assert "Usage" in result.out
    assert result.err == ""


def test_acquisition_path_is_the_real_path_with_links_resolved(tmp_path: Path) -> None:
    real = tmp_path / "real"
    direct = write_text(real / "direct.txt", article("direct"))
    inside = write_text(real / "sub" / "inside.txt", article("inside"))
    (tmp_path / "link.txt").symlink_to(direct)
    (tmp_path / "linked-dir").symlink_to(real / "sub", target_is_directory=True)
    vault = tmp_path / "vault"
    ok("ingest", tmp_path / "link.txt", tmp_path / "linked-dir" / "inside.txt", vault=vault)
    paths = {
        row.entry()["body"]["acquisition"]["name"]: row.entry()["body"]["acquisition"]["path"]
        for row in ledger_rows(vault)
        if row.kind == "ingest"
    }
    assert paths == {"link.txt": str(direct.resolve()), "inside.txt": str(inside.resolve())}
