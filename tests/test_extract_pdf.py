"""archive.extract.pdf: what a PDF's metadata and text say about it, and bad PDFs read safely.

The fixtures in tests/data/pdf are made by tests/data/make_fixtures.py; each has a
hand-written `.expected.json` beside it: every fact a careful reader takes from it (field,
value, rule, key, evidence) and the labels of the notes it must leave.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from archive.extract import pdf
from archive.extract.api import Fact, Note, Result
from archive.extract.common.mastheads import title_outlet
from archive.extract.pdf import NAME, VERSION, extract

DATA = Path(__file__).resolve().parent / "data" / "pdf"
FIXTURES = sorted(DATA.glob("*.pdf"))
FIELDS = {"outlet", "published", "modified", "published_not_before", "created", "title", "author", "credit", "url",
          "language", "meta_title"}  # fmt: skip


def canonical(fact: Fact | dict[str, Any]) -> str:
    if isinstance(fact, Fact):
        fact = {"field": fact.field, "value": fact.value, "rule": fact.rule, "key": fact.key, "evidence": fact.evidence}
    return json.dumps({k: fact[k] for k in ("field", "value", "rule", "key", "evidence")}, sort_keys=True)


def assert_valid(result: Result) -> None:
    assert (result.name, result.version) == (NAME, VERSION)
    for fact in result.facts:
        assert fact.field in FIELDS
        assert fact.start is None and fact.end is None  # no spans: the text is extracted, not the bytes
        assert fact.key and fact.evidence.strip() and fact.rule
        if fact.field == "credit":
            assert isinstance(fact.value, dict)
            assert set(fact.value) <= {"photographer", "agency", "caption"}
        else:
            assert isinstance(fact.value, str) and fact.value
        if fact.key != "pdf-text":
            assert fact.field not in ("published", "modified", "outlet")  # metadata describes the file
    for note in result.notes:
        assert note.note and note.reason


def test_identity() -> None:
    assert NAME == "pdf"
    assert VERSION == "1.9.0"  # 1.9.0: a headline wrapped apart, an agency's notice after a credit


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_full_reading(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    result = extract(path)
    assert sorted(canonical(f) for f in result.facts) == sorted(canonical(f) for f in expected["facts"])
    assert sorted({n.note for n in result.notes}) == sorted(expected["notes"])
    assert_valid(result)


def test_every_fixture_has_its_expectation_and_is_small() -> None:
    assert len(FIXTURES) >= 6
    for path in FIXTURES:
        assert path.with_suffix(".expected.json").is_file(), path
        assert path.stat().st_size < 50_000, path


# ---------------------------------------------------------------------------------------
# The browser print
# ---------------------------------------------------------------------------------------


def test_fixture_text_really_has_ligatures_and_furniture() -> None:
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(DATA / "browser_print.pdf").pages)
    assert "\ufb01" in text and "\ufb02" in text  # "ﬁ", "ﬂ": matched only after NFKC
    assert "3/23/22, 2:15 PM" in text and "1/2" in text and "2/2" in text


def test_print_is_not_publication() -> None:
    result = extract(DATA / "browser_print.pdf")
    by_key = {(f.field, f.key) for f in result.facts}
    assert ("created", "pdf:/CreationDate") in by_key
    assert ("published", "pdf-text") in by_key  # stated in the article's text
    assert not any(f.field == "published" and f.key != "pdf-text" for f in result.facts)
    (note,) = [n for n in result.notes if n.note == "print time"]
    assert "3/23/22, 2:15 PM" in note.reason and "2022-03-23" in note.reason
    # The header's print time and page title are not read as the article's date or headline.
    texts = [f for f in result.facts if f.key == "pdf-text"]
    assert not any("AP News" in str(f.value) or "2:15" in f.evidence for f in texts)


def test_page_cap_keeps_metadata_and_first_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "MAX_PAGES", 1)
    result = extract(DATA / "browser_print.pdf")
    assert any(n.note == "text truncated" and "2 pages" in n.reason for n in result.notes)
    fields = {f.field for f in result.facts}
    assert {"title", "created", "url", "outlet", "credit"} <= fields


def test_large_file_gets_metadata_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "MAX_FILE_BYTES", 1000)
    result = extract(DATA / "browser_print.pdf")
    assert any(n.note == "text not extracted" for n in result.notes)
    assert {f.key for f in result.facts} == {"pdf:/Title", "pdf:/CreationDate", "pdf:/Lang"}


def test_timeout_is_a_note_not_a_hang() -> None:
    result = extract(DATA / "browser_print.pdf", timeout=0.001)
    assert result.facts == ()
    assert [n.note for n in result.notes] == ["parse timed out"]


def test_output_before_a_timeout_is_used() -> None:
    parsed = pdf._Parsed()
    meta = {"kind": "meta", "info": {"/Title": "A title that is long enough"}, "xmp": None, "lang": None}
    page = {"kind": "page", "index": 0, "text": "Text", "mode": "layout"}
    pdf._read_lines(json.dumps(meta).encode() + b"\n" + json.dumps(page).encode() + b'\n{"kind": "pa', parsed)
    assert parsed.meta == meta and parsed.pages == ["Text"] and not parsed.done


# ---------------------------------------------------------------------------------------
# Bad input: never raises
# ---------------------------------------------------------------------------------------


def test_missing_and_empty_files(tmp_path: Path) -> None:
    assert [n.note for n in extract(tmp_path / "absent.pdf").notes] == ["not extracted"]
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    (note,) = extract(empty).notes
    assert "not a PDF" in note.reason


def pdf_with(objects: list[bytes]) -> bytes:
    """A well-formed PDF file (header, objects, cross-reference table, trailer) around objects."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def test_cycles_are_notes(tmp_path: Path) -> None:
    """A page tree that contains itself, content that is a page, a title that is the info dict."""
    data = pdf_with(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Metadata 3 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /Contents 3 0 R /Resources << /XObject << /X 3 0 R >> >> >>",
            b"<< /Title 4 0 R /Author (Jane Doe) >>",
        ]
    )
    path = tmp_path / "cycle.pdf"
    path.write_bytes(data)
    result = extract(path)
    assert_valid(result)
    assert [(f.field, f.value) for f in result.facts] == [("author", "Jane Doe")]
    assert any("cyclic" in n.reason for n in result.notes)


