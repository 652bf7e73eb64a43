"""Headlines (issue 10): the visible headline is the one cited, the metadata headline is kept beside it.

Hand-made pages and pastes of the general forms real pages take (not copies of any page): a
rewritten og:title or JSON-LD headline, a site suffix, a masthead <h1>, a section label glued to
the heading, an error page, and a pasted page whose headline sits between the menu and the byline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_extract_html import jsonld, page  # the HTML extractor's own page builders

from archive.extract import html, plaintext
from archive.extract.common import headlines

STORY = (
    "<p>Officials said the strikes had continued through the night and into the morning, "
    "damaging several apartment buildings and a school in the north of the city.</p>\n"
    "<p>Residents described hearing explosions shortly after midnight, and emergency crews "
    "worked until dawn to clear the rubble from the streets around the central market.</p>\n"
)


def og(title: str) -> str:
    return f'<meta property="og:title" content="{title}">'


def titles(data: bytes) -> list[tuple[str, str]]:
    """The title facts (value, rule), then the metadata headline's as (value, "meta_title:" + rule)."""
    facts = html.extract(data).facts
    found = [(str(f.value), f.rule) for f in facts if f.field == "title"]
    return found + [(str(f.value), f"meta_title:{f.rule}") for f in facts if f.field == "meta_title"]


# ---- which heading and metadata headline agree ------------------------------------------


@pytest.mark.parametrize(
    ("heading", "meta"),
    [
        ("Storm floods the valley", "Storm floods the valley | Watch News Videos Online"),
        ("Storm floods the valley", "Opinion | Storm floods the valley"),
        ("\u2018We had some issues,\u2019 exec says", "'We had some issues,' exec says"),
        ("Video shows rescue of kidnapped girl: we got her", "Dramatic video shows rescue of girl kidnapped in Texas"),
    ],
)
def test_a_heading_agrees_with_its_metadata_headline(heading: str, meta: str) -> None:
    assert headlines.agrees(heading, meta)


@pytest.mark.parametrize(
    ("heading", "meta"),
    [
        # A section name inside the metadata headline is not the headline.
        ("The Style Eye", "How to Pack for a Weekend Trip: The Style Eye: Style: Site"),
        # The end of a phrase is not a part set apart from it.
        ("Associated Press", "News from The Associated Press"),
        ("Site Media", "Council approves the new budget - Site Media"),
        ("Most Read", "Council approves the new budget"),
    ],
)
def test_a_heading_that_is_not_the_headline_does_not_agree(heading: str, meta: str) -> None:
    assert not headlines.agrees(heading, meta)


@pytest.mark.parametrize("title", ["Page Not Found", "404 Not Found", "403 Forbidden", "Error 404", "Not Found: Site"])
def test_error_titles(title: str) -> None:
    assert headlines.error_title(title)


@pytest.mark.parametrize(
    "title", ["Found: the lost city of gold", "Forbidden love in the 1920s", "Access denied to the press"]
)
def test_headlines_are_not_error_titles(title: str) -> None:
    assert not headlines.error_title(title)


# ---- HTML: the visible headline first, the metadata headline kept -----------------------


def test_the_visible_headline_is_first_and_a_rewritten_metadata_headline_second() -> None:
    head = jsonld({"@type": "NewsArticle", "headline": "Storm damage blamed on old levees, says engineer"})
    head += og("‘It should have held,’ engineer says of storm damage")
    body = "<article><h1>\u2018It should have held,\u2019 engineer says of storm damage</h1>" + STORY + "</article>"
    found = titles(page(head, body))
    assert found == [
        ("\u2018It should have held,\u2019 engineer says of storm damage", "h1"),
        ("Storm damage blamed on old levees, says engineer", "meta_title:jsonld-headline"),
    ]


def test_a_metadata_headline_that_only_adds_the_site_name_is_the_same_headline() -> None:
    head = og("Council approves the new budget - Valley Courier")
    head += '<meta property="og:site_name" content="Valley Courier">'
    body = "<article><h1>Council approves the new budget</h1>" + STORY + "</article>"
    assert titles(page(head, body)) == [("Council approves the new budget", "h1")]


