"""archive.extract.common.credits: photo credits read as (photographer, agency), and found at the end
of captions, in HTML and in plain text by the same rules. Every snippet is made up, in the forms
outlets use; none is copied from a page."""

from __future__ import annotations

import json
from typing import Any

import pytest

from archive.extract import html, plaintext
from archive.extract.common import scriptdata
from archive.extract.common.credits import Credit, find, parse

STORY = (
    "<p>"
    + "Officials in the city said on Tuesday that the work would continue through the winter months. " * 3
    + "</p>"
)


def page(body: str, head: str = "") -> bytes:
    article = f"<article><h1>Headline here</h1>{body}{STORY}</article>"
    return f"<html><head><title>T</title>{head}</head><body>{article}</body></html>".encode()


def html_credits(body: str, head: str = "") -> list[dict[str, Any]]:
    found = [f.value for f in html.extract(page(body, head)).facts if f.field == "credit"]
    return [{k: v for k, v in c.items() if k != "caption"} for c in found if isinstance(c, dict)]


BODY = "Officials in the city said on Tuesday that the work would continue through the winter months.\n\n"


def text_credits(line: str) -> list[dict[str, str]]:
    found = plaintext.extract((BODY + line + "\n").encode())
    return [{k: v for k, v in e.value.items() if k != "caption"} for e in found if isinstance(e.value, dict)]


# ---------------------------------------------------------------------------------------
# One credit line
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "photographer", "agency"),
    [
        ("Credit...Jane Doe/The Kyiv Independent", "Jane Doe", "The Kyiv Independent"),
        ("Credit: Jane Doe for The Daily Planet", "Jane Doe", "The Daily Planet"),
        ("(AP Photo/Evan Vucci)", "Evan Vucci", "AP"),
        ("(AP Photo/Evan Vucci, File)", "Evan Vucci", "AP"),
        ("(AP Photo/Northwind Studios, Jane Doe)", "Jane Doe", "AP"),  # a handout: the photographer last
        ("AP Photo/Uncredited", None, "AP"),
        ("REUTERS/Gleb Garanich/File Photo", "Gleb Garanich", "REUTERS"),
        ("Reuters / Jane Doe", "Jane Doe", "Reuters"),
        ("Photo: Jane Doe, AP", "Jane Doe", "AP"),
        ("Photograph: Jane Doe/Getty Images", "Jane Doe", "Getty Images"),
        ("Photographer: Jane Doe/Bloomberg", "Jane Doe", "Bloomberg"),
        ("Photo by Jane Doe / Agency Nine", "Jane Doe", "Agency Nine"),
        ("Jane Doe | Bloomberg | Getty Images", "Jane Doe", "Bloomberg | Getty Images"),
        ("Jane Doe/Hindustan Times/Getty Images", "Jane Doe", "Hindustan Times/Getty Images"),
        ("Jane Doe/Getty Images for Northwind", "Jane Doe", "Getty Images for Northwind"),
        ("Jane Doe/Reuters files", "Jane Doe", "Reuters"),
        ("Jane Doe\u2014Getty Images", "Jane Doe", "Getty Images"),
        ("Photo: Jane Doe (Northwind Agency)", "Jane Doe", "Northwind Agency"),
        ("Jane Doe/Agence France-Presse \u2014 Getty Images", "Jane Doe", "Agence France-Presse \u2014 Getty Images"),
        ("(Photo Credit : PTI File Photo )", None, "PTI"),
        ("(File 2013/The Associated Press)", None, "The Associated Press"),
        ("Image copyright Reuters", None, "Reuters"),
        ("Image credit: Northwind", None, "Northwind"),
        ("Main image credit: Getty", None, "Getty"),
        ("(Image: \u00a9 Northwind Collaboration)", None, "Northwind Collaboration"),
        ("\u00a9 Northwind Collaboration", None, "Northwind Collaboration"),
        ("Bloomberg via Getty Images", None, "Bloomberg via Getty Images"),
        ("NASA/JPL-Caltech/Space Science Institute", None, "NASA/JPL-Caltech/Space Science Institute"),
        ("(Northwind Co.)", None, "Northwind Co."),
        ("Jane Doe-USA TODAY Sports", "Jane Doe", "USA TODAY Sports"),
        ("JaneDoe/Shutterstock.com", "JaneDoe", "Shutterstock.com"),
        ("Фото: Олена Коваль/Суспільне", "Олена Коваль", "Суспільне"),
        ("Фото: особистий архів Олени Коваль", None, "особистий архів Олени Коваль"),
        ("Foto: Jane Doe/dpa", "Jane Doe", "dpa"),
        ("Bild: Jane Doe", "Jane Doe", None),
        ("Courtesy of Jane Doe", None, "Jane Doe"),  # who provided the photo: its source
        ("Courtesy Northwind Air Lines", None, "Northwind Air Lines"),
        ("Photo courtesy Jane Doe/Getty Images", "Jane Doe", "Getty Images"),
        ("Image via Getty Images", None, "Getty Images"),  # not an agency 'Image via Getty Images'
        ("Photo via Jane Doe", None, "Jane Doe"),
        ("Jane Doe Photography / Alamy", "Jane Doe Photography", "Alamy"),  # a photographer's studio
        ("Screenshot by Jane Doe/NWX Esports", "Jane Doe", "NWX Esports"),
        ("Screenshot: Northwind", None, "Northwind"),
        ("Jane Doe/Pool/Getty Images", "Jane Doe", "Getty Images"),  # a pool photo's mark between the parts
        ("Reuters / Pool", None, "Reuters / Pool"),
        ("Credit: Northwind Games", None, "Northwind Games"),  # a game studio
        ("Northwind Photography/Getty Images", None, "Northwind Photography/Getty Images"),
        ("Credit Illustration by Jane Doe", "Jane Doe", None),
        ("Photography by Jane Doe", "Jane Doe", None),
        ("Credit: By Jane Doe, Staff Photographer", "Jane Doe", None),
        ("[사진=노스윈드]", None, "노스윈드"),  # an uncased script is a name too
        (
            "Mandatory Credit: Jane Doe-Northwind Sports - NWX4JDW4",
            "Jane Doe",
            "Northwind Sports",
        ),  # a picture's number
        ("Photo: Flickr user Jane Doe", "Jane Doe", "Flickr"),
    ],
)
def test_parse_forms(text: str, photographer: str | None, agency: str | None) -> None:
    assert parse(text) == [Credit(photographer, agency)]


