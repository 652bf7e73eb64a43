"""Extraction quality: precision and recall per field over the labelled documents in tests/.

The labelled set: the five seeds (`tests/data/seeds.labels.json`) and every fixture with a
hand-written `NAME.expected.json` beside it under `tests/data/{plaintext,html,pdf,image}/`
(imitations of how real outlets publish, with traps: cited outlets, agency credits, caption dates,
updated dates). Each document is identified and runs through the sandboxed extractors, exactly as at ingest.

A predicted value is a true positive when the label has the same field and value (credits match
on photographer and agency, the caption is scored separately; a published date-time matches on
its date, and the full value is scored separately). Values are compared as sets per document:
two sources giving the same value corroborate each other, they do not count twice. Prints the table and the targets
from the issue; asserts nothing. Run: `.venv/bin/python bench/evaluate.py [--json]`.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from archive.extract.identify import identify
from archive.service.extraction import Doc, Extractors

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
FIELDS = ("outlet", "published", "title", "author", "credit")
TARGETS = {"outlet": (1.0, 0.90), "credit": (None, 0.95)}


def _key(field: str, value: Any) -> str:
    if field == "credit" and isinstance(value, dict):
        value = {k: value[k] for k in ("photographer", "agency") if k in value}
    if field == "published" and isinstance(value, str):
        value = value[:10]  # the date is what a citation uses; the time is a bonus
    return json.dumps([field, value], sort_keys=True, ensure_ascii=False)


def labelled() -> list[tuple[Path, list[dict[str, Any]]]]:
    docs: list[tuple[Path, list[dict[str, Any]]]] = []
    seeds = json.loads((DATA / "seeds.labels.json").read_text("utf-8"))["documents"]
    docs += [(ROOT / "seeds" / name, doc["facts"]) for name, doc in sorted(seeds.items())]
    for folder in ("plaintext", "html", "pdf", "image"):
        for label in sorted((DATA / folder).glob("*.expected.json")):
            stem = label.name.removesuffix(".expected.json")
            matches = [p for p in label.parent.glob(f"{stem}.*") if not p.name.endswith(".json")]
            if len(matches) != 1:
                continue
            raw = json.loads(label.read_text("utf-8"))
            facts = raw["facts"] if isinstance(raw, dict) else raw
            docs.append((matches[0], facts))
    return docs


def evaluate() -> dict[str, Any]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    captions = Counter[str]()
    stated_dates = exact_dates = 0
    misses: list[str] = []
    docs = labelled()
    inputs = []
    for path, _ in docs:
        data = path.read_bytes()
        found = identify(data[: 1 << 16], path.name)
        inputs.append(Doc(path, found.media_type, found.charset, len(data)))
    with Extractors() as extractors:
        results = list(extractors.run(inputs))
    for (path, facts), result in zip(docs, results, strict=True):
        got = [{"field": c.field, "value": c.value} for c in result.claims]
        for field in FIELDS:
            # Distinct values: two sources giving the same value corroborate, they do not count twice.
            want = {_key(field, f["value"]) for f in facts if f["field"] == field}
            have = {_key(field, c["value"]) for c in got if c["field"] == field}
            tp[field] += len(want & have)
            fp[field] += len(have - want)
            fn[field] += len(want - have)
            misses += [f"{path.name}: wrong {k}" for k in have - want] + [
                f"{path.name}: missed {k}" for k in want - have
            ]
        stated = [f["value"] for f in facts if f["field"] == "published"]
        if stated:
            stated_dates += 1
            exact_dates += set(stated) == {c["value"] for c in got if c["field"] == "published"}
        for f in facts:
            if f["field"] == "credit" and "caption" in f["value"]:
                captions["labelled"] += 1
                captions["exact"] += any(c["field"] == "credit" and c["value"] == f["value"] for c in got)
    rows = {}
    for field in FIELDS:
        precision = tp[field] / (tp[field] + fp[field]) if tp[field] + fp[field] else 1.0
        recall = tp[field] / (tp[field] + fn[field]) if tp[field] + fn[field] else 1.0
        rows[field] = {"tp": tp[field], "fp": fp[field], "fn": fn[field], "precision": precision, "recall": recall}
    return {
        "documents": len(docs),
        "fields": rows,
        "published_exact": {"documents_with_stated_date": stated_dates, "exact": exact_dates},
        "captions": dict(captions),
        "misses": misses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    result = evaluate()
    if parser.parse_args().json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    print(f"{result['documents']} labelled documents\n")
    print(f"{'field':10} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>8}  target")
    for field, r in result["fields"].items():
        p_target, r_target = TARGETS.get(field, (None, None))
        target = ", ".join(
            t for t in (f"P = {p_target:.0%}" if p_target else "", f"R ≥ {r_target:.0%}" if r_target else "") if t
        )
        print(f"{field:10} {r['tp']:4} {r['fp']:4} {r['fn']:4} {r['precision']:10.1%} {r['recall']:8.1%}  {target}")
    pe = result["published_exact"]
    print(f"\nstated publication dates found exactly (full value): {pe['exact']} of {pe['documents_with_stated_date']}")
    cap = result["captions"]
    print(f"credit captions exact: {cap.get('exact', 0)} of {cap.get('labelled', 0)}")
    if result["misses"]:
        print("\nwhere they differ:")
        for line in result["misses"]:
            print(f"  {line}")


if __name__ == "__main__":
    main()
