"""Bylines (issue 10): the authors of THIS article, and nothing else, in pasted text and in HTML.

Hand-made snippets of the general forms outlets use; no corpus page is copied here.
"""

from __future__ import annotations

import json

import pytest

from archive.extract import html, plaintext
from archive.extract.common import bylines

STORY = (
    "The committee met on Tuesday to review the evidence that the investigators had gathered over the past year in"
    " four regions of the country.\n\n"
    "Officials said that the findings would be published in full once the review had been completed and the"
    " witnesses had been heard next month.\n\n"
)
NAV = "Home\nWorld\nBusiness\nSport\nCulture\nOpinion\nVideo\nPodcasts\nNewsletters\nSearch\nSign in\nMenu\nMore\n"
HEADLINE = "Investigators Present Their Findings to the Committee"


def authors(text: str) -> list[str]:
    return [str(e.value) for e in plaintext.extract(text.encode("utf-8")) if e.field == "author"]


# ---------------------------------------------------------------------------------------
# where a byline's names end
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Jane Doe December 29, 2014 4:08 pm EST", "Jane Doe"),
        ("Jane Doe, Staff Writer | October 29, 2014 07:38am ET", "Jane Doe, Staff Writer"),
        ("Jane Doe2010-01-01 09:32:17 UTC", "Jane Doe"),
        ("Jane Doe@janedoe", "Jane Doe"),
        ("Jane Doe | jdoe@example.com", "Jane Doe"),
        ("Jane DoeView More Articles", "Jane Doe"),
        ("Jane DoeStaff Writer", "Jane Doe"),
        ("Jane Doe on Dec 26, 2014 2:15pm", "Jane Doe"),
        ("Jane Doe & John Roe / Published 30th December 2014", "Jane Doe & John Roe"),
        ("Jane Doe Updated Nov 13, 2019", "Jane Doe"),
        ("Jane Doe Follow @janedoe", "Jane Doe"),
        ("April P. Bernard", "April P. Bernard"),  # a month's name that is a first name
        ("Jane Doe", "Jane Doe"),
    ],
)
def test_names_end(text: str, names: str) -> None:
    assert text[: bylines.names_end(text)] == names


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        ("By Jane Doe, CNN", "CNN"),
        ("Jane Doe / Chicago Tribune", "Chicago Tribune"),
        ("By Jane Doe | Reuters", "Reuters"),
        ("Reporter, HuffPost", "HuffPost"),
        ("By Jane Doe, Example Staff", "Example"),
        ("By Jane Doe | Special to the Example Press", "Example Press"),
        ("Le Monde with AFP", "Le Monde"),
        ("By Jane Doe", None),
        ("By Jane Doe, Staff Writer", None),
        ("By Jane Doe December 29, 2014", None),
    ],
)
def test_byline_outlet(text: str, outlet: str | None) -> None:
    assert bylines.byline_outlet(text) == outlet


@pytest.mark.parametrize("name", ["News Nation Bureau", "Example Fool Staff", "Reuters Staff", "admin", "Web Desk"])
def test_desks_and_accounts_are_no_authors(name: str) -> None:
    assert bylines.is_desk(name)
    assert not bylines.is_org_byline(name)


@pytest.mark.parametrize("text", ["Share This Article", "See All Articles", "Email Me", "View Author Archive"])
def test_interface_text(text: str) -> None:
    assert bylines.is_interface(text)
    assert authors(f"{HEADLINE}\nBy {text}\n\n{STORY}") == []


@pytest.mark.parametrize("text", ["Any Means Necessary", "Every Measure", "Some Accounts"])
def test_a_phrase_after_by_that_opens_with_a_determiner_is_no_name(text: str) -> None:
    # 'By Any Means Necessary': a radio show's name in a menu.
    assert authors(f"{HEADLINE}\nBy {text}\n\n{STORY}") == []


