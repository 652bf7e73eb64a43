"""Deterministic, seeded corpora for the benchmarks: news-like articles, large text, random bytes.

Every generator takes a seed and derives one `random.Random` per file from `"{seed}-{kind}-{i}"`,
so the same arguments always write the same bytes, and a smaller corpus is a prefix of a larger.

* `write_articles`: short UTF-8 English news articles (headline, byline, dateline, paragraphs with
  quotations, curly quotes, dashes and accented names), spread in a `YEAR/MM/` directory tree.
* `write_text_file`: one large UTF-8 text file made of generated paragraphs.
* `write_random_files`: files of random bytes (unidentified binary: ingest them with `--raw`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

FIRST = (
    "Maria", "James", "Aisha", "Chen", "José", "Zoë", "Oluwaseun", "Priya", "Tomás", "Anna",
    "David", "Fatima", "Søren", "Elena", "Michael", "Nguyen", "François", "Grace", "Ibrahim", "Laura",
    "Hannah", "Mateo", "Yuki", "Robert", "Amélie", "Kwame", "Sarah", "Dmitri", "Lucía", "Peter",
)  # fmt: skip
LAST = (
    "García", "Smith", "Okafor", "Wang", "Müller", "Johnson", "Patel", "Kowalski", "Brown", "Haddad",
    "Nakamura", "O'Brien", "Rossi", "Andersen", "Dubois", "Ahmed", "Fernández", "Lee", "Novak", "Clarke",
    "Mensah", "Ivanova", "Schmidt", "Cohen", "Silva", "Walker", "Jensen", "Kim", "Moreau", "Byrne",
)  # fmt: skip
PLACES = (
    "Springfield", "Riverside", "Portland", "Lakewood", "Fairview", "Georgetown", "Brookfield",
    "Montréal", "São Paulo", "Kraków", "Zürich", "Reykjavík", "Nairobi", "Oaxaca", "Lyon", "Dublin",
    "Auckland", "Toronto", "Marseille", "Gdańsk", "Seville", "Bergen", "Accra", "Osaka",
)  # fmt: skip
ORGS = (
    "the city council", "the state health department", "the regional water authority",
    "the school board", "federal prosecutors", "the transit agency", "the county sheriff's office",
    "the ministry of finance", "the university hospital", "the port authority", "a citizens' group",
    "the national weather service", "the planning commission", "the electoral commission",
    "the teachers' union", "the chamber of commerce", "the environmental protection agency",
)  # fmt: skip
ROLES = (
    "a spokesperson for", "the director of", "a senior official at", "an analyst who advises",
    "the chair of", "a lawyer representing", "a researcher working with", "a former member of",
)  # fmt: skip
TOPICS = (
    "the new budget", "flood defences", "the housing shortage", "rising rents", "the bridge repairs",
    "the hospital merger", "school closures", "the drought", "the bus network", "the data breach",
    "the wildfire season", "the election results", "the minimum wage", "a pension reform",
    "the stadium project", "water quality", "the heat wave", "the power outage", "the harbour expansion",
    "the zoning plan", "the vaccination campaign", "the tax increase", "the court ruling",
)  # fmt: skip
VERBS_PAST = (
    "approved", "rejected", "postponed", "criticised", "defended", "announced", "questioned",
    "welcomed", "investigated", "reviewed", "delayed", "funded", "challenged", "expanded",
)  # fmt: skip
VERBS_HEAD = (
    "Approves", "Rejects", "Delays", "Weighs", "Backs", "Probes", "Expands", "Halts", "Debates",
    "Unveils", "Defends", "Questions",
)  # fmt: skip
ADJECTIVES = (
    "sharp", "modest", "unexpected", "long-awaited", "controversial", "significant", "temporary",
    "sweeping", "limited", "costly", "gradual", "dramatic", "cautious", "widely expected",
)  # fmt: skip
NOUNS = (
    "increase", "decline", "delay", "shift", "decision", "proposal", "agreement", "dispute",
    "investigation", "shortfall", "recovery", "review", "settlement", "overhaul",
)  # fmt: skip
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)  # fmt: skip
QUOTES = (
    "We have to be honest with people about what this will cost",
    "Nobody here expected it to happen this quickly",
    "The numbers simply do not add up",
    "This is the first step, not the last",
    "We warned about this for years and nobody listened",
    "Families deserve clear answers, and they deserve them now",
    "It is too early to say what the long-term effects will be",
    "We are reviewing every option that is available to us",
    "I have lived here for forty years and I have never seen anything like it",
    "The decision was not taken lightly",
)  # fmt: skip
SENTENCES = (
    "{Org} {verb} {topic} on {day}, a {adj} {noun} that officials said would affect thousands of residents.",
    "“{quote},” said {person}, {role} {org}.",
    "According to figures released on {day}, the {noun} amounts to {number} percent over the past year.",
    "{person}, who has followed {topic} since {year}, described the {noun} as {adj}.",
    "Critics argue that {topic} has been mishandled, while supporters point to a {adj} {noun} in {place}.",
    "The plan, first proposed in {month} {year}, would cost an estimated ${number} million.",
    "Residents of {place} gathered outside the town hall on {day} evening — some carrying signs.",
    "{Org} did not respond to a request for comment before publication.",
    "In a statement, {org} said it {verb} the findings and would publish a full report in {month}.",
    "Local businesses reported a {adj} {noun}, with some owners saying sales fell by {number} percent.",
    "“{quote},” {person} told reporters, adding that a vote was expected before the end of {month}.",
    "The {noun} follows months of debate over {topic} in {place} and neighbouring towns.",
    "Officials said about {number},000 households could be affected by the {noun}.",
    "{person} said the {noun} was “{adj}” but declined to give further details.",
    "A similar {noun} in {place} in {year} led to a lengthy legal dispute that was settled out of court.",
    "Opposition members {verb} the measure, calling it a {adj} response to {topic}.",
)  # fmt: skip
HEADLINES = (
    "{Place} {Org} {verb_head} Plan on {Topic}",
    "{Topic}: {Place} Faces {Adj} {Noun}",
    "{Person} Says {Topic} Needs {Adj} Review",
    "After Months of Debate, {Org} {verb_head} {Topic}",
    "What the {Noun} in {Place} Means for {Topic}",
    "{Org} {verb_head} {Topic} Amid {Adj} {Noun}",
)  # fmt: skip


@dataclass(frozen=True)
class CorpusInfo:
    """What a generator wrote: where, how many files and how many bytes."""

    root: Path
    files: int
    bytes: int
    layout: str


def _title(text: str) -> str:
    small = {"a", "an", "and", "at", "for", "in", "of", "on", "the", "to"}
    words = text.split(" ")
    out = [w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words)]
    return " ".join(out)


def _slots(rng: random.Random) -> dict[str, str]:
    org = rng.choice(ORGS)
    person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    topic = rng.choice(TOPICS)
    place = rng.choice(PLACES)
    return {
        "org": org,
        "Org": org[:1].upper() + org[1:],
        "person": person,
        "Person": person,
        "role": rng.choice(ROLES),
        "topic": topic,
        "Topic": _title(topic.removeprefix("the ")),
        "place": place,
        "Place": place,
        "verb": rng.choice(VERBS_PAST),
        "verb_head": rng.choice(VERBS_HEAD),
        "adj": rng.choice(ADJECTIVES),
        "Adj": _title(rng.choice(ADJECTIVES)),
        "noun": rng.choice(NOUNS),
        "Noun": _title(rng.choice(NOUNS)),
        "day": rng.choice(DAYS),
        "month": rng.choice(MONTHS),
        "year": str(rng.randint(1998, 2024)),
        "number": str(rng.randint(2, 95)),
        "quote": rng.choice(QUOTES),
    }


def sentence(rng: random.Random) -> str:
    return rng.choice(SENTENCES).format(**_slots(rng))


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))


def headline(rng: random.Random) -> str:
    return _title(rng.choice(HEADLINES).format(**_slots(rng)))


def article(rng: random.Random, target: int) -> tuple[str, str]:
    """One article of about `target` UTF-8 bytes; returns (headline, text)."""
    head = headline(rng)
    author = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    date = f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {rng.randint(2015, 2024)}"
    place = rng.choice(PLACES).upper()
    parts = [head, "", f"By {author}", date, ""]
    body = [f"{place} — {paragraph(rng)}"]
    size = len("\n".join(parts).encode())
    size += len(body[0].encode()) + 2
    while size < target:
        para = paragraph(rng)
        body.append(para)
        size += len(para.encode()) + 2
    return head, "\n".join(parts) + "\n\n".join(body) + "\n"


def _slug(text: str, words: int = 6) -> str:
    kept = "".join(c.lower() if c.isascii() and c.isalnum() else " " for c in text)
    return "-".join(kept.split()[:words]) or "article"


def write_articles(
    root: Path, count: int, *, seed: int = 1, size: int = 4096, tree: bool = True, start: int = 0
) -> CorpusInfo:
    """Write `count` articles of about `size` bytes (from 80 % of it plus one paragraph) under `root`.

    With `tree`, files go to `root/YEAR/MM/` (six years of twelve months: 72 directories);
    otherwise all in `root`. File names are `NNNNN-headline-slug.txt` (at least five digits).
    `start`: the number of the first article, so that a large corpus can be written in parts
    (articles 0 to 9,999 in one directory, 10,000 on in another) with the same bytes as in one.
    """
    root.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(start, start + count):
        rng = random.Random(f"{seed}-article-{i}")
        target = rng.randint(size * 80 // 100, size * 104 // 100)
        head, text = article(rng, target)
        folder = root / f"{2019 + (i % 72) // 12}" / f"{i % 12 + 1:02d}" if tree else root
        folder.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        (folder / f"{i:05d}-{_slug(head)}.txt").write_bytes(data)
        total += len(data)
    return CorpusInfo(root, count, total, "tree YEAR/MM/ (72 dirs)" if tree else "flat")


def write_articles_in_parallel(
    root: Path, count: int, *, start: int = 0, size: int = 4096, workers: int | None = None, chunk: int = 5_000
) -> CorpusInfo:
    """`write_articles` (in a tree) spread over worker processes, chunk by chunk: the same bytes, sooner."""
    from concurrent.futures import ProcessPoolExecutor

    starts = range(start, start + count, chunk)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = list(
            pool.map(
                write_articles_chunk,
                [root] * len(starts),
                starts,
                [min(chunk, start + count - s) for s in starts],
                [size] * len(starts),
            )
        )
    return CorpusInfo(root, sum(p.files for p in parts), sum(p.bytes for p in parts), "tree YEAR/MM/ (72 dirs)")


def write_articles_chunk(root: Path, start: int, count: int, size: int) -> CorpusInfo:
    return write_articles(root, count, size=size, start=start)


_FILLER = b"The council will meet again next month to discuss the matter further. "


def write_text_file(path: Path, size: int, *, seed: int = 1, pool: int = 2048) -> CorpusInfo:
    """One UTF-8 text file of exactly `size` bytes, made of generated paragraphs (1 MiB writes)."""
    rng = random.Random(f"{seed}-text")
    paragraphs = [paragraph(rng).encode("utf-8") + b"\n\n" for _ in range(pool)]
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    block_size = 1 << 20
    with path.open("wb") as f:
        f.write(_title(headline(rng)).encode("utf-8") + b"\n\n")
        written = f.tell()
        while written < size:
            block = b"".join(rng.choices(paragraphs, k=block_size // 600))
            block = block[: size - written]
            if written + len(block) == size:
                # do not end inside a multi-byte character: cut back to the last newline, then
                # fill up with ASCII text
                block = block[: block.rfind(b"\n") + 1]
                fill = size - written - len(block)
                if fill:
                    block += (_FILLER * (fill // len(_FILLER) + 1))[: fill - 1] + b"\n"
            f.write(block)
            written += len(block)
    return CorpusInfo(path.parent, 1, written, "one file")


def write_random_files(root: Path, count: int, size: int, *, seed: int = 1) -> CorpusInfo:
    """`count` files of `size` random bytes each, flat in `root` (ingest with `--raw`)."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        rng = random.Random(f"{seed}-random-{i}")
        (root / f"blob-{i:03d}.bin").write_bytes(rng.randbytes(size))
    return CorpusInfo(root, count, count * size, "flat")
