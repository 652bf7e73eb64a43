"""Photo credits: one credit line read as (photographer, agency), and the credits that close a caption.

The HTML and plain-text extractors share these rules. `parse` reads a text known to be a credit
(a credit element of a page, a JSON-LD `creditText`, the part of a caption after a credit label);
`find` looks for credits at the end of a caption or a line of text, where an unlabelled credit must
carry a sign of one (a 'Name/Agency' slash, a photo agency), so that a caption sentence that happens
to hold a slash is no credit. Agencies are kept as written, bar a qualifier ('Reuters files',
'PTI File Photo', a pool photo's 'Jane Doe/Pool/Reuters') and the 'AP Photo' / 'AFP Photo' forms,
which name AP and AFP. A name given alone after 'Courtesy of' or 'Image via' is the photo's source,
in the agency slot, whether a company or a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.extract.common.names import SUFFIXES, is_person_name, person_value, shouting
from archive.extract.common.outlets import is_wire_agency

# ---------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------

# Agencies and image libraries that credit photos, keyed in lower case: a signal that a phrase is
# an agency, never a list of what may be one (any name after a credit label is taken).
_AGENCIES = frozenset(
    """
    ap afp reuters getty epa efe epa-efe pa upi xinhua sputnik tass anadolu ani pti ians kyodo yonhap
    shutterstock istock istockphoto alamy rex thinkstock corbis dpa bloomberg nurphoto zuma sipa polaris
    redux magnum imago nasa esa unsplash pexels pixabay flickr wikimedia
    """.split()  # noqa: SIM905
)
# Platforms a photo is taken from: a credit in brackets or after a label ('[Instagram]'), never otherwise
# (a row of share links names them all).
_PLATFORMS = frozenset({"instagram", "facebook", "twitter", "youtube", "pinterest", "reddit", "tiktok"})
# Words that make a capitalised phrase an organisation (or an agency) rather than a person.
_ORG_WORDS = frozenset(
    """
    images image photos photo pictures picture press agency agencies news media times post journal
    herald tribune gazette magazine wire service services network studios studio collaboration
    institute center centre university college museum library archive archives commons domain
    books airlines airways group co co. inc inc. ltd ltd. llc corp corp. company foundation ministry
    department office government police army navy military forces sports photography collection
    team staff handout pool courtesy stock features telescope observatory laboratory lab council
    association society club party committee commission communications comments policy syndication syndicate
    county jail prison sheriff games
    """.split()  # noqa: SIM905
)
# Words that are never part of a person's name in a credit (beside the organisation words).
_NOT_PERSON = (
    _ORG_WORDS
    | _AGENCIES
    | frozenset(
        """
    a an and or of the to for in on at with from by via credit credits source copyright file files
    getty reuters video illustration graphic screenshot screengrab map chart view contact about home
    privacy terms jobs share login subscribe newsletter
    """.split()  # noqa: SIM905
    )
)
# Words that name a kind of thing, not who made it: 'Photo' alone is no agency.
_GENERIC = frozenset("photo photos image images picture pictures video videos news media home more file".split())  # noqa: SIM905
_KNOWN_NAMES = re.compile(r"(?i)\b(?:associated\s+press|agence\s+france-presse|press\s+association|getty\s+images)\b")
_UNCREDITED = frozenset({"uncredited", "unknown", "str", "stringer", "handout"})
_CORPORATE = frozenset({"inc", "llc", "ltd", "co", "corp", "plc", "gmbh", "sa", "ag"})
_CONNECTORS = frozenset({"of", "the", "and", "&", "for", "via", "de", "du", "des", "la", "le", "di", "del", "da"})
# Agencies written before the photographer ('AP Photo/Evan Vucci', 'REUTERS/Gleb Garanich'), as named.
_AGENCY_FORMS = {"ap photo": "AP", "afp photo": "AFP", "ap photo/file": "AP"}
# Photo agencies that credit a photo on their own, without a label ('… on Monday. Getty Images').
_PHOTO_AGENCY = re.compile(
    r"(?:(?:[A-Z][\w-]*\s+){1,3}via\s+)?Getty\s+Images(?:\s+for\s+(?:[A-Z][\w&.'\u2019-]*\s*){1,4})?"
    r"|Shutterstock(?:\.com)?|Alamy(?:\s+Stock\s+Photo)?|[iI][sS]tock(?:photo)?(?:\.com)?|AP\s+Photo|AFP\s+Photo|EPA-EFE"
)

# ---------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------

_MEDIA = (
    r"(?:photo(?:graph)?s?|photography|images?|pictures?|pics?|illustrations?|screenshots?|screengrabs?|fotos?|фото|світлина|bild(?:er)?"
    r"|사진|写真)"
)
_MARK = r"\s*(?::|\.{3}|\u2026|\||=)\s*"
# Labels before a credit: 'Credit...', 'Photo:', 'Photograph:', 'Image credit:', 'Main image credit:',
# 'Photo by', 'Courtesy of', 'Image via', 'Image copyright', '©', 'Фото:'. Several may stand in a row
# ('Image: © TNG'), so `_strip_labels` takes them one after another.
_LABEL = re.compile(
    rf"(?P<named>(?i:(?:(?:main|top|lead|header|featured|cover|hero|mandatory)\s+)?(?:{_MEDIA}\s+)?(?:credits?|copyright)"
    rf"|photographers?|{_MEDIA})){_MARK}"
    rf"|(?P<source>(?i:{_MEDIA}\s+(?:credits?|source)))\s*(?::|,|\.{{3}}|\u2026)\s*"
    rf"|(?P<by>(?i:(?:credits?\s+)?{_MEDIA}|(?:{_MEDIA}\s+)?credits?)\s+by)\s+"
    rf"|(?P<courtesy>(?i:(?:{_MEDIA}\s+)?courtesy(?:\s+of)?|{_MEDIA}\s+via))\s+"
    r"|(?P<copyright>(?i:(?:image\s+)?copyright)\s+(?:\u00a9\s*)?|\u00a9\s*)(?:(?:19|20)\d\d\s+)?"
)
# Labels that introduce the caption, not its credit.
_CAPTION_LABEL = re.compile(r"^(?:image|photo|media)?\s*caption\s*[,:]\s*", re.I)
# Qualifiers after an agency: 'Reuters files', '(AP Photo/Evan Vucci, File)', 'REUTERS/Name/File Photo'.
_QUALIFIER = re.compile(
    r"(?:,\s*|/|\s+)(?:(?:file|archive)\s+photos?|files?)\s*$"
    r"|\s+-\s+(?=[A-Z\d]*\d)(?=[A-Z\d]*[A-Z])[A-Z\d]{6,12}$",  # a wire picture's number: '… Sports - RTR4JDW4'
    re.I,
)
_POOL = re.compile(r"(?<=\w)\s*/\s*pool\s*(?=/\s*\w)", re.I)  # a pool photo's mark between its two parts
_LEADING_QUALIFIER = re.compile(r"^(?:file|archive)(?:\s+photo)?(?:\s+(?:19|20)\d\d)?\s*/\s*", re.I)

# Where credits may start in a caption: after a sentence, a separator or an opening bracket, or glued
# to the caption's last period ('…on Tuesday.Credit...Lynsey Addario for The New York Times', a
# credit element run into its caption: '… near Lost Hills, California.David McNew—Getty Images'; a label
# in any case before its colon: '… on October 11, 2023.PHotograph: Name/Getty Images').
_BOUNDARY = re.compile(
    r"[.!?\u2026\"\u201d\u2019')\]]\s+|\s[|\u2013\u2014]\s+|[(\[]"
    r"|(?<=[^\W_][.!?])(?=(?:Credit|Photo(?:graph)?s?|Images?|Pictures?|Foto|Фото|Bild)\b)"
    r"|(?<=[^\W_][.!?])(?=(?i:credit|photo(?:graph)?s?|images?|pictures?|foto|фото|bild)\s*:)"  # '2023.PHotograph:'
    r"|(?<=[^\W\d_]{2}[.!?])(?=[A-Z][a-z]+[\s/\u2014\u2013-])"  # '… California.David McNew—Getty Images'
    r"|(?<=\w),\s+(?=(?i:photos?|images?|pictures?|photography)\s+by\s)"  # '… in the gallery, images by Jane Doe'
)
_CLOSERS = {"(": ")", "[": "]"}
# What a text's credits must contain, in lower case: a label's word, the '/' or '|' between a name and
# an agency, a photo agency written alone, the bracket closing a known agency ('(AFP)'), or a wire's name run
# on after a caption ('… in New York.Reuters'). A text whose tail has none of them skips the search.
CREDIT_WORDS = (
    "/", "|", "photo", "image", "pic", "screen", "credit", "courtesy", "copyright", "\u00a9", "getty", "shutterstock",
    "alamy", "istock", "epa-efe", "foto", "фото", "світлина", "bild", "video", "source", "illustration", "사진",
    "写真", ")", "]", "reuters", "afp",
)  # fmt: skip
MAX_CREDITS = 300  # characters: enough for three 'Name/Agency via Getty Images' credits

# ---------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credit:
    """One photo credit: who took the photo and/or the agency that distributes it, as written."""

    photographer: str | None = None
    agency: str | None = None

    def value(self, caption: str = "") -> dict[str, str]:
        """The credit as a fact's value: only the parts given, and the caption it belongs to."""
        out = {}
        if self.photographer:
            out["photographer"] = self.photographer
        if self.agency:
            out["agency"] = self.agency
        if caption:
            out["caption"] = " ".join(caption.split())
        return out


