"""Extract what a photo's embedded metadata says about it: who took it, for whom, what it
shows, and when it was taken; and what its C2PA Content Credentials claim, and whether they hold.

The metadata is read by ExifTool (Debian's `libimage-exiftool-perl`), run as a child
process on JPEG, PNG, TIFF and WebP files, with a timeout. Each fact's evidence is the
ExifTool tag it came from, named by its family-1 group ("IPTC:By-line", "XMP-dc:Creator",
"IFD0:Artist", "ExifIFD:DateTimeOriginal"), with the value as found.

What is read, and the policy (a careful reader; abstain rather than guess):

* credit: one fact for the image, `{"photographer", "agency", "caption"}`, each key only
  when the metadata gives it, and only when there is a photographer or an agency.
  photographer: IPTC By-line, XMP dc:creator; the camera's EXIF Artist only when neither
  is set (it is a camera setting, often its owner or "CANON USER"). agency: IPTC Credit or
  XMP photoshop:Credit, else IPTC Source or photoshop:Source, else the copyright holder
  (IPTC CopyrightNotice, EXIF Copyright, XMP dc:rights) when that is not the photographer
  (a freelancer holds their own rights); a copyright notice not used so is kept as a Note,
  since the credit has no place for it. caption: IPTC Caption-Abstract, XMP
  dc:description, else EXIF ImageDescription (not a camera's "OLYMPUS DIGITAL CAMERA").
  "AP Photo" is the agency AP, and names in ALL CAPS are title-cased, as in `plaintext`.
* title: IPTC Headline or photoshop:Headline, else IPTC ObjectName or XMP dc:title.
* created: when the photo was taken (never `published`): EXIF DateTimeOriginal, else IPTC
  DateCreated with TimeCreated, else XMP photoshop:DateCreated. ISO 8601: a datetime with
  its offset when one is stated (EXIF OffsetTimeOriginal, or an IPTC/XMP time with an
  offset for the same local time), else the date alone, since a time in an unknown zone
  is not an instant.
* never outlet or published: an agency is not the outlet, and nothing in a photo's
  metadata says when or where it was published.

IPTC and XMP hold copies of the same fields. When the copies disagree, one was edited
later and there is no telling which is right: the field is not taken, and a Note says
why. EXIF values that differ from the IPTC/XMP ones are noted, not used.

Text encodings: IPTC text is UTF-8 when its CodedCharacterSet says so; without it, and in
EXIF (whose ASCII fields often hold UTF-8 in practice), ExifTool is asked to read the
bytes as Latin-1 so that nothing is lost, and bytes that are valid UTF-8 are then decoded
as UTF-8 ("Євген Малолєтка"), anything else stays Latin-1 ("José"). ExifTool's own
`-charset iptc=UTF8` would instead turn every Latin-1 byte into "?".

Content Credentials (a C2PA manifest store) are read by `archive.extract.credentials` and
their facts (signature_status, signed_by, action, ...) join ExifTool's; a credential's author
who is the photographer ExifTool credits is not credited twice.

Nothing here raises on bad input: a missing ExifTool, a timeout, a damaged or non-image
file all become Notes.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from archive.extract import credentials
from archive.extract.api import Document, Fact, FunctionExtractor, Note, Result
from archive.extract.common.dates import When
from archive.extract.common.names import capitalize_words, shouting

NAME = "image"
VERSION = "1.2.0"
MEDIA_TYPES = frozenset({"image/jpeg", "image/png", "image/tiff", "image/webp"})
_MEDIA_TYPE = {"JPEG": "image/jpeg", "PNG": "image/png", "TIFF": "image/tiff", "WebP": "image/webp"}
# ExifTool reads the metadata segments, not the whole picture: ingest has never bounded an
# image's size, and this only keeps the declaration an honest number.
MAX_BYTES = 1 << 40

TIMEOUT = 30.0
MAX_OUTPUT_BYTES = 64 << 20  # ExifTool's JSON for one file; more is not metadata worth reading
EXIFTOOL_ARGS = (
    "-json",
    "-G1",  # group names: "IPTC:By-line", "XMP-dc:Creator", "IFD0:Artist"
    "-a",  # every copy of a tag, so that disagreeing copies can be seen
    "-n",  # values as stored, not as ExifTool prints them
    "-charset",
    "exif=Latin",
    "-charset",
    "iptc=Latin",  # bytes kept as they are, decoded here (see the module docstring)
    "-api",
    "LargeFileSupport=1",
)

_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"II+\x00", "TIFF"),  # BigTIFF
    (b"MM\x00+", "TIFF"),
)


def image_type(head: bytes) -> str | None:
    """The image type from a file's first bytes: "JPEG", "PNG", "TIFF", "WebP", or None."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    return next((kind for magic, kind in _MAGIC if head.startswith(magic)), None)


