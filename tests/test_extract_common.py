"""archive.extract.common, and the cheap pre-tests the extractors run before their costly patterns.

A pre-test may let through a line that the pattern then rejects, never the reverse: each property
below feeds text built from the words the patterns look for (in odd cases and with the Unicode
letters that case-insensitive matching treats specially) and checks that whatever the pattern
finds, the pre-test would have let through.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.extract import html, plaintext
from archive.extract.common import credits, printed
from archive.extract.common.dates import When, same_time
from archive.extract.common.names import capitalize_words, is_person_name, person_value, shouting, title_case
from archive.extract.common.outlets import outlet_key
from archive.extract.common.text import fold, has_any

# ---------------------------------------------------------------------------------------
# When
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "iso"),
    [
        (When(date(2022, 3, 23)), "2022-03-23"),
        (When(date(2022, 3, 23), time(9, 15)), "2022-03-23"),  # a time in an unknown zone is no instant
        (When(date(2022, 3, 23), time(9, 15), "-04:00"), "2022-03-23T09:15:00-04:00"),
        (When(date(2022, 3, 23), time(9, 15, 7), "-00:00"), "2022-03-23T09:15:07-00:00"),  # as the source wrote it
    ],
)
def test_when_iso(when: When, iso: str) -> None:
    assert when.iso() == iso


@given(
    st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(2999, 12, 31)),
    st.integers(-14 * 60, 14 * 60),
)
def test_when_of_an_aware_datetime_writes_it_as_isoformat(moment: datetime, minutes: int) -> None:
    aware = moment.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    when = When.of(aware)
    assert when.iso() == aware.isoformat()
    assert when.moment == aware
    assert when.day == aware.date()


def test_when_of_a_naive_datetime_is_its_date() -> None:
    when = When.of(datetime(2022, 3, 23, 9, 15))
    assert (when.iso(), when.moment) == ("2022-03-23", None)


def test_same_time_compares_instants_else_days() -> None:
    eastern = When(date(2022, 3, 23), time(14, 5), "-04:00")
    utc = When(date(2022, 3, 23), time(18, 5), "+00:00")
    later = When(date(2022, 3, 23), time(18, 6), "+00:00")
    assert same_time(eastern, utc)
    assert not same_time(utc, later)
    assert same_time(When(date(2022, 3, 23)), later)  # a date agrees with any time that day
    assert not same_time(When(date(2022, 3, 24)), later)


# ---------------------------------------------------------------------------------------
# Outlet key, person names
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "plain", "web"),
    [
        ("The Guardian", "guardian", "guardian"),
        ("the  GUARDIAN", "guardian", "guardian"),
        ("guardian.com", "guardian.com", "guardian"),
        ("Kyiv Post |", "kyiv post |", "kyiv post"),
        ("AP News", "ap news", "associated press"),
        ("The", "", "the"),
        ("Theguardian", "theguardian", "theguardian"),
    ],
)
def test_outlet_key(name: str, plain: str, web: str) -> None:
    assert outlet_key(name) == plain
    assert outlet_key(name, web=True) == web


NOT_NAMES = frozenset({"press", "microsoft", "word"})


@pytest.mark.parametrize(
    ("phrase", "strict", "lenient"),
    [
        ("Jane Doe", True, True),
        ("Ludwig van Beethoven", True, True),
        ("Jane A. Doe", True, True),
        ("Martin Luther King Jr.", True, False),  # suffixes: the plain-text rule only
        ("Jane VAN Doe", True, True),
        ("j. Jane Doe", False, True),  # a lower-case initial: PDF forms only
        ("Associated Press", False, False),
        ("Microsoft Word", False, False),
        ("Jane", False, False),
        ("jane doe", False, False),
        ("A B C D E F", False, False),
        ('Jane "Janie Mae" Doe', True, True),  # a quoted nickname inside the name
        ("Jane \u201cThe Rock\u201d Doe", True, True),
        ('Jane "quoted text here" Doe', False, False),  # quoted words, no nickname
        ('"Jane" Doe', False, False),
        ('Jane Doe "Janie"', False, False),
    ],
)
def test_is_person_name_strict_and_any_case(phrase: str, strict: bool, lenient: bool) -> None:
    tokens = phrase.split()
    suffixes = frozenset({"Jr."})
    assert is_person_name(tokens, not_names=NOT_NAMES, suffixes=suffixes) is strict
    assert is_person_name(tokens, not_names=NOT_NAMES, any_case=True) is lenient


def test_styling_of_all_caps_names() -> None:
    assert title_case("JOHN O'BRIEN") == "John O'Brien"
    assert title_case("VOICE OF THE PEOPLE") == "Voice of the People"
    assert title_case("NPR NEWS") == "NPR News"
    assert capitalize_words("JOHN O'BRIEN") == "John O'brien"
    assert capitalize_words("NARIMAN EL-MOFTY") == "Nariman El-Mofty"
    assert person_value("JANE   DOE") == "Jane Doe"
    assert person_value("Jane   McDOE") == "Jane McDOE"
    assert shouting("AP 2022") and not shouting("Ap") and not shouting("2022")
    # A script without case never shouts.
    assert not shouting("港特首道歉") and not shouting("معارضون يسيطرون")
    # Nor does a line mostly in one with an acronym in it; capitals with a little of one still do.
    assert not shouting("ผล DNA ยืนยัน ศพลอยแม่น้ำโขง") and shouting("BREAKING NEWS 速報")


# ---------------------------------------------------------------------------------------
# Folding, and the pre-tests built on it
# ---------------------------------------------------------------------------------------

# The letters case-insensitive matching treats specially (İ ı ſ, the Kelvin sign), and others.
ODD = ["\u0130", "\u0131", "\u017f", "\u212a", "\u00df", "\u03a3", "\u00e9", "\u00a0", "\ufeff", "\u2019", "\u201d"]
WORDS = [
    "photo", "Photo", "PHOTOGRAPH", "image", "Pic", "credit", "Credit...", "courtesy", "Getty", "Getty Images",
    "Shutterstock", "Alamy", "EPA-EFE", "AP Photo", "AFP", "Reuters", "by", "By", "via", "for", "of", "/", ";", ":",
    ",", ".", "(", ")", "[", "]", "|", "\u2014", " ", "  ", "Jane Doe", "JANE DOE", "Evan Vucci", "The New York Times",
    "newsletter", "sign up for", "subscribe to", "PEOPLE's", "coverage", "Follow", "News Foundation", "Foundation",
    "Daily Caller", "March", "23", "2022", "1999", "20222", "-03-", "Wed", "9:15", "AM", "ET", "GMT", "on", "said",
    "(AFP)", "(CN)", "KYIV", "related", "sidebar", "most-read", "more-from", "comments", "Teaser", "byline", "author",
]  # fmt: skip
texts = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(ODD), st.text(max_size=3)), max_size=40).map("".join)
# Each letter of a word, in either case or as the odd letter case-insensitive matching takes for it.
spellings = {"i": ["i", "I", "\u0130", "\u0131"], "s": ["s", "S", "\u017f"], "k": ["k", "K", "\u212a"]}


@st.composite
def oddly_cased(draw: st.DrawFn, words: tuple[str, ...]) -> str:
    word = draw(st.sampled_from(words))
    return "".join(draw(st.sampled_from(spellings.get(c, [c.lower(), c.upper()]))) for c in word)


@given(texts, st.sampled_from(["photo", "image", "credit", "newsletter", "coverage", "sidebar", "skip", "kyiv"]))
@settings(max_examples=300)
def test_fold_keeps_what_case_insensitive_matching_finds(text: str, word: str) -> None:
    folded = fold(text)
    assert len(folded) == len(text)  # offsets carry over
    if re.search(re.escape(word), text, re.IGNORECASE):
        assert word in folded


@given(st.lists(oddly_cased(credits.CREDIT_WORDS), max_size=3), texts)
def test_fold_of_odd_spellings(words: list[str], text: str) -> None:
    line = text + " ".join(words)
    for word in credits.CREDIT_WORDS:
        if re.search(re.escape(word), line, re.IGNORECASE):
            assert has_any(fold(line), (word,))


@st.composite
def recased(draw: st.DrawFn, text: str) -> str:
    """text with its letters in any case, or as the odd letters case-insensitive matching takes."""
    return "".join(draw(st.sampled_from(spellings.get(c.lower(), [c, c.lower(), c.upper()]))) for c in text)


LABELS = ["", "Photo: ", "Photo by ", "Photographs: ", "Photo credit: ", "Image source, ", "Credit: ", "Credit\u2026"]
LABELS += ["Credit...", "Courtesy of ", "Picture courtesy ", "Pic: ", "Image: ", "Picture by "]
BODIES = ["Jane Doe/AP", "AP Photo/Evan Vucci, File", "Getty Images", "Shutterstock", "Alamy Stock Photo", "EPA-EFE"]
BODIES += ["Jane Doe", "Jane Doe for The New York Times", "Reuters", "Alamy", "Fadel Senna/AFP/Getty Images"]
BODIES += ["Jane Doe/Getty Images; John Roe/Reuters", "AFP via Getty Images", "REUTERS/Gleb Garanich/File Photo"]


@st.composite
def credit_lines(draw: st.DrawFn) -> str:
    caption = draw(st.sampled_from(["", "A soldier stands guard in Irpin on March 30, 2022", "Rescuers at work"]))
    boundary = draw(st.sampled_from([". ", " | ", " (", " \u2014 ", " [", ".", ""]))
    label = draw(recased(draw(st.sampled_from(LABELS))))
    body = draw(st.sampled_from(BODIES))
    closer = {" (": ")", " [": "]"}.get(boundary, draw(st.sampled_from(["", ".", ")"])))
    return caption + boundary + label + body + closer


@given(st.one_of(texts, credit_lines()))
@settings(max_examples=1000)
def test_credit_pre_test_lets_every_credit_through(text: str) -> None:
    line = " ".join(text.split())  # a line as the extractor holds it: one line, stripped
    if credits.find(line) is not None:
        assert credits.may_hold(fold(line)[max(0, len(line) - credits.MAX_CREDITS) :])


DATES = ["March 23, 2022", "Wed 23 Mar 2022 18.32 GMT", "23rd of march 2022", "2022-03-23", "Sept. 4 1999"]
DATES += ["9:15 AM EDT, March 23, 2022", "Thursday, Feb 24, 2022", "23 Mar 202223 Mar 2022", "on July 7, 2022"]
SIGNALS = ["sign up for PEOPLE's free daily newsletter", "Subscribe to The Guardian's newsletters"]
SIGNALS += ["Follow PEOPLE's complete coverage", "keep up with all of The Hill's coverage"]
SIGNALS += ["the Daily Caller News Foundation", "Read more from The Washington Examiner"]


@st.composite
def signal_lines(draw: st.DrawFn) -> str:
    """A date or an outlet's self-reference, recased, amid other text."""
    phrase = draw(recased(draw(st.sampled_from(DATES + SIGNALS))))
    return draw(texts) + draw(st.sampled_from(["", " ", ". "])) + phrase + draw(st.sampled_from(["", ".", " and"]))