def mutations() -> list[tuple[str, bytes]]:
    data = (DATA / "browser_print.pdf").read_bytes()
    cases = [(f"cut-{n}", data[: len(data) * n // 10]) for n in (1, 5, 9)]
    cases.append(("no-eof", data.replace(b"%%EOF", b"%%EOX")))
    cases.append(("bad-xref", data.replace(b"xref", b"xref\n0 1\nnonsense", 1)))
    flipped = bytearray(data)
    for i in range(200, len(flipped), 97):
        flipped[i] ^= 0x5A
    cases.append(("flipped", bytes(flipped)))
    cases.append(("loop", b"%PDF-1.4\n1 0 obj << /Type /Pages /Kids [1 0 R] /Count 1 >> endobj\n"
                          b"trailer << /Root << /Pages 1 0 R >> >>\n%%EOF\n"))  # fmt: skip
    return cases


@pytest.mark.parametrize(("name", "data"), mutations(), ids=[m[0] for m in mutations()])
def test_damaged_pdfs_never_raise(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    assert_valid(extract(path, timeout=30))


# ---------------------------------------------------------------------------------------
# Rules, one at a time
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("D:20220323181500+00'00'", "2022-03-23T18:15:00+00:00"),
        ("D:20220323141500-04'00'", "2022-03-23T14:15:00-04:00"),
        ("D:20220323181500Z", "2022-03-23T18:15:00+00:00"),
        ("D:20220323181500Z00'00'", "2022-03-23T18:15:00+00:00"),
        ("D:20220323141500+0530", "2022-03-23T14:15:00+05:30"),
        ("D:20220323181500", "2022-03-23"),  # no zone: not an instant
        ("D:20220323", "2022-03-23"),
        ("2022-03-23T14:15:00-04:00", "2022-03-23T14:15:00-04:00"),
        ("2022-03-23T14:15:00.25Z", "2022-03-23T14:15:00+00:00"),
        ("2022-03-23", "2022-03-23"),
        ("D:2022", None),  # a year is not a date
        ("D:20221323000000Z", None),
        ("D:19800101000000Z", None),  # before PDF existed
        ("yesterday", None),
    ],
)
def test_pdf_dates(raw: str, iso: str | None) -> None:
    when = pdf._pdf_date(raw)
    assert (when.iso() if when else None) == iso


@pytest.mark.parametrize(
    ("value", "person"),
    [
        ("Jane Doe", "Jane Doe"),
        ("JANE DOE", "Jane Doe"),
        ("Ludwig van Beethoven", "Ludwig van Beethoven"),
        ("Jane A. Doe", "Jane A. Doe"),
        ("Nariman El-Mofty", "Nariman El-Mofty"),
        ("Євген Малолєтка", "Євген Малолєтка"),
        ("jdoe", None),
        ("Jane", None),
        ("jane doe", None),
        ("Microsoft Word", None),
        ("Administrator", None),
        ("Canon User", None),
        ("J. D.", None),
        ("user123", None),
        ("News Desk", None),
        ("jane.doe@example.org", None),
    ],
)
def test_person_names(value: str, person: str | None) -> None:
    assert pdf._person(value) == person


def info_facts(info: dict[str, str], xmp: dict[str, list[str]] | None = None) -> tuple[list[Fact], list[str]]:
    notes: list[Note] = []
    facts = pdf._metadata_facts({"info": info, "xmp": xmp or {}, "lang": None}, notes)
    return facts, [n.note for n in notes]


@pytest.mark.parametrize(
    "title",
    ["Microsoft Word - draft.docx", "article.pdf", "Untitled", "about:blank", "https://example.org/story", "   "],
)
def test_junk_titles_are_not_taken(title: str) -> None:
    facts, _ = info_facts({"/Title": title})
    assert facts == []


def test_several_authors_all_persons() -> None:
    facts, _ = info_facts({"/Author": "Jane Doe; John Roe"})
    assert [f.value for f in facts] == ["Jane Doe", "John Roe"]
    facts, notes = info_facts({"/Author": "Doe, Jane"})  # inverted: reads as two non-names
    assert facts == [] and notes == ["author not taken"]


def test_info_and_xmp_that_disagree_give_nothing() -> None:
    facts, notes = info_facts(
        {"/Title": "One Headline Here", "/Author": "Jane Doe", "/CreationDate": "D:20220323181500Z"},
        {"XMP-dc:Title": ["Another Headline"], "XMP-dc:Creator": ["John Roe"], "XMP-xmp:CreateDate": ["2021-01-01"]},
    )
    assert facts == []
    assert sorted(notes) == ["author not taken", "created not taken", "title not taken"]


def test_info_and_xmp_that_agree_give_one_fact() -> None:
    facts, notes = info_facts(
        {"/Title": "One Headline Here", "/CreationDate": "D:20220323181500Z"},
        {"XMP-dc:Title": ["One Headline Here"], "XMP-xmp:CreateDate": ["2022-03-23T20:15:00+02:00"]},
    )
    assert [(f.field, f.key) for f in facts] == [("title", "pdf:/Title"), ("created", "pdf:/CreationDate")]
    assert notes == []


def test_xmp_only() -> None:
    facts, _ = info_facts({}, {"XMP-dc:Creator": ["Jane Doe"], "XMP-xmp:CreateDate": ["2022-03-23T14:15:00-04:00"]})
    assert [(f.field, f.value, f.rule, f.key) for f in facts] == [
        ("author", "Jane Doe", "xmp-creator", "XMP-dc:Creator"),
        ("created", "2022-03-23T14:15:00-04:00", "xmp-created", "XMP-xmp:CreateDate"),
    ]


def test_mod_date_is_a_note_never_modified() -> None:
    facts, notes = info_facts({"/CreationDate": "D:20220323181500Z", "/ModDate": "D:20220401090000Z"})
    assert [f.field for f in facts] == ["created"]
    assert notes == ["file modified"]
    facts, notes = info_facts({"/CreationDate": "D:20220323181500Z", "/ModDate": "D:20220323181500Z"})
    assert notes == []


def test_xmp_parsing() -> None:
    packet = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreateDate="2022-03-23T14:15:00-04:00">'
        '<dc:title><rdf:Alt><rdf:li xml:lang="de">Titel</rdf:li><rdf:li xml:lang="x-default">Title</rdf:li>'
        "</rdf:Alt></dc:title><dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li><rdf:li>John Roe</rdf:li></rdf:Seq>"
        "</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    found, error = pdf._parse_xmp(packet)
    assert error is None
    assert found == {
        "XMP-xmp:CreateDate": ["2022-03-23T14:15:00-04:00"],
        "XMP-dc:Title": ["Title", "Titel"],
        "XMP-dc:Creator": ["Jane Doe", "John Roe"],
    }


@pytest.mark.parametrize(
    "packet",
    [
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><x>&b;</x>',
        "<x:xmpmeta><unclosed>",
    ],
)
def test_bad_xmp_is_a_note(packet: str) -> None:
    found, error = pdf._parse_xmp(packet)
    assert found == {} and error


# The print header and footer


@pytest.mark.parametrize(
    ("line", "url", "printed", "iso", "counter"),
    [
        ("3/23/22, 2:15 PM                 Kharkiv residents flee | AP News", None, "3/23/22, 2:15 PM", "2022-03-23",
         None),
        ("https://apnews.com/article/x-7f9c2e1       1/5", "https://apnews.com/article/x-7f9c2e1", None, None, (1, 5)),
        ("23/03/2022, 14:15    Page title", None, "23/03/2022, 14:15", "2022-03-23", None),
        ("3/4/22, 2:15 PM Page title", None, "3/4/22, 2:15 PM", None, None),  # March 4 or 3 April
        ("Page 2 of 5      3/23/22, 2:15 PM", None, "3/23/22, 2:15 PM", "2022-03-23", (2, 5)),
        ("Page title here    https://example.org/a", "https://example.org/a", None, None, None),
        ("1 of 3", None, None, None, (1, 3)),
    ],
)  # fmt: skip
def test_print_furniture(
    line: str, url: str | None, printed: str | None, iso: str | None, counter: tuple[int, int] | None
) -> None:
    found = pdf._furniture(line)
    assert found is not None
    assert (found.url, found.printed, found.printed_iso, found.counter) == (url, printed, iso, counter)


@pytest.mark.parametrize(
    "line",
    [
        "Russian forces shelled the city on Wednesday, officials said.",
        "The vote was 3/4 in favour of the motion.",
        "5 of 3",
    ],
)
def test_not_print_furniture(line: str) -> None:
    assert pdf._furniture(line) is None


def text_facts(pages: list[str], has_created: bool = False) -> tuple[list[Fact], list[str]]:
    notes: list[Note] = []
    facts, _, _ = pdf._text_facts(pages, ["layout"] * len(pages), has_created, notes)
    return facts, [n.note for n in notes]


ARTICLE = "KYIV, Ukraine (AP) \u2014 Russian forces shelled the city overnight, officials said.\n"


def test_a_url_alone_on_a_single_page_is_the_article_s() -> None:
    facts, _ = text_facts([ARTICLE + "\nhttps://example.org/more\n"])
    assert not any(f.field == "url" for f in facts)


def test_a_url_repeated_on_every_page_is_a_footer() -> None:
    facts, _ = text_facts([ARTICLE + "\nhttps://example.org/story\n", "More text here.\n\nhttps://example.org/story\n"])
    assert [f.value for f in facts if f.field == "url"] == ["https://example.org/story"]


def test_shortened_or_local_addresses_are_not_urls() -> None:
    facts, notes = text_facts([ARTICLE + "\nhttps://example.org/a-very-long-\u2026-story    1/1\n"])
    assert not any(f.field == "url" for f in facts) and "url not taken" in notes
    facts, notes = text_facts([ARTICLE + "\nfile:///home/me/story.html    1/1\n"])
    assert not any(f.field == "url" for f in facts) and "url not taken" in notes


def test_print_time_is_created_only_without_metadata_and_when_unambiguous() -> None:
    page = "3/23/22, 2:15 PM     Title | Site\n\n" + ARTICLE
    facts, notes = text_facts([page])
    assert [(f.field, f.value, f.rule) for f in facts if f.field == "created"] == [
        ("created", "2022-03-23", "print-header")
    ]
    assert "print time" in notes
    facts, _ = text_facts([page], has_created=True)
    assert not any(f.field == "created" for f in facts)
    facts, _ = text_facts(["3/4/22, 2:15 PM     Title | Site\n\n" + ARTICLE])
    assert not any(f.field == "created" for f in facts)


def test_reflow_joins_wrapped_lines_only() -> None:
    lines = [
        "      Residents flee the city as peace",
        "      talks stall",
        "",
        "      By JANE DOE",
        "      Published March 23, 2022",
        "",
        "      KYIV, Ukraine (AP) \u2014 Russian artillery pounded residential districts of the city on",
        "      Wednesday, officials said.",
    ]
    assert pdf._reflow(lines, layout=True) == [
        "Residents flee the city as peace talks stall",
        "",
        "By JANE DOE",
        "Published March 23, 2022",
        "",
        "KYIV, Ukraine (AP) \u2014 Russian artillery pounded residential districts of the city on Wednesday, "
        "officials said.",
    ]
    assert pdf._reflow(lines[:2], layout=False) == ["Residents flee the city as peace", "talks stall"]


def test_reflow_keeps_a_line_of_dates_apart_though_it_starts_in_lower_case() -> None:
    lines = [
        "      By Jane Doe, Northwind Media Group",
        "      Email the author | Follow on Twitter",
        "      on December 29, 2014 at 3:02 PM, updated December 29, 2014 at 4:16 PM",
        "      View/Post Comments",
        "",
        "      The council met on Monday and voted to close the old bridge for repairs after the engineers it "
        "had sent found",
        "      cracks in two of its piers, officials said, and the",
        "      on December 29, 2014 meeting ran late.",
    ]
    assert pdf._reflow(lines, layout=True) == [
        "By Jane Doe, Northwind Media Group",
        "Email the author | Follow on Twitter",
        "on December 29, 2014 at 3:02 PM, updated December 29, 2014 at 4:16 PM",
        "View/Post Comments",
        "",
        "The council met on Monday and voted to close the old bridge for repairs after the engineers it had sent "
        "found cracks in two of its piers, officials said, and the on December 29, 2014 meeting ran late.",
    ]


def test_no_text_is_a_note() -> None:
    facts, notes = text_facts(["   \n\n", ""])
    assert facts == [] and notes == ["no text"]


# ---------------------------------------------------------------------------------------
# A browser's /Title is the page's <title>: the printed headline is cited
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "lines", "headline"),
    [
        ("Storm floods the valley - The Daily Record", ["The Daily Record", "Storm floods the valley", "By A"],
         "Storm floods the valley"),
        ("Opinion | Why the vote matters | Weekly Post", ["Menu", "Why the vote matters", ""], "Why the vote matters"),
        # A section prefix the page prints above the headline is still left out: the longest printed run wins.
        ("Opinion | Why the vote matters - Weekly Post", ["Opinion", "Why the vote matters"], "Why the vote matters"),
        # A headline wrapped over two lines of the print.
        ("A long headline that the print wraps over two lines | Site",
         ["A long headline that the print", "wraps over two lines", "Body."],
         "A long headline that the print wraps over two lines"),
        ("Storm floods the valley \u2013 Site", ["STORM FLOODS  THE VALLEY"], "STORM FLOODS THE VALLEY"),
        # Nothing of the title is printed alone: no cut.
        ("Storm floods the valley - The Daily Record", ["Storm floods the valley, officials said."], None),
        # A one-word part is too weak to be a headline.
        ("Sport - Results - Site", ["Sport", "Results"], None),
        # The site's name in the masthead, a section's in the menu: the headline is the longest part.
        ("Fighter purchase may threaten Britain - Business Insider", ["Business Insider", "Events"], None),
        ("Nurse contracts Ebola in Glasgow | Latest News | Daily Star", ["Home", "Latest News"], None),
        # The whole title printed is the headline as it is.
        ("No separator in this title", ["No separator in this title"], "No separator in this title"),
        ("No separator in this title", ["No separator", "in this title here"], None),
        # Full-width and CJK separators; a headline without spaces.
        ("国際ニュース：大雨で川が氾濫：Example News",
         ["Example News", "大雨で川が氾濫"], "大雨で川が氾濫"),
        ("短缺药品保供稳价-新华网", ["短缺药品保供稳价"],
         "短缺药品保供稳价"),
        ("Storm floods the valley -- Puppet Masters -- Site", ["Storm floods the valley"], "Storm floods the valley"),
        ("Storm floods the valley / Story / Site", ["Storm floods the valley"], "Storm floods the valley"),
        # A colon glued to the word before it is punctuation inside a headline, not a separator.
        ("Delhi air: the law behind it - Site", ["Delhi air", "the law behind it"], None),
        # A colon after the title's longer share sets the column's and the site's names apart.
        ("How to pack for a long weekend trip: The Style Eye: GQ", ["How to pack for a long weekend trip"],
         "How to pack for a long weekend trip"),
        ("Opinion: Why the vote matters so much", ["Opinion", "Menu"], None),
    ],
)  # fmt: skip
def test_the_headline_part_of_a_page_title(title: str, lines: list[str], headline: str | None) -> None:
    got = pdf._headline_in_title(title, lines)
    if headline is None:
        assert got is None
    else:
        assert got is not None and " ".join(got.split()) in (headline, title[: len(got)])
        assert pdf._same_words(got) == pdf._same_words(headline)