@dataclass(frozen=True)
class _Listed(Credit):
    """Several agencies listed in one credit ('Photos: JTBC, Northwind'), read as one credit each."""

    each: tuple[Credit, ...] = ()


def _spread(credit: Credit) -> list[Credit]:
    return list(credit.each) if isinstance(credit, _Listed) else [credit]


@dataclass(frozen=True)
class Located:
    """A credit and where its text stands in the text searched (character offsets)."""

    start: int
    end: int
    credit: Credit


@dataclass(frozen=True)
class Found:
    """The credits of a text and its caption, text[caption_start:caption_end] (the text before
    credits that close it; the text after a credit run into it, `glued`); `rule` names the form read."""

    caption_end: int
    credits: tuple[Located, ...]
    rule: str
    caption_start: int = 0

    def caption(self, text: str) -> str:
        """The caption's part of text, as written."""
        return text[self.caption_start : self.caption_end]


# ---------------------------------------------------------------------------------------
# Phrases: a person, an agency
# ---------------------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return text.replace("\u00a0", " ").split()


def is_person(phrase: str) -> bool:
    """'Nariman El-Mofty', 'Jane A. Doe', 'JANE DOE'; not 'TNG Collaboration', 'Getty Images',
    'Walt Disney Co.' or 'NASA Worldview' (an acronym beside ordinary words names a body)."""
    tokens = _tokens(phrase)
    if not shouting(phrase) and any(len(t) > 1 and t.isalpha() and t.isupper() for t in tokens):
        return False
    return is_person_name(tokens, not_names=_NOT_PERSON, suffixes=SUFFIXES)


