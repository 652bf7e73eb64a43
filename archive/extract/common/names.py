"""Person names: whether a phrase reads as one, and how a name written in ALL CAPS is styled.

The plain-text, HTML (through the plain-text rules) and PDF extractors share these. Where their
rules differ, a parameter says how: PDF metadata is typed into forms, so case is looser there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

PARTICLES = frozenset(
    """
    al bin da das de del della der di do dos du el ibn la le ten ter van von y zu
    """.split()  # noqa: SIM905
)
NAME_WORD = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")
INITIALS = re.compile(r"(?:[^\W\d_]\.){1,3}")
SUFFIXES = frozenset({"Jr.", "Sr.", "Jr", "Sr", "II", "III", "IV"})


_QUOTES = {'"': '"', "\u201c": "\u201d", "\u2018": "\u2019"}
_NICKNAME_WORDS = 3


def _without_nickname(tokens: Sequence[str]) -> Sequence[str]:
    """The tokens without a quoted nickname inside the name ('Amanda "Tania Mae" Tan' -> 'Amanda Tan'):
    one to three capitalised words in quotes, after the first token and before the last."""
    for i in range(1, len(tokens) - 1):
        close = _QUOTES.get(tokens[i][:1])
        if close is None:
            continue
        for j in range(i, min(len(tokens) - 1, i + _NICKNAME_WORDS)):
            if tokens[j].endswith(close) and (j > i or len(tokens[i]) > 2):
                inner = " ".join(tokens[i : j + 1])[1:-1].split()
                if inner and all(NAME_WORD.fullmatch(w) and w[0].isupper() for w in inner):
                    return [*tokens[:i], *tokens[j + 1 :]]
                return tokens
        return tokens
    return tokens


def is_person_name(
    tokens: Sequence[str],
    *,
    not_names: frozenset[str],
    suffixes: frozenset[str] = frozenset(),
    any_case: bool = False,
) -> bool:
    """Whether tokens read as a person's name: 'Nariman El-Mofty', 'Jane A. Doe'.

    Two to five tokens, capitalised (or particles such as 'de', 'van' inside the name), with at
    least two that are neither initials nor particles, and none of them (lower-cased) in
    `not_names`, the words that make a phrase an institution, a title or software. A suffix
    ('Jr.') may close a name of three tokens or more. `any_case` takes particles and initials in
    any case ('Jane VAN Doe', 'j. Doe'), as people type them into a document's properties.
    """
    tokens = _without_nickname(tokens)
    if not 2 <= len(tokens) <= 5:
        return False
    last = len(tokens) - 1
    words = 0
    for i, token in enumerate(tokens):
        if token in suffixes and i == last and i >= 2:
            continue
        if (token.lower() if any_case else token) in PARTICLES and 0 < i < last:
            continue
        if not any_case and not token[0].isupper():
            return False
        if INITIALS.fullmatch(token):
            continue
        if not NAME_WORD.fullmatch(token) or not token[0].isupper() or token.lower() in not_names:
            return False
        words += 1
    return words >= 2


def shouting(text: str) -> bool:
    """Whether text has capital letters and no lowercase ones (a script without case, such as
    Chinese, Arabic or Thai, never shouts: a line mostly in one with an acronym, 'ผล DNA ยืนยัน
    ...', does not either)."""
    upper = sum(c.isupper() for c in text)
    if not upper or any(c.islower() for c in text):
        return False
    return upper * 2 > sum(c.isalpha() for c in text)


# Acronyms that title-casing must leave alone.
_ACRONYMS = frozenset(
    """
    AA ABC AFP AP ARD BBC CBC CBS CNBC CNN DC DW EFE EPA ESPN EU II III ITV IV MSNBC NBC
    NHK NPR NY NYT ORF PBS PTI RT RTE TASS TV UK UN UPI US USA VOA WSJ ZDF ANI IANS
    """.split()  # noqa: SIM905
)
_SMALL_WORDS = frozenset(
    """
    a an and as at by de for in of on or the to via van von
    """.split()  # noqa: SIM905
)
_APOSTROPHE_PREFIX = re.compile(r"([^\W\d_])(['\u2019])([^\W\d_]{2,})")


def _title_word(word: str) -> str:
    """'EL-MOFTY' -> 'El-Mofty', "O'BRIEN" -> "O'Brien", "PEOPLE'S" -> "People's"."""
    parts = []
    for part in word.split("-"):
        low = part.lower()
        prefix = _APOSTROPHE_PREFIX.fullmatch(low)
        if prefix:
            parts.append(prefix[1].upper() + prefix[2] + prefix[3].capitalize())
        else:
            parts.append(low[:1].upper() + low[1:])
    return "-".join(parts)


def title_case(text: str) -> str:
    """Title-case an ALL-CAPS phrase: 'WASHINGTON EXAMINER' -> 'Washington Examiner'.

    Known acronyms, dotted abbreviations ('U.S.') and short vowel-less tokens ('NPR')
    stay upper case; small words stay lower case except first.
    """
    words = []
    for i, word in enumerate(text.split()):
        bare = word.strip(".,;:'\u2019\"")
        vowelless = bare.isalpha() and len(bare) <= 4 and not set(bare.lower()) & set("aeiouy")
        if bare in _ACRONYMS or "." in bare or vowelless:
            words.append(word)
        elif i > 0 and word.lower() in _SMALL_WORDS:
            words.append(word.lower())
        else:
            words.append(_title_word(word))
    return " ".join(words)


def person_value(phrase: str) -> str:
    """A person's name as a value: whitespace collapsed, ALL CAPS title-cased ('JANE DOE' -> 'Jane Doe')."""
    name = " ".join(phrase.split())
    return title_case(name) if shouting(name) else name


def capitalize_words(text: str) -> str:
    """Each word, and each part of a hyphenated word, capitalised: 'ARIS MESSINIS' -> 'Aris Messinis'.

    The plainer styling of the image and PDF extractors' names, which (unlike `title_case`) knows
    no acronyms, particles or apostrophes: "JOHN O'BRIEN" -> "John O'brien".
    """
    return " ".join("-".join(part.capitalize() for part in word.split("-")) for word in text.split())
