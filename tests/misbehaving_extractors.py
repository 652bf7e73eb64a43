"""Extractors that misbehave, for the dispatcher's tests: each module-level object is one case.

They are registered in a test's own `Registry` (never in the archive's table), so the dispatcher
runs them exactly as it runs the real ones.
"""

from __future__ import annotations

from archive.extract.api import Document, FunctionExtractor, Result


def _recurse(doc: Document) -> Result:
    return _recurse(doc)


def _exhaust(doc: Document) -> Result:
    raise MemoryError


def _long_failure(doc: Document) -> Result:
    raise ValueError("x" * 5000)


def _not_a_result(doc: Document) -> Result:
    return {"name": "not-a-result"}  # type: ignore[return-value]  # the mistake under test


RECURSES = FunctionExtractor("recurses", "1", frozenset({"x-test/recurses"}), 1 << 20, _recurse)
EXHAUSTS = FunctionExtractor("exhausts", "1", frozenset({"x-test/exhausts"}), 1 << 20, _exhaust)
LONG_FAILURE = FunctionExtractor("long-failure", "1", frozenset({"x-test/long"}), 1 << 20, _long_failure)
NOT_A_RESULT = FunctionExtractor("not-a-result", "1", frozenset({"x-test/not-a-result"}), 1 << 20, _not_a_result)