def test_two_credits_in_one_line() -> None:
    assert parse("Photos: Jane Doe/AP; John Roe/Reuters") == [Credit("Jane Doe", "AP"), Credit("John Roe", "Reuters")]
    assert parse("[사진=NWTV, 노스윈드]") == [Credit(None, "NWTV"), Credit(None, "노스윈드")]
    assert parse("Credit: NWX Sports, Northwind Games") == [Credit(None, "NWX Sports"), Credit(None, "Northwind Games")]


@pytest.mark.parametrize(
    "text",
    [
        "Image: A view of the city from the tower.",
        "Photo: Courtesy of the family",
        "\u00a9 2024 Northwind News. All rights reserved.",
        "By Jane Doe | Northwind News",  # a byline
        "Photos: The 'Humans of Northwind'",  # a gallery's title
        "News | Photo",  # a menu
        "Jane Doe and John Roe Meet",  # people, or an image's title: no agency
    ],
)
def test_parse_refuses_what_is_no_credit(text: str) -> None:
    assert parse(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Jane Doe | jdoe@northwind.example",  # a contact address, not an agency
    ],
)
def test_parse_refuses_contacts(text: str) -> None:
    assert parse(text) == []


def test_find_credit_after_a_comma() -> None:
    found = find("See more photos in the gallery, images by Jane Doe")
    assert found is not None
    assert [located.credit for located in found.credits] == [Credit("Jane Doe", None)]


def test_a_gallery_list_of_credits_keeps_what_says_what_it_is() -> None:
    # Too long for a caption's credits; each piece is read, and only the pieces that show what they
    # are (a known agency, a platform, an acronym, a photographer with an agency) are kept.
    pieces = ["NWX", "Jane Doe", "Northwind Stoke", "Reuters", "Pinterest user Jane", "Northstory"] * 8
    found = find(f"(Image credits: {'; '.join(pieces)})")
    assert found is not None
    assert {located.credit for located in found.credits} == {
        Credit(None, "NWX"),
        Credit(None, "Reuters"),
        Credit("Jane", "Pinterest"),
    }
    # A long line of ';'-separated sentences is no list of credits, nor a list without a label.
    assert find("; ".join(["Officials said on Tuesday that the work would go on"] * 8)) is None
    assert find(f"({'; '.join(pieces)})") is None


def test_a_word_before_an_unlabelled_credit_is_no_agency() -> None:
    # An image's alt text 'Image Jane Doe/Flickr' must not give the agency 'Image Jane Doe'.
    assert find("Image Jane Doe/Flickr") is None


def test_organisations_are_not_photographers() -> None:
    assert parse("Credit: NWX Collaboration") == [Credit(None, "NWX Collaboration")]  # an acronym beside words
    assert parse("Credit: Northwind Books") == [Credit(None, "Northwind Books")]
    assert parse("Credit: Jane Doe") == [Credit("Jane Doe", None)]


def test_unlabelled_credit_needs_a_sign() -> None:
    # After a label any name is taken; without one the agency must show itself.
    assert parse("Jane Doe/Northwind", labelled=False) == []
    assert parse("Jane Doe/Northwind") == [Credit("Jane Doe", "Northwind")]
    assert parse("Jane Doe/Reuters", labelled=False) == [Credit("Jane Doe", "Reuters")]
    assert parse("Jane Doe/Northwind Times", labelled=False) == [Credit("Jane Doe", "Northwind Times")]


