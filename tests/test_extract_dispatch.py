"""archive.extract.dispatch and the Document it reads: one entry for every extractor, and no failure escapes.

The dispatcher's answer for each fixture is the answer of the extractor it names, called as its
module's tests call it; what goes wrong (no extractor, too large, unreadable, a raising extractor)
is a note, never an exception.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.errors import BadInputError
from archive.extract import html, image, pdf, plaintext
from archive.extract.api import (
    Document,
    DocumentTooLargeError,
    Fact,
    NotARegularFileError,
    Note,
    Result,
    result_from_json,
)
from archive.extract.dispatch import NAME, VERSION, document_from_json, run, run_json
from archive.extract.registry import Registration, Registry

DATA = Path(__file__).resolve().parent / "data"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
MEDIA = {".txt": "text/plain", ".html": "text/html", ".pdf": "application/pdf", ".jpg": "image/jpeg"}
MEDIA |= {".png": "image/png", ".tif": "image/tiff", ".webp": "image/webp"}
FIXTURES = sorted(SEEDS.glob("*.txt")) + sorted(
    p for folder in ("plaintext", "html", "pdf", "image") for p in (DATA / folder).iterdir() if p.suffix in MEDIA
)


def document(path: Path, media_type: str | None = None, url: str | None = None) -> Document:
    return Document(path, media_type or MEDIA[path.suffix], None, path.stat().st_size, url)


def direct(path: Path, url: str | None = None) -> Result:
    """The extractor's answer as its own module gives it."""
    if path.suffix == ".txt":
        data = path.read_bytes()
        facts = tuple(Fact(e.field, e.value, e.rule, e.evidence, e.start, e.end) for e in plaintext.extract(data))
        return Result(plaintext.NAME, plaintext.VERSION, facts)
    if path.suffix == ".html":
        return html.extract(path.read_bytes(), base_url=url)
    if path.suffix == ".pdf":
        return pdf.extract(path)
    return image.extract(path)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_fixture_gets_its_extractors_answer(path: Path) -> None:
    assert run(document(path)) == direct(path)


def test_the_url_is_the_base_for_relative_links() -> None:
    path = DATA / "html" / "guardian_og.html"
    url = "https://www.example.com/world/2022/mar/23/story"
    assert run(document(path, url=url)) == direct(path, url)


def test_media_type_with_parameters_and_case() -> None:
    path = DATA / "html" / "cp1251.html"
    assert run(document(path, "Text/HTML; Format=Flowed")) == direct(path)


def test_a_charset_parameter_is_the_transport_layers_encoding() -> None:
    # As a web archive records a page's HTTP Content-Type: WHATWG reads it before the page's own.
    path = DATA / "html" / "cp1251.html"
    by_header = run(document(path, "text/html; charset=windows-1251"))
    assert by_header.facts == direct(path).facts
    assert [n.reason for n in by_header.notes] == [
        "read as cp1251: declared by the HTTP Content-Type ('windows-1251') (the stored bytes are unchanged)"
    ]
    wrong = run(document(path, "text/html; charset=iso-8859-5"))  # the header wins, even when it is wrong
    assert next(n.reason for n in wrong.notes).startswith("read as iso8859-5: declared by the HTTP Content-Type")


def test_no_extractor_for_the_media_type(tmp_path: Path) -> None:
    path = tmp_path / "a.gif"
    path.write_bytes(b"GIF89a")
    result = run(document(path, "image/gif"))
    assert (result.name, result.version) == (NAME, VERSION)
    assert result.facts == ()
    assert result.notes == (Note("no extractor", "no extractor reads image/gif"),)


