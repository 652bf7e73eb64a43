"""Folding text so that a cheap `in` test can rule out a costly case-insensitive pattern.

Python's re matches a case-insensitive pattern character by character, about ten times slower
than `word in text.lower()`. A pattern that needs a word can only match where the folded text
holds it, so most lines skip the pattern altogether.
"""

from __future__ import annotations

# re's case-insensitive matching takes these for 'i' and 's' ('İmage', 'ſhutterſtock'), where
# str.lower() does not (and U+0130 is the only character that lowers to two).
_TRAPS = ("\u0130", "\u0131", "\u017f")
_TRAP_LETTERS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def fold(text: str) -> str:
    """text in lower case, character for character (same length, so offsets carry over), such that
    wherever a case-insensitive pattern matches lower-case ASCII letters, the folded text has them."""
    for trap in _TRAPS:
        if trap in text:
            return text.translate(_TRAP_LETTERS).lower()
    return text.lower()


def has_any(folded: str, words: tuple[str, ...]) -> bool:
    """Whether folded text holds one of words (lower-case ASCII): False rules out every pattern
    that needs one of them; True may still find no match."""
    for word in words:  # noqa: SIM110 (any() over a generator costs twice as much, on every line)
        if word in folded:
            return True
    return False


def spaceless(c: str) -> bool:
    """Whether c is a character of a script written without spaces between its words (Chinese,
    Japanese kana and kanji)."""
    return "\u3040" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"
