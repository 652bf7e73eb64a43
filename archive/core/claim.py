"""Claims: one value of one metadata field with where it came from, read and written strictly. Pure.

A claim is *asserted* (a person said so; who and when are the entry's actor and time) or
*extracted* (an extractor read it from the bytes: its name and version, the rule, the byte span
and/or metadata key, the quoted evidence). In an item, each claim also carries the `seq` of the
entry that made it; in an entry body it does not.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from archive.core.fields import CREDIT_KEYS, FIELDS
from archive.core.strict import RuleError, count, members, string

ClaimValue = str | dict[str, str] | None
SOURCES = ("asserted", "extracted")


def check_value(field: str, value: Any, *, nullable: bool) -> ClaimValue:
    """The value's JSON type for its field: text, or a credit object; null only where allowed."""
    if value is None:
        if not nullable:
            raise RuleError(f"claim of {field}: only an asserted claim may record no value (null)")
        return None
    spec = FIELDS[field]
    if spec.kind == "credit":
        if not isinstance(value, dict) or not value or set(value) - set(CREDIT_KEYS):
            raise RuleError(f"claim of credit: the value is an object of {', '.join(CREDIT_KEYS)}")
        if "photographer" not in value and "agency" not in value:
            raise RuleError("claim of credit: the value names a photographer or an agency")
        return {k: string(v, f"credit.{k}") for k, v in value.items()}
    return string(value, f"claim of {field}: the value")


class ExtractorId(NamedTuple):
    name: str
    version: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version}


_EXTRACTORS: dict[tuple[Any, Any], ExtractorId] = {}


def _extractor(name: Any, version: Any) -> ExtractorId:
    """One ExtractorId per (name, version): thousands of claims name the same few extractors."""
    if not isinstance(name, str) or not isinstance(version, str):
        return ExtractorId(string(name, "extractor.name"), string(version, "extractor.version"))
    found = _EXTRACTORS.get((name, version))
    if found is None:
        found = ExtractorId(string(name, "extractor.name"), string(version, "extractor.version"))
        if len(_EXTRACTORS) < 1024:
            _EXTRACTORS[(name, version)] = found
    return found


_ASSERTED = ("field", "value", "source", "by", "at")
_EXTRACTED = ("field", "value", "source", "extractor", "rule", "evidence")


_CLAIM_FIELDS = ("field", "value", "source", "by", "at", "extractor", "rule", "evidence", "span", "key", "seq", "part")


