"""The CSL record a citation is rendered from: organisations stay literal names, an untitled item
is described (never named after a local file), and a photograph cites its photographer and capture
date. Through the CLI, as a user cites: ingest, then `manifest` (JSON citations and `--format csl`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import article, ok, write_text

from archive.core.names import is_organisation

DATA = Path(__file__).resolve().parent / "data"


@pytest.mark.parametrize(
    "name",
    [
        "Human Rights Watch",
        "Ministry of Health",
        "NATO",
        "BBC",
        "Reuters Staff",
        "Amnesty International",
        "The Associated Press",
        "Médecins Sans Frontières International",
        "Bureau of Investigative Journalism",
    ],
)
def test_organisations(name: str) -> None:
    assert is_organisation(name)


@pytest.mark.parametrize(
    "name", ["Jane Doe", "Rob Picheta", "Nariman El-Mofty", "Ludwig van Beethoven", "Doe", "J. R. R. Tolkien"]
)
def test_people(name: str) -> None:
    assert not is_organisation(name)


def _manifest(vault: Path, tmp_path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    import json

    ok("manifest", "--all", "-o", tmp_path / "m.json", vault=vault)
    ok("manifest", "--all", "--format", "csl", "-o", tmp_path / "m.csl.json", vault=vault)
    doc = json.loads((tmp_path / "m.json").read_text("utf-8"))
    return doc["items"][0], json.loads((tmp_path / "m.csl.json").read_text("utf-8"))


def test_an_organisation_author_is_cited_by_its_name(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    source = write_text(tmp_path / "report.txt", article("hrw"))
    ok(
        "ingest",
        source,
        "--author",
        "Human Rights Watch",
        "--title",
        "World Report",
        "--published",
        "2024-01-11",
        vault=vault,
    )
    item, records = _manifest(vault, tmp_path)
    assert records[0]["author"] == [{"literal": "Human Rights Watch"}]
    assert item["citations"]["apa"]["text"].startswith("Human Rights Watch. (2024, January 11).")
    assert "Watch, H" not in item["citations"]["apa"]["text"]


def test_an_untitled_text_is_described_not_named_after_its_file(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    ok("ingest", write_text(tmp_path / "scan-0042.txt", article("untitled")), vault=vault)
    item, records = _manifest(vault, tmp_path)
    assert records[0]["title"] == "[Text]"
    assert "scan-0042" not in item["citations"]["apa"]["text"]


def test_a_photograph_cites_its_photographer_and_capture_date(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    ok("ingest", DATA / "image" / "afp_byline.webp", vault=vault)  # credit and EXIF capture time, no title
    item, records = _manifest(vault, tmp_path)
    credit = item["metadata"]["current"]["credit"][0]
    created = item["metadata"]["current"]["created"]
    record = records[0]
    assert record["title"] == f"[Photograph by {credit['photographer']}]"
    assert record["author"][0].get("family") == credit["photographer"].split()[-1]
    assert record["issued"] == {"date-parts": [[int(p) for p in created[:10].split("-")]]}
    assert created[:4] in item["citations"]["apa"]["text"]
