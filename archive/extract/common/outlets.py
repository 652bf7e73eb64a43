"""Outlet names: when two spellings name the same outlet, which spelling the page gives as its
name, and which of several sources that disagree names the publisher of the page.

The HTML and plain-text extractors share these. A source is a `Signal` (a site-name tag, a
publisher in JSON-LD, a `<title>` suffix, a copyright line...); `resolve` groups the signals
that name one outlet, keeps the outlets that enough independent signals support and gives each
one value: the fullest form the page states, as it prints it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

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


# ---------------------------------------------------------------------------------------
# Kinds of names
# ---------------------------------------------------------------------------------------

# A site's name written as its domain: 'Sportsnet.ca', 'Entermedia.co.kr', 'CBSSports.com'.
_DOMAIN_NAME = re.compile(r"(?:www\.)?[^\W_][\w-]*(?:\.[\w-]+)*\.[a-z]{2,6}(?:\.[a-z]{2})?", re.I)
# The domain ending of a name written as a domain ('.com', '.co.kr'), to compare it with spelled-out names.
_DOMAIN_END = re.compile(r"\.[a-z]{2,6}(?:\.[a-z]{2})?$", re.I)
# Words a site appends to its name in one source and not in another ('Glamour Magazine', 'RT International').
_DESCRIPTORS = frozenset({"magazine", "mag", "international", "online", "edition", "digital", "usa", "uk"})
# Words of a company's name, as a copyright line or a publisher gives it (the owner, not the outlet).
_COMPANY_WORDS = frozenset(
    """
    inc incorporated llc l.l.c ltd limited corp corporation company co group holdings
    lp l.p llp plc gmbh ag s.a sa s.l pty bv b.v n.v communications publishing publications publishers
    enterprises interactive broadcasting industries partners subsidiary ооо оао зао ао
    """.split()  # noqa: SIM905
)
# Publishing groups known by a name no title of theirs carries: each owns many outlets and signs
# their copyright lines ('© 2014 Condé Nast'), so the name alone says whose page it is not.
_PUBLISHING_GROUPS = frozenset(
    name.strip()
    for name in """
    condé nast|conde nast|hearst|meredith|gannett|mcclatchy|lee enterprises|advance local|news corp
    |dow jones|axel springer|bauer|ziff davis|penske|dotdash|dotdash meredith|valnet|tegna|nexstar|sinclair
    |scripps|reach plc|dmg media|future plc|immediate media|tribune publishing|tronc|alden global capital
    """.replace("\n", "").split("|")
)
# Last words that make a name a company's or a network's: 'Rogers Media', 'Al Jazeera Media Network'.
_COMPANY_ENDINGS = frozenset({"media", "network", "networks", "ventures"})
# News agencies, by key: the source of a wire story, never the outlet of a page that names itself.
_WIRE_AGENCIES = frozenset(
    word.replace("_", " ")
    for word in """
    associated_press agence_france-presse reuters thomson_reuters deutsche_presse-agentur dpa
    united_press_international upi xinhua xinhua_news_agency tass itar-tass ria_novosti interfax anadolu
    anadolu_agency efe agencia_efe ansa kyodo kyodo_news yonhap yonhap_news_agency press_trust_of_india pti
    ians indo-asian_news_service asian_news_international ani bernama antara pa_media press_association
    canadian_press australian_associated_press aap
    """.split()  # noqa: SIM905
)
_FUNCTION_WORDS = frozenset({"the", "of", "and", "&", "for", "on", "in", "a"})


def is_domain_name(name: str) -> bool:
    """'Sportsnet.ca', 'CBSSports.com': a name written as the site's domain."""
    return bool(_DOMAIN_NAME.fullmatch(name.strip()))


def is_company(name: str) -> bool:
    """'Dow Jones & Company, Inc.', 'Rogers Media', 'MacRumors.com, LLC': the name of a company,
    which owns outlets (a copyright line's holder) rather than being one."""
    words = [w.strip(",;:.()\u00ab\u00bb\"'").casefold() for w in name.split()]
    words = [w for w in words if w]
    if not words:
        return False
    if " ".join(words) in _PUBLISHING_GROUPS:
        return True
    return any(w in _COMPANY_WORDS for w in words) or (len(words) > 1 and words[-1] in _COMPANY_ENDINGS)


