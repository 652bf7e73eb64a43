"""Metadata fields and the validation of values a person asserts for them. Pure.

How claims of these fields carry provenance is `archive.core.claim`; which claim is current is
`archive.core.resolve`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from archive.errors import BadInputError

JSONValue = str | dict[str, str]


class FieldSpec(NamedTuple):
    name: str
    kind: str  # text | date | url | credit | language
    multi: bool
    help: str


FIELDS: dict[str, FieldSpec] = {
    f.name: f
    for f in (
        FieldSpec("title", "text", False, "the headline"),
        FieldSpec(
            "meta_title", "text", False, "the headline the page's metadata states where it differs from the printed one"
        ),
        FieldSpec("outlet", "text", False, "the publication that published it (not a cited source)"),
        FieldSpec("published", "date", False, "publication date: YYYY, YYYY-MM, YYYY-MM-DD or RFC 3339"),
        FieldSpec("published_not_before", "date", False, "a lower bound on the publication date"),
        FieldSpec("modified", "date", False, "date of the last stated update"),
        FieldSpec("created", "date", False, "when the work was made, e.g. a photo's capture time (not publication)"),
        FieldSpec("author", "text", True, "a byline author (repeatable)"),
        FieldSpec("credit", "credit", True, "a photo credit: 'Photographer/Agency' (repeatable)"),
        FieldSpec("url", "url", False, "where the source was published (http or https)"),
        FieldSpec("language", "language", False, "language tag, e.g. en or uk"),
        FieldSpec("note", "text", False, "a free-text note"),
        FieldSpec("captured", "date", False, "when a web capture was made (WARC-Date), not a publication date"),
        FieldSpec("generator", "text", False, "the software that made the capture or the content credential"),
        FieldSpec("signature_status", "text", False, "the file's own signature: trusted, valid or invalid"),
        FieldSpec("signature_problem", "text", True, "why the file's own signature fails a check (repeatable)"),
        FieldSpec("signed_by", "text", False, "who signed the file (a certificate's subject, a domain, a key)"),
        FieldSpec("signed_at", "date", False, "when the file's signature says it was signed"),
        FieldSpec("action", "text", True, "an action a content credential records (captured, edited, cropped)"),
        FieldSpec("ingredient", "text", True, "a source a content credential names as an ingredient"),
    )
}
# Read from a source's own markup, never asserted: a person corrects `title` (and `published`).
# Read from the bytes and their signatures, never asserted: nobody can say a signature is valid.
UNASSERTABLE = (
    "published_not_before",
    "meta_title",
    "signature_status",
    "signature_problem",
    "signed_by",
    "signed_at",
    "action",
    "ingredient",
)
ASSERTABLE = tuple(n for n in FIELDS if n not in UNASSERTABLE)
CREDIT_KEYS = ("photographer", "agency", "caption")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_LANG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
MAX_TEXT = 10_000


def _text(field: str, value: Any) -> str:
    if not isinstance(value, str):
        raise BadInputError(f"{field}: expected text, got {type(value).__name__}")
    text = " ".join(value.split())
    if not text:
        raise BadInputError(f"{field}: empty value")
    if len(text) > MAX_TEXT:
        raise BadInputError(f"{field}: longer than {MAX_TEXT} characters")
    return text


def normalise_date(field: str, value: Any) -> str:
    """Accept YYYY, YYYY-MM, YYYY-MM-DD or an RFC 3339 date-time with a zone; keep the precision given."""
    from datetime import date, datetime  # lazily: only checking a date needs them

    text = _text(field, value)
    if _DATE.fullmatch(text):
        parts = [int(p) for p in text.split("-")]
        try:
            date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        except ValueError as exc:
            raise BadInputError(f"{field}: {text!r} is not a real date ({exc})") from exc
        return text
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise BadInputError(f"{field}: {text!r} is not a date (use YYYY-MM-DD, YYYY-MM, YYYY or RFC 3339)") from None
    if "T" not in text.upper() or moment.tzinfo is None:
        raise BadInputError(f"{field}: {text!r} needs a time zone, e.g. 2022-03-23T09:15:00-04:00")
    return text


def _url(field: str, value: Any) -> str:
    from urllib.parse import urlsplit  # lazily: only a URL needs it

    text = _text(field, value)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in text:
        raise BadInputError(f"{field}: {text!r} is not an http(s) URL")
    return text


def parse_credit(text: str) -> dict[str, str]:
    """'Name/Agency' → photographer and agency; a bare name is a photographer."""
    name, sep, agency = text.partition("/")
    credit: dict[str, str] = {}
    if name.strip():
        credit["photographer"] = " ".join(name.split())
    if sep and agency.strip():
        credit["agency"] = " ".join(agency.split())
    if not credit:
        raise BadInputError(f"credit: {text!r} names neither a photographer nor an agency")
    return credit


def _credit(field: str, value: Any) -> dict[str, str]:
    if isinstance(value, str):
        return parse_credit(_text(field, value))
    if not isinstance(value, Mapping):
        raise BadInputError(f"{field}: expected 'Photographer/Agency' or an object")
    unknown = set(value) - set(CREDIT_KEYS)
    if unknown:
        raise BadInputError(f"{field}: unknown keys {', '.join(sorted(unknown))}")
    credit = {k: _text(f"{field}.{k}", value[k]) for k in CREDIT_KEYS if k in value}
    if "photographer" not in credit and "agency" not in credit:
        raise BadInputError(f"{field}: needs a photographer or an agency")
    return credit


def _language(field: str, value: Any) -> str:
    text = _text(field, value)
    if not _LANG.fullmatch(text):
        raise BadInputError(f"{field}: {text!r} is not a language tag such as en or pt-BR")
    return text


_VALIDATORS: dict[str, Callable[[str, Any], JSONValue]] = {
    "text": _text,
    "date": normalise_date,
    "url": _url,
    "credit": _credit,
    "language": _language,
}


def validate(field: str, value: Any) -> JSONValue:
    """Check and normalise one value of a field; raises BadInputError with the field's name."""
    spec = FIELDS.get(field)
    if spec is None:
        raise BadInputError(f"unknown field {field!r} (known: {', '.join(FIELDS)})")
    result: JSONValue = _VALIDATORS[spec.kind](field, value)
    return result


def _require_text(field: str, value: Any) -> None:
    """Refuse strings that are not Unicode text (undecodable bytes from a shell or a file)."""
    for text in value.values() if isinstance(value, dict) else [value]:
        if isinstance(text, str):
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                raise BadInputError(f"{field}: the value is not valid UTF-8 text") from None


def asserted_values(values: Mapping[str, Sequence[Any]]) -> list[tuple[str, JSONValue]]:
    """Check and normalise values a person gives, field by field in a stable order.

    Raises BadInputError naming the field for an unknown or unassertable field, a second value of a
    single-valued field, or a value that is not valid for its field.
    """
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise BadInputError(f"unknown field {sorted(unknown)[0][:40]!r} (known: {', '.join(ASSERTABLE)})")
    checked: list[tuple[str, JSONValue]] = []
    for field in FIELDS:
        raw = values.get(field, ())
        if not raw:
            continue
        if field not in ASSERTABLE:
            raise BadInputError(f"{field} cannot be asserted")
        if len(raw) > 1 and not FIELDS[field].multi:
            raise BadInputError(f"{field} takes one value, got {len(raw)}")
        for value in raw:
            _require_text(field, value)
            checked.append((field, validate(field, value)))
    return checked
