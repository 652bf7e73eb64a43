"""The labels of real pages (`tests/data/real/<corpus>/*.labels.json`): each one valid against
`labels.schema.json`, named for its page, and its page present in the shared corpus."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "data" / "real"
CORPUS = ROOT.parent / "shared" / "corpus"
SCHEMA = json.loads((REAL / "labels.schema.json").read_text("utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
LABELS = sorted(REAL.glob("*/*.labels.json"))

EXAMPLE: dict[str, Any] = {
    "page": "newspaper4k-2019/html/example.com1.html",
    "url": "https://example.com/2019/03/14/story",
    "language": "en",
    "outlet": {"value": "24/7 Wall St.", "visible": True},
    "published": {"value": "2019-03-14T09:30:00-04:00", "printed": "March 14, 2019 9:30 am EDT", "visible": True},
    "title": {"visible": "The headline", "meta": None},
    "authors": [{"name": "Jane Doe", "kind": "person", "visible": True}],
    "credits": [{"photographer": "John Smith", "agency": "Getty Images", "visible": True}],
    "ambiguous": {},
    "notes": None,
}


def test_the_schema_is_a_valid_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert not list(VALIDATOR.iter_errors(EXAMPLE))


@pytest.mark.parametrize(
    "value", ["2019", "2019-03", "2019-03-14", "2019-03-14T09:30", "2019-03-14T09:30:00Z", "2019-03-14T09:30:00.055Z",
              "2019-03-14T23:15:00-05:00", "2019-03-14T08:38:00+05:30", "2019-03-14T09:30:00"],
)  # fmt: skip
def test_published_values_of_every_stated_precision_are_valid(value: str) -> None:
    label = copy.deepcopy(EXAMPLE)
    label["published"]["value"] = value
    assert not list(VALIDATOR.iter_errors(label))


@pytest.mark.parametrize(
    "value", ["2019-3-14", "2019-13-01", "2019-03-14 09:30", "14/03/2019", "2019-03-14T09", "2019-03-14T09:30:00-0400",
              "2019-03-14T09:30:00+5:30", "March 14, 2019", "2019-03-14T25:00", ""],
)  # fmt: skip
def test_published_values_that_are_not_iso_8601_are_refused(value: str) -> None:
    label = copy.deepcopy(EXAMPLE)
    label["published"]["value"] = value
    assert list(VALIDATOR.iter_errors(label))


def _broken(change: str) -> dict[str, Any]:
    label = copy.deepcopy(EXAMPLE)
    if change == "extra member":
        label["confidence"] = 1
    elif change == "missing member":
        del label["notes"]
    elif change == "extra author member":
        label["authors"][0]["role"] = "editor"
    elif change == "author kind":
        label["authors"][0]["kind"] = "staff"
    elif change == "credit of nobody":
        label["credits"][0].update(photographer=None, agency=None)
    elif change == "credit without visible":
        del label["credits"][0]["visible"]
    elif change == "visible as text":
        label["outlet"]["visible"] = "yes"
    elif change == "outlet as a string":
        label["outlet"] = "24/7 Wall St."
    elif change == "ambiguous field unknown":
        label["ambiguous"] = {"byline": "two names"}
    elif change == "ambiguous without reason":
        label["ambiguous"] = {"published": ""}
    elif change == "page outside html/":
        label["page"] = "newspaper4k-2019/example.com1.html"
    elif change == "empty title":
        label["title"]["visible"] = " "
    return label


@pytest.mark.parametrize(
    "change",
    ["extra member", "missing member", "extra author member", "author kind", "credit of nobody",
     "credit without visible", "visible as text", "outlet as a string", "ambiguous field unknown",
     "ambiguous without reason", "page outside html/", "empty title"],
)  # fmt: skip
def test_labels_that_break_the_format_are_refused(change: str) -> None:
    assert list(VALIDATOR.iter_errors(_broken(change)))


def test_a_half_credit_and_null_fields_are_valid() -> None:
    label = copy.deepcopy(EXAMPLE)
    label.update(outlet=None, published=None, url=None, language=None, notes="not an article")
    label["credits"] = [{"photographer": None, "agency": "AP", "visible": False}]
    label["ambiguous"] = {"published": "08/11/2023 on a page of unknown locale"}
    assert not list(VALIDATOR.iter_errors(label))


@pytest.mark.parametrize("path", LABELS, ids=[str(p.relative_to(REAL)) for p in LABELS])
def test_each_label_is_valid_and_names_its_own_page(path: Path) -> None:
    label = json.loads(path.read_text("utf-8"))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(label)]
    assert not errors
    corpus, name = path.parent.name, path.name.removesuffix(".labels.json")
    assert label["page"] in (f"{corpus}/html/{name}", f"{corpus}/html/{name}.gz")
    if CORPUS.is_dir():
        assert (CORPUS / label["page"]).is_file()


def _scored(label: dict[str, Any]) -> dict[str, Any]:
    # What the evaluation scores: every member but the page's path, its URL and the free-text notes.
    return {k: v for k, v in label.items() if k not in ("page", "url", "notes")}


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no shared corpus at {CORPUS}")
def test_byte_identical_pages_carry_the_same_label() -> None:
    # Two labellers reading the same bytes must agree, or the page's fields are marked ambiguous.
    import gzip
    import hashlib

    by_digest: dict[str, list[Path]] = {}
    for path in LABELS:
        page = CORPUS / json.loads(path.read_text("utf-8"))["page"]
        data = page.read_bytes()
        data = gzip.decompress(data) if page.suffix == ".gz" else data
        by_digest.setdefault(hashlib.sha256(data).hexdigest(), []).append(path)
    twins = [paths for paths in by_digest.values() if len(paths) > 1]
    assert twins, "the corpus has byte-identical pages in two folders; none was found"
    for first, *others in twins:
        for other in others:
            assert _scored(json.loads(other.read_text("utf-8"))) == _scored(json.loads(first.read_text("utf-8"))), (
                f"{other.relative_to(REAL)} and {first.relative_to(REAL)} are the same page"
            )
