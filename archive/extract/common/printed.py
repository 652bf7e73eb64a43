"""Read dates and times as pages print them ("Nov. 19, 2019, 10:31 PM CST", "22 de outubro de 2010 às
20:13", "2018年6月18日 10:01", "12/30/2019"), keeping the local time and the zone as stated.

One reader for every extractor that reads visible text. Month names are those of the languages of
the news pages we meet (English, German, French, Spanish, Catalan, Portuguese, Italian, Dutch,
Swedish, Danish, Norwegian, Finnish, Indonesian, Malay, Russian, Ukrainian, Bulgarian, Serbian,
Polish, Czech, Slovak, Hungarian, Romanian, Latvian, Lithuanian, Greek, Turkish, Arabic, Hebrew,
Hindi, Burmese), day first, month first or, in Hungarian, Latvian and Lithuanian, year first
("2021. január 3."); CJK dates are read with their 年/月/日 marks.
A zone gives an offset only when its abbreviation is well known (`ZONES`; the US ET/CT/MT/PT by
the daylight-saving rule of the day); an unknown zone ("(Paris)", "WIB") is read past, and the
time is then local with no offset.

A numeric date is read only when it is unambiguous (the rule `_numeric_day`): the year first
(2019-11-20, 2018/6/19); else a part above 12 is the day (30/12/2019 is day-first, 12/30/2019 and
01.21.2020 are month-first); else two equal parts; else the caller's `day_first` (from the page's
locale, see `day_first_for`) decides; 08/11/2023 with no locale is not read. A two-digit year
(11/19/19) counts only when a time follows, as in a dateline; alone it is too like a fraction or
a version number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from archive.extract.common.dates import When

# Month names and common abbreviations by language, in the form dates use (Russian, Ukrainian,
# Polish, Czech, Slovak, Lithuanian, Finnish and Greek in the genitive or partitive: "24 сентября
# 2018", "3. ledna 2021"). Abbreviations only where they are no common word of another language.
_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "januar", "jän", "janvier", "janv", "enero", "ene", "janeiro", "gennaio", "januari",
        "января", "січня", "stycznia", "ocak", "يناير", "كانون الثاني", "ledna", "januára", "sausio",
        "tammikuuta", "ianuarie", "gener", "január", "janvāris", "janvārī", "Ιανουαρίου", "януари", "јануар",
        "जनवरी", "ဇန်နဝါရီ", "ינואר", "בינואר"),
    2: ("february", "feb", "februar", "février", "fevrier", "févr", "febrero", "fevereiro", "fev", "febbraio",
        "februari", "февраля", "лютого", "lutego", "şubat", "فبراير", "شباط", "února", "februára", "vasario",
        "helmikuuta", "februarie", "febrer", "február", "februāris", "februārī", "Φεβρουαρίου", "февруари",
        "фебруар", "फ़रवरी", "फरवरी", "ဖေဖော်ဝါရီ", "פברואר", "בפברואר"),
    3: ("march", "mar", "märz", "mars", "marzo", "março", "marco", "maart", "maret", "марта", "березня",
        "marca", "mart", "مارس", "آذار", "اذار", "března", "kovo", "maaliskuuta", "martie", "març", "március",
        "marts", "martā", "Μαρτίου", "март", "मार्च", "မတ်", "מרץ", "במרץ"),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile", "апреля", "квітня", "kwietnia", "nisan",
        "أبريل", "ابريل", "إبريل", "نيسان", "dubna", "apríla", "balandžio", "huhtikuuta", "aprilie", "április",
        "aprīlis", "aprīlī", "Απριλίου", "април", "अप्रैल", "ဧပြီ", "אפריל", "באפריל"),
    5: ("may", "mai", "mayo", "maio", "maggio", "mei", "мая", "травня", "maja", "mayıs", "مايو", "أيار", "ايار",
        "května", "mája", "gegužės", "toukokuuta", "maig", "május", "maj", "maijs", "maijā", "Μαΐου", "май",
        "мај", "मई", "မေ", "מאי", "במאי"),
    6: ("june", "jun", "juni", "juin", "junio", "junho", "giugno", "июня", "червня", "czerwca", "haziran",
        "يونيو", "يونيه", "حزيران", "června", "júna", "birželio", "kesäkuuta", "iunie", "juny", "június",
        "jūnijs", "jūnijā", "Ιουνίου", "юни", "јун", "जून", "ဇွန်", "יוני", "ביוני"),
    7: ("july", "jul", "juli", "juillet", "juil", "julio", "julho", "luglio", "июля", "липня", "lipca",
        "temmuz", "يوليو", "يوليه", "تموز", "července", "júla", "liepos", "heinäkuuta", "iulie", "juliol",
        "július", "julai", "jūlijs", "jūlijā", "Ιουλίου", "юли", "јул", "जुलाई", "ဇူလိုင်", "יולי", "ביולי"),
    8: ("august", "aug", "août", "aout", "agosto", "ago", "augustus", "agustus", "августа", "серпня",
        "sierpnia", "ağustos", "أغسطس", "اغسطس", "آب", "srpna", "augusta", "rugpjūčio", "elokuuta", "agost",
        "augusztus", "augusti", "ogos", "augusts", "augustā", "Αυγούστου", "август", "अगस्त", "ဩဂုတ်",
        "ဪဂုတ်", "אוגוסט", "באוגוסט"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "setembro", "set", "settembre", "сентября",
        "вересня", "września", "eylül", "سبتمبر", "أيلول", "ايلول", "září", "septembra", "rugsėjo",
        "syyskuuta", "septembrie", "setembre", "szeptember", "septembris", "septembrī", "Σεπτεμβρίου",
        "септември", "септембар", "सितंबर", "सितम्बर", "စက်တင်ဘာ", "ספטמבר", "בספטמבר"),
    10: ("october", "oct", "oktober", "okt", "octobre", "octubre", "outubro", "out", "ottobre", "октября",
         "жовтня", "października", "ekim", "أكتوبر", "اكتوبر", "تشرين الأول", "října", "októbra", "spalio",
         "lokakuuta", "octombrie", "október", "oktobris", "oktobrī", "Οκτωβρίου", "октомври",
         "октобар", "अक्टूबर", "အောက်တိုဘာ", "אוקטובר", "באוקטובר"),
    11: ("november", "nov", "novembre", "noviembre", "novembro", "ноября", "листопада", "listopada",
         "kasım", "نوفمبر", "تشرين الثاني", "listopadu", "novembra", "lapkričio", "marraskuuta", "noiembrie",
         "novembris", "novembrī", "Νοεμβρίου", "ноември", "новембар", "नवंबर", "नवम्बर", "နိုဝင်ဘာ", "נובמבר",
         "בנובמבר"),
    12: ("december", "dec", "dezember", "dez", "décembre", "decembre", "déc", "diciembre", "dic", "dezembro",
         "dicembre", "desember", "декабря", "грудня", "grudnia", "aralık", "ديسمبر", "كانون الأول", "prosince",
         "decembra", "gruodžio", "joulukuuta", "decembrie", "desembre", "disember", "decembris",
         "decembrī", "Δεκεμβρίου", "декември", "децембар", "दिसंबर", "दिसम्बर", "ဒီဇင်ဘာ", "דצמבר", "בדצמבר"),
}  # fmt: skip
# Languages that print the year first and the month by name: Hungarian "2021. január 3.",
# Latvian "2021. gada 3. janvāris", Lithuanian "2021 m. sausio 3 d.".
_YEAR_FIRST_MONTHS = (
    "január", "február", "március", "április", "május", "június", "július", "augusztus", "szeptember",
    "október", "november", "december", "janvāris", "janvārī", "februāris", "februārī", "marts", "martā",
    "aprīlis", "aprīlī", "maijs", "maijā", "jūnijs", "jūnijā", "jūlijs", "jūlijā", "augusts", "augustā",
    "septembris", "septembrī", "oktobris", "oktobrī", "novembris", "novembrī", "decembris", "decembrī",
    "sausio", "vasario", "kovo", "balandžio", "gegužės", "birželio", "liepos", "rugpjūčio", "rugsėjo",
    "spalio", "lapkričio", "gruodžio",
)  # fmt: skip
MONTHS = {name.lower(): number for number, names in _MONTH_NAMES.items() for name in names}
_MONTH = "|".join(re.escape(name) for name in sorted(MONTHS, key=len, reverse=True))
# A month may be named twice, in two calendars' names ('28 آب/أغسطس 2013', as the Levant prints it).
_MONTH_GROUP = rf"(?P<m>(?i:{_MONTH}))(?![^\W\d_])\.?(?:\s*/\s*(?P<m2>(?i:{_MONTH}))(?![^\W\d_]))?"
_YEAR_FIRST_MONTH = "|".join(re.escape(name) for name in sorted(_YEAR_FIRST_MONTHS, key=len, reverse=True))
_MONTH_FIRST = rf"(?P<m>(?i:{_YEAR_FIRST_MONTH}))(?![^\W\d_])"
_WEEKDAY = r"(?:(?i:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?i:day)?(?![^\W\d_])\.?,?\s+)?"
# A year may be glued to a repeat of its date ("23 Mar 202223 Mar 2022"), as some pages paste a
# visible and a screen-reader copy of the same date, or to the time after it ("Nov 20 20194:29 AM",
# two elements copied without a blank between).
_YEAR = r"(?P<y>(?:19|20)\d\d)(?:(?!\d)|(?=[0-3]?\d\s*[^\W\d_])|(?=[01]?\d[:.][0-5]\d\s*(?i:[ap]\.?m)))"
_DAY = r"(?P<d>[0-3]?\d)(?![\d])(?i:st|nd|rd|th|er)?"
_WEEKDAY_AT = re.compile(_WEEKDAY)
_NAMED = (
    # November 19, 2019 / Nov. 19 2019 / Monday November 18, 2019
    re.compile(rf"{_WEEKDAY}{_MONTH_GROUP}\s*{_DAY},?\s+{_YEAR}"),
    # 19 November 2019 / 25. September 2018 / 22 de outubro de 2010 / 24 сентября 2018 / 20 Nov, 2019
    re.compile(rf"{_WEEKDAY}{_DAY}\.?\s*(?:(?i:de|of)\s+|(?i:d)['\u2019])?{_MONTH_GROUP},?\s+(?:(?i:de)\s+)?{_YEAR}"),
    # 2021. gada 3. janvāris (Latvian)
    re.compile(rf"(?P<y>(?:19|20)\d\d)\.\s*(?i:gada)\s+{_DAY}\.\s*{_MONTH_FIRST}"),
    # 2021. január 3. (Hungarian) / 2021 m. sausio 3 d. (Lithuanian)
    re.compile(rf"(?P<y>(?:19|20)\d\d)(?:\.|\s+(?i:m)\.)\s*{_MONTH_FIRST}\s+{_DAY}\.?(?:\s*(?i:d)\.)?"),
)
# Without a year ("Posted Nov 19, 6:51 AM"): read only when the caller knows the year, and with a time.
_NAMED_NO_YEAR = (
    re.compile(rf"{_WEEKDAY}{_MONTH_GROUP}\s*{_DAY}(?!\s*,?\s*(?:19|20)\d\d)"),
    re.compile(rf"{_WEEKDAY}{_DAY}\.?\s*(?:(?i:de|of)\s+)?{_MONTH_GROUP}(?!\s*,?\s*(?:(?i:de)\s+)?(?:19|20)\d\d)"),
)
_YEAR_FIRST = re.compile(
    r"(?P<y>(?:19|20)\d\d)(?P<s>[-/.])(?P<m>[01]?\d)(?P=s)(?P<d>[0-3]?\d)(?![\d])"
    r"|(?P<cy>(?:19|20)\d\d)\s*[年년]\s*(?P<cm>[01]?\d)\s*[月월]\s*(?P<cd>[0-3]?\d)\s*[日일]?"
)
_NUMERIC = re.compile(r"(?P<a>[0-3]?\d)(?P<s>[/.-])(?P<b>[0-3]?\d)(?P=s)(?P<y>(?:19|20)\d\d|\d\d)(?![\d]|[.-]\d)")
_NOT_AFTER = re.compile(r"[\w./:-]")  # a numeric date glued to a word, a path or a version number
# ... but a four-digit year may run into the next element's capitalised word ("18.11.2019Get short
# URL"), two elements copied without a blank between.
_GLUED_WORD = re.compile(r"[A-Z][a-z]")

_TIME = re.compile(
    r"(?P<h>2[0-3]|[01]?\d)(?:(?:[:.]|h(?=\d\d))(?P<mi>[0-5]\d)(?::(?P<s>[0-5]\d))?)?"
    r"(?:\s*(?P<ap>(?i:[ap]\.?\s?m\.?)(?![^\W\d_])))?"
)
_ZONE = re.compile(
    r"\s*(?:\(\s*(?P<paren>[^()\n]{1,30}?)\s*\)"
    r"|(?P<zone>(?:UTC|GMT)\s?[+-]\s?\d{1,2}(?::?\d\d)?|[+-]\d\d:?\d\d|(?<=:\d\d:\d\d)[+-]\d\d(?![\d:])"
    r"|Z(?![\w])|[A-Za-z]{1,5}(?![\w])"
    r"|[A-Z]{2,5}(?=[A-Z][a-z]))|)"  # a zone run into the next label: 'ESTUpdated an hour ago'
)
# Offsets in minutes of zones whose abbreviation is unambiguous in the news we meet; "CST" is the
# US Central zone and "IST" India's (the readings of news sites that print them).
ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 60, "CET": 60, "CEST": 120, "MEZ": 60, "MESZ": 120,
    "EET": 120, "EEST": 180, "MSK": 180, "IST": 330, "PKT": 300, "ICT": 420, "WIB": 420, "HKT": 480,
    "SGT": 480, "JST": 540, "KST": 540, "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480,
    "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600,
}  # fmt: skip
# US zones written without S/D: the offset depends on daylight-saving time.
US_ZONES = {"ET": -300, "CT": -360, "MT": -420, "PT": -480}
_OFFSET = re.compile(r"(?:UTC|GMT)?\s?([+-])\s?(\d{1,2}):?(\d\d)?")
_DATE_TIME_SEP = re.compile(
    r"\s*,?\s*(?:(?i:at|um|kl\.?|às|à|a\s+las|alle|в)\s+|[@|/\u00b7\u2022\u2013\u2014-]\s*|T(?=\d))?"
)
_TIME_DATE_SEP = re.compile(r"\s*,?\s*(?:(?i:on)\s+|[|/\u2013\u2014-]\s*)?")


@dataclass(frozen=True)
class Printed:
    """A date found at text[start:end], with the local time and the offset of its zone when stated."""

    start: int
    end: int
    day: date
    time: time | None = None  # local, as printed
    offset: str | None = None  # "+05:30", from a known zone
    year_printed: bool = True  # False: the year was the caller's (`printed_in(year=...)`)

    @property
    def when(self) -> When:
        """The date, or the datetime when the zone is known (a time in an unknown zone fixes no instant)."""
        if self.time is None or self.offset is None:
            return When(self.day)
        return When(self.day, self.time, self.offset)

    @property
    def local(self) -> datetime | None:
        """The printed local date and time, naive, when a time is printed."""
        return None if self.time is None else datetime.combine(self.day, self.time)


def day_first_for(language: str | None) -> bool | None:
    """Whether the page's locale writes numeric dates day first: False for US English (and
    Filipino), True for every other stated language, None when only "en" is known (British and
    American usage differ) or nothing is."""
    if not language:
        return None
    tag = language.replace("_", "-").lower()
    if tag in ("en-us", "en-ph", "fil", "fil-ph"):
        return False
    if tag == "en" or tag.startswith("en-us-"):
        return None
    return True


def _make_date(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    if not 1991 <= year <= 2100:
        return None  # the web began in 1991: earlier dates are history in the text
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _numeric_day(a: int, b: int, year: int, day_first: bool | None) -> date | None:
    """a/b/year read day-first or month-first, only when the reading is certain (see the module)."""
    if a > 12 >= b:
        return _make_date(year, b, a)
    if b > 12 >= a:
        return _make_date(year, a, b)
    if a == b or day_first is not None:
        return _make_date(year, b, a) if day_first or a == b else _make_date(year, a, b)
    return None


def _month(match: re.Match[str]) -> int | None:
    """The month a match names; None when it names two that differ ('March/April')."""
    month = MONTHS.get(match["m"].lower().rstrip("."))
    second = match.groupdict().get("m2")
    return month if second is None or MONTHS.get(second.lower()) == month else None


def date_at(
    text: str, pos: int, day_first: bool | None = None, year: int | None = None
) -> tuple[int, date, str] | None:
    """The date starting exactly at pos: its end, its value, and how its year was printed: ""
    (in full), "short" (two digits) or "none" (the caller's `year`); the last two need a time."""
    best: tuple[int, date, str] | None = None
    for pattern in _NAMED:
        match = pattern.match(text, pos)
        if match:
            month = _month(match)
            day = _make_date(int(match["y"]), month, int(match["d"])) if month else None
            if day and (best is None or match.end() > best[0]):
                best = (match.end(), day, "")
    for pattern in _NAMED_NO_YEAR if year and not best else ():
        match = pattern.match(text, pos)
        if match:
            month = _month(match)
            day = _make_date(year, month, int(match["d"])) if month and year else None
            if day and (best is None or match.end() > best[0]):
                best = (match.end(), day, "none")
    if best or (pos and text[pos - 1] in "0123456789./:-"):
        return best
    match = _YEAR_FIRST.match(text, pos)
    if match:
        parts = (match["y"], match["m"], match["d"]) if match["y"] else (match["cy"], match["cm"], match["cd"])
        day = _make_date(*(int(p) for p in parts))
        return (match.end(), day, "") if day else None
    match = _NUMERIC.match(text, pos)
    run_on = match is not None and len(match["y"]) == 4 and _GLUED_WORD.match(text, match.end()) is not None
    if match and (run_on or not _glued(text, match.end())):
        day = _numeric_day(int(match["a"]), int(match["b"]), int(match["y"]), day_first)
        return (match.end(), day, "short" if len(match["y"]) == 2 else "") if day else None
    return None


def _glued(text: str, end: int) -> bool:
    """A numeric date's end runs on into a word, a path or a version number (a period may end it)."""
    return end < len(text) and _NOT_AFTER.match(text, end) is not None and text[end] != "."


def us_daylight(day: date) -> bool | None:
    """Whether US daylight-saving time is in force all day; None on changeover days or before
    2007, when the present rule (second Sunday in March to first Sunday in November) did not apply."""
    if day.year < 2007:
        return None
    march = date(day.year, 3, 1)
    start = march + timedelta(days=(6 - march.weekday()) % 7 + 7)
    november = date(day.year, 11, 1)
    end = november + timedelta(days=(6 - november.weekday()) % 7)
    if day in (start, end):
        return None
    return start < day < end


def zone_offset(zone: str | None, day: date) -> int | None:
    """Minutes east of UTC for a stated zone on a given day, or None if unknown."""
    if zone is None:
        return None
    zone = zone.strip()
    upper = zone.upper()
    if upper in ZONES:
        return ZONES[upper]
    if upper in US_ZONES:
        daylight = us_daylight(day)
        return None if daylight is None else US_ZONES[upper] + (60 if daylight else 0)
    match = _OFFSET.fullmatch(zone)
    if match and int(match[2]) <= 14:
        minutes = int(match[2]) * 60 + int(match[3] or 0)
        return minutes if match[1] == "+" else -minutes
    return None


def _offset_text(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@dataclass(frozen=True)
class _Clock:
    end: int
    time: time
    zone: str | None


def time_at(text: str, pos: int) -> _Clock | None:
    """A clock time at pos ('9:15 AM EDT', '18.32 GMT', '11:06am ist', '4:28 am (Paris)')."""
    match = _TIME.match(text, pos)
    if not match or not (match["mi"] or match["ap"]):
        return None
    hour, minute, second = int(match["h"]), int(match["mi"] or 0), int(match["s"] or 0)
    if match["ap"]:
        afternoon = match["ap"].lower().startswith("p")
        if not 1 <= hour <= 12 and not (afternoon and hour > 12):  # '15:24pm' is 24-hour time
            return None
        hour = hour if hour > 12 else hour % 12 + (12 if afternoon else 0)
    end, zone = match.end(), None
    found = _ZONE.match(text, end)
    if found and (found["paren"] or found["zone"]):
        raw = found["paren"] or found["zone"]
        # A word after the time is a zone only if it is known or written in capitals ("by" is not).
        if found["paren"] or raw.upper() in ZONES or raw.upper() in US_ZONES or raw.isupper() or raw[0] in "+-":
            end, zone = found.end(), raw
    return _Clock(end, time(hour, minute, second), zone)


def printed_at(text: str, pos: int, day_first: bool | None = None, year: int | None = None) -> Printed | None:
    """A date, or date and time, starting at pos, in any order a dateline uses: 'March 23, 2022
    9:15 AM ET', 'Wed 23 Mar 2022 18.32 GMT', '9:15 AM EDT, March 23, 2022', '2022-03-23T09:15:00Z'."""
    dated = date_at(text, pos, day_first, year)
    if dated:
        end, day, year_form = dated
        sep = _DATE_TIME_SEP.match(text, end)
        clock = time_at(text, sep.end()) if sep else None
        if clock is None and sep and sep.end() > end:
            clock = time_at(text, end)  # no separator after all
        if clock:
            return _timed(pos, day, clock, year_printed=year_form != "none")
        return None if year_form else Printed(pos, end, day)
    weekday = _WEEKDAY_AT.match(text, pos)
    clock = time_at(text, weekday.end() if weekday else pos)
    if clock:
        sep = _TIME_DATE_SEP.match(text, clock.end)
        dated = date_at(text, sep.end(), day_first) if sep else None
        if dated:
            end, day, _ = dated
            return _timed(pos, day, _Clock(end, clock.time, clock.zone))
    return None


def _timed(start: int, day: date, clock: _Clock, *, year_printed: bool = True) -> Printed:
    offset = zone_offset(clock.zone, day)
    return Printed(start, clock.end, day, clock.time, None if offset is None else _offset_text(offset), year_printed)


_STARTS = re.compile(r"(?<![\w])(?:\d|[^\W\d_]+)")
_WEEKDAYS = frozenset(
    {"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "monday", "tuesday", "wednesday",
     "thursday", "friday", "saturday", "sunday"}
)  # fmt: skip


def printed_in(text: str, day_first: bool | None = None, limit: int = 20, year: int | None = None) -> list[Printed]:
    """Up to `limit` dates in text, in order and without overlaps. Only a digit or a month's or
    weekday's name can start one, so other words are skipped whole (the scan stays linear). With
    `year`, a day and month printed with a time but no year ("Posted Nov 19, 6:51 AM") are read
    in that year, marked `year_printed=False`."""
    found: list[Printed] = []
    pos = 0
    while len(found) < limit:
        start = _STARTS.search(text, pos)
        if start is None:
            break
        word = start.group()
        if not word.isdigit() and word.lower() not in MONTHS and word.lower() not in _WEEKDAYS:
            pos = start.end()
            continue
        printed = printed_at(text, start.start(), day_first, year)
        if printed:
            found.append(printed)
            pos = printed.end
        else:
            pos = start.start() + 1 if word.isdigit() else start.end()
    return found


def derived_offset(local: datetime, instant: datetime) -> str | None:
    """The offset that makes a printed local time (to the minute) the instant a page's metadata
    states: local − UTC, if it is a whole quarter hour within ±14 h; None otherwise."""
    utc = instant.replace(tzinfo=None) - (instant.utcoffset() or timedelta())
    minutes = (local.replace(second=0) - utc.replace(second=0, microsecond=0)).total_seconds() / 60
    if minutes != int(minutes) or int(minutes) % 15 or abs(minutes) > 14 * 60:
        return None
    return _offset_text(int(minutes))


def same_minute(a: When, b: When) -> bool:
    """The same instant to the minute (a printed time has no seconds) when both are instants,
    else the same local day."""
    first, second = a.moment, b.moment
    if first is not None and second is not None:
        return abs((first - second).total_seconds()) < 60
    return a.day == b.day


def with_metadata(printed: Printed, machine: list[When]) -> tuple[When, str]:
    """The printed date's value, given the instants a page's metadata states, and how it was found.

    A printed zone decides ("as printed"). A time printed with no zone takes the offset that makes
    it one of the metadata's instants ("offset from metadata"), else the zone of a metadata value
    written in local time on the same day ("zone of metadata"): the outlet's local time is what it
    prints. Otherwise the printed date alone ("date as printed").
    """
    if printed.time is None or printed.offset is not None:
        return printed.when, "as printed"
    local = datetime.combine(printed.day, printed.time)
    for when in machine:
        moment = when.moment
        if moment is not None and (offset := derived_offset(local, moment)) is not None:
            return When(printed.day, printed.time, offset), "offset from metadata"
    for when in machine:
        if when.moment is not None and when.day == printed.day and when.offset not in ("Z", "+00:00", "-00:00"):
            return When(printed.day, printed.time, when.offset), "zone of metadata"
    return When(printed.day), "date as printed"