# ---------------------------------------------------------------------------------------
# Credits closing a caption
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "photographer", "agency"),
    [
        ("Soldiers in Kyiv on Monday. (Jane Doe/AP)", "Jane Doe", "AP"),
        ("Soldiers in Kyiv on Monday. [GETTY]", None, "GETTY"),
        ("Soldiers in Kyiv on Monday.Credit...Jane Doe for The Daily Planet", "Jane Doe", "The Daily Planet"),
        ("Soldiers in Kyiv on Monday.Image Credit: Northwind", None, "Northwind"),
        ("Soldiers in Kyiv on November 04, 2023.Photograph: Jane Doe/Getty Images", "Jane Doe", "Getty Images"),
        ("Soldiers in Kyiv on Monday.Photos: Jane Doe/AP", "Jane Doe", "AP"),
        # The label in any case, as a credit element is styled in capitals: before its colon.
        ("Soldiers in Kyiv on October 11, 2023.PHotograph: Jane Doe/Getty Images", "Jane Doe", "Getty Images"),
        # A credit element run into its caption by the copy, without a label.
        ("The sun rises over Lost Hills, California.Jane Doe\u2014Getty Images", "Jane Doe", "Getty Images"),
        ("Soldiers in Kyiv on Monday. Photograph: Getty Images", None, "Getty Images"),
        ("Soldiers in Kyiv on Monday | Jane Doe/Getty Images", "Jane Doe", "Getty Images"),
        ("Jane Doe | Getty Images", "Jane Doe", "Getty Images"),
        ("Written by John Roe | Photography by Jane Doe", "Jane Doe", None),
        ("Text by John Roe | Photography by Jane Doe | Produced by Jim Poe", "Jane Doe", None),
        ("Senator Roe spoke at the hearing. (Jane Doe/The Daily Planet)", "Jane Doe", "The Daily Planet"),
        ("Senator Roe spoke at the hearing. (The Associated Press)", None, "The Associated Press"),
        ("A singer in New York City [Instagram]", None, "Instagram"),
        ("(AFP)", None, "AFP"),
        # A dash set between the caption and its credit is neither's.
        ("A woman at her desk. - Jane Doe/Getty Images News", "Jane Doe", "Getty Images News"),
        ("Photo: - Jane Doe/Getty Images", "Jane Doe", "Getty Images"),
    ],
)
def test_find_credits_closing_a_caption(text: str, photographer: str | None, agency: str | None) -> None:
    found = find(text)
    assert found is not None
    assert [c.credit for c in found.credits] == [Credit(photographer, agency)]
    located = found.credits[0]
    assert str(photographer or agency) in text[located.start : located.end]  # the span is the credit's text


@pytest.mark.parametrize(
    "text",
    [
        "The report was shared 24/7 and/or posted at 3/16.",
        "A Northwind Post/ABC News poll published on 3/16 found broad support.",
        "He met officials. Biden/Harris",
        "He met officials.Biden/Harris",
        "He met officials.Photographs of the meeting were not allowed.",  # a sentence, not a label
        "He met officials.PHOTOGRAPHS of the meeting were not allowed.",
        "Jane Doe in an undated picture.Facebook",  # a platform alone, run on: no sign of a credit
        "Troops of the U.S.Army Reserve/National Guard",
        "Home | About Me/Contact",
        "View/Post Comments",
        "Privacy Policy/Terms of Service",
        "Copyright \u00a9 2024 Northwind Media Group, Inc.",  # the page's copyright line
        "Jane Doe | Northwind Advance Media",  # a byline with the outlet
        "Soldiers in Kyiv on Monday. Reuters",  # a known agency alone needs brackets or a label
        "See the video: Jane Doe",
        "He met them. (Jane Doe/John Roe)",  # two people in brackets
        "Twitter | Facebook | Pinterest | Instagram",  # share links
        "Soldiers in Kyiv. Jane Doe for The Daily Planet",  # without a label, maybe a byline
        "Powered by Northwind",
        "Why Can't Singers Perform Their Own Songs? It's Complicated (Bloomberg)",  # a headline and its source
        "Die elektronische Patientenakte (ePA)",  # a term's abbreviation
        # Captions whose subject is a photographer.
        "Photographer: Jane Doe at work in Kyiv on Monday",
        "Photographer Jane Doe at her exhibition in Kyiv.",
        "The exhibition features photographs by Jane Doe",
        "The building, photos by the police show, was empty",
        "He shared the photo via Twitter",  # 'via' in a sentence is no label
        "He took a screenshot: it was gone",
    ],
)
def test_find_refuses_sentences_menus_and_footers(text: str) -> None:
    assert find(text) is None


def test_find_keeps_the_caption_apart() -> None:
    found = find("Soldiers in Kyiv on Monday. (Jane Doe/AP)")
    assert found is not None
    assert found.caption_end == len("Soldiers in Kyiv on Monday. ")


# ---------------------------------------------------------------------------------------
# HTML: credit elements by structure, and the same text rules
# ---------------------------------------------------------------------------------------


def test_html_credit_label_is_stripped_and_split() -> None:
    body = (
        '<figure><img src="a.jpg"><figcaption>A street in Kyiv.'
        '<span itemprop="copyrightHolder">Credit...Jane Doe/The Daily Planet</span></figcaption></figure>'
    )
    assert html_credits(body) == [{"photographer": "Jane Doe", "agency": "The Daily Planet"}]