# Words of a site's sections and columns: a name made of them only ('Politics', 'Opinion Blog',
# 'Letters to the Editor') is a section's, which a blog platform may give its own site name.
_SECTION_WORDS = frozenset(
    """
    news politics sports sport opinion opinions business entertainment lifestyle life health tech technology
    science world video videos photos travel food style culture arts home local us u.s. money markets weather
    podcasts podcast shows tv events deals shopping jobs auto autos cars games books music movies fashion beauty
    magazine newsletters newsletter apps app our this blog blogs letters editor editorial editorials column
    columns commentary
    """.split()  # noqa: SIM905
)
_SECTION_LINKS = frozenset({"to", "the", "and", "&", "of", "from"})


def is_section(name: str) -> bool:
    """'Politics', 'Opinion Blog', 'Letters to the Editor': a section's or column's name, no outlet's."""
    words = [w.strip(",.:;!?").casefold() for w in name.split()]
    words = [w for w in words if w]
    return (
        bool(words)
        and all(w in _SECTION_WORDS or w in _SECTION_LINKS for w in words)
        and words[-1] not in _SECTION_LINKS
    )


def is_wire_agency(name: str) -> bool:
    """'Associated Press', 'AP', 'Reuters': a news agency whose stories other outlets publish."""
    return outlet_key(name, web=True) in _WIRE_AGENCIES


def _words(name: str) -> list[str]:
    return " ".join(name.casefold().replace("&", " and ").split()).strip(" .,:;|-").split()


def _squash(words: list[str]) -> str:
    """Letters and digits only, a domain ending dropped: 'TheHill.com', 'The Hill' -> 'thehill'."""
    if len(words) == 1:
        words = [_DOMAIN_END.sub("", words[0].removeprefix("www."))]
    return "".join(c for c in "".join(words) if c.isalnum())


@lru_cache(maxsize=4096)
def _web_key(name: str) -> str:
    return outlet_key(name, web=True)


def _domain_tail(words: list[str]) -> bool:
    """'ประชาไท prachatai.com': a name, then the site's domain."""
    return len(words) > 1 and not is_domain_name(words[-2]) and is_domain_name(words[-1])


@lru_cache(maxsize=4096)
def _variants(name: str) -> frozenset[str]:
    """The spellings a name is compared by: squashed, with and without a leading "the" and a
    trailing descriptor ('Glamour Magazine' is also 'glamour'; 'CNN.com International' 'cnn'),
    and a name followed by its domain as both ('ประชาไท Prachatai.com' is 'ประชาไท' and 'prachatai')."""
    words = _words(name)
    found = set()
    if _domain_tail(words):
        found |= {_squash(words[:-1]), _squash(words[-1:])}
    while words:
        found.add(_squash(words))
        if words[0] == "the" and len(words) > 1:
            found.add(_squash(words[1:]))
        if len(words) > 1 and words[-1] in _DESCRIPTORS:
            words = words[:-1]
        else:
            break
    key = outlet_key(name, web=True)
    found.add(_squash(key.split()))
    found.discard("")
    return frozenset(found)


def _initials(name: str) -> str:
    return "".join(w[0] for w in _words(name) if w not in _FUNCTION_WORDS and w[0].isalnum())


def is_acronym(short: str, name: str) -> bool:
    """'WSJ' of 'The Wall Street Journal': a name in capitals made of the other's initials; or the
    site's domain made of them ('BHG.com', 'bhg.com' of 'Better Homes and Gardens')."""
    bare = short.strip(" .")
    if is_domain_name(bare):
        bare = _DOMAIN_END.sub("", bare.removeprefix("www.")).upper()
    return (
        2 <= len(bare) <= 6
        and bare.isalpha()
        and bare.isupper()
        and len(_words(name)) >= 2
        and _initials(name) == bare.casefold()
    )


_HANDLE = re.compile(r"@?[^\W_]\w{3,14}")  # an account's handle ('@UHmallorca'), spelt like a domain
_MIN_DOMAIN = 4  # letters of a domain read as a name's words: 'bbc' is initials (`is_acronym`), not words