# ---------------------------------------------------------------------------------------
# pasted pages
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("By Jane Doe December 29, 2014 4:08 pm EST", ["Jane Doe"]),
        ("By\nJane Doe", ["Jane Doe"]),  # 'By' alone, the name on the next line
        ("By:\n\nJane Doe", ["Jane Doe"]),
        ("by: Jane Doe", ["Jane Doe"]),
        ("Author(s):\nJane Doe", ["Jane Doe"]),
        ("BY JANE DOE", ["Jane Doe"]),
        ("Jane Doe | Education Editor", ["Jane Doe"]),
        ("By Jane Doe, John Roe, and Jim Poe, Example News", ["Jane Doe", "John Roe", "Jim Poe"]),
        ("By Lynne Roe MD", ["Lynne Roe"]),
        ("Jane Doe - Nov 19, 2019, 10:31 pm CST", ["Jane Doe"]),  # a bare name under the headline
        ("Jane Doe\nDec. 29, 2014, 5:39 PM", ["Jane Doe"]),
        ("Monday November 18, 2019 7:45 am PST by Jane Doe", ["Jane Doe"]),
        ("Reuters November 18, 2019 11:03 PM", ["Reuters"]),  # a wire agency as the byline
        ("By Human Rights Watch", ["Human Rights Watch"]),
        ("By Example Staff", []),
        ("By Example News Bureau", []),
        ("Le Monde with AFP", []),  # an outlet and an agency, not a person
        ("By J.K. Roe and Jane Doe", ["J.K. Roe", "Jane Doe"]),
        ("ByJane Doe", ["Jane Doe"]),
        ("By Regan September 15, 2014", ["Regan"]),  # one name after 'By'
        ('By Jane "Janie Mae" Doe November 19, 2023 7:18 pm', ['Jane "Janie Mae" Doe']),  # a nickname
        ("By Tuesday", []),
        ("Jane Doe @janedoe / 2 days", ["Jane Doe"]),
        ("Jane DoeView More Articles", ["Jane Doe"]),
        ("Jane Doe\nJane Doe", ["Jane Doe"]),  # the author's picture's text, then the name
        ("Jane Doe\nPolitical Commentator\nSee All Articles", ["Jane Doe"]),  # an author's box
        ("Jane Doe\nPhotographer", []),  # a photographer's box
        ("Jane Doe\nLung Cancer Expert", []),  # an expert's, who wrote nothing here
        ("Jane Doe", []),  # a bare name alone, no date nor mark: maybe a caption's subject
        ("Jane Doe\nJohn Roe", []),
        ("What We Are Reading This Week\nMarch 3, 2024", []),
        ("New Delhi, Example News Bureau | Updated : 19 November 2019, 09:01 AM", []),  # a place and a desk
        ("North Korea 09:31 August 20, 2019", []),  # a section's place and the date
        ("Analysis by Jane Doe, Example Senior Analyst", ["Jane Doe"]),
        ("Autori: Jane Doe (Example News Editor)", ["Jane Doe"]),
        ("Jane Doe\nThe Example Zone\nThu, 14 May 2020 17:55 UTC", ["Jane Doe"]),  # name, outlet, date
        ("July 24, 2014 -- Updated 1207 GMT Edited by Jane Doe in London", []),  # an editor's credit
        ("Example Roundtable @ Example Fair", []),  # "@ " is no handle
    ],
)
def test_byline_forms_in_a_pasted_page(byline: str, expected: list[str]) -> None:
    text = f"{NAV}\n{HEADLINE}\n\n{byline}\n\n{STORY}"
    assert authors(text) == expected


def test_a_byline_under_the_standfirst() -> None:
    standfirst = "A year of work by the investigators ends with a report that names the officials who gave the orders."
    assert authors(f"{NAV}\n{HEADLINE}\n\n{standfirst}\n\nJane Doe\n\nMarch 3, 2024\n\n{STORY}") == ["Jane Doe"]


def test_a_menu_item_twice_far_above_the_story_is_no_byline() -> None:
    menu = "Sell more tickets with flexible ticketing software\n\nData Solutions\n\nData Solutions\n\n"
    menu += "Make smarter decisions with data\n\nSuccess\n\nSupport\n\nAbout us\n\n"
    assert authors(f"{NAV}\n{menu}{HEADLINE}\n\n{STORY}") == []
    assert authors(f"{NAV}\n{HEADLINE}\n\nJane Doe\nJane Doe\n\nShare\n\n{STORY}") == ["Jane Doe"]


def test_a_place_beside_a_date_line_is_no_byline() -> None:
    # 'Los Angeles' over a date reads like a name, but nothing places it under a headline.
    text = f"{NAV}\nLos Angeles\nMarch 3, 2024\n\n{STORY}"
    assert authors(text) == []


