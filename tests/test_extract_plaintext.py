"""archive.extract.plaintext: what a pasted news article says about itself, with evidence.

The seeds are real articles; the fixtures in tests/data/plaintext are invented articles in
the pasted style of real outlets, each with a hand-written `.expected.json` beside it giving
the full set of facts a careful reader takes from the text, and nothing more.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.extract import plaintext
from archive.extract.plaintext import FIELDS, NAME, VERSION, Extracted, extract

DATA = Path(__file__).resolve().parent / "data" / "plaintext"
FIXTURES = sorted(DATA.glob("*.txt"))

Fact = tuple[str, str]  # (field, value as canonical JSON)


def facts(found: list[Extracted]) -> list[Fact]:
    return sorted((e.field, json.dumps(e.value, sort_keys=True)) for e in found)


def expected_facts(items: list[dict[str, Any]]) -> list[Fact]:
    return sorted((item["field"], json.dumps(item["value"], sort_keys=True)) for item in items)


def seed_bytes(seeds: Path, prefix: str) -> bytes:
    (path,) = seeds.glob(f"{prefix}_*.txt")
    return path.read_bytes()


def assert_valid(data: bytes, found: list[Extracted]) -> None:
    """Every fact is well formed and its evidence is exactly the bytes it points at."""
    for e in found:
        assert e.field in FIELDS
        assert 0 <= e.start < e.end <= len(data)
        assert e.evidence == data[e.start : e.end].decode("utf-8")
        assert e.evidence.strip()
        assert e.rule
        if e.field == "credit":
            assert isinstance(e.value, dict)
            assert set(e.value) <= {"photographer", "agency", "caption"}
            assert "photographer" in e.value or "agency" in e.value
            assert all(isinstance(v, str) and v for v in e.value.values())
        else:
            assert isinstance(e.value, str) and e.value


def test_identity() -> None:
    assert NAME == "plaintext"
    assert VERSION == "1.10.0"  # 1.10.0: a footer's self-statement, glued credits, a section label


# ---------------------------------------------------------------------------------------
# The seeds, as a careful reader reads them
# ---------------------------------------------------------------------------------------

SEED_000_CREDITS = [
    {
        "photographer": "Nariman El-Mofty",
        "agency": "AP",
        "caption": "A police officer helps an injured woman after a strike hit a residential area "
        "in eastern Ukraine on July 7, 2022.",
    },
    {
        "photographer": "Evgeniy Maloletka",
        "agency": "AP",
        "caption": "Ukrainian servicemen fire at Russian positions from a U.S.- supplied M777 howitzer on July 14.",
    },
    {
        "photographer": "Efrem Lukatsky",
        "agency": "AP",
        "caption": "Rescuers work at the scene of a building that was damaged by a deadly Russian "
        "missile attack in Vinnytsia, Ukraine on July 14.",
    },
]
SEED_004_CAPTION = "President Joe Biden (L) and Russian President Vladimir Putin."

SEEDS_EXPECTED: dict[str, list[dict[str, Any]]] = {
    # Cites the New York Times and carries AP photo credits: no outlet. Only one full date,
    # in a caption: a lower bound, not a publication date.
    "000": [
        {"field": "published_not_before", "value": "2022-07-07", "evidence": "July 7, 2022"},
        *(
            {"field": "credit", "value": credit, "evidence": f"{credit['photographer']}/AP"}
            for credit in SEED_000_CREDITS
        ),
    ],
    "001": [
        {
            "field": "outlet",
            "value": "Washington Examiner",
            "evidence": "CLICK HERE TO READ MORE FROM THE WASHINGTON EXAMINER",
        }
    ],
    "002": [
        {"field": "outlet", "value": "Courthouse News Service", "evidence": "WASHINGTON (CN) \u2014"},
    ],
    "003": [
        {"field": "outlet", "value": "Daily Caller News Foundation", "evidence": "Daily Caller News Foundation"},
        {"field": "published_not_before", "value": "2023-02-18", "evidence": "February 18, 2023"},
    ],
    "004": [
        {"field": "outlet", "value": "People", "evidence": "sign up for PEOPLE's free daily newsletter"},
        {
            "field": "title",
            "value": "U.S. Believes 'Russia's Forces Have Committed War Crimes in Ukraine'",
            "evidence": "U.S. Believes 'Russia's Forces Have Committed War Crimes in Ukraine'",
        },
        {
            "field": "credit",
            "value": {"photographer": "Joshua Roberts", "agency": "Getty", "caption": SEED_004_CAPTION},
            "evidence": "Joshua Roberts/Getty",
        },
        {
            "field": "credit",
            "value": {"photographer": "Mikhail Svetlov", "agency": "Getty", "caption": SEED_004_CAPTION},
            "evidence": "Mikhail Svetlov/Getty",
        },
    ],
}


@pytest.mark.parametrize("prefix", sorted(SEEDS_EXPECTED))
def test_seed_full_reading(seeds: Path, prefix: str) -> None:
    data = seed_bytes(seeds, prefix)
    found = extract(data)
    assert facts(found) == expected_facts(SEEDS_EXPECTED[prefix])
    assert sorted(e.evidence for e in found) == sorted(i["evidence"] for i in SEEDS_EXPECTED[prefix])
    assert_valid(data, found)


def test_seed_rules(seeds: Path) -> None:
    """The rules that fire on the seeds are the ones the signals call for."""
    rules = {prefix: {(e.field, e.rule) for e in extract(seed_bytes(seeds, prefix))} for prefix in SEEDS_EXPECTED}
    assert ("outlet", "read-more") in rules["001"]
    assert ("outlet", "dateline") in rules["002"]
    assert ("outlet", "news-foundation") in rules["003"]
    assert ("outlet", "newsletter") in rules["004"]
    assert ("credit", "credit-slash") in rules["000"]
    assert ("title", "headline") in rules["004"]


def test_seed_000_has_no_outlet_from_citations_or_photo_agency(seeds: Path) -> None:
    fields = {e.field for e in extract(seed_bytes(seeds, "000"))}
    assert "outlet" not in fields
    assert "published" not in fields


# ---------------------------------------------------------------------------------------
# Hand-read fixtures
# ---------------------------------------------------------------------------------------


def load_expected(path: Path) -> list[dict[str, Any]]:
    """The facts in `name.expected.json`: a list, or {"note": why-not, "facts": [...]}."""
    loaded = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    facts: list[dict[str, Any]] = loaded["facts"] if isinstance(loaded, dict) else loaded
    return facts


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_full_reading(path: Path) -> None:
    expected = load_expected(path)
    data = path.read_bytes()
    found = extract(data)
    assert facts(found) == expected_facts(expected)
    assert sorted(e.evidence for e in found) == sorted(item["evidence"] for item in expected)
    assert_valid(data, found)


def test_every_fixture_has_its_expectation() -> None:
    assert len(FIXTURES) >= 8
    for path in FIXTURES:
        assert path.with_suffix(".expected.json").is_file(), path


def test_fixture_with_bom_and_crlf_really_has_them() -> None:
    data = (DATA / "ap_crlf_bom.txt").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    title = next(e for e in extract(data) if e.field == "title")
    assert title.start == 3  # after the three bytes of the BOM


def test_offsets_are_bytes_not_characters() -> None:
    data = "\u201cQuote\u201d \u2014 and more.\nCaf\u00e9 workers in Kyiv on March 3, 2022. Jane Doe/Reuters\n".encode()
    (credit,) = [e for e in extract(data) if e.field == "credit"]
    assert data[credit.start : credit.end] == b"Jane Doe/Reuters"
    assert credit.start != data.decode().index("Jane Doe/Reuters")


# ---------------------------------------------------------------------------------------
# Rules, one behaviour at a time
# ---------------------------------------------------------------------------------------


def values(text: str, field: str) -> list[Any]:
    return [e.value for e in extract(text.encode()) if e.field == field]


BODY = "Officials said the strikes had continued through the night and into the morning.\n\n"


@pytest.mark.parametrize(
    "text",
    [
        BODY + "Filtration camps were set up in May, according to the New York Times.\n",
        BODY + "The diplomat told the outlet that preparations began earlier.\n",
        BODY + "The New York Times reported that the camps had been expanded.\n",
        BODY + "CNN reported on Tuesday that the talks had stalled.\n",
        BODY + "A senior official said in an interview with Reuters that more aid was coming.\n",
        BODY + '"It was terrifying," she told PEOPLE.\n',
        BODY + '"We will not leave," he told Reuters.\n',
        BODY + "Soldiers in Kyiv on Monday. Jane Doe/AP\n",
        BODY + "Soldiers in Kyiv on Monday. (Photo by Jane Doe/Getty Images)\n",
        "By JANE DOE, Reuters\n\n" + BODY,
        BODY + "The Associated Press contributed to this report.\n",
        BODY + "Sign up for Jane Doe's weekly newsletter on foreign policy.\n",
        BODY + "According to a report by the Daily Caller News Foundation, the figures were wrong.\n",
        BODY + "READ MORE ON UKRAINE\n",
        BODY + "\u00a9 2022 Getty Images. All rights reserved.\n",
        # A copyright line names the rights holder, often a parent company, not the outlet.
        BODY + "Copyright 2024 Nexstar Media Inc. All rights reserved.\n",
        "LONDON (XYZ) \u2014 Something happened in the city of London today, officials said.\n",
    ],
)
def test_no_outlet_from_citations_agencies_or_affiliations(text: str) -> None:
    assert values(text, "outlet") == []


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        (
            "KYIV, Ukraine (AP) \u2014 Russian forces shelled the city overnight, officials said.\n",
            "The Associated Press",
        ),
        ("KYIV, March 23 (Reuters) - Russian forces shelled the city overnight, officials said.\n", "Reuters"),
        ("Kyiv (AFP) - Russian forces shelled the city overnight, officials said.\n", "Agence France-Presse"),
        (
            "March 23 (UPI) -- Russian forces shelled the city overnight, officials said.\n",
            "United Press International",
        ),
        ("Washington (CNN)The United States said on Wednesday that it had determined war crimes.\n", "CNN"),
        (BODY + "Read more from The Hill\n", "The Hill"),
        (BODY + "CLICK HERE TO GET THE FOX NEWS APP\n", "Fox News"),
        (BODY + "Follow PEOPLE's complete coverage of the war here.\n", "People"),
        (BODY + "SOURCE: AL JAZEERA AND NEWS AGENCIES\n", "Al Jazeera"),
        (
            BODY + "It did not respond to a request for comment from the Daily Caller News Foundation.\n",
            "Daily Caller News Foundation",
        ),
    ],
)
def test_outlet_signals(text: str, outlet: str) -> None:
    assert values(text, "outlet") == [outlet]


def test_outlet_signals_that_agree_give_one_outlet() -> None:
    text = (
        "KHARKIV, Ukraine (AP) \u2014 Russian artillery pounded the city on Wednesday, officials said.\n"
        + BODY
        + "Follow AP's coverage of the war at https://apnews.com/hub/russia-ukraine\n"
        + "Copyright 2022 The Associated Press. All rights reserved.\n"
    )
    found = [e for e in extract(text.encode()) if e.field == "outlet"]
    assert [(e.value, e.rule) for e in found] == [("The Associated Press", "dateline")]


def test_two_wire_datelines_give_none() -> None:
    text = (
        "WASHINGTON (AP) \u2014 The first wire story begins here and goes on for a while.\n\n"
        "KYIV, Ukraine (Reuters) - A second wire story pasted into the same document.\n"
    )
    assert values(text, "outlet") == []


def test_outlet_signals_that_disagree_give_none() -> None:
    text = BODY + "CLICK HERE TO READ MORE FROM THE WASHINGTON EXAMINER\n" + "CLICK HERE TO GET THE FOX NEWS APP\n"
    assert values(text, "outlet") == []


# published, modified, published_not_before


@pytest.mark.parametrize(
    ("line", "published"),
    [
        ("Published March 23, 2022", "2022-03-23"),
        ("Published: 2022-03-23T09:15:00Z", "2022-03-23T09:15:00+00:00"),
        ("Posted on March 23, 2022 by Jane Doe", "2022-03-23"),
        ("Published 9:15 AM EDT, March 23, 2022", "2022-03-23T09:15:00-04:00"),
        ("Published Jan 5, 2022 9:15 AM ET", "2022-01-05T09:15:00-05:00"),  # ET in winter is EST
        ("Published 23 Mar 2022, 10:00 AM IST", "2022-03-23T10:00:00+05:30"),  # IST: India (issue 10)
        ("Published\n23 March 2022", "2022-03-23"),
        ("March 23, 2022 9:15 AM ET", "2022-03-23T09:15:00-04:00"),  # a date line in the header
        ("Wed 23 Mar 2022 18.32 GMT", "2022-03-23T18:32:00+00:00"),
        ("By Jane Doe2022-03-23 09:15:00 UTC", "2022-03-23T09:15:00+00:00"),  # run together by the copy
    ],
)
def test_published(line: str, published: str) -> None:
    text = f"A Headline About the War Today\n{line}\n\n" + BODY
    assert values(text, "published") == [published]


def test_published_and_updated_joined_by_and() -> None:
    text = (
        "A Headline About the War Today\nPosted at 2013-12-30T14:42:01-0700 and last updated 2013-12-30 16:42:01-05\n\n"
    )
    assert values(text + BODY, "published") == ["2013-12-30T14:42:01-07:00"]
    assert values(text + BODY, "modified") == ["2013-12-30T16:42:01-05:00"]


def test_updated_is_modified_not_published() -> None:
    text = "A Headline About the War Today\nUpdated: March 24, 2022\n\n" + BODY
    assert values(text, "published") == []
    assert values(text, "modified") == ["2022-03-24"]


def test_two_different_unlabelled_dates_abstain() -> None:
    text = "A Headline About the War Today\nMarch 23, 2022\nMarch 24, 2022\n\n" + BODY
    assert values(text, "published") == []


@pytest.mark.parametrize(
    "text",
    [
        BODY + "A police officer helps an injured woman on July 7, 2022.\n",  # a date in the story
        "Long story line one.\n\n" * 20 + "March 23, 2022\n",  # a date-only line deep in the body
        BODY + "Published in 2019, the report found that monitoring could have helped.\n",
    ],
)
def test_story_dates_are_not_published(text: str) -> None:
    assert values(text, "published") == []


def test_not_before_is_latest_past_full_date() -> None:
    text = (
        BODY + "Russia invaded Ukraine on February 24, 2022, and fighting continued.\n\n"
        "The summit is scheduled for June 14, 2022, officials said.\n\n"
        "Talks will resume by May 1, 2022 if both sides agree.\n\n"
        "Troops were seen near the river on July 14.\n"
    )
    assert values(text, "published_not_before") == ["2022-02-24"]


def test_not_before_from_embedded_post() -> None:
    text = BODY + "There can be no impunity. \u2014 Ned Price (@StateDeptSpox) February 18, 2023\n"
    assert values(text, "published_not_before") == ["2023-02-18"]


def test_no_not_before_when_published_is_stated() -> None:
    text = "A Headline About the War Today\nPublished March 23, 2022\n\nRussia invaded on February 24, 2022.\n"
    assert values(text, "published_not_before") == []


# title


@pytest.mark.parametrize(
    "text",
    [
        "The United States is calling on Russia to halt its operations, accusing Moscow of "
        "\u201cwar crimes.\u201d\n\nMore.\n",
        "The United States is calling on Russia to halt its\nfiltration operations and forced deportation\n",
        "BREAKING NEWS ALERT FROM KYIV TODAY\n\nMore text.\n",
        "Just One Line Without Anything After It",
        "By Jane Doe\n\nBody text here.\n",
        "Skip\n\nBody text.\n",
    ],
)
def test_no_title(text: str) -> None:
    assert values(text, "title") == []


@pytest.mark.parametrize(
    "text",
    [
        # A section label over the headline: which line is the headline is unclear.
        "Russia\u2019s War in Ukraine\nU.S. Formally Accuses Russia of War Crimes\nBy Jane Doe\n\n" + BODY,
        "Ukraine accuses Russia of deporting residents | Russia-Ukraine war News | Al Jazeera\n\n" + BODY,
        "The Washington Post\n\n" + BODY,
        "Skip to main content\nU.S. Says Russia Committed War Crimes\n\n" + BODY,
    ],
)
def test_ambiguous_first_lines_give_no_title(text: str) -> None:
    assert values(text, "title") == []


def test_title_after_breadcrumb() -> None:
    text = "News|Russia-Ukraine war\nUkraine accuses Russia of deporting residents\n\n" + BODY
    assert values(text, "title") == ["Ukraine accuses Russia of deporting residents"]


@pytest.mark.parametrize("label", ["Letters to the Editor", "World News", "Opinion"])
def test_title_under_a_section_label(label: str) -> None:
    # A line of a section's words alone over the headline is the section's label, not a short headline.
    text = f"{label}\nKindhearted police with holiday spirit\n\n" + BODY
    assert values(text, "title") == ["Kindhearted police with holiday spirit"]


# author


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("By Jane Doe", ["Jane Doe"]),
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("By Jane Doe, John Roe and Jim Poe, Associated Press", ["Jane Doe", "John Roe", "Jim Poe"]),
        ("By JANE DOE, Reuters", ["Jane Doe"]),
        ("Jane Doe | Senior Reporter", ["Jane Doe"]),
        ("Authors: Oksana Melnyk, Dmytro Sokil", ["Oksana Melnyk", "Dmytro Sokil"]),
        ("By Jane Doe, John Roe", ["Jane Doe"]),  # without "and", what follows a comma is an affiliation
        ("By Jane Doe and the team", []),
        ("By Monday Morning", []),
        ("By The Associated Press", ["The Associated Press"]),  # a wire agency is an organisation author
        ("By Reuters Staff", []),
    ],
)
def test_bylines(line: str, authors: list[str]) -> None:
    text = f"A Headline About the War Today\n{line}\n\n" + BODY
    assert values(text, "author") == authors


def test_reporting_credit_names_reporters_and_writers_only() -> None:
    text = BODY + (
        "Reporting by Marta Kovalenko in Kyiv; Additional reporting by Pavel Novak; "
        "Writing by Daniel Frost; Editing by Ruth Ellison\n"
    )
    assert values(text, "author") == ["Marta Kovalenko", "Daniel Frost"]


def test_people_in_the_story_are_not_authors() -> None:
    text = (
        "By the time the convoy reached the border, most aid had been handed out.\n\n"
        "Secretary of State Antony Blinken said the U.S. would act.\n\n"
        "Related: By Jane Doe\n"
    )
    assert values(text, "author") == []


# credit


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Soldiers in Kyiv. Nariman El-Mofty/AP", {"photographer": "Nariman El-Mofty", "agency": "AP"}),
        ("Soldiers in Kyiv. (AP Photo/Evan Vucci, File)", {"photographer": "Evan Vucci", "agency": "AP"}),
        ("Soldiers in Kyiv. REUTERS/Gleb Garanich/File Photo", {"photographer": "Gleb Garanich", "agency": "REUTERS"}),
        ("Soldiers in Kyiv. Photo: Jane Doe / Getty Images", {"photographer": "Jane Doe", "agency": "Getty Images"}),
        (
            "Soldiers in Kyiv. (Photo by Jane Doe for The Washington Post)",
            {"photographer": "Jane Doe", "agency": "The Washington Post"},
        ),
        (
            "Soldiers in Kyiv. Credit...Lynsey Addario for The New York Times",
            {"photographer": "Lynsey Addario", "agency": "The New York Times"},
        ),
        (  # pasted from the page with the caption and credit glued together
            "Soldiers in Kyiv.Credit...Lynsey Addario for The New York Times",
            {"photographer": "Lynsey Addario", "agency": "The New York Times"},
        ),
        ("Soldiers in Kyiv. Getty Images", {"agency": "Getty Images"}),
        ("Soldiers in Kyiv. Courtesy of Jane Doe", {"agency": "Jane Doe"}),  # who provided it: its source
        (
            "Soldiers in Kyiv. [Alexander Ermochenko/Reuters]",
            {"photographer": "Alexander Ermochenko", "agency": "Reuters"},
        ),
    ],
)
def test_credits(line: str, credit: dict[str, str]) -> None:
    assert values(BODY + line + "\n", "credit") == [{**credit, "caption": "Soldiers in Kyiv."}]


def test_standalone_credit_takes_the_caption_above() -> None:
    text = BODY + "Ukrainian troops near Kharkiv on March 3, 2022.\nJane Doe/Reuters\n"
    assert values(text, "credit") == [
        {"photographer": "Jane Doe", "agency": "Reuters", "caption": "Ukrainian troops near Kharkiv on March 3, 2022."}
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Monitoring must be 24/7 and/or automated, officials said.",
        "A Washington Post/ABC News poll published on 3/16 found broad support.",
        "There can be no impunity. https://t.co/c11g78GjTf \u2014 Ned Price (@StateDeptSpox) February 18, 2023",
        "The results are at https://example.com/Polls/Ukraine",
        "He met officials. Biden/Harris",
        "From L to R: Volodymyr Zelenskyy, Antony Blinken, Vladimir Putin.",
    ],
)
def test_slashes_in_prose_are_not_credits(line: str) -> None:
    assert values(BODY + line + "\n", "credit") == []


# input handling


def test_invalid_utf8_raises_value_error() -> None:
    with pytest.raises(ValueError, match="not valid utf-8 at byte 9"):
        extract(b"Headline\n\xff\xfe broken")  # read as UTF-8 unless told otherwise: never repaired


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\r\n\r", b"   \t  "])
def test_empty_input(data: bytes) -> None:
    assert extract(data) == []


def test_line_endings_do_not_change_the_reading(seeds: Path) -> None:
    for prefix in SEEDS_EXPECTED:
        data = seed_bytes(seeds, prefix).replace(b"\r\n", b"\n")
        crlf = b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")
        assert facts(extract(crlf)) == facts(extract(data))
        assert_valid(crlf, extract(crlf))


def test_long_lines_stay_fast() -> None:
    """No scan is quadratic in a line's length (this would take minutes if one were)."""
    sentence = "He said on March 3, 2022. Jane Doe/AP and/or 24/7 (Photo by X) \u2014 Sign up. "
    data = (sentence * 4000).encode()
    assert_valid(data, extract(data))