def test_larger_than_the_extractor_reads_is_noted_not_read(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as file:
        file.truncate(plaintext.MAX_BYTES + 1)  # sparse: costs no disk
    result = run(document(path))
    assert (result.name, result.version) == (plaintext.NAME, plaintext.VERSION)
    assert result.facts == ()
    assert [n.note for n in result.notes] == ["not extracted"]
    assert str(plaintext.MAX_BYTES) in result.notes[0].reason


def test_a_document_that_grew_past_its_declared_size_is_refused_while_read(tmp_path: Path) -> None:
    path = tmp_path / "grown.txt"
    with path.open("wb") as file:
        file.truncate(plaintext.MAX_BYTES + 1)
    declared_small = Document(path, "text/plain", None, 10)
    (note,) = run(declared_small).notes
    assert note.note == "not extracted"
    assert "DocumentTooLargeError" in note.reason


def test_text_not_in_utf8_is_read_in_its_detected_encoding_with_exact_spans(tmp_path: Path) -> None:
    text = (
        "Café owners in Zürich brace for the winter season\n\n"
        "By José García and Zoë Müller\n\n"
        "ZÜRICH — Owners of the city’s cafés said on Tuesday that prices would rise, "
        "and that the crème brûlée would stay on the menu.\n"
    )
    path = tmp_path / "cafe.txt"
    data = text.encode("cp1252")
    path.write_bytes(data)
    result = run(document(path, "text/plain"))
    assert [n.note for n in result.notes] == ["decoded"]
    assert "read as cp1252" in result.notes[0].reason
    assert {f.value for f in result.facts if f.field == "author"} == {"José García", "Zoë Müller"}
    for fact in result.facts:
        assert fact.start is not None and fact.end is not None
        assert data[fact.start : fact.end].decode("cp1252") == fact.evidence


@pytest.mark.parametrize("media_type", ["text/plain", "text/html", "application/pdf", "image/jpeg"])
def test_missing_file_is_a_note(tmp_path: Path, media_type: str) -> None:
    result = run(Document(tmp_path / "absent", media_type, None, 10))
    assert result.facts == ()
    assert [n.note for n in result.notes] == ["not extracted"]


@pytest.mark.parametrize("media_type", ["text/plain", "text/html", "application/pdf", "image/jpeg"])
def test_directory_is_a_note(tmp_path: Path, media_type: str) -> None:
    (note,) = run(Document(tmp_path, media_type, None, 10)).notes
    assert note.note == "not extracted"
    assert "NotARegularFileError" in note.reason or "not a regular file" in note.reason


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("media_type", ["text/plain", "application/pdf"])
def test_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path, media_type: str) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from archive.extract.api import Document\n"
        "from archive.extract.dispatch import run\n"
        f"print(json.dumps([n.note for n in run(Document(Path(sys.argv[1]), {media_type!r}, None, 0)).notes]))\n"
    )
    # In a child, so that a regression (an open that waits for a writer) fails here, not hangs.
    done = subprocess.run([sys.executable, "-c", code, str(fifo)], capture_output=True, timeout=60, check=True)
    assert json.loads(done.stdout) == ["not extracted"]


@pytest.mark.parametrize(
    ("attribute", "media_type", "error"),
    [
        ("recurses", "x-test/recurses", "RecursionError"),
        ("exhausts", "x-test/exhausts", "MemoryError"),
        ("not_a_result", "x-test/not-a-result", "TypeError"),
    ],
)
def test_any_exception_of_an_extractor_becomes_a_note(
    tmp_path: Path, attribute: str, media_type: str, error: str
) -> None:
    path = tmp_path / "doc"
    path.write_bytes(b"x")
    name = attribute.replace("_", "-")
    table = Registry((Registration(name, "1", "misbehaving_extractors", frozenset({media_type}), attribute.upper()),))
    result = run(Document(path, media_type, None, 1), table)
    assert (result.name, result.version, result.facts) == (name, "1", ())
    (note,) = result.notes
    assert note.note == "not extracted"
    assert note.reason.startswith(f"{name} extractor failed: {error}")


def test_a_failure_is_bounded_in_length(tmp_path: Path) -> None:
    path = tmp_path / "doc"
    path.write_bytes(b"x")
    table = Registry(
        (Registration("long-failure", "1", "misbehaving_extractors", frozenset({"x-test/long"}), "LONG_FAILURE"),)
    )
    (note,) = run(Document(path, "x-test/long", None, 1), table).notes
    assert note.reason.startswith("long-failure extractor failed: ValueError: xxx")
    assert len(note.reason) <= 300


def test_a_module_that_cannot_be_loaded_is_a_note(tmp_path: Path) -> None:
    path = tmp_path / "doc"
    path.write_bytes(b"x")
    table = Registry((Registration("gone", "1", "archive.extract.no_such_module", frozenset({"x-test/gone"})),))
    (note,) = run(Document(path, "x-test/gone", None, 1), table).notes
    assert note.reason.startswith("gone extractor failed: ModuleNotFoundError")


# ---------------------------------------------------------------------------------------
# run_json, and the Result's JSON form
# ---------------------------------------------------------------------------------------


def args(path: Path, media_type: str, url: str | None = None) -> dict[str, Any]:
    return {"path": str(path), "media_type": media_type, "charset": None, "size": path.stat().st_size, "url": url}


