"""The command line as a new user meets it: options anywhere, clear refusals, output that fits.

Regressions from a new-user pass: `archive --vault X ingest` said "No such option: --vault";
`archive ingest https://...` answered with a mangled path; a folder of 2,000 files was refused after
14 s for one empty file, naming only that one, with no way to exclude it; at 80 columns `list`
wrapped titles a word per line and split dates, hashes and media types; `show` repeated one current
value three times; `verify --against` did not say which checkpoint it proved.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import unicodedata
from pathlib import Path

import pytest
from helpers import assert_one_error_line, make_articles, ok, run, seed_files, write_bytes, write_text

from archive.cli.textfit import display_width


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    vault = tmp_path_factory.mktemp("usable") / "vault"
    ok("ingest", *seed_files(), vault=vault)
    return vault


def test_global_options_go_before_or_after_the_command(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    before = run("--vault", vault, "--actor", "ana", "ingest", seed_files()[0])
    assert before.code == 0, str(before)
    after = run("ingest", seed_files()[1], "--vault", vault, "--actor", "ben")
    assert after.code == 0, str(after)
    as_json = run("--json", "--vault", vault, "list")
    items = json.loads(as_json.out)
    assert {i["archived"]["by"] for i in items} == {"ana", "ben"}
    assert run("--vault", vault, "verify").code == 0


def test_a_url_is_answered_with_how_to_save_the_page(tmp_path: Path) -> None:
    result = run("ingest", "https://www.example.org/news/story.html", vault=tmp_path / "v")
    assert_one_error_line(result, 3)
    assert "https://www.example.org/news/story.html" in result.err  # the URL as given, not a mangled path
    assert "save" in result.err.lower() and "--url" in result.err
    assert not (tmp_path / "v").exists()


def test_every_bad_file_is_named_before_anything_is_copied(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    make_articles(folder, 300)
    write_bytes(folder / "writing.log", b"")
    write_bytes(folder / "sub" / "empty.txt", b"")
    write_bytes(folder / "blob.bin", hashlib.sha256(b"seed").digest() * 64)  # random-looking: no type
    started = time.monotonic()
    result = run("ingest", folder, vault=tmp_path / "v")
    elapsed = time.monotonic() - started
    assert result.code == 3, str(result)
    lines = result.err.splitlines()
    assert lines[0].startswith("error: 3 files cannot be ingested")
    assert len(lines) == 4 and all(line.startswith("  ") for line in lines[1:])
    named = " ".join(lines[1:])
    for name in ("writing.log", "empty.txt", "blob.bin"):
        assert name in named
    assert not (tmp_path / "v").exists()  # refused before a vault was made or a byte copied
    assert elapsed < 60


def test_exclude_leaves_out_files_and_folders(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    make_articles(folder, 3)
    write_bytes(folder / "writing.log", b"")
    make_articles(folder / "drafts", 2, prefix="d")
    make_articles(folder / "notes", 2, prefix="n")
    result = ok(
        "ingest",
        folder,
        "--exclude",
        "*.log",
        "--exclude",
        "drafts",
        "--exclude",
        "notes/n-0000.txt",
        "--json",
        vault=tmp_path / "v",
    )
    answer = result.json()
    assert sorted(i["name"] for i in answer["items"]) == ["a-0000.txt", "a-0001.txt", "a-0002.txt", "notes/n-0001.txt"]
    assert answer["excluded"] == 3


def test_a_folder_holding_a_vault_never_ingests_it(tmp_path: Path) -> None:
    case = tmp_path / "case"
    write_text(case / "a.txt", "Report one\n\nA short plain-text article about nothing in particular.\n")
    ok("ingest", case / "a.txt", vault=case / "vault")
    answer = ok("ingest", case, "--json", vault=case / "vault").json()
    assert [i["name"] for i in answer["items"]] == ["a.txt"]
    assert answer["vaults_skipped"] == ["vault"]
    refused = run("ingest", case / "vault" / "keys", vault=tmp_path / "other")
    assert refused.code == 3 and "vault" in refused.err


@pytest.mark.parametrize("width", [40, 80, 120])
def test_list_fits_the_terminal_and_never_splits_an_id_or_a_date(seeded: Path, width: int) -> None:
    lines = ok("list", vault=seeded, env={"COLUMNS": str(width)}).out.splitlines()
    assert len(lines) == 2 + len(seed_files())  # header, rule, one line per item: nothing wraps
    for line in lines:
        assert display_width(line) <= width
    for line in lines[2:]:
        assert re.match(r"^[0-9a-f]{16}\b", line)  # the short id, whole
    for date in re.findall(r"\d{4}-\d{2}-?\d*", "\n".join(lines[2:])):
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)
    if width >= 80:
        assert "…" in "\n".join(lines) or all(display_width(line) < width for line in lines)


def test_show_gives_each_current_value_once_with_all_its_sources(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    page = write_text(
        tmp_path / "page.html",
        '<!doctype html><html><head><meta property="og:site_name" content="Kyiv Post">'
        '<script type="application/ld+json">{"@type":"NewsArticle","headline":"Court hears witnesses",'
        '"publisher":{"@type":"Organization","name":"Kyiv Post"}}</script><title>Court hears witnesses</title>'
        "</head><body><h1>Court hears witnesses</h1><p>The hearing began on Monday.</p></body></html>\n",
    )
    ok("ingest", page, vault=vault)
    item = ok("list", "--json", vault=vault).json()[0]["id"]
    lines = ok("show", item, vault=vault, env={"COLUMNS": "200"}).out.splitlines()
    at = [n for n, line in enumerate(lines) if re.match(r"^\s+outlet\s", line)]
    assert len(at) == 1 and "Kyiv Post" in lines[at[0]]  # the value once...
    sources = []
    for line in lines[at[0] + 1 :]:
        if "↳" not in line:
            break
        sources.append(line)
    assert len(sources) >= 2  # ...with each source under it (og:site_name, JSON-LD publisher)
    assert all("extracted by html" in line for line in sources)
    ok("amend", item, "--set", "outlet=Kyiv Post", "--reason", "checked", vault=vault)
    lines = ok("show", item, vault=vault, env={"COLUMNS": "200"}).out.splitlines()
    at = [n for n, line in enumerate(lines) if re.match(r"^\s+outlet\s", line)]
    assert len(at) == 1
    assert "asserted by" in lines[at[0] + 1] and "extracted by" in lines[at[0] + 2]  # corroborated


def test_show_at_80_columns_keeps_relations_readable(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    answer = ok("ingest", *seed_files()[:2], "--json", vault=vault).json()
    a, b = (i["item"] for i in answer["items"])
    ok("relate", a, "--to", b, "--as", "translation", vault=vault)
    shown = ok("show", a, vault=vault, env={"COLUMNS": "80"}).out.splitlines()
    assert all(display_width(line) <= 80 or re.fullmatch(r"item [0-9a-f]{64}", line) for line in shown)
    block = shown[shown.index("relations") :]
    assert "translation" in block[1]
    assert any(b in line for line in block)  # the related item's id whole on one line, never a character per line


def test_verify_against_names_the_checkpoint_it_proved(seeded: Path, tmp_path: Path) -> None:
    kept = tmp_path / "cp.txt"
    ok("checkpoint", "-o", kept, vault=seeded)
    size = int(kept.read_text("utf-8").splitlines()[1])
    root = kept.read_text("utf-8").splitlines()[2]
    text = ok("verify", "--against", kept, vault=seeded).out
    assert f"size {size}" in text and root in text and "extends it" in text
    report = ok("verify", "--against", kept, "--json", vault=seeded).json()
    assert report["against"] == [{"source": str(kept), "size": size, "root": root, "extended": True}]


def test_manifest_csl_is_a_csl_json_array(seeded: Path, tmp_path: Path) -> None:
    out = tmp_path / "refs.json"
    ok("manifest", "--all", "--format", "csl", "-o", out, vault=seeded)
    records = json.loads(out.read_text("utf-8"))
    assert isinstance(records, list) and len(records) == len(seed_files())
    for record in records:
        assert set(record) >= {"id", "type", "title"}
        assert record["type"] in {"article-newspaper", "graphic", "document"}


def test_markdown_manifest_states_relations_access_and_superseded_values(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    answer = ok("ingest", *seed_files()[:2], "--json", vault=vault).json()
    a, b = (i["item"] for i in answer["items"])
    ok("amend", a, "--set", "outlet=First Outlet", "--reason", "x", vault=vault)
    ok("amend", a, "--set", "outlet=Second Outlet", "--reason", "y", vault=vault)
    ok("relate", b, "--to", a, "--as", "translation", vault=vault)
    ok("access", a, "--restrict", "--reason", "names a witness", vault=vault)
    text = ok("manifest", a, "--format", "md", vault=vault).out
    section = unicodedata.normalize("NFC", text)
    assert "restricted: names a witness" in section
    assert "translation" in section and b in section
    current = [line for line in section.splitlines() if line.startswith("| outlet |")]
    assert len(current) == 1 and "Second Outlet" in current[0] and "First Outlet" not in current[0]
    superseded = section.split("Superseded values", 1)[1]
    assert "First Outlet" in superseded


def test_contradictory_access_flags_are_a_usage_error(seeded: Path) -> None:
    item = ok("list", "--json", vault=seeded).json()[0]["id"]
    result = run("access", item, "--restrict", "--open", "--reason", "x", vault=seeded)
    assert_one_error_line(result, 2)


def test_a_vault_whose_path_holds_uri_characters_opens_read_only(tmp_path: Path) -> None:
    # Reads open the database through an SQLite URI, where ?, # and % mean something.
    vault = tmp_path / "case ?#%20 files" / "vault"
    ok("ingest", seed_files()[0], vault=vault)
    assert ok("verify", "--json", vault=vault).json()["ok"] is True
    assert len(ok("list", "--json", vault=vault).json()) == 1