def test_a_metadata_headline_with_a_tagline_is_kept_as_stated() -> None:
    body = "<article><h1>Council approves the new budget</h1>" + STORY + "</article>"
    found = titles(page(og("Council approves the new budget | Watch Local Videos Online"), body))
    assert found == [
        ("Council approves the new budget", "h1"),
        ("Council approves the new budget | Watch Local Videos Online", "meta_title:og-title"),
    ]


def test_a_masthead_h1_is_passed_over_for_the_heading_that_states_the_headline() -> None:
    body = (
        '<header><a href="/"><h1>Valley Media</h1></a></header>'
        '<div class="story"><div class="story-title">Council approves the new budget</div>' + STORY + "</div>"
    )
    found = titles(page("<title>Council approves the new budget - Valley Media</title>", body))
    assert found == [("Council approves the new budget", "heading")]


def test_a_masthead_h1_is_no_headline_even_without_metadata_to_check_it() -> None:
    body = '<div><a href="/"><h1>Valley Media</h1></a></div><div>' + STORY + "</div>"
    assert titles(page("", body)) == []


def test_the_hatom_entry_title_is_the_headline_where_only_the_site_s_title_states_one() -> None:
    entry = (
        '<table class="hnews hentry"><tr><td><p><span class="headline entry-title">{}</span></p>{}</td></tr></table>'
    )
    head = "<title>News from the Valley Gazette</title>"
    body = entry.format("Council approves the new budget after a long night", STORY)
    assert titles(page(head, body)) == [("Council approves the new budget after a long night", "hentry-title")]
    # An index of entries says which is this page's no more than the site's title does.
    two = entry.format("Council approves the budget", "") + entry.format("Ferry returns", STORY)
    assert [rule for _, rule in titles(page(head, two))] == ["title-element"]


def test_a_related_story_heading_is_not_the_headline() -> None:
    body = (
        "<main><h2>Council approves the new budget</h2>" + STORY + "<section><h1>Bridge reopens after repairs</h1>"
        "</section></main>"
    )
    found = titles(page(og("Council approves the new budget"), body))
    assert found == [("Council approves the new budget", "heading")]


def test_a_heading_the_metadata_does_not_state_leaves_the_metadata_headline() -> None:
    body = "<main><h1>Latest news</h1>" + STORY + "</main>"
    found = titles(page(og("Council approves the new budget"), body))
    assert found == [("Council approves the new budget", "og-title")]


@pytest.mark.parametrize(
    "heading",
    [
        "<h1><span>Business</span> | Council approves the new budget</h1>",
        "<h1><span>WORLD NEWS</span> Council approves the new budget</h1>",
        '<h1><span class="headline">Council approves the new budget</span> <span>By Jane Doe</span></h1>',
    ],
)
def test_a_label_or_byline_glued_to_the_heading_is_not_part_of_it(heading: str) -> None:
    body = "<article>" + heading + STORY + "</article>"
    assert titles(page(og("Council approves the new budget"), body)) == [("Council approves the new budget", "h1")]


@pytest.mark.parametrize(("kind", "expected"), [("website", []), ("article", [("Valley Media", "og-title")])])
def test_the_site_naming_itself_is_no_headline(kind: str, expected: list[tuple[str, str]]) -> None:
    head = '<meta property="og:site_name" content="Valley Media">' + f'<meta property="og:type" content="{kind}">'
    head += og("Valley Media - The Latest in Local News, Sport and Weather")
    found = titles(page(head, "<main><h2>Latest news</h2>" + STORY + "</main>"))
    assert [(t.split(" - ")[0], rule) for t, rule in found] == expected


def test_an_error_page_has_no_headline() -> None:
    body = "<main><h1>404 Errors</h1><p>Sorry, we could not find that page.</p></main>"
    assert titles(page("<title>Page Not Found: Valley Media</title>" + og("Page Not Found"), body)) == []