def test_html_credit_classed_as_part_of_the_caption() -> None:
    body = (
        '<figure><img src="a.jpg"><div class="caption"><span class="caption__text">A street on May 4, 2024.</span>'
        '<span class="caption__credit">Photograph: Jane Doe/Getty Images</span></div></figure>'
        '<figure><img src="b.jpg"><div class="caption-and-credit">A square. (Jane Doe/AP)</div></figure>'
    )
    assert html_credits(body) == [
        {"photographer": "Jane Doe", "agency": "Getty Images"},
        {"photographer": "Jane Doe", "agency": "AP"},
    ]


def test_html_source_beside_an_image() -> None:
    body = '<p><span class="image"><img src="a.jpg"><span class="source">Jane Doe/Reuters</span></span></p>'
    assert html_credits(body) == [{"photographer": "Jane Doe", "agency": "Reuters"}]


def test_html_source_in_a_slide_beside_its_image() -> None:
    # A slide: the image in one block, the caption in another, the source closing the caption.
    slide = (
        '<ul class="slides"><li><div class="m"><a href="#"><img src="ferry.jpg"></a></div>'
        '<div class="summary"><p>{}<span class="source">{}</span></p></div></li></ul>'
    )
    assert html_credits(slide.format("The ferry in an undated picture.", "Instagram")) == [{"agency": "Instagram"}]
    # A source that reads as no credit (a code) leaves the caption's own closing credit to be read.
    assert html_credits(slide.format("The ferry at dawn. (AP Photo/A24 Films, Jane Doe)", "AP2024")) == [
        {"photographer": "Jane Doe", "agency": "AP"}
    ]


@pytest.mark.parametrize(
    "body",
    [
        # A quote's ticker link marked as a source, beside an arrow icon, in a table.
        '<table><tr><td class="image"><img src="arrow_up.png"></td>'
        '<td><a class="qs-source-x" href="/q">NWX</a></td></tr></table>',
        # The site's copyright line beside its logo.
        '<p class="footer"><a href="/"><img src="/res/site-logo.png"></a> <span class="footer-copyright">'
        "\u00a9 2024 Northwind UK</span></p>",
        # An author's portrait block with the author's name.
        '<div class="author-card"><img src="jane.jpg"><span class="source">Jane Doe</span></div>',
    ],
)
def test_html_slide_traps(body: str) -> None:
    assert html_credits(body) == []


def test_html_byline_in_a_photo_block_is_its_credit() -> None:
    body = (
        '<div class="widget"><span class="photo-large"><a href="/big.jpg"><img src="cover.jpg"></a>'
        '<span class="photo-data"><span class="byline">Northwind Books</span></span></span></div>'
    )
    assert html_credits(body) == [{"agency": "Northwind Books"}]
    # The story's byline block marked 'noImage' (a byline without a portrait), and an author's portrait.
    byline = (
        '<div class="articleByline noImage"><div class="inner"><span class="byline__name">Jane Doe</span></div></div>'
    )
    portrait = '<div class="author-image"><img src="jane.jpg"><span class="byline">Jane Doe</span></div>'
    assert html_credits(byline) == []
    assert html_credits(portrait) == []
    # A listed story's card marked by its image's layout: its byline is the listed story's author.
    card = (
        '<div class="summary-item summary-item--image-right"><img src="t.jpg"><div class="summary-item__content">'
        '<a href="/story/other">Another story that was in the news today</a>'
        '<div class="summary-item__byline">Jane Doe</div></div></div>'
    )
    assert html_credits(card) == []


def test_names_with_numbers_and_organisations() -> None:
    assert parse("(AP Photo/A24 Films, Jane Doe)") == [Credit("Jane Doe", "AP")]
    assert parse("Credit: AP2024") == []  # one word with digits: a code
    assert parse("Credit: Northwind Features Syndication") == [Credit(None, "Northwind Features Syndication")]
    assert parse("Credit: Lane County Jail") == [Credit(None, "Lane County Jail")]


def test_html_credit_element_outside_a_figure() -> None:
    body = (
        '<div class="gallery-item"><img src="a.jpg"><div class="caption-text">A street in Kyiv.</div>'
        '<span class="credit">Photo: Jane Doe, AP</span></div>'
    )
    assert html_credits(body) == [{"photographer": "Jane Doe", "agency": "AP"}]


def test_html_cite_and_source_in_a_figure() -> None:
    body = (
        '<figure><img src="a.jpg"><span class="meta"><figcaption>A street.</figcaption>'
        "<cite>Jane Doe/Northwind</cite></span></figure>"
        '<figure><img src="b.jpg"><figcaption>A chart.</figcaption><div class="image-source">Northwind Institute</div>'
        "</figure>"
    )
    assert html_credits(body) == [
        {"photographer": "Jane Doe", "agency": "Northwind"},
        {"agency": "Northwind Institute"},
    ]


def test_html_caption_element_with_a_parenthesised_credit() -> None:
    body = '<div class="wp-caption"><img src="a.jpg"><p class="caption-text">A street in Kyiv. (Jane Doe/AP)</p></div>'
    assert html_credits(body) == [{"photographer": "Jane Doe", "agency": "AP"}]


