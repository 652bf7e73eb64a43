"""archive.extract.html: what a news article's web page says about itself, with evidence.

The fixtures in tests/data/html are invented pages marked up the way real outlets mark up
articles (JSON-LD @graph, OpenGraph, figcaption credit lines, bylines, <time> headers), each
with a hand-written `.expected.json` beside it giving the full set of facts a careful reader
takes from the page, and nothing more. Facts compare as a set of (field, value) pairs: the
extractor reports a value once per source that states it, so corroboration stays visible.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.extract.api import Fact, Result
from archive.extract.html import FIELDS, MAX_BYTES, NAME, VERSION, extract

DATA = Path(__file__).resolve().parent / "data" / "html"
FIXTURES = sorted(DATA.glob("*.html"))

Pair = tuple[str, str]  # (field, value as canonical JSON)


def pairs(result: Result) -> set[Pair]:
    return {(f.field, json.dumps(f.value, sort_keys=True, ensure_ascii=False)) for f in result.facts}


def load_expected(path: Path) -> set[Pair]:
    """The facts in `name.expected.json`: {"note": why, "facts": [{"field", "value"}, ...]}."""
    loaded = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    items: list[dict[str, Any]] = loaded["facts"] if isinstance(loaded, dict) else loaded
    return {(i["field"], json.dumps(i["value"], sort_keys=True, ensure_ascii=False)) for i in items}


def assert_valid(data: bytes, result: Result) -> None:
    """Every fact is well formed and its evidence is exactly what it points at."""
    assert result.name == NAME
    assert result.version == VERSION
    for f in result.facts:
        assert f.field in FIELDS
        assert f.rule
        assert f.evidence.strip()
        if f.start is not None or f.end is not None:
            assert f.start is not None and f.end is not None
            assert 0 <= f.start < f.end <= len(data)
            assert f.evidence == data[f.start : f.end].decode("utf-8")
        else:
            assert f.key
        if f.field == "credit":
            assert isinstance(f.value, dict)
            assert set(f.value) <= {"photographer", "agency", "caption"}
            assert "photographer" in f.value or "agency" in f.value
            assert all(isinstance(v, str) and v for v in f.value.values())
        else:
            assert isinstance(f.value, str) and f.value
    for note in result.notes:
        assert note.note and note.reason
        assert "html extractor failed" not in note.reason  # the last-resort catch hides a bug


def values(result: Result, name: str) -> list[Any]:
    return [f.value for f in result.facts if f.field == name]


def facts_of(result: Result, name: str) -> list[Fact]:
    return [f for f in result.facts if f.field == name]


def page(head: str = "", body: str = "", *, lang: str = "en") -> bytes:
    """A minimal page around the given head and body markup."""
    lang_attr = f' lang="{lang}"' if lang else ""
    return (
        f'<!DOCTYPE html>\n<html{lang_attr}>\n<head>\n<meta charset="utf-8">\n{head}\n</head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    ).encode()


def jsonld(obj: Any) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj, ensure_ascii=False)}</script>'


STORY = (
    "<p>Officials said the strikes had continued through the night and into the morning, "
    "damaging several apartment buildings and a school in the north of the city.</p>\n"
    "<p>Rescue workers were still searching the rubble on Wednesday afternoon, the regional "
    "governor said, and the number of wounded was expected to rise.</p>\n"
)


def test_identity() -> None:
    assert NAME == "html"
    assert VERSION == "1.11.0"  # 1.11.0: glued credits, a photo's date before its agency, a Chinese source line


# ---------------------------------------------------------------------------------------
# Hand-read fixtures
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_full_reading(path: Path) -> None:
    data = path.read_bytes()
    result = extract(data)
    assert pairs(result) == load_expected(path)
    assert_valid(data, result)


def test_every_fixture_has_its_expectation() -> None:
    assert len(FIXTURES) >= 10
    for path in FIXTURES:
        assert path.with_suffix(".expected.json").is_file(), path


def test_fixture_in_windows_1251_really_is() -> None:
    data = (DATA / "cp1251.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert b"charset=windows-1251" in data
    result = extract(data)
    assert all(f.start is None for f in result.facts)  # no span can be UTF-8 here
    assert not [n for n in result.notes if "charset" in n.note or "undecodable" in n.note]


def test_cyrillic_credit_span_is_in_bytes() -> None:
    data = (DATA / "ukrainian.html").read_bytes()
    (credit,) = facts_of(extract(data), "credit")
    assert credit.start is not None and credit.end is not None
    assert data[credit.start : credit.end].decode() == "Фото: Олександр Коваль/Укрінформ"
    assert credit.start != data.decode().index("Фото: Олександр")  # bytes, not characters


def test_a_conflicting_date_gives_way_to_the_one_printed_below_the_headline() -> None:
    result = extract((DATA / "conflict_dates.html").read_bytes())
    by_key = {f.key: f.value for f in facts_of(result, "published")}
    assert by_key == {
        "visible date (div.article__meta)": "2022-03-23T21:40:00+02:00",
        "time[datetime] (header)": "2022-03-23T21:40:00+02:00",
    }
    assert [n.note for n in result.notes] == ["date not used"]  # the JSON-LD's, with its reason
    assert not [f for f in result.facts if f.rule == "htmldate"]


def test_citations_and_photo_agencies_are_not_the_outlet() -> None:
    result = extract((DATA / "cites_reuters_getty.html").read_bytes())
    assert values(result, "outlet") == []
    assert "Reuters" not in {f.value for f in result.facts if f.field != "credit"}


def test_update_is_modified_never_published() -> None:
    result = extract((DATA / "updated_dates.html").read_bytes())
    assert set(values(result, "published")) == {"2022-03-23T11:20:16.000Z"}
    assert set(values(result, "modified")) == {"2022-03-24T08:02:40.000Z"}
    keys = {f.key for f in facts_of(result, "modified")}
    assert keys == {"jsonld:ReportageNewsArticle.dateModified", "time[datetime] (header)"}


def test_malformed_fixture_notes_the_broken_json_ld() -> None:
    result = extract((DATA / "malformed.html").read_bytes())
    assert any(n.note == "JSON-LD not read" for n in result.notes)


def test_related_stories_are_not_read() -> None:
    result = extract((DATA / "nyt_graph.html").read_bytes())
    assert "John Smithers" not in values(result, "author")
    assert all(c.get("photographer") != "Jane Roe" for c in values(result, "credit"))


def test_agreeing_sources_share_one_value_with_their_own_evidence() -> None:
    result = extract((DATA / "guardian_og.html").read_bytes())
    outlets = {(f.key, f.value, f.evidence) for f in facts_of(result, "outlet")}
    assert outlets == {
        ("jsonld:NewsArticle.publisher.name", "The Guardian", "The Guardian"),
        ("og:site_name", "The Guardian", "the Guardian"),
        ("jsonld:Organization.name", "The Guardian", "The Guardian"),
        ("title suffix", "The Guardian", "The Guardian"),
        ("twitter:site", "The Guardian", "@guardian"),
        ("URL host", "The Guardian", "theguardian.com"),
    }


# ---------------------------------------------------------------------------------------
# Bad input never raises
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n\t  ",
        b"\x00\x01\x02\xff\xfe\xfd" * 50,
        b"just some words, no markup at all\n",
        b"<",
        b"<html",
        b"<html><body></body></html>",
        b"<!-- only a comment -->",
        b"<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>",
        b"<html>" + b"<div>" * 5000 + b"deep" + b"</div>" * 5000 + b"</html>",
        b"<html><head><meta charset='x-unknown-charset'></head><body><h1>T</h1></body></html>",
        b"<html><head><meta charset='rot13'></head><body><h1>T</h1></body></html>",
        b"<html><body><p>caf\xe9 \xff\xfe</p></body></html>",
        b"<html><body>\x00<h1>Nul</h1>\x00</body></html>",
        "\ufeff<html><body><h1>UTF-8 BOM</h1></body></html>".encode(),
        "\ufeff<html><body><h1>UTF-16 BOM</h1></body></html>".encode("utf-16-le"),
    ],
    ids=lambda d: repr(d[:24]),
)
def test_bad_input_never_raises(data: bytes) -> None:
    result = extract(data)
    assert_valid(data, result)


@pytest.mark.parametrize(
    "obj",
    [
        None,
        42,
        "a string",
        [],
        [1, "two", None],
        {"@graph": "not a list"},
        {"@graph": [{"@type": "NewsArticle", "publisher": [None, 3, {"@id": "#nowhere"}]}]},
        {"@type": ["NewsArticle", 7], "author": 5, "datePublished": ["2022-03-23", None, {"x": 1}]},
        {"@type": "NewsArticle", "image": ["https://x.example/a.jpg", {"caption": 3}], "headline": ["a", "b"]},
        {"@type": "NewsArticle", "author": {"@type": "Person", "name": {"@value": "Jane Doe"}}},
        {"@type": "NewsArticle", "datePublished": "yesterday", "dateModified": "0001-01-01T00:00:00Z"},
        {"@type": "NewsArticle", "inLanguage": {"@type": "Language", "name": "English"}},
    ],
)
def test_odd_json_ld_never_raises(obj: Any) -> None:
    data = page(jsonld(obj), "<article><h1>Headline here</h1>" + STORY + "</article>")
    assert_valid(data, extract(data))


def test_json_ld_odd_values_read_where_they_can_be() -> None:
    obj = {"@type": "NewsArticle", "author": {"@type": "Person", "name": {"@value": "Jane Doe"}}}
    assert values(extract(page(jsonld(obj))), "author") == ["Jane Doe"]


def test_unreadable_date_is_a_note() -> None:
    obj = {"@type": "NewsArticle", "datePublished": "yesterday"}
    result = extract(page(jsonld(obj)))
    assert values(result, "published") == []
    assert any(n.note == "date not read" and "yesterday" in n.reason for n in result.notes)


def test_too_large_is_refused_with_a_note() -> None:
    data = b"<html><body>" + b"x" * MAX_BYTES + b"</body></html>"
    result = extract(data)
    assert result.facts == ()
    assert [n.note for n in result.notes] == ["not extracted"]
    assert str(MAX_BYTES) in result.notes[0].reason


@pytest.mark.parametrize(("data", "why"), [(b"", "empty"), (b"no markup here", "no HTML markup")])
def test_nothing_to_read_says_why(data: bytes, why: str) -> None:
    result = extract(data)
    assert result.facts == ()
    assert any(why in n.reason for n in result.notes)


def test_undecodable_bytes_are_noted_not_fatal() -> None:
    data = page('<meta property="og:site_name" content="Kyiv Post">', "<p>caf\xe9</p>").replace(b"\xc3\xa9", b"\xe9")
    result = extract(data)
    assert values(result, "outlet") == ["Kyiv Post"]
    assert any(n.note == "undecodable bytes" for n in result.notes)


@pytest.mark.parametrize("label", ["x-unknown-charset", "rot13", "base64"])
def test_unknown_or_non_text_charset_is_read_as_utf8_with_a_note(label: str) -> None:
    data = f'<html><head><meta charset="{label}"><title>Київ</title></head><body></body></html>'.encode()
    result = extract(data)
    assert values(result, "title") == ["Київ"]
    (note,) = [n for n in result.notes if n.note == "decoded"]
    assert f"declares {label!r}, an unknown charset" in note.reason and "utf-8" in note.reason


def test_library_failure_becomes_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(trafilatura, "extract", broken)
    result = extract((DATA / "guardian_og.html").read_bytes())
    assert set(values(result, "outlet")) == {"The Guardian"}
    assert any("boom" in n.reason for n in result.notes)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(data: bytes) -> None:
    assert_valid(data, extract(data))


_JSON_KEYS = st.sampled_from(
    ["@type", "@id", "@graph", "name", "author", "publisher", "headline", "datePublished", "dateModified", "image",
     "caption", "creditText", "creator", "copyrightHolder", "inLanguage", "mainEntity", "alternateName", "@value"]
)  # fmt: skip
_JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(["NewsArticle", "Person", "Organization", "ImageObject", "#a", "#b", "2022-03-23T10:00:00Z"]),
    st.text(max_size=20),
)
_JSON = st.recursive(
    _JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_JSON_KEYS, inner, max_size=6),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(_JSON)
def test_random_json_ld_never_raises(obj: Any) -> None:
    data = page(jsonld(obj), "<article><h1>Headline here</h1>" + STORY + "</article>")
    assert_valid(data, extract(data))


_TAGS = st.sampled_from(
    [
        "<html>",
        "<head>",
        "<body>",
        "<article>",
        "</article>",
        "<h1>",
        "</h1>",
        "<figure>",
        "<figcaption>",
        "</figcaption>",
        "<p>",
        "<time datetime='2022-03-23T10:00:00Z'>",
        '<meta property="og:site_name" content="X">',
        '<meta name="author" content="Jane Doe">',
        '<script type="application/ld+json">{"@type":"NewsArticle",',
        "</script>",
        "Photo: Jane Doe/Reuters",
        "(AP Photo/Evan Vucci)",
        "By Jane Doe",
        "Updated ",
        "&amp;",
        "<",
        ">",
        '"',
        "\u0416",
        " ",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_TAGS, max_size=60).map("".join))
def test_random_markup_never_raises(markup: str) -> None:
    data = markup.encode()
    assert_valid(data, extract(data))


# ---------------------------------------------------------------------------------------
# outlet
# ---------------------------------------------------------------------------------------


def test_outlet_sources_that_disagree_are_all_reported() -> None:
    head = '<meta property="og:site_name" content="Kyiv Post">' + jsonld(
        {"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "Kyiv Daily"}}
    )
    assert sorted(values(extract(page(head)), "outlet")) == ["Kyiv Daily", "Kyiv Post"]


@pytest.mark.parametrize(
    ("site_name", "publisher"),
    [("the Guardian", "The Guardian"), ("GUARDIAN", "The Guardian"), ("Guardian.com", "The Guardian")],
)
def test_outlet_spellings_that_agree_share_a_value(site_name: str, publisher: str) -> None:
    head = f'<meta property="og:site_name" content="{site_name}">' + jsonld(
        {"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": publisher}}
    )
    assert values(extract(page(head)), "outlet") == [publisher, publisher]


def test_outlet_from_graph_reference_and_application_name() -> None:
    head = '<meta name="application-name" content="Kyiv Independent">' + jsonld(
        {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebPage", "@id": "https://k.example/a#page", "mainEntity": {"@id": "https://k.example/a"}},
                {"@type": "NewsArticle", "@id": "https://k.example/a", "publisher": {"@id": "https://k.example/#org"}},
                {"@type": "NewsMediaOrganization", "@id": "https://k.example/#org", "name": "The Kyiv Independent"},
            ],
        }
    )
    result = extract(page(head))
    assert {(f.key, f.value) for f in facts_of(result, "outlet")} == {
        ("jsonld:NewsArticle.publisher.name", "The Kyiv Independent"),
        ("meta[name=application-name]", "The Kyiv Independent"),
    }


def test_outlet_from_microdata() -> None:
    body = (
        '<article itemscope itemtype="https://schema.org/NewsArticle"><h1 itemprop="headline">Headline here</h1>'
        '<div itemprop="publisher" itemscope itemtype="https://schema.org/Organization">'
        '<meta itemprop="name" content="Zaporizhzhia Today"></div>'
        '<time itemprop="datePublished" datetime="2022-03-23T10:00:00+02:00">23 March</time>' + STORY + "</article>"
    )
    result = extract(page("", body))
    assert values(result, "outlet") == ["Zaporizhzhia Today"]
    assert values(result, "title") == ["Headline here"]
    assert set(values(result, "published")) == {"2022-03-23T10:00:00+02:00"}


@pytest.mark.parametrize(
    "obj",
    [
        # A cited or source article's publisher is another outlet.
        {"@type": "NewsArticle", "citation": {"@type": "NewsArticle", "publisher": {"name": "Reuters"}}},
        {"@type": "NewsArticle", "isBasedOn": {"@type": "NewsArticle", "publisher": {"name": "Reuters"}}},
        # The rights holder of the article or of its image is not the outlet.
        {"@type": "NewsArticle", "copyrightHolder": {"@type": "Organization", "name": "Nexstar Media Inc."}},
        {"@type": "NewsArticle", "image": {"@type": "ImageObject", "copyrightHolder": {"name": "Getty Images"}}},
        # An organisation as author is a byline, not the publisher.
        {"@type": "NewsArticle", "author": {"@type": "Organization", "name": "Associated Press"}},
        # A publisher that is not of an article (a page's organisation node) is not read.
        {"@type": "Organization", "name": "Some Group"},
    ],
)
def test_no_outlet_from_other_works_rights_holders_or_authors(obj: Any) -> None:
    assert values(extract(page(jsonld(obj), STORY)), "outlet") == []


def test_no_outlet_from_text_citations() -> None:
    body = "<article><h1>Strikes continue in the north</h1>" + STORY
    body += "<p>The strikes were first reported by Reuters, according to the New York Times.</p></article>"
    assert values(extract(page("", body)), "outlet") == []


# ---------------------------------------------------------------------------------------
# published, modified
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("2022-03-23T14:05:00-04:00", "2022-03-23T14:05:00-04:00"),
        ("2022-03-23T18:05:00.000Z", "2022-03-23T18:05:00.000Z"),  # a full ISO datetime as written
        ("2022-03-23T14:05:00+0000", "2022-03-23T14:05:00+00:00"),
        ("2022-03-23T14:05:00", "2022-03-23"),  # no zone: no instant, the date only
        ("2022-03-23 14:05", "2022-03-23"),
        ("2022-03-23", "2022-03-23"),
        ("Wed, 23 Mar 2022 18:32:00 GMT", "2022-03-23T18:32:00+00:00"),
    ],
)
def test_date_values(raw: str, value: str) -> None:
    head = f'<meta property="article:published_time" content="{raw}">'
    assert values(extract(page(head)), "published") == [value]


def test_same_instant_in_two_zones_is_one_value() -> None:
    head = '<meta property="article:published_time" content="2022-03-23T18:05:00Z">' + jsonld(
        {"@type": "NewsArticle", "datePublished": "2022-03-23T14:05:00-04:00"}
    )
    assert values(extract(page(head)), "published") == ["2022-03-23T14:05:00-04:00"] * 2


def test_date_agrees_with_its_datetime() -> None:
    head = '<meta property="article:published_time" content="2022-03-23">' + jsonld(
        {"@type": "NewsArticle", "datePublished": "2022-03-23T14:05:00-04:00"}
    )
    assert values(extract(page(head)), "published") == ["2022-03-23T14:05:00-04:00"] * 2


def test_modified_from_og_and_time_labels() -> None:
    head = '<meta property="article:modified_time" content="2022-03-24T09:00:00Z">'
    body = (
        '<article><header><h1>Headline here</h1><p>Published <time datetime="2022-03-23">March 23</time>'
        ' | Updated <time datetime="2022-03-24T09:00:00Z">March 24</time></p></header>' + STORY + "</article>"
    )
    result = extract(page(head, body))
    assert values(result, "published") == ["2022-03-23"]
    assert values(result, "modified") == ["2022-03-24T09:00:00Z"] * 2


def test_time_classed_updated_is_modified() -> None:
    body = (
        '<article><h1>Headline here</h1><time class="entry-date published" datetime="2022-03-23T10:00:00+02:00">'
        '23 March</time><time class="updated" datetime="2022-03-25T10:00:00+02:00">25 March</time>'
        + STORY
        + "</article>"
    )
    result = extract(page("", body))
    assert values(result, "published") == ["2022-03-23T10:00:00+02:00"]
    assert values(result, "modified") == ["2022-03-25T10:00:00+02:00"]


def test_times_in_the_story_are_not_the_article_dates() -> None:
    body = (
        "<article><h1>Headline here</h1>" + STORY + '<p>The war began on <time datetime="2022-02-24">24 '
        "February</time>.</p></article>"
    )
    assert values(extract(page("", body)), "published") == []


def test_htmldate_fills_in_only_without_explicit_dates() -> None:
    # htmldate reads the date in the URL-like data attribute; the JSON-LD says otherwise.
    body = '<article><h1>Headline here</h1><div data-date="2022-03-20">March 20</div>' + STORY + "</article>"
    explicit = extract(page(jsonld({"@type": "NewsArticle", "datePublished": "2022-03-23"}), body))
    assert values(explicit, "published") == ["2022-03-23"]
    bare = extract(page('<meta name="date" content="2022-03-20">', body))
    assert [(f.value, f.rule) for f in facts_of(bare, "published")] == [("2022-03-20", "htmldate")]


def test_the_visible_text_s_date_comes_before_htmldate_s_guess() -> None:
    # No markup states the date; the byline block prints it (a repost's header), and a reader's
    # comment further down has another day that htmldate would take.
    info = '<div class="m-bar">Max Blumenthal<br>The Grayzone<br>Thu, 14 May 2020 17:55 UTC</div>'
    comment = '<div class="comment"><span class="when">2023-12-25</span> Great piece.</div>'
    body = "<article><h1>Headline here</h1>" + info + STORY + "</article>" + comment
    found = facts_of(extract(page("", body)), "published")
    assert [(f.value, f.rule, f.key) for f in found] == [
        ("2020-05-14T17:55:00+00:00", "text:header-date", "visible text")
    ]
    # Where the text states no date either, htmldate still fills in.
    bare = extract(
        page('<meta name="date" content="2022-03-20">', "<article><h1>Headline here</h1>" + STORY + "</article>")
    )
    assert [(f.value, f.rule) for f in facts_of(bare, "published")] == [("2022-03-20", "htmldate")]


def test_the_visible_date_under_a_headline_below_the_menu() -> None:
    # No markup states the date; the date line stands under the headline, below a long menu: each
    # block is set apart as a browser's copy sets it.
    menu = "<ul>" + "".join(f"<li>{w}</li>" for w in ("News", "Politics", "World", "Sports", "Video", "Area")) + "</ul>"
    head = "<h1>Strikes hit the city overnight</h1><div>June 18, 2018 10:01 Dispatch: Kano/Nigeria</div>"
    found = facts_of(
        extract(page("", "<nav>" + menu * 6 + "</nav><article>" + head + STORY + "</article>")), "published"
    )
    assert [(f.value, f.rule) for f in found] == [("2018-06-18", "text:headline-date")]


def test_a_front_page_gets_no_date_from_htmldate() -> None:
    # A site's front page (canonical URL its root) lists stories: their dates are not its own.
    body = '<article><h1>Headline here</h1><div data-date="2022-03-20">March 20</div>' + STORY + "</article>"
    for canonical, want in (("https://news.example/", []), ("https://news.example/2022/03/story", ["2022-03-20"])):
        head = f'<link rel="canonical" href="{canonical}"><meta name="date" content="2022-03-20">'
        assert values(extract(page(head, body)), "published") == want


def test_a_front_page_has_no_headline() -> None:
    # Its og:title is the site's name in an edition's form, not a story's headline.
    head = '<meta property="og:url" content="https://uk.news.example/"><meta property="og:title" content="Valley UK">'
    assert values(extract(page(head, "<p>Top stories</p>")), "title") == []
    story = head.replace('example/"', 'example/2022/03/story"')
    assert values(extract(page(story, "<p>Top stories</p>")), "title") == ["Valley UK"]
    marked = head + '<meta property="og:type" content="article">'
    assert values(extract(page(marked, "<p>Top stories</p>")), "title") == ["Valley UK"]


def test_a_labelled_printed_date_is_preferred_to_metadata_of_another_day() -> None:
    body = '<article><h1>Headline here</h1><p class="date">Posted on March 20, 2022</p>' + STORY + "</article>"
    explicit = extract(page(jsonld({"@type": "NewsArticle", "datePublished": "2022-03-23"}), body))
    assert [(f.value, f.rule) for f in facts_of(explicit, "published")] == [("2022-03-20", "printed-as-printed")]
    assert [n.note for n in explicit.notes] == ["date not used"]


def test_htmldate_does_not_turn_the_update_into_publication() -> None:
    head = '<meta property="article:modified_time" content="2022-03-24T09:00:00Z">'
    body = "<article><h1>Headline here</h1>" + STORY + "</article>"
    result = extract(page(head, body))
    assert values(result, "published") == []
    assert values(result, "modified") == ["2022-03-24T09:00:00Z"]


# ---------------------------------------------------------------------------------------
# title
# ---------------------------------------------------------------------------------------


def test_title_preference_order() -> None:
    head = "<title>Page title - Site</title>" + '<meta property="og:title" content="OG title">'
    body = "<article><h1>H1 title</h1>" + STORY + "</article>"
    with_jsonld = extract(page(head + jsonld({"@type": "NewsArticle", "headline": "JSON-LD headline"}), body))
    assert [(f.value, f.key) for f in facts_of(with_jsonld, "title")] == [
        ("JSON-LD headline", "jsonld:NewsArticle.headline")
    ]
    assert values(extract(page(head, body)), "title") == ["OG title"]
    assert values(extract(page("<title>Page title - Site</title>", body)), "title") == ["H1 title"]
    assert values(extract(page("<title>Page title - Site</title>", STORY)), "title") == ["Page title - Site"]


def test_title_suffix_removed_only_when_it_is_the_outlet() -> None:
    head = (
        '<title>Port reopens | Business | Odesa Courier</title><meta property="og:site_name" content="Odesa Courier">'
    )
    assert values(extract(page(head, STORY)), "title") == ["Port reopens | Business"]


def test_h1_outside_an_article_only_when_it_is_the_only_one() -> None:
    body = "<h1>Site name</h1><main><h1>Story headline</h1>" + STORY + "</main><h1>Other</h1>"
    assert values(extract(page("", body)), "title") == ["Story headline"]  # the only one in <main>
    body = "<h1>Site name</h1><div><h1>Story headline</h1>" + STORY + "</div>"
    assert values(extract(page("", body)), "title") == []  # which is the headline is unclear


# ---------------------------------------------------------------------------------------
# author
# ---------------------------------------------------------------------------------------


def test_authors_from_every_source_deduplicated() -> None:
    head = (
        '<meta name="author" content="Jane Doe, John Roe">'
        '<meta property="article:author" content="https://www.facebook.com/janedoe">'
        '<meta property="article:author" content="Olena Koval">'
        + jsonld({"@type": "NewsArticle", "author": [{"@type": "Person", "name": "Jane Doe"}, "JOHN ROE"]})
    )
    body = (
        '<article><h1>Headline here</h1><p class="byline">By <a rel="author" href="/jane">Jane Doe</a> and '
        '<a rel="author" href="/petro">Petro Melnyk</a></p>' + STORY + "</article>"
    )
    result = extract(page(head, body))
    # Meta names that neither the JSON-LD nor the visible byline states (Olena Koval) are left out:
    # CMSs fill meta author with the publisher or a desk editor.
    assert values(result, "author") == ["Jane Doe", "John Roe", "Petro Melnyk"]


def test_publisher_as_author_is_no_byline_but_an_agency_is() -> None:
    obj = {
        "@type": "NewsArticle",
        "publisher": {"@type": "Organization", "name": "Kyiv Post"},
        "author": [{"@type": "Organization", "name": "Kyiv Post"}, {"@type": "Organization", "name": "Reuters"}],
    }
    result = extract(page(jsonld(obj)))
    assert values(result, "author") == ["Reuters"]
    assert values(result, "outlet") == ["Kyiv Post"]


@pytest.mark.parametrize(
    "content", ["https://www.example.com/profile/jane", "newsroom@example.com", "Staff", "The Editorial Board"]
)
def test_meta_author_that_is_not_a_person_is_dropped(content: str) -> None:
    assert values(extract(page(f'<meta name="author" content="{content}">')), "author") == []


def test_bylines_in_asides_and_figures_are_not_authors() -> None:
    body = (
        '<article><h1>Headline here</h1><figure><img src="a.jpg"><figcaption>A street.'
        ' <span itemprop="author">Maria Lenko</span></figcaption></figure>' + STORY + "</article>"
        '<aside><p class="byline">By Someone Else</p></aside>'
    )
    assert values(extract(page("", body)), "author") == []


# ---------------------------------------------------------------------------------------
# url, language
# ---------------------------------------------------------------------------------------


def test_canonical_url_relative_needs_base_url() -> None:
    data = page('<link rel="canonical" href="/news/story-1">')
    assert values(extract(data), "url") == []
    assert values(extract(data, base_url="https://k.example/section/"), "url") == ["https://k.example/news/story-1"]


@pytest.mark.parametrize("href", ["javascript:alert(1)", "ftp://k.example/x", "mailto:a@b.c", "//k.example/x"])
def test_only_absolute_http_urls(href: str) -> None:
    assert values(extract(page(f'<link rel="canonical" href="{href}">')), "url") == []


def test_canonical_and_og_url_that_differ_are_both_reported() -> None:
    head = '<link rel="canonical" href="https://k.example/a"><meta property="og:url" content="https://k.example/b">'
    assert values(extract(page(head)), "url") == ["https://k.example/a", "https://k.example/b"]


@pytest.mark.parametrize(
    ("lang", "locale", "expected"),
    [
        ("en", "en_US", ["en-US", "en-US"]),
        ("EN-gb", "", ["en-GB"]),
        ("en-GB", "en_US", ["en-GB", "en-US"]),
        ("uk", "ru_RU", ["uk", "ru-RU"]),
        ("zh-hant-tw", "", ["zh-Hant-TW"]),
        ("", "", []),
        ("x-default", "", []),
        ("und", "", []),
    ],
)
def test_language(lang: str, locale: str, expected: list[str]) -> None:
    head = f'<meta property="og:locale" content="{locale}">' if locale else ""
    assert values(extract(page(head, lang=lang)), "language") == expected


# ---------------------------------------------------------------------------------------
# credit
# ---------------------------------------------------------------------------------------


def figure(caption: str, extra: str = "") -> str:
    return f'<figure><img src="a.jpg">{extra}<figcaption>{caption}</figcaption></figure>'


@pytest.mark.parametrize(
    ("caption", "credit"),
    [
        (
            "Soldiers in Kyiv on Monday. Photograph: Jane Doe/Reuters",
            {"photographer": "Jane Doe", "agency": "Reuters", "caption": "Soldiers in Kyiv on Monday."},
        ),
        (
            "Soldiers in Kyiv on Monday. Jane Doe / AP",
            {"photographer": "Jane Doe", "agency": "AP", "caption": "Soldiers in Kyiv on Monday."},
        ),
        (
            "Soldiers in Kyiv on Monday. (AP Photo/Evan Vucci)",
            {"photographer": "Evan Vucci", "agency": "AP", "caption": "Soldiers in Kyiv on Monday."},
        ),
        (
            "Soldiers in Kyiv on Monday. Getty Images",
            {"agency": "Getty Images", "caption": "Soldiers in Kyiv on Monday."},
        ),
        (
            "Soldiers in Kyiv on Monday. Credit: Jane Doe for The Kyiv Independent",
            {"photographer": "Jane Doe", "agency": "The Kyiv Independent", "caption": "Soldiers in Kyiv on Monday."},
        ),
        (
            "Soldiers in Kyiv on Monday.Credit...Sergei Supinsky/Agence France-Presse — Getty Images",
            {
                "photographer": "Sergei Supinsky",
                "agency": "Agence France-Presse — Getty Images",
                "caption": "Soldiers in Kyiv on Monday.",
            },
        ),
        ("Фото: Укрінформ", {"agency": "Укрінформ"}),
    ],
)
def test_figcaption_credits(caption: str, credit: dict[str, str]) -> None:
    body = "<article><h1>Headline here</h1>" + figure(caption) + STORY + "</article>"
    assert values(extract(page("", body)), "credit") == [credit]


@pytest.mark.parametrize(
    "caption",
    [
        "Soldiers in Kyiv on Monday.",
        "The report was shared 24/7 and/or posted at 3/16.",
        "Image shows a damaged building.",
        "Image: A view of the city from the tower.",
        "The family at home. Photo: Courtesy of the family",
    ],
)
def test_captions_without_credit_give_none(caption: str) -> None:
    body = "<article><h1>Headline here</h1>" + figure(caption) + STORY + "</article>"
    assert values(extract(page("", body)), "credit") == []


def test_credit_elements_beside_the_caption() -> None:
    extra = '<span class="image-credit">Photo: Olena Koval/Suspilne</span>'
    body = "<article><h1>Headline here</h1>" + figure("Soldiers in Kyiv on Monday.", extra) + STORY + "</article>"
    result = extract(page("", body))
    (credit,) = facts_of(result, "credit")
    assert credit.value == {
        "photographer": "Olena Koval",
        "agency": "Suspilne",
        "caption": "Soldiers in Kyiv on Monday.",
    }
    assert credit.key == "figure .credit"


def test_itemprop_credit_slots() -> None:
    caption = (
        'A checkpoint. <span itemprop="creator">Olena Koval</span> / <span itemprop="copyrightHolder">Suspilne</span>'
    )
    body = "<article><h1>Headline here</h1>" + figure(caption) + STORY + "</article>"
    (credit,) = facts_of(extract(page("", body)), "credit")
    assert credit.value == {"photographer": "Olena Koval", "agency": "Suspilne", "caption": "A checkpoint."}
    assert (credit.key, credit.evidence) == ("figure [itemprop]", "Olena Koval | Suspilne")


def test_json_ld_and_figcaption_credit_reported_once() -> None:
    image = {
        "@type": "ImageObject",
        "url": "https://k.example/a.jpg",
        "caption": "Soldiers in Kyiv on Monday.",
        "creditText": "Jane Doe/Reuters",
    }
    head = jsonld({"@type": "NewsArticle", "image": image})
    body = "<article><h1>Headline here</h1>" + figure("Soldiers in Kyiv on Monday. Jane Doe/Reuters") + STORY
    result = extract(page(head, body + "</article>"))
    assert values(result, "credit") == [
        {"photographer": "Jane Doe", "agency": "Reuters", "caption": "Soldiers in Kyiv on Monday."}
    ]


def test_same_photographer_on_two_photos_is_two_credits() -> None:
    body = "<article><h1>Headline here</h1>"
    body += figure("A checkpoint. (AP Photo/Evan Vucci)") + figure("A train station. (AP Photo/Evan Vucci)")
    result = extract(page("", body + STORY + "</article>"))
    assert [c["caption"] for c in values(result, "credit")] == ["A checkpoint.", "A train station."]


def test_json_ld_credit_text_completed_by_its_rights_holder() -> None:
    image = {
        "@type": "ImageObject",
        "creditText": "Olena Koval",
        "copyrightHolder": {"@type": "Organization", "name": "Suspilne"},
        "creator": {"@type": "Person", "name": "Someone Else"},  # the credit line names the photographer
    }
    (credit,) = facts_of(extract(page(jsonld({"@type": "NewsArticle", "image": image}))), "credit")
    assert credit.value == {"photographer": "Olena Koval", "agency": "Suspilne"}
    assert (credit.key, credit.evidence) == (
        "jsonld:NewsArticle.image.creditText+copyrightHolder.name",
        "Olena Koval | Suspilne",
    )


def test_json_ld_image_via_graph_reference() -> None:
    obj = {
        "@graph": [
            {"@type": "NewsArticle", "image": {"@id": "https://k.example/#primaryimage"}},
            {
                "@type": "ImageObject",
                "@id": "https://k.example/#primaryimage",
                "caption": "Soldiers in Kyiv on Monday.",
                "creator": {"@type": "Person", "name": "Olena Koval"},
                "copyrightHolder": {"@type": "Organization", "name": "Suspilne"},
            },
        ]
    }
    (credit,) = facts_of(extract(page(jsonld(obj))), "credit")
    assert credit.value == {
        "photographer": "Olena Koval",
        "agency": "Suspilne",
        "caption": "Soldiers in Kyiv on Monday.",
    }
    assert credit.key == "jsonld:NewsArticle.image.creator.name+copyrightHolder.name"
    assert credit.start is None


def test_figcaption_credit_span_in_bytes_with_bom() -> None:
    data = b"\xef\xbb\xbf" + page("", "<article><h1>Headline</h1>" + figure("A street. Jane Doe/AP") + "</article>")
    (credit,) = facts_of(extract(data), "credit")
    assert credit.start is not None and credit.end is not None
    assert data[credit.start : credit.end] == b"Jane Doe/AP"


# ---------------------------------------------------------------------------------------
# The main text
# ---------------------------------------------------------------------------------------

WIRE_STORY = (
    "<article><h1>Russian rockets hit Lviv</h1>"
    "<p>LVIV, Ukraine (AP) \u2014 Russian rockets struck the western city of Lviv on Saturday, officials "
    "said, as Ukrainian forces pressed counterattacks around Kyiv and in the south of the country.</p>" + STORY
)


def test_text_gives_what_the_markup_does_not() -> None:
    result = extract(page("", WIRE_STORY + "</article>"))
    (outlet,) = facts_of(result, "outlet")
    assert (outlet.value, outlet.rule, outlet.key) == ("The Associated Press", "text:dateline", "trafilatura-text")
    assert outlet.start is None and outlet.evidence == "LVIV, Ukraine (AP) \u2014"


def test_text_does_not_add_to_fields_the_markup_gave() -> None:
    head = '<meta property="og:site_name" content="Yahoo News">'
    result = extract(page(head, WIRE_STORY + "</article>"))
    assert values(result, "outlet") == ["Yahoo News"]


def test_a_200_kb_page_is_read() -> None:
    template = (DATA / "nyt_graph.html").read_bytes()
    filler = STORY.encode() * 700
    data = template.replace(b"</section>", filler + b"</section>", 1)
    assert len(data) > 200_000
    result = extract(data)  # its speed is measured by bench/, not asserted here
    assert values(result, "title") == ["U.S. Formally Accuses Russia of War Crimes in Ukraine"]


@pytest.mark.parametrize(
    ("site_name", "outlet"),
    [
        ("LinkNaija | Nigeria's popular news platform", "LinkNaija"),
        ("Autoracing | F1 | Indy | MotoGP | Stock", "Autoracing"),
        ("Remember 80/90 - Memorabilia anni 80/90", "Remember 80/90"),
        ("Better Homes & Gardens", "Better Homes & Gardens"),
    ],
)
def test_a_site_name_loses_its_tagline(site_name: str, outlet: str) -> None:
    data = f'<html><head><meta property="og:site_name" content="{site_name}"></head><body></body></html>'.encode()
    assert values(extract(data), "outlet") == [outlet]


def test_a_blogging_platform_is_not_the_outlet() -> None:
    data = b'<html><head><meta property="og:site_name" content="Blogger"></head><body></body></html>'
    assert values(extract(data), "outlet") == []


def test_a_utc_time_element_is_given_in_the_zone_it_prints() -> None:
    data = (
        b'<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"Hansen warns",'
        b'"datePublished":"2023-11-02T19:53:52.000Z"}</script></head><body><article><h1>Hansen warns</h1>'
        b'<time datetime="2023-11-02T19:53:52.000Z">November 2, 2023 3:53 PM EDT</time>'
        b"<p>A long first paragraph of the story, long enough to be the story and not its header.</p>"
        b"</article></body></html>"
    )
    # The same instant (to the minute), given as printed: the outlet's local time, to the minute it states.
    assert set(values(extract(data), "published")) == {"2023-11-02T15:53:00-04:00"}


def test_a_printed_time_of_another_instant_is_the_one_given() -> None:
    data = (
        b"<html><head></head><body><article><h1>Hansen warns</h1>"
        b'<time datetime="2023-11-02T19:53:52Z">November 2, 2023 9:00 AM EDT</time>'
        b"<p>A long first paragraph of the story, long enough to be the story and not its header.</p>"
        b"</article></body></html>"
    )
    result = extract(data)
    assert values(result, "published") == ["2023-11-02T09:00:00-04:00"]  # the header's <time>, as printed
    assert [n.note for n in result.notes] == ["date not used"]
