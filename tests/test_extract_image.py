"""archive.extract.image: what a photo's embedded metadata says, read through ExifTool.

The fixtures in tests/data/image are made by tests/data/make_fixtures.py (Pillow for the
pixels, ExifTool to write the metadata); each has a hand-written `.expected.json` beside it:
every fact a careful reader takes from it (field, value, rule, key, evidence) and the labels
of the notes it must leave.

ExifTool is a system package (Debian: libimage-exiftool-perl). Without it these tests are
skipped on a developer's machine, but fail under CI, where it must be installed.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from archive.extract import image
from archive.extract.api import Fact, Note, Result
from archive.extract.image import NAME, VERSION, extract

DATA = Path(__file__).resolve().parent / "data" / "image"
FIXTURES = sorted(p for p in DATA.iterdir() if p.suffix != ".json")

needs_exiftool = pytest.mark.skipif(
    shutil.which("exiftool") is None and not os.environ.get("CI"),
    reason="exiftool is not installed (apt-get install libimage-exiftool-perl)",
)


def canonical(fact: Fact | dict[str, Any]) -> str:
    if isinstance(fact, Fact):
        fact = {"field": fact.field, "value": fact.value, "rule": fact.rule, "key": fact.key, "evidence": fact.evidence}
    return json.dumps({k: fact[k] for k in ("field", "value", "rule", "key", "evidence")}, sort_keys=True)


def assert_valid(result: Result) -> None:
    assert (result.name, result.version) == (NAME, VERSION)
    for fact in result.facts:
        # Never the outlet (an agency is not the outlet), never a publication date.
        assert fact.field in {"credit", "title", "created"}
        assert fact.start is None and fact.end is None
        assert fact.key and fact.rule and fact.evidence.strip()
        if fact.field == "credit":
            assert isinstance(fact.value, dict)
            assert set(fact.value) <= {"photographer", "agency", "caption"}
            assert "photographer" in fact.value or "agency" in fact.value
            assert all(isinstance(v, str) and v for v in fact.value.values())
        else:
            assert isinstance(fact.value, str) and fact.value
    assert sum(f.field == "credit" for f in result.facts) <= 1  # one image, one credit
    for note in result.notes:
        assert note.note and note.reason


def test_identity() -> None:
    assert NAME == "image"
    assert VERSION == "1.2.0"


@needs_exiftool
@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_full_reading(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    result = extract(path)
    assert sorted(canonical(f) for f in result.facts) == sorted(canonical(f) for f in expected["facts"])
    assert sorted({n.note for n in result.notes}) == sorted(expected["notes"])
    assert_valid(result)


def test_every_fixture_has_its_expectation_and_is_small() -> None:
    assert len(FIXTURES) >= 8
    kinds = {image.image_type(p.read_bytes()[:16]) for p in FIXTURES}
    assert {"JPEG", "PNG", "TIFF", "WebP"} <= kinds
    for path in FIXTURES:
        assert path.with_suffix(".expected.json").is_file(), path
        assert path.stat().st_size < 50_000, path


@needs_exiftool
def test_utf8_iptc_without_declaration_is_not_mojibake() -> None:
    """ExifTool alone reads undeclared IPTC as Latin-1: the extractor must undo that."""
    import subprocess

    exiftool = shutil.which("exiftool")
    assert exiftool is not None
    path = DATA / "iptc_utf8_undeclared.jpg"
    raw = subprocess.run([exiftool, "-json", "-IPTC:By-line", str(path)], capture_output=True, check=True).stdout
    assert "Євген" not in json.loads(raw)[0]["By-line"]  # the fixture really is undeclared
    (credit,) = extract(path).facts
    assert isinstance(credit.value, dict) and credit.value["photographer"] == "Євген Малолєтка"


# ---------------------------------------------------------------------------------------
# Without ExifTool, or with a broken one: notes, never exceptions
# ---------------------------------------------------------------------------------------


def test_missing_exiftool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = extract(DATA / "ap_utf8.jpg")
    assert result.facts == ()
    (note,) = result.notes
    assert "exiftool is not installed" in note.reason


def test_exiftool_that_cannot_run(tmp_path: Path) -> None:
    (note,) = extract(DATA / "ap_utf8.jpg", exiftool=str(tmp_path / "no-such-exiftool")).notes
    assert note.note == "not extracted" and "cannot run exiftool" in note.reason


def fake_exiftool(tmp_path: Path, body: str) -> str:
    script = tmp_path / "exiftool"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return str(script)


def test_exiftool_timeout(tmp_path: Path) -> None:
    # exec: the shell becomes sleep, so the timeout's kill reaches the process holding the pipe.
    result = extract(DATA / "ap_utf8.jpg", exiftool=fake_exiftool(tmp_path, "exec sleep 30"), timeout=0.5)
    assert result.facts == ()
    assert [n.note for n in result.notes] == ["not extracted"]
    assert "did not finish" in result.notes[0].reason


@pytest.mark.parametrize(
    "body", ["echo 'not json'", "echo '[]'", "echo '[1]'", "echo 'Error: oops' >&2; exit 1", "exit 0"]
)
def test_exiftool_nonsense(tmp_path: Path, body: str) -> None:
    result = extract(DATA / "ap_utf8.jpg", exiftool=fake_exiftool(tmp_path, body))
    assert result.facts == ()
    assert [n.note for n in result.notes] == ["not extracted"]


def test_exiftool_values_of_odd_types(tmp_path: Path) -> None:
    tags = {"IPTC:By-line": [None, True], "IPTC:Credit": ["AP", None], "IPTC:Caption-Abstract": {"x": 1},
            "IPTC:Headline": 1984}  # fmt: skip
    body = f"cat <<'EOF'\n{json.dumps([tags])}\nEOF"
    result = extract(DATA / "ap_utf8.jpg", exiftool=fake_exiftool(tmp_path, body))
    assert_valid(result)
    assert [(f.field, f.value) for f in result.facts] == [("credit", {"agency": "AP"}), ("title", "1984")]


def test_not_an_image_does_not_run_exiftool(tmp_path: Path) -> None:
    path = tmp_path / "page.jpg"
    path.write_bytes(b"%PDF-1.7\n")
    (note,) = extract(path, exiftool=fake_exiftool(tmp_path, "exit 99")).notes
    assert "not a JPEG, PNG, TIFF or WebP" in note.reason
    (note,) = extract(tmp_path / "absent.jpg").notes
    assert note.note == "not extracted"


def mutations() -> list[tuple[str, bytes]]:
    cases = []
    for name in ("ap_utf8.jpg", "reuters_latin1.tif", "getty_xmp.png", "afp_byline.webp"):
        data = (DATA / name).read_bytes()
        stem, suffix = name.split(".")
        cases += [(f"{stem}-cut{n}.{suffix}", data[: len(data) * n // 10]) for n in (1, 3, 6)]
        flipped = bytearray(data)
        for i in range(24, len(flipped), 53):
            flipped[i] ^= 0xA5
        cases.append((f"{stem}-flipped.{suffix}", bytes(flipped)))
    return cases


@needs_exiftool
@pytest.mark.parametrize(("name", "data"), mutations(), ids=[m[0] for m in mutations()])
def test_damaged_images_never_raise(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert_valid(extract(path))


# ---------------------------------------------------------------------------------------
# Rules, one at a time
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"II*\x00\x08\x00\x00\x00", "TIFF"),
        (b"MM\x00*\x00\x00\x00\x08", "TIFF"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "WebP"),
        (b"RIFF\x10\x00\x00\x00WAVEfmt ", None),
        (b"GIF89a", None),
        (b"", None),
    ],
)
def test_image_type(head: bytes, kind: str | None) -> None:
    assert image.image_type(head) == kind


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("Ð„Ð²Ð³ÐµÐ½", "Євген"),  # UTF-8 bytes read as Windows-1252
        ("JosÃ©", "José"),
        ("José", "José"),  # Latin-1 bytes: not valid UTF-8, kept
        ("plain", "plain"),
        ("Євген", "Євген"),  # not a Latin-1 reading at all
    ],
)
def test_utf8_in_latin(read: str, meant: str) -> None:
    assert image._utf8_in_latin(read) == meant


@pytest.mark.parametrize(
    ("value", "photographer"),
    [
        ("Efrem Lukatsky", "Efrem Lukatsky"),
        ("GLEB GARANICH", "Gleb Garanich"),
        ("ARIS MESSINIS/AFP", "Aris Messinis"),
        ("Kenzo", "Kenzo"),  # one name is still a name
        ("STR", ""),
        ("Handout", ""),
        ("AFP", ""),
        ("Getty Images", ""),
        ("CANON USER", ""),
        ("IMG 2022", ""),
        ("jane@example.org", ""),
    ],
)
def test_photographer(value: str, photographer: str) -> None:
    assert image._photographer(value) == photographer


@pytest.mark.parametrize(
    ("notice", "holder"),
    [
        ("Copyright 2022 The Associated Press. All rights reserved.", "The Associated Press"),
        ("© 2022 Reuters", "Reuters"),
        ("(c) 2019-2022 Jane Doe", "Jane Doe"),
        ("2022 Getty Images", "Getty Images"),
        ("©", ""),
        ("2022", ""),
    ],
)
def test_copyright_holder(notice: str, holder: str) -> None:
    assert image._holder(notice) == holder


@pytest.mark.parametrize(
    ("value", "title"),
    [
        ("Irpin under fire", "Irpin under fire"),
        ("UKRAINE-CRISIS/KHARKIV", ""),
        ("RUSSIA UKRAINE WAR", ""),
        ("IMG_0042", ""),
    ],
)
def test_object_name_slugs(value: str, title: str) -> None:
    assert image._not_slug(value) == title


@pytest.mark.parametrize(
    ("date", "time", "offset", "iso"),
    [
        ("2022:03:22 14:05:09", None, "+02:00", "2022-03-22T14:05:09+02:00"),
        ("2022:03:22 14:05:09", None, None, "2022-03-22"),  # camera time, zone unknown
        ("2022:03:22", "14:05:09+02:00", None, "2022-03-22T14:05:09+02:00"),  # IPTC date and time
        ("2022:03:22", "14:05:09", None, "2022-03-22"),
        ("2022:03:22 10:00:00Z", None, None, "2022-03-22T10:00:00+00:00"),
        ("2022:03:22 10:00:00-0430", None, None, "2022-03-22T10:00:00-04:30"),
        ("0000:00:00 00:00:00", None, None, None),
        ("2022:02:30 10:00:00", None, None, None),
        ("2022:03:22 25:00:00", None, "+02:00", None),
        ("    :  :     :  :  ", None, None, None),
    ],
)
def test_when(date: str, time: str | None, offset: str | None, iso: str | None) -> None:
    when = image._when(date, time_text=time, offset_text=offset)
    assert (when.iso() if when else None) == iso


def run_tags(tags: dict[str, Any]) -> tuple[list[Fact], list[str]]:
    notes: list[Note] = []
    facts = image._facts(image._Tags(tags), notes)
    return facts, [n.note for n in notes]


def test_copyright_holder_as_agency_only_when_nothing_better() -> None:
    facts, notes = run_tags({"IPTC:By-line": "Jane Doe", "IPTC:CopyrightNotice": "© 2022 Reuters"})
    assert [f.value for f in facts] == [{"photographer": "Jane Doe", "agency": "Reuters"}]
    facts, notes = run_tags({"IPTC:By-line": "Jane Doe", "IPTC:CopyrightNotice": "© 2022 Jane Doe"})
    assert [f.value for f in facts] == [{"photographer": "Jane Doe"}]  # a freelancer's own rights
    assert notes == ["copyright"]
    facts, notes = run_tags({"IPTC:By-line": "Jane Doe", "IPTC:Source": "EPA", "IPTC:CopyrightNotice": "© Reuters"})
    assert [f.value for f in facts] == [{"photographer": "Jane Doe", "agency": "EPA"}]
    assert notes == ["copyright"]


def test_caption_alone_is_no_credit() -> None:
    facts, notes = run_tags({"IPTC:Caption-Abstract": "Smoke rises over Irpin."})
    assert facts == [] and notes == ["caption without credit"]


def test_cut_iptc_caption_agrees_with_the_full_xmp_one() -> None:
    full = "Smoke rises over the city of Irpin, Ukraine, on Tuesday. " * 40
    facts, notes = run_tags(
        {"IPTC:Credit": "AP", "IPTC:Caption-Abstract": full[:2000], "XMP-dc:Description": full.strip()}
    )
    assert len(facts) == 1 and notes == []


def test_editorial_dates_that_disagree_give_no_created() -> None:
    facts, notes = run_tags({"IPTC:DateCreated": "2022:03:22", "XMP-photoshop:DateCreated": "2022:03:21"})
    assert facts == [] and notes == ["created not taken"]


def test_camera_date_wins_over_editorial_and_the_other_is_noted() -> None:
    facts, notes = run_tags({"ExifIFD:DateTimeOriginal": "2022:03:22 14:05:09", "IPTC:DateCreated": "2022:03:20"})
    assert [(f.value, f.key) for f in facts] == [("2022-03-22", "ExifIFD:DateTimeOriginal")]
    assert notes == ["created from ExifIFD:DateTimeOriginal"]


def test_never_outlet_author_or_published() -> None:
    facts, _ = run_tags(
        {
            "IPTC:By-line": "Jane Doe",
            "IPTC:Credit": "AP",
            "IPTC:Source": "The New York Times",
            "IPTC:Headline": "Smoke over Irpin",
            "ExifIFD:DateTimeOriginal": "2022:03:22 14:05:09",
            "XMP-photoshop:City": "Irpin",
        }
    )
    assert {f.field for f in facts} == {"credit", "title", "created"}
