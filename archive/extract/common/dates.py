"""One date value for every extractor: a day, with a local time and a UTC offset when the source states them.

A time in an unknown zone is not an instant, so it is written as the date alone; the time is kept
(the image extractor joins a camera's local time to an editor's copy that has the zone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time


@dataclass(frozen=True)
class When:
    """A date, with the local time of day and the UTC offset ("+02:00") when known.

    `offset` is kept as written in ISO 8601 form rather than as a number, so that what a source
    states ("-00:00" in EXIF) is given back unchanged.
    """

    day: date
    time: time | None = None  # local, naive
    offset: str | None = None  # "+02:00", as `datetime.isoformat` writes it

    @classmethod
    def of(cls, moment: datetime) -> When:
        """The date of a datetime, with its time and offset when it is aware (naive: the date only)."""
        if moment.utcoffset() is None:
            return cls(moment.date(), moment.time())
        local = moment.replace(tzinfo=None)
        return cls(moment.date(), local.time(), moment.isoformat()[len(local.isoformat()) :])

    def iso(self) -> str:
        """ISO 8601: the datetime with its offset when both are known, else the date."""
        if self.time is None or self.offset is None:
            return self.day.isoformat()
        return f"{self.day.isoformat()}T{self.time.isoformat()}{self.offset}"

    @property
    def moment(self) -> datetime | None:
        """The instant, when the time and the offset are both known."""
        if self.time is None or self.offset is None:
            return None
        return datetime.fromisoformat(self.iso())


def same_time(a: When, b: When) -> bool:
    """The same instant when both are instants (whatever zone each is written in), else the same day."""
    first, second = a.moment, b.moment
    if first is not None and second is not None:
        return first == second
    return a.day == b.day
