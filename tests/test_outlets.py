"""The outlet of a page: spellings of one name joined, the page's own spelling chosen, weak
sources (title suffix, home link, copyright line) counted only where another agrees, and a wire
agency or an owning company never the outlet of a page that names its own site.

The pages here are small hand-made traps of forms many sites use, not copies of real pages.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from archive.extract import plaintext
from archive.extract.common import mastheads
from archive.extract.common.outlets import Signal, is_company, resolve, same_outlet
from archive.extract.html import extract


def page(head: str = "", body: str = "") -> bytes:
    html = f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'
    return html.encode()


def jsonld(obj: Any) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def meta(prop: str, content: str) -> str:
    attr = "property" if prop.startswith("og:") else "name"
    return f'<meta {attr}="{prop}" content="{content}">'


def publisher(name: str) -> str:
    return jsonld({"@type": "NewsArticle", "headline": "Strikes hit the city", "publisher": {"name": name}})


def outlets(data: bytes) -> set[str]:
    return {str(f.value) for f in extract(data).facts if f.field == "outlet"}


# ---------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("TheHill", "The Hill"),
        ("CBSSports.com", "CBS Sports"),
        ("WSJ", "The Wall Street Journal"),
        ("Glamour Magazine", "Glamour"),
        ("Better Homes & Gardens", "Better Homes and Gardens"),
        ("247wallst.com", "24/7 Wall St."),
        ("Sportsnet.ca", "Sportsnet"),
        ("AP News", "Associated Press"),
        ("BHG.com", "Better Homes and Gardens"),
        ("bhg.com", "Better Homes & Gardens"),
        ("ประชาไท Prachatai.com", "ประชาไท"),
        ("Valley Courier valleycourier.com", "valleycourier.com"),
        ("dallasnews.com", "Dallas Morning News"),
        ("nytimes.com", "The New York Times"),
        ("latimes.com", "Los Angeles Times"),
        ("Time USA", "TIME"),  # a country's edition
        ("Yahoo UK", "Yahoo"),
    ],
)
def test_spellings_of_one_outlet_are_the_same_outlet(a: str, b: str) -> None:
    assert same_outlet(a, b) and same_outlet(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Fox News", "Fox Business"),
        ("Bloomberg", "Bloomberg Businessweek"),
        ("WSJ", "Daily Mail"),
        ("bhg.com", "Big Harbor"),
        ("foxnews.com", "Fox Business"),
        ("news.com", "Dallas Morning News"),  # the first word is the domain's
        ("morningnews.com", "Dallas Morning News"),
        ("dallas.com", "Dallas Morning News"),  # and so is the last
        ("ny.com", "New York Post"),  # initials are followed by a word
        ("sott.net", "Sott.net/Signs of the Times"),
    ],
)
def test_other_outlets_are_not_the_same(a: str, b: str) -> None:
    assert not same_outlet(a, b)


@pytest.mark.parametrize(
    ("name", "company"),
    [("Dow Jones & Company, Inc.", True), ("Rogers Media", True), ("MacRumors.com, LLC", True), ("Sputnik", False)],
)
def test_company_names(name: str, company: bool) -> None:
    assert is_company(name) is company


@pytest.mark.parametrize(
    ("line", "holder"),
    [
        ("\u00a9 2019 Sputnik. All rights reserved", "Sputnik"),
        ("Copyright \u00a9 2019, Los Angeles Times | Terms of Service", "Los Angeles Times"),
        ("\u00a92015 24/7 Wall St. | Powered by a platform", "24/7 Wall St."),
        ("Terms of Use \u00a9 1995 - 2015 The Motley Fool. All rights reserved.", "The Motley Fool"),
        ("copyright Inexhibit 2019 - ISSN: 1234-5678", "Inexhibit"),
        # The owner, not the outlet; a photo's credit; a link to the policy.
        ("Copyright \u00a92019 Dow Jones & Company, Inc. All Rights Reserved.", None),
        ("\u00a9 2000-2019 Rogers Media. All rights reserved.", None),
        ("\u00a9 Reuters / David Mercado", None),
        ("(Image: \u00a9 TNG Collaboration)", None),
        ("Copyright Policy", None),
        ("Copyright \u00a9 2015 All Rights Reserved.", None),
    ],
)
def test_copyright_holder(line: str, holder: str | None) -> None:
    found = mastheads.copyright_holder(line)
    assert (found[0] if found else None) == holder
    if found:
        assert line[found[1] : found[2]] == holder


def test_trademark_line_names_the_outlet() -> None:
    line = "CBS Sports is a registered trademark of CBS Broadcasting Inc."
    assert mastheads.trademark_name(line) == mastheads.Holder("CBS Sports", 0, 10)
    found = mastheads.trademark_name('"Daily Star" is a registered trademark. All rights reserved.')
    assert found is not None and found[0] == "Daily Star"


@pytest.mark.parametrize(
    ("title", "suffix"),
    [
        ("Strikes hit the city | World | Kyiv Post", "Kyiv Post"),
        ("Strikes hit the city \u2014 www.example.ru", ""),
        ("Strikes hit the city", ""),
        ("\u6771\u4eac\u306e\u30cb\u30e5\u30fc\u30b9\uff1aAFPBB News", "AFPBB News"),
        ("Strikes hit the city : Kyiv Post", "Kyiv Post"),  # a spaced colon sets the site apart
        (
            "\u57ce\u5e02\u906d\u5230\u7a7a\u88ad-\u6cb3\u8c37\u65e5\u62a5",
            "\u6cb3\u8c37\u65e5\u62a5",
        ),  # a hyphen between CJK
        ("Strikes: the city counts the cost", ""),  # a headline's own colon does not
    ],
)
def test_title_suffix(title: str, suffix: str) -> None:
    assert mastheads.title_suffix(title) == suffix


# ---------------------------------------------------------------------------------------
# Deciding
# ---------------------------------------------------------------------------------------


def never(_: str) -> bool:
    return False


def always(_: str) -> bool:
    return True


def test_weak_sources_alone_name_no_outlet_unless_two_kinds_agree() -> None:
    title = Signal("Kyiv Post", "title")
    assert resolve([title, Signal("Kyiv Post", "title")], never) == []
    assert resolve([title, Signal("@KyivPost", "handle", named=False)], never) == []
    (outlet,) = resolve([title, Signal("Kyiv Post", "home-link")], never)
    assert outlet.value == "Kyiv Post"


def test_better_supported_outlet_wins_and_a_tie_is_shown() -> None:
    signals = [Signal("Kyiv Daily", "publisher", strong=True), Signal("Kyiv Post", "site-name", strong=True)]
    assert {o.value for o in resolve(signals, never)} == {"Kyiv Daily", "Kyiv Post"}
    signals.append(Signal("Kyiv Post", "title"))
    assert [o.value for o in resolve(signals, never)] == ["Kyiv Post"]


def test_spelling_is_the_page_s_own() -> None:
    def printed(name: str) -> bool:
        return name in ("The Wall Street Journal", "Boston Herald")

    wsj = [Signal("WSJ", "site-name", strong=True), Signal("Wall Street Journal", "publisher", strong=True)]
    assert resolve([*wsj, Signal("The Wall Street Journal", "home-link")], printed)[0].value == (
        "The Wall Street Journal"
    )
    assert resolve(wsj, never)[0].value == "Wall Street Journal"
    herald = [Signal("The Boston Herald", "application-name", strong=True), Signal("Boston Herald", "title")]
    assert resolve(herald, printed)[0].value == "Boston Herald"
    domain = [Signal("cleveland", "site-name", strong=True), Signal("Cleveland.com", "footer", formal=True)]
    assert resolve(domain, never)[0].value == "Cleveland.com"
    spelled = [Signal("livescience.com", "site-name", strong=True), Signal("Live Science", "publisher", strong=True)]
    assert resolve(spelled, never)[0].value == "Live Science"
    two = [Signal("Homes & Gardens", "site-name", strong=True), Signal("Homes and Gardens", "site-name", strong=True)]
    assert resolve([*two, Signal("Homes and Gardens", "home-link")], never)[0].value == "Homes and Gardens"
    tailed = [Signal("Valley Courier valleycourier.com", "title"), Signal("Valley Courier", "home-link")]
    assert resolve(tailed, always)[0].value == "Valley Courier"


# ---------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------


def test_wire_agency_publisher_gives_way_to_the_site_name() -> None:
    head = meta("og:site_name", "Valley Courier") + publisher("Associated Press")
    assert outlets(page(head)) == {"Valley Courier"}


def test_owning_company_publisher_gives_way_to_the_site_name() -> None:
    head = meta("og:site_name", "Valley Courier") + publisher("Valley Media Group")
    assert outlets(page(head)) == {"Valley Courier"}


def test_a_wire_agency_alone_is_still_the_outlet() -> None:
    assert outlets(page(publisher("Reuters"))) == {"Reuters"}


def test_variants_of_one_name_are_one_value_the_fullest_printed() -> None:
    head = meta("og:site_name", "VC") + publisher("Valley Courier") + "<title>Strikes hit the city - VC</title>"
    body = '<header><a href="/"><img alt="The Valley Courier" src="/logo.png"></a></header>'
    body += "<footer><p>\u00a9 2019 The Valley Courier. All rights reserved.</p></footer>"
    facts = [f for f in extract(page(head, body)).facts if f.field == "outlet"]
    assert {f.value for f in facts} == {"The Valley Courier"}
    assert {f.key for f in facts} >= {"og:site_name", "title suffix", "a[href=/]", "footer copyright line"}


def test_title_suffix_and_logo_name_the_outlet_together_not_alone() -> None:
    title = "<title>Strikes hit the city | Valley Courier</title>"
    logo = '<header><a href="/"><img alt="Valley Courier logo" src="/l.png"></a></header>'
    assert outlets(page(title)) == set()
    assert outlets(page("", logo)) == set()
    assert outlets(page(title, logo)) == {"Valley Courier"}


@pytest.mark.parametrize(
    "line",
    [
        "<p>\u6765\u6e90\uff1a \u6cb3\u8c37\u65e5\u62a5 2023-11-17 15:13</p>",
        "<p><span>\u6765\u6e90\uff1a</span></p><p>\u6cb3\u8c37\u65e5\u62a5</p>",
    ],
)
def test_a_chinese_source_line_and_the_title_suffix_agree(line: str) -> None:
    # '来源：' (source) names the site, or the source a portal reposts: it counts where another kind agrees.
    title = "<title>\u57ce\u5e02\u906d\u5230\u7a7a\u88ad - \u6cb3\u8c37\u65e5\u62a5</title>"
    assert outlets(page(title, line)) == {"\u6cb3\u8c37\u65e5\u62a5"}
    assert outlets(page("", line)) == set()
    portal = "<title>\u57ce\u5e02\u906d\u5230\u7a7a\u88ad - \u5c71\u95e8\u65b0\u95fb</title>"
    assert outlets(page(portal, line)) == set()


def test_a_cited_outlet_in_the_body_or_a_photo_copyright_is_not_the_outlet() -> None:
    title = "<title>Strikes hit the city | Reuters</title>"
    body = "<p>The strikes were first reported by Reuters.</p><figure><figcaption>\u00a9 Reuters</figcaption></figure>"
    assert outlets(page(title, body)) == set()


def test_copyright_of_the_owner_does_not_corroborate() -> None:
    title = "<title>Strikes hit the city | Valley Media</title>"
    body = "<footer>\u00a9 2019 Valley Media. All rights reserved.</footer>"
    assert outlets(page(title, body)) == set()


def test_a_link_to_another_site_s_home_is_not_a_logo() -> None:
    head = '<link rel="canonical" href="https://courier.example/a/1"><title>Strikes hit the city | Valley Post</title>'
    body = '<a href="https://post.example/">Valley Post</a>'
    assert outlets(page(head, body)) == set()
    body = '<a href="https://www.courier.example/">Valley Post</a>'
    assert outlets(page(head, body)) == {"Valley Post"}


def test_the_page_s_own_domain_supports_a_name_but_is_none() -> None:
    canonical = '<link rel="canonical" href="https://news.valleycourier.co.uk/a/1">'
    logo = '<header><a href="/"><img alt="Valley Courier - News" src="/l.png"></a></header>'
    assert outlets(page(canonical, logo)) == {"Valley Courier"}
    facts = [f for f in extract(page(canonical, logo)).facts if f.field == "outlet"]
    assert {(f.key, f.evidence) for f in facts} >= {("URL host", "valleycourier.co.uk")}
    # The domain alone, or beside another name, names nothing; nor does a platform's domain.
    assert outlets(page(canonical)) == set()
    assert outlets(page(canonical.replace("valleycourier", "harbortimes"), logo)) == set()
    blog = '<link rel="canonical" href="https://valleycourier.blogspot.com/a/1">'
    assert outlets(page(blog, logo)) == set()
    # A domain of some of the name's words: 'dallasnews.com' beside the title's 'Dallas Morning News'.
    dallas = '<link rel="canonical" href="https://www.dallasnews.com/a/1">'
    dallas += "<title>Storm hits - Dallas Morning News</title>"
    assert outlets(page(dallas)) == {"Dallas Morning News"}
    assert outlets(page(dallas.replace("dallasnews", "houstonnews"))) == set()


def test_the_site_s_own_account_supports_a_name_but_is_none() -> None:
    title = "<title>Strikes hit the city - Ultima Hora Mallorca</title>"
    account = meta("twitter:site", "@UHmallorca")
    assert outlets(page(title + account)) == {"Ultima Hora Mallorca"}
    assert outlets(page(title + meta("twitter:site", "@HarborTimes"))) == set()
    # The account and the domain agree, but neither is a name to give: no outlet.
    canonical = '<link rel="canonical" href="https://www.uhmallorca.com/a/1">'
    result = extract(page(canonical + account))
    assert not [f for f in result.facts if f.field == "outlet"]
    assert not [n for n in result.notes if n.note == "not extracted"]


@pytest.mark.parametrize(
    ("href", "home"),
    [("/?cx_part=nav", True), ("/?utm_source=header&utm_medium=logo", True), ("/?ref=logo", True), ("/?s=", False)],
)
def test_a_home_link_keeps_its_analytics_query_but_not_a_search(href: str, home: bool) -> None:
    head = "<title>Strikes hit the city | Valley Courier</title>"
    body = f'<header><a href="{href}"><img alt="Valley Courier" src="/l.png"></a></header>'
    assert outlets(page(head, body)) == ({"Valley Courier"} if home else set())


# ---------------------------------------------------------------------------------------
# Plain text (a pasted page)
# ---------------------------------------------------------------------------------------

MENU = "Valley Courier\nPolitics\nSports\nUS\nAbout Us\n\n"
STORY_TEXT = (
    "Strikes hit the city\n\nBy Jane Doe\n\nThe city was struck overnight, officials said on Monday, as the "
    "talks on a ceasefire stalled again and the residents of the northern districts left their homes.\n\n"
)


def text_outlets(text: str) -> list[tuple[str, str, str]]:
    return [(str(e.value), e.rule, e.evidence) for e in plaintext.extract(text.encode()) if e.field == "outlet"]


def test_text_masthead_and_copyright_line_agree() -> None:
    text = MENU + STORY_TEXT + "\u00a9 2019 Valley Courier. All rights reserved.\n"
    assert text_outlets(text) == [("Valley Courier", "masthead-footer", "Valley Courier")]


def test_text_about_link_and_copyright_line_agree() -> None:
    text = "Politics\nSports\n\n" + STORY_TEXT + "About Valley Courier\n\u00a9 2019 Valley Courier\n"
    assert [v for v, *_ in text_outlets(text)] == ["Valley Courier"]


@pytest.mark.parametrize(
    "footer",
    [
        # A copyright line alone, or one naming the owner; a masthead alone.
        "\u00a9 2019 Valley Post. All rights reserved.",
        "\u00a9 2019 Valley Media Group. All rights reserved.",
        "Terms of Service",
    ],
)
def test_text_one_signal_alone_names_no_outlet(footer: str) -> None:
    assert text_outlets(MENU + STORY_TEXT + footer + "\n") == []


def test_text_site_frame_and_its_company_s_copyright_agree() -> None:
    # A frame only a site states about itself, and its company's copyright: its name, as the frame spells it.
    frame = "Read ValleyPost.com On The Go\n"
    footer = "\u00a9 2015 ValleyPost Inc. All rights reserved.\n"
    assert [v for v, *_ in text_outlets("Politics\nSports\n\n" + STORY_TEXT + frame + footer)] == ["ValleyPost.com"]
    assert text_outlets("Politics\nSports\n\n" + STORY_TEXT + frame) == []  # the frame alone
    other = "\u00a9 2015 Northwind Media Inc. All rights reserved.\n"
    assert text_outlets("Politics\nSports\n\n" + STORY_TEXT + frame + other) == []


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Valley Post is part of the Northwind Media Entertainment Network", "Valley Post"),
        ("Valley Post is published by The Northwind Group, a Graham Holdings Company.", "Valley Post"),
        ("valleypost.com is a production of VP Digital Media - a division of Valley Sports", "valleypost.com"),
        ("The Valley Post is part of Northwind US Inc, an international media group.", "The Valley Post"),
        # A story's sentence: a common noun, a person's bio, a party that is no company, a cited owner's verb.
        ("The center is owned by the Valley Heritage Foundation, the nonprofit that runs it.", None),
        ("Jane Doe is part of the Northwind Media team.", None),
        ("Instagram is owned by Facebook.", None),
        ("Valley Post said it is part of Northwind Media Group.", None),
    ],
)
def test_self_statement(line: str, name: str | None) -> None:
    found = mastheads.self_statement(line)
    assert (found.name if found else None) == name
    if found:
        assert line[found.start : found.end] == name


def test_text_footer_self_statement_names_the_outlet_alone() -> None:
    line = "Valley Post is part of the Northwind Media Entertainment Network"
    assert text_outlets(MENU + STORY_TEXT + line + "\n") == [("Valley Post", "self-statement", "Valley Post")]
    # In the story's first half it is the story's sentence; an author's bio is the author's.
    assert text_outlets(line + "\n\n" + STORY_TEXT * 3) == []
    bio = "By Jane Doe\n\n" + STORY_TEXT + "Jane Doe is part of the Northwind Media Group\n"
    assert text_outlets(bio) == []


@pytest.mark.parametrize("dateline", ["New Delhi, Valley Post Bureau | Updated: 19 November 2019", "Valley Post Desk"])
def test_text_a_datelines_bureau_or_desk_and_the_copyright_line_agree(dateline: str) -> None:
    text = "Politics\nSports\n\n" + dateline + "\n\n" + STORY_TEXT + "\u00a9 2019 Valley Post. All rights reserved.\n"
    assert [v for v, *_ in text_outlets(text)] == ["Valley Post"]


def test_text_masthead_agrees_with_a_company_copyright_of_the_same_name() -> None:
    text = MENU + STORY_TEXT + "\u00a9 2019 Valley Courier, Inc. All rights reserved.\n"
    assert [v for v, *_ in text_outlets(text)] == ["Valley Courier"]


def test_html_copyright_split_over_elements_and_about_link_agree() -> None:
    body = '<footer><a href="/about">About The Valley Courier</a>'
    body += "<p><span>\u00a9 1995 -</span><div>2015</div><div>The Valley Courier. All rights reserved.</div></p>"
    body += "</footer>"
    assert outlets(page("", body)) == {"The Valley Courier"}


def test_html_about_link_of_a_section_does_not_corroborate() -> None:
    body = '<a href="/health">About Health</a><footer>\u00a9 2019 Valley Courier. All rights reserved.</footer>'
    assert outlets(page("<title>Strikes hit the city | Health</title>", body)) == set()


def test_a_page_of_endless_statements_is_read_up_to_a_bound() -> None:
    # Many names linked to the home page and many copyright lines: the site's own tags still decide.
    links = "".join(f'<a href="/"><img alt="Site Number {i}"></a>' for i in range(300))
    lines = "".join(f"<p>\u00a9 2019 Holder Number {i}. All rights reserved.</p>" for i in range(300))
    head = meta("og:site_name", "Valley Courier") + "<title>Strikes hit the city | Valley Courier</title>"
    assert outlets(page(head, links + lines)) == {"Valley Courier"}


# A pasted page's own statements about itself: framed names, bylines, a copyright line's name.

NAV = "Politics\nSports\nWeather\n\n"


def test_text_two_statements_about_the_site_name_it() -> None:
    text = NAV + STORY_TEXT + "Back to Valley Courier\nPopular on Valley Courier\nTerms of Use\n"
    assert [v for v, *_ in text_outlets(text)] == ["Valley Courier"]
    assert text_outlets(text)[0][1] == "site-menu"


@pytest.mark.parametrize(
    "box",
    [
        "More from Martin Hale\nFollow Martin Hale\n",
        "About Martin Hale\nFollow Martin Hale on Twitter\nMore from Martin Hale\n",
    ],
)
def test_text_an_author_s_box_names_no_outlet(box: str) -> None:
    assert text_outlets(NAV + STORY_TEXT + box) == []


def test_text_menu_labels_and_sections_are_no_site() -> None:
    text = NAV + STORY_TEXT + "Back to Main Menu\nSearch Politics\nSubscribe to Politics\nPopular on Politics\n"
    assert text_outlets(text) == []


def test_text_two_sites_in_the_menus_name_no_outlet() -> None:
    text = (
        NAV + STORY_TEXT + "Search Valley Courier\nPopular on Valley Courier\nAbout The Courier\nSearch The Courier\n"
    )
    assert text_outlets(text) == []


def test_text_byline_outlet_and_a_statement_about_the_site_agree() -> None:
    story = STORY_TEXT.replace("By Jane Doe", "By Jane Doe, Valley Courier")
    text = NAV + story + "Search Valley Courier\n"
    assert [v for v, *_ in text_outlets(text)] == ["Valley Courier"]


def test_text_a_sister_paper_s_byline_is_not_the_outlet() -> None:
    # A site carries a sister paper's stories; related links print the paper's name alone.
    story = STORY_TEXT.replace("By Jane Doe", "By Jane Doe, The Plain Dealer")
    text = NAV + story + "Storm closes schools\nThe Plain Dealer\nBudget passes\nThe Plain Dealer\n"
    assert text_outlets(text) == []


def test_text_a_wire_byline_is_not_the_outlet() -> None:
    story = STORY_TEXT.replace("By Jane Doe", "By Jane Doe, Reuters")
    assert text_outlets(NAV + story + "Search Reuters\nFollow Reuters on Twitter\n") == []


def test_text_copyright_name_repeated_in_the_story_s_own_frame() -> None:
    story = STORY_TEXT + "Jane Doe is a reporter for the Valley Courier.\n\n"
    text = NAV + story + "\u00a9 2019 Valley Courier. All rights reserved.\n"
    assert [v for v, *_ in text_outlets(text)] == ["Valley Courier"]


def test_text_another_site_originally_publishing_the_story_is_no_statement() -> None:
    story = STORY_TEXT + "This article was originally published by Valley Courier.\n\n"
    assert text_outlets(NAV + story + "\u00a9 2019 Valley Courier. All rights reserved.\n") == []


def test_text_a_publishing_group_s_copyright_is_no_outlet() -> None:
    text = (
        NAV
        + STORY_TEXT
        + "More From Cond\u00e9 Nast\nCond\u00e9 Nast\n\u00a9 2019 Cond\u00e9 Nast. All rights reserved.\n"
    )
    assert text_outlets(text) == []


def test_text_a_company_s_copyright_line_registering_the_outlet_s_name() -> None:
    footer = (
        '\u00a9 2015 ValleyCourier.com, Inc. "The Valley Courier" is a registered trademark of ValleyCourier.com, Inc.'
    )
    text = NAV + STORY_TEXT + "Search The Valley Courier\n" + footer + "\n"
    assert [v for v, *_ in text_outlets(text)] == ["The Valley Courier"]


def test_a_blog_section_s_own_site_name_is_no_outlet() -> None:
    # A newspaper's blog platform names each blog as a site: the section is not the outlet.
    for section in ("Letters to the Editor", "Opinion Blog"):
        head = meta("og:site_name", section) + f"<title>Kindhearted police | {section}</title>"
        assert outlets(page(head, f'<a href="/">{section}</a>')) == set()
    head = meta("og:site_name", "Valley Courier") + "<title>Kindhearted police | Valley Courier</title>"
    assert outlets(page(head, "")) == {"Valley Courier"}


def test_a_section_s_name_and_account_give_way_to_the_outlet_s_name() -> None:
    section = [Signal("CNN Politics", "title"), Signal("cnnpolitics", "handle", named=False, witness=True)]
    outlet = [Signal("CNN", "home-link"), Signal("cnn.com", "host", named=False, witness=True)]
    assert [o.value for o in resolve([*outlet, *section], never)] == ["CNN"]
    # Alone, or as a strong source's name, it is the outlet's: 'Fox Business' is no section of 'Fox'.
    assert [o.value for o in resolve(section, never)] == ["CNN Politics"]
    fox = [Signal("Fox Business", "site-name", strong=True), Signal("Fox", "home-link"), Signal("Fox", "title")]
    assert "Fox Business" in [o.value for o in resolve(fox, never)]
