"""Current values: which of an item's claims are in force for each field, and where sources disagree.

The rules (docs/format.md §3.3), per field:
1. If any claim of the field is asserted, the asserted claims of the *latest entry* that asserted
   the field are in force; every other claim of the field is superseded.
2. Otherwise the claims of the item's *current extraction* (its ingest, or its latest `extract`
   entry) are in force; extracted claims of earlier extractions are superseded.
3. The in-force values, duplicates removed in order, give the current value: for a repeatable field
   all of them (a null records "no value" and is dropped); for a single-valued field the one value
   they agree on, else the field is a *conflict* and has no current value. Values agree when they
   are equal; dates also agree when each one's date part as written (its first 10 characters, so
   in the zone it was written in) is a prefix of the longest one's, which then stands (2022-03 and
   2022-03-23 agree on 2022-03-23). A field whose only in-force value is null has no value.
Pure: the result is a function of the claims and the extraction's seq.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from archive.core.claim import Claim
from archive.core.fields import FIELDS, FieldSpec


@dataclass(frozen=True, slots=True)
class FieldView:
    """One field of one item: its current value (if any), and the claims behind it."""

    field: str
    value: Any  # the current value; a list for a repeatable field; None when none or in conflict
    conflict: bool
    in_force: tuple[Claim, ...]  # the claims the value (or the conflict) rests on
    superseded: tuple[Claim, ...]  # claims of this field no longer in force

    @property
    def has_value(self) -> bool:
        return self.value is not None and not self.conflict


def _agree(spec: FieldSpec, values: list[Any], same_day: bool) -> Any | None:
    if len(values) == 1:
        return values[0]
    if spec.kind == "date" and all(isinstance(v, str) for v in values):
        longest = max(values, key=len)
        if same_day:  # the rule of version-1 indexes: the written days agree, whatever the times
            if all(longest[: len(v[:10])] == v[:10] for v in values):
                return longest
        elif all(longest.startswith(v) for v in values):
            return longest
    return None


def resolve(claims: Sequence[Claim], extraction_seq: int, *, same_day: bool = False) -> dict[str, FieldView]:
    """Every field that has claims, in the order of FIELDS (`same_day`: version 1's date rule)."""
    by_field: dict[str, list[Claim]] = {}
    for claim in claims:
        by_field.setdefault(claim.field, []).append(claim)
    views: dict[str, FieldView] = {}
    for name, spec in FIELDS.items():
        mine = by_field.get(name)
        if not mine:
            continue
        asserted = [c for c in mine if c.source == "asserted"]
        if asserted:
            last = max(c.seq or 0 for c in asserted)
            in_force = [c for c in asserted if c.seq == last]
        else:
            in_force = [c for c in mine if c.seq == extraction_seq]
        if len(in_force) == len(mine):
            superseded: tuple[Claim, ...] = ()
        else:
            kept = {id(c) for c in in_force}
            superseded = tuple(c for c in mine if id(c) not in kept)
        chosen: list[Any] = []
        for claim in in_force:
            if claim.value not in chosen:
                chosen.append(claim.value)
        value: Any = None
        conflict = False
        if chosen and chosen != [None]:
            if spec.multi:
                value = [v for v in chosen if v is not None]
            else:
                value = _agree(spec, chosen, same_day)
                conflict = value is None
        views[name] = FieldView(name, value, conflict, tuple(in_force), superseded)
    return views


def current_values(views: dict[str, FieldView]) -> dict[str, Any]:
    return {name: view.value for name, view in views.items() if view.has_value}


def conflicts(views: dict[str, FieldView]) -> list[str]:
    return [name for name, view in views.items() if view.conflict]