# ---- text: the headline of a pasted page ------------------------------------------------

MENU = "Valley Gazette\nNews\nSport\nOpinion\nDonate\nSign in\nSearch\n\n"
STORY_TEXT = (
    "Officials said the strikes had continued through the night and into the morning, damaging several "
    "apartment buildings and a school in the north of the city.\n\n"
    "Residents described hearing explosions shortly after midnight, and emergency crews worked until dawn "
    "to clear the rubble from the streets around the central market.\n"
)


def text_titles(text: str) -> list[tuple[str, str]]:
    return [(str(e.value), e.rule) for e in plaintext.extract(text.encode()) if e.field == "title"]


def test_a_pasted_page_headline_is_under_the_menu_and_over_the_byline() -> None:
    text = MENU + "Council approves the new budget after a long night\n\nBy Jane Doe\nMarch 3, 2022\n\n" + STORY_TEXT
    assert text_titles(text) == [("Council approves the new budget after a long night", "late-headline")]


def test_a_long_block_of_header_furniture_under_the_headline() -> None:
    # Counts, share buttons and a section's name stacked with the date in one block (no blank line).
    furniture = "3.409\nreads\nNo comments\nFacebook\n0\nTwitter\nPinterest\n0\nemail\nFilm\nMarch 3, 2022\n\n"
    text = MENU + "Council approves the new budget after a long night\n\n" + furniture + STORY_TEXT
    assert text_titles(text) == [("Council approves the new budget after a long night", "late-headline")]
    # As many short lines set apart by blank lines are a list of other things, not a header's block.
    apart = furniture.replace("\n", "\n\n")
    assert text_titles(MENU + "Council approves the new budget after a long night\n\n" + apart + STORY_TEXT) == []


def test_a_standfirst_without_a_period_is_not_the_headline() -> None:
    text = (
        MENU + "Council approves the new budget after a long night\n\n"
        "The vote ends a month of talks over school funding and road repairs\n\nBy Jane Doe\nMarch 3, 2022\n\n"
        + STORY_TEXT
    )
    assert text_titles(text) == [("Council approves the new budget after a long night", "late-headline")]


def test_a_standfirst_sentence_between_headline_and_byline_is_passed_over() -> None:
    text = (
        MENU + "Tagline of the Valley Gazette for its readers\n\nCouncil approves the new budget after a long night\n\n"
        "The vote ends a month of talks over school funding, road repairs and the future of the old library.\n\n"
        "By Jane Doe\nMarch 3, 2022\n\n" + STORY_TEXT
    )
    assert text_titles(text) == [("Council approves the new budget after a long night", "late-headline")]


def test_a_headline_may_end_in_an_abbreviation() -> None:
    text = MENU + "Fire destroys a historic mill in Lowell, Mass.\n\nBy Jane Doe\nMarch 3, 2022\n\n" + STORY_TEXT
    assert text_titles(text) == [("Fire destroys a historic mill in Lowell, Mass.", "late-headline")]


@pytest.mark.parametrize(
    "headline",
    [
        "Budget day! The Council Finally Agrees on the Schools",
        "Is the budget enough? Teachers Say It Is Not",
        "Budget day! Is it enough for the schools?",
    ],
)
def test_a_headline_may_hold_an_exclamation_or_a_question(headline: str) -> None:
    text = MENU + headline + "\n\nBy Jane Doe\nMarch 3, 2022\n\n" + STORY_TEXT
    assert text_titles(text) == [(headline, "late-headline")]


def test_two_sentences_over_the_byline_are_no_headline() -> None:
    text = MENU + "The council met. Teachers said it was not enough\n\nBy Jane Doe\nMarch 3, 2022\n\n" + STORY_TEXT
    assert text_titles(text) == []


def test_a_headline_may_end_in_a_question_mark() -> None:
    text = MENU + "Is the new budget enough for the schools?\n\nBy Jane Doe\nMarch 3, 2022\n\n" + STORY_TEXT
    assert text_titles(text) == [("Is the new budget enough for the schools?", "late-headline")]