def _signal(phrase: str) -> bool:
    """Whether a phrase shows itself to be an agency: a known agency or an organisation's word."""
    words = {w.strip(".,()'\u2019").lower() for w in re.split(r"[\s/]+", phrase)}
    words |= {w.split(".")[0] for w in words if "." in w}  # 'Shutterstock.com'
    return bool(words & _AGENCIES or words & _ORG_WORDS) or phrase.lower() in _AGENCY_FORMS


_DOMAIN = re.compile(r"[\w.-]+\.(?:com|org|net|gov)")
# Words with digits in a name: each has letters before its digits ('A24 Films', 'Studio 9 Northwind' not).
_NAMED_NUMBERS = re.compile(r"(?:[^\W\d_][\w'\u2019&.-]*|[^\w\s]+)(?:\s+(?:[^\W\d_][\w'\u2019&.-]*|[^\w\s]+))*")
_SENTENCE = re.compile(r"(?<!\b[A-Z])(?<!\b(?:Co|St|Jr|Sr))\.\s|[!?;:]\s|[!?;:]$")
_ABBREVIATED = re.compile(r"\b(?:Co|Inc|Ltd|Corp|Jr|Sr|St)\.$|\b[A-Z]\.$")


def _org_name(phrase: str) -> bool:
    """Whether a phrase ends in an organisation's word: 'Hindustan Times', "NASA's Goddard Space Flight Center"."""
    words = phrase.lower().split()
    return bool(words) and words[-1].strip(".,") in _ORG_WORDS


def _known(phrase: str) -> bool:
    """Whether a phrase names a known agency ('Getty Images', 'AFP', 'Shutterstock.com')."""
    if _KNOWN_NAMES.search(phrase):
        return True
    return bool({w.strip(".,()'\u2019").lower().split(".")[0] for w in phrase.split()} & _AGENCIES)


def _numbered_name(words: list[str], text: str) -> bool:
    """'A24 Films', 'Northwind 9 Studios' is not ('9' alone), nor is 'AP2014' (one word: a code)."""
    return len(words) > 1 and _NAMED_NUMBERS.fullmatch(text) is not None


def _agency_like(text: str, *, loose: bool) -> bool:
    """A name, not a phrase: 'Agence France-Presse — Getty Images', 'NASA/JPL-Caltech', 'iFixit',
    'dpa', 'Shutterstock.com'; not 'A view of the city.' `loose` (after a label) also takes names
    with lower-case words when most words are capitalised ('личный архив Андрея Рудькова')."""
    words = _tokens(text)
    if not 0 < len(words) <= 8 or len(text) > 80 or _SENTENCE.search(text):
        return False
    if text.endswith(".") and not _ABBREVIATED.search(text):
        return False
    if any(c.isdigit() for c in text) and not _DOMAIN.fullmatch(text) and not _numbered_name(words, text):
        return False  # a date, a count, a picture's number ('AP2014'); not a name with one in it ('A24 Films')
    if any(w[0] in "'\"\u2018\u201c" for w in words):
        return False  # "Photos: The 'Humans of Khartoum'" is a gallery's title
    upper = lower = 0
    inner = False  # a lower-case word after a capitalised one: 'Jane Doe at work in Kyiv' is a caption
    for word in words:
        bare = word.strip("()'\u2019\"")
        if not any(c.isalpha() for c in bare) or bare.lower() in _CONNECTORS:
            continue
        uncased = bare[0].isalpha() and not bare[0].islower() and not bare[0].isupper()  # Hangul, kana, Han
        if (
            uncased
            or bare[0].isupper()
            or any(c.isupper() for c in bare[1:])
            or bare.lower() in _AGENCIES
            or _DOMAIN.fullmatch(bare)
        ):
            upper += 1
        else:
            lower += 1
            inner = inner or upper > 0
    if upper == 0:
        return False
    return lower == 0 or (loose and not inner and lower <= upper and words[-1][0].isupper())


