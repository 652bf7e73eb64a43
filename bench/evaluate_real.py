"""Extraction quality on real pages (issue 10): precision and recall per field of the archive's
extractors over the labelled pages of the shared corpus, read as saved HTML, as the text a person
gets by copying the page from a browser (`bench/paste.py`) and as the PDF a browser prints of it
(`bench/print_pdf.py`, Chromium headless; the kind is left out, and says so, where no Chromium is
installed), beside trafilatura's metadata. The corpus holds no real photos: there is no photo kind.

The labels: `tests/data/real/<corpus>/*.labels.json` (format: `tests/data/real/labels.schema.json`).
Each page (decompressed first if .gz) is identified and runs through the sandboxed extractors on
2 CPUs, exactly as at ingest; its paste runs as a `text/plain` UTF-8 document named `<page>.txt`,
its print as an `application/pdf` document `<page>.pdf`.
Values are compared as sets per page (two rules giving the same value corroborate, they do not
count twice), after Unicode NFC, whitespace collapse and case folding:
* outlet, author: the name; title: the visible headline (a prediction equal to the label's meta
  title is not wrong, it is counted apart as "meta title found", as is a `meta_title` claim of it);
  A wrong outlet that `outlets.same_outlet` finds another spelling of the labelled one
  ('LiveScience' for 'Live Science') is still counted wrong, and counted apart beside the table;
* published: the date part as labelled (the first 10 characters, fewer if only a month or year
  is stated); "exact" is the full value as labelled, offset and all, beside it;
* credit: the (photographer, agency) pair, null matching absent.
precision = correct predictions / predictions; recall = labelled values found / labelled values.
A field a label marks ambiguous is left out on that page. In the text and pdf kinds only values
labelled `visible: true` count as labelled (a prediction equal to an invisible one is still correct).
Prints the tables, every wrong value, the speed; asserts nothing (figures, not a test).
Run: `.venv/bin/python -m bench.evaluate_real [--json] [--only html|text|pdf] [--labels DIR] [--corpus DIR]`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.extract.common.outlets import same_outlet
from archive.extract.identify import identify
from archive.service.extraction import Doc, Extractors
from bench.paste import paste, read_page
from bench.print_pdf import chromium, print_pdf

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "data" / "real"
CORPUS = ROOT.parent / "shared" / "corpus"
FIELDS = ("outlet", "published", "title", "author", "credit")
KINDS = ("html", "text", "pdf")
CPUS = 2
LABEL_FIELD = {"outlet": "outlet", "published": "published", "title": "title", "author": "authors", "credit": "credits"}
_SPACE = re.compile(r"\s+")


def norm(text: str | None) -> str | None:
    if text is None:
        return None
    text = _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()
    return text or None


@dataclass
class Page:
    """One labelled page: its label, its path in the corpus, its bytes written out for extraction."""

    label: dict[str, Any]
    source: Path
    html: Path
    text: Path
    pdf: Path  # written only when the pdf kind is evaluated


@dataclass
class Expected:
    """A page's labelled values of one field for one kind: `want` counts toward recall, `known`
    (`want` plus invisible values, for the text kind) makes a prediction correct."""

    want: dict[str, Any] = field(default_factory=dict)  # key → value as labelled
    known: set[str] = field(default_factory=set)


def _key(name: str, value: Any, width: int = 10) -> str | None:
    if name == "credit":
        if not isinstance(value, dict):
            return None
        pair = (norm(value.get("photographer")), norm(value.get("agency")))
        return json.dumps(pair, ensure_ascii=False) if pair != (None, None) else None
    if not isinstance(value, str):
        return None
    if name == "published":
        return value[:width]
    return norm(value)


def expected(label: dict[str, Any], name: str, kind: str) -> Expected | None:
    """What the label says of one field, or None when the label marks it ambiguous."""
    if LABEL_FIELD[name] in label["ambiguous"]:
        return None
    values: list[tuple[Any, bool]] = []
    raw = label[LABEL_FIELD[name]]
    if name in ("outlet", "published") and raw is not None and raw["value"] is not None:
        values = [(raw["value"], raw["visible"])]
    elif name == "title" and raw["visible"] is not None:
        values = [(raw["visible"], True)]
    elif name == "author":
        values = [(a["name"], a["visible"]) for a in raw]
    elif name == "credit":
        values = [({"photographer": c["photographer"], "agency": c["agency"]}, c["visible"]) for c in raw]
    out = Expected()
    for value, visible in values:
        key = _key(name, value)
        if key is None:
            continue
        out.known.add(key)
        if visible or kind == "html":
            out.want[key] = value
    return out


def _date_width(exp: Expected) -> int:
    # A label of "2015-01" (a month) is matched on 7 characters of the prediction, a full date on 10.
    return min((len(k) for k in exp.known), default=10)


@dataclass
class Score:
    """Counts of one field over the pages of one kind, and every wrong value."""

    predicted: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)
    labelled: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    exact: Counter[str] = field(default_factory=Counter)  # published: full value as labelled
    meta_title: Counter[str] = field(default_factory=Counter)  # labelled meta titles / found as a claim
    spelling: Counter[str] = field(default_factory=Counter)  # wrong outlets that spell the labelled one otherwise
    wrong: list[dict[str, Any]] = field(default_factory=list)
    pages: int = 0

    def add(self, page: str, label: dict[str, Any], kind: str, claims: Iterable[tuple[str, Any]]) -> None:
        self.pages += 1
        claims = list(claims)
        for name in FIELDS:
            exp = expected(label, name, kind)
            if exp is None:
                continue
            width = _date_width(exp) if name == "published" else 10
            values = [v for f, v in claims if f == name]
            have = {k: v for v in values if (k := _key(name, v, width)) is not None}
            meta = norm(label["title"]["meta"]) if name == "title" and kind != "text" else None
            if meta is not None and meta not in exp.known:
                self.meta_title["labelled"] += 1
                kept = {norm(v) for f, v in claims if f == "meta_title" and isinstance(v, str)}
                self.meta_title["found"] += meta in have or meta in kept
                have.pop(meta, None)  # the page's meta title is not a wrong title
            self.predicted[name] += len(have)
            self.correct[name] += len(have.keys() & exp.known)
            self.labelled[name] += len(exp.want)
            self.found[name] += len(have.keys() & exp.want.keys())
            labelled = list(exp.want.values())
            for key in sorted(have.keys() - exp.known):
                self.wrong.append({"page": page, "field": name, "predicted": have[key], "labelled": labelled})
                if name == "outlet":
                    self.spelling["wrong"] += 1
                    self.spelling["same outlet"] += any(same_outlet(have[key], str(v)) for v in labelled)
            for key in sorted(exp.want.keys() - have.keys()):
                self.wrong.append({"page": page, "field": name, "missed": exp.want[key]})
            if name == "published" and exp.want:
                self.exact["labelled"] += 1
                self.exact["exact"] += any(v in exp.want.values() for v in values)

    def table(self) -> dict[str, dict[str, Any]]:
        rows = {}
        for name in FIELDS:
            p, c, n, f = self.predicted[name], self.correct[name], self.labelled[name], self.found[name]
            rows[name] = {
                "predicted": p,
                "correct": c,
                "labelled": n,
                "found": f,
                "precision": c / p if p else None,
                "recall": f / n if n else None,
            }
        return rows

    def to_json(self, seconds: float) -> dict[str, Any]:
        return {
            "documents": self.pages,
            "seconds": seconds,
            "pages_per_second": self.pages / seconds if seconds else None,
            "fields": self.table(),
            "published_exact": dict(self.exact),
            "meta_title": dict(self.meta_title),
            "outlet_spelling": dict(self.spelling),
            "wrong": self.wrong,
        }


def load(labels: Path, corpus: Path, work: Path) -> list[Page]:
    """Every label under `labels`, its page decompressed into `work` and its paste beside it."""
    pages = []
    for path in sorted(labels.glob("*/*.labels.json")):
        label = json.loads(path.read_text("utf-8"))
        source = corpus / label["page"]
        data = read_page(source)
        name = source.name.removesuffix(".gz")
        folder = work / path.parent.name
        folder.mkdir(exist_ok=True)
        html = folder / name
        html.write_bytes(data)
        text = folder / f"{name}.txt"
        text.write_text(paste(data), "utf-8")
        pages.append(Page(label, source, html, text, folder / f"{name}.pdf"))
    return pages


def _printed(pages: list[Page]) -> list[Page]:
    """The pages whose PDF printed (Chromium prints two at a time; each print is cached)."""
    with ThreadPoolExecutor(CPUS) as pool:
        done = list(pool.map(lambda p: print_pdf(p.html, p.pdf), pages))
    return [page for page, ok in zip(pages, done, strict=True) if ok]


def _archive(pages: list[Page], kind: str) -> tuple[Score, float, list[str]]:
    docs = []
    for page in pages:
        path = {"html": page.html, "text": page.text, "pdf": page.pdf}[kind]
        data = path.read_bytes()
        if kind == "html":
            found = identify(data[: 1 << 16], path.name)
            docs.append(Doc(path, found.media_type, found.charset, len(data)))
        elif kind == "pdf":
            docs.append(Doc(path, "application/pdf", None, len(data)))
        else:
            docs.append(Doc(path, "text/plain", "utf-8", len(data)))
    start = time.perf_counter()
    with Extractors(CPUS) as extractors:
        results = list(extractors.run(docs))
    seconds = time.perf_counter() - start
    score, failures = Score(), []
    for page, result in zip(pages, results, strict=True):
        score.add(page.label["page"], page.label, kind, ((c.field, c.value) for c in result.claims))
        failures += [f"{page.label['page']}: {n.note}: {n.reason}" for n in result.notes if n.note == "not extracted"]
    return score, seconds, failures


def _trafilatura_claims(path: str) -> list[tuple[str, Any]]:
    import trafilatura

    tree = trafilatura.load_html(Path(path).read_bytes())
    meta = trafilatura.extract_metadata(tree) if tree is not None else None
    if meta is None:
        return []
    claims: list[tuple[str, Any]] = [
        (name, value)
        for name, value in (("outlet", meta.sitename), ("published", meta.date), ("title", meta.title))
        if value
    ]
    claims += [("author", a.strip()) for a in (meta.author or "").split(";") if a.strip()]
    return claims


def _trafilatura(pages: list[Page]) -> tuple[Score, float] | None:
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        return None
    start = time.perf_counter()
    with ProcessPoolExecutor(CPUS) as pool:
        results = list(pool.map(_trafilatura_claims, [str(p.html) for p in pages]))
    seconds = time.perf_counter() - start
    score = Score()
    for page, claims in zip(pages, results, strict=True):
        score.add(page.label["page"], page.label, "html", claims)
    return score, seconds


def evaluate(labels: Path, corpus: Path, kinds: tuple[str, ...]) -> dict[str, Any]:
    result: dict[str, Any] = {"labels": str(labels), "cpus": CPUS, "kinds": {}}
    with tempfile.TemporaryDirectory(prefix="evaluate-real-") as work:
        pages = load(labels, corpus, Path(work))
        result["pages"] = len(pages)
        for kind in kinds:
            these = pages
            if kind == "pdf":
                if chromium() is None:
                    result["skipped"] = {"pdf": "no Chromium (apt-get install chromium, or set $CHROMIUM)"}
                    continue
                these = _printed(pages)
            score, seconds, failures = _archive(these, kind)
            failures += [f"{p.label['page']}: not printed to PDF" for p in pages if p not in these]
            result["kinds"][kind] = score.to_json(seconds) | {"failures": failures}
        if "html" in kinds and (peer := _trafilatura(pages)) is not None:
            score, seconds = peer
            result["trafilatura"] = score.to_json(seconds)
    return result


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


def _print_table(title: str, r: dict[str, Any]) -> None:
    print(f"\n{title}: {r['documents']} documents")
    print(f"  {'field':10} {'labelled':>8} {'predicted':>9} {'correct':>7} {'found':>5} {'precision':>9} {'recall':>7}")
    for name, row in r["fields"].items():
        print(
            f"  {name:10} {row['labelled']:8} {row['predicted']:9} {row['correct']:7} {row['found']:5}"
            f" {_pct(row['precision']):>9} {_pct(row['recall']):>7}"
        )
    exact = r["published_exact"]
    found, labelled = exact.get("exact", 0), exact.get("labelled", 0)
    print(f"  published exactly as labelled (full value, offset kept): {found} of {labelled}")
    spelling = r["outlet_spelling"]
    if spelling:
        print(
            f"  wrong outlets that are another spelling of the labelled one (outlets.same_outlet):"
            f" {spelling['same outlet']} of {spelling['wrong']}"
        )
    if r["meta_title"]:
        meta = r["meta_title"]
        print(
            f"  meta title (where it differs from the headline) found as a claim: {meta['found']} of {meta['labelled']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print everything as JSON")
    parser.add_argument("--only", choices=KINDS, help="one kind of document only")
    parser.add_argument(
        "--labels", type=Path, default=LABELS, help=f"folder of <corpus>/*.labels.json (default {LABELS})"
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS, help=f"the shared corpus (default {CORPUS})")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        parser.error(f"no corpus at {args.corpus}")
    cpus = sorted(os.sched_getaffinity(0))[:CPUS]
    os.sched_setaffinity(0, cpus)  # the extraction workers inherit it
    try:
        result = evaluate(args.labels, args.corpus, (args.only,) if args.only else KINDS)
    except (OSError, EOFError, ValueError, KeyError) as exc:  # a missing page, a broken label or .gz
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(3)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    print(f"{result['pages']} labelled pages from {result['labels']}")
    for kind, why in result.get("skipped", {}).items():
        print(f"{kind}: not evaluated: {why}")
    for kind, r in result["kinds"].items():
        _print_table(f"archive, {kind}", r)
    if "trafilatura" in result:
        _print_table("trafilatura.extract_metadata (peer), html", result["trafilatura"])
    for kind, r in result["kinds"].items():
        print(f"\nwrong values, archive, {kind} ({len(r['wrong'])}):")
        for w in r["wrong"]:
            if "predicted" in w:
                print(f"  {w['page']}  {w['field']}: predicted {w['predicted']!r}, labelled {w['labelled']!r}")
            else:
                print(f"  {w['page']}  {w['field']}: missed {w['missed']!r}")
        for line in r["failures"]:
            print(f"  {line}")
    print(f"\nspeed of extraction alone (pool start included) on {CPUS} CPUs:")
    runs = [(f"archive, {kind}", r) for kind, r in result["kinds"].items()]
    runs += [("trafilatura.extract_metadata, html", result["trafilatura"])] if "trafilatura" in result else []
    for name, r in runs:
        rate = f"{r['pages_per_second']:.1f}" if r["pages_per_second"] is not None else "—"
        print(f"  {name:36} {r['documents']:5} documents in {r['seconds']:6.2f} s: {rate} pages/s")


if __name__ == "__main__":
    main()