@lru_cache(maxsize=4096)
def is_domain_of(domain: str, name: str) -> bool:
    """'dallasnews.com' of 'Dallas Morning News', 'nytimes.com' of 'The New York Times',
    'UHmallorca' (a handle, spelt as a domain is) of 'Ultima Hora Mallorca',
    'latimes.com' of 'Los Angeles Times': a domain made of the name's words in order, each whole
    or as the initials of a run of them followed by a whole word, from its first word (after
    "the") to its last; a word between may be left out, not the first nor the last."""
    if not (is_domain_name(domain) or _HANDLE.fullmatch(domain)) or is_domain_name(name):
        return False
    bare = domain.strip().casefold().removeprefix("@").removeprefix("www.")
    label = "".join(c for c in (_DOMAIN_END.sub("", bare) if is_domain_name(bare) else bare) if c.isalnum())
    words = ["".join(c for c in w if c.isalnum()) for w in _words(name)]
    words = [w for w in (words[1:] if words[:1] == ["the"] else words) if w]
    if len(label) < _MIN_DOMAIN or len(words) < 2:
        return False

    @cache
    def match(pos: int, word: int, initials: bool = True) -> bool:
        if word == len(words):
            return pos == len(label)
        if pos == len(label):
            return False
        here = words[word]
        if label.startswith(here, pos) and match(pos + len(here), word + 1):
            return True
        # Initials of a run of two or more words, then a whole word ('ny' of 'New York', then 'times').
        run = 0
        while initials and word + run < len(words) and label[pos + run : pos + run + 1] == words[word + run][0]:
            run += 1
            if run >= 2 and word + run < len(words) and match(pos + run, word + run, initials=False):
                return True
        # A word between the first and the last left out ('Morning' of 'Dallas Morning News').
        return 0 < word < len(words) - 1 and match(pos, word + 1, initials)

    return match(0, 0)


def same_outlet(a: str, b: str) -> bool:
    """Whether two names are spellings of one outlet: 'TheHill' and 'The Hill', 'CBSSports.com'
    and 'CBS Sports', 'WSJ' and 'Wall Street Journal', 'Glamour Magazine' and 'Glamour',
    'Better Homes & Gardens' and 'Better Homes and Gardens', 'AP News' and 'Associated Press'."""
    if _web_key(a) == _web_key(b):
        return True
    if _variants(a) & _variants(b) or is_acronym(a, b) or is_acronym(b, a):
        return True
    return is_domain_of(a, b) or is_domain_of(b, a)


# ---------------------------------------------------------------------------------------
# Deciding among sources
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signal:
    """One source's statement of the outlet's name.

    `kind` groups sources that are not independent (a page's `<title>` and its og:title are one
    kind). A `strong` source names the outlet alone (a site-name tag, the publisher); the others
    count only where another kind agrees. A `formal` one is the outlet's statement of its own
    name in print (a copyright or trademark line), whose spelling is preferred. A `named` one
    can give the value: a handle ('@WSJ') supports a name but is not one. A `witness` that is not
    named still counts as a kind that agrees: the page's own domain ('catchitkansas.com' beside
    the logo's 'Catch it Kansas') or the site's own account ('@UHmallorca' beside the title's
    'Ultima Hora Mallorca') is no name to print but says whose page it is.
    """

    name: str
    kind: str
    strong: bool = False
    formal: bool = False
    named: bool = True
    witness: bool = False


@dataclass(frozen=True)
class Outlet:
    """An outlet the signals name: its value and the signals (by index) that support it."""

    value: str
    signals: tuple[int, ...]


MAX_SIGNALS = 100  # distinct statements weighed: a page makes a dozen; the first ones are the strong ones