def test_the_byline_nearest_the_story_wins_over_promos() -> None:
    promos = "Trending now\n\nThe Other Story Everyone Is Reading Today\nBy John Roe\n\n"
    text = f"{NAV}\n{promos}{HEADLINE}\n\nBy Jane Doe\n\n{STORY}Related\n\nAnother Story Here\nBy Jim Poe\n"
    assert authors(text) == ["Jane Doe"]


def test_a_closing_reporting_credit_counts_only_without_a_byline() -> None:
    credit = "(Reporting by John Roe; Editing by Jim Poe)\n"
    assert authors(f"{HEADLINE}\n\nReuters\nMarch 3, 2024\n\n{STORY}{credit}") == ["Reuters"]
    assert authors(f"{HEADLINE}\n\n{STORY}{credit}") == ["John Roe"]


# ---------------------------------------------------------------------------------------
# HTML pages
# ---------------------------------------------------------------------------------------

PARAGRAPH = (
    "<p>The committee met on Tuesday to review the evidence that the investigators had gathered over the past"
    " year in four regions of the country, and it heard the first witnesses.</p>"
)


def page(head: str = "", body: str = "") -> bytes:
    return f"<!doctype html><html><head><title>T</title>{head}</head><body>{body}</body></html>".encode()


def jsonld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def html_authors(data: bytes) -> list[str]:
    return [str(f.value) for f in html.extract(data).facts if f.field == "author"]


def article(byline: str, *, after: str = "") -> bytes:
    return page("", f"<article><h1>{HEADLINE}</h1>{byline}{PARAGRAPH * 3}{after}</article>")


def test_element_texts_are_joined_with_a_boundary() -> None:
    byline = '<div class="author-bio"><span>Biography</span><a>Jane Doe</a><span>Staff Writer</span></div>'
    assert html_authors(article(byline)) == ["Jane Doe"]
    # A letter-spacing span goes on the same word.
    assert html_authors(article('<p class="byline">By <a>Jane Do<span>e</span></a></p>')) == ["Jane Doe"]


@pytest.mark.parametrize(
    "line", ["Link Copied", "View Author Archive", "No Author", "Share This Article", "See All Articles", "Email Me"]
)
def test_interface_text_in_a_byline_element_is_no_name(line: str) -> None:
    byline = f'<div class="byline"><p>By Jane Doe</p><p>{line}</p></div>'
    assert html_authors(article(byline)) == ["Jane Doe"]


def test_a_by_prefix_and_a_label_are_no_part_of_a_name() -> None:
    assert html_authors(article('<span itemprop="author">By Jane Doe</span>')) == ["Jane Doe"]
    assert html_authors(article('<span class="byline">Text: Jane Doe</span>')) == ["Jane Doe"]


def test_an_interviewers_note_is_no_byline() -> None:
    assert html_authors(article('<p class="byline">Recueilli par Jane Doe</p>')) == []


def test_desks_and_accounts_are_no_authors_in_html() -> None:
    for name in ("News Nation Bureau", "Example Staff", "admin"):
        obj = {"@type": "NewsArticle", "headline": HEADLINE, "author": {"@type": "Person", "name": name}}
        assert html_authors(page(jsonld(obj))) == []


def test_meta_author_naming_the_outlet_or_a_url_is_dropped() -> None:
    head = '<meta property="og:site_name" content="Example Times"><meta name="author" content="Example Times">'
    assert html_authors(page(head)) == []
    head = '<meta property="article:author" content="https://www.facebook.com/example">'
    assert html_authors(page(head)) == []


def test_meta_author_only_when_it_agrees_with_the_byline() -> None:
    head = '<meta name="author" content="John Roe">'
    assert html_authors(page(head, f"<article><h1>{HEADLINE}</h1>{PARAGRAPH}</article>")) == ["John Roe"]
    body = f'<article><h1>{HEADLINE}</h1><p class="byline">By Jane Doe</p>{PARAGRAPH}</article>'
    assert html_authors(page(head, body)) == ["Jane Doe"]  # the desk editor in meta is not the byline


def test_authors_of_related_articles_in_json_ld_are_not_ours() -> None:
    ours = {"@type": "NewsArticle", "headline": HEADLINE, "author": {"@type": "Person", "name": "Jane Doe"}}
    other = {"@type": "NewsArticle", "headline": "Another Story", "author": {"@type": "Person", "name": "John Roe"}}
    body = f"<article><h1>{HEADLINE}</h1>{PARAGRAPH}</article>"
    assert html_authors(page(jsonld([ours, other]), body)) == ["Jane Doe"]