@given(st.one_of(texts, signal_lines()))
@settings(max_examples=1000)
def test_date_pre_tests_let_every_date_through(text: str) -> None:
    line = " ".join(text.split())
    has_year = plaintext._YEAR_NEEDLE.search(line) is not None
    if printed.printed_in(line):
        assert has_year
    if any(plaintext._when_at(line, pos) for pos in range(len(line))):
        assert has_year  # so a line without a year is no date line


@given(st.one_of(texts, signal_lines()))
@settings(max_examples=1000)
def test_outlet_pre_tests_let_every_signal_through(text: str) -> None:
    line = " ".join(text.split())
    folded = fold(line)
    for pattern, needle in (
        (plaintext._NEWSLETTER, plaintext._NEWSLETTER_NEEDLE),
        (plaintext._COVERAGE, plaintext._COVERAGE_NEEDLE),
        (plaintext._FOUNDATION, plaintext._FOUNDATION_NEEDLE),
    ):
        if pattern.search(line):
            assert has_any(folded, needle)
    if plaintext._DATELINE.match(line):
        assert "(" in line


@given(texts)
@settings(max_examples=500)
def test_html_class_pre_tests_let_every_mark_through(value: str) -> None:
    if html._CHROME_WORDS.search(value):
        assert has_any(fold(value), html._CHROME_NEEDLES)
    lowered = value.lower()
    if any(html._BYLINE_PART.search(part) for part in re.split(r"[\s_-]+", lowered) if part):
        assert "byline" in lowered or "author" in lowered