@pytest.mark.parametrize(
    "furniture",
    [
        "Share this story on Facebook\n\n",
        "Updated March 3, 9:41 AM\n\n",
        "Home > News > Council approves the new budget\n\n",
        "Trending: Budget // Schools // Roads // Weather\n\n",
    ],
)
def test_page_furniture_over_the_byline_is_no_headline(furniture: str) -> None:
    text = MENU + furniture + "By Jane Doe\nMarch 3, 2022\n\n" + STORY_TEXT
    assert text_titles(text) == []


def test_a_short_label_over_a_headline_leaves_the_headline_unclear() -> None:
    text = MENU + "Test Series v India\n\nAussies seal the series with a draw\n\nBy Jane Doe\nMarch 3, 2022\n\n"
    assert text_titles(text + STORY_TEXT) == []


def test_the_breadcrumb_ending_with_a_short_headline_over_its_standfirst_says_which_it_is() -> None:
    headline = "An Extraordinary Desert Residence"
    standfirst = "An architect and a designer craft a majestic modern sanctuary in the Arizona desert"
    header = f"{headline}\n\n{standfirst}\n\nText by Jane Doe | Photography by John Roe\n\n"
    crumb = f"Valley Homes > Interiors + Inspiration > {headline}\n\n"
    assert text_titles(MENU + crumb + header + STORY_TEXT) == [(headline, "late-headline")]
    # Without it, a short line over a standfirst may be a section label over a headline: unclear.
    assert text_titles(MENU + header + STORY_TEXT) == []
    other = "Valley Homes > Interiors + Inspiration > Kitchens\n\n"
    assert text_titles(MENU + other + header + STORY_TEXT) == []


def test_a_caption_stacked_in_the_byline_s_block_is_passed_over_though_no_sentence() -> None:
    headline = "Sampling History: New Year offers stellar family history learning"
    block = "Crossroads logo 2.jpg\nNGS 2015 Family History Conference ( )\nPrint\nBy Jane Doe\n"
    block += "on December 24, 2014 at 8:17 AM, updated December 24, 2014 at 8:25 AM\nView/Post Comments\n\n"
    assert text_titles(MENU + headline + "\n\n" + block + STORY_TEXT) == [(headline, "late-headline")]
    # Apart from the byline's block, such a line is text of its own: the header ends there.
    apart = block.replace("( )\n", "( )\n\n")
    assert text_titles(MENU + headline + "\n\n" + apart + STORY_TEXT) == []


def test_share_buttons_between_the_standfirst_and_the_byline_are_passed_over() -> None:
    headline = "Home Depot sales miss, shares plunge"
    buttons = "".join(f"{b}\n" for b in ("Facebook", "Twitter", "Comments", "Print", "Email"))
    header = f"Earnings\nPublished 1 day ago\n\n{headline}\n\nThe retailer earned $2.8 billion.\n\n{buttons}"
    assert text_titles(MENU + header + "By Jane Doe\n\n" + STORY_TEXT) == [(headline, "late-headline")]
    more = header.replace("Email\n", "Email\nReddit\nWhatsApp\nCopy link\nLinkedIn\n")
    assert text_titles(MENU + more + "By Jane Doe\n\n" + STORY_TEXT) == []  # too far above the byline


def test_a_row_of_other_stories_headlines_is_no_headline() -> None:
    others = "".join(f"Other story number {n} about the valley floods\n\n" for n in range(1, 6))
    text = MENU + others + "By Jane Doe\nMarch 3, 2022\n\n" + STORY_TEXT
    assert text_titles(text) == []


def test_a_masthead_over_a_menu_is_not_the_headline() -> None:
    # The first line reads as a headline, but menu items, not a byline or the story, follow it.
    text = "Better Homes and Gardens\nRecipes\nDecorating\nGardening\nHolidays\nVideos\nShop\n\n"
    text += "How to hang a wreath on a glass door\n\nBy Jane Doe\nMarch 3, 2022\n\n" + STORY_TEXT
    assert text_titles(text) == [("How to hang a wreath on a glass door", "late-headline")]