def test_bylines_in_widgets_far_from_the_headline_are_not_ours() -> None:
    widget = "".join(f'<div><h3>Story {i}</h3><a rel="author">John Roe{i}</a></div>' for i in range(3))
    related = f'<div class="related-stories">{widget}</div>'
    far = '<p class="byline">By Jim Poe</p>'  # after thousands of characters of story: another story's
    data = article('<p class="byline">By Jane Doe</p>', after=related + PARAGRAPH * 20 + far)
    assert html_authors(data) == ["Jane Doe"]


def test_a_photo_byline_is_a_credit_not_an_author() -> None:
    photo = '<div class="photo-wrap"><img src="a.jpg"><span class="byline">Jim Poe</span></div>'
    assert html_authors(article('<p class="byline">By Jane Doe</p>' + photo)) == ["Jane Doe"]


def test_an_affiliation_under_the_name_is_no_author_but_a_wire_byline_is() -> None:
    byline = '<div class="byline"><p>By JANE DOE</p></div><p class="byline">Associated Press</p>'
    assert html_authors(article(byline)) == ["Jane Doe"]
    assert html_authors(article('<p class="byline">Associated Press</p>')) == ["Associated Press"]


@pytest.mark.parametrize("name", ["kevin-r", "jdoe_1", "gto", "As"])
def test_a_json_ld_login_is_no_name(name: str) -> None:
    obj = {"@type": "NewsArticle", "headline": HEADLINE, "author": {"@type": "Person", "name": name}}
    assert html_authors(page(jsonld(obj))) == []


def test_a_json_ld_name_as_written_is_kept() -> None:
    for name in ("Regan", "\uc815\ub355\ud604"):  # one word; a script without case
        obj = {"@type": "NewsArticle", "headline": HEADLINE, "author": {"@type": "Person", "name": name}}
        assert html_authors(page(jsonld(obj))) == [name]


def test_a_name_printed_twice_is_one_name() -> None:
    assert html_authors(article('<p class="byline">By <a>Jane Doe</a> <span>Jane Doe</span></p>')) == ["Jane Doe"]


def test_a_list_of_stories_has_no_byline() -> None:
    items = "".join(
        f'<div class="card"><h2>Story number {i} of the day</h2><p class="byline">By {name}</p></div>'
        for i, name in enumerate(["Jane Doe", "John Roe", "Jim Poe", "Ann Moe"])
    )
    head = '<meta name="author" content="Example Media Group">'
    assert html_authors(page(head, f"<h1>Example Home</h1>{items}")) == []


def test_a_json_ld_creator_is_the_author_where_no_author_is_given() -> None:
    creator = {"@type": "NewsArticle", "headline": HEADLINE, "creator": "Jane Doe"}
    assert html_authors(page(jsonld(creator))) == ["Jane Doe"]
    both = {**creator, "author": {"@type": "Person", "name": "John Roe"}}
    assert html_authors(page(jsonld(both))) == ["John Roe"]  # author is the narrower statement


@pytest.mark.parametrize("name", ["XY Contributor", "Letters to the Editor", "Example Senior Writer"])
def test_a_json_ld_account_named_for_its_role_is_no_author(name: str) -> None:
    obj = {"@type": "NewsArticle", "headline": HEADLINE, "author": {"@type": "Person", "name": name}}
    assert html_authors(page(jsonld(obj))) == []


def parsely(obj: object) -> str:
    return f"<meta name='parsely-page' content='{json.dumps(obj)}'>"


def test_parsely_page_metadata_names_the_author_as_meta_author_does() -> None:
    head = parsely({"title": HEADLINE, "author": "Jane Doe | jdoe@example.com", "tags": ["a"]})
    assert html_authors(page(head, f"<article><h1>{HEADLINE}</h1>{PARAGRAPH}</article>")) == ["Jane Doe"]
    assert html_authors(page(parsely({"authors": ["Jane Doe", "John Roe"]}))) == ["Jane Doe", "John Roe"]
    # Like meta author, it gives way to a byline that names someone else, and a desk is no author.
    assert html_authors(article('<p class="byline">By Jim Poe</p>')) == ["Jim Poe"]
    assert html_authors(page(head, f"<article><h1>{HEADLINE}</h1><p class='byline'>By Jim Poe</p></article>")) == [
        "Jim Poe"
    ]
    assert html_authors(page(parsely({"author": "National Desk"}))) == []
    assert html_authors(page("<meta name='parsely-page' content='{\"author\": \"Jane Doe\"'>")) == []  # no JSON