def resolve(signals: Sequence[Signal], printed: Callable[[str], bool]) -> list[Outlet]:
    """The outlets the signals name, best supported first; [] when none is supported enough.

    Signals naming one outlet (`same_outlet`, transitively) are grouped. A group counts if one
    of its signals is strong or two of its kinds agree (a handle that is no witness supports,
    but does not count here). A news agency or a company gives way to a group that is neither (a
    wire story's JSON-LD publisher, a parent company). A witness (the page's domain, its account)
    counts as a kind but is never the value, nor are witnesses a group alone. Of the rest,
    the groups with the most support are kept (a weak group of a section's name, 'CNN Politics'
    beside 'CNN', gives way), each strong kind counting two and each other
    kind one: several when they tie, so the caller sees the conflict. `printed(text)` says
    whether the page prints text as a name (not within a word, nor after "the"); it decides the
    spelling (`choose`).
    """
    # The same statement twice (a logo linked in the header and the footer) is compared once,
    # and a page with endless statements is read up to a bound: grouping is quadratic.
    where: dict[Signal, list[int]] = {}
    for index, signal in enumerate(signals):
        if signal in where:
            where[signal].append(index)
        elif len(where) < MAX_SIGNALS:
            where[signal] = [index]
    distinct = list(where)
    parent = list(range(len(distinct)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(distinct)):
        for j in range(i):
            if root(i) != root(j) and same_outlet(distinct[i].name, distinct[j].name):
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(distinct)):
        groups.setdefault(root(i), []).extend(where[distinct[i]])
    scored: list[tuple[int, Outlet]] = []
    weak: list[bool] = []  # no strong source supports the outlet
    for members in groups.values():
        members.sort()
        chosen = [signals[i] for i in members]
        kinds = {s.kind for s in chosen}
        strong = {s.kind for s in chosen if s.strong}
        if not any(s.named for s in chosen):
            continue  # witnesses alone (the domain and the account) name nothing
        if not (strong or len({s.kind for s in chosen if s.named or s.witness}) >= 2):
            continue
        score = 2 * len(strong) + len(kinds - strong)
        value = choose(chosen, printed)
        if is_section(value):
            continue  # a blog's or a section's own site name ('Letters to the Editor')
        scored.append((score, Outlet(value, tuple(members))))
        weak.append(not strong)
    # A section's name that is the outlet's with a section's word after it ('CNN Politics', from
    # the title's suffix and the section's own account '@cnnpolitics') gives way to the outlet's.
    values = [o.value for _, o in scored]
    scored = [entry for entry, w in zip(scored, weak, strict=True) if not (w and _section_of(entry[1].value, values))]
    own = [(score, o) for score, o in scored if not (is_wire_agency(o.value) or is_company(o.value))]
    scored = own or scored
    if not scored:
        return []
    best = max(score for score, _ in scored)
    return [o for score, o in scored if score == best]


def _section_of(value: str, values: Sequence[str]) -> bool:
    """Whether value is another of values followed by a section's words ('CNN Politics' of 'CNN')."""
    words = value.split()
    return any(
        0 < len(head) < len(words)
        and outlet_key(" ".join(words[: len(head)])) == outlet_key(other)
        and is_section(" ".join(words[len(head) :]))
        for other in values
        if (head := other.split())
    )


def choose(signals: Sequence[Signal], printed: Callable[[str], bool]) -> str:
    """The spelling of one outlet's name that the page gives as its name.

    In order: the spelling of a copyright or trademark line; a name without a trailing
    descriptor or domain ('Glamour', not 'Glamour Magazine'); not a domain ('Live Science', not
    'livescience.com'); not initials ('Wall Street Journal', not 'WSJ'); printed in the page;
    from a strong source; with more words ('The Hill', not 'TheHill'); given by more sources. A
    leading "The" is then taken from a spelling that has it or dropped, as the page prints the
    name ('The Wall Street Journal' where the page prints it so, 'Boston Herald' where 'The
    Boston Herald' is only in its metadata). A name followed by its domain is given without it
    ('ประชาไท' of 'ประชาไท Prachatai.com').
    """
    names = [s for s in signals if s.named]
    spellings = [s.name for s in names]

    def rank(index: int) -> tuple[int, ...]:
        signal = names[index]
        words = _words(signal.name)
        return (
            signal.formal,
            not (len(words) > 1 and (words[-1] in _DESCRIPTORS or _domain_tail(words))),
            not is_domain_name(signal.name),
            not any(is_acronym(signal.name, other) for other in spellings),
            printed(signal.name),
            signal.strong,
            len(words),
            spellings.count(signal.name),
        )

    best = names[max(range(len(names)), key=lambda i: (rank(i), -i))].name
    if _domain_tail(_words(best)):
        best = best.rsplit(None, 1)[0]  # 'ประชาไท Prachatai.com': the name, its domain left out
    if best.startswith("The ") and not printed(best) and printed(best[4:]):
        return best[4:]
    with_the = [s for s in spellings if s.startswith("The ") and s[4:].casefold() == best.casefold()]
    if with_the and printed(with_the[0]):
        return with_the[0]
    return best