def test_a_headline_under_its_date_and_over_share_buttons() -> None:
    headline = "Lawan moves motion for the Senate's adjournment over two deaths"
    text = MENU + "October 9, 2018 at 4:02 pm\nTweet\n\n" + headline + "\n\n" + STORY_TEXT
    assert text_titles(text) == [(headline, "late-headline")]
    text = MENU + "Earnings\nPublished 1 day ago\n\n" + headline + "\n\nThe retailer earned $2.8 billion.\n\n"
    assert text_titles(text + STORY_TEXT) == [(headline, "late-headline")]


def test_a_video_s_headline_under_its_date_its_length_and_the_player_s_text() -> None:
    headline = "Quadruplets born in Utah after a long wait"
    text = MENU + "News\nDecember 29 2014 9:11pm\n00:35\n\nLoading...\n\n" + headline + "\n\n" + STORY_TEXT
    assert text_titles(text) == [(headline, "late-headline")]
    # Three lines of anything but the date between it and the line: too far for the line to be its.
    far = text.replace("00:35\n", "00:35\nPlay\n")
    assert text_titles(far) == []


@pytest.mark.parametrize("widget", ["Around The Web", "From Around the Web", "You May Like", "Promoted Stories"])
def test_a_recommendation_widget_s_heading_is_no_headline(widget: str) -> None:
    text = MENU + "December 29 2014 9:11pm\n\n" + widget + "\n\n" + STORY_TEXT
    assert text_titles(text) == []
    assert not plaintext.headline_like(widget)


def test_a_headline_over_a_date_without_its_year_or_over_share_buttons() -> None:
    headline = "Doobie Brothers to reunite with Michael McDonald for a summer show"
    dated = MENU + headline + "\n\nUpdated Nov 19, 6:55 AM;Posted Nov 19, 6:51 AM\n\n"
    dated += "The band performs at the Beacon.\n\nBy Troy L. Smith, Cleveland.com\n\n"
    assert text_titles(dated + STORY_TEXT) == [(headline, "late-headline")]
    shared = (
        MENU
        + headline
        + "\n\nShare this:\n\n"
        + "".join(f"Click to share on {site} (Opens in new window)\n" for site in ("Facebook", "Reddit", "Twitter"))
    )
    assert text_titles(shared + "\n" + STORY_TEXT) == [(headline, "late-headline")]


def test_a_sponsored_story_or_a_teaser_is_no_headline() -> None:
    sponsored = MENU + "Sponsor Content\n\nThe Brew Boys\n\nSponsor Content\n\nShare this Slideshow\n\n"
    assert text_titles(sponsored + STORY_TEXT) == []
    headline = "Council approves the new budget after a long night"
    teaser = MENU + "next story\n\nFound at the fair: the best way to dress for the spring\n\n" + headline
    assert text_titles(teaser + "\n\nBy Jane Doe\nMarch 3, 2022\n\n" + STORY_TEXT) == [(headline, "late-headline")]
    # The last item of a menu is no teaser's label.
    menu = MENU.rstrip("\n") + "\nMore stories\n\n" + headline + "\n\nBy Jane Doe\nMarch 3, 2022\n\n"
    assert text_titles(menu + STORY_TEXT) == [(headline, "late-headline")]


@pytest.mark.parametrize("heading", ["Popular Posts", "Most Read", "Trending Now", "Recent Posts"])
def test_the_first_item_under_a_list_widgets_heading_is_no_headline(heading: str) -> None:
    # A sidebar printed (or pasted) before the story: its first item has a date under it, as a
    # headline has, but the heading above says it is one of a list of other stories.
    item = "See How A Lady Was Abused By Three Men In Lagos (Photos)"
    page = MENU + heading + "\n\n" + item + "\n\nNovember 16, 2016\n\n" + STORY_TEXT
    assert text_titles(page) == []