@pytest.mark.parametrize(
    "path",
    [SEEDS / "000_db7ac71fd7a6e07f.txt", DATA / "html" / "nyt_graph.html", DATA / "pdf" / "browser_print.pdf"],
    ids=lambda p: p.name,
)
def test_run_json_is_run_over_plain_data(path: Path) -> None:
    out = run_json(args(path, MEDIA[path.suffix]))
    assert out == json.loads(json.dumps(dataclasses.asdict(run(document(path)))))  # what asdict says, as JSON
    # Through JSON and back (as between processes) it is still the same Result.
    assert result_from_json(json.loads(json.dumps(out))) == run(document(path))


@pytest.mark.parametrize(
    "bad",
    [
        [],
        {"media_type": "text/plain", "size": 1},
        {"path": "", "media_type": "text/plain", "size": 1},
        {"path": "a\x00b", "media_type": "text/plain", "size": 1},
        {"path": "a", "media_type": 3, "size": 1},
        {"path": "a", "media_type": "text/plain", "size": -1},
        {"path": "a", "media_type": "text/plain", "size": True},
        {"path": "a", "media_type": "text/plain", "size": "1"},
        {"path": "a", "media_type": "text/plain", "size": 1, "charset": 8},
        {"path": "a", "media_type": "text/plain", "size": 1, "url": ["x"]},
        {"path": "a", "media_type": "text/plain", "size": 1, "depth": 3},
    ],
)
def test_run_json_refuses_arguments_of_another_shape(bad: Any) -> None:
    with pytest.raises(BadInputError):
        run_json(bad)


def test_document_from_json_takes_absent_charset_and_url() -> None:
    doc = document_from_json({"path": "/x/y", "media_type": "text/plain", "size": 3})
    assert doc == Document(Path("/x/y"), "text/plain", None, 3, None)


facts = st.builds(
    Fact,
    st.sampled_from(["outlet", "credit", "title"]),
    st.one_of(st.text(), st.dictionaries(st.sampled_from(["photographer", "agency", "caption"]), st.text())),
    st.text(),
    st.text(),
    st.one_of(st.none(), st.integers(0, 1 << 40)),
    st.one_of(st.none(), st.integers(0, 1 << 40)),
    st.one_of(st.none(), st.text()),
)
results = st.builds(
    Result,
    st.text(),
    st.text(),
    st.lists(facts, max_size=4).map(tuple),
    st.lists(st.builds(Note, st.text(), st.text()), max_size=3).map(tuple),
)


@given(results)
def test_result_json_round_trip(result: Result) -> None:
    assert result_from_json(json.loads(json.dumps(dataclasses.asdict(result)))) == result


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"name": "x", "version": "1", "facts": [], "notes": [{"note": "n"}]},
        {"name": "x", "version": 1, "facts": [], "notes": []},
        {"name": "x", "version": "1", "facts": {}, "notes": []},
        {
            "name": "x",
            "version": "1",
            "facts": [{"field": "title", "value": 3, "rule": "r", "evidence": "e"}],
            "notes": [],
        },
        {
            "name": "x",
            "version": "1",
            "facts": [{"field": "t", "value": "v", "rule": "r", "evidence": "e", "start": -1}],
            "notes": [],
        },
        {
            "name": "x",
            "version": "1",
            "facts": [{"field": "t", "value": {"a": 1}, "rule": "r", "evidence": "e"}],
            "notes": [],
        },
        {
            "name": "x",
            "version": "1",
            "facts": [{"field": "t", "value": "v", "rule": "r", "evidence": "e", "key": 2}],
            "notes": [],
        },
    ],
)
def test_result_from_json_refuses_what_is_not_a_result(bad: dict[str, Any]) -> None:
    with pytest.raises(BadInputError):
        result_from_json(bad)


# ---------------------------------------------------------------------------------------
# Document.read
# ---------------------------------------------------------------------------------------


def test_read_gives_the_bytes_as_stored(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    data = "Zoë\r\n\ufeffx".encode() + bytes(range(256))
    path.write_bytes(data)
    assert Document(path, "text/plain", None, len(data)).read(len(data)) == data
    assert Document(path, "text/plain", None, len(data)).read(len(data) + 100) == data


def test_read_refuses_more_than_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 11)
    with pytest.raises(DocumentTooLargeError):
        Document(path, "text/plain", None, 11).read(10)


def test_read_and_checked_path_refuse_what_is_not_a_file(tmp_path: Path) -> None:
    doc = Document(tmp_path, "text/plain", None, 0)
    with pytest.raises(NotARegularFileError):
        doc.read(10)
    with pytest.raises(NotARegularFileError):
        doc.checked_path()
    assert isinstance(NotARegularFileError("x"), BadInputError)
