"""Bylines (issue 10): the authors of THIS article, and nothing else, in pasted text and in HTML.

Hand-made snippets of the general forms outlets use; no corpus page is copied here.
"""

from __future__ import annotations

import pytest

from archive.extract import plaintext
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
    ],
)
def test_byline_forms_in_a_pasted_page(byline: str, expected: list[str]) -> None:
    text = f"{NAV}\n{HEADLINE}\n\n{byline}\n\n{STORY}"
    assert authors(text) == expected


def test_a_byline_under_the_standfirst() -> None:
    standfirst = "A year of work by the investigators ends with a report that names the officials who gave the orders."
    assert authors(f"{NAV}\n{HEADLINE}\n\n{standfirst}\n\nJane Doe\n\nMarch 3, 2024\n\n{STORY}") == ["Jane Doe"]


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