@pytest.mark.parametrize("back", ["Back to overview", "Zur\u00fcck zur \u00dcbersicht", "Back to Top Stories"])
def test_a_link_back_is_no_headline(back: str) -> None:
    text = back + "\n\nVon Moritz Bachmann publiziert am 25. September 2018\n\n" + STORY_TEXT
    assert all(title != back for title, _ in text_titles(text))


def test_a_headline_in_a_script_without_spaces_or_capitals() -> None:
    headline = "港特首就住宅违建事件道歉"
    story = "香港行政长官在各方压力下就其大宅的违章建筑问题到立法会接受质询，并向香港民众道歉，引发各方关注和讨论。\n\n"
    menu = "BBC Chinese\n简体版\n繁體版\n\n"
    text = menu + headline + "\n\n更新时间 2012年12月10日, 10:41\nFacebook\nTwitter\n\n" + story * 2
    assert text_titles(text) == [(headline, "late-headline")]
    # A sentence (a full stop) is no headline.
    sentence = "梁振英同时遭到泛民主派议员质问。"
    assert text_titles(text.replace(headline, sentence)) == []


def test_a_headline_run_into_its_date_leaves_the_standfirst_under_it_no_headline() -> None:
    text = MENU + "Council approves the new budget after a long night\nPosted: March 3, 2022\n\n"
    text += "Why the vote ends a month of talks over schools\n\n" + STORY_TEXT
    assert ("Why the vote ends a month of talks over schools", "late-headline") not in text_titles(text)


def test_an_article_paste_still_opens_with_its_headline() -> None:
    text = "Council approves the new budget\nBy Jane Doe\nMarch 3, 2022\n\n" + STORY_TEXT
    assert text_titles(text) == [("Council approves the new budget", "headline")]


def test_an_ingested_page_cites_its_printed_headline_and_keeps_the_metadata_one(tmp_path: Path) -> None:
    # Two headlines, two fields: no conflict, so the citation has its title (the printed one).
    from lib import ingest, open_archive

    head = jsonld({"@type": "NewsArticle", "headline": "Storm damage blamed on old levees, says engineer"})
    head += og("\u2018It should have held,\u2019 engineer says of storm damage")
    body = "<article><h1>\u2018It should have held,\u2019 engineer says of storm damage</h1>" + STORY + "</article>"
    source = tmp_path / "story.html"
    source.write_bytes(page(head, body))
    archive = open_archive(tmp_path / "vault")
    try:
        ingest(archive, [source])
        (item,) = list(archive.items())
    finally:
        archive.close()
    assert item.conflicts() == []
    assert item.current()["title"] == "\u2018It should have held,\u2019 engineer says of storm damage"
    assert item.current()["meta_title"] == "Storm damage blamed on old levees, says engineer"


def test_an_embedded_post_over_its_signature_is_no_headline_and_its_date_no_publication() -> None:
    post = "I urge all residents to wear them whenever needed pic.twitter.com/MYwRz9euaq\n\n"
    signature = "\u2014 Jane Doe (@janedoe) November 1, 2019\n\n"
    extracted = plaintext.extract((MENU + post + signature + STORY_TEXT).encode())
    assert [e for e in extracted if e.field in ("title", "published")] == []


def test_a_headline_with_its_date_in_figures_is_a_headline_but_figures_are_not() -> None:
    dated = MENU + "Opening Bell 11.18.19\n\nBy Jane Doe\nMarch 3, 2022\n\n" + STORY_TEXT
    assert text_titles(dated) == [("Opening Bell 11.18.19", "late-headline")]
    counts = MENU + "3.409 12.118 letture\n\nBy Jane Doe\nMarch 3, 2022\n\n" + STORY_TEXT
    assert text_titles(counts) == []


def test_a_headline_in_a_script_that_marks_no_sentence_end() -> None:
    # Thai ends no sentence with a mark, and an acronym in a Thai headline is not shouting.
    headline = "ผล DNA ยืนยัน ศพลอยแม่น้ำโขงเป็นคนสนิท อ.สุรชัย"
    paragraph = " ".join(["ผู้สื่อข่าวได้รับแจ้งจากบุตรชาย"] * 24) + " ว่าผลตรวจยืนยันแล้ว"
    text = "ประชาไท\nข่าว\nบทความ\n\n" + headline + "\n\nSubmitted on Mon, 2019-01-21 13:49\n\n"
    text += paragraph + "\n\n" + paragraph + "\n"
    assert text_titles(text) == [(headline, "late-headline")]