def _agency(text: str, *, labelled: bool) -> str | None:
    """An agency as written ('AP Photo' is AP), or None: after a label any name, else one with a sign."""
    text = " ".join(text.split()).strip(" ,")
    form = _AGENCY_FORMS.get(text.lower())
    if form:
        return form
    if text.lower() in _GENERIC:
        return None
    if not _agency_like(text, loose=labelled):
        return None
    return text if labelled or _signal(text) else None


def _name_part(text: str, *, single: bool) -> str | None:
    """A photographer's name, styled; `single` also takes one word ('WhiteHaven/Shutterstock')."""
    text = " ".join(text.split()).strip(" ,")
    if is_person(text):
        return person_value(text)
    tokens = _tokens(text)
    if single and len(tokens) == 1 and re.fullmatch(r"[^\W\d_][\w'\u2019-]+", text) and not _signal(text):
        return person_value(text) if text[0].isupper() else None
    return None


# ---------------------------------------------------------------------------------------
# One credit line
# ---------------------------------------------------------------------------------------

_NOTICE = re.compile(
    r"(?i)\brights\s+reserved\b|\bpowered\s+by\b|\bsubscribe\b|\bsign\s+up\b|\bterms\s+of\b|\bprivacy\b"
)
_PROMOTION = re.compile(r"(?i)\bsubscribe\b|\bsign\s+up\b|\bnewsletter\b")
_ROLE = re.compile(
    r"(?i)(?:(?:staff|senior|chief|contributing|freelance|infographics?|graphics)\s+)*"
    r"(?:photographer|artist|illustrator|designer|contributor|photojournalist)"
)
_STUDIO = re.compile(r"(.+?)\s+(?:Photography|Photos?|Studios?)")
_CORPORATE_WORD = re.compile(r"(?i)^(?:inc|llc|ltd|co|corp|plc)\.?$")
_BYLINE = re.compile(r"(?i:by)\s")  # 'By Jane Doe | Fox News' is a byline
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")  # 'Jane Doe | jdoe@example.com': a contact, not an agency
_SPLIT = re.compile(r"\s*/\s*|\s+\|\s+|\s*\u2014\s*")  # 'Name/Agency', 'Name | Agency', 'Name—Agency'


def _strip_labels(text: str) -> tuple[str, re.Match[str] | None]:
    """The text after its labels ('Image: © TNG Collaboration' -> 'TNG Collaboration'), and the first."""
    first = None
    for _ in range(3):
        label = _LABEL.match(text)
        if not label or not label.end():
            break
        first = first or label
        text = text[label.end() :]
        if _BYLINE.match(text):
            text = text[3:].lstrip()  # 'Credit: By Jane Doe, Infographics Artist'
            break
    return text, first