def extract(path: Path, *, exiftool: str | None = None, timeout: float = TIMEOUT) -> Result:
    """Facts from the metadata of the image at `path`; never raises on bad input.

    `exiftool` is the program to run (default: `exiftool` on PATH).
    """
    try:
        with path.open("rb") as file:
            head = file.read(16)
    except OSError as exc:
        return _notes(Note("not extracted", f"cannot read the file: {exc.strerror}"))
    kind = image_type(head)
    if kind is None:
        return _notes(Note("not extracted", "not a JPEG, PNG, TIFF or WebP image"))
    facts, notes = _exiftool_facts(path, exiftool, timeout)
    signed, signed_notes = credentials.read(path, _MEDIA_TYPE[kind])
    facts.extend(f for f in signed if not _already_said(f, facts))
    notes.extend(signed_notes)
    return Result(NAME, VERSION, tuple(facts), tuple(dict.fromkeys(notes)))


def _notes(*notes: Note) -> Result:
    return Result(NAME, VERSION, notes=tuple(notes))


def _exiftool_facts(path: Path, exiftool: str | None, timeout: float) -> tuple[list[Fact], list[Note]]:
    program = exiftool or shutil.which("exiftool")
    if program is None:
        return [], [Note("not extracted", "exiftool is not installed (Debian: libimage-exiftool-perl)")]
    tags, notes = _run_exiftool(program, path, timeout)
    if tags is None:
        return [], notes
    return _facts(_Tags(tags), notes), notes


def _already_said(fact: Fact, facts: list[Fact]) -> bool:
    """A credential's fact that ExifTool's reading already gives (an editor writes both): its author
    as the photographer already credited (that credit adds agency and caption), or the same instant
    of creation written in another zone."""
    if fact.field == "credit" and isinstance(fact.value, dict) and "photographer" in fact.value:
        name = fact.value["photographer"].casefold()
        return any(
            f.field == "credit" and isinstance(f.value, dict) and f.value.get("photographer", "").casefold() == name
            for f in facts
        )
    if fact.field == "created" and isinstance(fact.value, str):
        moment = _instant(fact.value)
        return moment is not None and any(
            f.field == "created" and isinstance(f.value, str) and _instant(f.value) == moment for f in facts
        )
    return False