def test_html_credit_line_in_the_story_text() -> None:
    body = "<p><em>Main image credit: Getty</em></p>"
    assert html_credits(body) == [{"agency": "Getty"}]


def test_html_label_in_its_own_block() -> None:
    body = '<div class="slide"><img src="a.jpg"><dl><dt>Фото:</dt><dd>особистий архів Олени Коваль</dd></dl></div>'
    assert html_credits(body) == [{"agency": "особистий архів Олени Коваль"}]


def test_html_json_ld_creator_holding_a_whole_credit_line() -> None:
    image = '{"@type": "ImageObject", "creator": "Jane Doe/Reuters"}'
    head = f'<script type="application/ld+json">{{"@type": "NewsArticle", "image": {image}}}</script>'
    assert html_credits("", head) == [{"photographer": "Jane Doe", "agency": "Reuters"}]


def test_html_credit_in_a_story_column_inside_a_marked_layout() -> None:
    # A layout wrapper classed 'sidebar' around the story's column is not furniture for credits;
    # the real sidebar beside the column still is.
    body = (
        '<div class="layout-with-sidebar"><div class="col-main">'
        '<figure><img src="a.jpg"><figcaption>A street in Kyiv.</figcaption><cite>Jane Doe/Getty Images</cite></figure>'
        f"{STORY}{STORY}</div>"
        '<div class="col-sidebar"><figure><img src="r.jpg"><cite>John Roe/Getty Images</cite></figure></div></div>'
    )
    assert html_credits(body) == [{"photographer": "Jane Doe", "agency": "Getty Images"}]


def test_html_credit_linking_to_a_document_is_a_source() -> None:
    # A bare name that links to a report or a paper names where a chart comes from: an agency.
    chart = (
        '<figure><img src="c.png"><figcaption>Air quality this week.</figcaption>'
        '<cite><a href="{}">{}</a></cite></figure>'
    )
    assert html_credits(chart.format("https://northwind.example/reports/2019/air-quality", "Northwind Earth")) == [
        {"agency": "Northwind Earth"}
    ]
    # A photographer's home page or profile page keeps the photographer.
    assert html_credits(chart.format("https://janedoe.example/", "Jane Doe")) == [{"photographer": "Jane Doe"}]
    assert html_credits(chart.format("/contributors/jane-doe", "Jane Doe")) == [{"photographer": "Jane Doe"}]


LEAD = '<meta property="og:image" content="https://cdn.example/images/2024/lead-photo.jpg">'


def test_html_credit_in_the_lead_image_alt_or_title() -> None:
    # The page's own image (og:image, matched by file name, whatever the resized path).
    lead = '<img src="https://cdn.example/styles/large/images/2024/lead-photo.jpg?w=800" {}>'
    assert html_credits(lead.format('alt="A street in Kyiv. (AFP file photo)"'), LEAD) == [{"agency": "AFP"}]
    assert html_credits(lead.format('alt="A street in Kyiv." title="Jane Doe/AP"'), LEAD) == [
        {"photographer": "Jane Doe", "agency": "AP"}
    ]
    # Another image's alt text (a video's poster, a hidden slide) is not read.
    other = '<img src="https://cdn.example/images/2024/poster.jpg" alt="A street in Kyiv. (AP Photo/Jane Doe)">'
    assert html_credits(other, LEAD) == []


def test_html_credit_on_the_last_line_of_a_caption() -> None:
    body = '<figure><img src="a.jpg"><figcaption>A street in Kyiv on Monday<br>Photo: Jane Doe</figcaption></figure>'
    found = [f.value for f in html.extract(page(body)).facts if f.field == "credit"]
    assert found == [{"photographer": "Jane Doe", "caption": "A street in Kyiv on Monday"}]


def test_html_credit_on_the_first_line_of_a_caption() -> None:
    caption = '<div class="image-caption"><span class="tiny">{}</span><br><span>A street in Kyiv on Monday</span></div>'
    body = '<div class="article-image"><img src="a.jpg">' + caption + "</div>"
    found = [f.value for f in html.extract(page(body.format("\u00a9 Northwind News"))).facts if f.field == "credit"]
    assert found == [{"agency": "Northwind News", "caption": "A street in Kyiv on Monday"}]
    # Without a label the first line is the caption's own.
    assert [f for f in html.extract(page(body.format("Jane Doe at home"))).facts if f.field == "credit"] == []


@pytest.mark.parametrize(
    ("label", "credits"),
    [
        ('<label><i class="fi-camera"> </i>Northwind</label>', [{"agency": "Northwind"}]),
        ('<span><i class="fa fa-camera"></i> Jane Doe</span>', [{"photographer": "Jane Doe"}]),
        ('<a href="/gallery"><i class="fa fa-camera"></i> Northwind</a>', []),  # a gallery's link
        ('<span><i class="fa fa-camera"></i> 12 photos</span>', []),  # a count
        ('<span><i class="fa fa-calendar"></i> Northwind</span>', []),  # another icon
    ],
)
def test_html_credit_a_camera_icon_labels(label: str, credits: list[dict[str, str]]) -> None:
    head = '<h2 class="subtitle">A new car for the city</h2>'
    body = f'<article>{head}<div class="post-info">{label}</div>{STORY}</article>'
    found = [f.value for f in html.extract(page(body)).facts if f.field == "credit"]
    assert [{k: v for k, v in c.items() if k != "caption"} for c in found if isinstance(c, dict)] == credits