def test_a_headline_over_a_day_and_time_printed_without_the_year() -> None:
    headline = "8 Passive Aggressive Things That Were Said to Us Over the Holidays"
    text = MENU + headline + "\n\nDecember 29 6:30 PM\nELLE.com | \n\nLife & Love News\n\nSHARES\nTWEET\n\n"
    assert text_titles(text + STORY_TEXT) == [(headline, "late-headline")]


def test_a_claim_and_its_source_under_the_dated_headline_are_not_a_list_of_stories() -> None:
    # A fact check: the headline over its date, then the claim checked, quoted, and its source's date.
    headline = "Russia and Syria: U.S.-backed Syrian Forces Blocking Refugee Return"
    claim = (
        "\u201cA cause for serious concern is the situation in the south, where the formations continue to "
        "block the return of refugees to their homes.\u201d"
    )
    text = MENU + headline + "\n\nNovember 18, 2019\nShare\n\nThe Russian and Syrian defense ministries\n\n"
    text += claim + "\n\nSource: Russian Defense Ministry, October 25, 2019\nFalse\n\n"
    assert text_titles(text + STORY_TEXT) == [(headline, "late-headline")]


def test_stories_each_over_its_date_are_still_a_list() -> None:
    text = MENU + "Initial public offerings: is there still a pulse\n\nWednesday 20 November 2019 9:22 am\n\n"
    text += "Alibaba to raise up to $12.9bn in a Hong Kong listing\n\nNovember 19, 2019\n\n"
    text += "Pound rises as the polls narrow before the vote\n\nNovember 18, 2019\n\n"
    assert text_titles(text + STORY_TEXT) == []
    # A name line under the last one is no claim standing between it and a date: still a list.
    named = MENU + "Initial public offerings: is there still a pulse\n\nWednesday 20 November 2019 9:22 am\n\n"
    named += "Alibaba to raise up to $12.9bn in a Hong Kong listing\n\nAnna Menin\nAnna Menin\n\nShare\n\n"
    assert ("Initial public offerings: is there still a pulse", "late-headline") not in text_titles(named + STORY_TEXT)


_SENTENCE = (
    "The city council voted on Monday to close the old bridge for repairs, after engineers found cracks in "
    "two of its piers."
)


@pytest.mark.parametrize(
    ("lines", "want"),
    [
        ([], None),
        (["", ""], None),
        (["Menu", "Share"], None),
        (["Menu", _SENTENCE, "Related"], 1),  # no two prose lines run: the first prose line
        (["Menu", _SENTENCE, "Share", "", _SENTENCE, _SENTENCE], 4),
    ],
)
def test_the_story_starts_at_its_first_prose_lines(lines: list[str], want: int | None) -> None:
    assert headlines.story_start(lines, plaintext._prose) == want


def test_an_arabic_headline_over_its_date_line_and_the_update_is_no_publication() -> None:
    headline = "معارضون يسيطرون على مخازن للصواريخ بريف دمشق"
    dated = "الأربعاء، 28 آب/اغسطس 2013، آخر تحديث 14:00 (GMT+0400)"  # 'last updated 14:00'
    story = (
        "أكدت جهات سورية معارضة أن فصائل مسلحة معارضة لنظام الرئيس تمكنت من السيطرة على مخازن للصواريخ "
        "في ريف دمشق بعد معارك استمرت عدة أيام مع القوات الحكومية في المنطقة.\n\n"
    )
    text = MENU + headline + "\n\n" + dated + "\n\n" + story + story
    assert text_titles(text) == [(headline, "late-headline")]
    assert [e for e in plaintext.extract(text.encode()) if e.field == "published"] == []
