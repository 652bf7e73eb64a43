"""Whether a name names an organisation rather than a person. Pure.

Citation styles invert a person's name ("Doe, J.") but print an organisation as written: "Human
Rights Watch" inverted is "Watch, H. R.". A name is taken for an organisation when one of its
words is a word organisations are named with (Watch, Institute, Ministry, Press, Inc. ...), when it
joins words with "&" or "of"/"for"/"and" in the way institutions do ("Ministry of Health",
"Doctors Without Borders" has none and stays a person-like pair: such rare misses print as
"Borders, D. W."), or when it is one word in capitals (NATO, UNICEF, BBC).
"""

from __future__ import annotations

import re

ORGANISATION_WORDS = frozenset(
    """
    academy administration agency alliance archive archives assembly associated association authority
    bank board bureau campaign center centre coalition college commission committee company
    congress corporation corp corp. council court department desk editors editorial federation
    forces foundation fund government group inc inc. institute institution international
    laboratory league library llc ltd ltd. media ministry museum nations network news newsroom
    office organisation organization parliament party police press project reporters school
    service services society staff team times trust tribune union university watch wire
    """.split()  # noqa: SIM905
)
_JOINERS = re.compile(r"\s(?:&|of|for)\s", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:['\u2019.][^\W_]+)*\.?")


def is_organisation(name: str) -> bool:
    """'Human Rights Watch', 'Ministry of Health', 'NATO', 'Reuters Staff' → True; 'Jane Doe' → False."""
    text = " ".join(name.split())
    words = _WORD.findall(text)
    if not words:
        return False
    if len(words) == 1:
        letters = [c for c in words[0] if c.isalpha()]
        return len(letters) >= 2 and all(c.isupper() for c in letters)
    if any(w.lower() in ORGANISATION_WORDS for w in words):
        return True
    return bool(_JOINERS.search(text)) and len(words) >= 3