def test_many_lines_stay_fast() -> None:
    block = "By Jane Doe\nPublished\n\nSoldiers in Kyiv. Jane Doe/AP\nMarch 3, 2022\nREAD MORE FROM THE HILL\n"
    data = (block * 5000).encode()
    assert_valid(data, extract(data))


# ---------------------------------------------------------------------------------------
# Fuzzing: never a crash, every span exact
# ---------------------------------------------------------------------------------------

PIECES = st.sampled_from(
    [
        "By ", "Jane Doe", "JANE DOE", " and ", ", ", "Reuters", "(AP) \u2014 ", "(CN) \u2014 ", "WASHINGTON ",
        "Published ", "Updated ", "March 23, 2022", "23 Mar 2022", "9:15 AM ET", "18.32 GMT", "Feb. 24",
        "/", "Getty", "AP Photo/", "Photo by ", "Photograph: ", "Courtesy of ", "Image source, ",
        "CLICK HERE TO READ MORE FROM THE ", "WASHINGTON EXAMINER", "sign up for PEOPLE's free newsletter",
        "Daily Caller News Foundation", "Source: Al Jazeera and news agencies", "\n", "\r\n", "\n\n",
        ". ", "\u201c", "\u201d", "\ufeff", "\u00e9", "\U0001f600", "|", "(", ")", "[", "]", ";", "@x",
        "Reporting by ", "; Editing by ", " in Kyiv", "Copyright 2022 ", ". All rights reserved.",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_random_text_never_crashes(text: str) -> None:
    data = text.encode("utf-8")
    assert_valid(data, extract(data))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=40))