def test_html_line_of_roles_broken_after_a_label() -> None:
    body = (
        '<div class="contributors"><span>Text by Jane Doe</span> | <span>Photography by</span>'
        "<div>John Roe</div> | <span>Produced by Ann Poe</span></div>"
    )
    assert html_credits(body) == [{"photographer": "John Roe"}]


def test_html_cited_story_source_is_no_credit() -> None:
    # A further-reading line: a story's headline and, in brackets, a link to it on another site.
    line = '<p><em>Why the Northwind Song Is Complicated</em> [<a href="https://x.example/news/articles/1">Reuters</a>]</p>'
    assert html_credits(line) == []
    # The same bracket closing a caption, not a link, is a credit.
    assert html_credits("<p>A street in Kyiv on Monday. [Reuters]</p>") == [{"agency": "Reuters"}]


@pytest.mark.parametrize(
    "body",
    [
        # An alt text without a sign of a credit, and one with a library's file name.
        '<img src="a.jpg" alt="Jane Doe and John Roe in Kyiv">',
        '<img src="a.jpg" alt="GettyImages 1234567">',
        # A listed story's thumbnail (in a link), a headshot (small), a sidebar's image.
        '<a href="/other"><img src="a.jpg" alt="Other story. (AP Photo/Jane Doe)"></a>',
        '<img src="a.jpg" width="60" height="60" alt="Jane Doe. (AP Photo/John Roe)">',
        '<div class="sidebar"><img src="a.jpg" alt="Other story. (AP Photo/Jane Doe)"></div>',
        # A data-credit attribute: galleries carry their other photos' credits in it.
        '<div class="gallery" data-credit="Jane Doe/Northwind Times"><img src="g.jpg"></div>',
    ],
)
def test_html_attribute_traps(body: str) -> None:
    assert html_credits(body.replace('"a.jpg"', '"lead-photo.jpg"'), LEAD) == []


@pytest.mark.parametrize(
    "body",
    [
        # A byline beside the lead image is the story's author, not a photographer.
        '<header><img src="a.jpg"><div class="byline">Jane Doe</div></header>',
        # The page's copyright line in the article's footer area.
        '<div class="copyright">\u00a9 2024 Northwind Media Group, Inc.</div>',
        # Related stories: their images' credits are not this article's.
        '<aside><figure><img src="r.jpg"><figcaption>Other story. (Jane Doe/AP)</figcaption></figure></aside>',
        '<div class="related-stories"><span class="credit">Jane Doe/Reuters</span></div>',
        # An advertisement's image.
        '<figure><img src="ad.jpg"><figcaption>Subscribe to our magazine!</figcaption>'
        '<span class="credit">(Image credit: Northwind Magazine)</span></figure>',
        # A listed story's source beside its thumbnail.
        '<ul><li><img src="t.jpg"><a href="/s">Other story in the news today</a>'
        '<span class="source">Northwind News</span></li></ul>',
        '<div class="story"><img src="t.jpg"><a href="/s">Another story in the news today</a>'
        '<div class="attribution">Northwind News</div></div>',
        # A menu with a slash.
        '<div class="nav-links">Home | About Me/Contact</div>',
    ],
)
def test_html_traps(body: str) -> None:
    assert html_credits(body) == []


# ---------------------------------------------------------------------------------------
# Plain text: the same rules
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("A street in Kyiv. (AP Photo/Jane Doe)", {"photographer": "Jane Doe", "agency": "AP"}),
        ("A street in Kyiv. Image copyright Reuters", {"agency": "Reuters"}),
        ("A street in Kyiv. [GETTY]", {"agency": "GETTY"}),
        ("A street in Kyiv. Jane Doe/Reuters files", {"photographer": "Jane Doe", "agency": "Reuters"}),
        ("Jane Doe | Getty Images", {"photographer": "Jane Doe", "agency": "Getty Images"}),
        ("A street in Kyiv. \u00a9 Reuters / Jane Doe", {"photographer": "Jane Doe", "agency": "Reuters"}),
        ("\u00a9 REUTERS / POOL", {"agency": "REUTERS / POOL"}),
        ("A street in Kyiv. istockphoto.com", {"agency": "istockphoto.com"}),
        ("\u00a9 Jane Doe/Instagram", {"photographer": "Jane Doe", "agency": "Instagram"}),  # a person's, an agency
        ("\u00a9 Alamy", {"agency": "Alamy"}),  # a photo agency, no news agency
        ("The judge and the prosecutor in Palma. 27-06-2012 | Efe", {"agency": "Efe"}),  # the photo's date, its agency
        ("The studio's chief at a launch. (Northwind Co.)", {"agency": "Northwind Co."}),  # a company's handout
        (
            "A car at the show. Photo: Jane Doe, AP / Copyright 2019 The Associated Press. All rights reserved.",
            {"photographer": "Jane Doe", "agency": "AP"},
        ),  # the agency's notice after the credit
    ],
)
def test_text_forms(line: str, credit: dict[str, str]) -> None:
    assert text_credits(line) == [credit]