def test_only_a_browser_print_has_its_title_cut() -> None:
    browser = {"info": {"/Creator": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"}}
    assert pdf._printed_by_browser(browser)
    assert pdf._printed_by_browser({"info": {"/Producer": "Skia/PDF m120"}})
    assert not pdf._printed_by_browser({"info": {"/Creator": "Microsoft® Word for Microsoft 365"}})
    assert not pdf._printed_by_browser({"info": {}})
    assert not pdf._printed_by_browser({"info": None})


def test_a_title_in_parts_none_printed_is_the_metadata_s_headline_as_stated() -> None:
    title = Fact("title", "Storm floods the valley | Daily Record", "pdf-info-title", "raw", key="pdf:/Title")
    notes: list[Note] = []
    assert pdf._page_title(title, ["Menu", "Weather"], notes) == Fact(
        "meta_title", "Storm floods the valley | Daily Record", "pdf-info-title", "raw", key="pdf:/Title"
    )
    assert notes == []
    whole = Fact("title", "Storm floods the valley", "pdf-info-title", "raw", key="pdf:/Title")
    assert pdf._page_title(whole, ["Menu", "Storm floods the valley"], notes) == whole  # printed: as it is
    # One part printed nowhere: the headline the metadata states, not the one the page shows.
    assert pdf._page_title(whole, ["Menu"], notes) == Fact(
        "meta_title", "Storm floods the valley", "pdf-info-title", "raw", key="pdf:/Title"
    )
    cut = pdf._page_title(title, ["Storm floods the valley"], notes)
    assert cut is not None and (cut.value, cut.rule, cut.evidence) == (
        "Storm floods the valley",
        "pdf-info-title-printed",
        "raw",
    )


def test_a_title_the_print_breaks_up_is_still_shown_but_a_short_one_must_stand_alone() -> None:
    notes: list[Note] = []
    title = Fact("title", "New laws: Obamacare, pot, guns and drones", "pdf-info-title", "raw", key="pdf:/Title")
    # The print runs the headline into the menu and breaks a word at a glyph.
    lines = ["Home Latest News New laws: Obamacare, pot,", "guns and dr ones", "By: Jane Doe"]
    assert pdf._page_title(title, lines, notes) == title
    site = Fact("title", "Daily Record", "pdf-info-title", "raw", key="pdf:/Title")
    assert pdf._page_title(site, ["Home The Daily Record Sports"], notes) == Fact(
        "meta_title", "Daily Record", "pdf-info-title", "raw", key="pdf:/Title"
    )


def test_a_title_s_headline_wrapped_apart_is_still_the_printed_headline() -> None:
    notes: list[Note] = []
    title = Fact("title", "Storm floods the valley as the river rises - Daily Record", "pdf-info-title", "raw", key="k")
    # The headline's last line set apart by a blank line, the site's name printed nowhere.
    lines = ["Menu", "Storm floods the valley as", "", "the river rises", "By Jane Doe"]
    cut = pdf._page_title(title, lines, notes)
    assert cut is not None and (cut.field, cut.value, cut.rule) == (
        "title",
        "Storm floods the valley as the river rises",
        "pdf-info-title-printed",
    )
    # The text's reading of one of its lines gives way to it; a title that is no part of it stands.
    fragment = Fact("title", "Storm floods the valley as", "text:late-headline", "x")
    other = Fact("title", "Ferry returns to the harbour", "text:headline", "y")
    assert pdf._fragments_out([fragment, other], [cut], notes) == [other]
    assert notes[-1].note == "title not taken"
    # The largest type's paragraph that is the headline's first lines does not make it the metadata's.
    main = [Fact("title", "Storm floods the valley as", "pdf-largest-type", "z")]
    assert pdf._as_metadata_headline([cut], main, [str(title.value)], lines) == [cut]
    # A title that says more than the largest type, and not right below it, is the metadata's.
    crumb = ["Home > Storm floods the valley as the river rises", "Storm floods the valley as", "", "By Jane Doe"]
    (meta,) = pdf._as_metadata_headline([cut], main, [str(title.value)], crumb)
    assert meta.field == "meta_title"


@pytest.mark.parametrize("title", ["Forbidden", "Page Not Found: Daily Record", "404 Not Found"])
def test_an_error_page_s_title_is_no_headline(title: str) -> None:
    notes: list[Note] = []
    assert pdf._page_title(Fact("title", title, "pdf-info-title", "raw", key="pdf:/Title"), ["Menu"], notes) is None
    assert [n.note for n in notes] == ["title not taken"]


def test_a_print_s_title_suffix_names_the_outlet_where_its_text_does_too() -> None:
    title = "Storm floods the valley - Valley Courier"
    footer = [
        "Storm floods the valley",
        "",
        "The river rose overnight.",
        "",
        "\u00a9 2019 Valley Courier. All rights reserved.",
    ]
    (fact,) = pdf._title_outlet(title, footer)
    assert (fact.field, fact.value, fact.rule, fact.evidence) == ("outlet", "Valley Courier", "pdf-title-suffix", title)
    # The name alone between blank lines at the top is the masthead; in a run of menu items it is a section's.
    assert [f.value for f in pdf._title_outlet(title, ["", "Valley Courier", "", "Storm floods the valley"])] == [
        "Valley Courier"
    ]
    menu = ["NEWS", "Valley Courier", "Car Deals", "", "Storm floods the valley"]
    assert pdf._title_outlet(title, menu) == []
    # The logo's text at the foot of the print, or a line naming the site as its own, agree too.
    story = ["Storm floods the valley", "", "The river rose overnight."]
    assert [f.value for f in pdf._title_outlet(title, [*story, "", "Valley Courier", ""])] == ["Valley Courier"]
    assert [f.value for f in pdf._title_outlet(title, [*story, "Search Valley Courier"])] == ["Valley Courier"]
    # A section's own account is no site's statement; a section's name is no outlet's, even alone.
    section = "Storm floods the valley - Valley Politics"
    assert pdf._title_outlet(section, [*story, "Follow Valley Politics"]) == []
    assert pdf._title_outlet("Storm floods the valley - Auto News", [*story, "", "Auto News", ""]) == []
    # The suffix alone, another site's copyright, a wire agency's name: none.
    assert pdf._title_outlet(title, ["Storm floods the valley", "The river rose overnight."]) == []
    assert pdf._title_outlet(title, ["\u00a9 2019 Harbor Times. All rights reserved."]) == []
    assert pdf._title_outlet("Storm floods the valley - Reuters", ["\u00a9 2019 Reuters. All rights reserved."]) == []


def test_a_printed_heading_the_page_title_does_not_state_is_not_the_headline() -> None:
    other = Fact("title", "Loading Photo Gallery", "text:late-headline", "Loading Photo Gallery", key="pdf-text")
    same = Fact("title", "Storm floods the valley", "text:late-headline", "Storm floods the valley", key="pdf-text")
    author = Fact("author", "Jane Doe", "text:byline", "By Jane Doe", key="pdf-text")
    notes: list[Note] = []
    kept = pdf._agreeing_titles([other, same, author], ["Storm floods the valley | Daily Record"], notes)
    assert kept == [same, author]
    assert [n.note for n in notes] == ["title not taken"]
    assert pdf._agreeing_titles([other], [], []) == [other]  # no /Title: nothing to check against


def test_text_is_read_as_printed_with_ligatures_spelled_out() -> None:
    assert pdf._faithful("\ufb01re\ufb02y \u2026 \u00bd \uff21") == "firefly \u2026 \u00bd \uff21"
    assert pdf._faithful("Cafe\u0301") == "Caf\u00e9"  # NFC
    # A CJK font's one glyph for a Kangxi radical and its ideograph is read as the ideograph.
    assert pdf._faithful("\u6e2f\u7279\u2fb8 \u5168\u2f12") == "\u6e2f\u7279\u9996 \u5168\u529b"  # 港特首 全力


def _linked_print(tmp_path: Path, link: str | None) -> Path:
    """A browser's print of 'Storm floods the valley - Valley Courier' that names its site only
    in a link's address (the logo is an image), as Chromium keeps a page's links."""
    from io import BytesIO

    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter

    doc = FPDF()
    doc.add_page()
    doc.set_font("Helvetica", size=11)
    doc.cell(0, 8, "Home", link=link or "", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "B", 18)
    doc.cell(0, 10, "Storm floods the valley", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", size=11)
    doc.multi_cell(0, 6, "The river rose overnight and the town's main road was closed by the morning.")
    writer = PdfWriter(clone_from=PdfReader(BytesIO(bytes(doc.output()))))
    writer.metadata = {"/Title": "Storm floods the valley - Valley Courier", "/Producer": "Skia/PDF m120"}
    path = tmp_path / "print.pdf"
    with path.open("wb") as file:
        writer.write(file)
    return path


def test_a_print_s_links_to_its_own_site_witness_the_title_suffix(tmp_path: Path) -> None:
    linked = extract(_linked_print(tmp_path, "https://www.valleycourier.com/"))
    outlets = [(f.value, f.rule) for f in linked.facts if f.field == "outlet"]
    assert outlets == [("Valley Courier", "pdf-title-suffix")]
    # No link, or a link to another site: the suffix alone names nothing.
    for link in (None, "https://www.harbortimes.com/"):
        result = extract(_linked_print(tmp_path, link))
        assert [f for f in result.facts if f.field == "outlet"] == []


def test_a_domain_witnesses_a_title_suffix_but_is_never_the_value() -> None:
    title, lines = "Storm floods the valley - Valley Courier", ["Storm floods the valley"]
    assert title_outlet(title, lines, lines[0], ["valleycourier.com"]) == "Valley Courier"
    assert title_outlet(title, lines, lines[0], ["harbortimes.com", "twitter.com"]) is None
    assert title_outlet("Storm floods the valley - Reuters", lines, lines[0], ["reuters.com"]) is None


def test_a_print_that_draws_its_text_twice_over_is_read_once(tmp_path: Path) -> None:
    # Some prints draw each run of text twice at the same place (MediaNews Group's pages do in
    # Chromium): pypdf then reads 'By By JANE DOEJANE DOE'. fpdf draws the same here.
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()

    def twice(x: float, y: float, text: str, style: str = "", size: int = 11) -> None:
        doc.set_font("Helvetica", style, size)
        for _ in range(2):
            doc.text(x, y, text)

    twice(10, 20, "Storm floods the valley as the river rises", "B", 18)
    twice(10, 30, "By ")
    twice(17, 30, "JANE DOE")
    twice(40, 30, " | Special to the Courier")
    twice(10, 38, "PUBLISHED: ")
    twice(33, 38, "November 19, 2019 at 8:59 pm")
    doc.set_font("Helvetica", size=11)
    doc.set_xy(10, 46)
    doc.multi_cell(0, 6, "The river rose overnight and the town's main road was closed by the morning, officials said.")
    path = tmp_path / "doubled.pdf"
    path.write_bytes(bytes(doc.output()))
    result = extract(path)
    found = {(f.field, str(f.value)) for f in result.facts}
    assert {("author", "Jane Doe"), ("published", "2019-11-19")} <= found
    assert ("title", "Storm floods the valley as the river rises") in found
    assert any(n.note == "text drawn twice" for n in result.notes)


@pytest.mark.parametrize(
    ("line", "once"),
    [
        ("By By BILL HOPPEBILL HOPPE | Special | Special", "By BILL HOPPE | Special"),
        ("  FacebookFacebook", "  Facebook"),
        # A space between two runs is drawn once.
        (
            "PUBLISHED: PUBLISHED: Nov 19, 2019Nov 19, 2019 | UPDATED: | UPDATED: Nov 20Nov 20",
            "PUBLISHED: Nov 19, 2019 | UPDATED: Nov 20",
        ),
        ("Bye Bye", None),
        ("New York New York", None),
        ("Tora! Tora! Tora!", None),
        ("aabbccddee", None),  # pieces of one character: letters that happen to double
    ],
)
def test_only_a_line_that_splits_whole_into_doubled_pieces_is_undoubled(line: str, once: str | None) -> None:
    assert pdf._undoubled(line) == once


def _display_print(tmp_path: Path) -> Path:
    """A print whose headline, in large type wrapped over two lines in title case, stands right
    under the section's links in small type, with no space between them."""
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    doc.set_font("Helvetica", size=10)
    doc.cell(0, 5, "Home", new_x="LMARGIN", new_y="NEXT")
    doc.ln(5)
    doc.cell(0, 5, "Local News", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "B", 28)
    doc.multi_cell(0, 11, "Storm Floods The Valley As The River Rises Over Its Banks", new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    doc.set_font("Helvetica", size=11)
    doc.cell(0, 6, "By Jane Doe", new_x="LMARGIN", new_y="NEXT")
    doc.cell(0, 6, "March 23, 2022", new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    body = (
        "The river rose overnight and the town's main road was closed by the morning, officials said. "
        "Residents of the lower streets were moved to the school on the hill, and the council met at noon."
    )
    for _ in range(4):
        doc.multi_cell(0, 6, body, new_x="LMARGIN", new_y="NEXT")
        doc.ln(3)
    path = tmp_path / "display.pdf"
    path.write_bytes(bytes(doc.output()))
    return path


def test_display_type_is_a_paragraph_of_its_own_and_its_wrapped_lines_one(tmp_path: Path) -> None:
    path = _display_print(tmp_path)
    parsed = pdf._run_worker(path, timeout=60, with_text=True)
    assert parsed.modes == ["layout"]
    heights = [h for h, _ in parsed.geometry[0] or [] if h]
    assert max(heights) > 2 * min(heights)  # the headline's size is known
    facts, body, largest = pdf._text_facts(parsed.pages, parsed.modes, True, [], parsed.geometry)
    headline = "Storm Floods The Valley As The River Rises Over Its Banks"
    assert headline in body
    assert body[body.index(headline) - 1] == ""  # not run on from the links above it
    assert ("title", headline) in {(f.field, f.value) for f in facts}
    assert largest == [headline]
    # Without the sizes the same lines read as before: the two halves apart, under the links.
    _, flat, none = pdf._text_facts(parsed.pages, parsed.modes, True, [])
    assert headline not in flat
    assert none == []


def test_a_headline_in_the_largest_type_stands_though_the_title_words_it_otherwise() -> None:
    printed = "Rihanna Leaves Pants at Home for Altuzarra Show"
    headline = Fact("title", printed, "text:late-headline", "x")
    related = Fact("title", "Found at NYFW: The Best Way to Flatter Your Waist", "text:headline", "y")
    seo = ["Rihanna at Alexander Wang and Altuzarra at New York Fashion Week: Glamour.com"]
    notes: list[Note] = []
    assert pdf._agreeing_titles([headline, related], seo, notes) == []
    assert pdf._agreeing_titles([headline, related], seo, notes, [printed]) == [headline]


def test_reflow_measures_a_line_by_where_it_ends_and_keeps_a_paragraph_one_size() -> None:
    lines = ["Read next: Ferry returns", "Storm Floods The Valley As", "The River Rises", "", "By Jane Doe"]
    sizes = [(10.0, 300.0), (28.0, 580.0), (28.0, 400.0), (0.0, 0.0), (11.0, 200.0)]
    body = [(11.0, 600.0)] * 3
    text = ["The river rose overnight and the road was closed by the morning, as the"] * 3
    assert pdf._reflow([*lines, "", *text], True, [*sizes, (0.0, 0.0), *body])[:5] == [
        "Read next: Ferry returns",
        "",
        "Storm Floods The Valley As The River Rises",
        "",
        "By Jane Doe",
    ]
    # A line in lower case of another size is not the paragraph's continuation.
    lines = ["A caption of the photo", "and a credit", "", *text]
    assert pdf._reflow(lines, True, [(8.0, 590.0), (11.0, 100.0), (0.0, 0.0), *body])[:3] == [
        "A caption of the photo",
        "and a credit",  # no blank line between: neither is display type
        "",
    ]
    # A menu in a column beside a wrapped headline, which pypdf puts between its lines (they share
    # their heights), is read after the headline's last line.
    lines = ["Chinese hunter catches plague after", "  Opinion", "", "  Entertainment", "eating wild rabbit"]
    sizes = [(30.0, 600.0), (10.0, 150.0), (0.0, 0.0), (10.0, 250.0), (30.0, 250.0)]
    assert pdf._reflow([*lines, "", *text], True, [*sizes, (0.0, 0.0), *body])[:5] == [
        "Chinese hunter catches plague after eating wild rabbit",
        "",
        "Opinion",
        "",
        "Entertainment",
    ]
    # Not past text, nor from a display line that ends short of the edge (a headline's last line).
    column = ["Storm Floods The Valley As", "The river rose overnight and the road was closed", "The River Rises"]
    assert pdf._reflow(column, True, [(30.0, 600.0), (10.0, 590.0), (30.0, 300.0)])[0] == column[0]
    short = ["Storm Floods", "Opinion", "The River Rises"]
    assert pdf._reflow(short, True, [(30.0, 300.0), (10.0, 150.0), (30.0, 300.0)])[0] == short[0]
    # Geometry that does not fit the lines is not used.
    two = ["Storm Floods", "The River Rises Over Its Banks"]
    assert pdf._reflow(two, True, [(28.0, 580.0), (28.0, 580.0)]) == [" ".join(two)]
    assert pdf._reflow(two, True, [(28.0, 580.0)]) == two


@pytest.mark.parametrize(
    ("lines", "text", "expected"),
    [
        ([[12, 300.5], [0, 0]], "a line\n", [(12.0, 300.5), (0.0, 0.0)]),
        ([[12, 300.5]], "a line\n", None),  # one pair short
        ([[12, "300"], [0, 0]], "a line\n", None),
        ([[float("nan"), 1], [0, 0]], "a line\n", None),
        ([[-1, 1], [0, 0]], "a line\n", None),
        ([[True, 1], [0, 0]], "a line\n", None),
        ({"0": [1, 1]}, "a line", None),
        (None, "a line", None),
    ],
)
def test_a_worker_s_line_geometry_is_taken_only_as_one_pair_of_numbers_a_line(
    lines: object, text: str, expected: list[tuple[float, float]] | None
) -> None:
    assert pdf._geometry(lines, text) == expected


def test_a_headline_takes_the_title_s_spacing_only_where_the_letters_are_the_same() -> None:
    titles = ["New Year, new laws: Obamacare, pot, guns and drones | FOX 13 News"]
    assert pdf._title_spacing("New Year, new laws: Obamacare, pot, guns and dr ones", titles) == (
        "New Year, new laws: Obamacare, pot, guns and drones"
    )
    assert pdf._title_spacing("New Year, new laws: Obamacare, pot, guns and drones", titles) is None
    assert pdf._title_spacing("New Year, new laws: Obamacare, pot, guns and dr ones!", titles) is None
    assert pdf._title_spacing("FOX 13 N ews", titles) == "FOX 13 News"
    # A /Title part that goes on past the headline (a photo's note) spaces its opening; the opening
    # must end where a word does.
    nikkei = ["米朝首脳\u3000戦術の成否\u3000（写真）\u3000：日経"]
    assert pdf._title_spacing("米朝首脳 戦術の成 否", nikkei) == "米朝首脳\u3000戦術の成否"
    assert pdf._title_spacing("New Year, new laws: Obamacare, pot, g un", titles) is None  # "guns" goes on
    # A Thai print's text that lost its tone marks and split 'ำ' takes /Title's marks; a Latin
    # letter with its accent is another letter, not a mark the print lost.
    thai = ["ศพลอยแม่น้ำโขงเป็นคนสนิท | ประชาไท"]
    assert pdf._title_spacing("ศพลอยแม่นํ าโขงเป นคนสนิท", thai) == "ศพลอยแม่น้ำโขงเป็นคนสนิท"
    assert pdf._title_spacing("Resume tips", ["Résumé tips | Site"]) is None
    # The headline in the largest type takes it too.
    (fact,) = pdf._largest_headline(["ศพลอยแม่นํ าโขงเป นคนสนิท อ.สุรชัย"])
    assert pdf._as_titled(fact, ["ศพลอยแม่น้ำโขงเป็นคนสนิท อ.สุรชัย | ประชาไท"]).value == "ศพลอยแม่น้ำโขงเป็นคนสนิท อ.สุรชัย"


@pytest.mark.parametrize(
    ("drawn", "read"),
    [
        # Lines of CNN Arabic's page as pypdf's layout mode reads Chromium's print of it: shaped
        # glyphs in the order they are drawn, left to right.
        (
            "\ufed6\ufeb8\ufee3\u062f \ufed2\ufef3\ufeae\ufe91 \ufea6\ufef3\u0631\u0627\ufeee\ufebc\ufee0"
            "\ufedf \u0646\u0632\ufe8e\ufea8\ufee3 \ufef0\ufee0\ufecb \u0646\u0648\ufeae\ufec4\ufef4\ufeb4"
            "\ufef3 \u0646\ufeee\ufebf\u0631\ufe8e\ufecc\ufee3",
            "\u0645\u0639\u0627\u0631\u0636\u0648\u0646 \u064a\u0633\u064a\u0637\u0631\u0648\u0646 \u0639"
            "\u0644\u0649 \u0645\u062e\u0627\u0632\u0646 \u0644\u0644\u0635\u0648\u0627\u0631\u064a\u062e "
            "\u0628\u0631\u064a\u0641 \u062f\u0645\u0634\u0642",
        ),
        # Numbers and Latin keep their order; the lam-alef ligature is two letters.
        (
            "14:00 \ufe9a\ufef3\ufeaa\ufea4\ufe97 \ufeae\ufea7\u0622 \u060c2013 \ufeb2\ufec4\ufeb4\ufecf\u0627 "
            "/\u0628\u0622 28 \u060c\u0621\ufe8e\ufecc\ufe91\u0631\ufef7\u0627 (GMT+0400)",
            "(GMT+0400) \u0627\u0644\u0623\u0631\u0628\u0639\u0627\u0621\u060c 28 \u0622\u0628/ "
            "\u0627\u063a\u0633\u0637\u0633 2013\u060c \u0622\u062e\u0631 \u062a\u062d\u062f\u064a\u062b 14:00",
        ),
        # Unshaped text is in reading order already: Arabic as typed, and every other script.
        ("\u062f\u0645\u0634\u0642 (CNN)", "\u062f\u0645\u0634\u0642 (CNN)"),
        ("Storm floods the valley (AP)", "Storm floods the valley (AP)"),
    ],
)
def test_shaped_arabic_is_read_in_reading_order(drawn: str, read: str) -> None:
    assert pdf._logical_order(drawn) == read


def test_a_print_with_no_other_title_takes_its_one_headline_in_the_largest_type() -> None:
    (fact,) = pdf._largest_headline(["Storm floods the valley as the river rises"])
    assert (fact.field, fact.value, fact.rule) == (
        "title",
        "Storm floods the valley as the river rises",
        "pdf-largest-type",
    )
    assert pdf._largest_headline(["Valley Courier"]) == []  # a masthead's name, not a headline
    assert pdf._largest_headline(["Storm floods the valley", "Ferry service returns to the island"]) == []
    assert pdf._largest_headline([]) == []


def test_where_the_largest_type_holds_the_title_s_headline_no_other_heading_is_the_title() -> None:
    main = pdf._largest_headline(["Brraaiins! How Zombies Overran Pop Culture"])
    heading = Fact("title", "Timeline of zombies in pop culture", "text:late-headline", "x")
    same = Fact("title", "How Zombies Overran Pop Culture", "text:headline", "y")  # within the headline's type
    author = Fact("author", "Stephanie Pappas", "text:byline", "z")
    titles = ["Brraaiins! How Zombies Overran Pop Culture"]
    notes: list[Note] = []
    assert pdf._under_the_headline([heading, same, author], main, titles, notes) == [same, author]
    assert any(n.note == "title not taken" for n in notes)
    # A largest type that /Title does not state, or none, decides nothing.
    assert pdf._under_the_headline([heading, author], main, ["Halloween special"], []) == [heading, author]
    assert pdf._under_the_headline([heading, author], [], titles, []) == [heading, author]


def test_a_page_of_more_lines_than_a_print_has_is_read_without_its_geometry() -> None:
    many = pdf.MAX_GEOMETRY_LINES + 1
    assert pdf._geometry([[0, 0]] * many, "\n" * (many - 1)) is None
    assert pdf._geometry([[0, 0]] * 3, "\n\n") == [(0.0, 0.0)] * 3


def test_a_menu_item_drawn_on_a_headline_s_line_is_a_line_of_its_own(tmp_path: Path) -> None:
    # A print where a menu's item stands at the height of the headline's line (a sidebar beside
    # it): pypdf reads them as one line, 'Storm floods the valleyOpinion'.
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    doc.set_font("Helvetica", "B", 26)
    doc.text(10, 40, "Storm floods the valley")
    doc.set_font("Helvetica", size=9)
    doc.text(150, 40, "Opinion")
    doc.set_font("Helvetica", size=11)
    doc.set_xy(10, 50)
    body = "The river rose overnight and the town's main road was closed by the morning, officials said. " * 3
    for _ in range(3):
        doc.multi_cell(0, 6, body, new_x="LMARGIN", new_y="NEXT")
        doc.ln(3)
    path = tmp_path / "beside.pdf"
    path.write_bytes(bytes(doc.output()))
    parsed = pdf._run_worker(path, timeout=60, with_text=True)
    lines = [" ".join(line.split()) for line in parsed.pages[0].split("\n")]
    assert "Storm floods the valley" in lines
    assert lines[lines.index("Storm floods the valley") + 1] == "Opinion"
    geometry = parsed.geometry[0]
    assert geometry is not None and len(geometry) == len(lines)
    tall, small = geometry[lines.index("Storm floods the valley")], geometry[lines.index("Opinion")]
    assert tall[0] > 2 * small[0]


def test_a_title_that_says_more_than_the_largest_type_s_headline_is_the_metadata_s() -> None:
    main = pdf._largest_headline(["Centerpiece and Tabletop Decoration Ideas for Fall"])
    titles = ["Centerpiece and Tabletop Decoration Ideas for Fall from Better Homes and Gardens"]
    stated = Fact("title", titles[0], "pdf-info-title", titles[0], key="pdf:/Title")
    (moved,) = pdf._as_metadata_headline([stated], main, titles)
    assert (moved.field, moved.value, moved.rule) == ("meta_title", titles[0], "pdf-info-title")
    # A /Title that is the headline, but for where display type's spaces fall, stays the title.
    spaced = pdf._largest_headline(["New Year, new laws: Obamacare, pot, guns and dr ones"])
    same = Fact("title", "New Year, new laws: Obamacare, pot, guns and drones", "pdf-info-title", "x")
    assert pdf._as_metadata_headline([same], spaced, [str(same.value)]) == [same]
    assert pdf._as_metadata_headline([stated], [], titles) == [stated]
