"""Problem codes of the manifest check that the shared registry does not hold yet, and a report that
takes them as well as the registered ones (so a mistyped code is still refused)."""

from __future__ import annotations

from collections.abc import Iterable

from archive.core.problems import Problem, Report

# Stable codes, as in archive.core.problems.CODES; docs/format.md §17 lists them after the others.
MANIFEST_CODES: dict[str, str] = {
    "MANIFEST_SIGNATURE_MISSING": "the manifest has no signature over its whole content (made before version 2, "
    "or stripped): its citation texts, Markdown and header are unproven",
    "MANIFEST_SIGNATURE_INVALID": "the manifest's signature is malformed, not by the key that signed its "
    "checkpoint, or over other content than the manifest holds",
    "MANIFEST_ITEM_DUPLICATE": "an item is listed twice in the manifest",
}


class ManifestReport(Report):
    """A verification report that also accepts the manifest codes above."""

    __slots__ = ()

    def add(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            if problem.code in MANIFEST_CODES:
                self.problems.append(problem)
            else:
                super().add([problem])