def test_article_like_text_never_crashes(pieces: list[str]) -> None:
    data = "".join(pieces).encode("utf-8")
    found = extract(data)
    assert_valid(data, found)
    assert found == extract(data)  # a function of the bytes only


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_are_read_or_refused(data: bytes) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        with pytest.raises(ValueError):
            extract(data)
    else:
        assert_valid(data, extract(data))


def test_a_long_text_read_in_the_sandbox_gives_the_same_answer(seeds: Path, tmp_path: Path) -> None:
    from archive.service.extraction import Doc, Extractors

    article = seed_bytes(seeds, "004")
    filler = b"\n\nThe hearing continued with testimony from several residents of the district.\n"
    data = article + filler * ((1 << 20) // len(filler) + 1)
    path = tmp_path / "long.txt"
    path.write_bytes(data)
    with Extractors(workers=1) as extractors:
        (sandboxed,) = extractors.run([Doc(path, "text/plain", "utf-8", len(data))])
    assert sandboxed.notes == ()
    assert [(c.field, c.value, c.span) for c in sandboxed.claims] == [
        (e.field, e.value, (e.start, e.end)) for e in extract(data)
    ]
    assert {c.extractor.name for c in sandboxed.claims if c.extractor} == {NAME}


def test_many_dates_on_one_line_stay_linear() -> None:
    # Each date's sentence is judged within a bounded window: this line used to take minutes.
    line = b"It was on March 3, 2021 and " * 20_000
    found = extract(line + b"\n")
    assert [e.field for e in found] == ["published_not_before"]


# A paste of a whole page: navigation first, the story far down (a format trap of pasted pages).
_NAV = "\n".join(
    [
        "Skip to main content",
        "World",
        "Business",
        "Sports",
        "Opinion",
        "Culture",
        "Science",
        "Weather",
        "Newsletters",
        "Podcasts",
        "Video",
        "Subscribe",
        "Sign in",
        "Search",
    ]
)
_STORY = (
    "The city hospital said on Tuesday that its new children's wing would open to patients in the spring, "
    "well ahead of the schedule it set two years ago.\n"
    "Officials said the cost of the building had risen by a tenth because of delays in the delivery of "
    "equipment from abroad last year.\n"
)


def test_a_pasted_page_reads_the_header_above_its_story() -> None:
    text = f"{_NAV}\n\nCity hospital opens its new wing early\n\nBy Maria Lopez\nMarch 3, 2020 4:15 PM EST\n\n{_STORY}"
    found = {(e.field, e.value, e.rule) for e in extract(text.encode())}
    assert ("title", "City hospital opens its new wing early", "late-headline") in found
    assert ("author", "Maria Lopez", "byline") in found
    assert ("published", "2020-03-03T16:15:00-05:00", "header-date") in found


def test_a_pasted_page_without_a_byline_or_date_over_its_story_gets_no_title() -> None:
    text = f"{_NAV}\n\nCity hospital opens its new wing early\n\n{_STORY}"
    assert [e for e in extract(text.encode()) if e.field == "title"] == []  # not "Skip to main content"


# The date beside the article's byline, where no line states it as the article's.

_PAGE_MENU = "".join(f"Section {i}\n" for i in range(30))
# Between the header and the story, as on real pages: share buttons and a gallery's furniture, so
# the byline stands too far above the story for the header's rules.
_PAGE_BAR = "".join(f"Share option {i}\n" for i in range(20))
_PAGE_STORY = (
    "The city council voted on Monday to close the old bridge for repairs, after engineers found cracks in "
    "two of its piers during an inspection last month.\n\n"
    "The repairs are expected to take most of the coming year, and traffic will be sent over the river on "
    "the northern bridge until the work is finished.\n"
)


@pytest.mark.parametrize(
    ("header", "want"),
    [
        ("Bridge to close for repairs\nBy Jane Doe\nNov 13, 2019 4:26 pm\n", "2019-11-13"),
        ("Bridge to close for repairs\nJane Doe\nDec. 29, 2014, 5:04 PM\nShare\n", "2014-12-29"),
        ("Bridge to close for repairs\nby Jane Doe September 15, 2014\n", "2014-09-15"),
        ("Bridge to close for repairs\nBy Jane Doe - 19 December 2014\n", "2014-12-19"),
    ],
)
def test_a_date_beside_the_byline_is_published(header: str, want: str) -> None:
    text = _PAGE_MENU + "\n" + header + "\n" + _PAGE_BAR + "\n" + _PAGE_STORY
    assert [str(v)[:10] for v in values(text, "published")] == [want]


def test_two_dates_beside_the_byline_that_disagree_give_none() -> None:
    header = "Bridge to close for repairs\nNov 12, 2019\nBy Jane Doe\nNov 13, 2019\n"
    assert values(_PAGE_MENU + "\n" + header + "\n" + _PAGE_BAR + "\n" + _PAGE_STORY, "published") == []


def test_an_update_beside_the_byline_is_not_published() -> None:
    header = "Bridge to close for repairs\nBy Jane Doe\nUpdated Nov 13, 2019\n"
    assert values(_PAGE_MENU + "\n" + header + "\n" + _PAGE_BAR + "\n" + _PAGE_STORY, "published") == []


# The date under the headline, where no line states it as the article's and no byline has one.


@pytest.mark.parametrize(
    ("under", "want"),
    [
        ("November 18, 2019 | 4:10pm\n", "2019-11-18"),
        ("Share\n\nMonday, December 29, 2014\n", "2014-12-29"),
        ("Nissan November 20, 2019 13:42\n", "2019-11-20"),
        ("Updated November 20, 2019\n", None),  # an update is not the publication
        ("November 18, 2019\nNovember 19, 2019\n", None),  # which is it?
        # A line of furniture: the date with a name, a source, comments or tags beside it.
        ("2023-11-17 20:52:15 来源： 新华网\n", "2023-11-17"),
        ("Carlos Nadalim 27/09/2018 Comente! Alfabetização, Atividades\n", "2018-09-27"),
        ("October 12, 2018/0 Comments/in Promotion /by jdadmin\n", "2018-10-12"),
        ("Jane Doe | Last updated November 19, 2019 | 3 comments\n", None),  # an update's date
        ("Jane Doe 18 Nov 2019, photo 12 Oct 2018\n", None),  # two dates: which is the story's?
        ("Filed 18/11/2019 and read again on a day that nobody here in the town hall could ever remember\n", None),
    ],
)
def test_the_date_under_the_headline_is_published(under: str, want: str | None) -> None:
    headline = "Bridge to close for repairs after cracks found"
    text = _PAGE_MENU + "\n" + headline + "\n\n" + under + "\nPrint\nEmail\n\n" + _PAGE_STORY
    doc = plaintext._Doc(text)
    title = plaintext._Hit("title", headline, text.index(headline), text.index(headline) + len(headline), "x")
    found = plaintext._headline_date(doc, title, set())
    assert [(str(h.value)[:10], h.rule) for h in found] == ([(want, "headline-date")] if want else [])
    # Under a line that is not the headline, or past the story's start, no date is the article's.
    story = _PAGE_MENU + "\n" + headline + "\n\n" + _PAGE_STORY + "\n" + under
    assert plaintext._headline_date(plaintext._Doc(story), title, set()) == []


# The last resort: a date alone among the lines right above a story of one paragraph (a video's, a
# slideshow's), where no headline was read and no header is known.
_ONE_PARAGRAPH = _PAGE_STORY.split("\n\n")[0] + "\n\nRelated\nMore videos\n"


@pytest.mark.parametrize(
    ("above", "want"),
    [
        ("Monday, December 29, 2014\nPrint Email Comments\n", "2014-12-29"),
        ("World\nDecember 29 2014 9:11pm\n01:34\n", "2014-12-29"),
        ("Video\n\n28 December 2014\n\nKFC T20 BBL\n", "2014-12-28"),
        ("Updated December 29, 2014\nPrint\n", None),  # an update is not the publication
        ("December 28, 2014\nDecember 29, 2014\n", None),  # which is it?
        ("28-06-2014\n| Efe\n", None),  # a photo's date, its credit under it
        ("December 29, 2014\nName(required)\nEmail(required)\nSubmit\nEnlarge Image\nMore On:\n", "2014-12-29"),
        ("December 29, 2014\n" + "".join(f"Tool {i}\n" for i in range(plaintext._STORY_REACH)), None),  # too far
    ],
)
def test_a_date_right_above_the_story_is_published_where_nothing_else_says(above: str, want: str | None) -> None:
    # Nothing here reads as the headline: the menu's last item stands over the furniture.
    text = _PAGE_MENU + "\n" + above + "\n" + _ONE_PARAGRAPH
    assert values(text, "title") == []
    found = [(str(e.value)[:10], e.rule) for e in plaintext.extract(text.encode()) if e.field == "published"]
    assert found == ([(want, "story-date")] if want else [])


def test_an_interview_s_date_stands_above_its_intro_though_questions_follow_it() -> None:
    # Questions and answers: the intro is prose, the questions are not, so the first two prose
    # lines in a row are an answer and the next, far below the date.
    intro = _PAGE_STORY.split("\n\n")[0]
    answers = "".join(
        f"How did the council decide, question {i}?\n\nWe met every week and read every report the "
        f"engineers sent us, answer {i}, and we voted when the last of them came in.\n\n"
        for i in range(plaintext._STORY_REACH)
    )
    text = f"{_PAGE_MENU}\nMonday, December 29, 2014\nPrint Email Comments\n\nBy:\n\nJane Doe\n\n{intro}\n\n{answers}"
    text += _PAGE_STORY  # an answer of two paragraphs
    found = [(str(e.value)[:10], e.rule) for e in plaintext.extract(text.encode()) if e.field == "published"]
    assert found == [("2014-12-29", "story-date")]


def test_a_video_s_date_stands_above_its_standfirst_though_that_ends_without_a_stop() -> None:
    standfirst = _ONE_PARAGRAPH.split(".")[0]  # a sentence's length, no stop
    text = f"{_PAGE_MENU}\nVideo\n\n28 December 2014\n\nKFC T20 BBL\n\n{standfirst}\n\nLatest Videos\n\n2:02\n"
    found = [(str(e.value)[:10], e.rule) for e in plaintext.extract(text.encode()) if e.field == "published"]
    assert found == [("2014-12-28", "story-date")]
    # No line of a story's length: nothing is the story, and no date is its.
    short = text.replace(standfirst, "Glenn Maxwell's unbelievable leave")
    assert values(short, "published") == []


def test_a_date_in_the_story_is_no_story_date() -> None:
    text = _PAGE_MENU + "\n" + _ONE_PARAGRAPH + "\nDecember 29, 2014\n\n" + _ONE_PARAGRAPH
    assert values(text, "published") == []


def test_a_list_of_stories_each_over_its_date_gives_no_headline_nor_date() -> None:
    listed = (
        "\nNissan Sentra debuts with a refreshed design\n\nNovember 20, 2015\n\nAUTO NEWS\n\n"
        "Boosted Nissan Sentra SR Turbo launched\n\nSeptember 12, 2016\n\n"
    )
    text = _PAGE_MENU + listed + _PAGE_STORY
    assert values(text, "title") == []
    assert values(text, "published") == []


# The headline of a pasted page whose story starts far below its header.

_MOST_READ = "".join(f"Council budget story number {i} is on the agenda\n\n" for i in range(4))
_GALLERY = "".join(f"Photo {i} of 50\n" for i in range(50))


def test_the_headline_over_the_byline_when_lists_stand_before_the_story() -> None:
    header = "Bridge to close for repairs after cracks found\n\nBy Jane Doe\nNov 13, 2019\n\nMost Popular\n\n"
    text = _PAGE_MENU + "\n" + header + _MOST_READ + _GALLERY + "\n" + _PAGE_STORY
    assert values(text, "title") == ["Bridge to close for repairs after cracks found"]


def test_a_section_label_over_the_headline_is_skipped() -> None:
    header = "\nWatch Live Coverage\n\nBridge to close for repairs after cracks found\n\nBy Jane Doe\nNov 13, 2019\n\n"
    assert values(_PAGE_MENU + header + _PAGE_STORY, "title") == ["Bridge to close for repairs after cracks found"]


def test_a_short_line_of_five_words_over_a_longer_one_is_unclear() -> None:
    # 'An Extraordinary Desert Residence' over its standfirst: which is the headline?
    header = (
        "\nAn Extraordinary Desert Home Tour\n\nArchitects craft a majestic modern sanctuary in the desert hills\n\n"
    )
    text = _PAGE_MENU + header + "By Jane Doe\nNov 13, 2019\n\n" + _PAGE_STORY
    assert values(text, "title") == []


def test_a_teaser_is_no_headline() -> None:
    header = "\nCouncils across the state are short of money for repairs... Read More\n\nBy Jane Doe\nNov 13, 2019\n\n"
    assert values(_PAGE_MENU + header + _PAGE_STORY, "title") == []


def test_a_labelled_date_with_its_weekday_before_a_numeric_date() -> None:
    text = "Bridge to close for repairs\n\nSubmitted on Mon, 2019-01-21 13:49\n\n" + _PAGE_STORY
    found = [(e.value, e.evidence) for e in extract(text.encode()) if e.field == "published"]
    assert found == [("2019-01-21", "Submitted on Mon, 2019-01-21 13:49")]


def test_a_label_with_its_date_in_brackets() -> None:
    text = "Bridge to close for repairs\n\n\uae30\uc0ac\uc785\ub825 :[ 2018-08-25 15:24 ]\n\n" + _PAGE_STORY
    assert values(text, "published") == ["2018-08-25"]


def test_a_name_over_the_story_that_its_closing_biography_names_is_the_author() -> None:
    bio = "\nJane Doe (@janedoe) is a freelance reporter covering the city's transport.\n"
    header = "\nBridge to close for repairs after cracks found\n\nJane Doe\nIdeas\n\n"
    assert values(_PAGE_MENU + header + _PAGE_STORY + bio, "author") == ["Jane Doe"]
    # A name alone that no biography names, or a biography of someone the page does not show
    # above the story, is no byline.
    assert values(_PAGE_MENU + header + _PAGE_STORY, "author") == []
    other = bio.replace("Jane Doe", "John Roe").replace("@janedoe", "@johnroe")
    assert values(_PAGE_MENU + header + _PAGE_STORY + other, "author") == []


def test_a_caption_under_the_headline_does_not_end_the_header() -> None:
    headline = "Bridge to close for repairs after cracks found"
    caption = (
        "The old bridge over the river is seen at night from the east bank in Springfield,"
        " where engineers found the cracks in its deck on Monday."
    )
    text = _PAGE_MENU + "\n" + headline + "\n\n" + caption + "\n\nMonday, December 29, 2014\n\n" + _PAGE_STORY
    doc = plaintext._Doc(text)
    title = plaintext._Hit("title", headline, text.index(headline), text.index(headline) + len(headline), "x")
    caption_line = doc.line_at(text.index(caption))
    assert plaintext._headline_date(doc, title, set()) == []  # a sentence: the story has begun
    assert [str(h.value) for h in plaintext._headline_date(doc, title, {caption_line})] == ["2014-12-29"]


def test_an_author_s_picture_s_name_run_into_the_byline_is_left_out() -> None:
    header = "Bridge to close for repairs after cracks found\n\n"
    byline = "Joanne Anderson By Joanne Anderson on December 24, 2014 at 8:17 AM"
    text = _PAGE_MENU + "\n" + header + byline + "\n\n" + _PAGE_STORY
    found = {e.field: e for e in plaintext.extract(text.encode())}
    assert (found["author"].value, found["author"].evidence) == ("Joanne Anderson", "Joanne Anderson")
    assert text.encode()[found["author"].start : found["author"].end] == b"Joanne Anderson"
    assert found["author"].start == text.index("By Joanne") + 3
    assert str(found["published"].value) == "2014-12-24"
    # A brand's name is no picture's ('Marc by Marc Jacobs'): the line is left as it is.
    assert plaintext._without_avatar(plaintext._split_lines("Marc by Marc Jacobs")[0]).text == "Marc by Marc Jacobs"
