"""Dates as pages print them (issue 10): the reader in `archive.extract.common.printed`, and how the
HTML and plain-text extractors use it. Snippets are hand-made in the general forms pages use."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from archive.extract import html, plaintext
from archive.extract.common import printed
from archive.extract.common.dates import When

# ---------------------------------------------------------------------------------------
# the reader
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "local"),
    [
        ("Nov. 19, 2019, 10:31 PM CST", "2019-11-19T22:31:00-06:00", "2019-11-19T22:31"),
        ("Published November 9, 2023 5:30AM (EST)", "2023-11-09T05:30:00-05:00", "2023-11-09T05:30"),
        ("Posted: Nov 8, 2023 / 11:15 PM", "2023-11-08", "2023-11-08T23:15"),  # no zone: no offset
        ("Published on October 29, 2023, at 4:28 am (Paris)", "2023-10-29", "2023-10-29T04:28"),
        ("Aug. 16, 2020", "2020-08-16", None),
        ("12/30/2019", "2019-12-30", None),  # 30 is no month: month first
        ("30/12/2019", "2019-12-30", None),  # day first
        ("01.21.2020", "2020-01-21", None),
        ("11:57 AM 12/25/2014", "2014-12-25", "2014-12-25T11:57"),
        ("12.16.14 9:30AM", "2014-12-16", "2014-12-16T09:30"),  # a two-digit year, with a time
        ("Fri 6:45 PM, Feb 16, 2018", "2018-02-16", "2018-02-16T18:45"),
        ("Nov 20 2019, 11:06am ist", "2019-11-20T11:06:00+05:30", "2019-11-20T11:06"),
        ("October 29, 2014 07:38am ET", "2014-10-29T07:38:00-04:00", "2014-10-29T07:38"),  # ET in summer
        ("January 5, 2022 9:15 AM ET", "2022-01-05T09:15:00-05:00", "2022-01-05T09:15"),  # ET in winter
        ("Feb. 27, 2014, 5:17 p.m.", "2014-02-27", "2014-02-27T17:17"),
        ("2010-01-01 09:32:17 UTC", "2010-01-01T09:32:17+00:00", "2010-01-01T09:32:17"),
        ("2013-12-30 16:42:01-05", "2013-12-30T16:42:01-05:00", "2013-12-30T16:42:01"),  # an hour-only offset
        ("Open 10:30-11 daily", None, None),  # a range of hours, no offset nor date
        ("14:00 (GMT+0400) 28 August 2013", "2013-08-28T14:00:00+04:00", "2013-08-28T14:00"),
        ("sexta-feira, 22 de outubro de 2010 às 20:13", "2010-10-22", "2010-10-22T20:13"),
        ("publiziert am 25. September 2018", "2018-09-25", None),
        ("24 сентября 2018", "2018-09-24", None),
        ("le 3 février 2021 à 10:30", "2021-02-03", "2021-02-03T10:30"),
        ("2018年6月18日 10:01", "2018-06-18", "2018-06-18T10:01"),
        ("26 အောက်တိုဘာ 2018", "2018-10-26", None),  # Burmese
        ("3 Ιανουαρίου 2021", "2021-01-03", None),  # Greek, in the genitive
        ("3. ledna 2021 10:15", "2021-01-03", "2021-01-03T10:15"),  # Czech
        ("12 मई 2020", "2020-05-12", None),  # Hindi
        ("3 d'octubre de 2021", "2021-10-03", None),  # Catalan
        ("2021. gada 3. janvāris", "2021-01-03", None),  # Latvian, year first
        ("2021. január 3. 10:30", "2021-01-03", "2021-01-03T10:30"),  # Hungarian, year first
        ("2021 m. sausio 3 d.", "2021-01-03", None),  # Lithuanian, year first
        ("in 2019. May 5 people", None, None),  # year first only in the languages that write it so
        ("21:17 18.11.2019Get short URL", "2019-11-18", "2019-11-18T21:17"),  # a year run into the next element
        ("30th December 2014", "2014-12-30", None),
        ("28 آب/اغسطس 2013", "2013-08-28", None),  # a month in two calendars' names, as the Levant prints it
        ("3 تشرين الأول/أكتوبر 2020", "2020-10-03", None),
        ("12 March/April 2019", None, None),  # two months: which is it?
        ("15:24pm", None, None),  # a time alone is no date
        # A copy that runs the year into the time, and the zone into the next label.
        ("Published Wed, Nov 20 20194:29 AM ESTUpdated an hour ago", "2019-11-20T04:29:00-05:00", "2019-11-20T04:29"),
        ("Jan 5 20191:30", None, None),  # no AM or PM: which digits are the year's?
    ],
)
def test_printed_forms(text: str, value: str | None, local: str | None) -> None:
    found = printed.printed_in(text)
    if value is None:
        assert found == []
        return
    assert [p.when.iso() for p in found] == [value]
    shown = found[0].local
    assert (shown.isoformat(timespec="seconds" if shown.second else "minutes") if shown else None) == local


@pytest.mark.parametrize(
    "text", ["08/11/2023", "version 1.2.2019", "11/19/19", "3/4/2020", "page 12.05.2019.pdf", "id 12.05.2019abc"]
)
def test_ambiguous_or_not_a_date_is_not_read(text: str) -> None:
    assert printed.printed_in(text) == []


@pytest.mark.parametrize(
    ("language", "value"), [("en-US", "2023-08-11"), ("fr", "2023-11-08"), ("en-GB", "2023-11-08"), ("en", None)]
)
def test_the_locale_decides_an_ambiguous_numeric_date(language: str, value: str | None) -> None:
    found = printed.printed_in("08/11/2023", printed.day_first_for(language))
    assert [p.when.iso() for p in found] == ([value] if value else [])


def test_an_unknown_zone_gives_no_offset_and_a_known_one_does() -> None:
    assert printed.printed_in("March 3, 2022 10:00 WIB")[0].offset == "+07:00"
    unknown = printed.printed_in("March 3, 2022 10:00 XYZT")[0]
    assert unknown.offset is None and unknown.time == time(10, 0)


def test_us_zones_without_s_or_d_follow_daylight_saving_and_changeover_days_give_none() -> None:
    assert printed.zone_offset("PT", date(2022, 7, 1)) == -420
    assert printed.zone_offset("PT", date(2022, 12, 1)) == -480
    assert printed.zone_offset("ET", date(2022, 3, 13)) is None  # the changeover day


def test_a_year_less_date_is_read_only_in_a_given_year_and_with_a_time() -> None:
    assert printed.printed_in("Posted Nov 19, 6:51 AM") == []
    found = printed.printed_in("Posted Nov 19, 6:51 AM", year=2019)
    assert [(p.day, p.time, p.year_printed) for p in found] == [(date(2019, 11, 19), time(6, 51), False)]
    assert printed.printed_in("Posted Nov 19", year=2019) == []


@pytest.mark.parametrize(
    ("local", "instant", "offset"),
    [
        (datetime(2019, 11, 18, 23, 3), datetime(2019, 11, 19, 7, 3, 25, tzinfo=UTC), "-08:00"),
        (datetime(2019, 11, 19, 11, 6), datetime(2019, 11, 19, 5, 36, 1, tzinfo=UTC), "+05:30"),
        (datetime(2019, 11, 19, 8, 38), datetime(2019, 11, 19, 3, 31, 42, tzinfo=UTC), None),  # 5 h 6 min
        (datetime(2019, 11, 19, 8, 0), datetime(2019, 11, 20, 0, 0, tzinfo=UTC), None),  # 16 h off
    ],
)
def test_derived_offset_is_a_quarter_hour_within_fourteen_hours(
    local: datetime, instant: datetime, offset: str | None
) -> None:
    assert printed.derived_offset(local, instant) == offset


def test_with_metadata_keeps_the_printed_local_time() -> None:
    shown = printed.printed_in("November 18, 2019 11:03 PM")[0]
    utc = When.of(datetime(2019, 11, 19, 7, 3, 25, tzinfo=UTC))
    assert printed.with_metadata(shown, [utc]) == (
        When(date(2019, 11, 18), time(23, 3), "-08:00"),
        "offset from metadata",
    )
    local = When.of(datetime(2019, 11, 18, 22, 40, tzinfo=timezone(timedelta(hours=-8))))
    assert printed.with_metadata(shown, [local])[1] == "zone of metadata"
    assert printed.with_metadata(shown, []) == (When(date(2019, 11, 18)), "date as printed")


# ---------------------------------------------------------------------------------------
# HTML: the printed date and the metadata
# ---------------------------------------------------------------------------------------

STORY = (
    "<p>The council said on Tuesday that the new rules would take effect next month, after a long review of the"
    " evidence that residents and businesses had submitted.</p>"
    "<p>Opponents said they would appeal, and the mayor said the city would answer every question in public.</p>"
)


def page(head: str, header: str, lang: str = "en") -> bytes:
    return (
        f'<html lang="{lang}"><head>{head}</head><body><article><h1>Council adopts the new rules</h1>'
        f"{header}{STORY}</article></body></html>"
    ).encode()


def published(data: bytes) -> list[tuple[str, str]]:
    return [(str(f.value), f.rule) for f in html.extract(data).facts if f.field == "published"]


def og(value: str) -> str:
    return f'<meta property="article:published_time" content="{value}">'


def test_utc_metadata_and_a_printed_local_time_without_zone_give_the_local_time() -> None:
    found = published(page(og("2019-11-20T04:31:13+00:00"), '<div class="byline-date">Nov 19, 2019, 10:31 pm</div>'))
    assert found[0] == ("2019-11-19T22:31:00-06:00", "printed-offset-from-metadata")
    assert {v for v, _ in found} == {"2019-11-19T22:31:00-06:00"}  # the metadata joins it: the same instant


def test_a_printed_zone_is_kept_and_the_same_instant_in_utc_agrees() -> None:
    found = published(page(og("2019-11-20T04:31:13Z"), '<span class="date">Nov 19, 2019, 10:31 pm CST</span>'))
    assert {v for v, _ in found} == {"2019-11-19T22:31:00-06:00"}


def test_a_date_only_metadata_value_gives_way_to_the_printed_time_of_the_same_day() -> None:
    found = published(page(og("2019-11-19"), '<time class="timestamp">Nov 19, 2019 at 9:24 pm ET</time>'))
    assert {v for v, _ in found} == {"2019-11-19T21:24:00-05:00"}


def test_a_printed_date_alone_keeps_the_more_precise_metadata_of_its_day() -> None:
    found = published(page(og("2019-11-19T14:00:00-05:00"), '<span class="post-date">November 19, 2019</span>'))
    assert {v for v, _ in found} == {"2019-11-19T14:00:00-05:00"}


def test_a_printed_date_in_the_masthead_above_the_headline_does_not_overrule_metadata() -> None:
    data = (
        '<html lang="en"><head>' + og("2019-11-20T10:00:00+00:00") + '</head><body><div class="top-date">'
        "Friday, November 22, 2019</div><article><h1>Council adopts the new rules</h1>" + STORY + "</article>"
        "</body></html>"
    ).encode()
    assert {v for v, _ in published(data)} == {"2019-11-20T10:00:00+00:00"}


def test_an_updated_label_is_modified_not_published() -> None:
    header = '<div class="article-meta">Published Nov 18, 2019 at 4:07 PM CST | Updated Nov 19, 2019 9:00 AM CST</div>'
    result = html.extract(page("", header))
    assert {str(f.value) for f in result.facts if f.field == "published"} == {"2019-11-18T16:07:00-06:00"}
    assert {str(f.value) for f in result.facts if f.field == "modified"} == {"2019-11-19T09:00:00-06:00"}


def test_the_page_locale_decides_a_numeric_printed_date() -> None:
    header = '<span class="entry-date">08/11/2023</span>'
    assert {v for v, _ in published(page("", header, lang="en-GB"))} == {"2023-11-08"}
    assert {v for v, _ in published(page("", header, lang="en-US"))} == {"2023-08-11"}
    assert [r for _, r in published(page("", header, lang="en"))] in ([], ["htmldate"])  # undecided: not read


def test_a_date_in_the_story_is_not_the_publication_date() -> None:
    body = STORY.replace("next month", 'on <time class="date">December 1, 2019</time>')
    data = f'<html lang="en"><head></head><body><article><h1>Council adopts</h1>{body}</article></body></html>'
    assert "2019-12-01" not in {v[:10] for v, _ in published(data.encode())}


def test_metadata_as_written_keeps_its_z_and_its_fraction() -> None:
    assert {v for v, _ in published(page(og("2019-11-19T11:00:09.000Z"), ""))} == {"2019-11-19T11:00:09.000Z"}


def test_metadata_with_a_zones_abbreviation_is_in_that_zone() -> None:
    # '2021-01-03T17:40:00EET' is no ISO form; EET is +02:00. An unknown abbreviation gives no offset.
    assert {v for v, _ in published(page(og("2021-01-03T17:40:00EET"), ""))} == {"2021-01-03T17:40:00+02:00"}
    assert {v for v, _ in published(page(og("2014-12-16 22:25 EST"), ""))} == {"2014-12-16T22:25:00-05:00"}
    assert {v for v, _ in published(page(og("2021-01-03T17:40:00XYZ"), ""))} == {"2021-01-03"}


# ---------------------------------------------------------------------------------------
# plain text: the pasted page's forms by the headline and byline
# ---------------------------------------------------------------------------------------

BODY = (
    "The council said on Tuesday that the new rules would take effect next month, after a long review of the "
    "evidence that residents and businesses had submitted to it over the year.\n\n"
    "Opponents said they would appeal the decision, and the mayor said that the city would answer every "
    "question in public before the rules take effect.\n"
)


def text_dates(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for e in plaintext.extract(text.encode()):
        if e.field in ("published", "modified"):
            found.setdefault(e.field, []).append(str(e.value))
    return found


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("Published November 9, 2023 5:30AM (EST)", "2023-11-09T05:30:00-05:00"),
        ("Posted: Nov 8, 2023 / 11:15 PM ET", "2023-11-08T23:15:00-05:00"),
        ("Published on October 29, 2023, at 4:28 am (Paris)", "2023-10-29"),
        ("By Jane Doe December 29, 2014 4:08 pm EST", "2014-12-29T16:08:00-05:00"),
        ("By Jane Doe - 11/19/19 06:56 AM EST", "2019-11-19T06:56:00-05:00"),
        ("By Jane Doe | Posted Feb. 27, 2014, 5:17 p.m.", "2014-02-27"),
        ("Von Jana Muster publiziert am 25. September 2018", "2018-09-25"),
        ("Jane Doe - Nov 19, 2019, 10:31 pm CST", "2019-11-19T22:31:00-06:00"),
        ("Nov 18, 2019 at 9:24 pm ET • 2 min read", "2019-11-18T21:24:00-05:00"),
        ("12/30/2019", "2019-12-30"),
        ("01.21.2020", "2020-01-21"),
    ],
)
def test_text_header_forms(line: str, value: str) -> None:
    text = f"Council Adopts the New Rules After a Long Review\n{line}\n\n{BODY}"
    assert text_dates(text).get("published") == [value]


def test_text_ambiguous_numeric_date_stays_unread() -> None:
    assert "published" not in text_dates(f"Council Adopts the New Rules After a Long Review\n08/11/2023\n\n{BODY}")


def test_text_a_date_alone_by_the_byline_above_a_late_story_is_the_publication_date() -> None:
    menu = "\n".join(f"Section {n}" for n in range(20))
    text = f"{menu}\nCouncil Adopts the New Rules\nBy Jane Doe\nAug. 16, 2020\nShare\n{BODY}"
    assert text_dates(text).get("published") == ["2020-08-16"]


def test_text_a_date_alone_in_the_story_is_not_the_publication_date() -> None:
    menu = "\n".join(f"Section {n}" for n in range(20))
    text = f"{menu}\nCouncil Adopts the New Rules\n{BODY}\nAug. 16, 2020\n{BODY}"
    assert "published" not in text_dates(text)


def test_text_updated_is_modified() -> None:
    text = f"Council Adopts the New Rules After a Long Review\nUpdated: Nov 20 2019, 3:24 pm IST\n\n{BODY}"
    assert text_dates(text) == {"modified": ["2019-11-20T15:24:00+05:30"]}


def test_json_round_trip_of_values_is_plain_iso() -> None:
    # the values are strings an ISO 8601 parser reads back to the same instant
    value = text_dates(f"Council Adopts the New Rules After a Long Review\nNov. 19, 2019, 10:31 PM CST\n\n{BODY}")
    moment = datetime.fromisoformat(json.loads(json.dumps(value["published"][0])))
    assert moment.utcoffset() == timedelta(hours=-6)


def test_a_caption_or_sentence_that_mentions_a_date_is_not_the_date_line() -> None:
    header = (
        '<figure><img src="a.jpg"><figcaption class="caption-date">Protesters on March 3, 2019</figcaption></figure>'
        '<span class="text-time-muted">The square where protesters gathered on March 3, 2019, as seen from the roof'
        " of the town hall on the morning after the vote</span>"
        '<div class="byline">By Jane Doe November 2, 2023 3:53 PM EDT</div>'
    )
    assert {v for v, _ in published(page("", header))} == {"2023-11-02T15:53:00-04:00"}


def test_without_metadata_a_bare_time_element_is_not_enough() -> None:
    data = (
        '<html lang="es"><head></head><body><div class="masthead"><h1>Diario</h1>'
        "<time>jueves, 09 enero 2014 - 10:21 h</time></div><article><h3>Noticia</h3>" + STORY + "</article>"
        "</body></html>"
    ).encode()
    assert "2014-01-09" not in {v[:10] for v, _ in published(data)}


def test_text_a_photo_date_continued_by_its_credit_is_not_the_publication_date() -> None:
    caption = "The square after the vote\n27-06-2012\n| Agency"
    text = f"Council Adopts the New Rules After a Long Review\n{caption}\n\n{BODY}"
    assert "published" not in text_dates(text)