def test_a_by_line_class_spelt_in_two_words_is_a_byline() -> None:
    for spelling in ("by_line_date", "by-line"):
        byline = f'<div class="{spelling}">by Jane Doe, Staff Writer | October 29, 2014 07:38am ET</div>'
        assert html_authors(article(byline)) == ["Jane Doe"]
    assert html_authors(article('<div class="nearby-lines">Jane Doe</div>')) == []


def test_a_metadata_author_printed_only_as_the_photographer_is_no_author() -> None:
    head = '<meta name="author" content="Jane Doe">'
    credit = '<div class="contributors"><strong>Photographs by</strong> <a href="/c/jd">Jane Doe</a></div>'
    assert html_authors(page(head, f"<article><h1>{HEADLINE}</h1>{credit}{PARAGRAPH}</article>")) == []
    named = "<p>Jane Doe writes about design.</p>"
    assert html_authors(page(head, f"<article><h1>{HEADLINE}</h1>{credit}{PARAGRAPH}{named}</article>")) == ["Jane Doe"]


def test_the_byline_is_read_under_the_headline_the_metadata_states() -> None:
    head = f'<meta property="og:title" content="{HEADLINE}">'
    # A pop-up's <h1> comes first in the story's region; the headline is the second.
    popup = '<div class="modal"><h1>Want More Stories Like This One?</h1></div>'
    story = f'<h1>{HEADLINE}</h1><div class="user-meta"><p>By <a href="/u/jd">Jane Doe</a></p></div>{PARAGRAPH * 3}'
    assert html_authors(page(head, f"<main>{popup}{story}</main>")) == ["Jane Doe"]
    # A menu's teaser <article> with an <h1> of its own is taken for the story: its headline is elsewhere.
    teaser = '<div class="menu"><article><h1>Another story entirely</h1><p>Teaser text.</p></article></div>'
    main = f'<article class="main"><header><h1>{HEADLINE}</h1><div class="authors">By Jane Doe</div></header>'
    assert html_authors(page(head, f"{teaser}{main}{PARAGRAPH * 3}</article>")) == ["Jane Doe"]
    # A hidden template's <h1>, and the headline in a heading-like element.
    hidden = '<div class="search hidden"><h1>No matches for your search</h1></div>'
    title = f'<div class="title">{HEADLINE}</div><p>by <a href="https://jane.example">Jane Doe</a></p>'
    assert html_authors(page(head, f"{hidden}{title}{PARAGRAPH * 3}")) == ["Jane Doe"]
    # Without a metadata headline the first <h1> is the headline, and a byline far from it is not read.
    far = f"<h1>Want More Stories Like This One?</h1>{PARAGRAPH * 12}<h1>{HEADLINE}</h1><p>By Jane Doe</p>"
    assert html_authors(page("", far)) == []


def test_an_unmarked_line_opening_with_by_in_the_header_is_a_byline() -> None:
    assert html_authors(article('<p>by <a href="https://jane.example">Jane Doe</a></p>')) == ["Jane Doe"]
    assert html_authors(article("<div>By Jane Doe and John Roe on Monday, November 18th, 2019</div>")) == [
        "Jane Doe",
        "John Roe",
    ]
    assert html_authors(article("<p>By submitting above you agree to the privacy policy.</p>")) == []
    # In the story, past its header, such a line is the story's text.
    deep = f'<p class="byline">By Jane Doe</p>{PARAGRAPH * 12}<p>By Jim Poe</p>'
    assert html_authors(page("", f"<article><h1>{HEADLINE}</h1>{deep}</article>")) == ["Jane Doe"]