@pytest.mark.parametrize(
    "line",
    [
        "Copyright \u00a9 2024 Northwind Media Group, Inc. All rights reserved.",
        "\u00a9 2024 Northwind Australia.",
        "Video: Creative Holiday Centerpiece",
        "View/Post Comments",
        "By Jane Doe | Northwind News",
        "\u00a9 Reuters",  # closing a wire story: the story's copyright
        "Copyright \u00a9 Reuters / Northwind",
        "\u00a9 Jane Doe",  # a blog's owner
        "\u00a9 Northwind Media/Jane Doe",
        "Copyright \u00a9 Alamy",
        "Markets rally on the news 27-06-2012 | Reuters",  # a listed story's headline, date and source
        "Shares fell after the company said so (Northwind Inc.)",  # a company named in a sentence
    ],
)
def test_text_traps(line: str) -> None:
    assert text_credits(line) == []


def test_text_credit_run_into_the_next_element() -> None:
    # A paste runs a credit element and the next one together when no space stands between them.
    cases = [
        (
            "Jane Doe/REUTERSA jet fighter drops flares over the range",
            {
                "photographer": "Jane Doe",
                "agency": "REUTERS",
                "caption": "A jet fighter drops flares over the range",
            },
        ),
        (
            "A scene from the film, shown on Monday. (AP Photo/Northwind Films, Jane Doe)AP2014",
            {"photographer": "Jane Doe", "agency": "AP", "caption": "A scene from the film, shown on Monday."},
        ),
        (
            "The logo outside an office in New York.Reuters",
            {"agency": "Reuters", "caption": "The logo outside an office in New York."},
        ),
    ]
    for line, value in cases:
        data = (BODY + line + "\n").encode()
        found = [e for e in plaintext.extract(data) if e.field == "credit"]
        assert [e.value for e in found] == [value]
        assert data[found[0].start : found[0].end].decode() == found[0].evidence


@pytest.mark.parametrize(
    "line",
    [
        "Officials met Jane Doe/REUTERS A man walks past",  # not at the line's start, and a space after it
        "Jane Doe/NORTHWINDThe view from the hill",  # no known agency
        "ATHENS (AFP)The Greek government said on Monday it would act",  # more than a code after the bracket
        "The family moved to St.Louis",  # no credit after the stop
        "Officials said so.Reuters reported it first",  # a sentence after the stop
    ],
)
def test_text_glued_traps(line: str) -> None:
    assert find(line) is None
    assert text_credits(line) == []


def test_text_label_on_its_own_line() -> None:
    # A pasted page puts the label and its credit on two lines ('Photo:' / 'Jane Doe'); the span covers both.
    data = f"{BODY}A street in Kyiv on Monday\n\u0424\u043e\u0442\u043e:\nJane Doe/Northwind\n".encode()
    found = [e for e in plaintext.extract(data) if e.field == "credit"]
    values = [e.value for e in found if isinstance(e.value, dict)]
    assert [(v.get("photographer"), v.get("agency")) for v in values] == [("Jane Doe", "Northwind")]
    assert found[0].evidence == "\u0424\u043e\u0442\u043e:\nJane Doe/Northwind"
    assert data[found[0].start : found[0].end].decode() == found[0].evidence
    # A label's line followed by a sentence is no credit.
    data = f"{BODY}Photo:\nOfficials said on Tuesday that the work would go on.\n".encode()
    assert [e for e in plaintext.extract(data) if e.field == "credit"] == []


def test_text_site_credit_below_the_footer_notice() -> None:
    # The site-wide line under the page's copyright notice credits no photo of this article.
    footer = "\u00a9 2004-2024 Northwind Interactive. All Rights Reserved.\nImages by Getty Images and Northwind Wire\n"
    assert text_credits(BODY * 3 + footer) == []
    # Above the notice, and closing a caption below it, the same rules read credits.
    caption = "A street in Kyiv. (AP Photo/Jane Doe)\n"
    assert text_credits(caption + "\n" + BODY * 3 + footer) == [{"photographer": "Jane Doe", "agency": "AP"}]
    assert text_credits(BODY * 3 + footer + caption) == [{"photographer": "Jane Doe", "agency": "AP"}]


# ---------------------------------------------------------------------------------------
# HTML: credits in script data, only the article's own images
# ---------------------------------------------------------------------------------------

HEADLINE = "Northwind opens a new route across the bay"
CANONICAL = "https://news.example/2024/05/northwind-route"
OWN = f'<link rel="canonical" href="{CANONICAL}"><meta property="og:title" content="{HEADLINE}">'


def script_page(state: object, body: str = "", *, assign: str = "window.pageState = ") -> bytes:
    script = f"<script>{assign}{json.dumps(state)};</script>"
    article = f"<article><h1>{HEADLINE}</h1>{body}{STORY}</article>"
    return f"<html><head><title>T</title>{OWN}</head><body>{article}{script}</body></html>".encode()