def _one(text: str, *, labelled: bool, bracketed: bool = False, closing: bool = False) -> Credit | None:
    """One credit without its label: 'Jane Doe/Reuters', 'AP Photo/Evan Vucci', 'Reuters / David
    Mercado', 'Natalie Naccache | Bloomberg | Getty Images', 'Jane Doe for The New York Times',
    'Damian Dovarganes, AP', 'Bloomberg via Getty Images', 'Getty Images', 'Jane Doe'. `bracketed`: the
    text stood in brackets closing a caption; `closing`: those brackets follow a sentence (or square ones)."""
    # A dash or bar between a caption and its credit ('... in mirror. - Jane Doe/Getty Images') is no part of it.
    text = " ".join(text.split()).lstrip(" ,-|\u2013\u2014\u00b7\u2022")
    text = _QUALIFIER.sub("", text.strip(" ,")).strip(" ,")
    text = _LEADING_QUALIFIER.sub("", text)
    text = _POOL.sub("", text)  # 'Jane Doe/Pool/Reuters': a pool photo by Jane Doe, distributed by Reuters
    if (
        not text
        or len(text) > 150
        or _EMAIL.search(text)
        or "..." in text
        or "\u2026" in text
        or _BYLINE.match(text)
        or _NOTICE.search(text)
    ):
        return None
    if text.count("(") != text.count(")") or text.count("[") != text.count("]"):
        return None
    name: str | None
    agency: str | None
    # 'Flickr user Jane Doe', 'Pinterest user Jane': a platform's user.
    user = re.fullmatch(r"(\w+)\s+user\s+(.+)", text, re.I)
    if user and (labelled or bracketed) and user[1].lower() in (_PLATFORMS | {"flickr"}):
        name = _name_part(user[2], single=True)
        return Credit(name, user[1]) if name else None
    seps = list(_SPLIT.finditer(text))
    if seps:
        parts = [text[: seps[0].start()]] + [
            text[a.end() : b.start() if b else len(text)] for a, b in zip(seps, [*seps[1:], None], strict=True)
        ]
        first, rest = parts[0], text[seps[0].end() :]
        last, before = parts[-1], text[: seps[-1].start()]
        # Each part is a name on its own: no sentence, no label ('… it.Credit...Jane Doe').
        agencies = [_agency(p, labelled=True) if _agency_like(p, loose=False) else None for p in parts]
        # Without a label, an agency must show itself: a known one, or a name ending in an organisation's
        # word ('Hindustan Times'); after ' | ' only a known one ('Jane Doe | NJ Advance Media' is a byline).
        piped = any("|" in m.group() for m in seps)
        signed = labelled or any(_known(p) or (not piped and _org_name(p)) for p in parts)
        # '… during his hearing. (Jane Doe/The Star-Ledger)': a person and a name in brackets closing a caption.
        signed = signed or (bracketed and len(parts) == 2 and is_person(first) != is_person(last))
        if not signed or any(c in text for c in "()[]"):
            return None
        # 'Jane Doe Photography / Alamy': a photographer's studio before a photo library is the photographer.
        studio = _STUDIO.fullmatch(first)
        if studio and is_person(studio[1]) and len(parts) == 2 and _known(rest) and agencies[1]:
            return Credit(person_value(first), agencies[1])
        # 'Jane Doe/Reuters', 'Sakib Ali/Hindustan Times/Getty Images': the photographer first.
        name = _name_part(first, single=len(parts) == 2 and _known(rest))
        if name and all(agencies[1:]) and not _signal(first) and not (len(parts) == 2 and is_person(rest)):
            return Credit(name, rest if len(parts) > 2 else agencies[1])
        # 'AP Photo/Evan Vucci', 'Reuters / David Mercado', "NASA's Goddard Space Flight Center/David Ladd".
        name = _name_part(last, single=False)
        if name and all(agencies[:-1]) and (labelled or _known(before) or (not piped and _org_name(before))):
            agency = _AGENCY_FORMS.get(before.lower(), before)
            return Credit(name, agency)
        # '(AP Photo/Paramount Pictures, Jane Doe)': a handout, the photographer after the comma.
        head, comma, tail = last.rpartition(", ")
        name = _name_part(tail, single=False) if comma and len(parts) == 2 else None
        if name and agencies[0] and _agency_like(head, loose=False) and (labelled or _known(first)):
            return Credit(name, _AGENCY_FORMS.get(first.lower(), first))
        # 'AP Photo/Uncredited': the agency alone.
        if len(parts) == 2 and last.lower() in _UNCREDITED and agencies[0]:
            return Credit(None, _AGENCY_FORMS.get(first.lower(), first))
        # 'NASA/JPL-Caltech/ASU', 'AFP/GETTY', 'Reuters / Pool': agencies credited together (without a
        # label, one of them a known agency: 'News | Photo' is a menu).
        known = labelled or (not piped and any(_known(p) for p in parts))
        # 'Image Jane Doe/Flickr' (an alt text's words before the credit) names no agency.
        generic = bool(first.split()) and first.split()[0].lower() in _GENERIC
        if all(agencies) and known and not generic and not any(is_person(p) for p in parts):
            return Credit(None, text)
        return None
    for sep in (" for ", " via "):
        head, found, tail = text.partition(sep)
        name = _name_part(head, single=False) if found else None
        if name:
            agency = _agency(tail, labelled=True)
            # Without a label, 'Jane Doe for The Daily Planet' may be a byline: only 'via <photo agency>'.
            if agency and (labelled or (sep == " via " and _PHOTO_AGENCY.fullmatch(tail))):
                return Credit(name, agency)
            return None
    if labelled:
        # 'Jane Doe (Northwind Agency)': the agency in brackets after the name.
        bracket = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", text)
        name = _name_part(bracket[1], single=False) if bracket else None
        agency = _agency(bracket[2], labelled=True) if bracket else None
        if name and agency:
            return Credit(name, agency)
        # 'Damian Dovarganes, AP', 'Jamie Rhodes-USA TODAY Sports'.
        for match in re.finditer(r",\s+|-(?=[A-Z])", text):
            head, tail = text[: match.start()], text[match.end() :]
            name, agency = _name_part(head, single=False), _agency(tail, labelled=True)
            if name and _ROLE.fullmatch(tail):
                return Credit(name, None)  # 'Jane Doe, Staff Photographer'
            if name and agency and _signal(tail) and tail.lower().strip(".") not in _CORPORATE:
                return Credit(name, agency)
        # 'JTBC, Northwind': agencies listed after a label.
        pieces = text.split(", ")
        if 1 < len(pieces) <= 4 and not all(is_person(p) for p in pieces):
            listed = [_agency(p, labelled=True) for p in pieces]
            if all(listed) and all(_known(p) or not _CORPORATE_WORD.search(p) for p in pieces) and len(text) <= 60:
                return _Listed(None, text, tuple(Credit(None, a) for a in listed if a))
        name = _name_part(text, single=False)
        if name:
            return Credit(name, None)
    elif not (
        _PHOTO_AGENCY.fullmatch(text)
        or (
            closing
            and len(text.split()) <= 4
            and text[0].isupper()
            and (_known(text) or text.lower() in _PLATFORMS or _CORPORATE_WORD.match(text.split()[-1]))
        )
    ):
        # '… on Monday. [Getty]': a known agency alone needs brackets; so does a company's handout
        # ('… the streaming service. (Walt Disney Co.)').
        return None
    if any(is_person(p) for p in re.split(r"\s+(?:and|&)\s+", text)) and re.search(r"\s(?:and|&)\s", text):
        return None  # 'Jane Doe and John Roe' as an agency: people, or an image's title
    agency = _agency(text, labelled=True)
    return Credit(None, agency) if agency else None


