"""The extraction quality targets hold over the labelled set (bench/evaluate.py prints the table)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.evaluate import evaluate


def test_quality_targets_over_the_labelled_documents() -> None:
    result = evaluate()
    fields = result["fields"]
    assert result["documents"] >= 40
    assert fields["outlet"]["precision"] == 1.0, result["misses"]  # a wrong outlet is worse than none
    assert fields["outlet"]["recall"] >= 0.90, result["misses"]
    assert fields["credit"]["recall"] >= 0.95, result["misses"]
    dates = result["published_exact"]
    assert dates["exact"] == dates["documents_with_stated_date"], result["misses"]