def _instant(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _run_exiftool(program: str, path: Path, timeout: float) -> tuple[dict[str, Any] | None, list[Note]]:
    # An absolute path never starts with "-", so ExifTool cannot take it for an option.
    args = [program, *EXIFTOOL_ARGS, str(path.resolve())]
    try:
        proc = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None, [Note("not extracted", f"exiftool did not finish within {timeout:g} s")]
    except OSError as exc:
        return None, [Note("not extracted", f"cannot run exiftool: {exc}")]
    if len(proc.stdout) > MAX_OUTPUT_BYTES:
        return None, [Note("not extracted", f"exiftool reported more than {MAX_OUTPUT_BYTES} bytes of metadata")]
    try:
        # The first of two copies of a key wins: ExifTool lists the main one first.
        loaded = json.loads(
            proc.stdout.decode("utf-8", "replace"), object_pairs_hook=lambda pairs: dict(reversed(pairs))
        )
        tags = loaded[0]
        if not isinstance(tags, dict):
            raise TypeError("not an object")
    except (ValueError, TypeError, IndexError, KeyError):
        reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()[:1] or [f"exit status {proc.returncode}"]
        return None, [Note("not extracted", f"exiftool gave no metadata: {reason[0][:300]}")]
    notes = []
    if tags.get("ExifTool:Error"):
        notes.append(Note("metadata damaged", f"exiftool: {_text(tags['ExifTool:Error'])[:300]}"))
    for warning in _listed(tags.get("ExifTool:Warning")):
        notes.append(Note("metadata damaged", f"exiftool warning: {_text(warning)[:300]}"))
    return tags, notes


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    # -n prints numbers as JSON numbers: a By-line "1984" comes back as 1984.
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


# ---------------------------------------------------------------------------------------
# Reading ExifTool's tags
# ---------------------------------------------------------------------------------------

# ExifTool's Latin charset is Windows-1252 with the five unassigned bytes kept as code points.
_LATIN_BYTE = {(bytes([b]).decode("cp1252", "ignore") or chr(b)): b for b in range(256)}
_EXIF_GROUPS = ("IFD0:", "IFD1:", "ExifIFD:")


class _Tags:
    """ExifTool's tags, with text decoded as the module docstring describes."""

    def __init__(self, tags: dict[str, Any]) -> None:
        self.tags = tags
        # ESC % G is ISO 2022's "UTF-8 follows": then ExifTool has decoded IPTC already.
        self.iptc_utf8 = _text(tags.get("IPTC:CodedCharacterSet", "")) in ("\x1b%G", "UTF8", "UTF-8")

    def values(self, key: str) -> list[tuple[str, str]]:
        """(as found, cleaned) for each non-empty value of a tag, in order."""
        found = []
        for raw in _listed(self.tags.get(key)):
            if not isinstance(raw, str | int | float) or isinstance(raw, bool):
                continue  # a structure or null: not a value this extractor reads
            text = _text(raw)
            if text.startswith("base64:") or text.startswith("(Binary data"):
                continue  # ExifTool's stand-ins for bytes it could not show as text
            if (key.startswith("IPTC:") and not self.iptc_utf8) or key.startswith(_EXIF_GROUPS):
                text = _utf8_in_latin(text)
            clean = " ".join(unicodedata.normalize("NFC", text).split())
            if clean:
                found.append((text, clean))
        return found

    def first(self, key: str) -> tuple[str, str] | None:
        values = self.values(key)
        return values[0] if values else None


def _utf8_in_latin(text: str) -> str:
    """Bytes ExifTool read as Latin-1: if they are valid UTF-8, that is what the writer meant."""
    if text.isascii():
        return text
    try:
        raw = bytes(_LATIN_BYTE[char] for char in text)
        return raw.decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return text


@dataclass(frozen=True)
class _Reading:
    """One field's value, from one tag."""

    key: str
    raw: str
    value: str


def _pick(
    field: str,
    editorial: list[_Reading],
    fallback: list[_Reading],
    notes: list[Note],
    same: Callable[[str, str], bool] | None = None,
    note_fallback: bool = True,
) -> _Reading | None:
    """The editorial (IPTC/XMP) reading if its copies agree, else the EXIF one; note the rest.

    `same(a, b)` says whether two values agree (default: equal ignoring case).
    """
    agree = same or (lambda a, b: a.casefold() == b.casefold())
    if editorial:
        first = editorial[0]
        others = [r for r in editorial[1:] if not agree(first.value, r.value)]
        if others:
            where = ", ".join(f"{r.key} {r.value!r}" for r in [first, *others])
            notes.append(Note(f"{field} not taken", f"the IPTC and XMP copies disagree: {where}"))
            return None
        for r in fallback if note_fallback else []:
            if not agree(first.value, r.value):
                notes.append(Note(f"{field} from {first.key}", f"{r.key} says {r.value!r}: not used"))
        return first
    return fallback[0] if fallback else None


def _readings(
    tags: _Tags, keys: Sequence[str], clean: Callable[[str], str], notes: list[Note], field: str
) -> list[_Reading]:
    """One reading per tag that has a value; `clean` gives "" for a value that is not one."""
    found = []
    for key in keys:
        values = tags.values(key)
        if not values:
            continue
        cleaned = [(raw, clean(value)) for raw, value in values]
        kept = [(raw, value) for raw, value in cleaned if value]
        for raw, value in cleaned:
            if not value:
                notes.append(Note(f"{field} not taken", f"{key} {raw.strip()[:200]!r} is not a {field}"))
        if kept:
            # Several values in one tag (two By-lines): one reading naming them all.
            raw = "; ".join(raw for raw, _ in kept)
            found.append(_Reading(key, raw, _join(list(dict.fromkeys(value for _, value in kept)))))
    return found


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# ---------------------------------------------------------------------------------------
# Fields
# ---------------------------------------------------------------------------------------

_AGENCY_PHOTO = re.compile(r"^(?P<agency>AP|AFP|EPA|UPI|DPA|ANP)\s+Photos?$", re.IGNORECASE)
# By-lines that name no one: a stringer, a handout, a camera's owner setting, an agency.
_NOBODY = frozenset(
    (
        "str",
        "stringer",
        "staff",
        "handout",
        "pool",
        "unknown",
        "anonymous",
        "n/a",
        "none",
        "photographer",
        "photo",
        "photos",
        "file",
        "image",
        "owner",
        "user",
        "camera owner",
        "canon user",
        "nikon user",
        "sony user",
        "picasa",
        "ap",
        "afp",
        "reuters",
        "epa",
        "efe",
        "getty",
        "getty images",
        "dpa",
        "upi",
        "xinhua",
        "anadolu",
        "tass",
        "sputnik",
        "ria novosti",
        "ansa",
        "kyodo",
        "yonhap",
        "shutterstock",
        "alamy",
        "associated press",
        "agence france-presse",
    )
)


def _photographer(value: str) -> str:
    name = value.split("/")[0].strip() if "/" in value else value
    if not name or name.casefold() in _NOBODY or any(c.isdigit() for c in name) or "@" in name:
        return ""
    return capitalize_words(name) if shouting(name) else name


def _agency(value: str) -> str:
    match = _AGENCY_PHOTO.match(value)
    return match["agency"].upper() if match else value


def _byline_agency(value: str) -> str:
    """The agency in a By-line such as "ARIS MESSINIS/AFP"."""
    if "/" not in value:
        return ""
    agency = value.rsplit("/", 1)[1].strip()
    return _agency(agency) if agency and len(agency.split()) <= 3 else ""


_COPYRIGHT = re.compile(
    r"(?i)^(?:copyright|\(c\)|\u00a9|\s|[:,.]|\d{4}(?:\s*[-\u2013]\s*\d{4})?)+|"
    r"(?:[.,;]?\s*(?:all\s+rights\s+reserved|this\s+material\s+may\s+not.*)\.?)+$"
)


def _holder(value: str) -> str:
    """The rights holder in a copyright notice: '© 2022 The Associated Press. All rights reserved.'"""
    holder = _COPYRIGHT.sub("", value).strip(" .,;")
    return holder if holder and any(c.isalpha() for c in holder) else ""


# A camera's or editor's default description says nothing about the picture.
_CAMERA_DEFAULT = re.compile(
    r"(?i)^(?:olympus digital camera|sony dsc|digital camera|default|image|untitled|"
    r"(?:[a-z]+\s+)?(?:dsc|img|dcim|pict|p\d)\S*|[\s\W]*)$"
)


def _caption(value: str) -> str:
    return "" if _CAMERA_DEFAULT.match(value) else value


def _not_slug(value: str) -> str:
    """An object name, unless it is a wire slug ("UKRAINE-CRISIS/KHARKIV") or a file name."""
    words = value.split()
    if len(words) == 1 or "/" in value or "_" in value or not any(c.islower() for c in value):
        return ""
    return value


def _same_caption(a: str, b: str) -> bool:
    # IPTC's Caption-Abstract holds at most 2000 bytes: a cut copy still agrees.
    a, b = a.casefold(), b.casefold()
    return a == b or (min(len(a), len(b)) >= 100 and (a.startswith(b) or b.startswith(a)))


def _facts(tags: _Tags, notes: list[Note]) -> list[Fact]:
    facts: list[Fact] = []
    credit = _credit(tags, notes)
    if credit:
        facts.append(credit)
    title = _pick(
        "title",
        _readings(tags, ("IPTC:Headline", "XMP-photoshop:Headline"), str, notes, "title")
        or _readings(tags, ("IPTC:ObjectName", "XMP-dc:Title"), _not_slug, notes, "title"),
        [],
        notes,
    )
    if title:
        facts.append(Fact("title", title.value, "image-title", title.raw, key=title.key))
    created = _created(tags, notes)
    if created:
        facts.append(created)
    return facts


def _credit(tags: _Tags, notes: list[Note]) -> Fact | None:
    bylines = _readings(tags, ("IPTC:By-line", "XMP-dc:Creator"), _photographer, notes, "photographer")
    artists = _readings(tags, ("IFD0:Artist", "XMP-tiff:Artist"), _photographer, notes, "photographer")
    photographer = _pick("photographer", bylines, artists, notes)
    agency = _pick(
        "agency",
        _readings(tags, ("IPTC:Credit", "XMP-photoshop:Credit"), _agency, notes, "agency")
        or _readings(tags, ("IPTC:Source", "XMP-photoshop:Source"), _agency, notes, "agency"),
        [],
        notes,
    )
    if agency is None and photographer is not None:
        named = next((a for r in bylines for a in [_byline_agency(r.raw)] if a), "")
        if named:
            agency = _Reading(photographer.key, photographer.raw, named)
    copyright_ = _pick(
        "copyright",
        _readings(tags, ("IPTC:CopyrightNotice", "XMP-dc:Rights"), _holder, notes, "copyright holder"),
        _readings(tags, ("IFD0:Copyright",), _holder, notes, "copyright holder"),
        notes,
        note_fallback=False,  # the notice is noted below either way
    )
    if copyright_ is not None:
        is_photographer = photographer is not None and copyright_.value.casefold() == photographer.value.casefold()
        if agency is None and not is_photographer:
            agency = copyright_
        else:
            notes.append(Note("copyright", f"{copyright_.key} {copyright_.raw!r}: the rights holder, not a credit"))
    caption = _pick(
        "caption",
        _readings(tags, ("IPTC:Caption-Abstract", "XMP-dc:Description"), _caption, notes, "caption"),
        _readings(tags, ("IFD0:ImageDescription",), _caption, notes, "caption"),
        notes,
        same=_same_caption,
    )
    if photographer is None and agency is None:
        if caption is not None:
            notes.append(Note("caption without credit", f"{caption.key}: {caption.value[:300]}"))
        return None
    value: dict[str, str] = {}
    if photographer is not None:
        value["photographer"] = photographer.value
    if agency is not None:
        value["agency"] = agency.value
    if caption is not None:
        value["caption"] = caption.value
    evidence = photographer or agency
    assert evidence is not None
    return Fact("credit", value, "image-credit", evidence.raw, key=evidence.key)


# ExifTool prints dates as "2022:03:22 14:05:09", with "+02:00" when a zone is known.
_DATE = re.compile(
    r"^(?P<y>\d{4})[:\-](?P<mo>\d{2})[:\-](?P<d>\d{2})"
    r"(?:[ T](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?)?"
    r"\s*(?P<z>Z|[+\-]\d{2}:?\d{2})?$"
)
_OFFSET = re.compile(r"^(?P<z>Z|[+\-]\d{2}:?\d{2})$")
_TIME = re.compile(r"^(?P<h>\d{2}):?(?P<mi>\d{2})(?::?(?P<s>\d{2}))?\s*(?P<z>Z|[+\-]\d{2}:?\d{2})?$")


def _offset(text: str | None) -> str | None:
    if not text:
        return None
    if text == "Z":
        return "+00:00"
    sign, digits = text[0], text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    return f"{sign}{hours:02d}:{minutes:02d}" if hours <= 14 and minutes < 60 else None


def _when(text: str, time_text: str | None = None, offset_text: str | None = None) -> When | None:
    match = _DATE.match(text.strip())
    if not match:
        return None
    try:
        day = date(int(match["y"]), int(match["mo"]), int(match["d"]))
    except ValueError:
        return None  # "0000:00:00", a camera whose clock was never set
    if day.year < 1800:
        return None
    hour, minute, second, zone = match["h"], match["mi"], match["s"], match["z"]
    if hour is None and time_text:
        time_match = _TIME.match(time_text.strip())
        if time_match:
            hour, minute, second, zone = time_match["h"], time_match["mi"], time_match["s"], time_match["z"]
    if offset_text and _OFFSET.match(offset_text.strip()):
        zone = zone or offset_text.strip()
    if hour is None:
        return When(day)
    h, m, s = int(hour), int(minute), int(second or 0)
    if h > 23 or m > 59 or s > 60:
        return None
    return When(day, time(h, m, min(s, 59)), _offset(zone))


def _created(tags: _Tags, notes: list[Note]) -> Fact | None:
    readings: list[tuple[str, str, When]] = []
    exif = tags.first("ExifIFD:DateTimeOriginal")
    if exif:
        offset = tags.first("ExifIFD:OffsetTimeOriginal")
        when = _when(exif[1], offset_text=offset[1] if offset else None)
        if when:
            readings.append(("ExifIFD:DateTimeOriginal", exif[0], when))
        else:
            notes.append(Note("created not taken", f"ExifIFD:DateTimeOriginal {exif[0]!r} is not a valid date"))
    iptc = tags.first("IPTC:DateCreated")
    if iptc:
        clock = tags.first("IPTC:TimeCreated")
        when = _when(iptc[1], time_text=clock[1] if clock else None)
        raw = f"{iptc[0]} {clock[0]}" if clock else iptc[0]
        if when:
            readings.append(("IPTC:DateCreated", raw, when))
        else:
            notes.append(Note("created not taken", f"IPTC:DateCreated {raw!r} is not a valid date"))
    for key in ("XMP-photoshop:DateCreated", "XMP-exif:DateTimeOriginal"):
        xmp = tags.first(key)
        if xmp:
            when = _when(xmp[1])
            if when:
                readings.append((key, xmp[0], when))
            else:
                notes.append(Note("created not taken", f"{key} {xmp[0]!r} is not a valid date"))
    if not readings:
        return None
    key, raw, when = readings[0]
    if key != "ExifIFD:DateTimeOriginal":
        # IPTC and XMP hold copies of one editorial date: if they disagree, neither is taken.
        others = [(k, w) for k, _, w in readings[1:] if not _same_when(w, when)]
        if others:
            where = ", ".join(f"{k} {w.iso()}" for k, w in [(key, when), *others])
            notes.append(Note("created not taken", f"the IPTC and XMP copies disagree: {where}"))
            return None
    for other_key, _, other in readings[1:]:
        if not _same_when(other, when):
            notes.append(Note(f"created from {key}", f"{other_key} says {other.iso()}: not used"))
        elif when.offset is None and other.offset and other.time and when.time:
            # The camera gave local time without a zone; the editor's copy of the same time has one.
            when = When(when.day, when.time, other.offset)
    return Fact("created", when.iso(), "image-created", raw, key=key)


def _same_when(a: When, b: When) -> bool:
    """The same day, and the same local hour and minute when both have a time.

    Not `common.dates.same_time`: these are copies of one field, the camera's often without a
    zone, so their local clock readings are compared, not instants."""
    if a.day != b.day:
        return False
    return a.time is None or b.time is None or (a.time.hour, a.time.minute) == (b.time.hour, b.time.minute)


def _extract_document(doc: Document) -> Result:
    """The extractor protocol's entry: ExifTool reads the file by path."""
    return extract(doc.checked_path())


EXTRACTOR = FunctionExtractor(NAME, VERSION, MEDIA_TYPES, MAX_BYTES, _extract_document)