def parse(text: str, *, labelled: bool = True) -> list[Credit]:
    """The credits of a text that is a credit line and nothing else: 'Photograph: Jane Doe/Reuters',
    '(AP Photo/Evan Vucci, File)', 'Credit...Doug Mills/The New York Times', 'Image copyright
    Reuters', 'Фото: Укрінформ'. `labelled` says the context marks it as a credit (a credit element,
    a `creditText`); without that, or a label in the text, it must carry a sign of a credit. Several
    credits are separated by ';'. [] if the text is not a credit line."""
    text = " ".join(text.replace("\u00a0", " ").split())
    while len(text) > 1 and text[0] in _CLOSERS and text.endswith(_CLOSERS[text[0]]):
        text = text[1:-1].strip()
    if _NOTICE.search(text):
        return []
    body, label = _strip_labels(text)
    body = body.strip()
    if body.startswith("(") and body.endswith(")"):
        body = body[1:-1].strip()
    credits: list[Credit] = []
    for piece in body.split(";"):
        credit = _one(piece, labelled=labelled or label is not None)
        if credit is None:
            return []
        credits.extend(_courtesy(c, label) for c in _spread(credit))
    return credits


def _courtesy(credit: Credit, label: re.Match[str] | None) -> Credit:
    """'Courtesy of Northwind Air Lines', 'Photo courtesy Jane Doe', 'Image via Jane Doe': a name given
    alone after a courtesy label is the party that provided the photo, its source (agency slot), whether
    a company or a person."""
    if label is not None and label["courtesy"] and credit.photographer and not credit.agency:
        return Credit(None, credit.photographer)
    return credit


# ---------------------------------------------------------------------------------------
# Credits closing a caption
# ---------------------------------------------------------------------------------------


def may_hold(folded_tail: str) -> bool:
    """Whether the folded end of a text may hold credits (False rules `find` out)."""
    for word in CREDIT_WORDS:  # noqa: SIM110 (any() over a generator costs twice as much, on every line)
        if word in folded_tail:
            return True
    return False


def find(text: str) -> Found | None:
    """Credits closing a text (a caption, a line): after a sentence, a separator or an opening
    bracket, the rest is a ';'-separated list of credits, labelled ('Photo by', 'Photo:', 'Credit:',
    'Image copyright', '©', 'Courtesy of') or not. Unlabelled credits must be 'Name/Agency' (an
    agency's sign on one side) or a photo agency, so 'and/or', '24/7', '3/16' and URLs never qualify.
    In a line of roles ('Text by Jane Doe | Photography by John Roe | Produced by …') the labelled
    credit between separators counts too. A credit another element's text runs into, in a paste or a
    PDF's text, is read too (`glued`)."""
    notice = _AGENCY_NOTICE.search(text, max(0, len(text) - MAX_CREDITS))
    if notice:  # 'Photo: Jane Doe, AP / Copyright 2019 The Associated Press. All rights reserved.'
        text = text[: notice.start()]
    return _closing(text) or _segment(text) or _credit_list(text) or glued(text)


# The agency's copyright notice a caption's credit carries after a slash (Hearst's papers print it so).
_AGENCY_NOTICE = re.compile(
    r"(?<=\w)\s*/\s*(?:(?i:copyright)\s*\u00a9?|\u00a9)\s*(?:19|20)\d\d\b[^/|]{0,80}?(?i:all\s+rights\s+reserved)\.?\s*$"
)