def script_credits(state: object, body: str = "", **kwargs: str) -> list[dict[str, Any]]:
    found = [f for f in html.extract(script_page(state, body, **kwargs)).facts if f.field == "credit"]
    return [{k: v for k, v in f.value.items() if k != "caption"} for f in found if isinstance(f.value, dict)]


SLIDES = [
    {"image": "a.jpg", "caption": "<p>The new ferry.</p>", "credit": "<p>Courtesy Northwind Air Lines</p>"},
    {"image": "b.jpg", "caption": "The harbour.", "credit": "Jane Doe / Getty"},
    {"image": "c.jpg", "caption": "The pier.", "credit": "Photo by John Roe"},
]


def test_script_slideshow_of_the_article() -> None:
    state = {"seoTitle": HEADLINE, "items": SLIDES}
    assert script_credits(state, assign="slideshow['2024/05/northwind-route'] = ") == [
        {"agency": "Northwind Air Lines"},
        {"photographer": "Jane Doe", "agency": "Getty"},
        {"photographer": "John Roe"},
    ]
    found = [f for f in html.extract(script_page(state)).facts if f.field == "credit"]
    assert found[0].rule == "script-data"
    assert found[0].value == {"agency": "Northwind Air Lines", "caption": "The new ferry."}


def test_script_post_named_by_its_url_with_a_caption_credit() -> None:
    # A CMS's page state: the post whose link is the canonical URL; the caption's credit line is
    # the fuller one beside the image's credit key.
    media = {
        "caption": {"rendered": "<p>The ferry at dawn. (Photo by Jane Doe/Getty Images for Northwind)</p>"},
        "media_details": {"image_meta": {"credit": "Getty Images for Northwind"}},
    }
    post = {"link": CANONICAL + "/", "title": {"rendered": "A title"}, "_embedded": {"featured": [media]}}
    assert script_credits({"entities": {"posts": [post]}}) == [
        {"photographer": "Jane Doe", "agency": "Getty Images for Northwind"}
    ]


def test_script_credit_object_with_people_and_affiliation() -> None:
    lead = {"type": "image", "caption": "The ferry.", "credits": {"by": [{"name": "Jane Doe"}], "affiliation": []}}
    story = {
        "headlines": {"basic": HEADLINE},
        "credits": {"by": [{"name": "John Roe"}]},
        "promo_items": {"basic": lead},
    }
    # The story's own credits are its byline (John Roe), not a photo's.
    assert script_credits({"globalContent": story}) == [{"photographer": "Jane Doe"}]
    lead["credits"] = {"by": [{"name": "Jane Doe"}], "affiliation": [{"name": "Reuters"}]}
    assert script_credits({"globalContent": story}) == [{"photographer": "Jane Doe", "agency": "Reuters"}]


@pytest.mark.parametrize(
    "state",
    [
        # A blob that does not name this article: a gallery of any story, a home page's bundle.
        {"id": 48870, "items": SLIDES},
        {"url": "https://news.example/", "items": SLIDES},
        # Inside the article's object: other stories (their own headline) and lists of them.
        {"headline": HEADLINE, "next": {"headline": "Another story of the day", "lead": SLIDES[1]}},
        {"headline": HEADLINE, "relatedStories": [{"lead": SLIDES[1]}], "mostPopular": [{"lead": SLIDES[2]}]},
        # The authors' portraits.
        {"headline": HEADLINE, "authors": [{"name": "John Roe", "photo": {"credit": "Jane Doe/Reuters"}}]},
    ],
)
def test_script_traps(state: object) -> None:
    assert script_credits(state) == []


def test_script_names_need_a_path_or_three_words() -> None:
    # A home page's URL and a one-word headline ('Photos') name no article.
    state = json.dumps({"headline": "Photos", "url": "https://news.example/", "items": SLIDES})
    assert scriptdata.credits([f"var s = {state};"], ["https://news.example/"], ["Photos"]) == []
    found = scriptdata.credits([f"var s = {state};"], [], ["Photos of the day in Kyiv"])
    assert found == []
    named = json.dumps({"headline": "Photos of the day in Kyiv", "items": SLIDES[1:2]})
    found = scriptdata.credits([f"var s = {named};"], [], ["Photos of the day in Kyiv"])
    assert [(f.credit, f.caption) for f in found] == [(Credit("Jane Doe", "Getty"), "The harbour.")]


def test_script_data_only_where_the_page_credits_nothing() -> None:
    # The visible caption's credit is the page's statement; the script's slides are not added to it.
    body = '<figure><img src="a.jpg"><figcaption>The pier. (Jane Roe/AP)</figcaption></figure>'
    assert script_credits({"seoTitle": HEADLINE, "items": SLIDES}, body) == [
        {"photographer": "Jane Roe", "agency": "AP"}
    ]


def test_script_data_that_is_no_json_is_left() -> None:
    page_bytes = script_page({}).replace(b"window.pageState = {}", b"window.pageState = {credit: 'Jane Doe/AP'")
    assert [f for f in html.extract(page_bytes).facts if f.field == "credit"] == []