def test_a_byline_inside_a_link_to_another_story_is_not_ours() -> None:
    teaser = '<a href="/other"><h3>Another story entirely</h3><ul><li>By <span>REUTERS</span></li></ul></a>'
    assert html_authors(article(teaser)) == []
    linked = '<p class="byline">By <a href="/staff/jane-doe">Jane Doe</a></p>'  # a link to the author's page
    assert html_authors(article(linked)) == ["Jane Doe"]


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("\ud64d\uae38\ub3d9 \uae30\uc790 hong@example.co.kr", "\ud64d\uae38\ub3d9"),  # '<name> reporter <e-mail>'
        ("\ud64d\uae38\ub3d9 \uce7c\ub7fc\ub2c8\uc2a4\ud2b8 hong@example.co.kr", "\ud64d\uae38\ub3d9"),  # columnist
        ("\ud64d\uae38\ub3d9 \uae30\uc790", None),  # no e-mail: a mention ('reporter Hong'), not a sign-off
        ("\uae30\uc790 \ubaa8\uc9d1 jobs@example.co.kr", None),  # 'reporters wanted'
    ],
)
def test_korean_signoff(line: str, name: str | None) -> None:
    assert bylines.korean_signoff(line) == name


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("\u7de8\u96c6\u59d4\u54e1\u3000\u5c71\u7530\u592a\u90ce", "\u5c71\u7530\u592a\u90ce"),  # senior staff writer
        ("\u8a18\u8005 \u5c71\u7530 \u592a\u90ce", "\u5c71\u7530 \u592a\u90ce"),
        ("\u8a18\u8005\u306e\u76ee", None),  # 'a reporter's eye', a column's name
        ("\u8a18\u8005\u52df\u96c6", None),  # 'reporters wanted'
    ],
)
def test_japanese_byline(line: str, name: str | None) -> None:
    assert bylines.japanese_byline(line) == name


JA_STORY = (
    "６月12日の歴史的な米朝首脳会談を巡って戦っていたのは、米大統領と北朝鮮の委員長ばかりではなかった。"
    "中国の国家主席もまた、その場にいない当事者として会談の行方を見守り、次の一手を考えていたのである。\n\n"
    "会談の前後に北京で開かれた一連の会議では、通商と安全保障をめぐる議論が続き、各国の代表が意見を交わした。"
    "その結果は、今後の交渉の枠組みを大きく左右することになると多くの専門家がみている。\n\n"
)
KO_STORY = (
    "공연 예술계의 오랜 관행을 둘러싼 논란이 이어지고 있다. 관계자들은 이번 사태가 업계 전반의 문제를 드러냈다고 "
    "말하며 제도 개선이 필요하다고 입을 모았다. 전문가들은 당국의 적극적인 대응을 촉구했다.\n\n"
    "한편 관련 단체들은 다음 달 공청회를 열고 구체적인 개선안을 논의할 예정이라고 밝혔다. 참석자들의 의견은 "
    "정리되어 공개될 예정이다.\n\n"
)


def test_east_asian_bylines_in_text() -> None:
    # A Japanese title and name right under the headline, in the same block of lines.
    headline = "米朝首脳直通電話\u3000習氏に挑むトランプ戦術の成否"
    text = NAV + "\n" + headline + "\n 編集委員\u3000中沢克二\n\n" + JA_STORY
    assert authors(text) == ["中沢克二"]
    titles = [str(e.value) for e in plaintext.extract(text.encode()) if e.field == "title"]
    assert titles == [" ".join(headline.split())]
    # A Korean story's sign-off with the writer's e-mail; two writers signing off are a list's ends.
    signoff = "정덕현 칼럼니스트 thekian1@example.co.kr\n\n"
    assert authors(NAV + "\n" + KO_STORY + signoff) == ["정덕현"]
    assert authors(NAV + "\n" + KO_STORY + signoff + "김철수 기자 kim@example.co.kr\n") == []


