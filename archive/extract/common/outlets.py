"""The key under which two spellings of one outlet's name are the same outlet."""

from __future__ import annotations

import re

# Names of the same outlet that no spelling rule joins (og:site_name vs JSON-LD publisher).
_ALIASES = {"ap": "associated press", "ap news": "associated press", "afp": "agence france-presse"}
_DOMAIN = re.compile(r"\.(?:com|co\.uk|org|net)$")


def outlet_key(name: str, *, web: bool = False) -> str:
    """'The Guardian' and 'the  guardian' -> 'guardian': case, blanks and a leading "the" ignored.

    `web` (names from a page's metadata) also ignores surrounding punctuation and a domain ending
    ('guardian.com', 'Kyiv Post |'), and joins known aliases ('AP News' and 'Associated Press').
    There a lone "The" stays "the", as a name with nothing after its article.
    """
    if not web:
        words = name.casefold().split()
        return " ".join(words[1:] if words[:1] == ["the"] else words)
    words = " ".join(name.casefold().split()).strip(" .,:;|-").split()
    key = " ".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)
    key = _DOMAIN.sub("", key)
    return _ALIASES.get(key, key)