# Two elements a paste or a PDF's text runs together with no space: a bracketed credit and a code
# after it ('… (AP Photo/Jane Doe)AP2014', a picture's number in its own element), a caption's
# sentence and the credit after it ('… in New York.Reuters'), and a credit line ending in
# an agency's capitals and the caption after it ('Jane Doe/REUTERSA jet fighter …').
_GLUED_CODE = re.compile(r"(?<=[)\]])[^\W_][^\s()\[\]]{0,19}$")
_GLUED_END = re.compile(r"(?<=[^\W\d_]{2}[.!?])[A-Z][^.!?]*$")  # '… in New York.Reuters'
_GLUED_LEAD = re.compile(r"[^/\n]{3,60}?/\s*(?P<agency>[A-Z]{2,}(?: [A-Z]{2,}){0,2})(?=[A-Z](?:[a-z]|\s))")


def glued(text: str) -> Found | None:
    """Credits run into by the next element's text (see `_GLUED_CODE`, `_GLUED_END`, `_GLUED_LEAD`):
    the credit must read as one where the elements meet, and a leading one must end in a known
    agency's name."""
    code = _GLUED_CODE.search(text)
    if code and (found := _closing(text[: code.start()])) and found.credits[-1].end >= code.start() - 1:
        return found
    end = _GLUED_END.search(text, max(0, len(text) - 60))
    credit = _one(text[end.start() :], labelled=False, closing=True) if end else None
    if end and credit and (credit.photographer or (credit.agency or "").lower() not in _PLATFORMS):
        # A platform's name alone run on ('… picture.Facebook') is as often a share button's.
        return Found(end.start(), (Located(end.start(), len(text), credit),), "glued-credit")
    lead = _GLUED_LEAD.match(text)
    if lead and _known(lead["agency"]):
        read = parse(lead.group(), labelled=False)
        if len(read) == 1 and read[0].agency and read[0].photographer:
            located = (Located(0, lead.end(), read[0]),)
            return Found(len(text), located, "glued-credit", caption_start=lead.end())
    return None


MAX_LIST = 1500  # characters: a gallery's list of credits ('Image credits: A; B; …') is read up to this


def _credit_list(text: str) -> Found | None:
    """A line that is a labelled list of a gallery's credits, in brackets or not: '(Image credits:
    Northwind; Jane Doe; Design Nine; …)', too long for `_closing`. After the label each ';' piece is
    a credit; a piece that reads as none is left out, as long as most pieces read."""
    stripped = text.strip()
    opener = stripped[:1] if stripped[:1] in _CLOSERS else ""
    if len(stripped) > MAX_LIST or stripped.count(";") < 2 or (opener and not stripped.endswith(_CLOSERS[opener])):
        return None
    lead = len(text) - len(text.lstrip()) + len(opener)
    label = _LABEL.match(text, lead)
    if not label or not label["named"] or label["copyright"]:
        return None
    end = len(text.rstrip()) - len(opener)
    located: list[Located] = []
    read = 0
    pieces = text[label.end() : end].split(";")
    pos = label.end()
    for piece in pieces:
        credit = _one(piece, labelled=True) if piece.strip() else None
        if credit is not None:
            read += 1
            start = pos + len(piece) - len(piece.lstrip())
            located.extend(Located(start, pos + len(piece.rstrip()), c) for c in _spread(credit) if _plain(c))
        pos += len(piece) + 1
    if 3 * read < 2 * len(pieces) or not located:
        return None
    return Found(lead - len(opener), tuple(located), "credit-label")


def _plain(credit: Credit) -> bool:
    """Whether a credit alone in a list says what it is: a photographer with an agency, or an agency
    that shows itself (a known one, a platform, an acronym). A bare 'Jane Doe' or 'Northwind Stoke'
    in a gallery's list may be a person or a shop: the list does not say."""
    if credit.photographer:
        return credit.agency is not None
    agency = credit.agency or ""
    return _known(agency) or agency.lower() in _PLATFORMS or any(len(w) > 1 and w.isupper() for w in agency.split())


def _segment(text: str) -> Found | None:
    if " | " not in text or len(text) > MAX_CREDITS:
        return None
    pos = 0
    for piece in text.split(" | "):
        label = _LABEL.match(piece.strip())
        if label and label.end() and not label["copyright"]:
            lead = len(piece) - len(piece.lstrip())
            read = _closing(piece.strip())
            if read and read.caption_end == 0:
                shifted = tuple(Located(c.start + pos + lead, c.end + pos + lead, c.credit) for c in read.credits)
                return Found(pos, shifted, read.rule)
        pos += len(piece) + 3
    return None