def test_east_asian_bylines_in_html() -> None:
    signoff = "<p>\ud64d\uae38\ub3d9 \uae30\uc790 hong@example.co.kr</p>"

    def korean(after: str) -> bytes:  # a story headed in Hangul ('headline')
        return page("", f"<article><h1>\ud5e4\ub4dc\ub77c\uc778</h1>{PARAGRAPH * 3}{after}</article>")

    assert html_authors(korean(signoff)) == ["\ud64d\uae38\ub3d9"]
    other = "<p>\uae40\ucca0\uc218 \uae30\uc790 kim@example.co.kr</p>"
    assert html_authors(korean(signoff + other)) == []  # the ends of a list of stories
    in_h1 = (
        "<h1>\u898b\u51fa\u3057\u306e\u6587<br><span>\u7de8\u96c6\u59d4\u54e1\u3000\u5c71\u7530\u592a\u90ce</span></h1>"
    )
    assert html_authors(page("", f"<article>{in_h1}{PARAGRAPH}</article>")) == ["\u5c71\u7530\u592a\u90ce"]
    # Far below the headline such a line is the story's text, and a byline the page marks comes first.
    line = "<p>\u7de8\u96c6\u59d4\u54e1\u3000\u5c71\u7530\u592a\u90ce</p>"
    assert html_authors(page("", f"<article><h1>\u898b\u51fa\u3057</h1>{PARAGRAPH * 3}{line}</article>")) == []
    assert html_authors(korean('<p class="byline">By Jane Doe</p>' + signoff)) == ["Jane Doe"]


@pytest.mark.parametrize(
    "tag",
    [
        '<meta name="dc.creator" content="Jane Doe">',
        '<meta name="DCTERMS.creator" content="Jane Doe">',
        '<meta name="sailthru.author" content="By JANE DOE, Staff Writer">',
        '<meta property="author" content="Jane Doe">',
    ],
)
def test_dublin_core_and_analytics_author_tags_are_meta_authors(tag: str) -> None:
    assert html_authors(page(tag, f"<article><h1>{HEADLINE}</h1>{PARAGRAPH}</article>")) == ["Jane Doe"]
    # Like meta author, they give way to a byline that names someone else.
    body = f'<article><h1>{HEADLINE}</h1><p class="byline">By Jim Poe</p>{PARAGRAPH}</article>'
    assert html_authors(page(tag, body)) == ["Jim Poe"]


def test_a_link_to_the_writers_page_and_a_by_label_of_its_own_mark_a_byline() -> None:
    assert html_authors(article('<div class="meta"><a href="/author/jane-doe/">Jane Doe</a></div>')) == ["Jane Doe"]
    assert html_authors(article('<a href="https://news.example/authors/jane-doe">JANE DOE</a>')) == ["Jane Doe"]
    assert html_authors(article('<div><span class="by">By</span> <a href="/staff/7">Jane Doe</a></div>')) == [
        "Jane Doe"
    ]
    # An author archive's index, a link into a list of writers, is no byline; nor is a tag page.
    assert html_authors(article('<a href="/authors/">Our Writers</a> <a href="/tag/jane-doe">Jane Doe</a>')) == []


def test_a_readers_letter_is_signed_after_its_text() -> None:
    head = '<meta property="og:site_name" content="Letters to the Editor">'
    letter = f"<article><h1>{HEADLINE}</h1>{PARAGRAPH * 3}<p><em>Jane Doe, Springfield</em></p>"
    comments = "<p>To post a comment, log into your chosen social network and then add your comment below.</p>"
    assert html_authors(page(head, letter + comments + "</article>")) == ["Jane Doe"]
    # Elsewhere a short paragraph after the story is no signature: a caption, a note, a name in passing.
    assert html_authors(page('<meta property="og:site_name" content="Example News">', letter + "</article>")) == []


@pytest.mark.parametrize(
    ("text", "expected"), [("By Jane Doe", True), ("by: Jane Doe", True), ("Bylines", False), ("Bypass road", False)]
)
def test_opens_with_by(text: str, expected: bool) -> None:
    assert bylines.opens_with_by(text) is expected


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/author/jane-doe/", True),
        ("https://news.example/authors/jane.doe", True),
        ("/en/author/jane-doe", True),
        ("/authors/", False),  # the index of writers
        ("/author/jane-doe/page/2/feed", False),
        ("/tag/author-interviews/", False),
    ],
)
def test_author_page(href: str, expected: bool) -> None:
    assert bylines.author_page(href) is expected


def test_photo_label_before() -> None:
    for text in ("Photographs by Jane Doe", "Photo: Jane Doe", "Images courtesy of Jane Doe"):
        assert bylines.photo_label_before(text, text.index("Jane"))
    text = "Story by Jane Doe"
    assert not bylines.photo_label_before(text, text.index("Jane"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Letters to the Editor", True), ("Readers' letters", True), ("Letters", True), ("Jane Letters", False)],
)
def test_is_letters_column(name: str, expected: bool) -> None:
    assert bylines.is_letters_column(name) is expected