class Claim:
    """One value of one field, with its provenance. Immutable; compared by its fields.

    A plain class rather than a dataclass (claims are the most numerous objects the archive makes,
    and defining dataclasses costs every command a noticeable share of its start-up).
    """

    __slots__ = (*_CLAIM_FIELDS, "read_as")
    field: str
    value: ClaimValue
    source: str  # "asserted" | "extracted"
    by: str | None  # asserted: who (always the entry's actor)
    at: str | None  # asserted: when (always the entry's time)
    extractor: ExtractorId | None
    rule: str | None
    evidence: str | None
    span: tuple[int, int] | None  # bytes [start, end) of the object
    key: str | None  # where in the document's metadata the value was found
    seq: int | None  # the entry that made it (in an item; never in an entry body)
    part: str | None  # the part of the item it is about (a record of a web archive), None: the item itself
    # The claim's JSON as read (without `seq`), so writing it back costs a dict copy; not compared,
    # and dropped by `replace` unless only `seq` changes.
    read_as: dict[str, Any] | None

    def __init__(
        self,
        field: str,
        value: ClaimValue,
        source: str,
        by: str | None = None,
        at: str | None = None,
        extractor: ExtractorId | None = None,
        rule: str | None = None,
        evidence: str | None = None,
        span: tuple[int, int] | None = None,
        key: str | None = None,
        seq: int | None = None,
        part: str | None = None,
    ) -> None:
        setter = object.__setattr__
        for name, value_ in zip(
            _CLAIM_FIELDS, (field, value, source, by, at, extractor, rule, evidence, span, key, seq, part), strict=True
        ):
            setter(self, name, value_)
        setter(self, "read_as", None)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a Claim is immutable (cannot set {name})")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _CLAIM_FIELDS)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Claim) and self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]  # a credit's value is a dict

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in _CLAIM_FIELDS if getattr(self, n) is not None)
        return f"Claim({shown})"

    def replace(self, **changes: Any) -> Claim:
        """A copy with some fields changed."""
        values = dict(zip(_CLAIM_FIELDS, self._values(), strict=True))
        values.update(changes)
        made = Claim(**values)
        if set(changes) <= {"seq"} and self.read_as is not None:
            object.__setattr__(made, "read_as", self.read_as)
        return made

    @classmethod
    def asserted(cls, field: str, value: ClaimValue, *, by: str, at: str, part: str | None = None) -> Claim:
        return cls(field, value, "asserted", by=by, at=at, part=part)

    @classmethod
    def from_json(cls, value: Any, *, stored: bool = False, seq: int | None = None) -> Claim:
        """A claim as an entry body holds it, made by entry `seq` if given (`stored`: as an item's state
        holds it, with its own `seq` member)."""
        if not isinstance(value, dict):
            raise RuleError("a claim is an object")
        if stored:
            seq = count(value.get("seq"), "claim.seq")
        read_as = {k: v for k, v in value.items() if k != "seq"} if stored else value
        field = value.get("field")
        if not isinstance(field, str) or field not in FIELDS:
            raise RuleError(f"a claim's field must be one of {', '.join(FIELDS)}, not {str(field)[:40]!r}")
        source = value.get("source")
        seq_member = ("seq",) if stored else ()
        if source == "asserted":
            members(value, "an asserted claim", _ASSERTED + seq_member, ("part",))
            return cls(
                str(field),
                check_value(str(field), value["value"], nullable=True),
                "asserted",
                by=string(value["by"], "claim.by"),
                at=string(value["at"], "claim.at"),
                seq=seq,
                part=_part(value),
            )._read(read_as)
        if source == "extracted":
            members(value, "an extracted claim", _EXTRACTED + seq_member, ("span", "key"))
            ext = value["extractor"]
            if not isinstance(ext, dict):
                raise RuleError("claim.extractor must be an object")
            members(ext, "claim.extractor", ("name", "version"), ())
            span = value.get("span")
            if "span" in value and (
                not isinstance(span, list)
                or len(span) != 2
                or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in span)
                or span[0] > span[1]
            ):
                raise RuleError("claim.span must be [start, end] with 0 <= start <= end")
            if "span" not in value and "key" not in value:
                raise RuleError("an extracted claim names its evidence's byte span, its metadata key, or both")
            evidence = value["evidence"]
            if not isinstance(evidence, str):
                raise RuleError("claim.evidence must be a string")
            return cls(
                str(field),
                check_value(str(field), value["value"], nullable=False),
                "extracted",
                extractor=_extractor(ext["name"], ext["version"]),
                rule=string(value["rule"], "claim.rule"),
                evidence=evidence,
                span=(span[0], span[1]) if isinstance(span, list) else None,
                key=string(value["key"], "claim.key") if "key" in value else None,
                seq=seq,
            )._read(read_as)
        raise RuleError(f"a claim's source must be one of {', '.join(SOURCES)}")

    def to_json(self, *, with_seq: bool = False) -> dict[str, Any]:
        """The claim as an entry body holds it (with `with_seq`: as an item's state holds it)."""
        if self.read_as is not None:
            return {**self.read_as, "seq": self.seq} if with_seq else dict(self.read_as)
        out: dict[str, Any] = {"field": self.field, "value": self.value, "source": self.source}
        if self.source == "asserted":
            out["by"] = self.by
            out["at"] = self.at
        else:
            assert self.extractor is not None
            out["extractor"] = self.extractor.to_json()
            out["rule"] = self.rule
            out["evidence"] = self.evidence
            if self.span is not None:
                out["span"] = list(self.span)
            if self.key is not None:
                out["key"] = self.key
        if self.part is not None:
            out["part"] = self.part
        if with_seq:
            out["seq"] = self.seq
        return out

    def _read(self, value: dict[str, Any]) -> Claim:
        object.__setattr__(self, "read_as", value)
        return self

    def with_seq(self, seq: int) -> Claim:
        return self.replace(seq=seq)

    def provenance(self) -> str:
        """Where the value came from, in words (for `show` and the Markdown manifest)."""
        if self.source == "asserted":
            return f"asserted by {self.by} at {self.at} (entry {self.seq})"
        ext = self.extractor
        where = f"bytes {self.span[0]}-{self.span[1]}" if self.span is not None else (self.key or "")
        if self.span is not None and self.key:
            where = f"{self.key}, {where}"
        if self.part is not None:
            where = f"record {self.part}, {where}" if where else f"record {self.part}"
        name = f"{ext.name} {ext.version}" if ext else "?"
        return f"extracted by {name} ({self.rule}) from {where}: “{self.evidence}” (entry {self.seq})"


def _part(value: dict[str, Any]) -> str | None:
    return string(value["part"], "claim.part") if "part" in value else None


class ExtractionNote(NamedTuple):
    """What an extraction could not do, and why."""

    note: str
    reason: str
    seq: int | None = None

    @classmethod
    def from_json(cls, value: Any, *, stored: bool = False, seq: int | None = None) -> ExtractionNote:
        if not isinstance(value, dict):
            raise RuleError("a note is an object")
        members(value, "a note", ("note", "reason") + (("seq",) if stored else ()), ())
        if stored:
            seq = count(value["seq"], "note.seq")
        return cls(string(value["note"], "note.note"), string(value["reason"], "note.reason"), seq)

    def to_json(self, *, with_seq: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"note": self.note, "reason": self.reason}
        if with_seq:
            out["seq"] = self.seq
        return out