def _closing(text: str) -> Found | None:
    """Credits closing a text (a caption, a line): after a sentence, a separator or an opening
    bracket, the rest is a ';'-separated list of credits, labelled ('Photo by', 'Photo:', 'Credit:',
    'Image copyright', '©', 'Courtesy of') or not. Unlabelled credits must be 'Name/Agency' (an
    agency's sign on one side) or a photo agency, so 'and/or', '24/7', '3/16' and URLs never qualify."""
    # Credits are short: only the end of a long text can hold them, which also keeps the scan linear.
    tail = max(0, len(text) - MAX_CREDITS)
    starts = [0] + [m.end() for m in _BOUNDARY.finditer(text, tail)]
    for start in starts:
        if len(text) - start > MAX_CREDITS or start >= len(text):
            continue
        end = len(text)
        opener = text[start - 1] if start and text[start - 1] in _CLOSERS else ""
        if opener:
            if not text.endswith(_CLOSERS[opener]):
                continue
            end -= 1
        while end > start and text[end - 1] in " .|":
            if text[end - 1] == "." and _ABBREVIATED.search(text, start, end):
                break
            end -= 1
        body, label = _strip_labels(text[start:end])
        after_comma = start > 1 and text[start - 2 : start].strip() == "," and label is not None and label["by"]
        if label and not (text[start].isupper() or opener or not text[start].isalpha() or after_comma):
            continue  # 'the photo: …' mid-sentence is no label
        if (
            label
            and label["copyright"]
            and not label.group().lower().startswith("image")
            and not _agency_mark(label, body)
        ):
            continue  # '© 2019 Outlet Inc.' in running text is the page's copyright, not a photo's
        body_start = end - len(body)
        located: list[Located] = []
        pos = body_start
        for piece in text[body_start:end].split(";"):
            lead = len(piece) - len(piece.lstrip())
            closing = _closes_caption(text, start, opener)
            credit = _one(piece, labelled=label is not None, bracketed=bool(opener), closing=closing)
            if credit is None:
                located = []
                break
            piece_start = start if label and not located else pos + lead
            piece_end = pos + len(piece.rstrip())
            located.extend(Located(piece_start, piece_end, _courtesy(c, label)) for c in _spread(credit))
            pos += len(piece) + 1
        if located:
            return Found(start - 1 if opener else start, tuple(located), _rule(text[body_start:end], label))
    return None


def _agency_mark(label: re.Match[str], body: str) -> bool:
    """Whether a '©' credits a photo ('© Reuters / Jane Doe', '© REUTERS / POOL', '© Jane Doe/Instagram',
    '© Alamy'): a bare '©', then a known agency and a second part, a person and an agency, or a
    photo agency alone that is no news agency (a page's or a story's own line says '© 2019 Northwind
    Inc.', '© Reuters')."""
    if label.group().strip() != "\u00a9":
        return False  # 'Copyright © Northwind', '© 2019 …': a page's own notice
    parts = _SPLIT.split(body.strip())
    if len(parts) == 1:
        # A bare '© Reuters' closing a wire story is the story's.
        return _known(parts[0]) and not is_wire_agency(parts[0])
    return _known(parts[0]) or (len(parts) == 2 and is_person(parts[0]) and _agency_like(parts[1], loose=False))


def _closes_caption(text: str, start: int, opener: str) -> bool:
    """Whether the brackets opening at start close a caption: square ones always ('… patient [GETTY]'),
    round ones after a sentence ('… you search. (The Associated Press)'), not after a headline or a
    term ('electronic records (ePA)', 'It's Complicated (Bloomberg)'); without brackets, a credit
    after a photo's date and a bar ('… 27-06-2012 | Efe')."""
    if opener == "[":
        return True
    if not opener:  # '… on the day. 27-06-2012 | Efe': a photo's date, then its agency
        return bool(_DATED_BAR.search(text, 0, start))
    before = text[: start - 1].rstrip()
    return opener == "(" and (not before or before[-1] in '.!?"\u201d')


# A caption's sentence, then its photo's date and a bar ('… the King. 27-06-2012 | Efe'), not a listed
# story's headline and date ('Markets rally 27-06-2012 | Reuters').
_DATED_BAR = re.compile(r"(?:^|[.!?\"\u201d]\s+)\d{1,2}[-./]\d{1,2}[-./](?:19|20)\d\d\s*\|\s*$")


def _rule(body: str, label: re.Match[str] | None) -> str:
    if label:
        return "photo-by" if label["by"] else "courtesy" if label["courtesy"] else "credit-label"
    if not _SPLIT.search(body):
        return "credit-agency"
    return "agency-photo" if _SPLIT.split(body)[0].strip().lower() in _AGENCY_FORMS else "credit-slash"


_CAPTION_TRIM = " \t|/\u2013\u2014-:,([\u00a0\ufeff\u200b"


def caption(text: str) -> str:
    """A caption as a value: without a 'Caption:' label and the separators before its credit."""
    return " ".join(_CAPTION_LABEL.sub("", text).rstrip(_CAPTION_TRIM).split())


def promotion(caption: str) -> bool:
    """Whether a caption invites the reader to subscribe or sign up: its image is an advertisement."""
    return bool(_PROMOTION.search(caption))


def label_only(text: str) -> bool:
    """Whether a text is a credit label and nothing else ('Фото:' in a <dt>, its credit in the <dd>)."""
    label = _LABEL.fullmatch(text.strip()) or _LABEL.fullmatch(text.strip() + " ")  # 'Photo by' wants its blank
    return label is not None and not label["copyright"] and not label["courtesy"]
